"""The fake Bot API's flood limits (tests/fake_bot_api.py) are Telegram's: 429 with
retry_after past 30 sends in any second, or past 20 a minute to one group; what is not a
message (answering a button, getMe) does not count."""

import asyncio

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from tests.fake_bot_api import TELEGRAM_LIMITS, TOKEN, FakeBotApi


@pytest.fixture
async def raw():
    """A bare python-telegram-bot Bot, no rate limiter, against the fake with limits."""
    api = await FakeBotApi(limits=TELEGRAM_LIMITS).start()
    bot = Bot(TOKEN, base_url=api.base_url)
    await bot.initialize()
    yield api, bot
    await bot.shutdown()
    await api.stop()


async def sends(bot: Bot, chats: list[int]) -> list[object]:
    return await asyncio.gather(*(bot.send_message(c, "hi") for c in chats),
                                return_exceptions=True)  # fmt: skip


async def test_past_thirty_sends_in_a_second_are_429(raw):
    api, bot = raw
    got = await sends(bot, list(range(1, 41)))  # 40 private chats at once
    flooded = [g for g in got if isinstance(g, RetryAfter)]
    assert len(flooded) == 10 and api.flooded == 10
    assert all(g.retry_after >= 1 for g in flooded)
    await bot.get_me()  # not a message: not refused
    assert api.of("getMe")[-1].status == 200


async def test_past_twenty_a_minute_to_a_group_are_429(raw):
    api, bot = raw
    got = []
    for _ in range(25):  # one at a time: within 30 a second, but one group
        got += await sends(bot, [-100123])
    assert sum(isinstance(g, RetryAfter) for g in got) == 5 and api.flooded == 5
    assert not any(isinstance(g, Exception) for g in await sends(bot, [-100456, 7]))
