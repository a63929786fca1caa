"""Calls to Telegram: sent again when they surely did not arrive, never when they may have.

    what happened                               carried out?   what the bot does
    429 Too Many Requests, retry_after          no             that chat waits, sends again
    5xx (500, 502 Bad Gateway, 503 ...)         no             sends again after 0.5, 1, 2 s
    connection refused, connect or pool timeout not sent       sends again after 0.5, 1, 2 s
    read/write timeout after sending            perhaps        no retry; logged
    connection dropped before the answer        perhaps        no retry; logged
    malformed JSON in the answer                perhaps        no retry; logged

So an answer is never sent twice: a call that may have reached Telegram is not repeated.
The bot's request (bot.telegram.http1, or `Request` here, over httpx, when a proxy is
set) tells the cases apart (python-telegram-bot reports all but 429 as a bare
NetworkError); the pacer (bot.telegram.pacer) waits out 429s and repeats what was not
delivered. getUpdates passes through neither: the poller (bot.telegram.polling) retries
it itself.
"""

import functools
import importlib.util
import logging
import select
import ssl
import sys
from http import HTTPStatus
from typing import Any

import httpcore
import httpx
from telegram import InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ChatType, ParseMode
from telegram.error import NetworkError, TimedOut
from telegram.ext import ExtBot
from telegram.request import BaseRequest, HTTPXRequest

log = logging.getLogger(__name__)


class NotDelivered(NetworkError):
    """The call did not take effect (a 5xx, or it never left): safe to send again."""


POOL = 8  # calls in flight: 40-160 a second at Telegram's 50-200 ms round trip, above its
#           30 messages/s; more connections only cost CPU in httpcore's pool bookkeeping
POOL_TIMEOUT = 10.0  # seconds a call may wait for a free connection (PTB: 1 s)


def _remember_no_sniffio() -> None:
    """httpcore imports sniffio whenever it sets up a lock or event (several times a
    request); anyio >= 4.11 no longer installs sniffio, and Python does not remember a
    failed import, so each one searches sys.path again: 15 % of the bot's time under
    load (encode/httpcore#1103). Record the absence once; httpcore then assumes asyncio,
    as it does anyway without sniffio. Nothing changes when sniffio is installed."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # `import sniffio` now fails at once


@functools.cache
def tls() -> ssl.SSLContext:
    """httpx's default TLS context (certifi's CAs, SSL_CERT_FILE / _DIR honoured), made
    once: each client would load the CA bundle again (~40 ms at start-up)."""
    return httpx.create_ssl_context()


def readable(sock: Any) -> bool:
    """Whether a socket has something to read (an idle connection: the server closed it);
    as httpcore asks it, a socket without a descriptor counts as closed."""
    fd = sock.fileno() if sock is not None else -1
    if fd < 0:
        return True
    poll = select.poll()
    poll.register(fd, select.POLLIN)
    return bool(poll.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    """httpcore's stream, but whether the server closed it (asked of every idle connection
    each time a call starts or ends) read from its socket directly: httpcore's anyio
    stream builds every attribute of the socket to answer, a getpeername call among them,
    ~8 µs a connection, which came to a tenth of the bot's CPU under load."""

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._socket = stream.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> "_Stream":  # fmt: skip
        return _Stream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return readable(self._socket)
        return self._stream.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio backend (what it picks under asyncio), its streams `_Stream`s."""

    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> _Stream:
        return _Stream(await self._backend.connect_tcp(*args, **kwargs))

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> _Stream:
        return _Stream(await self._backend.connect_unix_socket(*args, **kwargs))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def _quick_idle_checks(client: httpx.AsyncClient) -> None:
    """The client's connection pool on `_Backend` (where httpx keeps it: its transport's
    pool; left as it is when httpx keeps it elsewhere, or a proxy carries the calls)."""
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    ours = isinstance(pool, httpcore.AsyncConnectionPool) and hasattr(pool, "_network_backend")
    if ours and hasattr(select, "poll"):
        pool._network_backend = _Backend()


class Request(HTTPXRequest):
    """HTTPXRequest that raises NotDelivered when a call surely did not take effect."""

    def __init__(self, **kwargs: Any) -> None:
        _remember_no_sniffio()
        kwargs.setdefault("connection_pool_size", POOL)
        kwargs.setdefault("pool_timeout", POOL_TIMEOUT)
        kwargs.setdefault("httpx_kwargs", {"verify": tls()})  # one TLS context for all
        super().__init__(**kwargs)

    def _build_client(self) -> httpx.AsyncClient:  # at start, and again after a shutdown
        client = super()._build_client()
        _quick_idle_checks(client)
        return client

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            code, payload = await super().do_request(*args, **kwargs)
        except TimedOut as exc:
            if isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout):
                raise NotDelivered(f"not sent: {type(exc.__cause__).__name__}") from exc
            raise  # a read or write timeout: Telegram may have done it
        except NetworkError as exc:
            if isinstance(exc.__cause__, httpx.ConnectError):
                raise NotDelivered("not sent: connection refused") from exc
            raise
        check(code)
        return code, payload


def check(code: int) -> None:
    """A 5xx: the call was not carried out (NotDelivered)."""
    if code >= HTTPStatus.INTERNAL_SERVER_ERROR:
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Server Error"
        raise NotDelivered(f"{phrase} ({code})")


class Bot(ExtBot):
    """ExtBot whose repr names the bot, not the token (python-telegram-bot's repr, and so
    the Application's, shows the whole token: in tracebacks, test reports, debuggers),
    and that gives getUpdates' updates as Telegram sent them."""

    async def get_update_dicts(self, *, offset: int | None, limit: int, timeout: float,
                               allowed_updates: list[str] | None,
                               read_timeout: float) -> list:  # fmt: skip
        """getUpdates, each update as Telegram sent it (a dict), through the getUpdates
        request like Bot.get_updates. Bot.get_updates reads the batch as a whole, so one
        update the library cannot read fails the batch; bot.telegram.polling reads them
        one by one. `read_timeout` must cover the long poll's `timeout`."""
        data = {"offset": offset, "limit": limit, "timeout": timeout,
                "allowed_updates": allowed_updates}  # fmt: skip
        result = await self._post("getUpdates", data, read_timeout=read_timeout)
        return result if isinstance(result, list) else [result]

    async def send_html(
        self,
        msg: Message,
        text: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
        do_quote: bool | None = None,
    ) -> int | None:
        """`msg.reply_html(text, reply_markup=…, do_quote=…)`, the same call, but the message
        Telegram returns is not read into a Message (it and the question it quotes: ~0.2 ms,
        a tenth of an update's CPU): its message_id, all the handlers keep, or None."""
        quote = do_quote
        if quote is None:  # as Message.reply_html: Defaults.do_quote, else quoted in groups
            quote = getattr(self.defaults, "do_quote", None)
            quote = msg.chat.type != ChatType.PRIVATE if quote is None else quote
        topic = msg.direct_messages_topic
        data = {
            "chat_id": msg.chat_id,
            "text": text,
            "parse_mode": ParseMode.HTML,
            "reply_markup": self._replace_keyboard(reply_markup),
            "reply_parameters": ReplyParameters(msg.message_id) if quote else None,
            "message_thread_id": msg.message_thread_id if msg.is_topic_message else None,
            "business_connection_id": msg.business_connection_id,
            "direct_messages_topic_id": topic.topic_id if topic else None,
            "disable_notification": BaseRequest.DEFAULT_NONE,  # the Defaults' (none)
            "protect_content": BaseRequest.DEFAULT_NONE,
            "link_preview_options": BaseRequest.DEFAULT_NONE,  # the Defaults': no preview
        }
        result = await self._post("sendMessage", data)
        return result.get("message_id") if isinstance(result, dict) else None

    def __repr__(self) -> str:
        try:
            name = self.username
        except RuntimeError:  # not initialized yet: getMe has not been called
            name = "?"
        return f"Bot[username={name}]"
