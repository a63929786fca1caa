"""Recognising indicator numbers, fields, list filters, periods and windows."""

import pytest

from bot.engine.answer import Field
from bot.engine.question import analyse


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("8.7.1", ["8.7.1"]),
        ("指標 4.4.3 目標", ["4.4.3"]),
        ("1a2", ["1.a.2"]),
        ("1.a.2", ["1.a.2"]),
        ("1-4-3 負責單位", ["1.4.3"]),
        ("10.6.4", ["10.6.4"]),
        ("2025年1-8月", []),
        ("2.353", []),
        ("2021-2024", []),
    ],
)
def test_indicator_numbers(text, ids):
    assert analyse(text).ids == ids


def test_fields_in_order_of_kind():
    q = analyse("勞保年金 2021年 目標 誰負責")
    assert {Field.BASELINE, Field.TARGET, Field.UNIT} <= set(q.fields)
    assert q.rest == "勞保年金"


def test_goal_numbers_and_not_goals():
    assert analyse("核心目標8的指標").goal == 8
    assert analyse("目標八底下的指標清單").goal == 8
    assert analyse("訓後就業率目標84%").goal is None  # a target of 84 %, not goal 84
    assert analyse("sdg 10 indicators").goal == 10


def test_lists_and_filters():
    q = analyse("未達成2024年目標的指標有哪些")
    assert q.wants_list and q.unmet and q.names_indicators
    assert analyse("已達成的指標有哪些").met


def test_latest_period_and_counting_window():
    q = analyse("今年1到8月辦了幾場創業課程")
    assert Field.LATEST in q.fields and "8" not in q.rest
    assert analyse("2017年以來微型創業貸款").window == "2017"
    assert analyse("失業者職訓 2021到2024年累計").window == "2021"
    q = analyse("失業者職前訓練 從2017年累計算 目標多少")  # 累計 + 算, not 計算 (the note)
    assert q.window == "2017" and Field.NOTE not in q.fields and "累計" not in q.rest


def test_a_count_up_to_a_year_asks_that_years_figure_not_a_window_from_it():
    for text in ("社會創新專案管理人培訓到2021年累計多少人", "創業研習課程場次 2021年累計到幾場"):
        q = analyse(text)
        assert q.window == "" and q.fields == [Field.BASELINE]
    assert analyse("推介身心障礙者就業到2024年累計多少人").fields == [Field.ACTUAL]
    assert analyse("2021年起累計的微型創業貸款").window == "2021"


def test_a_count_from_a_year_to_another_or_to_now_is_a_window():
    for text in ("失業者職前訓練 2017年累計到2024年有多少", "微型創業貸款從2017年到現在核准幾件"):
        q = analyse(text)
        assert q.window == "2017" and "2024" not in q.years, text


@pytest.mark.parametrize(
    "text",
    [
        "女性工會幹部指標的基礎值是多少人",
        "職災死亡千人率是用當年度算的",
        "How is 10.3.1 measured?",
        "Growth compared with what base number?",
        "1.4.2 calculation note",
    ],
)
def test_how_an_indicator_is_counted_asks_its_note(text):
    assert Field.NOTE in analyse(text).fields


def test_measures_taken_are_no_note():
    assert Field.NOTE not in analyse("What measures did the ministry take?").fields


def test_future_and_when_cues():
    assert analyse("想創業的人 勞動部之後會開什麼課").future
    assert analyse("What will the ministry do next?").future
    assert not analyse("職災死亡千人率多少").future
    assert analyse("這份報告是幾年幾月發布的").when and analyse("when was it published").when
    assert not analyse("勞保年金有多少人領").when


@pytest.mark.parametrize("text", ["你好", "您好啊", "hello", "謝謝你的回答", "thank you", "掰掰"])
def test_small_talk_is_recognised(text):
    from bot.engine.question import small_talk
    from bot.engine.text import normalise

    assert small_talk(normalise(text))


@pytest.mark.parametrize("text", ["你好 職災死亡千人率多少", "感謝勞動部的努力有哪些", "hi 8.7.1"])
def test_a_question_with_a_greeting_is_still_a_question(text):
    from bot.engine.question import small_talk
    from bot.engine.text import normalise

    assert not small_talk(normalise(text))


def test_small_talk_is_answered_as_chat_not_recorded_as_unanswered(engine):
    from bot.engine.answer import Kind

    answer = engine.answer("謝謝！")
    assert answer.kind is Kind.CHAT and not answer.found and "不客氣" in answer.message
