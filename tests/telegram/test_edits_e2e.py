"""End to end, edited questions: the real Application long-polls the fake Bot API, which
keeps what each message shows and answers editMessageText as Telegram does.

An edited question edits the bot's answer to it while that answer is the bot's latest
message in the chat (topic); otherwise, or when Telegram will not edit it, or when the
new answer takes several messages, the bot answers anew as a reply to the edited
question. In groups (privacy mode on) only addressed messages count: a /q, a mention,
a reply to the bot.
"""

import pytest

from bot.engine.answer import Answer, Kind
from bot.telegram.app import build_application
from tests.conftest import fake_settings, polling
from tests.fake_bot_api import BOT, Call, FakeBotApi
from tests.telegram.test_app_e2e import new_user, settle
from tests.tg_updates import (
    FORUM,
    bot_message,
    edited,
    edited_caption,
    group_text,
    private_photo,
    private_text,
)

CHAT_METHODS = {"sendMessage", "sendPhoto", "editMessageText"}


@pytest.fixture
async def bot(api, engine, tmp_path):
    settings = fake_settings(api, tmp_path)
    async with polling(build_application(settings, engine)) as application:
        yield application


async def step(bot, api: FakeBotApi, update: dict, chat_id: int) -> list[Call]:
    """Push one update and wait until it is handled: the calls to its chat it caused."""
    before = len(api.calls)
    await api.push(update)
    await settle(api, bot)
    return [
        c
        for c in api.calls[before:]
        if c.method in CHAT_METHODS and int(c.params.get("chat_id", 0)) == chat_id
    ]


def buttons(call: Call) -> list[str]:
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b.get("callback_data") or b.get("url") for row in rows for b in row]


def replied_to(call: Call) -> int | None:
    return (call.params.get("reply_parameters") or {}).get("message_id")


# -- private chats ------------------------------------------------------------------


async def test_an_edited_question_edits_its_answer_and_replies_follow_the_new_subject(bot, api):
    user = new_user()
    chat = user["id"]
    question = private_text("職災死亡千人率多少", user=user)
    [answer] = await step(bot, api, question, chat)
    card = answer.result["message_id"]
    [edit] = await step(bot, api, edited(question, "勞保年金有多少人領"), chat)
    assert edit.method == "editMessageText" and edit.status == 200
    assert edit.params["message_id"] == card and edit.params["parse_mode"] == "HTML"
    assert "1,931,013" in api.shown(chat, card) and "0.022" not in api.shown(chat, card)
    assert buttons(edit)[0] == "c:1.3.1"  # the keyboard a fresh 1.3.1 card has
    # a reply to the edited card follows up on 1.3.1, not on 8.7.1
    on = bot_message("…", chat=question["message"]["chat"], bot=BOT, message_id=card)
    [follow] = await step(bot, api, private_text("那目標呢？", user=user, reply_to=on), chat)
    assert follow.params["text"].startswith("<b>1.3.1 ")


async def test_an_edit_below_a_later_answer_is_answered_anew_as_a_reply(bot, api):
    user = new_user()
    chat = user["id"]
    first = private_text("職災死亡千人率多少", user=user)
    [old] = await step(bot, api, first, chat)
    await step(bot, api, private_text("勞保年金有多少人領", user=user), chat)
    [new] = await step(bot, api, edited(first, "4.4.3"), chat)
    assert new.method == "sendMessage" and new.params["text"].startswith("<b>4.4.3 ")
    assert replied_to(new) == first["message"]["message_id"]  # a reply, in private too
    assert "0.022" in api.shown(chat, old.result["message_id"])  # the old card as it was
    # the question is now bound to the new answer: edited again, that one is edited
    [again] = await step(bot, api, edited(first, "8.5.2"), chat)
    assert again.method == "editMessageText"
    assert again.params["message_id"] == new.result["message_id"]


async def test_a_chart_below_the_answer_makes_the_edit_a_new_answer(bot, api):
    user = new_user()
    chat = user["id"]
    question = private_text("職災死亡千人率多少", user=user)
    await step(bot, api, question, chat)
    [photo] = await step(bot, api, private_text("/chart 8.7.1", user=user), chat)
    assert photo.method == "sendPhoto"
    [new] = await step(bot, api, edited(question, "勞保年金有多少人領"), chat)
    assert new.method == "sendMessage" and replied_to(new) == question["message"]["message_id"]


async def test_an_edit_to_the_same_answer_changes_nothing(bot, api):
    user = new_user()
    chat = user["id"]
    question = private_text("職災死亡千人率多少", user=user)
    [answer] = await step(bot, api, question, chat)
    # other words, the same card: Telegram says "message is not modified"; nothing more
    [edit] = await step(bot, api, edited(question, "職災死亡千人率是多少"), chat)
    assert edit.method == "editMessageText" and edit.status == 400
    assert api.shown(chat, answer.result["message_id"]) == answer.params["text"]
    # the same words again (an edit of the formatting only): not even an attempt
    assert await step(bot, api, edited(question, "職災死亡千人率是多少"), chat) == []


async def test_an_answer_telegram_will_not_edit_is_answered_anew(bot, api):
    user = new_user()
    chat = user["id"]
    question = private_text("職災死亡千人率多少", user=user)
    [answer] = await step(bot, api, question, chat)
    api.lock(chat, answer.result["message_id"])  # e.g. too old to edit
    edit, new = await step(bot, api, edited(question, "勞保年金有多少人領"), chat)
    assert edit.method == "editMessageText" and edit.status == 400
    assert new.method == "sendMessage" and "1,931,013" in new.params["text"]
    assert replied_to(new) == question["message"]["message_id"]
    deleted = private_text("職災死亡千人率多少", user=user)
    [answer] = await step(bot, api, deleted, chat)
    api.delete(chat, answer.result["message_id"])  # the user deleted the answer
    edit, new = await step(bot, api, edited(deleted, "4.4.3"), chat)
    assert edit.status == 400 and new.params["text"].startswith("<b>4.4.3 ")


async def test_a_new_answer_of_several_messages_is_sent_anew(bot, api, engine, monkeypatch):
    user = new_user()
    chat = user["id"]
    question = private_text("職災死亡千人率多少", user=user)
    [answer] = await step(bot, api, question, chat)
    long = Answer(kind=Kind.FACT, query="長", found=True, title="長",
                  sentences=["甲乙丙，" + "勞" * 95 for _ in range(50)])  # fmt: skip
    monkeypatch.setattr(engine, "answer", lambda q, context=None: long)
    parts = await step(bot, api, edited(question, "長"), chat)
    assert [c.method for c in parts] == ["sendMessage", "sendMessage"]
    assert replied_to(parts[0]) == question["message"]["message_id"]
    assert api.shown(chat, answer.result["message_id"]) == answer.params["text"]


async def test_an_edited_question_the_bot_does_not_remember_is_answered_as_a_reply(bot, api):
    user = new_user()
    chat = user["id"]
    question = private_text("職災死亡千人率多少", user=user)  # asked before a restart
    [new] = await step(bot, api, edited(question, "勞保年金有多少人領"), chat)
    assert new.method == "sendMessage" and replied_to(new) == question["message"]["message_id"]


async def test_an_edited_command_edits_its_answer(bot, api):
    user = new_user()
    chat = user["id"]
    command = private_text("/i 8.7.1", user=user)
    [card] = await step(bot, api, command, chat)
    [edit] = await step(bot, api, edited(command, "/i 1.3.1"), chat)
    assert edit.method == "editMessageText" and edit.params["text"].startswith("<b>1.3.1 ")
    assert edit.params["message_id"] == card.result["message_id"]


# -- groups, privacy mode on --------------------------------------------------------


def group(n: int) -> dict:
    return {"id": -100_500_000 - n, "type": "supergroup", "title": f"g{n}"}


async def test_an_edited_q_in_a_group_edits_its_answer_until_another_answer_follows(bot, api):
    chat = group(1)
    alice, bob = new_user(), new_user()
    first = group_text("/q 職災死亡千人率", chat=chat, user=alice)
    [answer] = await step(bot, api, first, chat["id"])
    [edit] = await step(bot, api, edited(first, "/q 勞保年金"), chat["id"])
    assert (
        edit.method == "editMessageText"
        and edit.params["message_id"] == answer.result["message_id"]
    )
    assert edit.params["text"].startswith("<b>1.3.1 ")
    await step(bot, api, group_text("/q 4.4.3", chat=chat, user=bob), chat["id"])
    [new] = await step(bot, api, edited(first, "/q 8.5.2"), chat["id"])
    assert new.method == "sendMessage" and replied_to(new) == first["message"]["message_id"]
    assert new.params["text"].startswith("<b>8.5.2 ")


async def test_edited_mentions_count_and_edited_chatter_is_ignored(bot, api):
    chat = group(2)
    alice = new_user()
    mention = group_text(f"@{BOT['username']} 職災死亡千人率", chat=chat, user=alice)
    [answer] = await step(bot, api, mention, chat["id"])
    [edit] = await step(bot, api, edited(mention, f"@{BOT['username']} 勞保年金"), chat["id"])
    assert edit.method == "editMessageText"
    assert edit.params["message_id"] == answer.result["message_id"]
    chatter = group_text("大家好", chat=chat, user=alice)
    assert await step(bot, api, chatter, chat["id"]) == []
    assert await step(bot, api, edited(chatter, "職災死亡千人率是多少？"), chat["id"]) == []
    # a mention taken out by the edit: the bot is no longer asked; its answer stays
    assert await step(bot, api, edited(mention, "勞保年金"), chat["id"]) == []


async def test_in_a_forum_an_answer_in_another_topic_does_not_stop_the_edit(bot, api):
    alice, bob = new_user(), new_user()
    question = group_text("/q 職災死亡千人率", chat=FORUM, user=alice, thread_id=11)
    [answer] = await step(bot, api, question, FORUM["id"])
    other = group_text("/q 4.4.3", chat=FORUM, user=bob, thread_id=12)
    [there] = await step(bot, api, other, FORUM["id"])
    assert int(there.params["message_thread_id"]) == 12
    [edit] = await step(bot, api, edited(question, "/q 勞保年金"), FORUM["id"])
    assert edit.method == "editMessageText"
    assert edit.params["message_id"] == answer.result["message_id"]


async def test_quick_edits_are_handled_in_turn_and_the_answer_says_the_last(bot, api):
    user = new_user()
    question = private_text("8.7.1", user=user)
    await api.push(question)
    for i in range(6):  # 8.7.2, 8.7.3, 8.7.1, …: each edit says something new
        await api.push(edited(question, f"8.7.{1 + (i + 1) % 3}"))
    await settle(api, bot)
    calls = [c for c in api.calls if int(c.params.get("chat_id", 0)) == user["id"]]
    [answer] = [c for c in calls if c.method == "sendMessage"]
    edits = [c for c in calls if c.method == "editMessageText"]
    assert len(edits) == 6 and all(c.status == 200 for c in edits)
    assert {c.params["message_id"] for c in edits} == {answer.result["message_id"]}
    assert api.shown(user["id"], answer.result["message_id"]).startswith("<b>8.7.1 ")


# -- photos with a caption --------------------------------------------------------------


async def test_an_edited_photo_caption_edits_its_answer(bot, api):
    user = new_user()
    chat = user["id"]
    photo = private_photo("職災死亡千人率多少", user=user)
    [answer] = await step(bot, api, photo, chat)
    card = answer.result["message_id"]
    assert answer.method == "sendMessage" and "0.022" in answer.params["text"]
    [edit] = await step(bot, api, edited_caption(photo, "勞保年金有多少人領"), chat)
    assert edit.method == "editMessageText" and edit.status == 200
    assert edit.params["message_id"] == card
    assert "1,931,013" in api.shown(chat, card) and "0.022" not in api.shown(chat, card)
    assert buttons(edit)[0] == "c:1.3.1"
    # the same caption again: nothing; below a later answer: a new answer, as a reply
    assert await step(bot, api, edited_caption(photo, "勞保年金有多少人領"), chat) == []
    await step(bot, api, private_text("4.4.3", user=user), chat)
    [new] = await step(bot, api, edited_caption(photo, "8.5.2"), chat)
    assert new.method == "sendMessage" and new.params["text"].startswith("<b>8.5.2 ")
    assert replied_to(new) == photo["message"]["message_id"]


async def test_a_caption_taken_away_or_a_live_location_moving_gets_no_reply(bot, api):
    user = new_user()
    chat = user["id"]
    photo = private_photo("職災死亡千人率多少", user=user)
    [answer] = await step(bot, api, photo, chat)
    assert await step(bot, api, edited_caption(photo, None), chat) == []
    assert "0.022" in api.shown(chat, answer.result["message_id"])  # the answer stays
    moving = edited(private_text("x", user=user), "x")
    del moving["edited_message"]["text"]
    moving["edited_message"]["location"] = {"latitude": 25.03, "longitude": 121.56}
    assert await step(bot, api, moving, chat) == []
