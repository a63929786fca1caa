"""bot.telegram.http1's client, but over aiohttp (its HTTP parser in C): measured in its
place by benchmarks/clients.py, and not used by the bot (see the README's Benchmarks:
aiohttp costs ~90 ms and ~8 MB more at start for no less CPU an update). It needs
`pip install aiohttp`; tests/telegram/test_http1.py runs on it too when that is installed.
It keeps http1's rules:

    what happened                                   raised
    no free connection within the pool timeout      NotDelivered (never sent)
    connection refused, DNS or TLS failure, timeout NotDelivered (never sent)
    5xx                                             NotDelivered (not carried out)
    write or read timeout                           TimedOut (Telegram may have done it)
    connection dropped, an answer that is not HTTP  NetworkError (Telegram may have done it)

aiohttp sends a POST once (it repeats only idempotent methods on a reused connection).
An idle connection the server closed is never used again: aiohttp drops one whose close
the loop has seen, and `_Connector` polls the socket of the others before each use, as
httpcore and http1 do (without it aiohttp reuses a connection whose close is unread, and
the call fails as one that may have arrived). Nothing raised or logged holds the URL, so
never the token (every aiohttp error is raised again as a message of our own, `from
None`). aiohttp has no write timeout: the body's write and the answer's read share one
deadline (connect + write + read), and the answer's read alone has its own (aiohttp's
sock_read, from the body's last byte). With a proxy, as http1: httpx (benchmarks/clients.py).
"""

import asyncio
import json
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.telegram.delivery import NotDelivered, check, readable, tls
from bot.telegram.http1 import PooledRequest, _quoted


class _Connector(aiohttp.TCPConnector):
    """aiohttp's connector, but an idle connection with something to read (the server
    closed it, and the loop has not read that yet) is closed, not used."""

    async def _get(self, *args: Any, **kwargs: Any) -> Any:
        while (conn := await super()._get(*args, **kwargs)) is not None:
            transport = conn.transport
            if transport is not None and not readable(transport.get_extra_info("socket")):
                return conn
            conn.close()
        return None


class AioRequest(PooledRequest):
    """PTB's BaseRequest over aiohttp, its connections kept alive."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._session: aiohttp.ClientSession | None = None
        self._timeout_of: dict[tuple, aiohttp.ClientTimeout] = {}

    async def initialize(self) -> None:
        if self._session is None:  # at start, or anew after a shutdown, on this loop
            self._slots = asyncio.Semaphore(self._size)
            connector = _Connector(limit=self._size, ssl=tls())
            self._session = aiohttp.ClientSession(connector=connector, auto_decompress=True)

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

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
        session = self._session
        if session is None:
            raise RuntimeError("This AioRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        read, write, connect, pool = self._timeouts(
            files, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        headers = {"User-Agent": self.USER_AGENT}
        body: Any = None
        if files:
            body = _form(request_data)
        elif request_data is not None and request_data.parameters:
            body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        await self._take_slot(pool)
        try:
            code, payload = await self._exchange(
                session, url, method, body, headers, self._timeout(connect, write, read)
            )
        finally:
            self._slots.release()
        check(code)
        return code, payload

    def _timeout(self, connect: float | None, write: float | None,
                 read: float | None) -> aiohttp.ClientTimeout:  # fmt: skip
        """aiohttp's timeout for these: connect (DNS, TCP, TLS), the answer's read, and a
        deadline over all of it (connect + write + read) for the body's write."""
        key = (connect, write, read)
        timeout = self._timeout_of.get(key)
        if timeout is None:
            total = None if None in key else connect + write + read
            timeout = aiohttp.ClientTimeout(total=total, connect=connect, sock_read=read)
            self._timeout_of[key] = timeout
        return timeout

    @staticmethod
    async def _exchange(session: aiohttp.ClientSession, url: str, method: str, body: Any,
                        headers: dict, timeout: aiohttp.ClientTimeout,
                        ) -> tuple[int, bytes]:  # fmt: skip
        try:
            async with session.request(method, url, data=body, headers=headers,
                                       timeout=timeout, allow_redirects=False) as resp:  # fmt: skip
                return resp.status, await resp.read()
        except aiohttp.ConnectionTimeoutError:
            raise NotDelivered("not sent: ConnectTimeout") from None
        except aiohttp.ClientConnectorError as exc:  # refused, unreachable, DNS, TLS
            if isinstance(exc.os_error, ConnectionRefusedError):
                raise NotDelivered("not sent: connection refused") from None
            raise NotDelivered(f"not sent: cannot connect ({type(exc).__name__})") from None
        except TimeoutError:  # aiohttp's sock_read, or the deadline: after sending began
            raise TimedOut("Timed out waiting for the answer") from None
        except aiohttp.InvalidURL:  # the message would name the URL, and so the token
            raise NetworkError("not sent: the Bot API URL is not valid") from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            raise NetworkError(f"no answer read: {type(exc).__name__}") from None


def _form(data: RequestData) -> aiohttp.FormData:
    """The parameters, then the files, as multipart/form-data, names quoted as httpx and
    browsers quote them (`"` as %22; aiohttp would write it as \\", which Telegram's
    parser need not read so)."""
    form = aiohttp.FormData(quote_fields=False)  # aiohttp's escapes \ alone then
    for name, value in data.json_parameters.items():
        form.add_field(_quoted(name), value)
    for name, (filename, content, mime) in data.multipart_data.items():
        raw = content.read() if hasattr(content, "read") else content
        form.add_field(_quoted(name), raw, filename=_quoted(filename or name), content_type=mime)
    return form
