"""Which updates the poller may confirm to Telegram: those answered, and only those.

Telegram keeps an update until a getUpdates with a higher `offset` confirms it, and it
confirms a prefix only: every update below the offset. So the poller asks with the
offset of the oldest update it fetched and has not yet answered (the `point`). A crash
or SIGKILL then loses nothing: the next start fetches that update and those after it
again. The updates after it that were answered meanwhile are the price: they come back
too (each is answered again once).

Telegram returns the held updates first (they are below every new one) and at most
`BATCH` in all, so the poller asks for `held` more than it wants and skips those it has
seen (`seen`). An update whose answer waits long (a group past its 20 a minute, a chat
told by a 429 to wait) would hold the offset, and with it fetching, back: once fewer
than `MIN_NEW` new updates would fit in a batch, the oldest held is passed over,
confirmed though not yet answered (counted in `passed`; lost if the bot is killed
before it is answered). So at most BATCH - 1 come back after a crash; usually a few.

    fetched 5 6 7 8 9, answered 5 7 8      point 6: getUpdates(offset=6) returns
                                            6 7 8 9 (seen) and anything new after them
"""

import logging
from collections import deque
from collections.abc import Callable

log = logging.getLogger(__name__)
BATCH = 100  # updates a getUpdates returns, at most (Telegram's limit)
MIN_NEW = 15  # new updates a batch has room for, at least, while the bot has room


class Offsets:
    def __init__(self, unanswered: Callable[[int], bool]) -> None:
        self._unanswered = unanswered  # is this update still the bot's to answer?
        self.next: int | None = None  # one past the newest update fetched
        self._held: deque[int] = deque()  # fetched, not yet confirmable, oldest first
        self.passed = 0  # updates confirmed before they were answered

    def seen(self, update_id: int) -> bool:
        """Fetched before (Telegram sends held updates again)."""
        return self.next is not None and update_id < self.next

    def fetched(self, update_id: int) -> None:
        """A new update (read or not: one that cannot be read is settled at once)."""
        self._held.append(update_id)
        self.next = update_id + 1

    def held(self) -> int:
        """Updates Telegram will send again with the next getUpdates."""
        self._settle()
        return len(self._held)

    def point(self) -> int | None:
        """The offset to ask with: the oldest update not yet answered, else one past the
        newest fetched (None before the first)."""
        self._settle()
        return self._held[0] if self._held else self.next

    def make_room(self, wanted: int) -> None:
        """Pass over the oldest held updates until `wanted` new ones fit in a batch."""
        self._settle()
        held = self._held
        while held and len(held) + wanted > BATCH:
            update_id = held.popleft()
            if self._unanswered(update_id):
                self.passed += 1
                log.info("update %s confirmed before its answer (%d held after it)",
                         update_id, len(held))  # fmt: skip
            self._settle()

    def _settle(self) -> None:
        held = self._held
        while held and not self._unanswered(held[0]):
            held.popleft()
