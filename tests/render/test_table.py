"""The staff table: one compact message under Telegram's limit, and CSV with the stored figures."""

import csv
import io
import itertools

import pytest

from bot.i18n import translator
from bot.render import table
from tests.fake_bot_api import telegram_html_to_text, utf16_len


@pytest.fixture(scope="module")
def cards(engine):
    return table.cards(engine)


def test_every_indicator_in_report_order(knowledge, cards):
    assert [c.indicator.id for c in cards] == list(knowledge.indicators)


def test_the_message_is_one_valid_telegram_html_message(cards):
    message = table.html_message(cards)
    plain = telegram_html_to_text(message)  # raises like Telegram on broken HTML
    assert utf16_len(plain) <= 4096 and utf16_len(message) <= 4096
    assert plain == table.text(cards)  # the console and `sdgbot table` print the same


def test_every_figure_as_stored_under_its_indicator_and_part(knowledge, cards):
    lines = table.text(cards).splitlines()
    heads = [i for i, s in enumerate(lines) if s[:1] in "●○" and s[2:3].isdigit()] + [len(lines)]
    pairs = itertools.pairwise(heads)
    for (ident, ind), (at, end) in zip(knowledge.indicators.items(), pairs, strict=True):
        assert lines[at] == f"{'●' if ind.met else '○'} {ident} {ind.name}"
        block = lines[at + 1 : end]
        for f in knowledge.figures[ident]:
            line = next(i for i, s in enumerate(block) if s.startswith(f.component))
            here = block[line] + (block[line + 1] if f.period == "latest" else "")
            assert f.text in here, (ident, f.component, f.period)


def test_a_part_year_latest_figure_says_its_window(cards):
    lines = table.text(cards).splitlines()
    at = lines.index("● 1.4.1 辦理創業研習課程場次")
    assert lines[at + 1 : at + 3] == [
        "758 場 → 1,331 場（1,240 場）",
        "　最新 121 場（2025 年 1–8 月）",
    ]


def test_a_part_is_named_and_a_figure_the_report_lacks_is_left_out(cards):
    lines = table.text(cards).splitlines()
    at = lines.index("● 8.5.2 失業者參加職前訓練課程參訓人數及訓後就業率")
    assert lines[at + 1 : at + 4] == [
        "人數：41,152 人 → 186,465 人（180,000 人）",
        "　最新 3 萬 4,140 名（2025 年 1–8 月）",
        "訓後就業率：83.88% → 84.13%（80%）",
    ]
    assert lines[at + 4].startswith("● 8.5.3")


def test_csv_columns_and_one_row_an_indicator(knowledge, cards):
    header, *rows = list(csv.reader(io.StringIO(table.csv_text(cards))))
    assert header == list(table.COLUMNS) and len(header) == 10
    assert [r[0] for r in rows] == list(knowledge.indicators)
    assert all(len(r) == len(header) for r in rows)


def test_csv_parts_in_one_cell_each_named(cards):
    rows = {r[0]: r for r in csv.reader(io.StringIO(table.csv_text(cards)))}
    assert rows["4.4.3"][4] == "青年 14,536 人、失業者 26,317 人"
    assert rows["4.4.3"][8] == "青年 2,566 名、失業者 3,499 名"  # the parts' order, not the store's
    assert rows["8.5.2"][2] == "人數 人、訓後就業率 %"
    assert rows["8.5.2"][8] == "人數 3 萬 4,140 名"  # the report prints no 2025 rate
    assert rows["8.7.1"][5:10] == ["0.019 以下", "0.022", "no", "", ""]


def test_the_csv_file_opens_in_a_spreadsheet_as_utf8(cards):
    data = table.csv_bytes(cards)
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig") == table.csv_text(cards)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_message_in_each_language_is_one_valid_telegram_message(cards, lang):
    tr = translator(lang)
    message = table.html_message(cards, tr)
    plain = telegram_html_to_text(message)
    assert utf16_len(message) <= 4096 and plain == table.text(cards, tr)


def test_in_english_the_bots_words_and_names_are_english_the_figures_as_printed(cards):
    lines = table.text(cards, translator("en")).splitlines()
    assert lines[:3] == [
        "The 20 indicators at a glance",
        "2021 baseline → 2024 actual (2024 target)",
        "● met the 2024 target  ○ not met",
    ]
    at = lines.index("● 1.4.1 Number of entrepreneurship training course sessions held")
    assert lines[at + 1 : at + 3] == [
        "758 場 → 1,331 場 (1,240 場)",
        "　Latest 121 場 (2025 年 1–8 月)",
    ]
    assert "Core goal 8" in lines and lines[-1].startswith("Source: ")
    assert table.caption(translator("en")).startswith("The 20 indicators as a table (CSV")
