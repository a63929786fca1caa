"""Webhook mode end to end: updates POSTed to the bot's server on 127.0.0.1 are answered
through the fake Bot API; a request with a wrong or missing secret is rejected."""

import asyncio
import json
import socket

import httpx
import pytest

from bot.telegram.app import build_application
from bot.telegram.webhook import Webhook, check_url
from tests.conftest import fake_settings
from tests.fake_bot_api import TOKEN
from tests.tg_updates import private_text

SECRET = "s3cret-Token_1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def served(api, engine, tmp_path):
    settings = fake_settings(api, tmp_path, telegram_webhook_secret=SECRET)
    app = build_application(settings, engine)
    hook = Webhook("https://bot.example.org/telegram/hook", "127.0.0.1", free_port())
    await app.initialize()
    await app.updater.start_webhook(
        listen=hook.listen,
        port=hook.port,
        url_path=hook.path,
        webhook_url=hook.url,
        secret_token=SECRET,
    )
    await app.start()
    yield api, f"http://127.0.0.1:{hook.port}/{hook.path}"
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


async def post(url: str, update: dict, secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=json.dumps(update), headers={
            "Content-Type": "application/json", **headers})  # fmt: skip
        return response.status_code


async def test_webhook_answers_posted_updates_and_rejects_wrong_secrets(served):
    api, url = served
    [registered] = api.of("setWebhook")
    assert registered.params["url"] == "https://bot.example.org/telegram/hook"
    assert registered.params["secret_token"] == SECRET

    assert await post(url, private_text("職災死亡千人率多少"), SECRET) == 200
    [sent] = await api.wait_for("sendMessage", 1)
    assert "0.022" in sent.params["text"]

    assert await post(url, private_text("勞保年金"), "wrong") == 403
    assert await post(url, private_text("勞保年金"), None) == 403
    await asyncio.sleep(0.3)
    assert len(api.of("sendMessage")) == 1  # rejected updates are never handled

    assert await post(url, private_text("勞保年金"), SECRET) == 200
    replies = await api.wait_for("sendMessage", 2)
    assert "1,931,013" in replies[-1].params["text"]


def test_webhook_url_checks():
    assert check_url("https://bot.example.org/hook") is None
    assert check_url("bot.example.org/hook")
    assert Webhook("https://x.org/a/b").path == "a/b"


def test_run_refuses_a_webhook_without_secret(monkeypatch, capsys):
    from bot.config import BUNDLED_DB
    from bot.telegram.app import run

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    assert run(BUNDLED_DB, Webhook("https://x.org/hook")) == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().err
