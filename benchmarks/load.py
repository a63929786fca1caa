"""Load: 1,000 updates from 50 chats through the fake Bot API; the full bot beside an echo bot.

    python -m benchmarks.load             # both bots, figures as JSON (about 4 minutes)
    python benchmarks/bench.py --load     # the same, with the other benchmarks

Each bot runs in a process of its own against the fake server in this one (each has a
core of the 2, as a bot and Telegram would). The workload: private chats and groups
asking questions (from tests/data, in private, with /q, @mentions and replies),
commands, inline queries and sample buttons. Three scenarios, each bot the same way:

- burst: every update pushed into getUpdates at once, handed out as fast as the bot
  asks (100 a call). updates/s is the count over the time from the first push to the
  last answer; latency runs from an update's push to the Bot API call that answers it
  (sendMessage, answerInlineQuery or answerCallbackQuery), so it is mostly queueing.
- burst with 20 ms round trips (500 updates): the fake server answers every call after
  20 ms (Telegram takes 50-200 ms), which is where handling chats concurrently pays.
- paced at 50 updates/s (500 updates), below both bots' capacity: the latency a user
  feels.

The bare echo bot is python-telegram-bot with its defaults and one line per handler.
The full bot is `build_application` as `sdgbot run` builds and runs it, except that
Telegram's flood limits are not paced (30 messages/s would be the figure otherwise;
benchmarks/flood.py measures the bot under them), so its backlog is not kept small either.
tests/telegram/test_load.py runs the same workload in one process and asserts that every
update was answered exactly once and correctly.
"""

import argparse
import asyncio
import json
import signal
import sys
import tempfile
import time
from pathlib import Path

from telegram.ext import Application

from benchmarks.echo import echo_bot
from benchmarks.serve import full_bot
from benchmarks.workload import Item, Outcome, collate, workload
from bot.config import BUNDLED_DB
from bot.engine.engine import Engine
from bot.knowledge.store import load_path
from tests.conftest import polling
from tests.fake_bot_api import TOKEN, FakeBotApi, Reply

ROOT = Path(__file__).resolve().parent.parent


async def drive(application: Application, api: FakeBotApi, items: list[Item],
                *, timeout: float = 120.0) -> Outcome:  # fmt: skip
    """In this process: start polling as `sdgbot run` does, push every update, wait for
    every answer, stop. The bot and the fake server share one event loop."""
    post_init = application.post_init is not None
    async with polling(application, post_init=post_init, timeout=10):
        return await inject(api, items, timeout=timeout)


COMMANDS = {  # each bot in a process of its own: the full bot as `sdgbot run` runs it
    "full": [sys.executable, "-m", "benchmarks.serve"],
    "echo": [sys.executable, str(ROOT / "benchmarks" / "echo.py")],
}


async def spawn(kind: str, base_url: str, command: list[str] | None = None):
    """The bot `kind` (or `command`, given the base URL and token) in a process of its own."""
    return await asyncio.create_subprocess_exec(
        *(command or COMMANDS[kind]), base_url, TOKEN, cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def drive_process(kind: str, api: FakeBotApi, items: list[Item], *,
                        timeout: float = 120.0, rate: float | None = None) -> Outcome:  # fmt: skip
    """The bot in a process of its own (`python -m benchmarks.serve`, benchmarks/echo.py), the fake
    server here: each has a core, as the bot and Telegram would."""
    proc = await spawn(kind, api.base_url)
    try:
        await api.wait_for("getUpdates", timeout=60)  # started and polling
        return await inject(api, items, timeout=timeout, rate=rate)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
        if proc.returncode:
            print(err.decode(errors="replace")[-2000:], file=sys.stderr)


async def inject(
    api: FakeBotApi, items: list[Item], *, timeout: float, rate: float | None = None
) -> Outcome:
    """Push every update (at once, or `rate` a second), wait until each is answered,
    collate the answers."""
    before = len(api.calls)
    start = time.monotonic()
    for n, item in enumerate(items):
        if rate:
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        item.pushed = time.monotonic()
        await api.push(item.update)
    await _all_answered(api, before, len(items), start + timeout)
    await asyncio.sleep(0.2)  # time for a duplicate to show
    answers, texts, extra, failed = collate(api, items, before)
    last = max((a[0].at for a in answers if a), default=start)
    return Outcome(items, answers, texts, extra, failed, last - start)


async def _all_answered(api: FakeBotApi, before: int, wanted: int, deadline: float) -> None:
    """Wait until `wanted` updates are answered: chat messages and inline answers count
    (a button press is answered by a message, then answerCallbackQuery)."""
    seen, n = before, 0
    while n < wanted and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
        calls = api.calls[seen:]
        seen += len(calls)
        n += sum(c.method in ("sendMessage", "answerInlineQuery") for c in calls)


async def measure(kind: str, items: list[Item], *, engine: Engine | None = None,
                  rtt: float = 0.0, rate: float | None = None) -> Outcome:  # fmt: skip
    """One run of one bot: in this process when an engine is given (the test), else the
    bot in a process of its own; `rtt` delays every call but getUpdates."""
    api = await FakeBotApi().start()
    if rtt:
        api.faults.append(lambda c: Reply(delay=rtt) if c.method != "getUpdates" else None)
    try:
        if engine is None:
            return await drive_process(kind, api, items, timeout=300, rate=rate)
        with tempfile.TemporaryDirectory() as tmp:
            if kind == "full":
                app = full_bot(api.base_url, TOKEN, engine, Path(tmp) / "u.jsonl")
            else:
                app = echo_bot(api.base_url, TOKEN)
            return await drive(app, api, items)
    finally:
        await api.stop()


def _figures(kind: str, outcome: Outcome) -> dict:
    figures = outcome.figures()
    if kind == "full":
        figures["wrong"] = len(outcome.wrong())
    return figures


def run(*, repeats: int = 3, updates: int = 1000, chats: int = 50) -> dict:
    """Figures of both bots: the burst figures are the median of `repeats` runs by
    updates/s (runs alternate between the bots, so that both see the same machine)."""
    engine = Engine(load_path(BUNDLED_DB))
    bursts: dict[str, list[dict]] = {"echo": [], "full": []}
    for r in range(repeats):
        items = workload(engine, updates=updates, chats=chats, seed=5 + r)
        for kind in bursts:
            bursts[kind].append(_figures(kind, asyncio.run(measure(kind, items))))
    out: dict[str, dict] = {}
    for kind, runs in bursts.items():
        runs.sort(key=lambda f: f["updates_per_s"])
        out[f"{kind}_bot"] = runs[len(runs) // 2]
    items = workload(engine, updates=updates // 2, chats=chats, seed=5)
    for name, options in (("rtt_20ms", {"rtt": 0.02}), ("paced_50_per_s", {"rate": 50.0})):
        out[name] = {
            f"{kind}_bot": _figures(kind, asyncio.run(measure(kind, items, **options)))
            for kind in bursts
        }
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    print(json.dumps(run(repeats=args.repeats), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
