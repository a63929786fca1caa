"""A fake Telegram Bot API server on 127.0.0.1 for offline tests (standard library only).

It speaks just enough HTTP/1.1 (keep-alive, Content-Length or chunked bodies, form and
multipart uploads) for python-telegram-bot's httpx client, records every call, hands
out injected updates through long-polling `getUpdates`, and checks what Telegram
checks: HTML that Telegram can parse, 4,096 characters a message, callback_data of
1-64 bytes, URL buttons with an http(s) or tg link, inline result ids of at most 64 bytes.

It keeps what is in each chat, so editMessageText answers as Telegram does: "message is
not modified" when text, parse mode and keyboard are what the message already shows (the
keyboard is dropped when the edit has none), "message can't be edited" for a message the
bot did not send (a user's, from a pushed update) or one a test `lock`ed (as Telegram
refuses for a message too old), "there is no text in the message to edit" for a photo or
document, "message to edit not found" for one a test `delete`d. A message the fake never
saw (a test's made-up bot message) is taken as the bot's own text.

Telegram's flood limits (issue 13), when built with `limits=TELEGRAM_LIMITS`: a call that
sends a message (send*, edit*, copy*, forward*; not sendChatAction) is answered 429 with
retry_after when 30 sends were accepted in the last second, or 20 in the last minute to
the same group (a negative chat_id). `api.flooded` counts those 429s.

Fault injection (issue 5): append hooks to `api.faults`. Each hook gets the `Call`
and returns a `Reply` to send instead (a status, a raw body, a delay, or a dropped
connection) or None to let the next hook or the normal handler answer. `fail_times`
builds the common one. Updates to `push` are built with tests/tg_updates.py.
"""

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
BOT = {"id": 123456789, "is_bot": True, "first_name": "SDG", "username": "sdg_test_bot"}
JSON_PARAMS = {
    "reply_markup", "reply_parameters", "results", "commands", "allowed_updates", "scope",
    "entities", "caption_entities", "link_preview_options", "button",
}  # fmt: skip
INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "user_id"}
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
BUTTON_ACTIONS = {
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
}  # fmt: skip
TOKEN_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>|&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);|[<&]"
)


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's limits for a bot (core.telegram.org/bots/faq): messages a second in all,
    messages a minute to one group."""

    per_second: int = 30
    per_group_minute: int = 20
    second: float = 1.0
    minute: float = 60.0


TELEGRAM_LIMITS = FloodLimits()


def is_send(method: str) -> bool:
    """Does this call put a message in a chat (what the flood limits count)?"""
    method = method.lower()
    return method.startswith(("send", "edit", "copy", "forward")) and method != "sendchataction"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # name: (filename, data)
    at: float = field(default_factory=time.monotonic)
    status: int = 0  # the HTTP status answered
    result: Any = None  # the "result" answered, e.g. the Message the bot sent


@dataclass
class Shown:
    """What a message in a chat shows, as the fake Telegram compares it for an edit."""

    text: str | None  # the text as sent (HTML source), None for a photo or document
    parse_mode: str | None = None
    markup: dict | None = None
    by_bot: bool = True
    locked: bool = False  # Telegram no longer lets the bot edit it
    deleted: bool = False


@dataclass
class Reply:
    """What a fault hook sends instead of the normal answer."""

    status: int = 200
    payload: dict | None = None  # JSON body; None with body=None means the normal answer
    body: bytes | None = None  # raw body, e.g. malformed JSON
    delay: float = 0.0  # seconds before answering
    drop: bool = False  # close the connection without answering


FaultHook = Callable[[Call], "Reply | Awaitable[Reply | None] | None"]


class BadRequest(Exception):
    pass


def telegram_html_to_text(text: str) -> str:
    """Parse like Telegram's HTML mode: the plain text, or BadRequest on bad markup."""
    out, stack, pos = [], [], 0
    for m in TOKEN_RE.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        closing, tag, entity = m.group(1), m.group(2), m.group(4)
        if tag:
            tag = tag.lower()
            if tag not in ALLOWED_TAGS:
                raise BadRequest(f'can\'t parse entities: unsupported start tag "{tag}"')
            if closing:
                if not stack or stack.pop() != tag:
                    raise BadRequest(f'can\'t parse entities: unmatched end tag "{tag}"')
            else:
                stack.append(tag)
        elif entity:
            out.append({"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(entity) or chr(
                int(entity[2:], 16) if entity[1:2] == "x" else int(entity[1:])
            ))  # fmt: skip
        else:
            raise BadRequest(f"can't parse entities: unescaped {m.group(0)!r} at {m.start()}")
    if stack:
        raise BadRequest(f'can\'t parse entities: unclosed tag "{stack[-1]}"')
    out.append(text[pos:])
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeBotApi:
    def __init__(
        self, *, token: str = TOKEN, bot: dict | None = None, limits: FloodLimits | None = None
    ) -> None:
        self.token = token
        self.bot = dict(bot or BOT)
        self.calls: list[Call] = []
        self.faults: list[FaultHook] = []
        self.limits = limits
        self._sends: deque[float] = deque()  # when each accepted send arrived
        self._group_sends: dict[int, deque[float]] = defaultdict(deque)
        self.strict = True  # validate HTML, lengths and callback_data like Telegram
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100_000)
        self._chats: dict[int, dict] = {}
        self._shown: dict[tuple[int, int], Shown] = {}  # (chat, message): what it shows
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------
    async def start(self) -> "FakeBotApi":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Close the listening socket and every open connection, even a pending long poll."""
        if self._server:
            self._server.close()
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._server:
            await self._server.wait_closed()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- updates and calls -----------------------------------------------------------
    async def push(self, update: dict) -> int:
        """Queue an update for getUpdates; return its update_id."""
        update = dict(update)
        update["update_id"] = next(self._update_ids)
        for key in ("message", "edited_message"):
            if key in update:
                msg = update[key]
                self._chats[msg["chat"]["id"]] = msg["chat"]
                self._shown[msg["chat"]["id"], msg["message_id"]] = Shown(
                    msg.get("text"), by_bot=False
                )
        self._updates.append(update)
        async with self._changed:
            self._changed.notify_all()
        return update["update_id"]

    def lock(self, chat_id: int, message_id: int) -> None:
        """Telegram will no longer let the bot edit this message ("message can't be edited")."""
        self._shown.setdefault((chat_id, message_id), Shown(None)).locked = True

    def delete(self, chat_id: int, message_id: int) -> None:
        """The message is gone from the chat ("message to edit not found")."""
        self._shown.setdefault((chat_id, message_id), Shown(None)).deleted = True

    def shown(self, chat_id: int, message_id: int) -> str | None:
        """The text the message shows now (its HTML source), after any edits."""
        found = self._shown.get((chat_id, message_id))
        return found.text if found else None

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 10.0,
        where: Callable[[Call], bool] = lambda c: True,
    ) -> list[Call]:
        """Wait until `count` calls of `method` matching `where` were made; return them."""

        def found() -> list[Call]:
            return [c for c in self.of(method) if where(c)]

        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(found()) >= count), timeout=timeout
            )
        return found()

    @property
    def pending(self) -> int:
        return len(self._updates)

    @property
    def flooded(self) -> int:
        """Calls answered 429 by the flood limits (not by fault hooks)."""
        return sum(1 for c in self.calls if c.status == 429 and c.result == "flood limit")

    def _over_limit(self, call: Call) -> int | None:
        """retry_after (seconds) when this send breaks a flood limit, else None (and the send
        is counted)."""
        if self.limits is None or not is_send(call.method):
            return None
        now, lim = time.monotonic(), self.limits
        while self._sends and self._sends[0] <= now - lim.second:
            self._sends.popleft()
        if len(self._sends) >= lim.per_second:
            return max(1, math.ceil(self._sends[0] + lim.second - now))
        chat = call.params.get("chat_id")
        group = self._group_sends[int(chat)] if isinstance(chat, int) and chat < 0 else None
        if group is not None:
            while group and group[0] <= now - lim.minute:
                group.popleft()
            if len(group) >= lim.per_group_minute:
                return max(1, math.ceil(group[0] + lim.minute - now))
            group.append(now)
        self._sends.append(now)
        return None

    # -- HTTP ------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._tasks.add(asyncio.current_task())
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
                    return
                request_line, *lines = head.decode("latin-1").split("\r\n")
                target = request_line.split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines if line)
                }
                body = await self._read_body(reader, headers)
                status, data = await self._handle(target, headers, body)
                if status == 0:  # dropped connection
                    return
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\n\r\n".encode()
                    + data
                )
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return  # a cancelled connection ends quietly (stop() closes them all)
        finally:
            self._tasks.discard(asyncio.current_task())
            writer.close()

    @staticmethod
    async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    return b"".join(chunks)
                chunks.append(chunk[:-2])
        return await reader.readexactly(int(headers.get("content-length", "0")))

    async def _handle(self, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        prefix = f"/bot{self.token}/"
        if not target.startswith(prefix):
            return 401, b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
        call = Call(target[len(prefix) :].split("?")[0], *parse_request(headers, body))
        reply = None
        for hook in list(self.faults):
            reply = hook(call)
            if asyncio.iscoroutine(reply):
                reply = await reply
            if reply is not None:
                break
        if reply is not None:
            await asyncio.sleep(reply.delay)
            if reply.drop:
                return 0, b""
            if reply.body is not None or reply.payload is not None:
                call.status = reply.status
                self.calls.append(call)
                await self._notify()
                return reply.status, reply.body or json.dumps(reply.payload).encode()
        retry_after = self._over_limit(call)
        if retry_after is not None:
            call.status, call.result = 429, "flood limit"
            self.calls.append(call)
            await self._notify()
            return 429, json.dumps({
                "ok": False, "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }).encode()  # fmt: skip
        status, payload = await self._answer(call)
        call.status, call.result = status, payload.get("result")
        self.calls.append(call)
        await self._notify()
        return status, json.dumps(payload, ensure_ascii=False).encode()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _answer(self, call: Call) -> tuple[int, dict]:
        method = getattr(self, "api_" + call.method.lower(), None)
        if method is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            result = method(call.params, call)
            if asyncio.iscoroutine(result):
                result = await result
        except BadRequest as exc:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        return 200, {"ok": True, "result": result}

    # -- Bot API methods ---------------------------------------------------------------
    def api_getme(self, p: dict, call: Call) -> dict:
        return dict(self.bot, can_join_groups=True, supports_inline_queries=True)

    def api_deletewebhook(self, p: dict, call: Call) -> bool:
        return True

    api_setmycommands = api_deletewebhook
    api_setwebhook = api_deletewebhook
    api_sendchataction = api_deletewebhook
    api_close = api_deletewebhook
    api_logout = api_deletewebhook

    async def api_getupdates(self, p: dict, call: Call) -> list[dict]:
        offset = int(p.get("offset") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(p.get("limit") or 100)
        if not self._updates and float(p.get("timeout") or 0) > 0:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates)),
                        timeout=float(p["timeout"]),
                    )
        return self._updates[:limit]

    def _message(self, p: dict, **extra: Any) -> dict:
        chat_id = int(p["chat_id"])
        chat = self._chats.get(chat_id) or {
            "id": chat_id, "type": "private" if chat_id > 0 else "supergroup",
        }  # fmt: skip
        msg = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot,
            **extra,
        }
        if p.get("message_thread_id"):
            msg["message_thread_id"] = int(p["message_thread_id"])
            msg["is_topic_message"] = True
        if p.get("reply_markup"):
            msg["reply_markup"] = p["reply_markup"]
        return msg

    def _keep(self, msg: dict, p: dict, *, text: bool = True) -> dict:
        """Remember what a message the bot sent shows (for later edits); return it."""
        source = p.get("text", "") if text else None
        self._shown[msg["chat"]["id"], msg["message_id"]] = Shown(
            source, p.get("parse_mode"), p.get("reply_markup") or None
        )
        return msg

    def _check_text(self, text: str, parse_mode: str | None, limit: int = 4096) -> str:
        plain = telegram_html_to_text(text) if parse_mode == "HTML" and self.strict else text
        if not plain.strip():
            raise BadRequest("message text is empty")
        if self.strict and utf16_len(plain) > limit:
            raise BadRequest("message is too long")
        return plain

    def _check_markup(self, markup: dict | None) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise BadRequest("BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise BadRequest("button text is empty")
                url = button.get("url")
                if url is not None and not re.match(r"(https?|tg)://[^\s]+$", url):
                    raise BadRequest("BUTTON_URL_INVALID")
                if len(BUTTON_ACTIONS & button.keys()) != 1:
                    raise BadRequest("a button needs exactly one action")

    def api_sendmessage(self, p: dict, call: Call) -> dict:
        text = self._check_text(p.get("text", ""), p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        return self._keep(self._message(p, text=text), p)

    def api_editmessagetext(self, p: dict, call: Call) -> dict | bool:
        text = self._check_text(p.get("text", ""), p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        if p.get("inline_message_id"):
            return True
        key = (int(p["chat_id"]), int(p["message_id"]))
        now = self._shown.get(key) or Shown("")  # never seen: a test's own bot message
        if now.deleted:
            raise BadRequest("message to edit not found")
        if now.locked or not now.by_bot:
            raise BadRequest("message can't be edited")
        if now.text is None:
            raise BadRequest("there is no text in the message to edit")
        new = Shown(p.get("text", ""), p.get("parse_mode"), p.get("reply_markup") or None)
        if (new.text, new.parse_mode, new.markup) == (now.text, now.parse_mode, now.markup):
            raise BadRequest(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        self._shown[key] = new
        msg = self._message(p, text=text, edit_date=int(time.time()))
        msg["message_id"] = key[1]
        return msg

    def api_editmessagereplymarkup(self, p: dict, call: Call) -> dict | bool:
        self._check_markup(p.get("reply_markup"))
        key = (int(p["chat_id"]), int(p["message_id"]))
        now = self._shown.get(key) or Shown("")
        if now.deleted:
            raise BadRequest("message to edit not found")
        if now.locked or not now.by_bot:
            raise BadRequest("message can't be edited")
        if (p.get("reply_markup") or None) == now.markup:
            raise BadRequest("message is not modified")
        self._shown[key] = Shown(now.text, now.parse_mode, p.get("reply_markup") or None)
        msg = self._message(p, text=now.text or "", edit_date=int(time.time()))
        msg["message_id"] = key[1]
        return msg

    def api_sendphoto(self, p: dict, call: Call) -> dict:
        data = call.files.get("photo", ("", b""))[1]
        if "photo" not in p and not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise BadRequest("wrong file: not a PNG upload")
        if p.get("caption"):
            self._check_text(p["caption"], p.get("parse_mode"), limit=1024)
        self._check_markup(p.get("reply_markup"))
        n = next(self._message_ids)
        size = {"file_id": f"photo-{n}", "file_unique_id": f"u{n}", "width": 1000, "height": 600}
        return self._keep(self._message(p, photo=[size], caption=p.get("caption", "")), p,
                          text=False)  # fmt: skip

    def api_senddocument(self, p: dict, call: Call) -> dict:
        if "document" in p:  # a file_id or URL sent again
            name, size = "", 0
        elif "document" in call.files:
            name, data = call.files["document"]
            size = len(data)
            if not data:
                raise BadRequest("file must be non-empty")
        else:
            raise BadRequest("there is no document in the request")
        if p.get("caption"):
            self._check_text(p["caption"], p.get("parse_mode"), limit=1024)
        self._check_markup(p.get("reply_markup"))
        n = next(self._message_ids)
        document = {"file_id": f"doc-{n}", "file_unique_id": f"d{n}", "file_name": name,
                    "file_size": size}  # fmt: skip
        return self._keep(self._message(p, document=document, caption=p.get("caption", "")), p,
                          text=False)  # fmt: skip

    def api_answercallbackquery(self, p: dict, call: Call) -> bool:
        if len(p.get("text", "")) > 200:
            raise BadRequest("MESSAGE_TOO_LONG")
        return True

    def api_answerinlinequery(self, p: dict, call: Call) -> bool:
        results = p.get("results") or []
        if len(results) > 50:
            raise BadRequest("RESULTS_TOO_MUCH")
        ids = [r["id"] for r in results]
        if len(set(ids)) != len(ids) or any(len(i.encode()) > 64 for i in ids):
            raise BadRequest("RESULT_ID_INVALID")
        for r in results:
            content = r.get("input_message_content", {})
            self._check_text(content.get("message_text", ""), content.get("parse_mode"))
            self._check_markup(r.get("reply_markup"))
        return True


def parse_request(headers: dict[str, str], body: bytes) -> tuple[dict, dict]:
    """(params, files) of a form-encoded, multipart or JSON request body."""
    ctype = headers.get("content-type", "")
    raw: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    if ctype.startswith("multipart/form-data"):
        boundary = ctype.split("boundary=")[1].strip('"').encode()
        for part in body.split(b"--" + boundary)[1:-1]:
            head, _, content = (
                part.removeprefix(b"\r\n").removesuffix(b"\r\n").partition(b"\r\n\r\n")
            )
            disp = head.decode("utf-8", "replace")
            name = re.search(r'name="([^"]*)"', disp).group(1)
            filename = re.search(r'filename="([^"]*)"', disp)
            if filename:
                files[name] = (filename.group(1), content)
            else:
                raw[name] = content.decode()
    elif ctype.startswith("application/json") and body:
        return json.loads(body), files
    else:
        raw = dict(parse_qsl(body.decode(), keep_blank_values=True))
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in JSON_PARAMS:
            params[key] = json.loads(value)
        elif key in INT_PARAMS and re.fullmatch(r"-?\d+", value):
            params[key] = int(value)
        else:
            params[key] = value
    return params, files


def fail_times(method: str, reply: Reply, times: int = 1) -> FaultHook:
    """A hook that answers the first `times` calls of `method` with `reply`."""
    left = [times]

    def hook(call: Call) -> Reply | None:
        if call.method.lower() == method.lower() and left[0] > 0:
            left[0] -= 1
            return reply
        return None

    return hook
