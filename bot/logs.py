"""Logging set-up: plain text, or one JSON object a line when SDGBOT_LOG_FORMAT=json.

Answer log lines carry what was answered (kind, matched id, latency), never who asked.
"""

import json
import logging
import os
import sys
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, any `extra=` fields, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        if record.exc_text and "exc" not in data:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


def setup(level: str | int = "WARNING", fmt: str | None = None) -> None:
    """Configure the root logger once, to stderr (stdout is the batch contract's)."""
    fmt = (fmt or os.environ.get("SDGBOT_LOG_FORMAT", "text")).lower()
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else level.upper())
