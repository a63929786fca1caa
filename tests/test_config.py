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


# -- bad settings stop the bot at start: a few lines naming the variable, no traceback ----


def _bad_stores(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Store files that cannot be loaded, each with what the message says."""
    import shutil
    import sqlite3

    good = BUNDLED_DB.read_bytes()
    made: dict[str, tuple[Path, str]] = {}

    def put(name: str, data: bytes, says: str) -> Path:
        path = tmp_path / f"{name}.db"
        path.write_bytes(data)
        made[name] = (path, says)
        return path

    put("zero bytes", b"", "is empty (0 bytes)")
    put("text", b"hello, not a database\n", "is not an SQLite database")
    put("truncated", good[: len(good) // 2], "is corrupt")
    damaged = bytearray(good)
    for at in range(8192, len(damaged), 4096):
        damaged[at + 8 : at + 2000] = bytes(1992)
    put("corrupt", bytes(damaged), "is corrupt")
    empty = put("empty database", b"", "is an empty database (no tables)")
    empty.unlink()
    sqlite3.connect(empty).execute("VACUUM").connection.close()
    other = put("another schema", b"", "has another schema: no table")
    other.unlink()
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE users (id INTEGER, name TEXT)")
    conn.close()
    older = put("a missing column", b"", "has another schema: table indicator has no unit")
    shutil.copy(BUNDLED_DB, older)
    with sqlite3.connect(older) as conn:
        conn.execute("ALTER TABLE indicator DROP COLUMN unit")
    conn.close()
    made["a directory"] = (tmp_path, "is a directory")
    made["missing"] = (tmp_path / "none.db", "not found")
    return made


STORES = ["zero bytes", "text", "truncated", "corrupt", "empty database", "another schema",
          "a missing column", "a directory", "missing"]  # fmt: skip


@pytest.mark.parametrize("case", STORES)
def test_a_bad_store_stops_run_in_a_line_naming_sdgbot_db(case, tmp_path, monkeypatch, capsys):
    path, says = _bad_stores(tmp_path)[case]
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SDGBOT_UNANSWERED", str(tmp_path / "u" / "u.jsonl"))
    assert run(db=path) == 2
    err = capsys.readouterr().err
    assert "SDGBOT_DB: " in err and says in err and str(path) in err, err
    assert "Traceback" not in err and len(err.splitlines()) <= 3


@pytest.mark.parametrize("case", ["corrupt", "another schema", "zero bytes"])
def test_health_and_ask_say_what_is_wrong_with_the_store(case, tmp_path, capsys):
    from bot import cli

    path, says = _bad_stores(tmp_path)[case]
    assert cli.main(["--db", str(path), "health"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("unhealthy: SDGBOT_DB: ") and says in out and len(out.splitlines()) == 1
    assert cli.main(["--db", str(path), "ask", "8.7.1"]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_a_path_with_hash_question_mark_and_percent_opens_read_only(tmp_path):
    """The file is opened by its name: a `#` or `?` is not the start of a URI's fragment
    or query (which would lose mode=ro)."""
    import shutil
    import sqlite3

    from bot.knowledge import store

    path = tmp_path / "a#b?mode=rwc&c%41 d.db"
    shutil.copy(BUNDLED_DB, path)
    assert len(store.load_path(path).indicators) == 20
    conn = store.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("UPDATE indicator SET name = 'x'")
    conn.close()
    assert path.read_bytes() == BUNDLED_DB.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no stray file made


def _unwritable(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    import os

    (tmp_path / "file").write_text("x")
    cases = {
        "a directory": (tmp_path, "is a directory"),
        "under a file": (tmp_path / "file" / "u.jsonl", "is not a directory"),
        "sysfs": (Path("/sys/sdgbot-unanswered.jsonl"), "cannot write"),
        "the store by name": (BUNDLED_DB, "is SDGBOT_DB"),
        "another sqlite file": (tmp_path / "copy.db", "is an SQLite database"),
    }
    (tmp_path / "copy.db").write_bytes(BUNDLED_DB.read_bytes()[:4096])
    link = tmp_path / "link.jsonl"
    link.symlink_to(BUNDLED_DB)
    cases["a link to the store"] = (link, "is SDGBOT_DB")
    if os.geteuid() != 0:  # root writes anywhere: then only the cases above tell
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        cases["a read-only folder"] = (locked / "u.jsonl", "Permission denied")
    return cases


@pytest.mark.parametrize(
    "case",
    ["a directory", "under a file", "sysfs", "the store by name", "another sqlite file",
     "a link to the store", "a read-only folder"],
)  # fmt: skip
def test_an_unanswered_log_that_cannot_be_written_stops_run(case, tmp_path, monkeypatch, capsys):
    cases = _unwritable(tmp_path)
    if case not in cases:
        pytest.skip("running as root: a read-only folder is writable")
    path, says = cases[case]
    if case == "sysfs" and not Path("/sys").is_dir():
        pytest.skip("no /sys here")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SDGBOT_UNANSWERED", str(path))
    assert run(db=BUNDLED_DB) == 2
    err = capsys.readouterr().err
    assert "SDGBOT_UNANSWERED: " in err and says in err, err
    assert "Traceback" not in err and len(err.splitlines()) <= 3
    assert not (tmp_path / "file").is_dir()  # nothing was created on the way
    from bot import cli

    assert cli.main(["health"]) == 1
    assert "SDGBOT_UNANSWERED" in capsys.readouterr().out


def test_the_writable_check_leaves_nothing_behind(tmp_path):
    from bot.config import writable_problem

    target = tmp_path / "var" / "deep" / "u.jsonl"
    assert writable_problem(target) is None
    assert list(tmp_path.iterdir()) == []


async def test_a_state_write_that_fails_later_is_logged_once_and_answers_go_on(tmp_path,
                                                                             caplog):  # fmt: skip
    import sqlite3

    from bot.telegram.state import Store
    from bot.telegram.state_sqlite import SQLiteBackend
    from bot.telegram.unanswered import Unanswered

    store = Store(SQLiteBackend(tmp_path / "state.db"))

    async def full(*_):  # e.g. the disk filled after the start
        raise sqlite3.OperationalError("database or disk is full")

    store.backend.add = full
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            assert Unanswered(store).record("量子糾纏", "not_found") is True  # queued at once
            await store.flush()
    [line] = caplog.records
    assert "cannot write the state" in line.getMessage() and not line.exc_info


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SDGBOT_LOG_LEVEL", "LOUD", "must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG"),
        ("SDGBOT_LOG_FORMAT", "xml", "must be one of text, json"),
    ],
)
@pytest.mark.parametrize("command", [["ask", "8.7.1"], ["table"], ["run"]])
def test_a_bad_log_setting_stops_every_command_naming_it(name, value, says, command,
                                                         monkeypatch, capsys):  # fmt: skip
    from bot import cli

    monkeypatch.setenv(name, value)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert cli.main(command) == 2
    captured = capsys.readouterr()
    assert f"{name}: {says}" in captured.err and captured.out == ""
    assert "Traceback" not in captured.err and len(captured.err.splitlines()) <= 3
    assert cli.main(["health"]) == 1  # Docker's HEALTHCHECK: 1 is unhealthy, 2 is reserved
    assert name in capsys.readouterr().out


BAD = [
    ({"SDGBOT_LOG_LEVEL": "LOUD"}, "SDGBOT_LOG_LEVEL: must be one of"),
    ({"SDGBOT_DB": "{tmp}/zero.db"}, "SDGBOT_DB: {tmp}/zero.db is empty (0 bytes)"),
    ({"SDGBOT_DB": "{tmp}/none.db"}, "SDGBOT_DB: database file {tmp}/none.db not found"),
    ({"SDGBOT_UNANSWERED": str(BUNDLED_DB)}, "SDGBOT_UNANSWERED: "),
    ({"TELEGRAM_BASE_URL": "http://"}, "TELEGRAM_BASE_URL: has no host"),
    ({"TELEGRAM_BASE_URL": "http://127.0.0.1:65536/bot"}, "TELEGRAM_BASE_URL: has a port"),
    ({"TELEGRAM_BOT_TOKEN": "x" * 30}, "TELEGRAM_BOT_TOKEN: does not look like"),
    ({"SDGBOT_REDIS_URL": "http://redis:6379"}, "SDGBOT_REDIS_URL: must start with redis://"),
    ({"SDGBOT_REDIS_URL": "redis://:hunter2@redis:99999/0", "SDGBOT_STATE_SECRET": "s" * 20},
     "SDGBOT_REDIS_URL: has a port that is not a number"),
    ({"SDGBOT_REDIS_URL": "redis://redis/x", "SDGBOT_STATE_SECRET": "s" * 20},
     "SDGBOT_REDIS_URL: has a database that is not a number"),
    ({"SDGBOT_REDIS_URL": "redis://redis:6379/0"}, "SDGBOT_STATE_SECRET: must be set with"),
    ({"SDGBOT_STATE_SECRET": "short"}, "SDGBOT_STATE_SECRET: must be at least 16"),
    ({"SDGBOT_STATE": str(BUNDLED_DB)}, "SDGBOT_STATE: "),
    ({"SDGBOT_STATE": "{tmp}"}, "SDGBOT_STATE: {tmp} is a directory"),
    ({"SDGBOT_STATE": "{tmp}/zero.db.txt"}, "SDGBOT_STATE: {tmp}/zero.db.txt is not an SQLite"),
    ({"SDGBOT_ADMINS": "12,alice"}, "SDGBOT_ADMINS: must be Telegram user ids"),
    ({"SDGBOT_UNANSWERED_DAYS": "0"}, "SDGBOT_UNANSWERED_DAYS: must be a whole number"),
]  # fmt: skip


@pytest.mark.parametrize(("env", "says"), BAD, ids=[next(iter(e)) for e, _ in BAD])
def test_sdgbot_run_with_a_bad_setting_exits_2_in_a_few_lines(env, says, tmp_path):
    """As a process, the way Docker runs it: exit 2, at most 3 lines, no traceback."""
    import os
    import subprocess
    import sys

    (tmp_path / "zero.db").write_bytes(b"")
    (tmp_path / "zero.db.txt").write_text("not a database")
    values = {k: v.format(tmp=tmp_path) for k, v in env.items()}
    full = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN,
                SDGBOT_UNANSWERED=str(tmp_path / "u.jsonl")) | values  # fmt: skip
    full.pop("SDGBOT_DB", None) if "SDGBOT_DB" not in values else None
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "run"], env=full, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert says.format(tmp=tmp_path) in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) <= 3
    assert TOKEN.split(":")[1] not in proc.stderr and "hunter2" not in proc.stderr
