"""Settings from the environment, validated at start; the bot token is kept secret.

The token is a `SecretStr`: it never appears in `repr`, `str`, logs or validation
errors (`hide_input_in_errors`). `load_settings` turns a validation failure into a
`SettingsError` whose message names the variable and the rule, never the value.
"""

import logging
import re
from pathlib import Path

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_DB = Path(__file__).resolve().parent.parent / "indicators.db"  # the committed store
TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,80}$")
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is safe to print."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        case_sensitive=False,
        extra="ignore",
        hide_input_in_errors=True,  # a bad token must not be echoed in the error
        frozen=True,
    )

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = None  # e.g. http://127.0.0.1:8081/bot (token appended)
    telegram_base_file_url: str | None = None
    sdgbot_db: Path = BUNDLED_DB
    sdgbot_log_level: str = "WARNING"
    sdgbot_unanswered: Path = Path("var/unanswered.jsonl")
    telegram_webhook_secret: SecretStr | None = (
        None  # webhook mode: X-Telegram-Bot-Api-Secret-Token
    )
    sdgbot_poll_give_up: float = 600.0  # seconds of failing getUpdates, then exit 1
    sdgbot_heartbeat: Path | None = None  # default: heartbeat.json beside SDGBOT_UNANSWERED
    sdgbot_heartbeat_max_age: float = 120.0  # seconds without one: `sdgbot health` fails

    @field_validator("sdgbot_poll_give_up", "sdgbot_heartbeat_max_age", mode="before")
    @classmethod
    def _seconds(cls, value: object) -> object:
        try:
            seconds = float(str(value).strip())
        except ValueError:
            raise ValueError("must be a number of seconds") from None
        if not 1 <= seconds <= 86_400:
            raise ValueError("must be from 1 to 86400 seconds")
        return seconds

    @field_validator("sdgbot_heartbeat", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def heartbeat_path(self) -> Path:
        return self.sdgbot_heartbeat or self.sdgbot_unanswered.with_name("heartbeat.json")

    @field_validator("telegram_webhook_secret", mode="before")
    @classmethod
    def _secret_shape(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip() or None
        if isinstance(value, str) and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_RE.match(value.get_secret_value().strip()):
            raise ValueError("does not look like a BotFather token (digits, a colon, a secret)")
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @field_validator("telegram_base_url", "telegram_base_file_url", mode="before")
    @classmethod
    def _url_shape(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip() or None
        if isinstance(value, str) and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("sdgbot_db")
    @classmethod
    def _db_exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"database file {value} not found; run `sdgbot build`")
        return value

    @field_validator("sdgbot_log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        level = str(value).strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @property
    def log_level(self) -> int:
        return logging.getLevelName(self.sdgbot_log_level)

    def token(self) -> str | None:
        """The raw token, for ApplicationBuilder only."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


def load_settings(**overrides: object) -> Settings:
    """Read the environment (overrides win); raise SettingsError with a safe message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)
        ]
        raise SettingsError("invalid settings:\n" + "\n".join(lines)) from None
