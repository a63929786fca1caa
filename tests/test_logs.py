"""Logs: JSON lines when asked, extra fields kept, tracebacks included, stderr only."""

import json
import logging

from bot import logs


def test_json_lines_with_extra_fields(capsys):
    logs.setup("INFO", "json")
    logging.getLogger("sdgbot.test").info("answered", extra={"kind": "indicator", "ms": 1.5})
    line = capsys.readouterr().err.strip().splitlines()[-1]
    data = json.loads(line)
    assert data["message"] == "answered" and data["kind"] == "indicator" and data["ms"] == 1.5
    assert data["level"] == "INFO" and data["logger"] == "sdgbot.test"


def test_json_tracebacks(capsys):
    logs.setup("INFO", "json")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("sdgbot.test").exception("failed")
    data = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert "ValueError: boom" in data["exc"]


def test_text_format_by_default(capsys, monkeypatch):
    monkeypatch.delenv("SDGBOT_LOG_FORMAT", raising=False)
    logs.setup("INFO")
    logging.getLogger("sdgbot.test").info("plain")
    captured = capsys.readouterr()
    assert "INFO sdgbot.test plain" in captured.err and captured.out == ""


def test_each_answer_is_logged_without_the_question_or_the_asker(engine, capsys, tmp_path):
    from bot.render.chart import Charts
    from bot.telegram.services import Services
    from bot.telegram.sessions import Sessions
    from bot.telegram.unanswered import UnansweredLog

    logs.setup("INFO", "json")
    services = Services(engine, Charts(engine.card), Sessions(),
                        UnansweredLog(tmp_path / "u.jsonl"))  # fmt: skip
    services.answer("職災死亡千人率多少")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["kind"] == "indicator" and line["match"] == "8.7.1" and line["ms"] >= 0
    assert "職災" not in json.dumps(line, ensure_ascii=False)
