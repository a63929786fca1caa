"""The first line answers the asked part, in at most 120 characters (what a phone shows)."""

import pytest

from bot.render.plain import plain

CASES = [
    ("職災死亡千人率多少", ["0.022", "0.019 以下"]),
    ("勞保年金 2024 年目標", ["190 萬人", "1,931,013 人"]),
    ("8.7.2 2021 年基準值", ["2.448"]),
    ("勞保年金最新人數", ["2,020,057 人", "截至 2025 年 7 月底"]),
    ("1.4.2 有達標嗎？超過多少", ["35,659 人次", "33,734 人次", "1,925 人次"]),
    ("8.7.1 誰負責", ["職業安全衛生署"]),
    ("8.5.2 訓後就業率目標", ["80%", "84.13%"]),
    ("1.3.2 跟2021年比成長多少", ["13 萬 6,424 人"]),
]


@pytest.mark.parametrize(("question", "figures"), CASES)
def test_the_first_line_holds_the_asked_figures(engine, question, figures):
    first = plain(engine.answer(question)).splitlines()[0]
    assert len(first) <= 120, first
    assert all(f in first for f in figures), first


def test_a_quoted_fact_answers_in_its_first_line(engine):
    first = plain(engine.answer("青年職涯資源會透過哪些網路平台推")).splitlines()[0]
    assert "podcast" in first and not first.startswith("第二章")


def test_a_long_name_gives_way_before_the_asked_figures_do(engine):
    lines = plain(engine.answer("8.5.2 2024實際值")).splitlines()
    assert len(lines[0]) <= 120 and "186,465 人" in lines[0] and "84.13%" in lines[0]
    assert any("失業者參加職前訓練課程參訓人數及訓後就業率" in line for line in lines[:2])
