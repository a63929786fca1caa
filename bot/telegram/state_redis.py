"""The shared state backend: Redis (SDGBOT_REDIS_URL) through redis-py's asyncio client.

Every key is under `sdgbot:` and expires (SET … PX; the records' sorted set is trimmed
to the days kept and expires with them). One `Link` per process holds the client and
says in the log, once per outage, that follow-ups are degraded: while Redis cannot be
reached, calls fail at once for `RETRY` seconds (no answer waits for a timeout more than
once in that time), this process's memory keeps what it can (bot.telegram.sessions),
and the pacer counts locally (bot.telegram.shared_limits). When Redis answers again it
is said once more and used again.
"""

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from bot.telegram.state import Record, Unavailable, Write

log = logging.getLogger(__name__)
PREFIX = "sdgbot:"
RECORDS = PREFIX + "records"
TIMEOUT = 0.5  # seconds for a connection or a reply
RETRY = 5.0  # seconds before an unreachable Redis is tried again
CONNECTIONS = 8  # to Redis, at most, per process


class Link:
    """The client, and whether Redis is reachable (said once per change)."""

    def __init__(self, url: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=CONNECTIONS,  # a burst of updates queues for a few connections
            timeout=TIMEOUT,  # rather than opening one each
            decode_responses=True,
            socket_timeout=TIMEOUT,
            socket_connect_timeout=TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        # a failure is said and skipped, not waited out
        self.client = aioredis.Redis(connection_pool=pool, retry=Retry(NoBackoff(), 0))
        self._clock = clock
        self._down_until = 0.0
        self.down = False

    def known_down(self) -> bool:
        """Down, and not to be tried again yet."""
        return self.down and self._clock() < self._down_until

    async def run(self, call: Callable[[Any], Awaitable[Any]]) -> Any:
        """`call(client)`, or Unavailable (at once while Redis is known to be down)."""
        if self.known_down():
            raise Unavailable("redis")
        try:
            result = await call(self.client)
        except (RedisError, OSError, TimeoutError) as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():  # redis-py turned a cancel into an
                raise asyncio.CancelledError from None  # error: the caller is stopping
            self._down_until = self._clock() + RETRY
            if not self.down:
                self.down = True
                log.warning(
                    "Redis (SDGBOT_REDIS_URL) cannot be reached (%s): answering on, but "
                    "follow-ups, /lang choices and the flood limits are this replica's own "
                    "until it is back", type(exc).__name__,
                )  # fmt: skip
            raise Unavailable("redis") from None
        if self.down:
            self.down = False
            log.warning("Redis (SDGBOT_REDIS_URL) reachable again: state shared again")
        return result

    async def close(self) -> None:
        with contextlib.suppress(RedisError, OSError, RuntimeError):
            await self.client.aclose()
            await self.client.connection_pool.disconnect()  # the pool is ours, not the client's


class RedisBackend:
    name = "redis"
    shared = True
    coalesce = 0.0  # written at once (a pipelined round trip): another replica sees it

    def __init__(self, link: Link) -> None:
        self.link = link

    async def open(self) -> None:
        with contextlib.suppress(Unavailable):  # said once; the bot starts and answers
            await self.link.run(lambda r: r.ping())

    async def fetch(self, keys: Sequence[str]) -> dict[str, str]:
        values = await self.link.run(lambda r: r.mget([PREFIX + k for k in keys]))
        return {k: v for k, v in zip(keys, values, strict=True) if v is not None}

    async def write(self, items: Sequence[Write]) -> None:
        async def call(r):
            pipe = r.pipeline(transaction=False)
            for key, value, ttl in items:
                if value is None:
                    pipe.delete(PREFIX + key)
                else:
                    pipe.set(PREFIX + key, value, px=max(1, int(ttl * 1000)))
            return await pipe.execute()

        await self.link.run(call)

    async def add(self, records: Sequence[Record], keep: float) -> None:
        async def call(r):
            pipe = r.pipeline(transaction=False)
            # a nonce keeps two equal records apart (a sorted set holds a member once)
            members = {f"{os.urandom(4).hex()} {rec.to_json()}": rec.ts for rec in records}
            pipe.zadd(RECORDS, members)
            pipe.zremrangebyscore(RECORDS, "-inf", f"({time.time() - keep}")
            pipe.expire(RECORDS, int(keep) + 1)
            return await pipe.execute()

        await self.link.run(call)

    async def records(self, since: float) -> list[Record]:
        members = await self.link.run(lambda r: r.zrangebyscore(RECORDS, since, "+inf"))
        found = (Record.from_json(m.partition(" ")[2]) for m in members)
        return [r for r in found if r is not None]

    async def close(self) -> None:
        await self.link.close()
