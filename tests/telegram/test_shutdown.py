"""Stops, end to end: `sdgbot run` as a process against the fake Bot API (with Telegram's
flood limits), questions queued at Telegram before it starts.

- SIGTERM: the bot answers what it has fetched, confirms it, exits 0; the rest waits at
  Telegram and the next start answers it: nothing lost, nothing answered twice.
- SIGKILL: nothing is lost: what was fetched but not yet answered was never confirmed,
  so the next start fetches it again; the updates after it that were answered meanwhile
  are answered a second time (fewer than BATCH); nothing else.

Counts only; benchmarks/shutdown.py measures the same with 600 queued, and the time.
"""

import asyncio
import os
import re
import signal
import sys
from collections import Counter

import pytest

from bot.telegram.offsets import BATCH
from tests.fake_bot_api import TELEGRAM_LIMITS, TOKEN, FakeBotApi
from tests.telegram.test_app_e2e import ROOT, new_user, to
from tests.tg_updates import private_text

IDS = ["1.3.1", "4.4.3", "8.5.2", "8.7.1", "10.2.2"]
ID = re.compile(r"<b>(\d+\.\w+\.\d+) ")
QUEUED = 200


@pytest.fixture
async def limited():
    server = await FakeBotApi(limits=TELEGRAM_LIMITS).start()
    yield server
    await server.stop()


async def queue(api: FakeBotApi, count: int = QUEUED) -> list[tuple[int, str]]:
    """`count` questions from count / 5 users, each asking the five IDS once."""
    asked = []
    users = [new_user() for _ in range(count // len(IDS))]
    for ident in IDS:
        for user in users:
            await api.push(private_text(ident, user=user))
            asked.append((user["id"], ident))
    return asked


def tally(api: FakeBotApi, asked: list[tuple[int, str]]) -> Counter:
    """How often each question was answered."""
    chats = {chat for chat, _ in asked}
    got = Counter({q: 0 for q in asked})
    for c in api.calls:
        if c.method == "sendMessage" and c.status == 200 and int(c.params["chat_id"]) in chats:
            got[int(c.params["chat_id"]), ID.search(c.params["text"])[1]] += 1
    return got


async def start(api: FakeBotApi, tmp_path) -> asyncio.subprocess.Process:
    """`sdgbot run` in a process of its own, talking to `api`."""
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
               SDGBOT_UNANSWERED=str(tmp_path / "u.jsonl"))  # fmt: skip
    env.pop("SDGBOT_DB", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def ended(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    try:
        _, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return proc.returncode, err.decode("utf-8", "replace")


async def answered(api: FakeBotApi, asked, count: int) -> None:
    chats = {chat for chat, _ in asked}

    def ours(c) -> bool:
        return c.status == 200 and int(c.params["chat_id"]) in chats

    await api.wait_for("sendMessage", count, timeout=120, where=ours)


async def finish(api: FakeBotApi, tmp_path) -> None:
    """Start the bot, let it take everything still queued (a marker asked last is
    answered), then stop it with SIGTERM, which answers its backlog."""
    proc = await start(api, tmp_path)
    marker = new_user()
    await api.push(private_text("/help", user=marker))
    await api.wait_for("sendMessage", where=to(marker["id"]), timeout=120)
    proc.send_signal(signal.SIGTERM)
    code, err = await ended(proc)
    assert code == 0, err[-2000:]


async def test_sigterm_answers_what_was_fetched_and_leaves_the_rest_at_telegram(limited, tmp_path):
    asked = await queue(limited)
    proc = await start(limited, tmp_path)
    await answered(limited, asked, 10)
    proc.send_signal(signal.SIGTERM)
    code, err = await ended(proc)
    assert code == 0, err[-2000:]
    first = tally(limited, asked)
    assert max(first.values()) == 1
    assert limited.pending > 0  # not everything was fetched: the rest waits at Telegram
    fetched = sum(first.values())
    assert fetched + limited.pending == QUEUED  # what was fetched was answered and confirmed

    await finish(limited, tmp_path)
    assert set(tally(limited, asked).values()) == {1}  # 0 lost, 0 answered twice
    assert limited.flooded == 0


async def test_sigkill_loses_nothing_and_answers_again_at_most_the_held_ones(limited, tmp_path):
    asked = await queue(limited)
    proc = await start(limited, tmp_path)
    await answered(limited, asked, 30)
    proc.kill()
    await ended(proc)
    await finish(limited, tmp_path)
    got = tally(limited, asked)
    lost = sum(1 for n in got.values() if n == 0)
    twice = sum(1 for n in got.values() if n > 1)
    assert lost == 0  # what was in flight was fetched again
    assert twice <= BATCH  # answered, but not yet confirmed when the bot was killed
    assert max(got.values()) <= 2


async def test_an_update_not_answered_when_the_stop_is_due_stays_at_telegram(api, engine,
                                                                             tmp_path):  # fmt: skip
    """The stop's time runs out while an answer waits (its chat told by a 429 to wait 30
    s): the answer is given up, and the last getUpdates confirms only what came before
    it, so Telegram keeps it and the next start answers it, once."""
    from bot.telegram.app import build_application, poller
    from bot.telegram.polling import finish
    from bot.telegram.polling import start as start_app
    from tests.conftest import fake_settings, polling
    from tests.fake_bot_api import Reply, fail_times

    wait = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 30",
            "parameters": {"retry_after": 30}}  # fmt: skip
    api.faults.append(fail_times("sendMessage", Reply(status=429, payload=wait)))
    user = new_user()
    uid = await api.push(private_text("8.7.1", user=user))
    application = build_application(fake_settings(api, tmp_path), engine)
    stop = asyncio.Event()
    assert await start_app(application, stop, retries=0, post_init=False)
    loop = poller(application, timeout=0.5)
    task = asyncio.create_task(loop.run(stop))
    await api.wait_for("sendMessage", where=to(user["id"]))  # the 429: the chat waits
    stop.set()
    await task
    await finish(application, loop, 0.5)  # the stop's time: half a second
    await application.shutdown()
    assert api.of("getUpdates")[-1].params.get("offset") == uid  # not confirmed
    assert api.pending == 1
    assert [c.status for c in api.calls if to(user["id"])(c)] == [429]  # given up

    async with polling(build_application(fake_settings(api, tmp_path), engine)):
        _, answer = await api.wait_for("sendMessage", 2, where=to(user["id"]))
    assert answer.status == 200 and "8.7.1" in answer.params["text"]
    assert api.pending == 0
