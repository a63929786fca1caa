"""bot.telegram.http1: calls over asyncio streams, answers read as Telegram may send them,
and each fault raised as bot.telegram.delivery's rules say (sent again, or not). Each test
runs on benchmarks/aio.py's aiohttp client too (`make`), the one http1 was measured
against, when aiohttp is installed (it is no dependency of the bot)."""

import asyncio
import json
import socket
import threading
import time

import pytest
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.delivery import NotDelivered, Request
from bot.telegram.http1 import Http1Request, new_request
from tests.fake_bot_api import parse_request

TOKEN = "1:SECRET-TOKEN"


@pytest.fixture(params=["http1", "aiohttp"])
def make(request):
    """The request class under test."""
    if request.param == "http1":
        return Http1Request
    pytest.importorskip("aiohttp", reason="benchmarks/aio.py's client: pip install aiohttp")
    from benchmarks.aio import AioRequest

    return AioRequest


def _data(**params) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


class Server:
    """A server that answers each request with `answer(head, body)`: raw bytes, or None to
    close the connection without answering; it records each request and connection."""

    def __init__(self, answer) -> None:
        self.answer, self.requests, self.connections = answer, [], 0

    async def __aenter__(self) -> "Server":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage"
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests.append((lines[0], headers, body))
                raw = self.answer(head, body)
                if raw is None:
                    return
                writer.write(raw)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


def ok(body: bytes = b'{"ok":true,"result":true}', extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\n%sContent-Length: %d\r\n\r\n%s" % (extra, len(body), body)


async def _call(server: Server, make, **params):
    request = make()
    await request.initialize()
    try:
        return await request.do_request(server.url, "POST", request_data=_data(**params))
    finally:
        await request.shutdown()


async def test_parameters_go_as_json_and_connections_are_kept_alive(make):
    async with Server(lambda head, body: ok()) as server:
        request = make()
        await request.initialize()
        markup = {"inline_keyboard": [[{"text": "📊 8.7.1 圖表", "callback_data": "c:8.7.1"}]]}
        for _ in range(3):
            code, payload = await request.do_request(
                server.url,
                "POST",
                request_data=_data(chat_id=5, text="<b>職災</b>", reply_markup=markup),
            )
            assert (code, payload) == (200, b'{"ok":true,"result":true}')
        await request.shutdown()
    line, headers, body = server.requests[0]
    assert line == f"POST /bot{TOKEN}/sendMessage HTTP/1.1"
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"chat_id": 5, "text": "<b>職災</b>", "reply_markup": markup}
    assert server.connections == 1  # one connection for the three calls


async def test_an_idle_connection_the_server_closed_is_not_used_again(make):
    async def closing(reader, writer):  # answers, then closes (no "Connection: close")
        calls.append(1)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(ok())
        await writer.drain()
        writer.close()

    calls: list[int] = []
    server = await asyncio.start_server(closing, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot{TOKEN}/getMe"
    request = make()
    await request.initialize()
    try:
        for _ in range(3):
            assert (await request.do_request(url, "POST"))[0] == 200
            await asyncio.sleep(0.05)  # the server's close arrives
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()
    assert len(calls) == 3  # each call on a new connection, none failed


async def test_a_close_the_loop_has_not_read_yet_is_seen_before_reuse(make):
    """The server (in a thread) closes after answering while the loop is busy: the FIN is
    in the socket, but the loop has not read it, so only polling the socket tells."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[int] = []

    def serve():
        for _ in range(2):
            conn, _ = listener.accept()
            accepted.append(1)
            with conn:
                while b"\r\n\r\n" not in conn.recv(65536):
                    pass
                conn.sendall(ok())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/bot{TOKEN}/getMe"
    request = make()
    await request.initialize()
    try:
        assert (await request.do_request(url, "POST"))[0] == 200
        time.sleep(0.1)  # blocks the loop: the close arrives unread
        assert (await request.do_request(url, "POST"))[0] == 200
    finally:
        await request.shutdown()
        listener.close()
        thread.join(2)
    assert len(accepted) == 2


@pytest.mark.parametrize(
    "raw",
    [
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"ok"\r\n'
        b'14;x=y\r\n:true,"result":true}\r\n0\r\nX-Trailer: 1\r\n\r\n',
        ok(extra=b"Connection: close\r\n"),
    ],
    ids=["chunked", "connection-close"],
)
async def test_answers_in_chunks_or_with_close_are_read_whole(raw, make):
    async with Server(lambda head, body: raw) as server:
        assert await _call(server, make, chat_id=1) == (200, b'{"ok":true,"result":true}')


async def test_an_answer_until_the_connection_ends_is_read_whole(make):
    body = b'{"ok":true,"result":true}'

    async def once(reader, writer):  # HTTP/1.0, no Content-Length: the close ends the body
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(once, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot{TOKEN}/getMe"
    request = make()
    await request.initialize()
    try:
        assert await request.do_request(url, "POST") == (200, body)
        if make is Http1Request:
            assert not request._idle.get(("http", "127.0.0.1", server.sockets[0].getsockname()[1]))
        assert await request.do_request(url, "POST") == (200, body)  # not on the closed one
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()


async def test_an_upload_is_multipart_as_the_fake_bot_api_reads_it(make):
    png = InputFile(b"\x89PNG-bytes", filename='chart "8.7.1".png')
    async with Server(lambda head, body: ok()) as server:
        await _call(server, make, chat_id=5, caption="圖", photo=png)
    _, headers, body = server.requests[0]
    params, files = parse_request(headers, body)
    assert params == {"chat_id": 5, "caption": "圖"}
    assert files == {"photo": ("chart %228.7.1%22.png", b"\x89PNG-bytes")}


async def test_a_5xx_is_not_delivered(make):
    answer = b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad"
    async with Server(lambda head, body: answer) as server:
        with pytest.raises(NotDelivered, match="Bad Gateway"):
            await _call(server, make, chat_id=1)


async def test_a_refused_connection_is_not_delivered(make):
    async with Server(lambda head, body: ok()) as server:
        url = server.url
    request = make()
    await request.initialize()
    with pytest.raises(NotDelivered, match="connection refused"):
        await request.do_request(url, "POST")  # the server is gone
    await request.shutdown()


async def test_no_free_connection_in_time_is_not_delivered(make):
    gate = asyncio.Event()

    async def slow(reader, writer):
        await gate.wait()
        writer.close()

    server = await asyncio.start_server(slow, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot{TOKEN}/sendMessage"
    request = make(connection_pool_size=1, pool_timeout=0.1, read_timeout=5)
    await request.initialize()
    first = asyncio.create_task(request.do_request(url, "POST"))
    await asyncio.sleep(0.05)
    with pytest.raises(NotDelivered, match="PoolTimeout"):
        await request.do_request(url, "POST")
    gate.set()
    with pytest.raises(NetworkError):  # closed without an answer: it may have arrived
        await first
    assert not isinstance(first.exception(), NotDelivered)
    await request.shutdown()
    server.close()
    await server.wait_closed()


async def test_a_read_timeout_and_a_dropped_connection_may_have_arrived(make):
    async with Server(lambda head, body: None) as server:  # closes without answering
        with pytest.raises(NetworkError) as dropped:
            await _call(server, make, chat_id=1)
        assert not isinstance(dropped.value, NotDelivered | TimedOut)

    async def silent(reader, writer):
        await asyncio.sleep(5)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot{TOKEN}/sendMessage"
    request = make(read_timeout=0.1)
    await request.initialize()
    with pytest.raises(TimedOut):
        await request.do_request(url, "POST")
    await request.shutdown()
    server.close()


async def test_a_garbled_answer_is_a_network_error_that_names_no_token(make):
    async with Server(lambda head, body: b"SSH-2.0-OpenSSH\r\n\r\n") as server:
        with pytest.raises(NetworkError) as exc:
            await _call(server, make, chat_id=1)
    assert not isinstance(exc.value, NotDelivered) and TOKEN not in str(exc.value)
    request = make()
    await request.initialize()
    with pytest.raises(NetworkError) as bad:
        await request.do_request(f"http://127.0.0.1:port/bot{TOKEN}/getMe", "POST")
    assert TOKEN not in str(bad.value) and bad.value.__cause__ is None
    await request.shutdown()


async def test_after_shutdown_a_call_fails_until_initialized_again(make):
    async with Server(lambda head, body: ok()) as server:
        request = make()
        await request.initialize()
        await request.shutdown()
        with pytest.raises(RuntimeError):
            await request.do_request(server.url, "POST")
        await request.initialize()
        assert (await request.do_request(server.url, "POST"))[0] == 200
        await request.shutdown()


def test_a_proxy_in_the_environment_is_left_to_httpx(monkeypatch):
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(new_request(), Http1Request)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    assert isinstance(new_request(connection_pool_size=1), Request)
