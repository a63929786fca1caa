"""Which message of the bot answered which question, and the last message the bot sent in
each chat and topic: so an edited question can have its answer edited in place while
nothing of the bot's stands below that answer (bot.telegram.answering.send_answer).

In memory and bounded like bot.telegram.sessions: chats and messages are keyed by a
digest salted per process, the least recently used entry is dropped beyond `max_size`,
and no text is kept: a question is remembered by message ids, the subject it was asked
in and a digest of its words (an edit that leaves them as they were changes nothing).

`Watch` wraps the rate limiter (the pacer, bot.telegram.pacer), the one place every call
to Telegram passes, and tells `Replies` of each message the bot puts in a chat: answers,
charts, notices, a "please ask again" the pacer sent in an answer's place.
"""

import hashlib
import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from telegram.ext import BaseRateLimiter

from bot.engine.answer import Context


@dataclass(frozen=True)
class Answered:
    """What the bot did with one question (a private message, a /q, an addressed one)."""

    message_id: int | None  # the one text message that answered; None when it took several
    asked_in: Context | None  # the subject the question followed up on, if any
    words: bytes  # a salted digest of the question's text


class Replies:
    def __init__(self, *, max_size: int = 10_000) -> None:
        if max_size <= 0:
            raise ValueError("max_size must be positive")
        self.max_size = max_size
        self._latest: OrderedDict[bytes, int] = OrderedDict()  # chat/topic -> message id
        self._answered: OrderedDict[bytes, Answered] = OrderedDict()  # question -> answer
        self._salt = os.urandom(16)

    def _key(self, *parts: object) -> bytes:
        raw = ":".join("" if p is None else str(p) for p in parts).encode()
        return hashlib.blake2b(raw, key=self._salt, digest_size=12).digest()

    def digest(self, text: str) -> bytes:
        return self._key("t", text)

    def sent(self, chat_id: int, thread_id: int | None, message_id: int) -> None:
        """The bot sent this message (in this forum topic, if any)."""
        key = self._key("c", chat_id, thread_id)
        self._latest[key] = max(message_id, self._latest.get(key, message_id))
        _bounded(self._latest, key, self.max_size)

    def latest(self, chat_id: int, thread_id: int | None = None) -> int | None:
        """The last message the bot sent in the chat (topic), as far as this process knows."""
        return self._latest.get(self._key("c", chat_id, thread_id))

    def put(self, chat_id: int, question_id: int, answered: Answered) -> None:
        key = self._key("q", chat_id, question_id)
        self._answered[key] = answered
        _bounded(self._answered, key, self.max_size)

    def get(self, chat_id: int, question_id: int) -> Answered | None:
        key = self._key("q", chat_id, question_id)
        found = self._answered.get(key)
        if found is not None:
            self._answered.move_to_end(key)
        return found


def _bounded(items: OrderedDict, key: bytes, max_size: int) -> None:
    items.move_to_end(key)
    while len(items) > max_size:
        items.popitem(last=False)


class Watch(BaseRateLimiter):
    """The rate limiter it wraps (`limiter`), unchanged, telling `replies` of each new
    message a call returns (sendMessage, sendPhoto, sendDocument …; not an edited one)."""

    def __init__(self, limiter: BaseRateLimiter, replies: Replies) -> None:
        self.limiter = limiter
        self.replies = replies

    async def initialize(self) -> None:
        await self.limiter.initialize()

    async def shutdown(self) -> None:
        await self.limiter.shutdown()

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        result = await self.limiter.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
        for message in result if isinstance(result, list) else [result]:
            self._seen(message)
        return result

    def _seen(self, message: Any) -> None:
        if not isinstance(message, dict) or "message_id" not in message or "edit_date" in message:
            return  # no message, or the one an edit changed (it stays where it was)
        chat = message.get("chat") or {}
        if isinstance(chat.get("id"), int):
            thread = message.get("message_thread_id") if message.get("is_topic_message") else None
            self.replies.sent(chat["id"], thread, message["message_id"])
