"""Handlers, one update at a time through `app.process_update`; the bot's requests go to
the fake Bot API, which checks them as Telegram would and records them."""

import logging

import pytest

from bot.engine.answer import Answer, Kind
from bot.engine.engine import SAMPLES
from bot.render import html as ui
from bot.render import texts
from bot.telegram.app import build_application
from tests.conftest import fake_settings, feed, records_of, state_dump
from tests.fake_bot_api import BOT, TOKEN, Call
from tests.tg_updates import (
    ALICE,
    BOB,
    FORUM,
    GROUP,
    bot_message,
    callback,
    group_text,
    inline,
    private_text,
)


@pytest.fixture
async def app(api, engine, tmp_path):
    settings = fake_settings(api, tmp_path)
    application = build_application(settings, engine)
    await application.initialize()
    yield application
    await application.shutdown()


def sent(calls: list[Call], method: str = "sendMessage") -> list[Call]:
    return [c for c in calls if c.method == method]


async def test_private_question_gets_one_html_answer(app, api):
    calls = await feed(app, api, private_text("職災死亡千人率多少"))
    [msg] = calls
    assert msg.method == "sendMessage" and msg.params["chat_id"] == ALICE["id"]
    assert msg.params["parse_mode"] == "HTML"
    assert "<b>0.022</b>" in msg.params["text"] and "reply_parameters" not in msg.params
    assert msg.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "c:8.7.1"


@pytest.mark.parametrize(
    ("command", "expect"),
    [
        ("/start", "問答機器人"),
        ("/help", "/unmet"),
        ("/list", "指標（20 項）"),
        ("/goal 8", "核心目標 8"),
        ("/unmet", "8.7.1"),
        ("/unit 職業安全衛生署", "8.7.2"),
        ("/unit 勞發署", "勞動力發展署負責"),
        ("/programmes", "推動亮點（8 項）"),
        ("/i 8.7.1", "<b>0.022</b>"),
        ("/i 1.A.2", "指標 1.a.2"),
        ("/about", "洪申翰"),
        ("/q 勞保年金有多少人領", "1.3.1"),
        ("/goal", "用法：/goal"),
        ("/goal 99", "用法：/goal"),
        ("/unit 不存在的單位", "用法：/unit"),
        ("/i 9.9.9", "用法：/i"),
        ("/chart", "用法：/chart"),
        ("/chart 9.9.9", "用法：/chart"),
        ("/q", "用法：/q"),
        ("/nosuch", "沒有 /nosuch 這個指令"),
    ],
)
async def test_each_command(app, api, command, expect):
    [msg] = sent(await feed(app, api, private_text(command)))
    assert expect in msg.params["text"]


async def test_start_offers_three_sample_questions_as_buttons(app, api):
    [msg] = await feed(app, api, private_text("/start"))
    rows = msg.params["reply_markup"]["inline_keyboard"]
    assert [r[0]["text"] for r in rows] == SAMPLES[:3]
    [answer] = sent(await feed(app, api, callback("s:1", on=msg.result)))
    assert "1.3.1" in answer.params["text"]


async def test_chart_command_uploads_a_png_then_reuses_the_file_id(app, api):
    [photo] = await feed(app, api, private_text("/chart 8.7.1"))
    assert photo.method == "sendPhoto"
    filename, data = photo.files["photo"]
    assert filename == "8.7.1.png" and data.startswith(b"\x89PNG")
    assert "指標 8.7.1" in photo.params["caption"]
    [again] = await feed(app, api, private_text("/chart 8.7.1"))
    assert not again.files and again.params["photo"] == photo.result["photo"][-1]["file_id"]


async def test_group_command_with_bot_suffix(app, api):
    update = group_text(f"/i@{BOT['username']} 8.7.1")
    [msg] = await feed(app, api, update)
    assert msg.params["chat_id"] == GROUP["id"] and "<b>0.022</b>" in msg.params["text"]
    assert msg.params["reply_parameters"]["message_id"] == update["message"]["message_id"]


async def test_group_commands_for_other_bots_and_chatter_are_ignored(app, api):
    assert await feed(app, api, group_text("/i@some_other_bot 8.7.1")) == []
    assert await feed(app, api, group_text("/weather@some_other_bot")) == []
    assert await feed(app, api, group_text("/nosuch")) == []
    assert await feed(app, api, group_text("今天中午吃什麼？職災死亡千人率")) == []
    assert await feed(app, api, group_text("@someone_else 職災死亡千人率")) == []
    [usage] = await feed(app, api, group_text(f"/nosuch@{BOT['username']}"))
    assert "沒有 /nosuch" in usage.params["text"]


async def test_group_mention_is_answered_without_the_mention(app, api):
    [msg] = await feed(app, api, group_text(f"@{BOT['username']} 職災死亡千人率多少"))
    assert "<b>0.022</b>" in msg.params["text"]


async def test_reply_to_the_bot_is_a_follow_up_in_context(app, api):
    [first] = await feed(app, api, group_text("/q 職災死亡千人率多少"))
    [follow] = await feed(app, api, group_text("那 2021 年呢", reply_to=first.result, user=BOB))
    assert "8.7.1" in follow.params["text"] and "0.021" in follow.params["text"]
    other = bot_message("hi", chat=GROUP, bot={"id": 42, "is_bot": True, "first_name": "X"})
    assert await feed(app, api, group_text("那 2021 年呢", reply_to=other)) == []


async def test_forum_topics_are_answered_in_the_same_thread(app, api):
    [msg] = await feed(app, api, group_text("/q 職災死亡千人率", chat=FORUM, thread_id=77))
    assert msg.params["message_thread_id"] == "77" or msg.params["message_thread_id"] == 77
    [follow] = await feed(
        app, api, group_text("目標呢", chat=FORUM, thread_id=77, reply_to=msg.result)
    )
    assert "8.7.1" in follow.params["text"]


async def test_our_own_inline_results_are_not_questions(app, api):
    assert await feed(app, api, private_text("8.7.1 職災死亡千人率", via_bot=BOT)) == []


async def test_did_you_mean_button_edits_the_message(vague, app, api):
    [msg] = await feed(app, api, private_text(vague))
    rows = msg.params["reply_markup"]["inline_keyboard"]
    assert rows[-1][0]["text"] == ui.NONE_LABEL and len(rows) <= 4
    choice = rows[0][0]["callback_data"]
    calls = await feed(app, api, callback(choice, on=msg.result))
    assert [c.method for c in calls] == ["editMessageText", "answerCallbackQuery"]
    edit = calls[0]
    assert edit.params["message_id"] == msg.result["message_id"]
    assert choice.split(":")[1] in edit.params["text"]


async def test_none_of_these_records_the_question(vague, app, api, tmp_path):
    [msg] = await feed(app, api, private_text(vague))
    none = msg.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
    calls = await feed(app, api, callback(none, on=msg.result))
    assert [c.method for c in calls] == ["editMessageText", "answerCallbackQuery"]
    assert "已記錄" in calls[0].params["text"]
    [record] = await records_of(app)
    assert record.q == vague and record.reason == "none_of_these"
    assert record.candidates == ("8.6.1", "8.6.2", "4.4.3") and not record.subject
    stale = callback("n:000000000000", on=msg.result)  # a key from before a restart
    [again] = await feed(app, api, stale)
    assert again.method == "answerCallbackQuery" and again.params["text"] == texts.EXPIRED_TEXT


async def test_not_found_is_recorded_without_user_data(app, api, tmp_path):
    [msg] = await feed(app, api, private_text("<b>&天氣如何"))
    assert "&lt;b&gt;&amp;天氣如何" in msg.params["text"]
    [record] = await records_of(app)
    assert record.q == "<b>&天氣如何" and record.reason == "not_found"
    held = await state_dump(app)
    assert str(ALICE["id"]) not in held and ALICE["first_name"] not in held


@pytest.mark.parametrize("data", ["c:8.7.1", "o:p:3", "zz", "i:9.9.9", "s:9", "l:nope"])
async def test_every_button_press_is_answered(app, api, data):
    on = bot_message("x", chat={"id": ALICE["id"], "type": "private"}, bot=BOT)
    calls = await feed(app, api, callback(data, on=on))
    assert [c.method for c in calls].count("answerCallbackQuery") == 1
    assert calls[-1].method == "answerCallbackQuery"
    if data == "c:8.7.1":
        assert sent(calls, "sendPhoto")
    elif data == "o:p:3":
        assert "推動亮點" in sent(calls)[0].params["text"]
    else:
        assert calls[-1].params["text"] == texts.EXPIRED_TEXT


async def test_inline_query_returns_articles_in_the_users_language(app, api):
    [call] = await feed(app, api, inline("職災"))
    assert call.method == "answerInlineQuery"
    results = call.params["results"]
    # the articles are in the asker's language, so Telegram must not hand them to others
    assert 1 <= len(results) <= 10 and call.params["is_personal"] in (True, "true", "True")
    assert any(r["id"] == "i:8.7.1" for r in results)
    card = next(r for r in results if r["id"] == "i:8.7.1")
    assert "○ 未達成" in card["description"] and "0.022" in card["description"]
    assert card["input_message_content"]["parse_mode"] == "HTML"
    assert 0 < int(call.params["cache_time"]) <= 300


async def test_empty_inline_query_shows_unmet_and_most_asked(app, api):
    await feed(app, api, private_text("/i 4.4.3"))
    [call] = await feed(app, api, inline(""))
    ids = [r["id"] for r in call.params["results"]]
    assert ids[0] == "l:unmet" and ids[1] == "i:4.4.3" and len(ids) == 10


async def test_a_5000_character_answer_is_sent_in_two_messages(app, api, engine, monkeypatch):
    sentences = ["說明 & <數字>，" + "勞" * 90 for _ in range(55)]
    long = Answer(kind=Kind.FACT, query="長", found=True, title="長", sentences=sentences)
    monkeypatch.setattr(engine, "answer", lambda q, context=None: long)
    calls = await feed(app, api, private_text("長"))
    assert [c.method for c in calls] == ["sendMessage", "sendMessage"]
    assert sum(len(c.result["text"]) for c in calls) > 5000


async def test_errors_are_logged_without_the_token_and_the_user_is_told(
    app, api, engine, monkeypatch, caplog
):
    def boom(question, context=None):
        raise RuntimeError(f"engine failed near /bot{TOKEN}/")

    monkeypatch.setattr(engine, "answer", boom)
    caplog.set_level(logging.ERROR)
    [msg] = await feed(app, api, private_text("職災"))
    assert msg.params["text"] == texts.ERROR_HTML
    assert "RuntimeError" in caplog.text
    # the redaction filter lives on the root handlers (bot.telegram.app.configure_logging);
    # here we only check that the handler itself adds nothing token-bearing
    assert caplog.records[-1].getMessage().startswith("error while handling update")


def _private_non_text(**fields) -> dict:
    update = private_text("x")
    del update["message"]["text"]
    update["message"].update(fields)
    return update


@pytest.mark.parametrize(
    "fields",
    [
        {"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 512,
                     "height": 512, "is_animated": False, "is_video": False}},
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
        {"location": {"latitude": 25.03, "longitude": 121.56}},
    ],
)  # fmt: skip
async def test_a_private_message_without_text_gets_a_short_line_saying_so(app, api, fields):
    [msg] = await feed(app, api, _private_non_text(**fields))
    assert msg.method == "sendMessage" and "文字" in msg.params["text"]
    assert msg.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "s:0"


async def test_a_photo_caption_is_answered_as_the_question(app, api):
    photo = [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]
    [msg] = await feed(app, api, _private_non_text(photo=photo, caption="職災死亡千人率多少"))
    assert "<b>0.022</b>" in msg.params["text"]


@pytest.mark.parametrize("text", ["你好", "謝謝！", "thanks", "Hi"])
async def test_greetings_and_thanks_get_a_friendly_line_not_a_refusal(app, api, text):
    [msg] = await feed(app, api, private_text(text))
    assert "沒有談到" not in msg.params["text"]
    assert any(w in msg.params["text"] for w in ("你好", "不客氣"))


async def test_added_to_a_group_the_bot_says_how_to_ask_there(app, api):
    update = group_text("x")
    del update["message"]["text"]
    update["message"]["new_chat_members"] = [BOT]
    [msg] = await feed(app, api, update)
    assert msg.params["chat_id"] == GROUP["id"] and "/q" in msg.params["text"]


async def test_someone_else_joining_a_group_gets_no_reply(app, api):
    update = group_text("x")
    del update["message"]["text"]
    update["message"]["new_chat_members"] = [BOB]
    assert await feed(app, api, update) == []


async def test_an_edited_question_is_answered_again(app, api):
    update = private_text("職災死亡千人率多少")
    update["edited_message"] = update.pop("message")
    update["edited_message"]["text"] = "勞保年金有多少人領"
    update["edited_message"]["edit_date"] = update["edited_message"]["date"] + 5
    [msg] = await feed(app, api, update)
    assert "1,931,013" in msg.params["text"]


@pytest.mark.parametrize(("arg", "expect"), [("職災死亡千人率", "8.7.1"), ("勞保年金", "1.3.1")])
async def test_the_card_command_takes_a_name_too(app, api, arg, expect):
    [msg] = await feed(app, api, private_text(f"/i {arg}"))
    assert msg.params["text"].startswith(f"<b>{expect} ")


async def test_the_card_command_with_a_name_it_cannot_place_shows_its_usage(app, api):
    [msg] = await feed(app, api, private_text("/i 天氣"))
    assert "/i" in msg.params["text"] and "8.7.1" in msg.params["text"]


async def test_a_start_deep_link_opens_the_card(app, api):
    [msg] = await feed(app, api, private_text("/start 8_7_1"))
    assert msg.params["text"].startswith("<b>8.7.1 ")
    [msg] = await feed(app, api, private_text("/start nonsense"))
    assert "問答機器人" in msg.params["text"]  # an unknown payload: the usual welcome


async def test_an_inline_query_with_no_match_offers_to_ask_in_private(app, api):
    [call] = await feed(app, api, inline("今天天氣如何"))
    assert call.params["results"] == []
    button = call.params["button"]
    assert button["start_parameter"] == "inline" and "私訊" in button["text"]


async def test_a_reply_follows_up_on_the_answer_it_replies_to_not_the_latest_one(app, api):
    [first] = await feed(app, api, group_text("/q 職災死亡千人率", user=ALICE))
    [second] = await feed(app, api, group_text("/q 勞保年金", user=BOB))
    assert "1.3.1" in second.params["text"]
    old = bot_message("…", chat=GROUP, bot=BOT, message_id=first.result["message_id"])
    [reply] = await feed(app, api, group_text("那目標呢？", user=BOB, reply_to=old))
    assert (
        reply.params["text"].startswith("<b>8.7.1 ") and "0.019 or below" in reply.params["text"]
    )  # Bob reads English


async def test_in_a_group_each_asker_follows_up_on_their_own_subject(app, api):
    await feed(app, api, group_text("/q 職災死亡千人率", user=ALICE))
    await feed(app, api, group_text("/q 勞保年金", user=BOB))
    [alice] = await feed(app, api, group_text("/q 誰負責", user=ALICE))
    assert alice.params["text"].startswith("<b>8.7.1 ")


async def test_a_follow_up_answers_in_one_line_with_the_full_card_a_tap_away(app, api):
    await feed(app, api, private_text("職災死亡千人率"))
    [msg] = await feed(app, api, private_text("那目標呢？"))
    text = msg.params["text"]
    assert text.startswith("<b>8.7.1 ") and "0.019 以下" in text.splitlines()[0]
    assert len(text.splitlines()) <= 2  # the line and the edition stamp
    buttons = [b for row in msg.params["reply_markup"]["inline_keyboard"] for b in row]
    full = next(b for b in buttons if b["callback_data"] == "o:i:8.7.1")
    on = bot_message(text, chat={"id": ALICE["id"], "type": "private"}, bot=BOT)
    [card] = [c for c in await feed(app, api, callback(full["callback_data"], on=on))
              if c.method == "sendMessage"]  # fmt: skip
    assert "2021 年實際值（基準）" in card.params["text"]
