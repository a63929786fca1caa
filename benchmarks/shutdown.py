"""Stops under load: 600 questions queued at Telegram, `sdgbot run` stopped as docker does.

    python -m benchmarks.shutdown            # figures as JSON (about 3 minutes)

600 private questions (120 users, five indicator numbers each) wait at the fake Bot API
(with Telegram's flood limits) before the bot starts. Once the bot has sent `after`
answers it is stopped:

- docker stop: SIGTERM, and SIGKILL 10 s later if it is still running. Figures: seconds
  from SIGTERM to exit, the exit code, whether it had to be killed, answered before the
  stop, left at Telegram.
- SIGKILL at once (out of memory, a crash).

Figures for both: in flight (fetched by the bot and not yet answered at the stop: what
a bot that confirms on fetching loses to a SIGKILL). Then the bot starts again, takes
what is still queued, and is stopped with SIGTERM; every question is counted: lost
(never answered), doubled (answered twice).
"""

import argparse
import asyncio
import json
import signal
import sys
import tempfile
import time
from pathlib import Path

from tests.fake_bot_api import TELEGRAM_LIMITS, FakeBotApi
from tests.telegram.test_shutdown import answered, ended, finish, queue, start, tally

QUEUED = 600
DOCKER_GRACE = 10.0  # seconds docker waits after SIGTERM before SIGKILL


async def one_run(how: str, after: int) -> dict:
    api = await FakeBotApi(limits=TELEGRAM_LIMITS).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            asked = await queue(api, QUEUED)
            proc = await start(api, Path(tmp))
            await answered(api, asked, after)
            figures: dict = {"stop": how, "after_answers": after}
            if how == "SIGKILL":
                proc.kill()
                await ended(proc)
            else:
                proc.send_signal(signal.SIGTERM)
                began = time.monotonic()
                try:
                    await asyncio.wait_for(proc.wait(), DOCKER_GRACE)
                    figures["killed"] = False
                except TimeoutError:
                    figures["killed"] = True
                    proc.kill()
                figures["seconds_to_exit"] = round(time.monotonic() - began, 2)
                code, _ = await ended(proc)
                figures["exit_code"] = code
            before = tally(api, asked)
            fetched = {u["update_id"] for c in api.of("getUpdates") for u in c.result or []}
            figures["in_flight"] = sum(1 for uid in fetched if not before[asked[uid - 1]])
            figures["answered_before"] = sum(1 for n in before.values() if n)
            figures["left_at_telegram"] = api.pending
            await finish(api, Path(tmp))
            got = tally(api, asked)
            figures["lost"] = sum(1 for n in got.values() if n == 0)
            figures["doubled"] = sum(1 for n in got.values() if n > 1)
            figures["429"] = api.flooded
            return figures
    finally:
        await api.stop()


def run(points: tuple[int, ...] = (1, 100, 300), hows=("SIGTERM", "SIGKILL")) -> list[dict]:
    return [asyncio.run(one_run(how, after)) for how in hows for after in points]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--after", type=int, nargs="*", default=[1, 100, 300],
                   help="stop once this many were answered (one run each)")  # fmt: skip
    p.add_argument("--stop", nargs="*", choices=["SIGTERM", "SIGKILL"],
                   default=["SIGTERM", "SIGKILL"], help="how to stop (each is run)")  # fmt: skip
    args = p.parse_args()
    print(json.dumps(run(tuple(args.after), tuple(args.stop)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
