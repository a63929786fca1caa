"""One scenario of tools/converse.py played against the fake Bot API: each step's update
built as Telegram sends it, pushed, waited for, and what the bot said collected."""

import asyncio
import contextlib
import itertools
import re
import time
from urllib.parse import parse_qsl, urlsplit

from tests.fake_bot_api import BadRequest, Call, FakeBotApi, telegram_html_to_text
from tests.tg_updates import entities
from tools.converse_checks import USERS, Said

SENDS = {"sendMessage", "sendPhoto", "sendDocument", "sendAnimation", "sendVideo",
         "sendAudio", "sendVoice", "sendSticker", "sendLocation", "copyMessage",
         "forwardMessage"}  # fmt: skip
EDITS = {"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"}
LANGUAGES = {"zh-tw": "zh-hant", "zh-hant": "zh-hant", "zh-hans": "zh-hans", "en": "en"}
_queries = itertools.count(1)


def plain(text: str | None, parse_mode: str | None) -> str:
    if not text:
        return ""
    if parse_mode != "HTML":
        return text
    try:
        return telegram_html_to_text(text)
    except BadRequest:
        return text


def labels(markup: dict | None) -> list[dict]:
    return [b for row in (markup or {}).get("inline_keyboard", []) for b in row]


class Conversation:
    """The chat of one scenario: its users, the messages of each step, the bot's answers."""

    def __init__(self, api: FakeBotApi, n: int, scenario: dict, *, privacy: bool = True,
                 timeout: float = 75.0, quiet: float = 0.3) -> None:  # fmt: skip
        self.api, self.scenario = api, scenario
        self.privacy, self.timeout, self.quiet = privacy, timeout, quiet
        self.kind = scenario.get("chat", "private")
        self.language = scenario.get("language", "zh-TW")
        self.uids = {u: 700_000_000 + n * 10 + k for k, u in enumerate(USERS, 1)}
        self.group = {"id": -1_009_000_000_000 - n, "type": "supergroup", "title": f"converse {n}"}
        if self.kind == "forum":
            self.group["is_forum"] = True
        self.ids = itertools.count(1)
        self.asked: dict[int, dict] = {}  # step -> the user's message
        self.answers: dict[int, list[dict]] = {}  # step -> the bot's messages (as now)
        self.reached: set[int] = set()  # steps delivered to the bot (an edit of one is, too)
        self.bot = api.bot

    # -- who and where --------------------------------------------------------------
    def user(self, step: dict) -> dict:
        who = step.get("from", "A")
        code = step.get("language") or self.language
        return {"id": self.uids[who], "is_bot": False, "first_name": f"{who}{self.uids[who]}",
                "language_code": LANGUAGES.get(code.lower(), code)}  # fmt: skip

    def chat(self, user: dict) -> dict:
        if self.kind == "private":
            return {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        return self.group

    def thread(self, step: dict) -> int | None:
        if self.kind != "forum":
            return None
        return step.get("thread", self.scenario.get("thread"))

    def words(self, text: str) -> str:
        """@sdgbot stands for the bot's username."""
        return re.sub(r"@sdgbot\b", "@" + self.bot["username"], text or "", flags=re.IGNORECASE)

    # -- one step --------------------------------------------------------------------
    async def step(self, i: int, step: dict) -> tuple[Said, str | None]:
        """Play step i: what the bot said, and a problem that kept it from being played."""
        user = self.user(step)
        kind = step.get("kind", "text")
        try:
            update, chat_id = self.update(i, step, user, kind)
        except LookupError as exc:
            return Said(delivered=False), str(exc)
        said = Said(delivered=self.delivered(update) or step.get("edit_of") in self.reached)
        if not said.delivered:
            return said, None
        self.reached.add(i)
        before = len(self.api.calls)
        await self.api.push(update)
        query = update.get("callback_query") or update.get("inline_query")
        with contextlib.suppress(TimeoutError):  # what came is collected; the checks say the rest
            await self.settle(chat_id, update)
        self.collect(i, said, self.api.calls[before:], chat_id, query)
        return said, None

    def update(self, i: int, step: dict, user: dict, kind: str) -> tuple[dict, int | None]:
        chat = self.chat(user)
        if kind == "inline":
            words = self.words(step.get("text"))
            query = {"id": f"q{next(_queries)}", "from": user, "query": words, "offset": "",
                     "chat_type": "sender"}  # fmt: skip
            return {"inline_query": query}, None
        if kind == "callback":
            return self.press(step, user, chat, i)
        if "edit_of" in step:
            return self.edit(step, chat), chat["id"]
        msg = {"message_id": next(self.ids), "date": int(time.time()), "chat": chat,
               "from": user}  # fmt: skip
        text = self.words(step.get("text", ""))
        if kind == "text":
            msg["text"] = text
            if ents := entities(text):
                msg["entities"] = ents
        elif kind == "join":
            msg["new_chat_members"] = [self.bot]
        else:
            msg |= media(kind, msg["message_id"])
            if text and kind in ("photo", "voice"):
                msg["caption"] = text
                if ents := entities(text):
                    msg["caption_entities"] = ents
        if (thread := self.thread(step)) is not None:
            msg |= {"message_thread_id": thread, "is_topic_message": True}
        if "reply_to" in step:
            msg["reply_to_message"] = self.answer_of(step["reply_to"])
        self.asked[i] = msg
        return {"message": msg}, chat["id"]

    def edit(self, step: dict, chat: dict) -> dict:
        original = self.asked.get(step["edit_of"])
        if original is None:
            raise LookupError(f"edit_of {step['edit_of']}: that step sent no message to edit")
        msg = {k: v for k, v in original.items() if k not in ("entities", "caption_entities")}
        text = self.words(step.get("text", ""))
        key = "caption" if "caption" in original or "photo" in original else "text"
        msg[key] = text
        if ents := entities(text):
            msg["entities" if key == "text" else "caption_entities"] = ents
        msg["edit_date"] = max(int(time.time()), msg["date"] + 1)
        self.asked[step["edit_of"]] = msg
        return {"edited_message": msg}

    def answer_of(self, i: int) -> dict:
        found = self.answers.get(i)
        if not found:
            raise LookupError(f"step {i} has no bot answer to reply to or press on")
        return self.current(found[0])

    def current(self, msg: dict) -> dict:
        """The message as the chat shows it now (text and buttons after any edits)."""
        shown = self.api._shown.get((msg["chat"]["id"], msg["message_id"]))
        msg = dict(msg)
        if shown is not None and shown.text is not None:
            msg["text"] = plain(shown.text, shown.parse_mode)
        if shown is not None:
            msg.pop("reply_markup", None)
            if shown.markup:
                msg["reply_markup"] = shown.markup
        return msg

    def press(self, step: dict, user: dict, chat: dict, i: int) -> tuple[dict, int]:
        label = step.get("press") or step.get("text")
        on = step.get("on")
        if on is None:
            on = max((k for k, v in self.answers.items() if v and k < i), default=None)
            if on is None:
                raise LookupError("callback: no earlier bot answer to press a button on")
        for msg in (self.current(m) for m in self.answers.get(on) or []):
            for button in labels(msg.get("reply_markup")):
                if label not in button.get("text", ""):
                    continue
                if "callback_data" in button:
                    query = {"id": f"q{next(_queries)}", "from": user, "chat_instance": "ci",
                             "data": button["callback_data"], "message": msg}  # fmt: skip
                    return {"callback_query": query}, msg["chat"]["id"]
                start = self.start_payload(button.get("url", ""))
                if start is None:
                    raise LookupError(
                        f"callback: the button {button['text']!r} is not one to press"
                    )
                private = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
                text = f"/start {start}"
                started = {"message_id": next(self.ids), "date": int(time.time()),
                           "chat": private, "from": user, "text": text,
                           "entities": entities(text)}  # fmt: skip
                self.asked[i] = started
                return {"message": started}, private["id"]
        shown = [b.get("text") for m in self.answers.get(on) or [] for b in
                 labels(self.current(m).get("reply_markup"))]  # fmt: skip
        raise LookupError(f"callback: no button with {label!r} on step {on}'s answer {shown}")

    def start_payload(self, url: str) -> str | None:
        """X of a link that opens the bot (t.me/<bot>?start=X), or of a share sheet
        (t.me/share/url?url=…) that shares one: pressing it, the user opens the link."""
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        if parts.netloc == "t.me" and parts.path.strip("/") == self.bot["username"]:
            return query.get("start")
        if parts.netloc == "t.me" and parts.path.strip("/") == "share/url":
            return self.start_payload(query.get("url", ""))
        return None

    # -- privacy mode, waiting, collecting -----------------------------------------------
    def delivered(self, update: dict) -> bool:
        """Would Telegram hand this update to a bot with privacy mode on?"""
        msg = update.get("message") or update.get("edited_message")
        if msg is None or msg["chat"]["type"] == "private" or not self.privacy:
            return True
        if msg.get("new_chat_members"):
            return True
        text = msg.get("text") or msg.get("caption") or ""
        parent = msg.get("reply_to_message") or {}
        return bool(
            text.startswith("/")
            or f"@{self.bot['username']}".lower() in text.lower()
            or (parent.get("from") or {}).get("id") == self.bot["id"]
        )

    async def settle(self, chat_id: int | None, update: dict) -> None:
        """Until the bot has handled the update: a button nobody has, pressed in the same
        chat after it, is answered (each chat's updates are handled in order); then quiet."""
        if chat_id is None:  # an inline query
            qid = update["inline_query"]["id"]
            await self.api.wait_for(
                "answerInlineQuery",
                timeout=self.timeout,
                where=lambda c: c.params.get("inline_query_id") == qid,
            )
            return
        sync = f"sync{next(_queries)}"
        probe = {"message_id": 99_999, "date": int(time.time()), "from": self.bot,
                 "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                 "text": "·"}  # fmt: skip
        nobody = {"id": 699_999_999, "is_bot": False, "first_name": "sync"}
        press = {"id": sync, "from": nobody, "chat_instance": "s", "data": f"sync:{sync}",
                 "message": probe}  # fmt: skip
        await self.api.push({"callback_query": press})
        await self.api.wait_for(
            "answerCallbackQuery",
            timeout=self.timeout,
            where=lambda c: c.params.get("callback_query_id") == sync,
        )
        seen = len(self.api.calls)
        while True:
            await asyncio.sleep(self.quiet)
            if not any(int(c.params.get("chat_id") or 0) == chat_id
                       for c in self.api.calls[seen:]):  # fmt: skip
                return
            seen = len(self.api.calls)

    def collect(self, i: int, said: Said, calls: list[Call], chat_id, query) -> None:
        key = "callback_query_id" if query and "data" in query else "inline_query_id"

        def ours(c: Call) -> bool:
            if c.method in SENDS | EDITS:
                return int(c.params.get("chat_id") or 0) == chat_id
            return bool(query) and c.params.get(key) == query["id"]

        for c in filter(ours, calls):
            if c.status != 200:
                said.rejected.append(f"{c.method} {c.status} {c.result or ''}".strip())
                continue
            p = c.params
            if c.method == "answerCallbackQuery":
                said.extra.append(p.get("text", ""))
                continue
            if c.method == "answerInlineQuery":
                inline_said(said, p)
                continue
            said.messages.append(plain(p.get("text") or p.get("caption"), p.get("parse_mode")))
            said.buttons += [b.get("text", "") for b in labels(p.get("reply_markup"))]
            if c.method in EDITS:
                said.edited += 1
            else:
                said.sent += 1
                thread = p.get("message_thread_id")
                said.threads.append(int(thread) if thread else None)
            if isinstance(c.result, dict):
                self.answers.setdefault(i, []).append(c.result)


def inline_said(said: Said, p: dict) -> None:
    for r in p.get("results") or []:
        content = r.get("input_message_content") or {}
        said.extra += [r.get("title", ""), r.get("description", ""),
                       plain(content.get("message_text"), content.get("parse_mode"))]  # fmt: skip
        said.buttons += [b.get("text", "") for b in labels(r.get("reply_markup"))]
    if button := p.get("button"):
        said.extra.append(button.get("text", ""))
        said.buttons.append(button.get("text", ""))


def media(kind: str, n: int) -> dict:
    file = {"file_id": f"{kind}-{n}", "file_unique_id": f"u-{kind}-{n}"}
    return {
        "sticker": {"sticker": file | {"type": "regular", "width": 512, "height": 512,
                                       "is_animated": False, "is_video": False, "emoji": "👍"}},
        "photo": {"photo": [file | {"width": 1280, "height": 960, "file_size": 123_456}]},
        "voice": {"voice": file | {"duration": 3, "mime_type": "audio/ogg"}},
        "location": {"location": {"latitude": 25.0375, "longitude": 121.5637}},
    }[kind]  # fmt: skip
