"""Under Telegram's flood limits: 1,000 updates from 250 users, answered by `sdgbot run`.

    python -m benchmarks.flood              # figures as JSON (about 40 s a run)
    python -m benchmarks.flood --repeats 3

The fake Bot API (tests/fake_bot_api.py) answers 429 past 30 sends in any second or 20
a minute to a group, as Telegram does; the bot is `sdgbot run` in a process of its own,
exactly as deployed (the pacer, the backlog, the poller). The workload is
benchmarks/workload.py's with 250 chats (a third of them groups): questions, commands,
inline queries and buttons, all pushed at once. Figures: every update answered once
(lost, duplicated), answers a second from the first push to the last answer, the 429s
the fake sent, the most sends the fake saw in one second and to one group in one
minute, latency from push to answer (mostly queueing: 1,000 answers at 30 a second take
half a minute), answers sent as "please ask again".
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.workload import Item, collate, workload
from bot.config import BUNDLED_DB
from bot.engine.engine import Engine
from bot.knowledge.store import load_path
from bot.telegram.pacer import BUSY
from tests.fake_bot_api import TELEGRAM_LIMITS, FakeBotApi, is_send
from tests.telegram.test_shutdown import ended, start


def delivered(api, sends, items, answers, texts, extra, failed) -> dict:
    """What was lost, doubled and refused, and the busiest second and group minute of the
    sends that went through (shared with benchmarks/replicas.py)."""
    groups = defaultdict(list)
    for c in sends:
        if int(c.params.get("chat_id", 0)) < 0:
            groups[int(c.params["chat_id"])].append(c.at)
    return {
        "updates": len(items),
        "lost": sum(1 for a, t in zip(answers, texts, strict=True) if not a or t is None),
        "duplicated": sum(1 for a in answers if len(a) > 1) + extra,
        "429": api.flooded,
        "failed_calls": len(failed) - api.flooded,
        "most_sends_in_a_second": most_in_window([c.at for c in sends], 1.0),
        "most_to_a_group_in_a_minute": max(
            (most_in_window(t, 60.0) for t in groups.values()), default=0
        ),
    }


def most_in_window(times: list[float], window: float) -> int:
    times, best, first = sorted(times), 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - window:
            first += 1
        best = max(best, last - first + 1)
    return best


async def answered(api: FakeBotApi, items: list[Item], deadline: float) -> None:
    while time.monotonic() < deadline:
        answers, texts, *_ = collate(api, items)
        if all(a and t is not None for a, t in zip(answers, texts, strict=True)):
            return
        await asyncio.sleep(0.5)


async def one_run(items: list[Item]) -> dict:
    api = await FakeBotApi(limits=TELEGRAM_LIMITS).start()
    with tempfile.TemporaryDirectory() as tmp:
        proc = await start(api, Path(tmp))
        try:
            await api.wait_for("getUpdates", timeout=60)  # up and polling
            begin = time.monotonic()
            for item in items:
                item.pushed = time.monotonic()
                await api.push(item.update)
            await answered(api, items, begin + 300)
            await asyncio.sleep(1.0)  # time for a duplicate to show
        finally:
            proc.terminate()
            code, err = await ended(proc)
            await api.stop()
    if code:
        print(err[-2000:], file=sys.stderr)
    answers, texts, extra, failed = collate(api, items)
    last = max((a[0].at for a in answers if a), default=begin)
    latencies = sorted(a[0].at - i.pushed for i, a in zip(items, answers, strict=True) if a)
    sends = [c for c in api.calls if is_send(c.method) and c.status == 200]
    return {
        **delivered(api, sends, items, answers, texts, extra, failed),
        "seconds": round(last - begin, 2),
        "answers_per_s": round(len(items) / (last - begin), 1),
        "please_ask_again": sum(1 for c in sends if c.params.get("text") == BUSY),
        "p50_s": round(statistics.median(latencies), 2),
        "p99_s": round(latencies[int(len(latencies) * 0.99)], 2),
        "exit_code": code,
    }


def run(*, repeats: int = 1, updates: int = 1000, users: int = 250) -> list[dict]:
    engine = Engine(load_path(BUNDLED_DB))
    return [
        asyncio.run(one_run(workload(engine, updates=updates, chats=users, seed=5 + r)))
        for r in range(repeats)
    ]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=1)
    args = p.parse_args()
    print(json.dumps(run(repeats=args.repeats), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
