"""Faults injected by the fake Bot API, end to end: the bot retries what surely did not
arrive, never sends an answer twice, loses no update, and keeps polling.

Each test checks what the user got (exactly one answer) and that polling survived (a
later update is answered). The retry rules are bot.telegram.delivery's.
"""

import asyncio
import logging
import os
import signal
import sys
import time

import pytest

from bot.render import texts
from bot.telegram.app import build_application
from bot.telegram.http1 import Http1Request
from bot.telegram.pacer import Pacer
from tests.conftest import fake_settings, polling
from tests.fake_bot_api import TOKEN, Call, FakeBotApi, Reply, fail_times
from tests.telegram.test_app_e2e import ROOT, new_user, settle, to
from tests.telegram.test_shutdown import ended
from tests.tg_updates import private_text

QUESTION = "職災死亡千人率多少"
READ_TIMEOUT = 0.5  # seconds the bot waits for an answer to a call (PTB: 5)
LONG_POLL = 0.5  # seconds a getUpdates waits for updates (sdgbot run: 10)


def flood(seconds: int) -> Reply:
    return Reply(status=429, payload={
        "ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    })  # fmt: skip


SERVER_ERRORS = {
    500: Reply(status=500, payload={"ok": False, "error_code": 500,
                                    "description": "Internal Server Error"}),
    502: Reply(status=502, body=b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
}  # fmt: skip


@pytest.fixture
async def bot(api, engine, tmp_path):
    settings = fake_settings(api, tmp_path)
    application = build_application(
        settings,
        engine,
        rate_limiter=Pacer(backoff=0.1),  # production: 0.5 s, doubled each time
        request=Http1Request(read_timeout=READ_TIMEOUT),
    )
    async with polling(application, timeout=LONG_POLL) as running:
        yield running


def sent_to(api: FakeBotApi, user: dict) -> list[Call]:
    return [c for c in api.calls if to(user["id"])(c)]


async def ask(api: FakeBotApi, bot, *, count: int = 1, user: dict | None = None) -> list[Call]:
    """A new user asks QUESTION; wait for `count` sendMessage tries and for the bot to
    settle (which also proves that polling goes on); the user's sendMessage calls."""
    user = user or new_user()
    await api.push(private_text(QUESTION, user=user))
    await api.wait_for("sendMessage", count, where=to(user["id"]), timeout=15)
    await settle(api, bot)
    return sent_to(api, user)


class WhenPending:
    """A hook for getUpdates that waits until an update is queued, then answers `reply`
    once: the fault hits a getUpdates that would have carried the update."""

    def __init__(self, api: FakeBotApi, reply: Reply) -> None:
        self.api, self.reply, self.hit = api, reply, 0

    async def __call__(self, call: Call) -> Reply | None:
        if call.method != "getUpdates" or self.hit:
            return None
        self.hit = -1
        deadline = time.monotonic() + 5
        while not self.api.pending and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        self.hit = self.api.pending  # updates it kept from the bot
        return self.reply


async def fault_get_updates(api: FakeBotApi, bot, reply: Reply) -> None:
    """`reply` to the getUpdates that carries a question; the question is answered once."""
    hook = WhenPending(api, reply)
    api.faults.append(hook)
    await asyncio.sleep(LONG_POLL + 0.2)  # the poll under way ends; the next meets the hook
    tries = await ask(api, bot)
    assert hook.hit == 1  # the fault held back the question ...
    assert [c.status for c in tries] == [200]  # ... which was answered all the same, once


async def test_429_waits_retry_after_then_delivers_once(bot, api):
    api.faults.append(fail_times("sendMessage", flood(1)))
    tries = await ask(api, bot, count=2)
    assert [c.status for c in tries] == [429, 200]
    assert tries[0].params["text"] == tries[1].params["text"]
    assert tries[1].at - tries[0].at >= 1.0  # retry_after, honoured


@pytest.mark.parametrize("status", sorted(SERVER_ERRORS))
async def test_5xx_is_sent_again_and_delivered_once(bot, api, status):
    """A 5xx means Telegram did not carry the call out: sending again cannot duplicate."""
    api.faults.append(fail_times("sendMessage", SERVER_ERRORS[status], times=2))
    tries = await ask(api, bot, count=3)
    assert [c.status for c in tries] == [status, status, 200]
    assert len({c.params["text"] for c in tries}) == 1
    assert texts.ERROR_HTML not in [c.params["text"] for c in tries]


async def test_a_5xx_burst_past_three_resends_is_sent_again_while_fresh(bot, api, caplog):
    """Five 5xx in a row (a Bot API outage of a few seconds): the answer is sent again,
    the pauses growing (here from 0.1 s), until it is delivered, once."""
    api.faults.append(fail_times("sendMessage", SERVER_ERRORS[500], times=5))
    tries = await ask(api, bot, count=6)
    assert [c.status for c in tries] == [500] * 5 + [200]
    assert len({c.params["text"] for c in tries}) == 1
    assert "not delivered" in caplog.text
    later = await ask(api, bot)  # the next question is answered as usual
    assert [c.status for c in later] == [200]


async def test_a_timeout_is_never_sent_again(bot, api, caplog):
    """The answer arrives after the bot stopped waiting: Telegram may have sent it, so the
    bot does not send it again (nor an apology)."""
    api.faults.append(fail_times("sendMessage", Reply(delay=READ_TIMEOUT + 1.0)))
    user = new_user()
    await ask(api, bot, user=user)
    await asyncio.sleep(READ_TIMEOUT + 1.5)  # the delayed call has been recorded by now
    assert [c.status for c in sent_to(api, user)] == [200]  # one try, never repeated
    assert "TimedOut" in caplog.text
    later = await ask(api, bot)
    assert [c.status for c in later] == [200]


async def test_a_dropped_connection_during_get_updates_loses_nothing(bot, api):
    """The answer to getUpdates never arrives: the offset was not moved on, so the same
    updates come again on the next call."""
    await fault_get_updates(api, bot, Reply(drop=True))


@pytest.mark.parametrize("status", sorted(SERVER_ERRORS))
async def test_5xx_on_get_updates_loses_nothing(bot, api, status):
    await fault_get_updates(api, bot, SERVER_ERRORS[status])


async def test_malformed_json_from_get_updates_once(bot, api):
    await fault_get_updates(api, bot, Reply(status=200, body=b'{"ok": true, "result": [{'))


async def test_malformed_json_in_answer_to_send_message_once(bot, api, caplog):
    """The message was probably sent: no second try, no apology; the next one works."""
    api.faults.append(fail_times("sendMessage", Reply(status=200, body=b"<html>oops")))
    tries = await ask(api, bot)
    assert len(tries) == 1 and tries[0].params["text"] != texts.ERROR_HTML
    assert "Invalid server response" in caplog.text
    later = await ask(api, bot)
    assert [c.status for c in later] == [200]


async def test_failed_get_me_and_delete_webhook_at_start_up_are_retried(api, tmp_path):
    """`sdgbot run`: getMe meets a 429 and a dropped connection, deleteWebhook a 502 and a
    dropped connection; the bot still comes up, answers, and stops on SIGTERM."""
    api.faults += [
        fail_times("getMe", flood(1)),  # the rate limiter waits and sends again
        fail_times("getMe", Reply(drop=True)),  # bootstrap retries
        fail_times("deleteWebhook", SERVER_ERRORS[502]),  # sent again: not delivered
        fail_times("deleteWebhook", Reply(drop=True)),  # bootstrap retries
    ]
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
               SDGBOT_UNANSWERED=str(tmp_path / "u.jsonl"))  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await api.wait_for("setMyCommands", 2, timeout=60)
        user = new_user()
        await api.push(private_text(QUESTION, user=user))
        [msg] = await api.wait_for("sendMessage", where=to(user["id"]), timeout=30)
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    assert [c.status for c in api.of("getMe")] == [429, 200]  # the drop left no record
    assert [c.status for c in api.of("deleteWebhook")] == [502, 200]
    assert "0.022" in msg.params["text"]


# -- getUpdates that fails, and updates that cannot be read (issue 13) ---------------------


def refused(status: int, description: str) -> Reply:
    return Reply(status=status, payload={"ok": False, "error_code": status,
                                         "description": description})  # fmt: skip


@pytest.mark.parametrize(
    "reply",
    [refused(401, "Unauthorized"), refused(404, "Not Found"),
     refused(409, "Conflict: terminated by other getUpdates request")],
    ids=["401", "404", "409"],
)  # fmt: skip
async def test_a_refused_get_updates_is_retried_and_polling_goes_on(bot, api, reply):
    """python-telegram-bot's Updater stops for good on a 401 or 404 ("Invalid token.
    Aborting retry loop"); the poller tries again and the question is answered."""
    await fault_get_updates(api, bot, reply)


async def test_polling_that_keeps_failing_exits_1_after_the_stated_time(api, engine, tmp_path):
    """Every getUpdates is refused: the poller retries with growing pauses, then gives up
    (here after 3 s; SDGBOT_POLL_GIVE_UP, 600 s by default) with exit code 1; its
    heartbeat never recorded a successful getUpdates, so `sdgbot health` says unhealthy."""
    from bot import heartbeat
    from bot.telegram.app import poller
    from bot.telegram.polling import start

    api.faults.append(fail_times("getUpdates", refused(401, "Unauthorized"), times=10**6))
    settings = fake_settings(api, tmp_path)
    application = build_application(settings, engine)
    stop = asyncio.Event()
    assert await start(application, stop, retries=0, post_init=False)
    try:
        code = await poller(application, timeout=LONG_POLL, give_up=3.0).run(stop)
    finally:
        await application.stop()
        await application.shutdown()
    assert code == 1
    tries = api.of("getUpdates")
    assert len(tries) >= 3 and {c.status for c in tries} == {401}
    assert len(tries) < 10  # pauses between tries, not a busy loop
    later = time.time() + 200
    assert "no successful getUpdates" in heartbeat.problem(settings.heartbeat_path, 120, now=later)


POLL_WITHOUT_PERSISTENT_ID = {"poll": {
    "id": "5", "question": "q", "total_voter_count": 0, "is_closed": False,
    "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
    "options": [{"text": "a", "voter_count": 0}],
}}  # fmt: skip


async def test_an_update_the_library_cannot_read_is_skipped_once(bot, api, caplog):
    """A poll without persistent_id (what a lagging local Bot API server sends) and a
    message without a date: each skipped once, logged with its update_id and the error's
    type only, the offset moved past it; the question beside them is answered."""
    caplog.set_level(logging.DEBUG, logger="bot")
    user = new_user() | {"first_name": "Sensitive", "username": "secret_handle"}
    broken = private_text("my private words", user=user)
    del broken["message"]["date"]
    bad = [await api.push(POLL_WITHOUT_PERSISTENT_ID), await api.push(broken)]
    tries = await ask(api, bot, user=new_user())
    assert [c.status for c in tries] == [200]
    for uid in bad:
        carried = [c for c in api.of("getUpdates") if uid in {u["update_id"] for u in c.result}]
        assert len(carried) == 1  # fetched once, never again
        assert any(f"skipped update {uid}" in r.getMessage() for r in caplog.records)
    assert "TypeError" in caplog.text and "KeyError" in caplog.text
    for private in ("Sensitive", "secret_handle", "my private words", str(user["id"])):
        assert private not in caplog.text
    assert len(api.of("getUpdates")) < 20  # no busy loop


async def test_sdgbot_run_exits_1_when_get_updates_keeps_failing(api, tmp_path):
    """The process, not just the loop: with SDGBOT_POLL_GIVE_UP=2 and every getUpdates
    refused, `sdgbot run` ends with exit code 1 (for Docker or systemd to restart it),
    saying why in one line and never printing the token."""
    api.faults.append(fail_times("getUpdates", refused(401, "Unauthorized"), times=10**6))
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
               SDGBOT_UNANSWERED=str(tmp_path / "u.jsonl"), SDGBOT_POLL_GIVE_UP="2")  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    code, log = await ended(proc)
    assert code == 1, log[-2000:]
    assert "getUpdates has failed for" in log and TOKEN.split(":")[1] not in log
    assert len(api.of("getUpdates")) >= 2


def test_a_bot_api_that_cannot_be_reached_at_start_ends_run_in_a_line(monkeypatch, tmp_path,
                                                                       capsys):  # fmt: skip
    """Nothing listens at TELEGRAM_BASE_URL: getMe is tried (here once, each try resent
    three times; `sdgbot run` tries 8 times), then run ends with exit code 1 (to be
    started again) and one line naming the variable, never the token."""
    import socket

    from bot.telegram import app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_BASE_URL", f"http://127.0.0.1:{closed}/bot")
    monkeypatch.setenv("SDGBOT_UNANSWERED", str(tmp_path / "u.jsonl"))
    monkeypatch.setattr(app, "BOOTSTRAP_RETRIES", 0)
    assert app.run(ROOT / "indicators.db") == 1
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if line.startswith("sdgbot:")]
    assert said == ["sdgbot: could not start: the Bot API (TELEGRAM_BASE_URL) cannot be "
                    "reached: not sent: connection refused"]  # fmt: skip
    assert TOKEN.split(":")[1] not in err


async def test_an_answer_that_waits_long_does_not_hold_fetching_back(bot, api):
    """One chat told by a 429 to wait 10 s; meanwhile 150 questions from other users come.
    The waiting update holds the confirmed offset only until it would keep new updates
    out of a batch: then it is passed over (confirmed before its answer), and every other
    question is answered before it; it is answered too, once."""
    waiting = new_user()
    api.faults.append(fail_times("sendMessage", flood(10)))
    await api.push(private_text(QUESTION, user=waiting))
    await api.wait_for("sendMessage", where=to(waiting["id"]))  # the 429
    others = [new_user() for _ in range(150)]
    for user in others:
        await api.push(private_text("8.7.1", user=user))
    late = await api.wait_for("sendMessage", 2, where=to(waiting["id"]), timeout=30)
    first = {c.params["chat_id"]: c.at for c in api.of("sendMessage") if c.status == 200}
    assert all(first[u["id"]] < late[1].at for u in others)  # nobody waited for it
    assert [c.status for c in late] == [429, 200]
    # the waiting update was passed over; on a slow machine an update still being answered
    # can stand oldest when room is made again, and is passed over too (answered all the same)
    assert bot.bot_data["poller"].offsets.passed >= 1
    answered = [c.params["chat_id"] for c in api.of("sendMessage") if c.status == 200]
    assert sorted(answered) == sorted([waiting["id"], *(u["id"] for u in others)])  # once each
