"""Property-based tests: no input crashes the engine or the renderers, and noise is not found.

Every generated question is answered, rendered to plain text, to the JSON contract and to
Telegram HTML (parsed the way Telegram parses it, each message within 4,096 characters).

CI runs a fixed seed (derandomize) with 10,000+ generated inputs in all; the benchmark
runs a larger, random-seeded batch (benchmarks/bench.py --fuzz).
"""

import os
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.engine.answer import Answer, Kind
from bot.render import html as ui
from bot.render.plain import plain, to_json
from tests.fake_bot_api import telegram_html_to_text, utf16_len


def ci(examples: int) -> settings:
    """A fixed seed in CI; SDGBOT_FUZZ_SCALE multiplies the examples (the benchmark's run)."""
    scale = int(os.environ.get("SDGBOT_FUZZ_SCALE", "1"))
    return settings(
        derandomize=scale == 1,
        max_examples=examples * scale,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


TYPES = {"indicator", "programme", "goal", "passage", "list", "fact"}

any_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
long_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=5000, max_size=10_000
)
markup = st.sampled_from(
    [
        "<b>",
        "</i>",
        "<a href='x'>",
        "&amp;",
        "&#0;",
        "*bold*",
        "_x_",
        "`code`",
        "[l](u)",
        "'; DROP TABLE figure; --",
        '" OR 1=1 --',
        "%s%s%n",
        "{0}",
        "${x}",
        "\\",
        "\x00",
        "\u200b",
        "\u200d",
        "\u202e",
        "\u2066",
        "\ufeff",
        "🏳️‍🌈",
        "👩‍👩‍👧",
        "𝕏",
        "😀",
    ]
)
mixed = st.lists(
    st.one_of(markup, any_text, st.sampled_from(["職災", "8.7.1", "勞保"])), max_size=8
).map("".join)
punctuation = st.text(
    st.sampled_from(list("!?.,;:'\"()[]{}<>/\\|-_=+*&^%$#@~`，。！？、；：「」『』（）…—")),
    min_size=1,
    max_size=40,
)
emoji = st.text(
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=20
)
invisible = st.text(
    st.sampled_from(
        [
            "\u200b",
            "\u200c",
            "\u200d",
            "\u200e",
            "\u200f",
            "\u202e",
            "\u2066",
            "\ufeff",
            "\t",
            "\n",
            " ",
            "\x01",
            "\x7f",
        ]
    ),
    min_size=1,
    max_size=30,
)
digits_dots = st.text(st.sampled_from(list("0123456789.")), min_size=1, max_size=20)


def valid(answer: Answer, question: str) -> None:
    assert isinstance(answer, Answer)
    assert answer.query == question
    assert isinstance(answer.found, bool) and isinstance(answer.kind, Kind)
    assert answer.found == (answer.kind is not Kind.NOT_FOUND)
    assert answer.zone == {Kind.NOT_FOUND: "none", Kind.CANDIDATES: "choices"}.get(
        answer.kind, "answer"
    )
    for m in answer.matches:
        assert m.type in TYPES and isinstance(m.score, float) and 0 <= m.score <= 110
    assert len(answer.candidates) <= 3
    text = plain(answer)
    assert text and "\ue000" not in text and "\ue001" not in text
    data = to_json(answer)
    assert set(data) == {"query", "found", "zone", "matches", "answer"}
    for chunk in ui.messages(answer):  # Telegram HTML: parses, fits one message
        assert telegram_html_to_text(chunk).strip()
        assert utf16_len(chunk) <= ui.LIMIT


@ci(4000)
@given(st.one_of(any_text, mixed))
def test_any_text_gives_a_valid_answer(engine, question):
    valid(engine.answer(question), question)


@ci(60)
@given(long_text)
def test_very_long_text(engine, question):
    valid(engine.answer(question), question)


@ci(3000)
@given(st.one_of(punctuation, emoji, invisible))
def test_noise_is_not_found(engine, question):
    answer = engine.answer(question)
    valid(answer, question)
    assert answer.found is False
    assert answer.cards == [] and answer.entries == []


@ci(3000)
@given(digits_dots)
def test_numbers_that_are_not_indicator_ids_are_not_found(engine, question):
    ids = {i.replace(".", "") for i in engine.knowledge.indicators}
    spelled = re.sub(r"\D", "", question)
    assume(not any(i in spelled for i in ids))
    answer = engine.answer(question)
    valid(answer, question)
    assert answer.found is False


@ci(300)
@given(st.one_of(any_text, mixed), st.sampled_from(["8.7.1", "1.3.1", "勞工職業災害保險"]))
def test_follow_ups_never_crash(engine, question, subject):
    first = engine.answer(subject)
    valid(engine.answer(question, context=first.context), question)
