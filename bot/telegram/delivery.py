"""Calls to Telegram: sent again when they surely did not arrive, never when they may have.

    what happened                               carried out?   what the bot does
    429 Too Many Requests, retry_after          no             waits retry_after, sends again
    5xx (500, 502 Bad Gateway, 503 ...)         no             sends again after 0.5, 1, 2 s
    connection refused, connect or pool timeout not sent       sends again after 0.5, 1, 2 s
    read/write timeout after sending            perhaps        no retry; logged
    connection dropped before the answer        perhaps        no retry; logged
    malformed JSON in the answer                perhaps        no retry; logged

So an answer is never sent twice: a call that may have reached Telegram is not repeated.
`Request` tells the cases apart (python-telegram-bot reports all but 429 as a bare
NetworkError) and `RetryingLimiter` repeats what was not delivered, on top of
AIORateLimiter's flood limits and its retries after a 429. getUpdates passes through
neither: the polling loop retries it itself (at once after a timeout, after 1 s ×1.5
up to 30 s after other errors, after retry_after on a 429).
"""

import asyncio
import importlib.util
import logging
import sys
from http import HTTPStatus
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)
RETRIES = 3  # after a 429 and after a call that was not delivered
BACKOFF = 0.5  # seconds before the first resend of an undelivered call, doubled each time


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


class Request(HTTPXRequest):
    """HTTPXRequest that raises NotDelivered when a call surely did not take effect."""

    def __init__(self, **kwargs: Any) -> None:
        _remember_no_sniffio()
        kwargs.setdefault("connection_pool_size", POOL)
        kwargs.setdefault("pool_timeout", POOL_TIMEOUT)
        super().__init__(**kwargs)

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
        if code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            try:
                phrase = HTTPStatus(code).phrase
            except ValueError:
                phrase = "Server Error"
            raise NotDelivered(f"{phrase} ({code})")
        return code, payload


class RetryingLimiter(AIORateLimiter):
    """AIORateLimiter (flood limits, retries after 429) that also resends undelivered calls."""

    def __init__(self, *, retries: int = RETRIES, backoff: float = BACKOFF, **limits: Any) -> None:
        super().__init__(max_retries=retries, **limits)
        self.retries = retries
        self.backoff = backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        for attempt in range(self.retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NotDelivered as exc:
                if attempt == self.retries:
                    raise
                delay = self.backoff * 2**attempt
                log.warning("%s not delivered (%s); sending again in %.1f s", endpoint, exc, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")


class Bot(ExtBot):
    """ExtBot whose repr names the bot, not the token (python-telegram-bot's repr, and so
    the Application's, shows the whole token: in tracebacks, test reports, debuggers)."""

    def __repr__(self) -> str:
        try:
            name = self.username
        except RuntimeError:  # not initialized yet: getMe has not been called
            name = "?"
        return f"Bot[username={name}]"
