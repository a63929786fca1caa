"""Settings from the environment, validated at start; the bot token is kept secret.

The token is a `SecretStr`: it never appears in `repr`, `str`, logs or validation
errors (`hide_input_in_errors`). `load_settings` turns a validation failure into a
`SettingsError` of one line a bad setting, naming the variable and what is wrong,
never a secret or a URL (a path is named: it is no secret).

Checked here: the token's shape, base URLs in full, the log level and format, that
SDGBOT_DB is a file, that SDGBOT_UNANSWERED can be appended to and is not the store; the
state (bot.telegram.state): SDGBOT_STATE an SQLite file that can be written and is not the
store, SDGBOT_REDIS_URL a redis:// rediss:// or unix:// URL (never quoted back: it may
hold a password), SDGBOT_STATE_SECRET set with it, the admins' user ids, the days kept.
What is inside the store is checked when it is loaded (bot.knowledge.store.StoreError).
"""

import ipaddress
import logging
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.env import (  # noqa: F401 - re-exported: what every command reads first
    BUNDLED_DB,
    LOG_FORMATS,
    LOG_LEVELS,
    SQLITE_HEADER,
    SettingsError,
    load_log_settings,
    log_format_problem,
    log_level_problem,
)

TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,80}$")
UNANSWERED = Path("var/unanswered.jsonl")
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


def redis_url_problem(url: str) -> str | None:
    """What is wrong with SDGBOT_REDIS_URL, or None. Never quoted back (a password)."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a redis:// URL (e.g. redis://redis:6379/0)"
    try:
        port = parts.port
    except ValueError:
        return "has a port that is not a number from 1 to 65535"
    scheme = parts.scheme.lower()
    if scheme == "unix":
        return None if parts.path else "unix:// needs the socket's path (unix:///run/redis.sock)"
    if scheme not in ("redis", "rediss"):
        return "must start with redis://, rediss:// or unix://"
    host = parts.hostname or ""
    if not host:
        return "has no host (e.g. redis://redis:6379/0)"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not HOST_RE.match(host) or len(host) > 253:
            return "has a host that is not a valid name or IP address"
    if port is not None and not 1 <= port <= 65535:
        return "has a port that is not a number from 1 to 65535"
    db = parts.path.strip("/")
    if db and not (db.isascii() and db.isdigit() and int(db) < 10_000):
        return "has a database that is not a number (redis://host:6379/0)"
    return None


def state_problem(path: Path) -> str | None:
    """Why the state file (SQLite) cannot be used, or None: tried for real like the log."""
    try:
        if path.is_dir():
            return f"{path} is a directory, not a file"
        if path.exists() and path.stat().st_size:
            with path.open("rb") as fh:
                if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    return f"{path} is not an SQLite database"
    except OSError as exc:
        return f"cannot use {path}: {exc.strerror or exc}"
    return writable_problem(path, sqlite_ok=True)


def same_file(a: Path, b: Path) -> bool:
    """The same file, by name or (both existing) by inode: a link to the store counts."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def writable_problem(path: Path, *, sqlite_ok: bool = False) -> str | None:
    """Why the unanswered log cannot be appended to, or None. Tried for real (an existing
    file opened for appending, else a temporary file made and removed in the nearest
    existing folder), so a read-only mount or /proc is caught even when run as root.
    Nothing is written or left behind."""
    try:
        if path.is_dir():
            return f"{path} is a directory, not a file"
        if path.exists():
            with path.open("rb") as fh:
                if fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER and not sqlite_ok:
                    return f"{path} is an SQLite database, not the unanswered log"
            with path.open("ab"):
                return None
        folder = path.absolute().parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir():
            return f"cannot create {path}: {folder} is not a directory"
        with tempfile.TemporaryFile(dir=folder):
            return None
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"


class LogSettings(BaseSettings):
    """What logging needs, read first by every command: a bad value stops it at once."""

    model_config = SettingsConfigDict(
        case_sensitive=False,
        extra="ignore",
        hide_input_in_errors=True,  # a bad token must not be echoed in the error
        frozen=True,
    )

    sdgbot_log_level: str = "WARNING"
    sdgbot_log_format: str = "text"

    @field_validator("sdgbot_log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        level, problem = log_level_problem(value)
        if problem:
            raise ValueError(problem)
        return level

    @field_validator("sdgbot_log_format", mode="before")
    @classmethod
    def _format(cls, value: object) -> object:
        fmt, problem = log_format_problem(value)
        if problem:
            raise ValueError(problem)
        return fmt


class Settings(LogSettings):
    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = None  # e.g. http://127.0.0.1:8081/bot (token appended)
    telegram_base_file_url: str | None = None
    sdgbot_db: Path = BUNDLED_DB
    sdgbot_unanswered: Path = UNANSWERED
    telegram_webhook_secret: SecretStr | None = (
        None  # webhook mode: X-Telegram-Bot-Api-Secret-Token
    )
    sdgbot_poll_give_up: float = 600.0  # seconds of failing getUpdates, then exit 1
    sdgbot_heartbeat: Path | None = None  # default: heartbeat.json beside SDGBOT_UNANSWERED
    sdgbot_heartbeat_max_age: float = 120.0  # seconds without one: `sdgbot health` fails
    sdgbot_state: Path | None = None  # default: state.db beside SDGBOT_UNANSWERED
    sdgbot_redis_url: SecretStr | None = None  # several replicas: the state in Redis
    sdgbot_state_secret: SecretStr | None = None  # keys the digests of user ids
    sdgbot_unanswered_days: int = 90  # unanswered / not helpful kept this long
    sdgbot_admins: str = ""  # user ids that may use /unanswered, comma-separated

    @field_validator("sdgbot_redis_url", "sdgbot_state_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("sdgbot_redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and (problem := redis_url_problem(value.get_secret_value().strip())):
            raise ValueError(problem)
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @field_validator("sdgbot_state_secret")
    @classmethod
    def _secret_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < 16:
            raise ValueError("must be at least 16 characters (e.g. openssl rand -hex 32)")
        return value

    @field_validator("sdgbot_unanswered_days", mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 3650):
            raise ValueError("must be a whole number of days from 1 to 3650")
        return int(text)

    @field_validator("sdgbot_admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> object:
        ids = [part.strip() for part in str(value).replace(";", ",").split(",") if part.strip()]
        if not all(re.fullmatch(r"\d{1,20}", i) for i in ids):
            raise ValueError("must be Telegram user ids (numbers) separated by commas")
        return ",".join(ids)

    @property
    def admins(self) -> frozenset[int]:
        return frozenset(int(i) for i in self.sdgbot_admins.split(",") if i)

    @property
    def state_path(self) -> Path:
        return self.sdgbot_state or self.sdgbot_unanswered.with_name("state.db")

    def redis_url(self) -> str | None:
        """The raw URL (it may hold a password), for the Redis client only."""
        return self.sdgbot_redis_url.get_secret_value() if self.sdgbot_redis_url else None

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

    @field_validator("sdgbot_heartbeat", "sdgbot_state", mode="before")
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
        if isinstance(value, str) and (problem := url_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("sdgbot_db", "sdgbot_unanswered", mode="before")
    @classmethod
    def _blank_path_is_default(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str) and not value.strip():
            return BUNDLED_DB if info.field_name == "sdgbot_db" else UNANSWERED
        return value

    @field_validator("sdgbot_db")
    @classmethod
    def _db_exists(cls, value: Path) -> Path:
        try:
            if value.is_dir():
                raise ValueError(f"{value} is a directory, not the database file")
            if not value.is_file():
                raise ValueError(f"database file {value} not found; run `sdgbot build`")
        except OSError as exc:
            raise ValueError(f"cannot use {value}: {exc.strerror or exc}") from None
        return value

    @model_validator(mode="after")
    def _log_writable_and_not_the_db(self) -> "Settings":
        log = self.sdgbot_unanswered
        if same_file(log, self.sdgbot_db):
            problem = f"{log} is SDGBOT_DB; the unanswered log must be a file of its own"
        else:
            problem = writable_problem(log)
        if problem:
            raise ValueError(f"SDGBOT_UNANSWERED: {problem}")
        return self

    @model_validator(mode="after")
    def _state_usable(self) -> "Settings":
        if self.sdgbot_redis_url is not None:
            if self.sdgbot_state_secret is None:
                raise ValueError("SDGBOT_STATE_SECRET: must be set with SDGBOT_REDIS_URL (every "
                                 "replica keys the digests of user ids with it)")  # fmt: skip
            return self  # no state file is written
        state = self.state_path
        if same_file(state, self.sdgbot_db) or same_file(state, self.sdgbot_unanswered):
            problem = (
                f"{state} is SDGBOT_DB or SDGBOT_UNANSWERED; the state needs a file of its own"
            )
        else:
            problem = state_problem(state)
        if problem:
            raise ValueError(f"SDGBOT_STATE: {problem}")
        return self

    @property
    def log_level(self) -> int:
        return logging.getLevelName(self.sdgbot_log_level)

    def token(self) -> str | None:
        """The raw token, for ApplicationBuilder only."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


def _errors(exc: ValidationError) -> SettingsError:
    """One line a bad setting: its variable, then what is wrong (never its value)."""
    lines = []
    for err in exc.errors(include_input=False, include_url=False):
        name = ".".join(str(p) for p in err["loc"]).upper()
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"  {name}: {msg}" if name else f"  {msg}")
    return SettingsError("invalid settings:\n" + "\n".join(lines))


def load_settings(**overrides: object) -> Settings:
    """Read the environment (overrides win); raise SettingsError with a safe message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise _errors(exc) from None
