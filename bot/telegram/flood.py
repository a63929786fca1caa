"""Flood guard: a user who floods the bot gets one polite notice, not an answer to each
message; a group gets at most 20 answers a minute (Telegram's limit for a bot in a group).

Token buckets, in memory: each user may ask `user.burst` questions at once and one more
every 1/`user.per_second` seconds; each group gets `group.burst` answers at once and
`group.per_second` a second after that. A throttled user gets the notice once, and again
only after a quiet spell long enough to refill the bucket. When a group's bucket is
empty the bot says nothing there (the notice would be one message too many).

Only updates the bot would answer count (bot.telegram.handlers.addressed): group chatter that
does not address the bot costs nothing. Inline queries are never throttled (they are
not chat messages, and Telegram sends one per keystroke). Users and groups are held
under a digest salted per process, like bot.telegram.sessions: no ids are kept.

`FloodGuard.handler()` is a TypeHandler for handler group -1 that raises
ApplicationHandlerStop for a throttled update, so no other handler sees it.
"""

import enum
import hashlib
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.i18n import N_
from bot.telegram.handlers import addressed, services
from bot.telegram.language import tr_of

log = logging.getLogger(__name__)
NOTICE = N_("訊息太多了，請稍候再問。")  # in the user's language


class Limit(NamedTuple):
    burst: float  # at once
    per_second: float  # refilled


USER_LIMIT = Limit(burst=5, per_second=1 / 3)  # 5 at once, then one every 3 s
GROUP_LIMIT = Limit(burst=20, per_second=20 / 60)  # Telegram: 20 messages a minute per group


class Verdict(enum.Enum):
    ANSWER = "answer"
    NOTICE = "notice"  # throttled: tell the user once
    DROP = "drop"  # throttled: say nothing


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    noticed: bool = False


class FloodGuard:
    def __init__(
        self,
        *,
        user: Limit | None = USER_LIMIT,
        group: Limit | None = GROUP_LIMIT,
        clock: Callable[[], float] = time.monotonic,
        max_size: int = 10_000,
    ) -> None:
        self.user, self.group = user, group
        self._clock = clock
        self._max_size = max_size
        self._buckets: OrderedDict[bytes, _Bucket] = OrderedDict()
        self._salt = os.urandom(16)

    @classmethod
    def off(cls) -> "FloodGuard":
        """Lets everything through (benchmarks against a fake server with no limits)."""
        return cls(user=None, group=None)

    def __len__(self) -> int:
        return len(self._buckets)

    def _key(self, kind: str, ident: int) -> bytes:
        return hashlib.blake2b(f"{kind}:{ident}".encode(), key=self._salt, digest_size=12).digest()

    def _bucket(self, key: bytes, limit: Limit, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(limit.burst, now)
            while len(self._buckets) > self._max_size:  # the oldest are full again by now
                self._buckets.popitem(last=False)
        else:
            elapsed = max(0.0, now - bucket.stamp)
            bucket.tokens = min(limit.burst, bucket.tokens + elapsed * limit.per_second)
            bucket.stamp = now
            if bucket.tokens >= limit.burst:
                bucket.noticed = False  # quiet long enough: a new flood gets a new notice
        self._buckets.move_to_end(key)
        return bucket

    def admit(self, user_id: int | None, group_id: int | None = None) -> Verdict:
        """May this user be answered (in this group, if any)? Takes a token when so."""
        now = self._clock()
        group = (
            self._bucket(self._key("g", group_id), self.group, now)
            if self.group and group_id is not None
            else None
        )
        user = (
            self._bucket(self._key("u", user_id), self.user, now)
            if self.user and user_id is not None
            else None
        )
        if group and group.tokens < 1:
            return Verdict.DROP
        if user and user.tokens < 1:
            if user.noticed:
                return Verdict.DROP
            user.noticed = True
            verdict = Verdict.NOTICE
        else:
            verdict = Verdict.ANSWER
            if user:
                user.tokens -= 1
        if group:
            group.tokens -= 1  # the notice is a message in the group too
        return verdict

    async def check(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Group -1: let the update through, or answer it with the notice (or nothing)
        and stop every other handler."""
        if not isinstance(update, Update) or update.inline_query or not addressed(update, context):
            return
        chat = update.effective_chat
        user = update.effective_user
        group = chat.id if chat and chat.type != "private" else None
        verdict = self.admit(user.id if user else None, group)
        if verdict is Verdict.ANSWER:
            return
        notice = tr_of(services(context), update)(NOTICE)
        try:
            if update.callback_query:  # a button must always be answered, a toast costs nothing
                await update.callback_query.answer(notice)
            elif verdict is Verdict.NOTICE and update.effective_message:
                await update.effective_message.reply_text(notice, do_quote=False)
        except TelegramError as exc:
            log.warning("flood notice not sent: %s", exc)
        raise ApplicationHandlerStop

    def handler(self) -> TypeHandler:
        return TypeHandler(Update, self.check)
