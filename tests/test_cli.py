"""The command line: every subcommand has --help with an example; ask follows the batch contract."""

import json
import os
import subprocess
import sys

import pytest

from bot import cli
from tests.conftest import type_lines

SUBCOMMANDS = ["build", "ask", "chat", "table", "run", "unanswered", "health"]


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([command, "--help"])
    assert exit_info.value.code == 0
    assert "example: sdgbot" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert "sdgbot" in capsys.readouterr().out


def test_ask_one_question_prints_plain_text(capsys):
    assert cli.main(["ask", "職災死亡千人率多少"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("8.7.1 職災死亡千人率：未達成 2024 年目標")


def test_batch_contract_one_json_line_per_question_in_order():
    questions = ["職災死亡千人率是多少", "天氣預報", "", "勞保年金", "8.7.1"]
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        input="".join(q + "\n" for q in questions),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = proc.stdout.splitlines()
    assert len(lines) == len(questions)
    results = [json.loads(line) for line in lines]
    assert [r["query"] for r in results] == questions
    assert results[0]["found"] and results[0]["matches"][0] == {
        "type": "indicator",
        "id": "8.7.1",
        "score": results[0]["matches"][0]["score"],
    }
    assert results[1]["found"] is False and results[2]["found"] is False
    assert set(results[3]) == {"query", "found", "zone", "matches", "answer"}


def test_build_check_passes_on_the_committed_database(capsys):
    assert cli.main(["build", "--check"]) == 0


def test_chat_keeps_the_subject_between_questions(monkeypatch, capsys):
    type_lines(monkeypatch, ["職災死亡千人率", "誰負責"])
    assert cli.main(["chat"]) == 0
    out = capsys.readouterr().out
    assert (
        sum(line.startswith("8.7.1 職災死亡千人率：") for line in out.splitlines()) == 2
        and "8.7.1 職災死亡千人率：負責單位 職業安全衛生署" in out
    )


def test_table_csv_is_the_csv_telegram_sends(capsys, engine):
    from bot.render import table

    assert cli.main(["table", "--csv"]) == 0
    out = capsys.readouterr().out
    assert out == table.csv_text(table.cards(engine))
    assert out.startswith("id,name,unit of measure,responsible unit,2021,2024 target,")
    assert len(out.splitlines()) == 21


def test_table_prints_the_compact_text(capsys, engine):
    from bot.render import table

    assert cli.main(["table"]) == 0
    assert capsys.readouterr().out == table.text(table.cards(engine)) + "\n"


def test_chat_in_english(monkeypatch, capsys):
    type_lines(monkeypatch, ["職災死亡千人率", "誰負責"])
    assert cli.main(["chat", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "8.7.1 Occupational fatality rate per 1,000 workers: missed the 2024 target" in out
    assert "responsible unit 職業安全衛生署" in out and "負責單位" not in out


def test_table_in_english(capsys, engine):
    from bot.i18n import translator
    from bot.render import table

    assert cli.main(["table", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out == table.text(table.cards(engine), translator("en")) + "\n"
    assert "Core goal 8" in out and "核心目標" not in out
    assert cli.main(["table", "--csv", "--lang", "en"]) == 0  # one CSV for every language
    assert capsys.readouterr().out == table.csv_text(table.cards(engine))


def test_health_reports_ok(capsys, monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert cli.main(["health"]) == 0
    assert capsys.readouterr().out.startswith("ok: 20 indicators")


def test_health_fails_on_a_missing_store(tmp_path, capsys):
    assert cli.main(["--db", str(tmp_path / "none.db"), "health"]) == 1
    assert "unhealthy" in capsys.readouterr().out


def test_explain_prints_the_candidates_and_the_zone(capsys):
    assert cli.main(["ask", "--explain", "職災死亡千人率多少"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith("zone: answer")
    assert "indicator 8.7.1" in out.splitlines()[2]  # the best candidate first
    assert "indicator:score" in out and " × " in out


RAW_LINES = [
    b"8.7.1",
    b"\xff\xfe not UTF-8",
    b"\xe8\x81",  # a character cut short
    b"\xed\xa0\x80 a surrogate in UTF-8",
    b"",
    "職災死亡千人率\r".encode(),  # a CRLF file
    "A\u2028B\u2029C\x85D".encode(),  # line breaks to str.splitlines, not to JSON
    b"\x00\x01\x1b[31m control",
    "/goal ²".encode(),
]


def test_batch_contract_one_utf8_json_line_per_input_line_whatever_the_bytes():
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        input=b"".join(line + b"\n" for line in RAW_LINES) + b"8.7.1",  # the last unended
        capture_output=True,
        timeout=120,
        env={**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": "ascii"},  # not the locale's
    )
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr[-2000:]
    text = proc.stdout.decode("utf-8")  # strict: valid UTF-8
    lines = text.splitlines()  # as score.py reads it
    assert len(lines) == len(RAW_LINES) + 1 == len(text.split("\n")) - 1
    results = [json.loads(line) for line in lines]
    assert results[0]["found"] and results[-1]["found"] and results[5]["found"]
    assert results[1]["query"] == "\ufffd\ufffd not UTF-8"
    assert results[5]["query"] == "職災死亡千人率"
    assert results[6]["query"] == "A\u2028B\u2029C\x85D"


def test_ask_with_invalid_utf8_on_the_command_line_answers():
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", b"\xff\xfe8.7.1"],
                          capture_output=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr
    assert json.loads(proc.stdout.decode("utf-8"))["query"] == "\ufffd\ufffd8.7.1"
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", b"\xff"], capture_output=True,
                          timeout=120)  # fmt: skip
    assert proc.returncode == 0 and proc.stderr == b"" and proc.stdout.decode("utf-8")


def test_a_question_the_engine_fails_on_gets_the_apology(monkeypatch, capsys):
    from bot.engine.engine import Engine

    def boom(self, question, context=None):
        raise RuntimeError("bug")

    monkeypatch.setattr(Engine, "answer", boom)
    assert cli.main(["ask", "--json", "8.7.1"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["found"] is False and "錯誤" in line["answer"]


@pytest.mark.parametrize("port", ["70000", "0", "-1", "²", "80a"])
def test_run_refuses_a_port_outside_1_to_65535(port, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "--webhook-url", "https://x.org/h", "--port", port])
    assert exit_info.value.code == 2
    assert "argument --port: " in capsys.readouterr().err


def test_ask_imports_nothing_of_telegram_nor_matplotlib():
    """`sdgbot ask` loads what answering needs: no Telegram, no charts, no ORM, no pydantic."""
    import subprocess
    import sys

    code = (
        "import sys; from bot.cli import main; main(['ask', '職災死亡千人率多少']);"
        "print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'telegram', 'matplotlib', 'numpy', 'sqlalchemy', 'sqlmodel', 'pydantic'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_bot_imports_redis_only_when_redis_is_used():
    """redis-py (~35 ms at start) is imported only with SDGBOT_REDIS_URL: not by the app."""
    import subprocess
    import sys

    code = "import sys, bot.telegram.app; print('redis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
