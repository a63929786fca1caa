"""The console chat (`sdgbot chat`): the Telegram commands from the same table
(bot.render.commands), and follow-ups the way Telegram keeps them."""

import pytest

from bot import cli
from bot.render import table
from bot.render.commands import BY_NAME, COMMANDS, help_lines
from bot.render.plain import plain
from tests.conftest import type_lines

PROMPT = "\x1e"  # a character no reply holds
ARGS = {"goal": "8", "unit": "勞發署", "i": "8.7.1", "chart": "8.7.1", "q": "部長是誰"}


@pytest.fixture
def chat(engine, monkeypatch, capsys):
    """Type lines into `sdgbot chat` (over the tests' engine); what it prints for each."""
    monkeypatch.setattr(cli, "_engine", lambda args: engine)
    return lambda lines, *extra: _chat(monkeypatch, capsys, lines, *extra)


def _chat(monkeypatch, capsys, lines: list[str], *extra: str) -> list[str]:
    """What the console prints for each line typed, in order (the banner left out)."""
    replies = iter(lines)

    def fake_input(prompt=""):
        print(PROMPT, end="")  # where each reply starts
        try:
            return next(replies)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    assert cli.main(["chat", *extra]) == 0
    out = capsys.readouterr().out
    return [block.strip() for block in out.split(PROMPT)[1:]][: len(lines)]


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_telegram_command_is_answered_in_the_console(command, chat, tmp_path):
    arg = ARGS.get(command, "")
    [reply] = chat([f"/{command} {arg}".strip()], "--files", str(tmp_path))
    assert reply and not reply.startswith(("用法", "沒有")), reply


@pytest.mark.parametrize(
    "line", ["/list", "/unmet", "/goal 8", "/unit 勞發署", "/programmes", "/i 8.7.1", "/about"]
)
def test_answer_commands_print_what_the_telegram_command_answers(line, engine, chat):
    name, _, arg = line[1:].partition(" ")
    expected = plain(BY_NAME[name].answer(engine, arg))
    assert chat([line]) == [expected]


def test_help_table_and_usage(engine, chat, tmp_path):
    lines = ["/help", "/table", "/goal 9", "/nosuch", "/GOAL@sdg_bot 4"]
    help_, table_, bad_goal, nosuch, goal4 = chat(lines, "--files",
                                                  str(tmp_path))  # fmt: skip
    assert help_ == "\n".join(help_lines())
    assert table_.startswith(table.text(table.cards(engine)))
    saved = tmp_path / "sdgbot" / table.FILENAME
    assert saved.read_bytes() == table.csv_bytes(table.cards(engine))
    assert bad_goal == "用法：/goal 核心目標編號（1、4、8 或 10），例如 /goal 8"
    assert nosuch == "沒有 /nosuch 這個指令。可用的指令：/help"
    assert goal4.startswith("核心目標 4")


def test_chart_is_saved_as_a_png(chat, tmp_path):
    [reply] = chat(["/chart 8.5.2"], "--files", str(tmp_path))
    png = tmp_path / "sdgbot" / "8.5.2.png"
    assert png.read_bytes().startswith(b"\x89PNG") and str(png) in reply


def test_a_command_sets_the_subject_of_a_follow_up(chat):
    card, follow = chat(["/i 8.7.2", "誰負責"])
    assert card.startswith("8.7.2 職災失能及傷病千人率")
    assert follow.startswith("8.7.2 職災失能及傷病千人率：負責單位 職業安全衛生署")
    assert "完整資料：/i 8.7.2" in follow  # the Full card button, as its command


def test_did_you_mean_keeps_the_subject_as_telegram_does(vague, chat):
    _, choices, follow = chat(["職災死亡千人率", vague, "誰負責"])
    assert not choices.startswith("8.7.1")
    assert follow.startswith("8.7.1 職災死亡千人率：負責單位 職業安全衛生署")


def test_a_deep_link_start_opens_the_card_and_q_asks(engine, chat):
    card, minister = chat(["/start 1_3_1", "/q 勞動部有幾個三級機關"])
    assert card == plain(engine.indicator("1.3.1"))
    assert minister == plain(
        engine.answer("勞動部有幾個三級機關", engine.indicator("1.3.1").context)
    )


def test_the_commands_in_english(engine, chat, tmp_path):
    from bot.i18n import translator

    english = translator("en")
    lines = ["/help", "/table", "/goal 9", "/nosuch", "/i 8.7.2", "誰負責", "/chart 8.5.2"]
    help_, table_, bad_goal, nosuch, card, follow, chart = chat(
        lines, "--lang", "en", "--files", str(tmp_path)
    )
    assert help_ == "\n".join(help_lines(english)) and help_.startswith("How to use it")
    assert "/table — All 20 indicators as a table and a CSV file" in help_
    assert table_.startswith(table.text(table.cards(engine), english))
    assert "Saved: " in table_ and "已存檔" not in table_
    assert bad_goal == "Usage: /goal core goal number (1, 4, 8 or 10), e.g. /goal 8"
    assert nosuch == "There is no /nosuch command. All commands: /help"
    assert card == plain(engine.indicator("8.7.2"), english)
    assert "Full card: /i 8.7.2" in follow and "完整資料" not in follow
    assert chart.startswith("Indicator 8.5.2 ") and "● met the 2024 target" in chart


def test_lang_switches_the_console_as_it_does_telegram(chat):
    picker, switched, help_, bad = chat(["/lang", "/lang en", "/help", "/lang klingon"])
    assert picker.startswith("介面語言：繁體中文。請選擇：") and "/lang en — English" in picker
    assert switched == "OK: I will answer in English. All commands: /help"
    assert help_.startswith("How to use it")
    assert bad.startswith("Usage: /lang ")


def test_sdgbot_with_no_command_and_no_token_opens_the_chat(engine, monkeypatch, capsys):
    """The README's run command: `sdgbot`, no token, a console chat on the bundled database."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr(cli, "_engine", lambda args: engine)
    type_lines(monkeypatch, ["職災死亡千人率多少"])
    assert cli.main([]) == 0
    captured = capsys.readouterr()
    assert "0.022" in captured.out and "TELEGRAM_BOT_TOKEN is not set" in captured.err


def test_a_refused_year_keeps_its_indicator_for_the_follow_up(chat):
    """「2023 年的職災死亡千人率」 is refused (the report prints 2021 and 2024), and the next
    question follows up on 8.7.1, not on nothing."""
    refused, follow = chat(["2023 年的職災死亡千人率是多少？", "那 2021 年呢"])
    assert "2023" in refused and "0.021" not in refused.splitlines()[0]
    assert "8.7.1" in follow and "0.021" in follow
