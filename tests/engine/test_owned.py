"""Indicator cards quote only what their indicator owns: never another indicator's figure.

Every indicator is asked every field question, formed as 「<indicator name><field words>」,
and each indicator card is checked: no number on it (figures, quoted report text,
related programme figures, notes) may be a stored figure of another indicator unless it
is one of this indicator's too (8.5.3 and 10.2.2 are twins that print the same figures;
8.3.3 and 1.4.3 both print 298 件 for 2025).
"""

import re

import pytest

from bot.engine.answer import Kind
from bot.engine.owned import Owned
from bot.knowledge.figures import printed_numbers, same_figure, squash
from bot.knowledge.values import owners
from bot.render.plain import card_lines, clean, plain

FIELD_WORDS = [
    "目標",
    "2021 基準",
    "2024 實際",
    "達成了嗎",
    "最新",
    "誰負責",
    "怎麼計算",
    "為什麼沒達標",
    "面臨的挑戰",
    "跟2021年比成長多少",
    "執行說明",
    "有哪些做法",
    "2025年的人數",
    "推動亮點",
    "累計有多少人參加",
    "截至2025年8月底總計多少",
    "累積多少人次",
]

# The four leaks the excerpt had when it searched every programme text of the goal.
LEAKS = [
    ("8.7.3", "培訓女性工會幹部的人數累計有多少人參加訓練", "18 萬 6,465"),  # 8.5.2's trainees
    ("8.6.2", "公立就業服務機構協助推介青年就業截至2025年8月底總計多少人", "168 人"),  # deaths
    ("10.6.4", "培訓社會創新專案管理人數累積多少人次", "511 萬"),  # 就業平等網 page views
    ("8.7.1", "職災死亡千人率為什麼沒達標", "2.353"),  # 8.7.2's actual
]


def foreign_numbers(text: str, ind_id: str, figures: dict) -> list[str]:
    """Numbers in the text that are another indicator's stored figures, not this one's."""
    mine = figures[ind_id]
    bad = []
    for number in printed_numbers(text):
        if any(same_figure(number, f.value, f.unit) for f in mine):
            continue
        for other, figs in figures.items():
            if other != ind_id and any(same_figure(number, f.value, f.unit) for f in figs):
                bad.append(f"{number.text} ({other})")
    flat = squash(text)
    own_texts = {squash(f.text) for f in mine}
    for other, figs in figures.items():
        for f in figs:
            printed = squash(f.text)
            shown = printed in flat and re.search(r"\d{3}", printed)
            if other != ind_id and printed not in own_texts and shown:
                bad.append(f"{f.text} ({other}, as printed)")
    return bad


def pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def card_text(card) -> str:
    return clean("\n".join(card_lines(card, [])))


def test_every_field_question_of_every_indicator_shows_only_its_own_figures(engine, knowledge):
    checked, leaks = 0, []
    for ind in knowledge.indicators.values():
        for words in FIELD_WORDS:
            question = f"{ind.name}{words}"
            answer = engine.answer(question)
            for card in answer.cards if answer.kind is Kind.INDICATOR else []:
                checked += 1
                bad = foreign_numbers(card_text(card), card.indicator.id, knowledge.figures)
                if bad:
                    leaks.append((question, card.indicator.id, bad))
    assert checked >= 300
    assert leaks == []


@pytest.mark.parametrize(("ind_id", "question", "leaked"), LEAKS, ids=[c[0] for c in LEAKS])
def test_the_known_leaks_are_gone(engine, knowledge, ind_id, question, leaked):
    answer = engine.answer(question)
    text = plain(answer)
    assert squash(leaked) not in squash(text)
    assert foreign_numbers(text, ind_id, knowledge.figures) == []
    if answer.kind is Kind.PROGRAMME:  # what the card cannot quote, its own programme says
        ind = knowledge.indicators[ind_id]
        assert answer.programme.goal == ind.goal
        assert pairs(ind.name) & pairs(answer.programme.title)  # on the indicator's subject
    else:
        assert [c.indicator.id for c in answer.cards] == [ind_id]


def test_why_8_7_1_missed_quotes_its_own_sentence(engine):
    """Its own text on the challenges it faces (the reason), never 8.7.2's 2.3 / 2.353."""
    card = engine.answer("職災死亡千人率為什麼沒達標").cards[0]
    assert card.excerpt in {u.text.split("：", 1)[-1] for u in engine.cards.owned.units["8.7.1"]}
    assert "營造業占整體重大職業災害比例近半" in card.excerpt
    assert "2.3" not in card.excerpt


def test_8_7_2_quotes_its_three_year_fall(engine):
    card = engine.answer("職災失能及傷病千人率近3年降了多少").cards[0]
    assert card.indicator.id == "8.7.2"
    assert "3.8%" in card.excerpt and "0.022" not in card.excerpt


def test_an_excerpt_is_a_whole_unit_the_indicator_owns(engine, knowledge):
    for ind in knowledge.indicators.values():
        for words in FIELD_WORDS:
            answer = engine.answer(f"{ind.name}{words}")
            for card in answer.cards if answer.kind is Kind.INDICATOR else []:
                if not card.excerpt:
                    continue
                whole = [
                    u
                    for u in knowledge.units
                    if u.text.endswith(card.excerpt) and card.indicator.id in owners(u)
                ]
                assert whole, (card.indicator.id, card.excerpt)


def test_a_unit_naming_both_indicators_is_quoted_by_neither(knowledge):
    owned = Owned(knowledge, lambda s: s)
    shared = [u for u in knowledge.units if u.owner_type == "indicator" and len(owners(u)) > 1]
    assert shared  # 1.4.1–1.4.3, 4.3.3 / 4.5.9 and 8.7.1 / 8.7.2 share subsections
    for unit in shared:
        for ind_id in owners(unit):
            quotable = unit in owned.units[ind_id]
            assert quotable == (not foreign_numbers(unit.text, ind_id, knowledge.figures))


def test_a_programme_answers_what_its_text_says_and_the_card_cannot(engine):
    """The programme's own text answers (the programme, or its sentence quoted whole under
    the programme's section), never an indicator card that cannot quote it."""
    answer = engine.answer("青年就業亮點寫2021到2024年有多少青年及成人參加職前訓練")
    assert answer.kind in (Kind.PROGRAMME, Kind.FACT)
    if answer.kind is Kind.PROGRAMME:
        assert "18 萬 6,465" in answer.programme.content
    else:
        assert "推動亮點" in answer.title and any("18 萬 6,465" in s for s in answer.sentences)


def test_an_aside_is_another_owners_whole_unit_without_foreign_figures(engine, knowledge):
    """What a card shows beside it comes from its core goal's text (a programme, chapter 3),
    quoted whole under its own section, never with another indicator's figures."""
    for ind in knowledge.indicators.values():
        mine = engine.cards.owned.units[ind.id]
        asides = engine.cards.aside(ind.id, knowledge.units)
        assert asides
        for aside in asides:
            (unit,) = [
                u
                for u in knowledge.units
                if u.section == aside.section
                and u.text.endswith(aside.text)
                and u.page == aside.page
            ][:1]
            assert unit not in mine
            assert not foreign_numbers(aside.text, ind.id, knowledge.figures)


def test_a_detail_the_card_lacks_is_shown_beside_it_under_its_section(engine):
    """The card built with the detail beside it (what the decision may choose over the
    card alone, or over the sentence quoted by itself)."""
    detail = next(c for _, c in engine.explain("以后加保职灾保险 可以去便利店办吗").ranked
                  if c.type == "detail")  # fmt: skip
    answer = detail.build()
    assert answer.kind is Kind.INDICATOR and answer.cards[0].indicator.id == "1.3.2"
    (aside,) = answer.cards[0].aside
    assert "超商" in aside.text and aside.section.startswith("第三章")
    assert "第三章" in plain(answer) and "超商" in plain(answer)
    shown = plain(engine.answer("以后加保职灾保险 可以去便利店办吗"))
    assert "超商" in shown and "第三章" in shown


def test_text_shared_by_indicators_is_about_the_one_the_question_names(engine):
    # the sentence on courses, consultations and loans belongs to 1.4.1, 1.4.2 and 1.4.3
    for question in (
        "找政府的顧問免費諮詢，到2024年累積幫了多少人次",
        "我做小生意卡關 聽說政府的顧問諮詢免費 到2024年累積幫了多少人次",
    ):
        answer = engine.answer(question)
        assert "35,659" in plain(answer) and answer.matches[0].id == "1.4.2", question
    # naming none of them clearly, the report's order stands
    from bot.engine.cards import _owned_by

    unit = next(
        u for u in engine.knowledge.units if "35,659" in u.text and u.owner_type == "indicator"
    )
    assert _owned_by(unit) == _owned_by(unit, {"1.4.2": 30.0, "1.4.1": 25.0})
    assert _owned_by(unit)[0] == "1.4.1"
    assert _owned_by(unit, {"1.4.2": 30.0})[0] == "1.4.2"


def test_a_rate_only_indicator_shows_the_people_its_programme_counts(engine):
    """8.7.3 prints a growth rate; its programme (女性工會幹部暨會務人員成長營) counts the
    sessions and trainees, shown beside the card as the programme's, from the span's start."""
    text = plain(
        engine.answer("How many female union officers were trained between 2021 and 2024?")
    )
    assert "2021 年至 2024 年共完成 8 場次訓練，參訓人數逾 290 人" in text
    assert "推動亮點" in text
