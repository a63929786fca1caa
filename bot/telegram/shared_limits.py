"""Telegram's flood limits as one budget for the bot, shared by its replicas through Redis.

The same `Limits` interface as bot.telegram.limits.MemoryLimits, so the pacer does not
change. Redis keeps one timeline of sends for the bot (a GCRA: the theoretical time of
the next send, `sdgbot:pace`). A replica that has sends waiting leases `LEASE` slots of
that timeline at once (one round trip, a Lua script with Redis's own clock), and spends
them from a local token bucket: a slot at a time, never before its time, and a slot the
replica was more than half an interval late for is dropped rather than caught up.
Slots of different replicas never overlap, so together they keep one pace, 28 a second
(one less than one process's 29: slack for the sends of two processes reaching Telegram
at jittered times). A replica leases only when it has something to send; unspent slots
of a lease are lost (a few tens of milliseconds of budget when the line runs dry).

Sends to a group are counted in Redis too (a sorted set per group, under a keyed digest
of its id, 20 in 61 s, one round trip per group send: at most 20 a minute a group), and
a pause after a 429 that named the bot's limit (every chat) is kept in Redis, so every
replica pauses. A 429 naming one chat pauses that chat here only.

While Redis cannot be reached (bot.telegram.state_redis.Link says so once), the limits
are this process's own (MemoryLimits at the same pace), and the pacer handles the 429s
that several replicas pacing alone may bring.
"""

import contextlib
import hashlib
import math
import time

from bot.telegram.limits import Chat, MemoryLimits, Rates, is_group
from bot.telegram.state import Unavailable
from bot.telegram.state_redis import PREFIX, Link

LEASE = 3  # slots leased at once (about 0.1 s of the budget)
PACE = 28.0  # sends a second for the bot: one less than one process's 29, as slack for
# the sends of two processes reaching Telegram at jittered times
AHEAD = 0.5  # seconds of the timeline that may be leased ahead of now, at most

# KEYS: pace, pause. ARGV: interval (µs), slots, most ahead (µs).
# Returns {µs until the first leased slot, slots} or {-1, µs to wait}.
LEASE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now then return {-1, pause - now} end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now > tonumber(ARGV[3]) then return {-1, tat - now - tonumber(ARGV[3])} end
redis.call('SET', KEYS[1], tat + tonumber(ARGV[1]) * tonumber(ARGV[2]), 'PX', 60000)
return {tat - now, tonumber(ARGV[2])}
"""
# KEYS: the group's sorted set. ARGV: window (µs), most sends in it, a member.
# Returns 0 (counted) or µs to wait.
GROUP_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(first[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
return 0
"""
# KEYS: pause. ARGV: µs from now.
PAUSE_SCRIPT = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_, 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
end
return 0
"""


class RedisLimits:
    def __init__(self, link: Link, rates: Rates | None = None, *, secret: bytes = b"") -> None:
        self.link = link
        self._secret = secret[:64]  # a group is counted under a keyed digest of its id
        self.rates = rates or Rates(pace=PACE)
        self.local = MemoryLimits(self.rates)  # while Redis is down; and chats' own pauses
        self._next = -math.inf  # local time of the next leased slot
        self._left = 0  # leased slots not spent
        self._not_before = -math.inf  # Redis said: nothing to lease before this
        self._seq = 0
        self._lease = link.client.register_script(LEASE_SCRIPT)
        self._group = link.client.register_script(GROUP_SCRIPT)
        self._pause = link.client.register_script(PAUSE_SCRIPT)

    @property
    def interval(self) -> float:
        return 1 / self.rates.pace

    def _drop_missed(self, now: float) -> None:
        """Slots whose time has passed by more than half an interval are not caught up."""
        if self._left and now - self._next > 0.5 * self.interval:
            missed = min(self._left, math.ceil((now - self._next) / self.interval - 0.5))
            self._left -= missed
            self._next += missed * self.interval

    async def wait(self, now: float) -> float:
        if self.link.known_down():
            return await self.local.wait(now)
        self._drop_missed(now)
        if not self._left:
            if now < self._not_before:
                return self._not_before - now
            asked = time.perf_counter()
            try:
                ahead, slots = await self.link.run(lambda r: self._lease(
                    keys=[PREFIX + "pace", PREFIX + "pause"],
                    args=[round(self.interval * 1e6), LEASE, round(AHEAD * 1e6)]))  # fmt: skip
            except Unavailable:
                return await self.local.wait(now)
            if ahead < 0:
                self._not_before = now + slots / 1e6
                return slots / 1e6
            # the slot in this process's time: `ahead` from when Redis answered, at the
            # latest when the answer arrived (a slot is never taken early)
            now += time.perf_counter() - asked
            self._next, self._left = now + ahead / 1e6, int(slots)
        return max(0.0, self._next - now, await self.local.wait(now))

    async def take(self, chat: Chat | None, now: float) -> float:
        wait = await self.wait(now)
        if wait > 0:
            return wait
        if not self._left:  # Redis is down: the local limits decide
            return await self.local.take(chat, now)
        paused = self.local._paused.get(chat, -math.inf) if chat is not None else -math.inf
        if paused > now:
            return paused - now
        if self.rates.group and is_group(chat):
            self._seq += 1
            try:
                wait_us = await self.link.run(lambda r: self._group(
                    keys=[PREFIX + "group:" + self._digest(chat)],
                    args=[round(self.rates.group_window * 1e6), self.rates.group,
                          f"{id(self)}:{self._seq}"]))  # fmt: skip
            except Unavailable:
                return await self.local.take(chat, now)
            if wait_us:
                return wait_us / 1e6
        self._left -= 1
        self._next += self.interval
        return 0.0

    def _digest(self, chat: Chat) -> str:
        return hashlib.blake2b(str(chat).encode(), key=self._secret, digest_size=12).hexdigest()

    async def pause(self, chat: Chat | None, seconds: float, now: float) -> None:
        await self.local.pause(chat, seconds, now)
        if chat is None:
            self._left = 0  # leased slots would run into the pause
            with contextlib.suppress(Unavailable):
                await self.link.run(lambda r: self._pause(
                    keys=[PREFIX + "pause"], args=[round(seconds * 1e6)]))  # fmt: skip
