"""bot.telegram.delivery's httpx request (the bot's when a proxy is set; else
bot.telegram.http1's): an idle connection the server closed is never used again."""

import asyncio

from bot.telegram.delivery import Request, _Backend


async def _closing_server(connections: list[int]):
    """Answers one call per connection (as keep-alive, 200 and a JSON body), then closes it."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)  # fmt: skip
        await reader.readexactly(length)
        body = b'{"ok":true,"result":true}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))  # fmt: skip
        await writer.drain()
        writer.close()  # no "Connection: close": the client holds it as idle, open

    return await asyncio.start_server(serve, "127.0.0.1", 0)


async def test_an_idle_connection_the_server_closed_is_not_used_again():
    connections: list[int] = []
    server = await _closing_server(connections)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot1:x/getMe"
    request = Request()
    await request.initialize()
    try:
        assert isinstance(request._client._transport._pool._network_backend, _Backend)
        for _ in range(3):
            code, payload = await request.do_request(url, "POST")
            assert code == 200 and payload == b'{"ok":true,"result":true}'
            await asyncio.sleep(0.05)  # the server's close arrives
        assert len(connections) == 3  # each call on a new connection, none failed
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()
    await request.initialize()  # a client built again (after a shutdown) is switched too
    assert isinstance(request._client._transport._pool._network_backend, _Backend)
    await request.shutdown()
