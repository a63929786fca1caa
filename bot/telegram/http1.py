"""Calls to the Bot API over HTTP/1.1 on asyncio's own streams, at a tenth of httpx's CPU.

python-telegram-bot's HTTPXRequest runs each call through httpx's client and httpcore's
pool (its request and header models, h11's state machine, anyio's locks and cancel
scopes): ~0.8 ms of CPU a call on this machine, more than the bot spends on the answer.
A Bot API call needs little of it: a POST with a JSON body (multipart for an upload),
connections kept alive, an answer with Content-Length or chunked. `Http1Request` does
just that (~0.06 ms a call) and keeps bot.telegram.delivery's rules:

    what happened                                   raised
    no free connection within the pool timeout      NotDelivered (never sent)
    connection refused, DNS or TLS failure, timeout NotDelivered (never sent)
    5xx                                             NotDelivered (not carried out)
    write or read timeout                           TimedOut (Telegram may have done it)
    connection dropped, an answer that is not HTTP  NetworkError (Telegram may have done it)

An idle connection the server closed is never used again (its socket is polled before
each use, as httpcore does). Nothing raised or logged holds the URL, so never the token.
A proxy in the environment (HTTPS_PROXY, ALL_PROXY …) is httpx's to honour: `new_request`
then gives delivery.Request, as before.
"""

import asyncio
import json
import os
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.telegram.delivery import POOL, POOL_TIMEOUT, NotDelivered, Request, check, readable, tls

Origin = tuple[str, str, int]  # scheme, host, port


def new_request(**kwargs: Any) -> BaseRequest:
    """The bot's request: `Http1Request`, or httpx's (delivery.Request) when a proxy is set."""
    proxies = urllib.request.getproxies()
    if any(proxies.get(k) for k in ("http", "https", "all")):
        return Request(**kwargs)
    return Http1Request(**kwargs)


class _Connection:
    __slots__ = ("reader", "sock", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.sock = writer.get_extra_info("socket")

    def usable(self) -> bool:
        """Open, and nothing to read (an idle connection that is readable was closed)."""
        return not self.writer.is_closing() and not readable(self.sock)

    def close(self) -> None:
        self.writer.close()


class PooledRequest(BaseRequest):
    """A PTB BaseRequest taking its timeouts as HTTPXRequest takes them, with at most
    `connection_pool_size` calls at once (Http1Request, and benchmarks/aio.py's)."""

    def __init__(
        self,
        connection_pool_size: int = POOL,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = POOL_TIMEOUT,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._size = connection_pool_size
        self._read, self._write, self._connect = read_timeout, write_timeout, connect_timeout
        self._pool, self._media_write = pool_timeout, media_write_timeout
        self._slots = asyncio.Semaphore(connection_pool_size)

    @property
    def read_timeout(self) -> float | None:
        return self._read

    def _timeouts(self, files: bool, read: Any, write: Any, connect: Any, pool: Any) -> tuple:
        """A call's read, write, connect and pool timeouts: those it was given, else these
        (the media write timeout for a call sending files)."""
        if read is BaseRequest.DEFAULT_NONE:
            read = self._read
        if write is BaseRequest.DEFAULT_NONE:
            write = self._media_write if files else self._write
        if connect is BaseRequest.DEFAULT_NONE:
            connect = self._connect
        if pool is BaseRequest.DEFAULT_NONE:
            pool = self._pool
        return read, write, connect, pool

    async def _take_slot(self, timeout: float | None) -> None:
        """One of the calls at once, or NotDelivered when none is free in time."""
        try:
            async with asyncio.timeout(timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise NotDelivered("not sent: PoolTimeout") from None


class Http1Request(PooledRequest):
    """PTB's BaseRequest over asyncio streams, its connections kept alive."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._idle: dict[Origin, list[_Connection]] = {}
        self._closed = False

    async def initialize(self) -> None:
        if self._closed:  # after a shutdown: anew, on the loop running now
            self._slots = asyncio.Semaphore(self._size)
        self._closed = False

    async def shutdown(self) -> None:
        self._closed = True
        for connections in self._idle.values():
            for conn in connections:
                conn.close()
        self._idle.clear()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._closed:
            raise RuntimeError("This Http1Request is not initialized!")
        files = request_data is not None and request_data.contains_files
        read, write, connect, pool = self._timeouts(
            files, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        try:
            parts = urlsplit(url)
            origin = (parts.scheme, parts.hostname or "", parts.port or _PORTS[parts.scheme])
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        except (ValueError, KeyError):  # the message would name the URL, and so the token
            raise NetworkError("not sent: the Bot API URL is not valid") from None
        head, body = _encode(method, parts.netloc.rpartition("@")[2], target, request_data,
                             self.USER_AGENT)  # fmt: skip
        await self._take_slot(pool)
        try:
            conn = await self._connection(origin, connect)
            try:
                code, payload, keep = await _exchange(conn, head + body, write, read)
            except BaseException:
                conn.close()
                raise
            if keep and not self._closed:
                self._idle.setdefault(origin, []).append(conn)
            else:
                conn.close()
        finally:
            self._slots.release()
        check(code)
        return code, payload

    async def _connection(self, origin: Origin, timeout: float | None) -> _Connection:
        """An idle connection to `origin` still open, else a new one."""
        idle = self._idle.get(origin)
        while idle:
            conn = idle.pop()
            if conn.usable():
                return conn
            conn.close()
        scheme, host, port = origin
        context = tls() if scheme == "https" else None
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=context, server_hostname=host if context else None
                )
        except TimeoutError:
            raise NotDelivered("not sent: ConnectTimeout") from None
        except ConnectionRefusedError:
            raise NotDelivered("not sent: connection refused") from None
        except OSError as exc:  # unreachable, DNS (gaierror), TLS (SSLError)
            raise NotDelivered(f"not sent: cannot connect ({type(exc).__name__})") from None
        return _Connection(reader, writer)


_PORTS = {"http": 80, "https": 443}


def _encode(method: str, host: str, target: str, data: RequestData | None,
            agent: str) -> tuple[bytes, bytes]:  # fmt: skip
    """The request's head and body: the parameters as JSON (what Telegram and the form
    encoding httpx used read alike), or multipart/form-data with the files."""
    kind = ""
    body = b""
    if data is not None and data.contains_files:
        boundary = os.urandom(16).hex()
        body = _multipart(data, boundary)
        kind = f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
    elif data is not None and data.parameters:
        body = json.dumps(data.parameters, ensure_ascii=False).encode()
        kind = "Content-Type: application/json\r\n"
    head = (f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {agent}\r\n"
            f"Accept: */*\r\n{kind}Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
    return head.encode(), body


def _multipart(data: RequestData, boundary: str) -> bytes:
    """The parameters, then the files, as httpx lays them out."""
    out = []
    for name, value in data.json_parameters.items():
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"'
                   f"\r\n\r\n{value}\r\n".encode())  # fmt: skip
    for name, (filename, content, mime) in data.multipart_data.items():
        raw = content.read() if hasattr(content, "read") else content
        raw = raw.encode() if isinstance(raw, str) else raw
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"; '
                   f'filename="{_quoted(filename or name)}"\r\nContent-Type: {mime}\r\n\r\n'
                   .encode() + raw + b"\r\n")  # fmt: skip
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


async def _exchange(conn: _Connection, request: bytes, write: float | None,
                    read: float | None) -> tuple[int, bytes, bool]:  # fmt: skip
    """Send the request, read the answer: (status, body, whether the connection stays)."""
    try:
        async with asyncio.timeout(write):
            conn.writer.write(request)
            await conn.writer.drain()
    except TimeoutError:
        raise TimedOut("Timed out writing the request") from None
    except OSError as exc:
        raise NetworkError(f"connection dropped while sending: {type(exc).__name__}") from None
    try:
        async with asyncio.timeout(read):
            return await _response(conn.reader)
    except TimeoutError:
        raise TimedOut("Timed out waiting for the answer") from None
    except (OSError, EOFError, ValueError, asyncio.LimitOverrunError) as exc:
        # IncompleteReadError is an EOFError: the server closed before answering in full
        raise NetworkError(f"no answer read: {type(exc).__name__}") from None


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head[:-4].split(b"\r\n")
    version, code = status_line.split(b" ", 2)[:2]
    if not version.startswith(b"HTTP/1."):
        raise ValueError("not an HTTP/1 answer")
    headers = {}
    for line in lines:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip().lower()
    keep = version == b"HTTP/1.1" and headers.get(b"connection") != b"close"
    if b"chunked" in headers.get(b"transfer-encoding", b""):
        body = await _chunked(reader)
    elif b"content-length" in headers:
        body = await reader.readexactly(int(headers[b"content-length"]))
    else:  # the body runs to the end of the connection
        body, keep = await reader.read(), False
    return int(code), body, keep


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    chunks = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, if any
                pass
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)
