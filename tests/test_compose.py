"""compose.yaml, the reference deployment the README describes: two bot replicas of the
image in webhook mode sharing Redis, behind a proxy that routes by chat. (No Docker engine
here: its shape is checked, and the same setup runs as processes in
tests/telegram/test_state_e2e.py and benchmarks/replicas.py.)"""

import re

from tests.conftest import ROOT

TEXT = (ROOT / "compose.yaml").read_text(encoding="utf-8")


def service(name: str) -> str:
    """The block of one service (the lines indented under it)."""
    return re.search(rf"\n  {name}:\n((?:    .*\n|\n)+)", TEXT).group(1)


def test_two_webhook_replicas_share_redis():
    bot = service("bot")
    assert "replicas: 2" in bot and '"--webhook-url"' in bot and "build: ." in bot
    assert "SDGBOT_REDIS_URL: redis://redis:6379/0" in bot
    for secret in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "SDGBOT_STATE_SECRET"):
        assert f"{secret}: ${{{secret}}}" in bot  # from the environment, never written here
    assert "image: redis:" in service("redis")


def test_the_proxy_routes_by_chat_to_every_replica():
    assert "hash $$chat consistent" in TEXT and "server bot:8443" in TEXT
    assert "8080:8080" in service("proxy")
    assert "$$" in TEXT and not re.search(r"[^$]\$request_body", TEXT)  # compose's escape
