"""State end to end, `sdgbot run` as processes against the fake Bot API:

- two webhook replicas sharing a redis-server: a question posted to one, the reply to
  its card posted to the other, is answered about the same indicator; a /lang choice
  made on one holds on the other;
- a restart between a card and the reply to it keeps the follow-up (the SQLite default);
- Redis stopped mid-run: the replicas answer on, say it once, and exit 0 on SIGTERM.
"""

import asyncio
import contextlib
import os
import signal
import sys

import httpx
import pytest

from tests.conftest import STATE_SECRET, redis_binary, redis_server
from tests.fake_bot_api import TOKEN, FakeBotApi
from tests.telegram.test_app_e2e import ROOT, new_user, to
from tests.telegram.test_shutdown import ended, start
from tests.telegram.test_webhook import SECRET, free_port, post
from tests.tg_updates import private_text

CARD = "職災死亡千人率多少"  # 8.7.1's card
FOLLOW_UP = "那目標呢？"  # about the card it replies to: 8.7.1's 2024 target
needs_redis = pytest.mark.skipif(
    redis_binary() is None, reason="redis-server is not installed (apt-get install redis-server)"
)


async def replica(api: FakeBotApi, tmp_path, name: str, redis_url: str | None):
    """`sdgbot run --webhook-url …` on a free port; (process, its webhook URL)."""
    port = free_port()
    env = dict(os.environ, PYTHONFAULTHANDLER="1", TELEGRAM_BOT_TOKEN=TOKEN,
               TELEGRAM_BASE_URL=api.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET,
               SDGBOT_STATE_SECRET=STATE_SECRET,
               SDGBOT_UNANSWERED=str(tmp_path / name / "u.jsonl"))  # fmt: skip
    env.pop("SDGBOT_DB", None)
    env.pop("SDGBOT_REDIS_URL", None)
    if redis_url:
        env["SDGBOT_REDIS_URL"] = redis_url
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--webhook-url", "https://bot.example.org/hook",
        "--listen", "127.0.0.1", "--port", str(port), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/hook"
    for _ in range(600):  # up once it takes requests (setWebhook comes just before)
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                await client.post(url, content=b"{}", headers={"Content-Type": "application/json"})
            return proc, url
        except httpx.TransportError:
            if proc.returncode is not None:
                break
            await asyncio.sleep(0.1)
    raise AssertionError(f"replica {name} did not start: {(await ended(proc))[1][-2000:]}")


@contextlib.asynccontextmanager
async def replicas(api, tmp_path, redis_url, count: int = 2):
    procs, urls = [], []
    try:
        for i in range(count):
            proc, url = await replica(api, tmp_path, f"r{i}", redis_url)
            procs.append(proc)
            urls.append(url)
        yield urls, procs
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)


async def stop_all(procs) -> list[tuple[int, str]]:
    """SIGTERM to each; (exit code, stderr). One that has not ended in 30 s is sent
    SIGABRT, so that its stack (PYTHONFAULTHANDLER) says where it hung."""
    for proc in procs:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
    out = []
    for proc in procs:
        try:
            _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
        except TimeoutError:
            proc.send_signal(signal.SIGABRT)
            _, err = await proc.communicate()
            raise AssertionError("a replica hung on SIGTERM:\n" + err.decode()[-4000:]) from None
        out.append((proc.returncode, err.decode("utf-8", "replace")))
    return out


async def say(api: FakeBotApi, url: str, update: dict, user: dict, seen: int) -> dict:
    """Post an update to one replica; the next answer to the user (its Call)."""
    update = update | {"update_id": 10_000 + len(api.calls) + seen}
    assert (await post(url, update)).status_code == 200
    [*_, answer] = await api.wait_for("sendMessage", seen + 1, where=to(user["id"]), timeout=30)
    return answer


def reply_to(card, text: str, user: dict) -> dict:
    return private_text(text, user=user, reply_to=card.result)


@needs_redis
async def test_a_reply_on_another_replica_follows_up_on_the_card(api, tmp_path):
    with redis_server() as (url, _):
        async with replicas(api, tmp_path, url) as ((one, two), procs):
            user = new_user()
            card = await say(api, one, private_text(CARD, user=user), user, 0)
            assert "8.7.1" in card.params["text"]
            other = await say(api, two, private_text("勞保年金有多少人領", user=user), user, 1)
            assert "8.7.1" not in other.params["text"]  # the chat's last subject moved on
            follow = await say(api, two, reply_to(card, FOLLOW_UP, user), user, 2)
            assert "8.7.1" in follow.params["text"] and "0.019" in follow.params["text"]
            await say(api, one, private_text("/lang en", user=user), user, 3)
            english = await say(api, two, private_text("8.7.1", user=user), user, 4)
            assert "Occupational fatality rate" in english.params["text"]
            results = await stop_all(procs)
    for code, log in results:
        assert code == 0, log[-2000:]
        assert "cannot be reached" not in log and "Traceback" not in log


async def test_a_restart_between_a_card_and_its_reply_keeps_the_follow_up(tmp_path, state_backend):
    """`sdgbot run` (long polling), the SQLite default (or the suite's Redis), stopped by
    SIGTERM after the card, started again before the reply."""
    api = await FakeBotApi().start()
    try:
        user = new_user()
        proc = await start(api, tmp_path)
        await api.push(private_text(CARD, user=user))
        [card] = await api.wait_for("sendMessage", where=to(user["id"]), timeout=60)
        proc.send_signal(signal.SIGTERM)
        code, log = await ended(proc)
        assert code == 0, log[-2000:]
        if state_backend == "sqlite":
            assert (tmp_path / "state.db").is_file()  # beside SDGBOT_UNANSWERED
        proc = await start(api, tmp_path)
        await api.push(private_text(FOLLOW_UP, user=user, reply_to=card.result))
        [*_, follow] = await api.wait_for("sendMessage", 2, where=to(user["id"]), timeout=60)
        proc.send_signal(signal.SIGTERM)
        code, log = await ended(proc)
    finally:
        await api.stop()
    assert code == 0, log[-2000:]
    assert "8.7.1" in follow.params["text"] and "0.019" in follow.params["text"]


@needs_redis
async def test_redis_stopped_mid_run_answers_go_on(api, tmp_path):
    with redis_server() as (url, server):
        async with replicas(api, tmp_path, url) as ((one, two), procs):
            user = new_user()
            card = await say(api, one, private_text(CARD, user=user), user, 0)
            server.terminate()
            server.wait(timeout=10)
            seen = 1
            for i in range(6):  # every question answered, on either replica
                await say(api, (one, two)[i % 2], private_text("4.4.3", user=user), user, seen)
                seen += 1
            follow = await say(api, one, reply_to(card, FOLLOW_UP, user), user, seen)
            assert "8.7.1" in follow.params["text"]  # the replica that sent the card knows
            results = await stop_all(procs)
    for code, log in results:
        assert code == 0, log[-2000:]
        assert "Traceback" not in log
        assert log.count("cannot be reached") == 1, log[-2000:]  # said once, not per update


async def test_redis_unreachable_at_start_the_bot_starts_and_answers(api, tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{s.getsockname()[1]}/0"
    async with replicas(api, tmp_path, dead, count=1) as ((one,), procs):
        user = new_user()
        card = await say(api, one, private_text(CARD, user=user), user, 0)
        follow = await say(api, one, reply_to(card, FOLLOW_UP, user), user, 1)
        assert "8.7.1" in follow.params["text"]  # degraded to this process's memory
        [(code, log)] = await stop_all(procs)
    assert code == 0 and "Traceback" not in log
    assert log.count("cannot be reached") == 1 and "follow-ups" in log
