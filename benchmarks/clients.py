"""The bot's HTTP client against aiohttp's: CPU per update, max RSS and `sdgbot run`'s
start, each bot beside the echo bot, alternating in one run (medians).

    python -m benchmarks.clients --repeats 5        # the figures as JSON
    python -m benchmarks.clients serve http1|aio BASE_URL TOKEN   # one bot (used by the above)
    python -m benchmarks.clients run http1|aio                    # `sdgbot run` with that client

The full bot is benchmarks/serve.py's (as `sdgbot run` builds it, flood limits not
paced) and `sdgbot run` itself, its Bot API calls over bot.telegram.http1 or
benchmarks/aio.py's aiohttp client (`new_request` swapped before the bot is built; it
needs `pip install aiohttp`); the echo bot is benchmarks/echo.py, PTB's defaults (httpx).
Nothing here asserts a time.
"""

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
KINDS = ("echo", "http1", "aio")


def _use(client: str) -> None:
    """Make the bot's calls go over `client` ("http1" leaves the bot as it is)."""
    if client == "aio":
        import urllib.request

        from benchmarks.aio import AioRequest
        from bot.telegram import app, delivery

        def new_request(**kwargs):  # as http1.new_request: httpx behind a proxy
            proxies = urllib.request.getproxies()
            if any(proxies.get(k) for k in ("http", "https", "all")):
                return delivery.Request(**kwargs)
            return AioRequest(**kwargs)

        app.new_request = new_request


def _command(kind: str, mode: str) -> list[str]:
    if kind == "echo":
        return [PY, str(ROOT / "benchmarks" / "echo.py")]
    return [PY, "-m", "benchmarks.clients", mode, kind]


async def _cpu_run(kind: str, items) -> dict:
    """One bot in its own process, measured as benchmarks/bench.py measures the bot."""
    from benchmarks.bench import cpu_run

    return await cpu_run(kind, items, _command(kind, "serve"))


async def _start(kind: str, env: dict) -> float:
    """Spawn → first getUpdates, through the fake Bot API."""
    from tests.fake_bot_api import TOKEN, FakeBotApi

    api = await FakeBotApi().start()
    cmd = _command(kind, "run")
    if kind == "echo":
        cmd = [*cmd, api.base_url, TOKEN]
    try:
        start = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            *cmd, cwd=ROOT, env=dict(env, TELEGRAM_BASE_URL=api.base_url),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            calls = await api.wait_for("getUpdates", timeout=60)
            return calls[0].at - start
        finally:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), timeout=30)
    finally:
        await api.stop()


def measure(repeats: int, starts: int, updates: int) -> dict:
    import compileall
    import statistics

    from benchmarks.workload import workload
    from bot.engine.engine import Engine
    from bot.env import BUNDLED_DB
    from bot.knowledge.store import load_path
    from tests.fake_bot_api import TOKEN

    compileall.compile_dir(ROOT / "bot", quiet=1)  # as installed (see benchmarks/bench.py)
    engine = Engine(load_path(BUNDLED_DB))
    runs: dict[str, list[dict]] = {k: [] for k in KINDS}
    for r in range(repeats):
        items = workload(engine, updates=updates, chats=50, seed=5 + r)
        order = KINDS if r % 2 == 0 else KINDS[::-1]
        for kind in order:
            runs[kind].append(asyncio.run(_cpu_run(kind, items)))
    started: dict[str, list[float]] = {k: [] for k in KINDS}
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, SDGBOT_UNANSWERED=f"{tmp}/u.jsonl")
        for r in range(starts):
            for kind in KINDS if r % 2 == 0 else KINDS[::-1]:
                started[kind].append(asyncio.run(_start(kind, env)))
    med = statistics.median
    out = {}
    for kind in KINDS:
        cpu = med(x["cpu_ms"] for x in runs[kind])
        out[kind] = {
            "cpu_ms_per_update": round(cpu, 3),
            "cpu_runs": [round(x["cpu_ms"], 3) for x in runs[kind]],
            "max_rss_mb": round(med(x["max_rss_mb"] for x in runs[kind]), 1),
            "rss_runs": [round(x["max_rss_mb"], 1) for x in runs[kind]],
            "run_start_s": round(med(started[kind]), 3),
            "start_runs": [round(x, 3) for x in started[kind]],
        }
    for kind in ("http1", "aio"):
        out[kind]["cpu_ratio"] = round(out[kind]["cpu_ms_per_update"]
                                       / out["echo"]["cpu_ms_per_update"], 2)  # fmt: skip
        out[kind]["start_ratio"] = round(out[kind]["run_start_s"]
                                         / out["echo"]["run_start_s"], 2)  # fmt: skip
    return out


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] in ("serve", "run"):
        mode, client, *rest = sys.argv[1:]
        _use(client)
        if mode == "serve":
            from benchmarks.serve import main as serve

            serve(*rest[:2])
            return 0
        from bot.cli import main as cli

        return cli(["run"])
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--repeats", type=int, default=5, help="runs of the per-update figure")
    p.add_argument("--starts", type=int, default=9, help="starts of each bot")
    p.add_argument("--updates", type=int, default=1000, help="updates a run")
    args = p.parse_args()
    print(json.dumps(measure(args.repeats, args.starts, args.updates), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
