"""Logging set-up: plain text, or one JSON object a line when SDGBOT_LOG_FORMAT=json.

Answer log lines carry what was answered (kind, matched id, latency), never who asked.

Secrets never reach a log line. There is one redaction (`redact`), and every way out
goes through it: the filter `RedactSecret` rewrites each record (message, arguments,
traceback, stack) before any handler formats it, both formatters redact what they
write, and uncaught exceptions (`sys.excepthook`, `threading.excepthook`) and warnings
are printed through it too. It takes out the bot token, its secret half after the
colon, any run of `PART` or more of the secret's characters (a URL cut short in a
traceback, a host:port parsed out of a bad base URL), the bot id the token starts
with, and the webhook secret.
"""

import json
import logging
import os
import re
import sys
import threading
import traceback
from datetime import UTC, datetime
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
PART = 8  # characters of a secret in a row that count as a leak
HIDDEN = "<token>"
HIDDEN_ID = "<bot-id>"


class Redactor:
    """The secrets of this process, and how to take them out of a text."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.ids: set[str] = set()
        self._short: re.Pattern[str] | None = None  # secrets shorter than PART: whole words
        self._id: re.Pattern[str] | None = None

    def add_token(self, token: str | None) -> None:
        """A BotFather token, `<bot id>:<secret>`: the secret and its runs of PART or
        more characters, and the bot id as a whole number (not inside a longer one)."""
        token = (token or "").strip()
        bot_id, colon, secret = token.partition(":")
        if colon and bot_id.isascii() and bot_id.isdigit():
            self.ids.add(bot_id)
            ids = "|".join(sorted(self.ids, key=len, reverse=True))
            self._id = re.compile(rf"(?<![0-9])(?:{ids})(?![0-9])")
        self.add_secret(secret if colon else token)  # the id alone: as a whole number

    def add_secret(self, secret: str | None) -> None:
        secret = (secret or "").strip()
        if not secret or secret in self.secrets:
            return
        self.secrets.add(secret)
        short = sorted((s for s in self.secrets if len(s) < PART), key=len, reverse=True)
        words = "|".join(re.escape(s) for s in short)
        self._short = re.compile(rf"(?<![\w-])(?:{words})(?![\w-])") if short else None

    def __call__(self, text: str) -> str:
        if not self.secrets or not text:
            return text
        spans = self._spans(text)
        if spans:
            out, pos = [], 0
            for start, end in spans:
                out += [text[pos:start], HIDDEN]
                pos = end
            text = "".join([*out, text[pos:]])
        if self._short is not None:
            text = self._short.sub(HIDDEN, text)
        if self._id is not None:
            text = self._id.sub(HIDDEN_ID, text)
        return text

    def _spans(self, text: str) -> list[tuple[int, int]]:
        """Where the text holds PART or more characters in a row of a secret, merged.
        Every such run is covered by the secret's PART-grams found in the text."""
        marks: list[tuple[int, int]] = []
        for secret in self.secrets:
            for i in range(len(secret) - PART + 1):
                gram = secret[i : i + PART]
                at = text.find(gram)
                while at != -1:
                    marks.append((at, at + PART))
                    at = text.find(gram, at + 1)
        merged: list[tuple[int, int]] = []
        for start, end in sorted(marks):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged


REDACT = Redactor()  # the one redaction of this process


def redact(text: str) -> str:
    """The text with every secret of this process taken out."""
    return REDACT(text)


def hide_token(token: str | None) -> None:
    """Hide this bot token (and its parts) from every log line from now on."""
    REDACT.add_token(token)


def hide_secret(secret: str | None) -> None:
    """Hide this secret (e.g. the webhook secret) from every log line from now on."""
    REDACT.add_secret(secret)


def _redacted(value: Any) -> Any:
    """A value for json.dumps with every secret taken out (a number that is the bot id
    becomes the string "<bot-id>"; anything JSON cannot hold becomes redacted text)."""
    if isinstance(value, dict):
        return {redact(str(k)): _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(v) for v in value]
    if value is None or isinstance(value, bool):
        return value
    text = value if isinstance(value, str) else str(value)
    clean = redact(text)
    return value if clean == text and isinstance(value, int | float) else clean


class RedactSecret(logging.Filter):
    """Rewrite each record before it is formatted: the message with its arguments, the
    traceback (formatted here once, so every formatter prints the redacted text) and the
    stack. Installed on every handler (a filter on a logger would miss its children)."""

    def __init__(self, secret: str | None = None) -> None:
        super().__init__()
        hide_token(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        if not REDACT.secrets:
            return True
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class TextFormatter(logging.Formatter):
    """`time LEVEL logger message`, redacted."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, any `extra=` fields, and the traceback if any;
    every string redacted."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        exc = record.exc_text or (self.formatException(record.exc_info) if record.exc_info else "")
        if exc:
            data["exc"] = exc
        if record.stack_info:
            data["stack"] = record.stack_info
        return json.dumps(_redacted(data), ensure_ascii=False)


def _excepthook(kind, value, tb) -> None:
    """An uncaught exception: its traceback printed redacted."""
    sys.stderr.write(redact("".join(traceback.format_exception(kind, value, tb))))


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread else "?"
    text = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
    sys.stderr.write(redact(f"Exception in thread {name}:\n{text}"))


def setup(level: str | int = "WARNING", fmt: str | None = None) -> None:
    """Configure the root logger once, to stderr (stdout is the batch contract's).

    The token and webhook secret in the environment are hidden from here on, before the
    settings are even read."""
    hide_token(os.environ.get("TELEGRAM_BOT_TOKEN"))
    hide_secret(os.environ.get("TELEGRAM_WEBHOOK_SECRET"))
    fmt = (fmt or os.environ.get("SDGBOT_LOG_FORMAT", "text")).strip().lower()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RedactSecret())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else level.strip().upper())
    logging.captureWarnings(True)  # warnings go through the handler, so through the filter
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
