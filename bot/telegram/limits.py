"""Telegram's flood limits as state the pacer asks before every send (bot.telegram.pacer).

Telegram lets a bot send about 30 messages a second in all and 20 a minute to one group,
and answers 429 with retry_after beyond that. `Limits` is the small interface the pacer
needs: may a send to this chat go now (and if so it is counted), and a pause after a 429.
`MemoryLimits` keeps the state in this process; the state issue backs the same interface
with Redis, so that several replicas share one budget. Its methods are coroutines for
that reason.

    what                      rule (Rates)                          why
    every send                one each 1/29 s (a late one may catch 30 a second, any second
                              up half of that), never a burst
    sends to one group        at most 20 in any 61 s                20 a minute a group
    a chat after its 429      nothing until retry_after has passed  the 429 named that chat
    everyone after a global   nothing until retry_after, then one   no stampede afterwards
    429                       each 1/29 s again

Chats are ints (a group's id is negative) or "@channel" names, treated as groups.
"""

import math
from collections import deque
from dataclasses import dataclass
from typing import Protocol

Chat = int | str


@dataclass(frozen=True)
class Rates:
    pace: float = 29.0  # sends a second, evenly spaced: 30 never fall in one second
    group: int = 20  # sends to one group ...
    group_window: float = 61.0  # ... in this many seconds (Telegram: a minute; 1 s of slack)

    @classmethod
    def off(cls) -> "Rates":
        """No limits (a benchmark against a fake server that has none)."""
        return cls(pace=math.inf, group=0)


def is_group(chat: Chat | None) -> bool:
    return isinstance(chat, str) or (chat is not None and chat < 0)


def counts(endpoint: str) -> bool:
    """Does this call put a message in a chat (what the flood limits count)? Answers to
    button presses and inline queries, chat actions and the bot's own settings do not."""
    name = endpoint.lower()
    return name.startswith(("send", "edit", "copy", "forward")) and name != "sendchataction"


class Limits(Protocol):
    async def wait(self, now: float) -> float:
        """Seconds until any send may go (the pace, a global pause); 0: one may go now."""

    async def take(self, chat: Chat | None, now: float) -> float:
        """Count a send to `chat` now and return 0 when every limit allows it; else count
        nothing and return the seconds to wait."""

    async def pause(self, chat: Chat | None, seconds: float, now: float) -> None:
        """After a 429: no send to `chat` (None: to anyone) for `seconds`."""


class MemoryLimits:
    """Limits in this process's memory: the pace, each group's sends of the last minute,
    the pauses. Entries are dropped once they no longer hold anything back.

    The pace is a GCRA (the generic cell rate algorithm): each send moves the theoretical
    time of the next one on by 1/pace; a send may go from half an interval before it. So
    a send that the event loop woke late does not push all later ones back (that costs
    a few percent of the rate), and any one second still holds at most
    1 + (1 s + half an interval) × 29 a second = 30.5, that is 30 sends."""

    def __init__(self, rates: Rates | None = None) -> None:
        self.rates = rates or Rates()
        self._tat = -math.inf  # the theoretical time of the next send
        self._paused_all = -math.inf
        self._paused: dict[Chat, float] = {}
        self._groups: dict[Chat, deque[float]] = {}

    def __len__(self) -> int:
        """Chats and groups held (for tests: nothing grows without end)."""
        return len(self._paused) + len(self._groups)

    async def wait(self, now: float) -> float:
        early = 0.5 / self.rates.pace  # how early a send may go
        return max(0.0, self._tat - early - now, self._paused_all - now)

    async def take(self, chat: Chat | None, now: float) -> float:
        wait = await self.wait(now)
        until = self._paused.get(chat, -math.inf) if chat is not None else -math.inf
        if until <= now:
            self._paused.pop(chat, None)
        wait = max(wait, until - now)
        sent = self._group(chat, now)
        if sent is not None and len(sent) >= self.rates.group:
            wait = max(wait, sent[0] + self.rates.group_window - now)
        if wait > 0:
            return wait
        self._tat = max(self._tat, now) + 1 / self.rates.pace
        if sent is not None:
            sent.append(now)
        return 0.0

    def _group(self, chat: Chat | None, now: float) -> deque[float] | None:
        if not self.rates.group or not is_group(chat):
            return None
        sent = self._groups.setdefault(chat, deque())
        while sent and sent[0] <= now - self.rates.group_window:
            sent.popleft()
        if len(self._groups) > 1_000:  # forget groups with nothing in their window
            for key in [k for k, v in self._groups.items() if not v and k != chat]:
                del self._groups[key]
        return sent

    async def pause(self, chat: Chat | None, seconds: float, now: float) -> None:
        until = now + seconds
        if chat is None:
            self._paused_all = max(self._paused_all, until)
            return
        self._paused[chat] = max(self._paused.get(chat, -math.inf), until)
        if len(self._paused) > 1_000:  # forget pauses that are over
            for key in [k for k, v in self._paused.items() if v <= now]:
                del self._paused[key]
