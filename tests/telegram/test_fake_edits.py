"""The fake Bot API answers editMessageText as Telegram does, so the edit tests mean
something: the errors a bot meets when it edits its answer, and the content it keeps."""

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.telegram.app import build_application
from tests.conftest import fake_settings
from tests.tg_updates import ALICE, private_text


@pytest.fixture
async def bot(api, engine, tmp_path):
    application = build_application(fake_settings(api, tmp_path), engine)
    await application.initialize()
    yield application.bot
    await application.shutdown()


KEYS = InlineKeyboardMarkup([[InlineKeyboardButton("📊", callback_data="c:8.7.1")]])


async def test_an_edit_changes_what_the_message_shows(bot, api):
    sent = await bot.send_message(ALICE["id"], "<b>舊</b>", parse_mode="HTML", reply_markup=KEYS)
    await bot.edit_message_text("<b>新</b>", ALICE["id"], sent.message_id, parse_mode="HTML")
    assert api.shown(ALICE["id"], sent.message_id) == "<b>新</b>"


async def test_the_same_text_and_keyboard_again_is_not_modified(bot, api):
    sent = await bot.send_message(ALICE["id"], "<b>舊</b>", parse_mode="HTML", reply_markup=KEYS)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("<b>舊</b>", ALICE["id"], sent.message_id,
                                    parse_mode="HTML", reply_markup=KEYS)  # fmt: skip
    # the same text without the keyboard is a change: the keyboard goes
    await bot.edit_message_text("<b>舊</b>", ALICE["id"], sent.message_id, parse_mode="HTML")


async def test_messages_the_bot_may_not_edit(bot, api):
    update = private_text("職災")
    await api.push(update)
    users = update["message"]["message_id"]
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", ALICE["id"], users)
    old = await bot.send_message(ALICE["id"], "old")
    api.lock(ALICE["id"], old.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", ALICE["id"], old.message_id)
    gone = await bot.send_message(ALICE["id"], "gone")
    api.delete(ALICE["id"], gone.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", ALICE["id"], gone.message_id)


async def test_url_buttons_are_checked(bot):
    good = InlineKeyboardMarkup(
        [[InlineKeyboardButton("分享", url="https://t.me/share/url?url=x")]]
    )
    await bot.send_message(ALICE["id"], "ok", reply_markup=good)
    bad = InlineKeyboardMarkup([[InlineKeyboardButton("分享", url="t.me/x")]])
    with pytest.raises(BadRequest, match=r"(?i)button_url_invalid"):
        await bot.send_message(ALICE["id"], "ok", reply_markup=bad)
