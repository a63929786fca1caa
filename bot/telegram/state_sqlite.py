"""The embedded state backend: one SQLite file (default var/state.db), no server needed.

A file of its own, never indicators.db (which stays read-only; bot.config checks both).
WAL journal, so the reads on the event loop (a primary-key lookup, microseconds) never
wait for a write; writes run in a worker thread on a connection of their own. Expired
keys are skipped when read and deleted once a minute; records older than the days kept
are deleted as new ones come. The secret that keys the digests, when SDGBOT_STATE_SECRET
is not set, is made once and kept in the file, so digests hold across restarts.
"""

import asyncio
import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.telegram.state import Record, Write

SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL)
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires);
CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, ts REAL NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_ts ON records (ts);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
"""
PURGE_EVERY = 60.0  # seconds between deletions of expired keys


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at each checkpoint, never corrupt
    con.executescript(SCHEMA)
    return con


class SQLiteBackend:
    name = "sqlite"
    shared = False  # one process writes it: what it holds in memory is the file's
    coalesce = 0.05  # one transaction (in a thread) for the answers of 50 ms; SIGKILL may
    # lose that much, SIGTERM writes everything

    def __init__(self, path: Path, clock=time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._reader: sqlite3.Connection | None = None
        self._writer: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # the writer connection: one thread at a time
        self._purged = 0.0

    def _read(self) -> sqlite3.Connection:
        if self._reader is None:
            self._reader = _connect(self.path)
        return self._reader

    def secret(self) -> bytes:
        """The file's own secret for the digests (made on first use)."""
        con = self._read()
        con.execute("INSERT OR IGNORE INTO meta VALUES ('secret', ?)", (os.urandom(32),))
        return bytes(con.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()[0])

    async def open(self) -> None:
        self._read()

    async def fetch(self, keys: Sequence[str]) -> dict[str, str]:
        marks = ",".join("?" * len(keys))
        rows = self._read().execute(
            f"SELECT key, value FROM kv WHERE key IN ({marks}) AND expires > ?",
            (*keys, self._clock()),
        )
        return dict(rows.fetchall())

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """The one writer connection (opened on first use), in a transaction: committed,
        or rolled back on any error."""
        with self._lock:
            if self._writer is None:
                self._writer = _connect(self.path)
            con = self._writer
            con.execute("BEGIN")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def _write_sync(self, items: Sequence[Write]) -> None:
        now = self._clock()
        with self._transaction() as con:
            gone = [(k,) for k, v, _ in items if v is None]
            kept = [(k, v, now + ttl) for k, v, ttl in items if v is not None]
            con.executemany("DELETE FROM kv WHERE key = ?", gone)
            con.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", kept)
            if now - self._purged > PURGE_EVERY:
                con.execute("DELETE FROM kv WHERE expires <= ?", (now,))
                self._purged = now

    async def write(self, items: Sequence[Write]) -> None:
        await asyncio.to_thread(self._write_sync, items)

    def _add_sync(self, records: Sequence[Record], keep: float) -> None:
        with self._transaction() as con:
            con.executemany("INSERT INTO records (ts, body) VALUES (?, ?)",
                            [(r.ts, r.to_json()) for r in records])  # fmt: skip
            con.execute("DELETE FROM records WHERE ts < ?", (self._clock() - keep,))

    async def add(self, records: Sequence[Record], keep: float) -> None:
        await asyncio.to_thread(self._add_sync, records, keep)

    async def records(self, since: float) -> list[Record]:
        rows = self._read().execute(
            "SELECT body FROM records WHERE ts >= ? ORDER BY ts, id", (since,)
        )
        return [r for (body,) in rows if (r := Record.from_json(body)) is not None]

    async def close(self) -> None:
        with self._lock:
            for con in (self._reader, self._writer):
                if con is not None:
                    con.close()
            self._reader = self._writer = None
