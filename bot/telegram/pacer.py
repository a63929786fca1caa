"""One pacer for every send: within Telegram's limits, in turn, fresh, never dropped.

python-telegram-bot hands every Bot API call but getUpdates to the bot's rate limiter
(a `BaseRateLimiter`); this is the bot's. A call that puts a message in a chat
(bot.telegram.limits.counts) waits for its turn:

- **Within the limits** (`Limits`, bot.telegram.limits): one send each 1/29 s, smooth,
  never a burst (so never 30 in any second), at most 20 a minute to a group.
- **In turn.** Waiting sends go first come, first served among those the limits allow
  now; a chat's next answer joins the line only when its previous one is sent (its
  updates are handled one at a time, bot.telegram.ordering), so chats take turns: a
  user who sends many questions at once is slowed behind the others, not dropped.
- **A 429 delays only the chat it names**: that chat waits retry_after, then its send
  goes again (first in line: it keeps its place); the others go on. When 429s name two
  chats within a second, the limit is the bot's: every chat waits retry_after once, and
  then sends resume one each 1/29 s, not all at once.
- **Fresh or told.** An answer still unsent a minute (`fresh`) after its question was
  fetched is not sent: the chat gets one line, `BUSY` (in the sender's language, which
  bot.telegram.flood puts in the update's Job), in its place, and the update is
  logged (its id and age only). Until the chat gets an answer in time again, its other
  stale answers are logged only: one "ask again" covers them.
- **Not delivered** (a 5xx, a refused connection: bot.telegram.delivery.NotDelivered):
  sent again after 0.5, 1, 2, 4, 5, 5 … s while the answer is fresh (other calls: three
  times), then given up (logged). A call that may have reached Telegram is never sent
  again.

Other calls (answering a button or an inline query, getMe, setMyCommands) go at once;
a 429 or an undelivered call is retried for them the same way.
"""

import asyncio
import bisect
import contextlib
import datetime as dtm
import itertools
import logging
import math
import time
import warnings
from collections import Counter, deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.i18n import N_
from bot.telegram.backlog import CURRENT, Job
from bot.telegram.delivery import NotDelivered
from bot.telegram.limits import Chat, Limits, MemoryLimits, Rates, counts, is_group

log = logging.getLogger(__name__)
BUSY = N_("目前太忙，來不及回答，請再問一次。")  # in the sender's language (Job.busy_text)
FRESH = 60.0  # seconds from fetching a question to sending its answer, at most
RETRIES = 3  # resends of an undelivered call (an answer: as long as it is fresh)
RESEND_MAX = 5.0  # seconds between resends of an undelivered answer, at most
BACKOFF = 0.5  # seconds before the first resend, doubled each time
GLOBAL_WINDOW = 1.0  # 429s naming two chats within this many seconds: the bot's limit
SLACK = 0.1  # seconds added to retry_after
TOLD_MAX = 10_000  # chats remembered as told BUSY


def retry_after(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # the int form is deprecated in PTB 22.2; both are read
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@dataclass(eq=False)
class _Ticket:
    seq: int  # place in line: earlier first
    chat: Chat | None
    stale_at: float  # when the answer is no longer fresh (inf: never)
    turn: asyncio.Future = field(repr=False)  # True: send now; False: gone stale


class Pacer(BaseRateLimiter[None]):
    def __init__(
        self,
        limits: Limits | None = None,
        *,
        rates: Rates | None = None,
        fresh: float = FRESH,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rates = rates or getattr(limits, "rates", None) or Rates()
        self.limits = limits or MemoryLimits(self.rates)
        self.fresh, self.retries, self.backoff = fresh, retries, backoff
        self._clock = clock
        self._line: list[_Ticket] = []  # waiting sends, by seq
        self._seq = itertools.count()
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._told: dict[Chat, Any] = {}  # chats told BUSY since their last fresh answer
        self._flooded: deque[tuple[float, Chat | None]] = deque(maxlen=16)
        self._closed = False
        self.counts: Counter[str] = Counter()  # sent, 429, busy, skipped, undelivered

    @property
    def pace(self) -> float:
        """Sends a second, at most."""
        return self.rates.pace

    async def initialize(self) -> None:
        self._closed = False

    async def shutdown(self) -> None:
        self.abandon()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def abandon(self) -> None:
        """Stop: every waiting send, and any later one, fails as not delivered."""
        self._closed = True
        for ticket in self._line:
            if not ticket.turn.done():
                ticket.turn.set_exception(NotDelivered("not sent before the bot stopped"))
        self._line.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Any:
        if not counts(endpoint):
            return await self._at_once(callback, args, kwargs, endpoint)
        chat, job = data.get("chat_id"), CURRENT.get()
        stale_at = job.received + self.fresh if job is not None else math.inf
        seq, undelivered = next(self._seq), 0
        while True:
            if job is not None and job.busy is not None:  # told already: nothing more
                return job.busy
            if not await self._turn(seq, chat, stale_at):
                return await self._stale(job, chat, seq, callback, data, kwargs)
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                await self._on_429(chat, retry_after(exc))
                continue
            except NotDelivered as exc:
                delay = min(RESEND_MAX, self.backoff * 2**undelivered)
                fresh = job is not None and self._clock() + delay < stale_at
                if self._closed or (undelivered >= self.retries and not fresh):
                    self.counts["undelivered"] += 1
                    raise
                undelivered += 1
                log.warning("%s not delivered (%s); sending again in %.1f s", endpoint, exc, delay)
                await asyncio.sleep(delay)
                continue
            self.counts["sent"] += 1
            self._told.pop(chat, None)
            return result

    async def _at_once(self, callback, args, kwargs, endpoint: str) -> Any:
        """A call that is not a message: sent now; a 429 waited out, undelivered resent."""
        for attempt in range(self.retries + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == self.retries:
                    raise
                log.warning("%s: 429, sending again in %.0f s", endpoint, retry_after(exc))
                await asyncio.sleep(retry_after(exc) + SLACK)
            except NotDelivered as exc:
                if attempt == self.retries:
                    raise
                delay = self.backoff * 2**attempt
                log.warning("%s not delivered (%s); sending again in %.1f s", endpoint, exc, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _stale(self, job: Job | None, chat: Chat | None, seq: int, callback,
                     data: dict[str, Any], kwargs: dict[str, Any]) -> Any:  # fmt: skip
        """The answer is too old: BUSY in its place, once for the chat until it is
        answered in time again."""
        uid = job.update_id if job else None
        age = self._clock() - job.received if job else 0.0
        if chat in self._told:
            self.counts["skipped"] += 1
            log.warning("update %s: answer not sent, %.0f s old (the chat was told to ask "
                        "again)", uid, age)  # fmt: skip
            if job is not None:
                job.busy = self._told[chat]
            return self._told[chat]
        self.counts["busy"] += 1
        log.warning("update %s: answer %.0f s old; sent 'please ask again' instead", uid, age)
        busy = {"chat_id": chat, "text": (job.busy_text if job else None) or BUSY}
        for key in ("message_thread_id", "reply_parameters"):
            if data.get(key) is not None:
                busy[key] = data[key]
        while True:
            await self._turn(seq, chat, math.inf)
            try:
                result = await callback("sendMessage", busy, **kwargs)
            except RetryAfter as exc:
                await self._on_429(chat, retry_after(exc))
                continue
            self._told[chat] = result
            while len(self._told) > TOLD_MAX:
                del self._told[next(iter(self._told))]
            if job is not None:
                job.busy = result
            return result

    async def _on_429(self, chat: Chat | None, seconds: float) -> None:
        now = self._clock()
        others = any(t > now - GLOBAL_WINDOW and c != chat for t, c in self._flooded)
        self._flooded.append((now, chat))
        scope = None if chat is None or others else chat
        self.counts["429"] += 1
        await self.limits.pause(scope, seconds + SLACK, now)
        where = "every chat" if scope is None else "this group" if is_group(chat) else "this chat"
        log.warning("429 from Telegram: %s waits %.0f s", where, seconds)
        self._kick()

    # -- the line ------------------------------------------------------------------------

    async def _turn(self, seq: int, chat: Chat | None, stale_at: float) -> bool:
        """Wait in line: True when the limits let this send go, False when it went stale."""
        if self._closed:
            raise NotDelivered("not sent: the bot is stopping")
        ticket = _Ticket(seq, chat, stale_at, asyncio.get_running_loop().create_future())
        bisect.insort(self._line, ticket, key=lambda t: t.seq)
        self._kick()
        try:
            return await ticket.turn
        finally:
            if ticket in self._line:  # cancelled while waiting
                self._line.remove(ticket)

    def _kick(self) -> None:
        if self._wake is None:
            self._wake = asyncio.Event()
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._dispatch(), name="pacer")

    async def _dispatch(self) -> None:
        """Give turns: the first in line that the limits allow, one at a time."""
        while True:
            self._wake.clear()
            now = self._clock()
            delay = await self.limits.wait(now) if self._line else math.inf
            if self._line and delay <= 0:
                delay = math.inf
                for ticket in list(self._line):
                    if ticket.stale_at <= now:
                        self._give(ticket, False)
                        continue
                    wait = await self.limits.take(ticket.chat, now)
                    if wait <= 0:
                        self._give(ticket, True)
                        delay = 0
                        break
                    delay = min(delay, wait, ticket.stale_at - now)
            elif self._line:
                delay = min(delay, *(t.stale_at - now for t in self._line))
            if delay <= 0:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), None if math.isinf(delay) else delay)

    def _give(self, ticket: _Ticket, go: bool) -> None:
        self._line.remove(ticket)
        if not ticket.turn.done():
            ticket.turn.set_result(go)
