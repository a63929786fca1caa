"""Updates of different chats handled concurrently, those of one chat one at a time, in order.

A follow-up (「那 2021 年呢？」) needs the answer before it, and a user expects answers
in the order asked; other chats need not wait meanwhile (e.g. while one answer waits
out a 429 or a slow network). Inline queries belong to no chat and run at once.

Each update runs with its `Job` from the backlog in bot.telegram.backlog.CURRENT (so the
pacer knows how old the question is) and leaves the backlog when it is done.
"""

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.backlog import CURRENT, Backlog

MAX_CONCURRENT = 256  # updates in progress at once, across chats (≥ the backlog's capacity:
#                       an answer waiting for its group's minute must not hold up others)


def chat_of(update: object) -> int | None:
    """The chat whose order the update keeps; None for inline queries and the like."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatProcessor(BaseUpdateProcessor):
    def __init__(
        self, max_concurrent_updates: int = MAX_CONCURRENT, backlog: Backlog | None = None
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.backlog = backlog if backlog is not None else Backlog()
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}  # chat -> updates holding or awaiting its lock

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Queue behind the chat's earlier updates (FIFO: asyncio.Lock wakes in order), then
        take one of the concurrency slots; the update leaves the backlog when done."""
        token = CURRENT.set(self.backlog.job(update))
        try:
            await self._in_order(update, coroutine)
        finally:
            CURRENT.reset(token)
            self.backlog.done(update)

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = chat_of(update)
        if chat is None:
            await super().process_update(update, coroutine)
            return
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            async with lock:
                await super().process_update(update, coroutine)
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:  # nothing of this chat in progress: forget it
                del self._waiting[chat], self._locks[chat]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: Application.stop waits for the updates in progress."""
