"""State that outlives a process and is shared by replicas: one small store with TTLs.

What is kept (and nothing else: no names, no text of answers, no raw user ids):

    key            value                                          kept
    c:<digest>     the subject of a chat's (topic's, asker's)     Sessions.ttl (30 min)
                   last answer: indicator ids or a programme id
    m:<digest>     the subject of one message the bot sent        BOUND_TTL (2 days)
    u:<digest>     a user's /lang choice                          LANG_TTL (1 year)
    p:<key>        the question behind a "none of these" or       PENDING_TTL (2 days)
                   "not helpful" button, and the answer's subject
    records        unanswered questions and answers marked not    SDGBOT_UNANSWERED_DAYS (90)
                   helpful: text, time, reason, the closest
                   candidates or the answer's subject

Digests are keyed hashes (BLAKE2b with SDGBOT_STATE_SECRET, or a secret the SQLite file
keeps), so a chat, a message or a user is found again after a restart and on another
replica, and the ids themselves are not stored.

`Store` is what the handlers use. Writes are queued and written by one background task
(`put`, `record` return at once: state writes stay off the answer's path); reads see the
queued writes first. Two backends: `SQLiteBackend` (bot.telegram.state_sqlite, the default,
a file under var/) and `RedisBackend` (bot.telegram.state_redis, SDGBOT_REDIS_URL). A
backend that cannot be reached raises `Unavailable`: the callers keep what this process
holds in memory (bot.telegram.sessions), so answers go on and follow-ups degrade.
"""

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

log = logging.getLogger(__name__)
BOUND_TTL = 2 * 86_400.0  # a reply to an answer follows up on it this long
LANG_TTL = 365 * 86_400.0
PENDING_TTL = 2 * 86_400.0
DAY = 86_400.0
Write = tuple[str, str | None, float]  # key, value (None: delete), seconds to keep


class Unavailable(Exception):
    """The backend cannot be reached now (said once in the log by the backend)."""


@dataclass(frozen=True)
class Record:
    """An unanswered question, or an answer a user marked not helpful."""

    ts: float  # seconds since the epoch
    reason: str  # not_found | none_of_these | not_helpful
    q: str
    candidates: tuple[str, ...] = ()  # the closest indicators / programmes it could be
    subject: tuple[str, ...] = ()  # the subject of the answer marked not helpful

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Record | None":
        try:
            data = json.loads(text)
            return cls(
                float(data["ts"]), str(data["reason"]), str(data["q"]),
                tuple(map(str, data.get("candidates") or ())),
                tuple(map(str, data.get("subject") or ())),
            )  # fmt: skip
        except (ValueError, KeyError, TypeError):
            return None


class Backend(Protocol):
    name: str  # "sqlite" or "redis", for the log and `sdgbot unanswered`
    shared: bool  # other processes write it too (Redis): what this one holds may be old
    coalesce: float  # seconds a write waits for others to go in the same transaction

    async def open(self) -> None:
        """Connect and check; an unreachable server is said once, not raised."""

    async def fetch(self, keys: Sequence[str]) -> dict[str, str]:
        """The values held (and not expired) of these keys; Unavailable when unreachable."""

    async def write(self, items: Sequence[Write]) -> None:
        """Set (or delete) these keys with their TTLs; Unavailable when unreachable."""

    async def add(self, records: Sequence[Record], keep: float) -> None:
        """Append records; drop those older than `keep` seconds."""

    async def records(self, since: float) -> list[Record]:
        """Every record from `since` (epoch seconds) on, oldest first."""

    async def close(self) -> None: ...


class MemoryBackend:
    """The state in this process only (tests, and `Store()` with no backend)."""

    name = "memory"
    shared = False
    coalesce = 0.0

    def __init__(self, clock=time.time) -> None:
        self._clock = clock
        self._kv: dict[str, tuple[str, float]] = {}
        self._records: list[Record] = []

    async def open(self) -> None:
        return None

    async def fetch(self, keys: Sequence[str]) -> dict[str, str]:
        now = self._clock()
        return {
            k: v for k in keys if (item := self._kv.get(k)) and (v := item[0]) and item[1] > now
        }

    async def write(self, items: Sequence[Write]) -> None:
        for key, value, ttl in items:
            if value is None:
                self._kv.pop(key, None)
            else:
                self._kv[key] = (value, self._clock() + ttl)

    async def add(self, records: Sequence[Record], keep: float) -> None:
        cutoff = self._clock() - keep
        self._records = [r for r in [*self._records, *records] if r.ts >= cutoff]

    async def records(self, since: float) -> list[Record]:
        return sorted((r for r in self._records if r.ts >= since), key=lambda r: r.ts)

    async def close(self) -> None:
        return None


class Store:
    """The one state interface: keyed digests, queued writes, reads that see them."""

    def __init__(
        self, backend: Backend | None = None, *, secret: bytes | None = None, days: int = 90
    ) -> None:
        self.backend = backend or MemoryBackend()
        self.secret = secret or os.urandom(32)
        self.days, self.keep = days, days * DAY
        self._writes: dict[str, tuple[str | None, float]] = {}  # queued
        self._flying: dict[str, tuple[str | None, float]] = {}  # being written
        self._records: list[Record] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._failed: set[str] = set()  # kinds of write failure logged already
        self._lock: asyncio.Lock | None = None  # one write at a time (the task, a flush)
        self._closing = False

    def digest(self, text: str) -> str:
        """A keyed hash: the same for every replica and after a restart, not the id."""
        return hashlib.blake2b(text.encode(), key=self.secret[:64], digest_size=12).hexdigest()

    # -- writes: queued, written by one task ----------------------------------------------
    def put(self, key: str, value: str | None, ttl: float) -> None:
        """Keep `value` under `key` for `ttl` seconds (None: forget it). Returns at once."""
        self._writes[key] = (value, ttl)
        self._kick()

    def record(self, record: Record) -> None:
        self._records.append(record)
        self._kick()

    def _kick(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a synchronous test): written at the next flush
            return
        if self._wake is None or self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = loop.create_task(self._writer(), name="state-writer")
        self._wake.set()

    async def _writer(self) -> None:
        while not self._closing:
            await self._wake.wait()
            await asyncio.sleep(getattr(self.backend, "coalesce", 0.0))  # one write for these
            self._wake.clear()
            await self._write_once()

    async def _write_once(self) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            await self._write_batch()

    async def _write_batch(self) -> None:
        self._flying, self._writes = self._writes, {}
        records, self._records = self._records, []
        try:
            if self._flying:
                await self.backend.write([(k, v, t) for k, (v, t) in self._flying.items()])
            if records:
                await self.backend.add(records, self.keep)
        except Unavailable:
            pass  # said by the backend; this process's memory holds what it can
        except Exception as exc:  # a full disk, a locked file: logged once, answers go on
            kind = type(exc).__name__
            if kind not in self._failed:
                self._failed.add(kind)
                log.warning("cannot write the state (%s): %s", self.backend.name, exc)
        finally:
            self._flying = {}

    async def flush(self) -> None:
        """Write everything queued (at shutdown, and before reading records); a write
        under way is waited for."""
        await self._write_once()
        while self._writes or self._records:
            await self._write_once()

    async def close(self) -> None:
        """Write what is queued, stop the writer, close the backend. Never hangs: a
        writer that has not ended in 5 s is cancelled and left."""
        self._closing = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            self._wake.set()
            with contextlib.suppress(RuntimeError):  # a task of a loop that is gone
                await asyncio.wait({task}, timeout=5)
            task.cancel()
        await self.flush()
        await self.backend.close()
        self._closing = False  # a later write (a test's) starts a new writer

    # -- reads --------------------------------------------------------------------------
    async def get_many(self, keys: Sequence[str]) -> dict[str, str | None]:
        """The value of each key (None: none); queued writes first. Unavailable when
        the backend cannot be reached."""
        found: dict[str, str | None] = {}
        ask = []
        for key in keys:
            held = self._writes.get(key) or self._flying.get(key)
            if held is not None:
                found[key] = held[0]
            else:
                ask.append(key)
        if ask:
            fetched = await self.backend.fetch(ask)
            found.update({k: fetched.get(k) for k in ask})
        return found

    async def get(self, key: str) -> str | None:
        return (await self.get_many([key]))[key]

    async def records(self) -> list[Record]:
        """The records kept (of the last SDGBOT_UNANSWERED_DAYS days), oldest first."""
        await self.flush()
        return await self.backend.records(time.time() - self.keep)


def open_store(settings) -> Store:
    """The store the settings name: Redis with SDGBOT_REDIS_URL (several replicas), else
    the SQLite file SDGBOT_STATE (default var/state.db). Nothing is connected yet."""
    days = settings.sdgbot_unanswered_days
    secret = settings.sdgbot_state_secret
    if settings.redis_url():
        from bot.telegram.state_redis import Link, RedisBackend

        backend = RedisBackend(Link(settings.redis_url()))
        return Store(backend, secret=secret.get_secret_value().encode(), days=days)
    from bot.telegram.state_sqlite import SQLiteBackend

    backend = SQLiteBackend(settings.state_path)
    key = secret.get_secret_value().encode() if secret else backend.secret()
    return Store(backend, secret=key, days=days)
