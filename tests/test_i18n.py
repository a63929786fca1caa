"""The bot's words in three languages: the English catalog is complete for every msgid the
code marks (and every one it uses at run time), placeholders agree, Simplified is the
zh-TW words through OpenCC, and the report's own text is never translated."""

import json
import re
import tomllib

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.engine.answer import Context, Kind
from bot.i18n import (
    DEFAULT,
    LANGS,
    ZH,
    Joined,
    Msg,
    Name,
    Translator,
    language_of,
    pick,
    po_path,
    translator,
)
from bot.render import html as ui
from bot.render import table, texts
from bot.render.commands import COMMANDS
from bot.render.console import Console, start_text
from bot.render.plain import plain
from tests.conftest import DATA, ROOT

PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def english_catalog():
    with po_path("en").open("rb") as source:
        return read_po(source, locale="en")


def marked_in_code() -> set[str]:
    """What `pybabel extract` finds, with the config in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["babel"]
    keywords = {"_": None, "gettext": None, "N_": None}
    keywords |= {k: None for k in config["extract_messages"]["keywords"].split()}
    method_map = [(m["pattern"], m["method"]) for m in config["mappings"]]
    found = extract_from_dir(ROOT / "bot", method_map, keywords=keywords)
    return {message for _, _, message, _, _ in found}


def test_every_marked_msgid_has_an_english_translation_and_none_is_stale():
    catalog = english_catalog()
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    marked = marked_in_code()
    assert len(marked) > 150
    assert sorted(marked - set(translated)) == []  # `pybabel update`, then translate
    assert sorted(set(translated) - marked) == []  # no longer in the code


def test_translations_keep_the_placeholders():
    for m in english_catalog():
        if m.id:
            assert sorted(PLACEHOLDER.findall(m.id)) == sorted(PLACEHOLDER.findall(m.string)), m.id


class Strict(Translator):
    """English that records every msgid asked for and missing from the catalog (words
    hidden from extraction: in an f-string, built at run time)."""

    def __init__(self) -> None:
        base = translator("en")
        super().__init__("en", base._catalog)
        self.known = {m.id for m in english_catalog() if m.id}
        self.missing: set[str] = set()

    def gettext(self, msgid: str) -> str:
        if msgid not in self.known:
            self.missing.add(msgid)
        return super().gettext(msgid)


def test_every_word_used_at_run_time_is_in_the_catalog(engine):
    tr = Strict()
    questions = [
        json.loads(line)["q"]
        for name in ("dev_questions", "follow_questions", "oos_questions", "questions")
        for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    questions += ["", "你好", "謝謝", "掰掰", "8.7.1.1", "9.9.9", "2022 年的職災死亡千人率"]
    questions += ["名稱裡有職前訓練的指標", "單位是人次的指標", "不是勞發署負責的指標"]
    questions += [
        "8.5.2 訓後就業率 2025 年",
        "職安署的電話",
        "創業貸款金額多少錢",
        "勞保年金幾歲可以領",
    ]
    answers = [engine.answer(q) for q in questions]
    said = [a.message for a in answers if a.kind in (Kind.NOT_FOUND, Kind.CHAT)]
    assert all(isinstance(m, Msg) for m in said)  # none a str English would show in zh-TW
    answers += [engine.answer("那目標呢", Context(indicator_ids=("8.7.1",)))]
    answers += [engine.listing(unmet=True), engine.listing(), engine.listing(goal=8)]
    answers += [engine.programmes(), engine.about(), engine.programme(3), engine.failure("x")]
    for answer in answers:
        plain(answer, tr)
        ui.messages(answer, tr)
        ui.keyboard(answer, none_key="k", tr=tr, share="bot")
    ui.inline_articles(answers[:40], tr=tr, bot="bot")
    card = engine.indicator("8.5.2").cards[0]
    texts.start_html("bot", tr), texts.start_keyboard(["職災死亡千人率多少"], tr)
    texts.help_html(tr), texts.group_intro_html("", tr), texts.text_only_html(tr)
    texts.recorded_html("q", tr), texts.chart_caption(card, tr), texts.lang_html(tr)
    texts.lang_set_html(tr)
    for command in [*(c.name for c in COMMANDS), "nosuch"]:
        texts.usage_html(command, tr)
    items = table.cards(engine)
    table.text(items, tr), table.html_message(items, tr), table.caption(tr)
    console = Console(engine, tr)
    for line in ["/start", "/help", "/table", "/lang", "/lang klingon", "/goal 9", "/nosuch",
                 "/i 8.7.1", "誰負責", "/list", "/about", "/q 部長是誰"]:  # fmt: skip
        console.reply(line)
    console._charts = _NoCharts()  # the caption, without drawing
    console.reply("/chart 8.5.2")
    start_text(tr)
    assert sorted(tr.missing) == []


class _NoCharts:
    def png(self, ident: str) -> bytes:
        return b""


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("en", "en"), ("en-US", "en"), ("en-gb", "en"),
        ("zh-hans", "zh-Hans"), ("zh-CN", "zh-Hans"), ("zh-sg", "zh-Hans"),
        ("zh-hans-cn", "zh-Hans"), ("zh_CN", "zh-Hans"),
        ("zh-hant", DEFAULT), ("zh-TW", DEFAULT), ("zh-hk", DEFAULT), ("zh", DEFAULT),
        (None, DEFAULT), ("", DEFAULT), ("ja", DEFAULT), ("eng", DEFAULT),
    ],
)  # fmt: skip
def test_language_of_a_telegram_client(code, lang):
    assert language_of(code) == lang


def test_lang_accepts_tags_and_names():
    assert [pick(w) for w in ("en", "English", "zh-TW", "繁體", "zh-Hans", "简体", "zh-cn")] == [
        "en", "en", "zh-TW", "zh-TW", "zh-Hans", "zh-Hans", "zh-Hans",
    ]  # fmt: skip
    assert pick("klingon") is None and pick("") is None
    assert set(LANGS) == {"zh-TW", "zh-Hans", "en"}


def test_a_message_is_zh_tw_text_and_said_again_in_each_language():
    said = Msg("報告中沒有指標 {ids}。", ids=Joined("、", ["9.9.9", "1.1.1"]))
    assert said == "報告中沒有指標 9.9.9、1.1.1。"  # the batch contract reads this
    assert ZH.text(said) == said
    assert translator("en").text(said) == "The report has no indicator 9.9.9, 1.1.1."
    assert translator("zh-Hans").text(said) == "报告中没有指标 9.9.9、1.1.1。"
    with pytest.raises(ValueError):
        Joined("/", ["a", "b"])  # a separator the catalogs do not translate


def test_the_reports_own_words_are_never_translated():
    name = Name("職災死亡千人率", "Occupational fatality rate per 1,000 workers")
    said = Msg("負責單位：{unit}（{better}）", unit="職業安全衛生署", better=Msg("數值越低越好"))
    assert translator("zh-Hans").text(said) == "负责单位：職業安全衛生署（数值越低越好）"
    assert translator("zh-Hans").text(name) == "職災死亡千人率"  # the report's, as printed
    assert translator("en").text(name) == "Occupational fatality rate per 1,000 workers"
    assert translator("en").text(Name("勞動部")) == "勞動部"  # no English name: as printed
    assert translator("en")("2024 年實際值") == "2024 actual"
    assert translator("xx") is ZH
