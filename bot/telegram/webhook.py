"""Webhook mode: Telegram POSTs updates to our HTTPS URL instead of being polled.

python-telegram-bot's webhook server (tornado) listens on LISTEN:PORT at the URL's path,
registers the URL with setWebhook (with the secret), and rejects any request whose
X-Telegram-Bot-Api-Secret-Token header is not TELEGRAM_WEBHOOK_SECRET (403). TLS is
usually ended by a reverse proxy or load balancer in front of it.
"""

from dataclasses import dataclass
from urllib.parse import urlparse

from telegram.ext import Application


@dataclass(frozen=True)
class Webhook:
    url: str  # the public https URL Telegram posts to
    listen: str = "0.0.0.0"  # a container listens on all its interfaces
    port: int = 8443

    @property
    def path(self) -> str:
        return urlparse(self.url).path.lstrip("/")


def check_url(url: str) -> str | None:
    """A reason the URL cannot be a webhook, or None."""
    parsed = urlparse(url)
    if parsed.scheme not in ("https", "http") or not parsed.netloc:
        return f"--webhook-url must be an absolute URL, got {url!r}"
    return None


def run(application: Application, hook: Webhook, *, secret: str, allowed: list[str],
        retries: int) -> None:  # fmt: skip
    """Serve until SIGINT/SIGTERM (PTB lets in-flight updates finish, then stops)."""
    application.run_webhook(
        listen=hook.listen,
        port=hook.port,
        url_path=hook.path,
        webhook_url=hook.url,
        secret_token=secret,
        allowed_updates=allowed,
        bootstrap_retries=retries,
    )
