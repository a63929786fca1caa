"""Logs: JSON lines when asked, extra fields kept, tracebacks included, stderr only."""

import json
import logging

import pytest

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
    from bot.telegram.state import Store
    from bot.telegram.unanswered import Unanswered

    logs.setup("INFO", "json")
    services = Services(engine, Charts(engine.card), Sessions(), Unanswered(Store()))
    services.answer("職災死亡千人率多少")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["kind"] == "indicator" and line["match"] == "8.7.1" and line["ms"] >= 0
    assert "職災" not in json.dumps(line, ensure_ascii=False)


# -- secrets ---------------------------------------------------------------------------

TOKEN = "7654321098:AAGsecretPartOfTheToken_abc-XYZ0123456"
BOT_ID, SECRET = TOKEN.split(":")


def leaks(text: str) -> list[str]:
    """The pieces of the token in the text: the secret, 8 of its characters in a row,
    the bot id."""
    found = [SECRET] if SECRET in text else []
    found += [SECRET[i : i + 8] for i in range(len(SECRET) - 7) if SECRET[i : i + 8] in text]
    return found + ([BOT_ID] if BOT_ID in text else [])


def _raise_with_token():
    raise RuntimeError(f"GET https://api.telegram.org/bot{TOKEN}/getMe failed")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_part_of_the_token_in_any_line_or_traceback(fmt, capsys, monkeypatch):
    """The JSON formatter formats the traceback itself: it must print the redacted one.
    A URL cut short, a port parsed out of `http://` + token, the bot id alone: all hidden."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    logs.setup("DEBUG", fmt)
    log = logging.getLogger("sdgbot.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.info("url cut short: bot%s…", TOKEN[:22])
    log.warning("Invalid port: '%s'", SECRET)  # httpx on TELEGRAM_BASE_URL=http://
    log.info("getMe says id %s", BOT_ID, extra={"url": f"/bot{TOKEN}/x", "id": int(BOT_ID)})
    try:
        _raise_with_token()
    except RuntimeError:
        log.exception("failed")
    try:
        _raise_with_token()
    except RuntimeError as exc:
        log.error("failed again", exc_info=exc)  # formatted anew by each formatter
    log.info("stack", stack_info=True, extra={"note": TOKEN[-12:]})
    err = capsys.readouterr().err
    assert not leaks(err), leaks(err)
    assert "<token>" in err and "<bot-id>" in err and "RuntimeError" in err
    if fmt == "json":
        lines = [json.loads(line) for line in err.splitlines()]
        assert len(lines) == 7 and "RuntimeError" in lines[4]["exc"]
        assert "<token>" in lines[4]["exc"] and "<token>" in lines[5]["exc"]


def test_redaction_leaves_other_numbers_and_words_alone():
    logs.hide_token(TOKEN)
    text = f"chat -100{BOT_ID}5 update 12345 user {BOT_ID}1 said AAG secret"
    assert logs.redact(text) == text
    assert logs.redact(f"id={BOT_ID}, token {TOKEN}") == "id=<bot-id>, token <bot-id>:<token>"


def test_a_short_webhook_secret_is_hidden_as_a_whole_word():
    logs.hide_secret("k3y")
    assert logs.redact("secret_token=k3y&x=1 (k3yboard)") == "secret_token=<token>&x=1 (k3yboard)"


def test_an_uncaught_exception_is_printed_redacted(tmp_path):
    """sys.excepthook and threading.excepthook print tracebacks past logging."""
    import os
    import subprocess
    import sys

    code = (
        "import threading\n"
        "from bot import logs\n"
        "logs.setup()\n"
        f"def boom(): raise RuntimeError('no luck with /bot{TOKEN}/getMe')\n"
        "t = threading.Thread(target=boom); t.start(); t.join()\n"
        "boom()\n"
    )
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60, cwd=tmp_path.parent)  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.count("RuntimeError: no luck with /bot<bot-id>:<token>/getMe") == 2
    assert not leaks(proc.stderr)
