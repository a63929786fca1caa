"""Follow-up context per chat (per topic in forums, per user in groups) and per message the
bot sent, in memory, with a TTL and a size cap; and each user's `/lang` choice.

Only the engine's `Context` (indicator ids / programme id) and a language tag are kept:
no text, no user ids or names; chats and users are keyed by a digest salted per process
(`Sessions.key`). Contexts expire after `ttl` seconds and the least recently used one is
dropped when more than `max_size` are held. A language choice does not expire (it holds
until the process ends); the least recently used is dropped beyond `max_size` users.
"""

import hashlib
import os
import time
from collections import OrderedDict
from collections.abc import Callable

from bot.engine.answer import Context

SessionKey = bytes  # a salted digest of (chat id, topic id): no raw ids are held


class Sessions:
    def __init__(
        self,
        *,
        ttl: float = 30 * 60,
        max_size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl <= 0 or max_size <= 0:
            raise ValueError("ttl and max_size must be positive")
        self.ttl = ttl
        self.max_size = max_size
        self._clock = clock
        self._items: OrderedDict[SessionKey, tuple[float, Context]] = OrderedDict()
        self._languages: OrderedDict[SessionKey, str] = OrderedDict()
        self._salt = os.urandom(16)

    def key(
        self, chat_id: int, thread_id: int | None = None, user_id: int | None = None
    ) -> SessionKey:
        """The key of a chat, of a forum topic within it, or of one user in either (in a
        group each asker follows up on their own last subject)."""
        raw = f"{chat_id}:{thread_id if thread_id is not None else ''}:{user_id or ''}".encode()
        return hashlib.blake2b(raw, key=self._salt, digest_size=12).digest()

    def message_key(self, chat_id: int, message_id: int) -> SessionKey:
        """The key of one message the bot sent: a reply to it follows up on its subject."""
        raw = f"m:{chat_id}:{message_id}".encode()
        return hashlib.blake2b(raw, key=self._salt, digest_size=12).digest()

    def user_key(self, user_id: int) -> SessionKey:
        """The key of a user wherever they write (their language choice)."""
        raw = f"u:{user_id}".encode()
        return hashlib.blake2b(raw, key=self._salt, digest_size=12).digest()

    def language(self, user_id: int) -> str | None:
        """The language the user chose with /lang, or None."""
        key = self.user_key(user_id)
        lang = self._languages.get(key)
        if lang is not None:
            self._languages.move_to_end(key)
        return lang

    def set_language(self, user_id: int, lang: str) -> None:
        key = self.user_key(user_id)
        self._languages[key] = lang
        self._languages.move_to_end(key)
        while len(self._languages) > self.max_size:
            self._languages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: SessionKey) -> Context | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, context = item
        if expires <= self._clock():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return context

    def put(self, key: SessionKey, context: Context) -> None:
        """Remember the subject of the last answer; an empty context forgets it."""
        if context == Context():
            self._items.pop(key, None)
            return
        self._items[key] = (self._clock() + self.ttl, context)
        self._items.move_to_end(key)
        while len(self._items) > self.max_size:
            self._items.popitem(last=False)

    def clear(self, key: SessionKey) -> None:
        self._items.pop(key, None)

    def prune(self) -> int:
        """Drop expired entries; return how many were dropped."""
        now = self._clock()
        expired = [k for k, (expires, _) in self._items.items() if expires <= now]
        for key in expired:
            del self._items[key]
        return len(expired)
