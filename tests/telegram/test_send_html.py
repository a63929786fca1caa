"""bot.telegram.delivery.Bot.send_html: the very call `Message.reply_html` makes (the same
parameters reach the Bot API in private chats, groups and forum topics, quoted or not),
answered with the message id only; faults raised as before."""

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.telegram.app import build_application
from bot.telegram.delivery import NotDelivered
from bot.telegram.pacer import Pacer
from tests.conftest import fake_settings
from tests.fake_bot_api import Reply, fail_times
from tests.tg_updates import FORUM, GROUP, message, private_text

MARKUP = InlineKeyboardMarkup([[InlineKeyboardButton("📊 8.7.1 圖表", callback_data="c:8.7.1")]])


@pytest.fixture
async def bot(api, engine, tmp_path):
    application = build_application(
        fake_settings(api, tmp_path), engine, rate_limiter=Pacer(backoff=0.01)
    )
    await application.bot.initialize()
    yield application.bot
    await application.bot.shutdown()


def _message(bot, update_or_message: dict) -> Message:
    raw = update_or_message.get("message", update_or_message)
    return Message.de_json(raw, bot)


QUESTIONS = {
    "private": lambda: private_text("職災死亡千人率多少"),
    "group": lambda: message("/q 職災", chat=GROUP),
    "topic": lambda: message("/q 職災", chat=FORUM, thread_id=77),
}


@pytest.mark.parametrize("where", sorted(QUESTIONS))
@pytest.mark.parametrize("quote", [None, True, False])
@pytest.mark.parametrize("markup", [None, MARKUP])
async def test_the_same_call_as_reply_html(api, bot, where, quote, markup):
    msg = _message(bot, QUESTIONS[where]())
    sent = await msg.reply_html("<b>職災</b> 0.022", reply_markup=markup, do_quote=quote)
    ours = await bot.send_html(msg, "<b>職災</b> 0.022", reply_markup=markup, do_quote=quote)
    theirs, mine = (c for c in api.calls if c.method == "sendMessage")
    assert mine.params == theirs.params
    assert ours == mine.result["message_id"] != sent.message_id  # the id, of the new message


async def test_its_id_is_the_message_an_edit_changes(api, bot):
    msg = _message(bot, private_text("職災死亡千人率多少"))
    sent = await bot.send_html(msg, "第一版")
    await bot.edit_message_text("第二版", chat_id=msg.chat_id, message_id=sent)
    edit = next(c for c in api.calls if c.method == "editMessageText")
    assert edit.status == 200 and edit.result["text"] == "第二版"


async def test_faults_are_raised_as_by_reply_html(api, bot):
    msg = _message(bot, private_text("職災"))
    gone = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    api.faults.append(fail_times("sendMessage", Reply(status=400, payload=gone)))
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_html(msg, "x")
    api.faults.append(fail_times("sendMessage", Reply(status=502, body=b"bad gateway"), times=9))
    with pytest.raises(NotDelivered):  # the pacer sent it again three times, then gave up
        await bot.send_html(msg, "x")
