"""Answer → Telegram HTML: escaped, bold figures, cited, stamped, split, short callback data."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.answer import EDITION, Answer, Context, Kind, Match
from bot.engine.engine import SAMPLES
from bot.i18n import translator
from bot.render import html as ui
from bot.render import texts
from bot.render.commands import COMMANDS, run
from tests.fake_bot_api import BadRequest, telegram_html_to_text, utf16_len

QUESTIONS = [
    "職災死亡千人率多少", "8.5.2", "4.4.3 青年的目標", "未達成的指標有哪些",
    "核心目標 8 有哪些指標", "部長是誰", "青年", "就業", "天氣如何", "<b>&",
    "勞動力發展署負責哪些指標", "",
]  # fmt: skip


def answers(engine):
    out = [engine.answer(q) for q in QUESTIONS]
    out += [engine.listing(), engine.listing(unmet=True), engine.programmes(), engine.about()]
    out += [engine.programme(p) for p in engine.knowledge.programmes]
    out += [engine.indicator(i) for i in engine.knowledge.indicators]
    return out


def assert_valid(chunks: list[str]) -> None:
    assert chunks
    for chunk in chunks:
        text = telegram_html_to_text(chunk)  # raises BadRequest like Telegram would
        assert text.strip()
        assert utf16_len(chunk) <= ui.LIMIT


def test_every_answer_is_valid_telegram_html(engine):
    for answer in answers(engine):
        assert_valid(ui.messages(answer))


def test_card_bolds_figures_cites_the_section_and_stamps_the_edition(engine):
    html = ui.to_html(engine.indicator("8.7.1"))
    first = html.splitlines()[0]  # the answer's first line: the indicator bold, its figures
    assert first.startswith("<b>8.7.1 職災死亡千人率</b>：")
    assert "<b>0.022</b>" in first and "<b>0.019 以下</b>" in first
    assert "<b>0.021</b>" in html
    assert "<blockquote expandable>" in html  # the report's longer text folded
    cited = re.search(r"<i>出處：([^<]*)</i>", html)
    assert cited and "8.7.1" in cited.group(1)
    assert f"<i>資料來源：{EDITION}</i>" in html


def test_user_text_is_escaped(engine):
    answer = engine.answer("<b>&amp; <script>")
    html = ui.to_html(answer)
    assert "&lt;b&gt;&amp;amp; &lt;script&gt;" in html
    assert "<script>" not in html and "<b>&" not in html
    assert_valid(ui.messages(answer))


def test_stray_marks_in_text_do_not_break_html():
    marks = ["\ue000 open only", "close only \ue001", "\ue000a\ue001 ok"]
    answer = Answer(kind=Kind.FACT, query="q", found=True, title="t", sentences=marks)
    html = ui.to_html(answer)
    assert "<b>a</b>" in html and "\ue000" not in html and "\ue001" not in html
    assert_valid([html])


def long_answer(size: int = 5000) -> Answer:
    sentences = [f"第 {i} 句：<數字> & 說明，" + "勞" * 80 for i in range(size // 90 + 1)]
    return Answer(kind=Kind.FACT, query="長", found=True, title="很長的答案", sentences=sentences)


def test_a_5000_character_answer_is_split_cleanly():
    answer = long_answer()
    whole = ui.to_html(answer)
    assert len(whole) > 5000
    chunks = ui.messages(answer)
    assert len(chunks) == 2
    assert_valid(chunks)
    assert all(c.endswith(("，" + "勞" * 80, "</i>")) for c in chunks)  # cut at line ends
    joined = "\n".join(telegram_html_to_text(c) for c in chunks)
    assert joined == telegram_html_to_text(whole)


def test_split_closes_and_reopens_tags_and_never_cuts_an_entity():
    html = "<b>" + "&amp;" * 3000 + "</b>"
    chunks = ui.split_html(html, limit=4096)
    assert len(chunks) >= 4
    assert_valid(chunks)
    assert all(c.startswith("<b>") and c.endswith("</b>") for c in chunks)
    assert sum(telegram_html_to_text(c).count("&") for c in chunks) == 3000


def test_split_counts_utf16_units():
    html = "😀" * 3000  # 6,000 UTF-16 code units
    chunks = ui.split_html(html)
    assert len(chunks) == 2 and all(utf16_len(c) <= 4096 for c in chunks)
    assert "".join(chunks) == html


def test_candidates_keyboard_has_up_to_3_options_and_none_of_these(engine, vague):
    answer = engine.answer(vague)
    assert answer.kind is Kind.CANDIDATES
    rows = ui.keyboard(answer, none_key="abc123").inline_keyboard
    assert 2 <= len(rows) <= 4 and rows[-1][0].text == ui.NONE_LABEL
    assert rows[-1][0].callback_data == "n:abc123"
    assert [b.callback_data for r in rows[:-1] for b in r] == [
        ui.choice_data(m) for m in answer.candidates
    ]


def test_all_callback_data_fits_64_bytes(engine):
    for answer in answers(engine):
        markup = ui.keyboard(answer, none_key="0123456789ab")
        for row in markup.inline_keyboard if markup else ():
            for button in row:
                assert 1 <= len(button.callback_data.encode()) <= 64, button
                assert button.text


def test_indicator_cards_get_a_chart_button(engine):
    markup = ui.keyboard(engine.indicator("8.7.1"))
    assert [[b.callback_data for b in r] for r in markup.inline_keyboard] == [["c:8.7.1"]]


def test_long_callback_data_is_dropped_not_truncated():
    long = Match("list", "unit:" + "勞動力發展署" * 5, 50.0, "x")
    assert ui.choice_data(long) is None
    assert ui.choice_data(Match("indicator", "8.7.1", 90.0)) == "i:8.7.1"
    assert ui.choice_data(Match("passage", "3", 90.0)) is None


@pytest.mark.parametrize(
    ("data", "parsed"),
    [("i:8.7.1", ("i", "8.7.1")), ("o:p:3", ("o", "p:3")), ("x", ("", "")), ("", ("", "")),
     (":", ("", "")), ("n:", ("", ""))],
)  # fmt: skip
def test_parse_data(data, parsed):
    assert ui.parse_data(data) == parsed


def test_start_help_and_usage_texts_are_valid_html():
    assert_valid([texts.start_html("sdg_bot"), texts.help_html(), texts.recorded_html("<x>&")])
    for c in COMMANDS:
        assert f"/{c.name}" in texts.help_html()
        if c.usage:
            assert texts.usage_html(c.name).startswith("用法：/" + c.name)
    assert "/help" in texts.usage_html("nosuch<b>")
    assert_valid([texts.usage_html("nosuch<b>")])
    rows = texts.start_keyboard(SAMPLES).inline_keyboard
    assert [r[0].callback_data for r in rows] == ["s:0", "s:1", "s:2"]


def test_inline_articles(engine):
    articles = ui.inline_articles([engine.listing(unmet=True), *answers(engine)])
    assert len(articles) == 10
    assert len({a.id for a in articles}) == 10
    assert all(len(a.id.encode()) <= 64 for a in articles)
    first_card = next(a for a in articles if a.id.startswith("i:"))
    assert re.search(r"2024 實際 .+（目標 .+）[●○] 未?達成", first_card.description)
    for a in articles:
        assert_valid([a.input_message_content.message_text])
    card = next(a for a in ui.inline_articles([engine.indicator("8.7.1")]))
    assert card.title == "8.7.1 職災死亡千人率" and "0.022" in card.description


def test_chart_caption_fits_a_caption(engine):
    caption = texts.chart_caption(engine.indicator("4.4.3").cards[0])
    assert_valid([caption])
    assert len(telegram_html_to_text(caption)) <= 1024


def test_the_fake_parser_refuses_bad_html():
    for bad in ("<b>x", "a < b", "x & y", "<div>x</div>", "<b><i>x</b></i>"):
        with pytest.raises(BadRequest):
            telegram_html_to_text(bad)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=3000), st.lists(st.text(max_size=500), max_size=12))
def test_any_text_renders_to_valid_messages(query, sentences):
    for kind in (Kind.NOT_FOUND, Kind.FACT, Kind.CANDIDATES):
        answer = Answer(kind=kind, query=query, found=kind is not Kind.NOT_FOUND,
                        title=query[:50], sentences=sentences, message=query[:80],
                        candidates=[Match("indicator", "8.7.1", 50.0, query[:40])])  # fmt: skip
        chunks = ui.messages(answer)
        for chunk in chunks:
            telegram_html_to_text(chunk)
            assert utf16_len(chunk) <= ui.LIMIT


def test_the_question_is_said_back_in_at_most_forty_characters(engine):
    answer = engine.answer("天氣" * 60)
    echo = ui.to_html(answer).splitlines()[0]
    assert echo.startswith("「") and len(echo) <= 44 and echo.endswith("…」")


def test_programme_buttons_tell_programmes_3_and_4_apart(engine):
    markup = ui.keyboard(engine.programmes())
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert len(set(labels)) == len(labels) == 8
    three, four = (next(t for t in labels if t.startswith(f"{n}. ")) for n in (3, 4))
    assert three[3:] != four[3:] and "…" in three and "…" in four


def test_not_found_offers_its_sample_questions_as_buttons_not_as_text(engine):
    answer = engine.answer("今天天氣如何")
    assert not answer.found
    markup = ui.keyboard(answer)
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data == [f"s:{i}" for i in range(len(SAMPLES))]
    assert "可以這樣問" not in ui.to_html(answer)


def test_did_you_mean_lists_each_choice_once_with_its_figure(engine, vague):
    answer = engine.answer(vague)
    html = ui.to_html(answer)
    assert not re.search(r"^\d\. ", html, re.M)  # no numbered list beside the buttons
    for match in answer.candidates:
        assert html.count(esc_label(match.label)) == 1 and "2024：" in match.headline


def esc_label(label: str) -> str:
    return ui.esc(label)


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_every_card_has_a_deep_link_that_opens_it(engine):
    for ident in engine.knowledge.indicators:
        link = ui.deep_link("sdg_bot", ident)
        payload = _query(link)["start"]
        assert link.startswith("https://t.me/sdg_bot?start=")
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload), payload  # Telegram's rule
        step = run(engine, f"/start {payload}")
        assert step.do == "answer" and step.answer.cards[0].indicator.id == ident


def test_a_single_card_in_a_private_chat_gets_a_share_button_beside_its_chart(engine):
    rows = ui.keyboard(engine.indicator("1.a.2"), share="sdg_bot").inline_keyboard
    [[chart, share]] = rows
    assert chart.callback_data == "c:1.a.2" and share.text == "分享"
    assert share.url.startswith("https://t.me/share/url?")
    said = _query(share.url)
    assert said == {"url": "https://t.me/sdg_bot?start=1_a_2", "text": said["text"]}
    assert said["text"].startswith("1.a.2 ") and len(said["text"]) <= 60
    english = ui.keyboard(engine.indicator("8.7.1"), share="b", tr=translator("en"))
    [[_, share]] = english.inline_keyboard
    assert share.text == "Share" and _query(share.url)["text"].startswith("8.7.1 ")


def test_no_share_button_without_a_username_or_for_several_cards(engine):
    assert len(ui.keyboard(engine.indicator("8.7.1")).inline_keyboard[0]) == 1
    several = engine.answer("微型創業貸款")
    assert len(several.cards) > 1
    markup = ui.keyboard(several, share="sdg_bot")
    assert all(b.url is None for row in markup.inline_keyboard for b in row)
    brief = engine.answer("那目標呢", Context(indicator_ids=("8.7.1",)))
    rows = ui.keyboard(brief, share="sdg_bot").inline_keyboard
    assert [len(r) for r in rows] == [1, 1]  # 完整資料, the chart: the full card shares


def test_an_inline_card_opens_in_the_bot(engine):
    articles = ui.inline_articles([engine.listing(unmet=True), engine.indicator("8.7.1")],
                                  bot="sdg_bot")  # fmt: skip
    unmet, card = articles
    [[listed]] = unmet.reply_markup.inline_keyboard  # a list opens in the bot too
    assert listed.url == "https://t.me/sdg_bot?start=unmet"
    [[button]] = card.reply_markup.inline_keyboard
    assert button.text == "在機器人中查看" and button.url == "https://t.me/sdg_bot?start=8_7_1"
    assert ui.inline_articles([engine.indicator("8.7.1")])[0].reply_markup is None


@pytest.mark.parametrize(
    "answer, named",
    [
        (lambda e: e.programme(3), "p_3"),
        (lambda e: e.listing(unmet=True), "unmet"),
        (lambda e: e.listing(), "all"),
        (lambda e: e.programmes(), "programmes"),
        (lambda e: e.listing(goal=8), "goal_8"),
        (lambda e: e.listing(unit="勞動力發展署"), None),  # base64url: checked by its round trip
    ],
)
def test_a_programme_and_a_list_share_a_link_that_opens_them_again(engine, answer, named):
    from bot.render.commands import run
    from bot.render.links import payload

    shown = answer(engine)
    link = payload(shown)
    assert link and (named is None or link == named) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", link)
    step = run(engine, f"/start {link}")
    assert step.do == "answer" and ui.messages(step.answer) == ui.messages(shown)
    rows = ui.keyboard(shown, share="sdg_bot").inline_keyboard
    share = rows[-1][-1]
    assert share.text == "分享" and share.url.startswith("https://t.me/share/url?")
    assert ui.keyboard(shown) is None or all(
        b.text != "分享" for r in ui.keyboard(shown).inline_keyboard for b in r
    )


def test_a_list_by_a_questions_subject_has_no_share_link(engine):
    from bot.render.links import opened, payload

    subject = engine.cards.listing("職災", ids=["8.7.1", "8.7.2"], subject="職災")
    assert subject.matches[0].id == "about:職災" and payload(subject) is None
    assert ui.keyboard(subject, share="sdg_bot") is None
    assert opened("about_x") is None and opened("unit_!!") is None and opened("p_x") is None
