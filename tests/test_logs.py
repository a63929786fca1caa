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
