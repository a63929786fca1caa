"""The backlog: updates fetched from Telegram and not yet handled, each with when it came.

Telegram holds an update until a getUpdates with a higher offset confirms it, and the
poller (bot.telegram.polling) confirms each batch with its next call. So the backlog is
exactly what a stop must still answer, and what a SIGKILL loses. The poller fetches only
while there is room: `capacity` is what the pacer sends in `HORIZON` seconds, well inside
docker's 10 s between SIGTERM and SIGKILL; what does not fit waits at Telegram.

Each update's `Job` (when it was fetched; the "busy" reply if it went stale) is handed
to the pacer through a context variable that bot.telegram.ordering sets for the task
handling the update, so every send knows how old its question is.
"""

import asyncio
import math
import time
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import Update

HORIZON = 3.0  # seconds of sends the backlog may hold
UNPACED = 1_000  # the backlog's capacity when sends are not paced (benchmarks)


@dataclass(eq=False)
class Job:
    """One update being handled: its id, when it was fetched (time.monotonic); what the
    pacer says should its answer go stale (bot.telegram.flood sets it per sender)."""

    update_id: int | None
    received: float
    busy: Any = field(default=None)  # the "busy, ask again" message sent for it, if any
    busy_text: str | None = None  # "busy, ask again" in the sender's language


CURRENT: ContextVar[Job | None] = ContextVar("sdgbot_job", default=None)


def capacity(pace: float, horizon: float = HORIZON) -> int:
    """Updates the backlog may hold at `pace` sends a second."""
    return UNPACED if math.isinf(pace) else max(1, int(pace * horizon))


def _chat(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class Backlog:
    def __init__(self, capacity: int = UNPACED, *, clock: Callable[[], float] = time.monotonic):
        self.capacity = capacity
        self._clock = clock
        self._jobs: dict[int, tuple[Job, int | None]] = {}
        self._chats: Counter[int] = Counter()  # chat -> its updates in the backlog
        self._waiters: list[asyncio.Future] = []

    def __len__(self) -> int:
        return len(self._jobs)

    def __contains__(self, update_id: object) -> bool:
        """Is this update (by its update_id) fetched and not yet handled?"""
        return update_id in self._jobs

    @property
    def room(self) -> int:
        return max(0, self.capacity - len(self._jobs))

    def add(self, update: Update) -> None:
        """A fetched update, now the bot's to answer."""
        chat = _chat(update)
        self._jobs[update.update_id] = (Job(update.update_id, self._clock()), chat)
        if chat is not None:
            self._chats[chat] += 1

    def job(self, update: object) -> Job:
        """The update's job; one made now for an update that was not fetched (a webhook's)."""
        uid = update.update_id if isinstance(update, Update) else None
        held = self._jobs.get(uid) if uid is not None else None
        return held[0] if held else Job(uid, self._clock())

    def done(self, update: object) -> None:
        """The update was handled (answered, or failed for good)."""
        uid = update.update_id if isinstance(update, Update) else None
        held = self._jobs.pop(uid, None) if uid is not None else None
        if held is None:
            return
        chat = held[1]
        if chat is not None:
            self._chats[chat] -= 1
            if not self._chats[chat]:
                del self._chats[chat]
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def waiting(self, chat: int) -> int:
        """This chat's updates in the backlog (the one being handled included)."""
        return self._chats.get(chat, 0)

    async def changed(self) -> None:
        """Until an update is done."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter

    async def empty(self) -> None:
        """Until every update is done."""
        while self._jobs:
            await self.changed()
