"""Lists by an attribute the store holds: the filter keeps exactly the matching indicators."""

import pytest

from bot.engine.answer import Kind


def listed(engine, question: str) -> set[str]:
    answer = engine.answer(question)
    assert answer.found and answer.kind is Kind.LIST, question
    return {e.id for e in answer.entries}


def by_store(knowledge, keep) -> set[str]:
    return {i.id for i in knowledge.indicators.values() if keep(i, knowledge.figures[i.id])}


def test_unit_of_measure(engine, knowledge):
    want = by_store(knowledge, lambda i, figs: any(
        f.unit == "人次" and f.period == "actual_2024" for f in figs))  # fmt: skip
    assert listed(engine, "單位是「人次」的指標有哪些") == want and len(want) >= 3


def test_a_word_in_the_name(engine, knowledge):
    want = by_store(knowledge, lambda i, figs: "職前訓練" in i.name)
    assert listed(engine, "名稱裡有「職前訓練」的指標") == want == {"4.3.3", "4.5.9", "8.5.2"}


def test_the_month_of_the_latest_figure(engine, knowledge):
    want = by_store(knowledge, lambda i, figs: any(
        f.period == "latest" and "7 月底" in f.as_of for f in figs))  # fmt: skip
    assert listed(engine, "哪些指標的2025年數字只統計到7月底") == want == {"1.3.1", "1.3.2"}


def test_everything_but_one_unit(engine, knowledge):
    want = by_store(knowledge, lambda i, figs: i.unit != "勞動力發展署")
    got = listed(engine, "不是勞發署負責的指標有哪些")
    assert got == want and "1.3.1" in got and "1.4.1" not in got


@pytest.mark.parametrize("question", ["哪些指標有算訓後就業率或推介就業率"])
def test_a_part_the_figures_print(engine, knowledge, question):
    want = by_store(knowledge, lambda i, figs: any(
        f.component in ("訓後就業率", "推介就業率") for f in figs))  # fmt: skip
    assert listed(engine, question) == want and {"8.5.2", "8.5.3", "8.6.1"} <= want


def test_a_part_said_in_other_words(engine, knowledge):
    """A part named in other words (找到工作的比例 → 就業率) is every part it ends, or those
    whose qualifier the question spells out (上完訓練之後 → 訓後)."""
    rates = by_store(knowledge, lambda i, figs: any(
        f.component.endswith("就業率") for f in figs))  # fmt: skip
    assert listed(engine, "哪些指標有算找到工作的比例") == rates
    after = by_store(knowledge, lambda i, figs: any(f.component == "訓後就業率" for f in figs))
    assert listed(engine, "哪些指標有算「上完訓練之後找到工作的比例」") == after
    assert after == {"8.5.2", "8.6.1"} and after < rates


def test_which_ones_is_a_list_not_a_count(engine):
    answer = engine.answer("有哪幾個指標是勞保司負責的")
    assert answer.kind is Kind.LIST and not answer.title.startswith("20 項指標中")


def test_indicators_about_a_subject_are_all_listed(engine):
    assert listed(engine, "跟女生或性別平等有關的指標") == {"8.7.3", "10.3.1"}  # (或: no word)
    assert listed(engine, "跟性別平等有關的指標有哪些") == {"8.7.3", "10.3.1"}  # 工會的性別平等
    assert {"4.4.3", "8.6.1", "8.6.2"} <= listed(engine, "跟青年有關的指標")


SAME = ["數字完全一樣的指標有哪些", "Which indicators have identical figures?"]


@pytest.mark.parametrize("question", SAME)
def test_indicators_printing_the_same_figures(engine, knowledge, question):
    """The report gives 8.5.3 and 10.2.2 one set of figures: found from the store's values."""

    def prints(i):
        return {(f.component, f.period, f.value) for f in knowledge.figures[i]}

    want = {a for a in knowledge.indicators for b in knowledge.indicators
            if a != b and prints(a) == prints(b)}  # fmt: skip
    assert listed(engine, question) == want == {"8.5.3", "10.2.2"}


def test_a_word_in_the_name_without_quotes(engine, knowledge):
    want = by_store(knowledge, lambda i, figs: "失業者" in i.name)
    assert listed(engine, "名稱裡有失業者的指標") == want and len(want) == 4
    assert listed(engine, "指標名稱有提到「失業者」的是哪些？") == want


@pytest.mark.parametrize(
    ("question", "word"),
    [("Which indicators mention the unemployed in their names?", "失業者"),
     ("Which indicators have youth in their names?", "青年")],  # by the bridge: youth → 青年
)  # fmt: skip
def test_an_english_word_in_the_name(engine, knowledge, question, word):
    want = by_store(knowledge, lambda i, figs: word in i.name)
    assert listed(engine, question) == want and want


def test_two_units_at_once(engine, knowledge):
    def both(i, figs):
        units = {f.unit for f in figs if f.period == "actual_2024"}
        return "%" in units and "人" in units

    assert listed(engine, "哪些指標同時有人數跟百分比") == by_store(knowledge, both)


def test_cumulative_since_a_year_in_english(engine):
    got = listed(engine, "Which indicators are counted as cumulative totals since 2017?")
    assert got == listed(engine, "自2017年起累計的指標有哪些") and len(got) == 6


def test_the_indicators_of_two_units_named_are_listed_together(engine):
    want = {"8.7.3", "10.3.1"}
    assert listed(engine, "勞動關係司和勞動條件及就業平等司負責哪些指標") == want
    assert (
        listed(
            engine,
            "Which indicators are owned by the Department of Labor Relations "
            "and by the Department of Labor Standards and Equal Employment?",
        )
        == want
    )
