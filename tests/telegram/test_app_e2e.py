"""End to end: the real Application long-polls the fake Bot API on 127.0.0.1 over HTTP.

Updates are injected into the fake server's getUpdates queue; each test waits for
the bot's requests and checks there is exactly one answer per update. `settle` waits
until every update pushed so far has been handled.
"""

import asyncio
import csv
import io
import itertools
import os
import signal
import socket
import sys
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.engine.answer import Answer, Kind
from bot.render.commands import COMMANDS
from bot.telegram.app import build_application
from tests.conftest import fake_settings, polling
from tests.fake_bot_api import BOT, TOKEN, Call, FakeBotApi, Reply, fail_times
from tests.tg_updates import GROUP, callback, group_text, inline, private_text

ROOT = Path(__file__).resolve().parents[2]
_users = itertools.count(5000)


def new_user() -> dict:
    uid = next(_users)
    return {"id": uid, "is_bot": False, "first_name": f"U{uid}", "language_code": "zh-hant"}


@pytest.fixture
async def bot(api, engine, tmp_path):
    """The application as run_polling runs it: initialize, post_init, polling, start."""
    settings = fake_settings(api, tmp_path)
    async with polling(build_application(settings, engine), post_init=True) as application:
        yield application


def to(chat_id: int, method: str = "sendMessage"):
    return lambda c: c.method == method and int(c.params.get("chat_id", 0)) == chat_id


async def settle(api: FakeBotApi, application: Application | None = None) -> None:
    """Wait until every update pushed so far has been handled: a marker pushed last is
    answered, so all were fetched; chats are handled concurrently, so then wait until
    the application's update queue is done with each of them."""
    marker = new_user()
    await api.push(private_text("/help", user=marker))
    await api.wait_for("sendMessage", where=to(marker["id"]), timeout=30)
    if application is not None:
        await asyncio.wait_for(application.update_queue.join(), timeout=30)


async def answers(bot: Application, api: FakeBotApi, update: dict, chat_id: int,
                  method="sendMessage") -> list[Call]:  # fmt: skip
    await api.push(update)
    await api.wait_for(method, where=to(chat_id, method))
    await settle(api, bot)
    failed = [(c.method, c.result) for c in api.calls if c.status != 200]
    assert not failed
    return [c for c in api.calls if to(chat_id, method)(c)]


async def test_commands_are_registered_at_start(bot, api):
    zh, en = await api.wait_for("setMyCommands", 2)  # beside polling, not before it
    assert [c["command"] for c in zh.params["commands"]] == [c.name for c in COMMANDS]
    assert "language_code" not in zh.params and en.params["language_code"] == "en"
    assert en.params["commands"][0]["description"] == "What this bot does"
    assert api.of("getMe") and api.of("deleteWebhook")


async def test_private_question(bot, api):
    user = new_user()
    [msg] = await answers(bot, api, private_text("職災死亡千人率多少", user=user), user["id"])
    assert "<b>0.022</b>" in msg.params["text"] and msg.params["parse_mode"] == "HTML"


async def test_each_command_gets_exactly_one_answer(bot, api):
    users = {}
    for name in (c.name for c in COMMANDS):
        users[name] = new_user()
        arg = {"goal": " 8", "unit": " 勞動保險司", "i": " 1.3.1", "chart": " 1.3.1", "q": " 部長"}
        await api.push(private_text(f"/{name}{arg.get(name, '')}", user=users[name]))
    await settle(api, bot)
    sent = {"chart": ["sendPhoto"], "table": ["sendMessage", "sendDocument"]}
    for name, user in users.items():
        replies = [c for c in api.calls if int(c.params.get("chat_id", 0)) == user["id"]]
        assert [c.method for c in replies] == sent.get(name, ["sendMessage"]), name
        assert all(c.status == 200 for c in replies), (name, replies[0].result)
        assert "用法" not in replies[0].params.get("text", ""), name


async def test_group_command_with_bot_suffix(bot, api):
    [msg] = await answers(
        bot, api, group_text(f"/q@{BOT['username']} 勞保年金有多少人領"), GROUP["id"]
    )
    assert "1.3.1" in msg.params["text"] and "reply_parameters" in msg.params


async def test_reply_to_the_bot_in_a_group_follows_up(bot, api):
    chat = {"id": -100777, "type": "supergroup", "title": "g"}
    [first] = await answers(bot, api, group_text("/i 8.7.1", chat=chat), chat["id"])
    await api.push(group_text("2021 年呢？", chat=chat, reply_to=first.result))
    await settle(api, bot)
    replies = [c for c in api.calls if to(chat["id"])(c)]
    assert len(replies) == 2 and "<b>0.021</b>" in replies[1].params["text"]


async def test_unrelated_group_chatter_is_ignored(bot, api):
    chat = {"id": -100778, "type": "group", "title": "g"}
    for text in ("大家好", "職災死亡千人率是多少？", "/weather@other_bot", "@someone hi"):
        await api.push(group_text(text, chat=chat))
    await settle(api, bot)
    assert not [c for c in api.calls if int(c.params.get("chat_id", 0)) == chat["id"]]


async def test_inline_query(bot, api):
    update = inline("職災")
    await api.push(update)
    [call] = await api.wait_for("answerInlineQuery")
    await settle(api, bot)
    assert len(api.of("answerInlineQuery")) == 1
    assert call.params["inline_query_id"] == update["inline_query"]["id"]
    assert {"i:8.7.1", "i:8.7.2"} <= {r["id"] for r in call.params["results"]}


async def test_did_you_mean_button_press(vague, bot, api):
    user = new_user()
    [msg] = await answers(bot, api, private_text(vague, user=user), user["id"])
    data = msg.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    press = callback(data, on=msg.result, user=user)
    await api.push(press)
    [answered] = await api.wait_for("answerCallbackQuery")
    await settle(api, bot)
    assert answered.params["callback_query_id"] == press["callback_query"]["id"]
    [edit] = [c for c in api.of("editMessageText") if to(user["id"], "editMessageText")(c)]
    assert edit.params["message_id"] == msg.result["message_id"]
    assert data.split(":")[1] in edit.params["text"]


async def test_chart_is_a_multipart_png_upload(bot, api):
    user = new_user()
    [photo] = await answers(
        bot, api, private_text("/chart 8.5.2", user=user), user["id"], "sendPhoto"
    )
    filename, data = photo.files["photo"]
    assert filename == "8.5.2.png" and data.startswith(b"\x89PNG\r\n\x1a\n")


async def test_table_is_one_message_and_a_csv_document_matching_the_store(bot, api, knowledge):
    user = new_user()
    await api.push(private_text("/table", user=user))
    [doc] = await api.wait_for("sendDocument", where=to(user["id"], "sendDocument"))
    await settle(api, bot)
    [msg] = [c for c in api.calls if to(user["id"])(c)]
    text = msg.params["text"]
    assert msg.status == 200 and doc.status == 200 and len(msg.result["text"]) <= 4096
    for ident, ind in knowledge.indicators.items():
        assert f"<b>{ident}</b> {ind.name}" in text
        actual = [f.text for f in knowledge.figures[ident] if f.period == "actual_2024"]
        assert all(a in text for a in actual), ident
    filename, data = doc.files["document"]
    assert filename.endswith(".csv") and data.startswith("\ufeff".encode())
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == ["id", "name", "unit of measure", "responsible unit", "2021", "2024 target",
                      "2024 actual", "met", "latest figure", "latest as-of"]  # fmt: skip
    assert [r[0] for r in rows] == list(knowledge.indicators)
    for r in rows:
        ind, figs = knowledge.indicators[r[0]], knowledge.figures[r[0]]
        one = len({f.component for f in figs}) == 1
        by = {f.period: f for f in figs}
        assert r[1] == ind.name and r[3] == ind.unit and r[7] == ("yes" if ind.met else "no")
        if one:  # a single part: each cell is the stored figure itself
            assert r[2] == figs[0].unit
            assert r[4:7] == [by["baseline_2021"].text, by["target_2024"].text,
                              by["actual_2024"].text]  # fmt: skip
            assert r[8:] == ([by["latest"].text, by["latest"].as_of] if "latest" in by
                             else ["", ""])  # fmt: skip
        else:  # parts named, each stored figure in its cell
            for f in figs:
                cell = r[{"baseline_2021": 4, "target_2024": 5, "actual_2024": 6,
                          "latest": 8}[f.period]]  # fmt: skip
                assert f"{f.component} {f.text}" in cell, (r[0], f)


async def test_a_5000_character_answer_is_split(bot, api, engine, monkeypatch):
    long = Answer(kind=Kind.FACT, query="長", found=True, title="長",
                  sentences=["甲乙丙 & <丁>，" + "勞" * 95 for _ in range(50)])  # fmt: skip
    monkeypatch.setattr(engine, "answer", lambda q, context=None: long)
    user = new_user()
    await api.push(private_text("長", user=user))
    await api.wait_for("sendMessage", 2, where=to(user["id"]))
    await settle(api, bot)
    parts = [c for c in api.calls if to(user["id"])(c)]
    assert len(parts) == 2 and all(len(c.params["text"]) <= 4096 for c in parts)
    assert sum(len(c.result["text"]) for c in parts) > 5000


async def test_user_text_is_escaped(bot, api):
    user = new_user()
    [msg] = await answers(bot, api, private_text("<b>& 是什麼", user=user), user["id"])
    assert "&lt;b&gt;&amp; 是什麼" in msg.params["text"] and msg.status == 200


async def test_fault_hook_a_429_is_retried_once_and_answered_once(bot, api):
    """The fault-injection hooks issue 5 builds on: one 429, then the same answer succeeds."""
    flood = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
             "parameters": {"retry_after": 1}}  # fmt: skip
    api.faults.append(fail_times("sendMessage", Reply(status=429, payload=flood)))
    user = new_user()
    await api.push(private_text("職災死亡千人率多少", user=user))
    await api.wait_for("sendMessage", 2, where=to(user["id"]), timeout=10)
    await settle(api, bot)
    tries = [c for c in api.calls if to(user["id"])(c)]
    assert [c.status for c in tries] == [429, 200]
    assert tries[0].params["text"] == tries[1].params["text"]
    assert tries[1].at - tries[0].at >= 0.9  # retry_after was honoured


async def test_sdgbot_run_as_a_process(api, tmp_path):
    """`sdgbot run`: commands at start, a question answered, no token in DEBUG logs; SIGTERM
    arrives while an answer is on its way (the fake server holds sendMessage): the answer
    is finished, the update confirmed to Telegram, and the process exits 0."""
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
               SDGBOT_LOG_LEVEL="DEBUG", SDGBOT_UNANSWERED=str(tmp_path / "u.jsonl"))  # fmt: skip
    env.pop("SDGBOT_DB", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    in_flight = asyncio.Event()

    def hold(call: Call) -> Reply | None:
        if call.method == "sendMessage" and not in_flight.is_set():
            in_flight.set()
            return Reply(delay=1.5)  # then the normal answer
        return None

    try:
        await api.wait_for("setMyCommands", 2, timeout=60)
        user = new_user()
        await api.push(private_text("勞保年金有多少人領", user=user))
        [msg] = await api.wait_for("sendMessage", where=to(user["id"]), timeout=30)
        assert "1.3.1" in msg.params["text"]
        api.faults.append(hold)
        press = callback("s:0", on=msg.result, user=user)  # answered: a message, then the button
        pressed = await api.push(press)
        await asyncio.wait_for(in_flight.wait(), timeout=30)
        proc.send_signal(signal.SIGTERM)
        term = asyncio.get_running_loop().time()
        _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0
    [_, answer] = [c for c in api.calls if to(user["id"])(c)]  # the question, the button
    [button] = api.of("answerCallbackQuery")
    assert answer.status == 200 and "0.022" in answer.params["text"]  # SAMPLES[0]
    assert button.params["callback_query_id"] == press["callback_query"]["id"]
    assert button.at > term + 1.0  # the handler went on after SIGTERM, to its end
    assert api.of("getUpdates")[-1].params["offset"] > pressed  # confirmed: not sent again
    log = err.decode("utf-8", "replace")
    assert "getUpdates" in log or "get_updates" in log  # DEBUG logging was on
    assert TOKEN not in log and TOKEN.split(":")[1] not in log


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("mode", [[], ["--webhook-url", "https://x.org/hook", "--port", "{port}"]],
                         ids=["polling", "webhook"])  # fmt: skip
async def test_a_rejected_token_exits_2_at_once_in_one_line_without_printing_it(api, tmp_path,
                                                                              mode):  # fmt: skip
    """A 401 at getMe (a revoked or mistyped token) is a bad setting: `sdgbot run` stops
    at once with exit code 2 (restarting would not help) and one line naming
    TELEGRAM_BOT_TOKEN; nothing is retried, polled or registered."""
    unauthorized = {"ok": False, "error_code": 401, "description": "Unauthorized"}
    api.faults.append(fail_times("getMe", Reply(status=401, payload=unauthorized), times=99))
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
               TELEGRAM_WEBHOOK_SECRET="s3cret", SDGBOT_LOG_LEVEL="INFO",
               SDGBOT_UNANSWERED=str(tmp_path / "u.jsonl"))  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", *[a.format(port=_free_port()) for a in mode],
        cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    log = (out + err).decode("utf-8", "replace")
    assert proc.returncode == 2, log[-2000:]
    said = [line for line in log.splitlines() if line.startswith("sdgbot:")]
    assert said == ["sdgbot: TELEGRAM_BOT_TOKEN: Telegram does not accept it (Unauthorized); "
                    "get a new one from @BotFather"]  # fmt: skip
    assert "Traceback" not in log and len(log.splitlines()) <= 2, log  # INFO: "webhook on"
    for part in (TOKEN, *TOKEN.split(":")):
        assert part not in log
    assert [c.status for c in api.of("getMe")] == [401]  # once: not retried
    assert not api.of("getUpdates") and not api.of("setWebhook") and not api.of("setMyCommands")
