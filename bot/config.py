"""Settings from the environment, validated at start; the bot token is kept secret.

The token is a `SecretStr`: it never appears in `repr`, `str`, logs or validation
errors (`hide_input_in_errors`). `load_settings` turns a validation failure into a
`SettingsError` whose message names the variable and the rule, never the value.
"""

import ipaddress
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_DB = Path(__file__).resolve().parent.parent / "indicators.db"  # the committed store
TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,80}$")
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


LABEL = r"[A-Za-z0-9_][A-Za-z0-9_-]{0,62}"  # a host name's label (docker names may have _)
HOST_RE = re.compile(rf"^{LABEL}(\.{LABEL})*\.?$")


def url_problem(url: str) -> str | None:
    """What is wrong with a base URL (the token is appended to it), or None. The URL
    itself is never quoted back: it may hold the token."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        return "is not a URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "must start with http:// or https://"
    if parts.username is not None or parts.password is not None:
        return "must not hold a user name or password"
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return "must not have a query (?) or a fragment (#): the token is appended to it"
    host = parts.hostname or ""
    if not host:
        return "has no host (e.g. http://127.0.0.1:8081/bot)"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not HOST_RE.match(host) or len(host) > 253:
            return "has a host that is not a valid name or IP address"
    try:
        port = parts.port
    except ValueError:
        return "has a port that is not a number from 1 to 65535"
    if port is not None and not 1 <= port <= 65535:
        return "has a port that is not a number from 1 to 65535"
    return None


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
        if isinstance(value, str) and (problem := url_problem(value)):
            raise ValueError(problem)
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
            f"  {'.'.join(str(p) for p in err['loc']).upper()}: "
            f"{err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors(include_input=False, include_url=False)
        ]
        raise SettingsError("invalid settings:\n" + "\n".join(lines)) from None
