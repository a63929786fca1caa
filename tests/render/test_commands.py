"""The one command table: what a command's text stands for, for Telegram and the console."""

import pytest

from bot.render.commands import BY_NAME, COMMANDS, parse, run


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("/goal 8", ("goal", "8")), ("/GOAL@sdg_bot  8 ", ("goal", "8")), ("/list", ("list", "")),
     ("/q 部長 是誰", ("q", "部長 是誰")), ("職災", None), ("/", None)],
)  # fmt: skip
def test_parse(text, parsed):
    assert parse(text) == parsed


def test_names_are_unique_and_each_has_both_menu_texts():
    assert len(BY_NAME) == len(COMMANDS)
    assert all(c.zh and c.en and c.action for c in COMMANDS)


@pytest.mark.parametrize(
    ("text", "do", "arg"),
    [("/start", "start", ""), ("/help", "help", ""), ("/table", "table", ""),
     ("/q 部長是誰", "ask", "部長是誰"), ("/q", "usage", "q"), ("/chart 8．7．1", "chart", "8.7.1"),
     ("/chart 9.9.9", "usage", "chart"), ("/goal 9", "usage", "goal"),
     ("/nosuch", "usage", "nosuch"),
     ("/list", "answer", ""), ("/unit 勞發署", "answer", ""), ("/start 8_7_1", "answer", "")],
)  # fmt: skip
def test_run(engine, text, do, arg):
    step = run(engine, text)
    assert (step.do, step.arg) == (do, arg)
    assert (step.answer is not None) == (do == "answer")


def test_a_deep_link_and_i_open_the_same_card(engine):
    assert run(engine, "/start 8_7_1").answer.cards == run(engine, "/i 8.7.1").answer.cards
