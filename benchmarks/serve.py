"""The full bot as `sdgbot run` runs it, against a (fake) Bot API, for the benchmarks:
Telegram's flood limits are not paced (the fake server has none; benchmarks/flood.py
measures the bot under them).

    python -m benchmarks.serve BASE_URL TOKEN   # until SIGTERM

It imports only what `sdgbot run` imports, so its memory is the bot's.
"""

import asyncio
import sys
import tempfile
from pathlib import Path

from bot.config import BUNDLED_DB, Settings
from bot.engine.engine import Engine
from bot.knowledge.store import load_path
from bot.telegram.app import BOOTSTRAP_RETRIES, build_application, freeze_startup_objects, poller
from bot.telegram.limits import Rates
from bot.telegram.pacer import Pacer
from bot.telegram.polling import serve


def full_bot(base_url: str, token: str, engine: Engine, unanswered: Path):
    """The bot as `sdgbot run` builds it, but Telegram's flood limits are not paced."""
    settings = Settings(
        telegram_bot_token=token, telegram_base_url=base_url, sdgbot_unanswered=unanswered
    )
    return build_application(settings, engine, rate_limiter=Pacer(rates=Rates.off()))


def main(base_url: str, token: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(load_path(BUNDLED_DB))
        application = full_bot(base_url, token, engine, Path(tmp) / "unanswered.jsonl")
        freeze_startup_objects()
        asyncio.run(serve(application, poller(application), retries=BOOTSTRAP_RETRIES))


if __name__ == "__main__":
    main(*sys.argv[1:3])
