"""The state store, the same tests for both backends: the SQLite default and a real
redis-server (started by the `redis_url` fixture on a free loopback port; skipped, saying
why, when the binary is missing). What a follow-up needs survives a new process (a new
Store over the same file or server); keys expire; digests are keyed and stable; writes
are queued (off the answer's path) and visible at once; an unreachable Redis is said
once and answers go on; the shared flood limits are one budget for two replicas."""

import asyncio
import logging
import math
import socket

import pytest

from bot.engine.answer import Context
from bot.telegram.limits import Rates
from bot.telegram.sessions import Sessions
from bot.telegram.state import Record, Store, Unavailable
from bot.telegram.state_sqlite import SQLiteBackend
from tests.conftest import STATE_SECRET, flush_redis

SECRET = STATE_SECRET.encode()


@pytest.fixture(params=["sqlite", "redis"])
def open_backend(request, tmp_path):
    """A function making a new backend over the same state, as a restarted process (or
    another replica) would."""
    if request.param == "sqlite":
        return lambda: SQLiteBackend(tmp_path / "var" / "state.db")
    url = request.getfixturevalue("redis_url")
    flush_redis(url)
    from bot.telegram.state_redis import Link, RedisBackend

    return lambda: RedisBackend(Link(url))


async def test_values_are_kept_across_processes_and_expire(open_backend):
    first = Store(open_backend(), secret=SECRET)
    first.put("c:a", "one", 60)
    first.put("c:b", "two", 0.05)
    assert await first.get("c:a") == "one"  # queued, not yet written: seen at once
    await first.close()
    await asyncio.sleep(0.1)
    second = Store(open_backend(), secret=SECRET)  # a restart, or another replica
    assert await second.get_many(["c:a", "c:b", "c:none"]) == {
        "c:a": "one", "c:b": None, "c:none": None}  # fmt: skip
    second.put("c:a", None, 0)  # forgotten
    await second.flush()
    assert await Store(open_backend(), secret=SECRET).get("c:a") is None
    await second.close()


async def test_a_follow_up_subject_and_a_language_survive_a_restart(open_backend):
    before = Sessions(store=Store(open_backend(), secret=SECRET))
    chat, bound = before.key(42), before.message_key(42, 7)
    before.put(chat, Context(indicator_ids=("8.7.1",)))
    before.put(bound, Context(programme_id=3))
    before.set_language(42, "en")
    await before.store.close()

    after = Sessions(store=Store(open_backend(), secret=SECRET))
    assert after.key(42) == chat and after.get(chat) is None  # nothing in memory yet
    await after.load([chat, bound, after.user_key(42)])
    assert after.get(chat) == Context(indicator_ids=("8.7.1",))
    assert after.get(bound) == Context(programme_id=3) and after.language(42) == "en"
    other = Sessions(store=Store(open_backend(), secret=b"another secret, other digests"))
    assert other.key(42) != chat
    await after.store.close()
    await other.store.close()


async def test_records_are_kept_for_the_days_set(open_backend):
    import time

    store = Store(open_backend(), secret=SECRET, days=90)
    now = time.time()
    for rec in (Record(now - 91 * 86_400, "not_found", "舊"), Record(now - 5, "not_found", "新"),
                Record(now, "not_helpful", "新", subject=("8.7.1",))):  # fmt: skip
        store.record(rec)
    assert [(r.q, r.reason) for r in await store.records()] == [
        ("新", "not_found"), ("新", "not_helpful")]  # fmt: skip
    await store.close()
    again = Store(open_backend(), secret=SECRET, days=90)
    assert [r.subject for r in await again.records()] == [(), ("8.7.1",)]
    await again.close()


def test_the_sqlite_file_keeps_its_own_secret(tmp_path):
    one = SQLiteBackend(tmp_path / "s.db").secret()
    assert len(one) == 32 and SQLiteBackend(tmp_path / "s.db").secret() == one
    assert SQLiteBackend(tmp_path / "t.db").secret() != one


def dead_url() -> str:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{s.getsockname()[1]}/0"


async def test_an_unreachable_redis_is_said_once_and_memory_serves(caplog):
    from bot.telegram.state_redis import Link, RedisBackend

    caplog.set_level(logging.WARNING)
    store = Store(RedisBackend(Link(dead_url())), secret=SECRET)
    await store.backend.open()  # at start: said, not raised
    sessions = Sessions(store=store)
    key = sessions.key(1)
    sessions.put(key, Context(indicator_ids=("4.4.3",)))
    await store.flush()  # the write fails: dropped, said once
    await sessions.load([key])  # unreachable: this process's memory stays
    assert sessions.get(key) == Context(indicator_ids=("4.4.3",))
    with pytest.raises(Unavailable):
        await store.backend.fetch(["c:x"])
    said = [r for r in caplog.records if "cannot be reached" in r.getMessage()]
    assert len(said) == 1 and "follow-ups" in said[0].getMessage()
    assert "127.0.0.1" not in said[0].getMessage()  # the URL may hold a password
    await store.close()


# -- the flood limits shared by replicas ------------------------------------------------


@pytest.fixture
def two_limits(redis_url):
    """Two replicas' limits over one Redis, at one send a second (so the milliseconds a
    test takes do not matter) and 2 sends a minute to a group."""
    from bot.telegram.shared_limits import RedisLimits
    from bot.telegram.state_redis import Link

    flush_redis(redis_url)
    rates = Rates(pace=1.0, group=2, group_window=61.0)
    return RedisLimits(Link(redis_url), rates), RedisLimits(Link(redis_url), rates)


async def test_two_replicas_share_one_pace(two_limits):
    a, b = two_limits
    assert await a.take(5, 100.0) == 0  # a leases 3 slots: now, +1 s, +2 s
    assert 0.9 < await a.take(5, 100.0) <= 1.1  # its next slot: never early
    wait = await b.take(6, 200.0)  # b's clock is its own: only Redis's timeline counts
    assert 2.0 <= wait <= 2.5  # b's first slot comes after a's three
    assert await a.take(5, 101.1) == 0 and await a.take(5, 102.1) == 0
    assert await a.take(5, 102.2) > 0  # a's lease is spent, and b holds the next slots


async def test_a_group_gets_its_minute_budget_once_for_both(two_limits):
    a, b = two_limits
    group = -100123
    assert await a.take(group, 10.0) == 0
    b._next, b._left = 50.0, 3  # b holds slots: only the group's budget decides
    assert await b.take(group, 50.0) == 0
    a._next, a._left = 10.0, 3
    assert await a.take(group, 10.0) > 50  # two to this group in the minute, from either
    assert await a.take(-100999, 10.0) == 0  # another group is not held back


async def test_a_pause_for_every_chat_reaches_the_other_replica(two_limits):
    a, b = two_limits
    await a.pause(None, 5.0, 10.0)
    assert 4.0 < await b.take(7, 10.0) <= 5.0


async def test_with_redis_down_the_limits_are_local():
    from bot.telegram.shared_limits import RedisLimits
    from bot.telegram.state_redis import Link

    limits = RedisLimits(Link(dead_url()), Rates(pace=1.0))
    assert await limits.take(1, 10.0) == 0  # the local pace decides
    assert math.isclose(await limits.take(1, 10.0), 0.5)
    await limits.link.close()
