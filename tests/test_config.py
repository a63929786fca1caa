"""Settings: read from the environment, validated early, the token never shown."""

import io
import logging
from pathlib import Path

import pytest

from bot.config import BUNDLED_DB, Settings, SettingsError, load_settings
from bot.logs import RedactSecret
from bot.telegram.app import configure_logging, run

TOKEN = "987654321:AAFsecretsecretsecretsecretsecret12"
ENV = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "TELEGRAM_BASE_FILE_URL", "SDGBOT_DB",
       "SDGBOT_LOG_LEVEL", "SDGBOT_UNANSWERED")  # fmt: skip


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def test_defaults_without_environment():
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.token() is None
    assert settings.sdgbot_db == BUNDLED_DB
    assert settings.sdgbot_log_level == "WARNING"
    assert settings.sdgbot_unanswered == Path("var/unanswered.jsonl")


def test_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f"  {TOKEN} ")
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("SDGBOT_LOG_LEVEL", "debug")
    monkeypatch.setenv("SDGBOT_UNANSWERED", str(tmp_path / "u.jsonl"))
    settings = load_settings()
    assert settings.token() == TOKEN
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert settings.log_level == logging.DEBUG
    assert settings.sdgbot_unanswered == tmp_path / "u.jsonl"


def test_token_never_in_repr_str_or_dump(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = load_settings()
    secret = TOKEN.split(":")[1]
    for shown in (
        repr(settings),
        str(settings),
        settings.model_dump_json(),
        str(settings.model_dump()),
        f"{settings}",
        repr(settings.telegram_bot_token),
    ):
        assert secret not in shown  # fmt: skip


def test_a_malformed_token_is_refused_without_echoing_it(monkeypatch):
    bad = "not-a-token-but-still-a-secret-value-123"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", bad)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "TELEGRAM_BOT_TOKEN" in message
    assert bad not in message and bad not in repr(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_blank_token_counts_as_unset(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "   ")
    assert load_settings().telegram_bot_token is None


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SDGBOT_DB", "/nonexistent/indicators.db", "not found"),
        ("SDGBOT_LOG_LEVEL", "LOUD", "must be one of"),
        ("TELEGRAM_BASE_URL", "ftp://example", "http://"),
    ],
)
def test_bad_settings_fail_early_with_a_clear_message(monkeypatch, name, value, says):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert name in str(caught.value) and says in str(caught.value)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://", "has no host"),
        ("https://:8081/bot", "has no host"),
        ("ftp://127.0.0.1/bot", "http://"),
        ("127.0.0.1:8081/bot", "http://"),
        ("http://127.0.0.1:70000/bot", "port"),
        ("http://127.0.0.1:0/bot", "port"),
        ("http://127.0.0.1:80a/bot", "port"),
        (f"http://{TOKEN}/bot", "port"),  # the token pasted in: never echoed
        ("http://exa mple.org/bot", "spaces"),
        ("http://bad_host!/bot", "host"),
        ("http://[::1/bot", "not a URL"),
        ("http://u:p@127.0.0.1/bot", "user name"),
        ("http://127.0.0.1/bot?x=1", "query"),
        ("http://127.0.0.1/bot#", "fragment"),
    ],
)
@pytest.mark.parametrize("name", ["TELEGRAM_BASE_URL", "TELEGRAM_BASE_FILE_URL"])
def test_base_urls_are_validated_in_full(monkeypatch, name, url, says):
    monkeypatch.setenv(name, url)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert f"{name}: " in message and says in message, message
    example = "e.g. http://127.0.0.1:8081/bot"
    assert url not in message.replace(example, "") and TOKEN.split(":")[1] not in message
    assert len(message.splitlines()) == 2


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8081/bot", "https://api.example.org/bot", "http://[::1]:8081/bot",
     "http://telegram_bot_api:8081/bot", "http://localhost/bot/"],
)  # fmt: skip
def test_good_base_urls_pass(monkeypatch, url):
    monkeypatch.setenv("TELEGRAM_BASE_URL", url)
    assert load_settings().telegram_base_url == url


def test_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("SDGBOT_DB", "/nonexistent.db")
    assert load_settings(sdgbot_db=BUNDLED_DB).sdgbot_db == BUNDLED_DB


def test_redaction_filter_hides_the_token_in_messages_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecret(TOKEN))
    logger = logging.getLogger("test.redact")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"failed for url /bot{TOKEN}/sendMessage")
        except RuntimeError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert TOKEN not in out
    assert out.count("<token>") == 2 and "RuntimeError" in out


def test_configure_logging_installs_the_filter_on_root_handlers(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    level = root.level
    try:
        configure_logging(load_settings())
        logging.getLogger("telegram.x").warning("token %s", TOKEN)
        assert logging.getLogger("httpx").level >= logging.WARNING
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert TOKEN not in stream.getvalue() and "<token>" in stream.getvalue()


def test_run_without_a_token_explains_and_returns_2(capsys):
    assert run(db=BUNDLED_DB) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN is not set" in err and "sdgbot chat" in err


def test_run_with_bad_settings_returns_2_without_the_token(monkeypatch, capsys):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "x" * 30)
    assert run(db=BUNDLED_DB) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err and "x" * 30 not in err


def test_settings_are_frozen(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings: Settings = load_settings()
    with pytest.raises(ValueError):
        settings.sdgbot_log_level = "DEBUG"
