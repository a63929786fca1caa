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
