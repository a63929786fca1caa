"""End to end, the user's language: the real Application long-polls the fake Bot API.

An `en` client gets English, a zh-Hans client Simplified (the report's own words as
printed), everyone else zh-TW; `/lang` switches and the choice holds.
"""

import itertools

import pytest

from bot.i18n import translator
from bot.render.commands import COMMANDS
from bot.telegram.app import build_application
from tests.conftest import fake_settings, polling
from tests.fake_bot_api import BOT
from tests.telegram.test_app_e2e import answers, settle, to
from tests.tg_updates import callback, group_text, private_text

_users = itertools.count(7000)


def user(language_code: str | None) -> dict:
    uid = next(_users)
    found = {"id": uid, "is_bot": False, "first_name": f"U{uid}"}
    return found | ({"language_code": language_code} if language_code else {})


@pytest.fixture
async def bot(api, engine, tmp_path):
    settings = fake_settings(api, tmp_path)
    async with polling(build_application(settings, engine), post_init=True) as application:
        yield application


async def say(bot, api, who: dict, text: str):
    """The one answer to a private message."""
    before = len([c for c in api.calls if to(who["id"])(c)])
    *_, msg = await answers(bot, api, private_text(text, user=who), who["id"])
    assert len([c for c in api.calls if to(who["id"])(c)]) == before + 1
    return msg


def buttons(msg) -> list[str]:
    rows = msg.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["text"] for row in rows for b in row]


async def test_an_english_client_gets_english(bot, api):
    en = user("en-US")
    start = await say(bot, api, en, "/start")
    assert "I answer only from" in start.params["text"] and "直接輸入" not in start.params["text"]
    assert buttons(start)[0] == "occupational fatality rate"  # sample questions, to press
    help_ = await say(bot, api, en, "/help")
    assert "How to use it" in help_.params["text"] and "/lang" in help_.params["text"]
    card = await say(bot, api, en, "職災死亡千人率多少")
    text = card.params["text"]
    lead = "<b>8.7.1 Occupational fatality rate per 1,000 workers</b>: missed the 2024 target"
    assert lead in text
    assert "Responsible unit: 職業安全衛生署 (lower is better)" in text  # the unit as printed
    assert "Name in the report: 職災死亡千人率" in text and "<b>0.022</b>" in text
    assert "<i>Source: " in text and "負責單位" not in text and "資料來源" not in text
    assert buttons(card) == ["📊 8.7.1 chart", "Share", "Not helpful"]
    none = await say(bot, api, en, "最低工資多少")
    assert "The report does not cover “最低工資”." in none.params["text"]
    assert buttons(none)[1] == "How many people receive Labor Insurance…"


async def test_the_english_menu_says_what_the_english_replies_say(bot, api):
    _, menu = await api.wait_for("setMyCommands", 2)
    assert menu.params["language_code"] == "en"
    en = user("en")
    help_ = (await say(bot, api, en, "/help")).params["text"]
    english = translator("en")
    for command in menu.params["commands"]:
        assert f"/{command['command']} — {command['description']}" in help_
    assert [c["command"] for c in menu.params["commands"]] == [c.name for c in COMMANDS]
    assert menu.params["commands"][-1]["description"] == english(COMMANDS[-1].text)


async def test_a_simplified_client_gets_simplified_words_and_the_reports_own_text(bot, api):
    hans = user("zh-hans")
    start = await say(bot, api, hans, "/start")
    assert "直接输入问题即可" in start.params["text"]
    card = (await say(bot, api, hans, "职灾死亡千人率多少")).params["text"]
    assert "未达成 2024 年目标" in card and "负责单位：職業安全衛生署（数值越低越好）" in card
    assert "<b>8.7.1 職災死亡千人率</b>" in card  # the report's name, as printed
    none = (await say(bot, api, hans, "最低工资多少")).params["text"]
    assert "这份报告没有谈到" in none


async def test_the_default_is_traditional_chinese(bot, api):
    for code in ("zh-hant", "zh-TW", None, "ja"):
        someone = user(code)
        help_ = (await say(bot, api, someone, "/help")).params["text"]
        assert help_.startswith("<b>使用說明</b>") and "/start — 開始：這個機器人能做什麼" in help_
    card = (await say(bot, api, user("zh-hk"), "職災死亡千人率多少")).params["text"]
    assert "未達成 2024 年目標" in card and "負責單位：職業安全衛生署（數值越低越好）" in card


async def test_in_a_group_each_asker_gets_their_own_language(bot, api):
    chat = {"id": -100555, "type": "supergroup", "title": "g"}
    question = f"/q@{BOT['username']} 職災死亡千人率多少"
    for code, words in (("en", "Responsible unit"), ("zh-tw", "負責單位")):
        update = group_text(question, chat=chat, user=user(code))
        *_, msg = await answers(bot, api, update, chat["id"])
        assert words in msg.params["text"]


async def test_lang_switches_with_a_button_and_the_choice_holds(bot, api):
    someone = user("zh-hant")
    picker = await say(bot, api, someone, "/lang")
    assert buttons(picker) == ["繁體中文", "简体中文", "English"]
    assert "介面語言：繁體中文" in picker.params["text"]
    await api.push(callback("L:en", on=picker.result, user=someone))
    await api.wait_for("answerCallbackQuery")
    await settle(api, bot)
    [edit] = [c for c in api.of("editMessageText") if to(someone["id"], "editMessageText")(c)]
    assert "I will answer in English" in edit.params["text"]
    card = (await say(bot, api, someone, "8.7.1")).params["text"]
    assert "Responsible unit" in card  # held (5 updates: the flood guard lets them through)
    back = await say(bot, api, someone, "/lang zh-TW")
    assert "之後以繁體中文回覆" in back.params["text"]
    assert "使用說明" in (await say(bot, api, someone, "/help")).params["text"]


async def test_lang_with_an_argument_and_in_a_group(bot, api):
    en = user("en")
    switched = await say(bot, api, en, "/lang 简体")
    assert "之后以简体中文回复" in switched.params["text"]
    bad = await say(bot, api, en, "/lang klingon")
    assert "用法：/lang" in bad.params["text"]  # said in the language chosen: Simplified
    assert "这个机器人" in (await say(bot, api, en, "/help")).params["text"]
