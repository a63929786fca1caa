"""Shared fixtures: the bundled store loaded once, and a fresh engine over it."""

import contextlib
from pathlib import Path

import pytest

from bot.config import BUNDLED_DB
from bot.engine.engine import Engine
from bot.knowledge.store import load_path
from bot.knowledge.values import Knowledge

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
REPORT = KNOWLEDGE / "report" / "mol-sdg-vdr-2025.md"
DATA = Path(__file__).resolve().parent / "data"
VAGUE = "青年"  # a bare topic word: the `vague` fixture makes it a did-you-mean answer


@pytest.fixture
async def api():
    """A fake Telegram Bot API server on 127.0.0.1 (tests/fake_bot_api.py)."""
    from tests.fake_bot_api import FakeBotApi

    server = await FakeBotApi().start()
    yield server
    await server.stop()


def fake_settings(api, tmp_path: Path, **overrides):
    """Settings for a bot that talks to the fake Bot API and logs into tmp_path."""
    from bot.config import Settings
    from tests.fake_bot_api import TOKEN

    values = {
        "telegram_bot_token": TOKEN,
        "telegram_base_url": api.base_url,
        "telegram_base_file_url": api.base_file_url,
        "sdgbot_unanswered": tmp_path / "unanswered.jsonl",
    }
    return Settings(**(values | overrides))


@contextlib.asynccontextmanager
async def polling(application, *, post_init: bool = False, timeout: float = 1.0, **options):
    """The application as `sdgbot run` runs it (initialize, start, the poller of
    bot.telegram.polling), then stopped as on SIGTERM: polling ends, the backlog is
    answered, the last batch confirmed. Yields the application; its poller is
    `application.bot_data["poller"]` (options: the Poller's, e.g. give_up)."""
    import asyncio

    from bot.telegram.app import poller
    from bot.telegram.polling import finish, start

    stop = asyncio.Event()
    assert await start(application, stop, retries=0, post_init=post_init)
    loop = application.bot_data["poller"] = poller(application, timeout=timeout, **options)
    task = asyncio.create_task(loop.run(stop))
    try:
        yield application
    finally:
        stop.set()
        await task
        await finish(application, loop, 30.0)
        await application.shutdown()


async def feed(app, api, update: dict, *, some: bool = False) -> list:
    """Process one update; the Bot API calls it caused, every one accepted by the fake
    Telegram (and, with some=True, at least one)."""
    from telegram import Update

    before = len(api.calls)
    await app.process_update(Update.de_json(update, app.bot))
    calls = api.calls[before:]
    assert all(c.status == 200 for c in calls), [(c.method, c.result) for c in calls]
    assert calls or not some
    return calls


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_path(BUNDLED_DB)


@pytest.fixture(scope="session")
def engine(knowledge: Knowledge) -> Engine:
    return Engine(knowledge)


@pytest.fixture
def vague(engine, monkeypatch) -> str:
    """VAGUE answered with did-you-mean choices whatever the fitted weights decide, for tests
    of how choices are shown and pressed (the decision itself is tested in test_decide)."""
    real = engine.answer

    def answer(question: str, context=None):
        if question != VAGUE:
            return real(question, context)
        options = [engine.cards.match("indicator", i, 80.0) for i in ("8.6.1", "8.6.2", "4.4.3")]
        return engine.cards.candidates(question, options)

    monkeypatch.setattr(engine, "answer", answer)
    return VAGUE


@pytest.fixture(scope="session")
def report_text() -> str:
    return REPORT.read_text(encoding="utf-8")


def type_lines(monkeypatch, lines: list[str]) -> None:
    """`input()` returns these lines, then end of input (Ctrl-D), as a console user types."""
    typed = iter(lines)

    def read(prompt: str = "") -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", read)


# -- the state store: SQLite (the default) or a real redis-server (`--state redis`) -------

STATE_SECRET = "test-state-secret-0123456789"


def pytest_addoption(parser):
    parser.addoption("--state", choices=("sqlite", "redis"), default="sqlite",
                     help="run the suite with the state in SQLite (default) or a redis-server "
                          "the tests start (SDGBOT_REDIS_URL)")  # fmt: skip


def redis_binary() -> str | None:
    import shutil

    return shutil.which("redis-server")


@contextlib.contextmanager
def redis_server():
    """A redis-server of our own on a free loopback port, no persistence; its URL."""
    import socket
    import subprocess
    import tempfile
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        proc = subprocess.Popen(
            [redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", folder, "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("redis-server did not start") from None
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0", proc
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server for the session (skipped, saying why, without the binary)."""
    if redis_binary() is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with redis_server() as (url, _):
        yield url


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushall()
    client.close()


@pytest.fixture(autouse=True)
def state_backend(request, monkeypatch) -> str:
    """With `--state redis`: every test's bot (in-process or `sdgbot run`) keeps its state
    in a redis-server the session started, emptied before each test."""
    if request.config.getoption("--state") != "redis":
        return "sqlite"
    url = request.getfixturevalue("redis_url")
    flush_redis(url)
    monkeypatch.setenv("SDGBOT_REDIS_URL", url)
    monkeypatch.setenv("SDGBOT_STATE_SECRET", STATE_SECRET)
    return "redis"


def store_of(app):
    """The state store of an application built by build_application."""
    from bot.telegram.services import SERVICES

    return app.bot_data[SERVICES].sessions.store


async def records_of(app) -> list:
    """The unanswered records the application's store keeps (written first)."""
    return await store_of(app).records()


async def state_dump(app) -> str:
    """Everything the store holds (keys, values, records), written first, as text."""
    store = store_of(app)
    await store.flush()
    backend = store.backend
    if backend.name == "redis":
        r = backend.link.client
        out = []
        for key in await r.keys("*"):
            kind = await r.type(key)
            value = await (r.get(key) if kind == "string" else r.zrange(key, 0, -1))
            out.append(f"{key} {value}")
        return "\n".join(out)
    import sqlite3

    con = sqlite3.connect(backend.path)
    try:
        rows = [*con.execute("SELECT * FROM kv"), *con.execute("SELECT * FROM records")]
    finally:
        con.close()
    return "\n".join(map(repr, rows))
