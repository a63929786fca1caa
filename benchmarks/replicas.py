"""Two webhook replicas sharing Redis, under Telegram's flood limits: 600 updates.

    python -m benchmarks.replicas               # figures as JSON (about 40 s a run)
    python -m benchmarks.replicas --repeats 3
    python -m benchmarks.replicas --no-redis    # each replica its own budget, for contrast

Two `sdgbot run --webhook-url …` processes, exactly as deployed (compose.yaml), share a
redis-server of their own (started here on a free loopback port; Debian's redis-server).
The fake Bot API (tests/fake_bot_api.py) answers 429 past 30 sends in any second or 20
a minute to a group, as Telegram does. The workload is benchmarks/workload.py's
(questions, commands, inline queries, buttons; a third of the chats groups), posted as
a load balancer that routes by chat would: every update of a chat to the same replica.
Figures: lost and duplicated answers, the 429s the fake sent, the most sends it saw in
one second and to one group in one minute, answers a second, how long it took.
"""

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from benchmarks.flood import answered, delivered
from benchmarks.workload import collate, workload
from bot.config import BUNDLED_DB
from bot.engine.engine import Engine
from bot.knowledge.store import load_path
from tests.conftest import redis_server
from tests.fake_bot_api import TELEGRAM_LIMITS, FakeBotApi, is_send
from tests.telegram.test_state_e2e import replica, stop_all
from tests.telegram.test_webhook import SECRET


def route(update: dict, replicas: int) -> int:
    """By chat (by user for inline queries and buttons' senders), as `hash $chat_id`."""
    for key in ("message", "edited_message"):
        if key in update:
            return abs(update[key]["chat"]["id"]) % replicas
    sender = (update.get("callback_query") or update.get("inline_query") or {}).get("from", {})
    return abs(sender.get("id", 0)) % replicas


@contextlib.contextmanager
def fake_api_thread():
    """The fake Bot API on an event loop of its own thread: it sees each send when it
    arrives, not when this loop (posting updates, counting answers) lets it run."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    api = asyncio.run_coroutine_threadsafe(FakeBotApi(limits=TELEGRAM_LIMITS).start(), loop)
    api = api.result(timeout=10)
    try:
        yield api
    finally:
        asyncio.run_coroutine_threadsafe(api.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


async def one_run(items, *, redis: bool, replicas: int = 2) -> dict:
    with (fake_api_thread() as api, tempfile.TemporaryDirectory() as tmp,
          contextlib.ExitStack() as stack):  # fmt: skip
        url = stack.enter_context(redis_server())[0] if redis else None
        procs, urls = [], []
        try:
            for i in range(replicas):
                proc, hook = await replica(api, Path(tmp), f"r{i}", url)
                procs.append(proc)
                urls.append(hook)
            begin = time.monotonic()
            headers = {"Content-Type": "application/json",
                       "X-Telegram-Bot-Api-Secret-Token": SECRET}  # fmt: skip
            async with httpx.AsyncClient(timeout=30) as client:
                for n, item in enumerate(items, 1):
                    item.pushed = time.monotonic()
                    body = json.dumps(item.update | {"update_id": n}).encode()
                    await client.post(urls[route(item.update, replicas)], content=body,
                                      headers=headers)  # fmt: skip
            await answered(api, items, begin + 300)
            await asyncio.sleep(1.0)  # time for a duplicate to show
        finally:
            results = await stop_all(procs)
    for code, err in results:
        if code or "--log" in sys.argv:
            print(err[-3000:], file=sys.stderr)
    answers, texts, extra, failed = collate(api, items)
    last = max((a[0].at for a in answers if a), default=begin)
    sends = [c for c in api.calls if is_send(c.method) and c.status == 200]
    return {
        "redis": redis,
        "replicas": replicas,
        **delivered(api, sends, items, answers, texts, extra, failed),
        "seconds": round(last - begin, 2),
        "answers_per_s": round(len(items) / (last - begin), 1),
        "exit_codes": [code for code, _ in results],
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--updates", type=int, default=600)
    p.add_argument("--no-redis", action="store_true", help="each replica its own limits")
    p.add_argument("--log", action="store_true", help="print the replicas' logs")
    args = p.parse_args()
    engine = Engine(load_path(BUNDLED_DB))
    runs = []
    for r in range(args.repeats):
        items = workload(engine, updates=args.updates, chats=150, seed=11 + r)
        runs.append(asyncio.run(one_run(items, redis=not args.no_redis)))
    print(json.dumps(runs, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
