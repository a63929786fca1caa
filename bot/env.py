"""What every command reads first, without pydantic: where the store is, the error a bad
setting raises, and SDGBOT_LOG_LEVEL / SDGBOT_LOG_FORMAT.

`sdgbot ask` and `sdgbot chat` need nothing more, so they start without importing
pydantic (bot.config, which validates the Telegram settings, imports it). The log
settings are read as pydantic-settings reads the rest (names in any case, the same
checks and the same one-line messages), by `load_log_settings` here; bot.config
re-exports every name of this module.
"""

import os
from dataclasses import dataclass
from pathlib import Path

BUNDLED_DB = Path(__file__).resolve().parent.parent / "indicators.db"  # the committed store
SQLITE_HEADER = b"SQLite format 3\x00"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
LOG_FORMATS = ("text", "json")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is safe to print."""


@dataclass(frozen=True)
class LogSettings:
    sdgbot_log_level: str = "WARNING"
    sdgbot_log_format: str = "text"


def log_level_problem(value: object) -> tuple[str, str | None]:
    """The level as used (upper case), and what is wrong with it, if anything."""
    level = str(value).strip().upper()
    return level, None if level in LOG_LEVELS else f"must be one of {', '.join(LOG_LEVELS)}"


def log_format_problem(value: object) -> tuple[str, str | None]:
    """The format as used (lower case, blank is text), and what is wrong, if anything."""
    fmt = str(value).strip().lower() or "text"
    return fmt, None if fmt in LOG_FORMATS else f"must be one of {', '.join(LOG_FORMATS)}"


def load_log_settings() -> LogSettings:
    """SDGBOT_LOG_LEVEL and SDGBOT_LOG_FORMAT only; SettingsError when either is bad."""
    environ = {name.lower(): value for name, value in os.environ.items()}
    values, lines = {}, []
    for name, check in (
        ("sdgbot_log_level", log_level_problem),
        ("sdgbot_log_format", log_format_problem),
    ):
        if name in environ:
            values[name], problem = check(environ[name])
            if problem:
                lines.append(f"  {name.upper()}: {problem}")
    if lines:
        raise SettingsError("invalid settings:\n" + "\n".join(lines))
    return LogSettings(**values)
