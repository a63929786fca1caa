"""Long polling that never dies silently, and a stop that loses nothing (issue 13).

python-telegram-bot's Updater ends its polling loop for good on the first 401 or 404
("Invalid token. Aborting retry loop") while the process stays up, and fetches a batch
again and again when one update in it cannot be read. The poller here calls getUpdates
itself and hands each update to the application's update queue:

    what getUpdates meets                    what the poller does
    updates                                  each read on its own, queued; heartbeat
    one python-telegram-bot cannot read      skipped once: logged with its update_id and the
    (e.g. a poll without persistent_id)      error's type only, the offset moved past it
    a timeout                                again at once, then as below
    429                                      again after retry_after
    401/404 (the token), 409 (another        again after 1, 2, 4 … s, at most 30 s apart;
    poller or a webhook), 5xx, no network,   after SDGBOT_POLL_GIVE_UP seconds (600) of
    a garbled answer                         nothing but failures: exit 1, so that Docker
                                             or systemd starts the bot again

Each successful getUpdates writes the heartbeat (bot/heartbeat.py) that `sdgbot health`
reads.

Telegram keeps an update until a getUpdates with a higher offset confirms it. The poller
asks with the offset of the oldest update not yet answered (bot.telegram.offsets), so a
crash or SIGKILL loses nothing: the next start fetches the unanswered updates again
(and answers again those after them answered meanwhile: fewer than BATCH, usually
those of the last BUSY_POLL seconds). It fetches only while the backlog (bot.telegram.backlog)
has room: what the bot has fetched is what it can answer within a few seconds; the rest
waits at Telegram. On SIGTERM or SIGINT (`serve`): no more fetching; the backlog is
answered (within `STOP_WITHIN` seconds, inside docker's 10); then one last getUpdates
confirms what was answered, and the process exits 0. Updates not answered are fetched
by the next start.
"""

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest

from bot import heartbeat
from bot.telegram.backlog import Backlog
from bot.telegram.offsets import BATCH, MIN_NEW, Offsets
from bot.telegram.pacer import Pacer, retry_after

log = logging.getLogger(__name__)
LONG_POLL = 10.0  # seconds a getUpdates waits for updates
GIVE_UP = 600.0  # seconds of failing getUpdates before exiting 1 (SDGBOT_POLL_GIVE_UP)
BACKOFF_MAX = 30.0  # seconds between tries, at most
STOP_WITHIN = 8.0  # seconds from SIGTERM to exit (docker kills after 10)
BEAT_EVERY = 1.0  # seconds between heartbeat writes, at least
BUSY_POLL = 0.5  # seconds between getUpdates while answers are under way


async def _until(stop: asyncio.Event, awaitable: Awaitable[Any]) -> tuple[bool, Any]:
    """(True, result) when the awaitable ends first; (False, None) when `stop` is set
    first (the awaitable is then cancelled)."""
    task = asyncio.ensure_future(awaitable)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((task, stopped), return_when=asyncio.FIRST_COMPLETED)
    except BaseException:  # cancelled from outside
        task.cancel()
        raise
    finally:
        stopped.cancel()
    if task.done():
        return True, task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    return False, None


class Poller:
    def __init__(
        self,
        application: Application,
        request: BaseRequest,
        backlog: Backlog,
        *,
        allowed_updates: Sequence[str] | None = None,
        timeout: float = LONG_POLL,
        give_up: float = GIVE_UP,
        heartbeat_path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.application, self.request, self.backlog = application, request, backlog
        self.allowed = list(allowed_updates) if allowed_updates is not None else None
        self.timeout, self.give_up = timeout, give_up
        self.heartbeat_path = heartbeat_path
        self._clock = clock
        self.offsets = Offsets(backlog.__contains__)  # what may be confirmed
        self._confirmed: int | None = None  # the offset Telegram last saw
        self._called = -float("inf")  # when the last getUpdates answered
        self._started = time.time()
        self._beaten = -float("inf")
        self.skipped = 0  # updates that could not be read

    # -- getUpdates -------------------------------------------------------------------

    async def get(self, *, offset: int | None, limit: int, timeout: float) -> list:
        """One getUpdates: the raw updates (dicts)."""
        result = await self.application.bot.get_update_dicts(
            offset=offset, limit=limit, timeout=timeout, allowed_updates=self.allowed,
            read_timeout=(self.request.read_timeout or 0) + timeout,
        )  # fmt: skip
        log.debug("getUpdates (offset %s, limit %s): %d updates", offset, limit, len(result))
        self._confirmed, self._called = offset, self._clock()
        return result

    def take(self, raw: list) -> int:
        """Queue each new update of a batch that can be read; skip (once) those that
        cannot. The number of new updates."""
        new = 0
        for item in raw:
            uid = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(uid, int) or isinstance(uid, bool):
                log.warning("skipped an update without an update_id")
                continue
            if self.offsets.seen(uid):
                continue  # held: not yet confirmed, so Telegram sends it again
            self.offsets.fetched(uid)
            new += 1
            try:
                update = Update.de_json(item, self.application.bot)
            except Exception as exc:  # what the library cannot read; nothing of it logged
                self.skipped += 1
                log.warning("skipped update %s: python-telegram-bot could not read it (%s)",
                            uid, type(exc).__name__)  # fmt: skip
                continue
            self.backlog.add(update)
            self.application.update_queue.put_nowait(update)
        return new

    async def confirm(self, point: int | None) -> None:
        """Tell Telegram that every update below `point` is answered: one getUpdates
        that waits for nothing."""
        if point is None or point == self._confirmed:
            return
        try:
            await self.get(offset=point, limit=1, timeout=0)
        except Exception as exc:
            log.warning("the last getUpdates failed (%s): Telegram sends the updates "
                        "answered last again at the next start", type(exc).__name__)  # fmt: skip

    # -- the loop ---------------------------------------------------------------------

    def beat(self, *, polled: bool) -> None:
        if self.heartbeat_path is None:
            return
        now = self._clock()
        if polled and now - self._beaten < BEAT_EVERY:
            return
        self._beaten = now
        try:
            heartbeat.beat(self.heartbeat_path, started=self._started,
                           polled=time.time() if polled else None)  # fmt: skip
        except OSError as exc:
            log.warning("heartbeat %s not written: %s", self.heartbeat_path, exc)

    async def _next(self, stop: asyncio.Event) -> tuple[int, float] | None:
        """Wait until the next getUpdates is due: (limit, timeout); None on stop.

        Nothing held: a long poll for what the backlog has room for (it confirms all).
        Updates held (answers under way): Telegram would answer at once (it has the held
        ones), so one getUpdates each BUSY_POLL seconds, for the held ones and the room;
        each confirms what was answered since the last."""
        while not stop.is_set():
            room = self.backlog.room
            self.offsets.make_room(min(room, MIN_NEW))
            held = self.offsets.held()
            due = None
            if not held:
                if room:
                    return min(BATCH, room), self.timeout
            else:
                due = self._called + BUSY_POLL - self._clock()
                if due <= 0:
                    return min(BATCH, held + room), 0.0
            with contextlib.suppress(TimeoutError):
                await _until(stop, asyncio.wait_for(self.backlog.changed(), due))
        return None

    async def run(self, stop: asyncio.Event) -> int:
        """Poll until `stop` is set (0), or until getUpdates has failed for `give_up`
        seconds without a success in between (1)."""
        self.beat(polled=False)
        failing_since: float | None = None
        delay = 0.0
        while (due := await self._next(stop)) is not None:
            limit, timeout = due
            try:
                done, raw = await _until(
                    stop, self.get(offset=self.offsets.point(), limit=limit, timeout=timeout)
                )
                if not done:
                    break
            except Exception as exc:
                now = self._clock()
                failing_since = now if failing_since is None else failing_since
                failing = now - failing_since
                if failing >= self.give_up:
                    log.error("getUpdates has failed for %.0f s (%s); exiting so that the bot "
                              "is started again", failing, type(exc).__name__)  # fmt: skip
                    return 1
                delay = self._delay(exc, delay)
                log.warning("getUpdates failed (%s: %s); again in %.1f s (failing for %.0f "
                            "s, exit after %.0f s)", type(exc).__name__, exc, delay, failing,
                            self.give_up)  # fmt: skip
                await _until(stop, asyncio.sleep(min(delay, self.give_up - failing)))
                continue
            failing_since, delay = None, 0.0
            self.beat(polled=True)
            if raw and not self.take(raw) and timeout:  # only old ones: do not ask at once
                await _until(stop, asyncio.sleep(1.0))
        return 0

    @staticmethod
    def _delay(exc: Exception, last: float) -> float:
        """Seconds before the next try: retry_after for a 429, at once after a first
        timeout, else 1 s doubled each time up to BACKOFF_MAX."""
        if isinstance(exc, RetryAfter):
            return retry_after(exc)
        if isinstance(exc, TimedOut) and last == 0:
            return 0.0
        return min(BACKOFF_MAX, max(1.0, last * 2))


# -- the process ------------------------------------------------------------------------


async def _retry(stop: asyncio.Event, action: Callable[[], Awaitable[Any]], what: str,
                 retries: int) -> bool:  # fmt: skip
    """Start-up calls (getMe, deleteWebhook): tried `retries` more times, 1 s ×1.5 apart;
    a rejected token at once raises InvalidToken. False when stopped meanwhile."""
    delay = 1.0
    for attempt in range(retries + 1):
        try:
            done, _ = await _until(stop, action())
            return done
        except InvalidToken:
            raise
        except TelegramError as exc:
            if attempt == retries:
                raise
            log.warning("%s failed (%s); again in %.1f s", what, type(exc).__name__, delay)
            if not (await _until(stop, asyncio.sleep(delay)))[0]:
                return False
            delay *= 1.5
    return False


async def start(application: Application, stop: asyncio.Event, *, retries: int,
                post_init: bool = True) -> bool:  # fmt: skip
    """getMe, the post_init hook (the command menu), deleteWebhook (polling and a webhook
    exclude each other), then the application's update handling. False when stopped
    meanwhile."""
    if not await _retry(stop, application.initialize, "getMe", retries):
        return False
    if post_init and application.post_init:
        await application.post_init(application)
    if not await _retry(stop, application.bot.delete_webhook, "deleteWebhook", retries):
        return False
    await application.start()
    return True


async def finish(application: Application, poller: Poller, seconds: float) -> None:
    """After polling: answer the backlog (within `seconds`), confirm it, stop."""
    await drain(application, poller.backlog, seconds)
    # Now, before an update given up on in the drain is settled: those stay at Telegram.
    await poller.confirm(poller.offsets.point())
    await application.stop()
    if application.post_stop:
        await application.post_stop(application)


async def serve(application: Application, poller: Poller, *, retries: int,
                stop_within: float = STOP_WITHIN) -> int:  # fmt: skip
    """`sdgbot run`: start, poll until SIGTERM/SIGINT, answer what was fetched, confirm it,
    stop. The exit code: 0, or 1 when getUpdates kept failing."""
    stop = asyncio.Event()
    stopped_at: list[float] = []

    def on_signal() -> None:
        if not stopped_at:
            stopped_at.append(time.monotonic())
        stop.set()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    try:
        if not await start(application, stop, retries=retries):
            return 0
        code = await poller.run(stop)
        began = stopped_at[0] if stopped_at else time.monotonic()
        await finish(application, poller, began + stop_within - time.monotonic())
        if code == 0 and poller.heartbeat_path is not None:
            heartbeat.clear(poller.heartbeat_path)
        return code
    finally:
        if application.running:  # an error on the way: stop what was started
            await application.stop()
        await application.shutdown()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


async def drain(application: Application, backlog: Backlog, seconds: float) -> None:
    """Answer the backlog within `seconds`; what is still waiting then is given up
    (logged: how many), so that the process ends before docker kills it."""
    if len(backlog):
        log.info("stopping: answering the %d updates fetched", len(backlog))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(backlog.empty(), max(0.0, seconds))
    if len(backlog):
        log.error("stopping: %d fetched updates could not be answered in time", len(backlog))
        limiter = getattr(application.bot, "rate_limiter", None)
        limiter = getattr(limiter, "limiter", limiter)  # the pacer, under replies.Watch
        if isinstance(limiter, Pacer):
            limiter.abandon()
