"""End to end, share links: a card, a programme or a list in a private chat has a share
button, one sent from inline mode opens in the bot, and the link they carry
(t.me/<bot>?start=8_7_1, ?start=p_3, ?start=unmet) opens it when the user presses START
(Telegram sends `/start 8_7_1`). In groups (privacy mode on) there is no share button:
anyone there can forward the answer."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from bot.telegram.app import build_application
from tests.conftest import fake_settings, polling
from tests.fake_bot_api import BOT
from tests.telegram.test_app_e2e import answers, new_user, settle
from tests.tg_updates import callback, group_text, inline, private_text


@pytest.fixture
async def bot(api, engine, tmp_path):
    settings = fake_settings(api, tmp_path)
    async with polling(build_application(settings, engine)) as application:
        yield application


def urls(params: dict) -> list[str]:
    rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["url"] for row in rows for b in row if "url" in b]


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


async def test_a_private_card_shares_a_link_that_opens_it(bot, api):
    user = new_user()
    [card] = await answers(bot, api, private_text("職災死亡千人率多少", user=user), user["id"])
    [share] = urls(card.params)
    assert share.startswith("https://t.me/share/url?")
    link = query(share)["url"]
    assert link == f"https://t.me/{BOT['username']}?start=8_7_1"
    assert query(share)["text"] == "8.7.1 職災死亡千人率"
    someone = new_user()  # who got the link: START sends /start with its payload
    start = f"/start {query(link)['start']}"
    [opened] = await answers(bot, api, private_text(start, user=someone), someone["id"])
    assert opened.params["text"] == card.params["text"]
    assert urls(opened.params) == [share]


async def test_the_full_card_a_follow_up_opens_shares_in_english(bot, api):
    user = new_user() | {"language_code": "en"}
    await answers(bot, api, private_text("8.7.1", user=user), user["id"])
    *_, brief = await answers(bot, api, private_text("what is the target?", user=user),
                              user["id"])  # fmt: skip
    rows = brief.params["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in r] for r in rows] == [
        ["Full card 8.7.1"], ["📊 8.7.1 chart"], ["Not helpful"]]  # fmt: skip
    await api.push(callback("o:i:8.7.1", on=brief.result, user=user))
    await settle(api, bot)
    *_, card = [c for c in api.of("sendMessage") if c.params["chat_id"] == user["id"]]
    [share] = urls(card.params)
    assert [b["text"] for b in card.params["reply_markup"]["inline_keyboard"][0]] == [
        "📊 8.7.1 chart",
        "Share",
    ]
    assert query(query(share)["url"])["start"] == "8_7_1"
    assert query(share)["text"].startswith("8.7.1 ") and "職災" not in query(share)["text"]


async def test_a_group_card_has_no_share_button(bot, api):
    chat = {"id": -100_600_001, "type": "supergroup", "title": "g"}
    [card] = await answers(bot, api, group_text("/q 職災死亡千人率", chat=chat), chat["id"])
    assert urls(card.params) == []
    chart, [helpful] = card.params["reply_markup"]["inline_keyboard"]
    assert chart == [{"text": "📊 8.7.1 圖表", "callback_data": "c:8.7.1"}]
    assert helpful["text"] == "沒幫助" and helpful["callback_data"].startswith("h:")


async def test_an_inline_card_carries_a_button_that_opens_it_in_the_bot(bot, api):
    await api.push(inline("職災死亡千人率"))
    [call] = await api.wait_for("answerInlineQuery")
    await settle(api, bot)
    assert call.status == 200
    results = {r["id"]: r for r in call.params["results"]}
    [[button]] = results["i:8.7.1"]["reply_markup"]["inline_keyboard"]
    assert button == {
        "text": "在機器人中查看",
        "url": f"https://t.me/{BOT['username']}?start=8_7_1",
    }
    # lists and programmes open in the bot as well; a fact has no link that opens it
    others = {i: r for i, r in results.items() if not i.startswith("i:")}
    for ident, result in others.items():
        buttons = (result.get("reply_markup") or {}).get("inline_keyboard", [])
        if ident.startswith(("l:", "p:")):
            [[button]] = buttons
            assert button["url"].startswith(f"https://t.me/{BOT['username']}?start=")
        else:
            assert buttons == []


@pytest.mark.parametrize(
    "question, named",
    [
        ("/programmes", "programmes"),
        ("勞工職業災害保險及保護法", "p_1"),
        ("未達成的指標有哪些", "unmet"),
        ("/goal 8", "goal_8"),
        ("/unit 勞發署", None),  # the unit's name in base64url
    ],
)
async def test_a_programme_or_a_list_shares_a_link_that_opens_it(bot, api, question, named):
    user = new_user()
    [shown] = await answers(bot, api, private_text(question, user=user), user["id"])
    [share] = urls(shown.params)
    link = query(share)["url"]
    start = query(link)["start"]
    assert named is None or start == named
    assert link.startswith(f"https://t.me/{BOT['username']}?start=") and len(start) <= 64
    assert query(share)["text"]  # what it is: the programme's name, the list's title
    someone = new_user()
    [opened] = await answers(bot, api, private_text(f"/start {start}", user=someone), someone["id"])
    if named != "p_1":
        assert opened.params["text"] == shown.params["text"]
    else:  # the programme itself, without the clause that answered the question first
        assert opened.params["text"].startswith("<b>推動亮點：「勞工職業災害保險及保護法」施行")
    assert urls(opened.params) == [share]


async def test_a_group_list_or_programme_has_no_share_button(bot, api):
    chat = {"id": -100_600_002, "type": "supergroup", "title": "g"}
    for question in ("/unmet", "/q 勞工職業災害保險及保護法"):
        before = len(api.of("sendMessage"))
        await answers(bot, api, group_text(question, chat=chat), chat["id"])
        sent = [c for c in api.of("sendMessage")[before:] if c.params["chat_id"] == chat["id"]]
        assert sent and all(urls(c.params) == [] for c in sent)


async def test_a_start_payload_that_names_nothing_gets_the_welcome(bot, api):
    user = new_user()
    [hello] = await answers(bot, api, private_text("/start unit_!!", user=user), user["id"])
    assert "/help" in hello.params["text"]
