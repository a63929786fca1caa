"""The one command table: what a command's text stands for, for Telegram and the console."""

import pytest

from bot.i18n import translator
from bot.render.commands import BY_NAME, COMMANDS, help_lines, parse, run, usage


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("/goal 8", ("goal", "8")), ("/GOAL@sdg_bot  8 ", ("goal", "8")), ("/list", ("list", "")),
     ("/q 部長 是誰", ("q", "部長 是誰")), ("職災", None), ("/", None)],
)  # fmt: skip
def test_parse(text, parsed):
    assert parse(text) == parsed


def test_names_are_unique_and_each_has_its_menu_text_in_every_language():
    assert len(BY_NAME) == len(COMMANDS)
    english = translator("en")
    assert all(c.text and c.action for c in COMMANDS)
    assert all(english(c.text) != c.text for c in COMMANDS)
    assert all(english(c.usage).startswith(f"/{c.name} ") for c in COMMANDS if c.usage)


def test_help_and_usage_in_english():
    english = translator("en")
    help_ = help_lines(english)
    assert help_[0] == "How to use it"
    assert [line.split(" — ")[0] for line in help_[2:-1]] == [f"/{c.name}" for c in COMMANDS]
    assert usage("goal", english).startswith("Usage: /goal ")
    assert usage("nosuch", english).isascii() and "/nosuch" in usage("nosuch", english)


@pytest.mark.parametrize(
    ("text", "do", "arg"),
    [("/start", "start", ""), ("/help", "help", ""), ("/table", "table", ""),
     ("/q 部長是誰", "ask", "部長是誰"), ("/q", "usage", "q"), ("/chart 8．7．1", "chart", "8.7.1"),
     ("/chart 9.9.9", "usage", "chart"), ("/goal 9", "usage", "goal"),
     ("/nosuch", "usage", "nosuch"), ("/lang", "lang", ""), ("/lang en", "lang", "en"),
     ("/list", "answer", ""), ("/unit 勞發署", "answer", ""), ("/start 8_7_1", "answer", "")],
)  # fmt: skip
def test_run(engine, text, do, arg):
    step = run(engine, text)
    assert (step.do, step.arg) == (do, arg)
    assert (step.answer is not None) == (do == "answer")


def test_a_deep_link_and_i_open_the_same_card(engine):
    assert run(engine, "/start 8_7_1").answer.cards == run(engine, "/i 8.7.1").answer.cards


def test_privacy_is_a_command_every_front_end_says(engine):
    from bot.i18n import translator
    from bot.render.console import Console
    from bot.render.texts import privacy_html

    assert run(engine, "/privacy").do == "privacy"
    said = Console(engine).reply("/privacy").text
    assert "90 天" in said and "雜湊" in said
    assert "kept 7 days" in privacy_html(7, translator("en"))
