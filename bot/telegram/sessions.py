"""Follow-up context per chat (per topic in forums, per user in groups) and per message the
bot sent, with a TTL and a size cap; and each user's `/lang` choice.

Only the engine's `Context` (indicator ids / programme id) and a language tag are kept:
no text, no user ids or names; chats and users are keyed by a keyed digest
(`Sessions.key`, bot.telegram.state.Store.digest). Contexts expire after `ttl` seconds
(a message's after `bound_ttl`) and the least recently used one is dropped when more
than `max_size` are held here. A language choice is kept a year.

The handlers read this process's memory (synchronously); every change is also queued
to the store (bot.telegram.state: SQLite or Redis), and `load` refreshes the keys an
update needs from the store before the handlers run (bot.telegram.recall). So a
follow-up holds after a restart and on another replica; when the store cannot be
reached, what this process remembers still serves.
"""

import json
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from bot.engine.answer import Context
from bot.telegram.state import BOUND_TTL, LANG_TTL, Store, Unavailable

SessionKey = str  # "c:" / "m:" / "u:" and a keyed digest: no raw ids are held


def dump(context: Context) -> str:
    return json.dumps({"i": list(context.indicator_ids), "p": context.programme_id})


def load_context(text: str) -> Context | None:
    try:
        data = json.loads(text)
        ids = tuple(str(i) for i in data.get("i") or ())
        programme = data.get("p")
        return Context(ids, int(programme) if programme is not None else None)
    except (ValueError, TypeError, AttributeError):
        return None


class Sessions:
    def __init__(
        self,
        *,
        ttl: float = 30 * 60,
        bound_ttl: float = BOUND_TTL,
        max_size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        store: Store | None = None,
    ) -> None:
        if ttl <= 0 or bound_ttl <= 0 or max_size <= 0:
            raise ValueError("ttl and max_size must be positive")
        self.ttl, self.bound_ttl = ttl, bound_ttl
        self.max_size = max_size
        self._clock = clock
        self._items: OrderedDict[SessionKey, tuple[float, Context]] = OrderedDict()
        self._languages: OrderedDict[SessionKey, str] = OrderedDict()
        self.store = store or Store()  # in memory only, with a secret of this process
        self._absent: OrderedDict[SessionKey, None] = OrderedDict()  # not in the store either

    def _ttl(self, key: SessionKey) -> float:
        return self.bound_ttl if key.startswith("m:") else self.ttl

    def key(
        self, chat_id: int, thread_id: int | None = None, user_id: int | None = None
    ) -> SessionKey:
        """The key of a chat, of a forum topic within it, or of one user in either (in a
        group each asker follows up on their own last subject)."""
        raw = f"{chat_id}:{thread_id if thread_id is not None else ''}:{user_id or ''}"
        return "c:" + self.store.digest(raw)

    def message_key(self, chat_id: int, message_id: int) -> SessionKey:
        """The key of one message the bot sent: a reply to it follows up on its subject."""
        return "m:" + self.store.digest(f"m:{chat_id}:{message_id}")

    def user_key(self, user_id: int) -> SessionKey:
        """The key of a user wherever they write (their language choice)."""
        return "u:" + self.store.digest(f"u:{user_id}")

    def language(self, user_id: int) -> str | None:
        """The language the user chose with /lang, or None."""
        key = self.user_key(user_id)
        lang = self._languages.get(key)
        if lang is not None:
            self._languages.move_to_end(key)
        return lang

    def set_language(self, user_id: int, lang: str) -> None:
        key = self.user_key(user_id)
        self.store.put(key, lang, LANG_TTL)
        self._hold_language(key, lang)

    def _hold_language(self, key: SessionKey, lang: str) -> None:
        self._absent.pop(key, None)
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
            self.clear(key)
            return
        self.store.put(key, dump(context), self._ttl(key))
        self._hold(key, context)

    def _hold(self, key: SessionKey, context: Context) -> None:
        self._absent.pop(key, None)
        self._items[key] = (self._clock() + self._ttl(key), context)
        self._items.move_to_end(key)
        while len(self._items) > self.max_size:
            self._items.popitem(last=False)

    def clear(self, key: SessionKey) -> None:
        self.store.put(key, None, 0)
        self._items.pop(key, None)

    async def load(self, keys: Sequence[SessionKey]) -> None:
        """Refresh these keys from the store (what another replica, or this bot before a
        restart, said last). Unreachable: what this process holds stays."""
        keys = list(dict.fromkeys(keys))
        if not self.store.backend.shared:  # this process is the only writer: ask for what
            keys = [k for k in keys if k not in self._absent and not self._holds(k)]  # it lacks
        if not keys:
            return
        try:
            found = await self.store.get_many(keys)
        except Unavailable:
            return
        for key, value in found.items():
            if key.startswith("u:"):
                if value:
                    self._hold_language(key, value)
                else:
                    self._languages.pop(key, None)
            elif value is not None and (context := load_context(value)) is not None:
                self._hold(key, context)
            else:
                self._items.pop(key, None)
            if not value:
                self._absent[key] = None
                while len(self._absent) > self.max_size:
                    self._absent.popitem(last=False)

    def _holds(self, key: SessionKey) -> bool:
        if key.startswith("u:"):
            return key in self._languages
        item = self._items.get(key)
        return item is not None and item[0] > self._clock()

    def prune(self) -> int:
        """Drop expired entries; return how many were dropped."""
        now = self._clock()
        expired = [k for k, (expires, _) in self._items.items() if expires <= now]
        for key in expired:
            del self._items[key]
        return len(expired)
