"""Webhook mode: Telegram POSTs updates to our HTTPS URL instead of being polled.

`run` binds LISTEN:PORT first (a port in use or an address that is not this machine's
stops the bot there, before Telegram is told anything), registers the URL with
setWebhook (with the secret), then serves each POST at the URL's path (tornado, as
python-telegram-bot's own webhook server does; TLS is usually ended by a reverse proxy
or load balancer in front of it). Every request is read to its end and answered:

    403  X-Telegram-Bot-Api-Secret-Token missing or not TELEGRAM_WEBHOOK_SECRET
    413  a body over MAX_BODY (1 MiB; an update is a few KB); over DRAIN_MAX (256 MiB)
         the connection is closed unread
    415  a Content-Type other than application/json
    400  a body that is empty, not UTF-8, not JSON, or not an object with an update_id
    200  an update: queued for the handlers; the same update_id again (Telegram sends
         an update again when our answer to it was slow or lost) is not queued twice;
         one python-telegram-bot cannot read is skipped, logged without its content

On SIGTERM or SIGINT the server stops taking requests, the updates already queued are
handled, and the process ends; what Telegram could not deliver meanwhile it sends
again once the bot is back (the webhook stays registered).
"""

import asyncio
import hmac
import json
import logging
import signal
import socket
from collections import OrderedDict
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlparse

import tornado.web
from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application, ExtBot
from tornado.httpserver import HTTPServer

from bot.config import SettingsError

log = logging.getLogger(__name__)
MAX_BODY = 1 << 20  # bytes of a request body taken; a 4,096-character message is ~20 KB
DRAIN_MAX = 256 << 20  # bytes read (and dropped) to answer 413 instead of a reset
SEEN_MAX = 10_000  # update_ids remembered, so an update sent again is handled once


@dataclass(frozen=True)
class Webhook:
    url: str  # the public https URL Telegram posts to
    listen: str = "0.0.0.0"  # a container listens on all its interfaces
    port: int = 8443

    @property
    def path(self) -> str:
        return urlparse(self.url).path.lstrip("/")


class ListenError(SettingsError):
    """--listen or --port cannot be served; the message is safe to print."""


def check_url(url: str) -> str | None:
    """A reason the URL cannot be a webhook, or None."""
    parsed = urlparse(url)
    if parsed.scheme not in ("https", "http") or not parsed.netloc:
        return f"--webhook-url must be an absolute URL, got {url!r}"
    return None


def bind(hook: Webhook) -> socket.socket:
    """A socket listening on --listen:--port, or ListenError saying why not."""
    where = f"{hook.listen}:{hook.port}"
    if not 1 <= hook.port <= 65535:
        raise ListenError(f"--port must be from 1 to 65535, got {hook.port}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            hook.listen or None, hook.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise ListenError(
            f"--listen {hook.listen!r} is not an address to listen on: {reason}"
        ) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado does
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ListenError(
            f"cannot listen on {where} (--listen, --port): {exc.strerror or exc}"
        ) from None
    sock.setblocking(False)
    return sock


class Seen:
    """The update_ids handed to the handlers lately (the newest SEEN_MAX)."""

    def __init__(self, size: int = SEEN_MAX) -> None:
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def first(self, update_id: int) -> bool:
        """True the first time an update_id comes; it is remembered from then on."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """One POST from Telegram: checked, then its update queued for the application."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, bot: ExtBot, queue: asyncio.Queue, secret: str, seen: Seen) -> None:
        self.bot, self.queue, self.secret, self.seen = bot, queue, secret, seen
        self.body = bytearray()
        self.size = 0

    def prepare(self) -> None:
        declared = self.request.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > DRAIN_MAX:
            self.fail(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {MAX_BODY} bytes")

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= MAX_BODY:
            self.body += chunk

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return self.fail(HTTPStatus.FORBIDDEN, "wrong or missing secret token")
        if self.size > MAX_BODY:
            return self.fail(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {MAX_BODY} bytes")
        kind = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return self.fail(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type: application/json")
        try:
            data = json.loads(bytes(self.body).decode("utf-8"))
        except UnicodeDecodeError:
            return self.fail(HTTPStatus.BAD_REQUEST, "body is not UTF-8")
        except ValueError:  # json.JSONDecodeError, and an empty body
            return self.fail(HTTPStatus.BAD_REQUEST, "body is not JSON")
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            return self.fail(HTTPStatus.BAD_REQUEST, "not an update (no update_id)")
        self.finish({"ok": True})  # Telegram has delivered it: never again as new
        if not self.seen.first(update_id):
            log.info("update %s came again: already handled", update_id)
            return None
        try:
            update = Update.de_json(data, self.bot)
        except Exception as exc:  # what the library cannot read: skipped, no user data logged
            log.warning("update %s skipped: it cannot be read (%s)", update_id,
                        type(exc).__name__)  # fmt: skip
            return None
        self.bot.insert_callback_data(update)
        await self.queue.put(update)
        return None

    def fail(self, status: HTTPStatus, reason: str) -> None:
        self.set_status(status)
        self.finish({"ok": False, "error_code": int(status), "description": reason})

    def log_exception(self, *args) -> None:  # tornado's own logging prints request data
        log.debug("webhook request failed", exc_info=args if args and args[0] else None)


class WebhookApp(tornado.web.Application):
    def __init__(self, application: Application, hook: Webhook, secret: str) -> None:
        shared = {"bot": application.bot, "queue": application.update_queue,
                  "secret": secret, "seen": Seen()}  # fmt: skip
        super().__init__([(rf"/{hook.path}/?", UpdateHandler, shared)])

    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: a request line is no news, and our logs name no one."""


async def _retrying(what: str, call, retries: int) -> None:
    """`call()` tried up to 1 + retries times on network trouble, 1 s ×1.5 apart."""
    delay = 1.0
    for attempt in range(retries + 1):
        try:
            return await call()
        except InvalidToken:
            raise
        except (NetworkError, RetryAfter) as exc:
            if attempt == retries:
                raise
            wait = exc.retry_after if isinstance(exc, RetryAfter) else delay
            wait = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            log.warning("%s failed (%s); trying again in %.1f s", what, exc, wait)
            await asyncio.sleep(wait)
            delay *= 1.5
    return None


async def serve(application: Application, hook: Webhook, sock: socket.socket, *, secret: str,
                allowed: list[str], retries: int, stop: asyncio.Event | None = None,
                ready: asyncio.Event | None = None) -> None:  # fmt: skip
    """Register the webhook and serve on `sock` until SIGINT/SIGTERM (or `stop` is set);
    then handle what is queued. `ready` is set once requests are taken."""
    loop = asyncio.get_running_loop()
    signals = () if stop else (signal.SIGINT, signal.SIGTERM)
    stop = stop or asyncio.Event()
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    server = HTTPServer(WebhookApp(application, hook, secret), max_body_size=DRAIN_MAX)
    try:
        await _retrying("getMe", application.initialize, retries)
        if application.post_init:
            await application.post_init(application)
        await _retrying("setWebhook", lambda: application.bot.set_webhook(
            hook.url, secret_token=secret, allowed_updates=allowed), retries)  # fmt: skip
        await application.start()
        server.add_socket(sock)
        if ready:
            ready.set()
        await stop.wait()
        server.stop()  # no new connections; the requests under way are finished
        await server.close_all_connections()
        await application.stop()  # handles every update already queued
        if application.post_stop:
            await application.post_stop(application)
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        sock.close()
        if application.running:  # something failed after the start
            await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


def run(application: Application, hook: Webhook, *, secret: str, allowed: list[str],
        retries: int) -> None:  # fmt: skip
    """Bind first (ListenError before Telegram is told anything), then serve."""
    sock = bind(hook)
    asyncio.run(serve(application, hook, sock, secret=secret, allowed=allowed, retries=retries))
