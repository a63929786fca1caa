"""Chats that cannot be answered, end to end through the fake Bot API: a blocked bot, a
deleted chat or a deactivated user gets no second message (no apology) and costs one
log line, not an ERROR traceback; a group that became a supergroup is answered at its
new id (Telegram's migrate_to_chat_id)."""

import logging

import pytest

from bot.render import texts
from bot.telegram.app import build_application
from tests.conftest import fake_settings, polling
from tests.fake_bot_api import Call, FakeBotApi, Reply
from tests.telegram.test_app_e2e import new_user, settle, to
from tests.tg_updates import group_text, private_text

GONE = {
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "deactivated": (403, "Forbidden: user is deactivated"),
    "deleted": (400, "Bad Request: chat not found"),
    "kicked": (403, "Forbidden: bot was kicked from the group chat"),
    "muted": (400, "Bad Request: not enough rights to send text messages to the chat"),
}


@pytest.fixture
async def bot(api, engine, tmp_path):
    async with polling(build_application(fake_settings(api, tmp_path), engine)) as application:
        yield application


def refuse(chat_id: int, status: int, description: str, **parameters):
    """A fault hook: every call to this chat fails as Telegram fails it."""
    payload = {"ok": False, "error_code": status, "description": description}
    if parameters:
        payload["parameters"] = parameters

    def hook(call: Call) -> Reply | None:
        if int(call.params.get("chat_id", 0) or 0) == chat_id:
            return Reply(status=status, payload=payload)
        return None

    return hook


@pytest.mark.parametrize("case", list(GONE))
async def test_a_dead_chat_gets_no_second_message_and_one_log_line(bot, api: FakeBotApi,
                                                                   case, caplog):  # fmt: skip
    status, description = GONE[case]
    user = new_user()
    api.faults.append(refuse(user["id"], status, description))
    caplog.set_level(logging.INFO)
    await api.push(private_text("職災死亡千人率多少", user=user))
    await api.wait_for("sendMessage", where=to(user["id"]))
    await settle(api, bot)
    tries = [c for c in api.calls if to(user["id"])(c)]
    assert len(tries) == 1 and tries[0].status == status  # the answer; no apology after it
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    [line] = [r for r in caplog.records if "the chat is gone" in r.getMessage()]
    assert line.levelno == logging.WARNING and not line.exc_info
    assert description.split(": ", 1)[1].lower() in line.getMessage().lower()
    other = new_user()  # the bot goes on
    await api.push(private_text("8.7.1", user=other))
    [answer] = await api.wait_for("sendMessage", where=to(other["id"]))
    assert answer.status == 200


@pytest.mark.parametrize("question", ["/q 職災死亡千人率多少", "/unmet"])
async def test_a_migrated_group_is_answered_at_its_new_id(bot, api: FakeBotApi, question,
                                                          caplog):  # fmt: skip
    old = {"id": -4000123, "type": "group", "title": "Old group"}
    new_id = -1004000123456
    api.faults.append(refuse(old["id"], 400, "Bad Request: group chat was upgraded to a "
                             "supergroup chat", migrate_to_chat_id=new_id))  # fmt: skip
    await api.push(group_text(question, chat=old, user=new_user()))
    [answer] = await api.wait_for("sendMessage", where=to(new_id))
    await settle(api, bot)
    assert answer.status == 200 and answer.params["text"] != texts.ERROR_HTML
    assert (
        "0.022" in answer.params["text"]
        if question.startswith("/q")
        else "未達成" in (answer.params["text"])
    )
    assert len([c for c in api.calls if to(new_id)(c)]) == 1  # answered once, no apology
    assert len([c for c in api.calls if to(old["id"])(c)]) == 1  # tried once at the old id
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_an_answer_not_delivered_costs_one_line_not_a_traceback(caplog):
    """What the stop's drain gives up on (or an outage outlasting an answer's freshness)
    reaches the error handler as NotDelivered: one WARNING line naming the update, no
    traceback, no apology attempted."""
    from types import SimpleNamespace

    from bot.telegram.delivery import NotDelivered
    from bot.telegram.handlers import on_error

    caplog.set_level(logging.INFO)
    await on_error(None, SimpleNamespace(error=NotDelivered("stopping")))
    [line] = caplog.records
    assert line.levelno == logging.WARNING and not line.exc_info
    assert "not delivered" in line.getMessage() and "stopping" in line.getMessage()
