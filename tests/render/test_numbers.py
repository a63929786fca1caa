"""Figures shown the same way throughout a card: mixed 萬 forms in digits; English in
digits with the unit in words."""

import pytest

from bot.i18n import ZH, translator
from bot.render.numbers import dated, readable, unit_word
from bot.render.plain import plain

EN = translator("en")


@pytest.mark.parametrize(
    ("printed", "zh", "en"),
    [
        ("15萬4,722人次", "154,722 人次", "154,722 person-times"),
        ("202 萬 57 人", "2,020,057 人", "2,020,057 people"),
        ("3 萬 4,140 名", "34,140 名", "34,140 people"),
        ("190 萬人", "190 萬人", "1,900,000 people"),
        ("約 511 萬人次", "約 511 萬人次", "about 5,110,000 person-times"),
        ("0.019 以下", "0.019 以下", "0.019 or below"),
        ("833,140 人次", "833,140 人次", "833,140 person-times"),
        ("79.12%", "79.12%", "79.12%"),
        ("1,331 場", "1,331 場", "1,331 sessions"),
    ],
)
def test_a_figure_reads_at_a_glance(printed, zh, en):
    assert readable(printed, ZH) == zh
    assert readable(printed, EN) == en


def test_the_value_is_kept_whatever_the_form():
    for printed, value in [("15萬4,722人次", 154722), ("202 萬 57 人", 2020057)]:
        assert int(readable(printed, ZH).split()[0].replace(",", "")) == value


@pytest.mark.parametrize(
    ("as_of", "en"),
    [
        ("2025 年 1 月至 8 月", "Jan–Aug 2025"),
        ("2025年1月至8月", "Jan–Aug 2025"),
        ("截至 2025 年 7 月底", "as of end-Jul 2025"),
        ("至 2025 年 9 月 16 日", "to 16 Sep 2025"),
    ],
)
def test_as_of_dates_in_english(as_of, en):
    assert dated(as_of, EN) == en
    assert dated(as_of, ZH) == as_of


def test_units_in_words_only_in_english():
    assert unit_word("人次", EN) == "person-times" and unit_word("人次", ZH) == "人次"
    assert unit_word("千人率", EN) == "千人率"


def test_a_card_shows_its_mixed_figure_in_digits(engine):
    text = plain(engine.answer("公立就業服務機構推介青年就業 2025"))
    assert "154,722 人次" in text and "萬" not in text.splitlines()[0]


def test_an_english_card_has_no_chinese_units(engine):
    text = plain(engine.answer("labor insurance annuity 2024 target"), tr=EN)
    first = text.splitlines()[0]
    assert "1,900,000 people" in first and "人" not in first


def test_a_quote_answering_an_english_question_gives_its_wan_figures_in_digits_too(engine):
    """The report's words stay as printed; an English asker also gets the digits."""
    asked = "How many young people did the Youth Career Development Center serve from 2021 to 2024?"
    text = plain(engine.answer(asked))
    assert "74 萬 1,561 人次 (741,561)" in text
    assert "(741,561)" not in plain(engine.answer("青年職涯發展中心2021到2024服務多少人次"))
