"""Flood limits and the pacer: the limits as state (unit, on a fake clock), the pacer's
429 rules (unit, on a fake callback), and the running bot end to end against a fake Bot
API that enforces Telegram's limits (429 past 30 sends in any second or 20 a minute to a
group): everything answered once, no 429, a flooding user slowed and told once, a stale
answer replaced by one "please ask again". Counts only: speed is benchmarks/'s."""

import asyncio
import itertools
import logging
import re
from collections import Counter

import pytest
from telegram.error import RetryAfter

from bot.i18n import translator
from bot.telegram.app import build_application
from bot.telegram.backlog import CURRENT, Job
from bot.telegram.delivery import NotDelivered
from bot.telegram.flood import NOTICE
from bot.telegram.limits import MemoryLimits, Rates, counts
from bot.telegram.pacer import BUSY, RETRIES, Pacer
from tests.conftest import fake_settings, polling
from tests.fake_bot_api import BOT, TELEGRAM_LIMITS, Call, FakeBotApi, FloodLimits, Reply
from tests.telegram.test_app_e2e import new_user, settle, to
from tests.tg_updates import group_text, private_text

ID = re.compile(r"<b>(\d+\.\w+\.\d+)[ <]")  # the indicator an answer leads with


def sent_to(api: FakeBotApi, chat: int) -> list[str]:
    """The texts the chat got, accepted by the fake Telegram, in order."""
    return [c.params["text"] for c in api.calls if to(chat)(c) and c.status == 200]


# -- the limits, on a fake clock ---------------------------------------------------------


async def test_sends_are_spaced_so_no_second_holds_more_than_thirty():
    limits, now, sent = MemoryLimits(), 0.0, []
    chats = itertools.cycle(range(1, 500))
    while now < 5.0:
        if await limits.take(next(chats), now) == 0:
            sent.append(now)
        now += 0.001  # asked for far more often than allowed
    windows = [sum(1 for t in sent if s <= t < s + 1.0) for s in sent]
    assert max(windows) <= 30 and len(sent) >= 5 * 28
    assert all(b - a >= 0.5 / 29 - 1e-9 for a, b in itertools.pairwise(sent))  # never a burst


async def test_a_send_woken_late_does_not_push_the_later_ones_back():
    limits, now, sent = MemoryLimits(), 0.0, []
    while len(sent) < 29 * 10:
        wait = await limits.take(len(sent), now)
        if wait == 0:
            sent.append(now)
        else:
            now += wait + 0.004  # woken 4 ms late each time (the event loop was busy)
    assert sent[-1] < 10.0  # 29 a second all the same, not 26
    windows = [sum(1 for t in sent if s <= t < s + 1.0) for s in sent]
    assert max(windows) <= 30


async def test_a_group_gets_twenty_a_minute_and_other_chats_go_on():
    limits = MemoryLimits()
    now = 0.0
    for _ in range(20):
        assert await limits.take(-5, now) == 0
        now += 0.1
    wait = await limits.take(-5, now)
    assert wait > 55  # until the first of the 20 leaves the minute
    assert await limits.take(-6, now) == 0  # another group
    assert await limits.take(7, now + 0.1) == 0  # a private chat
    assert await limits.take(-5, now + wait) == 0  # the group again, a minute on


async def test_a_pause_holds_its_chat_and_a_global_pause_everyone_once_then_smoothly():
    limits = MemoryLimits()
    await limits.pause(1, 5.0, 0.0)
    assert await limits.take(1, 1.0) > 0 and await limits.take(2, 1.0) == 0
    assert await limits.take(1, 5.0) == 0
    await limits.pause(None, 3.0, 10.0)
    assert await limits.wait(11.0) > 0
    assert [await limits.take(chat, 13.0) for chat in range(10)].count(0) == 1  # no stampede
    assert len(limits) <= 1  # the pause of chat 1 is forgotten once over


def test_what_counts_as_a_send():
    assert counts("sendMessage") and counts("editMessageText") and counts("sendPhoto")
    assert not counts("answerCallbackQuery") and not counts("answerInlineQuery")
    assert not counts("sendChatAction") and not counts("getMe")


# -- the pacer's 429 rules, on a fake callback -------------------------------------------


async def send(pacer: Pacer, chat: int, callback) -> object:
    return await pacer.process_request(
        callback, ("sendMessage", {"chat_id": chat}), {}, "sendMessage", {"chat_id": chat}, None
    )


def flooding(chats: set[int], retry: float = 0.3):
    """A callback that answers 429 once for each of `chats`, then succeeds."""
    left = set(chats)

    async def callback(endpoint, data):
        if data["chat_id"] in left:
            left.discard(data["chat_id"])
            raise RetryAfter(retry)
        return {"chat": data["chat_id"]}

    return callback


async def test_a_429_pauses_only_its_chat():
    pacer = Pacer()
    assert await send(pacer, 1, flooding({1})) == {"chat": 1}
    now = asyncio.get_running_loop().time()
    assert await pacer.limits.wait(now) < 0.1  # nobody else waits
    assert pacer.counts["429"] == 1 and pacer.counts["sent"] == 1


async def test_429s_naming_two_chats_within_a_second_pause_everyone():
    pacer = Pacer()
    callback = flooding({1, 2})
    await asyncio.gather(send(pacer, 1, callback), send(pacer, 2, callback))
    assert pacer.counts["429"] == 2 and pacer.counts["sent"] == 2
    assert pacer.limits._paused_all > 0  # a global pause was taken


async def test_a_stale_answer_becomes_one_busy_line_per_chat():
    pacer = Pacer(fresh=0.0)  # every question is too old at once
    calls = []

    async def callback(endpoint, data):
        calls.append((endpoint, data["text"]))
        return {"message_id": len(calls)}

    first, second = Job(1, 0.0, busy_text="Too busy"), Job(2, 0.0)
    for job in (first, second, first):  # the first update sends twice (a long answer)
        token = CURRENT.set(job)
        try:
            data = {"chat_id": 9, "text": "answer"}
            await pacer.process_request(callback, ("sendMessage", data), {}, "sendMessage",
                                        data, None)  # fmt: skip
        finally:
            CURRENT.reset(token)
    assert calls == [("sendMessage", "Too busy")]  # in the sender's language
    assert pacer.counts["busy"] == 1 and pacer.counts["skipped"] == 1


async def test_an_undelivered_answer_is_sent_again_until_stale_then_given_up():
    """A lasting outage: an answer is resent (more than RETRIES times) while it is fresh,
    then given up as not delivered; a call that is no answer, three times only."""
    now = [0.0]  # the pacer's clock: each try takes 0.2 s
    pacer = Pacer(fresh=1.0, backoff=0.01, clock=lambda: now[0])
    tries = Counter()

    async def callback(endpoint, data):
        tries[endpoint] += 1
        now[0] += 0.2
        raise NotDelivered("502 Bad Gateway")

    token = CURRENT.set(Job(1, 0.0))
    try:
        data = {"chat_id": 9, "text": "answer"}
        with pytest.raises(NotDelivered):
            await pacer.process_request(callback, ("sendMessage", data), {}, "sendMessage",
                                        data, None)  # fmt: skip
    finally:
        CURRENT.reset(token)
    with pytest.raises(NotDelivered):
        await pacer.process_request(callback, ("getMe", {}), {}, "getMe", {}, None)
    assert tries["sendMessage"] == 5 > RETRIES + 1  # at 0.2, 0.4 … 1.0 s: stale after the 5th
    assert tries["getMe"] == RETRIES + 1
    assert pacer.counts["undelivered"] == 1 and pacer.counts["busy"] == 0


# -- the running bot, under Telegram's limits --------------------------------------------


@pytest.fixture
async def limited():
    server = await FakeBotApi(limits=TELEGRAM_LIMITS).start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(limited, engine, tmp_path):
    async with polling(build_application(fake_settings(limited, tmp_path), engine)) as app:
        yield app


async def test_many_users_at_once_are_each_answered_once_without_a_429(bot, limited):
    users = [new_user() for _ in range(40)]
    ids = ["8.7.1", "1.3.1", "4.4.3"]
    for i in range(3):
        for user in users:
            await limited.push(private_text(ids[i], user=user))
    await settle(limited, bot)
    for user in users:
        assert [ID.search(t)[1] for t in sent_to(limited, user["id"])] == ids
    assert limited.flooded == 0


async def test_seven_indicator_numbers_in_a_row_get_seven_answers(bot, limited):
    user = new_user()
    ids = ["8.7.1", "8.7.2", "8.7.3", "1.3.1", "1.3.2", "4.4.3", "10.2.2"]
    for ident in ids:
        await limited.push(private_text(ident, user=user))
    await settle(limited, bot)
    assert [ID.search(t)[1] for t in sent_to(limited, user["id"])] == ids  # no notice


async def test_a_flooding_user_is_slowed_told_once_and_answered_every_time(bot, limited):
    flooder, other = new_user() | {"language_code": "en"}, new_user()
    notice = translator("en")(NOTICE)  # told in their language
    for i in range(60):
        await limited.push(private_text(f"/i 8.7.{1 + i % 3}", user=flooder))
        if i == 30:
            await limited.push(private_text("職災死亡千人率多少", user=other))
    await settle(limited, bot)
    replies = sent_to(limited, flooder["id"])
    answers = [ID.search(t)[1] for t in replies if t != notice]
    assert notice.startswith("Many messages at once")
    assert replies.count(notice) == 1 and replies.index(notice) < 5  # told once, early
    assert answers == [f"8.7.{1 + i % 3}" for i in range(60)]  # every one, in order
    sends = [c for c in limited.calls if c.method == "sendMessage" and c.status == 200]
    [answer] = [i for i, c in enumerate(sends) if to(other["id"])(c)]
    flooder_before = sum(1 for c in sends[:answer] if to(flooder["id"])(c))
    assert flooder_before < 30  # the other user did not wait for the flood to end
    assert "0.022" in sends[answer].params["text"]
    assert limited.flooded == 0


async def test_a_429_for_one_chat_holds_back_only_that_chat(bot, limited):
    slow, others = new_user(), [new_user() for _ in range(5)]
    first = asyncio.Event()

    def hook(call: Call) -> Reply | None:
        if to(slow["id"])(call) and not first.is_set():
            first.set()
            return Reply(status=429, payload={
                "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3}})  # fmt: skip
        return None

    limited.faults.append(hook)
    await limited.push(private_text("8.7.1", user=slow))
    await asyncio.wait_for(first.wait(), 10)
    for user in others:
        await limited.push(private_text("1.3.1", user=user))
    await settle(limited, bot)
    tries = [c for c in limited.calls if to(slow["id"])(c)]
    assert [c.status for c in tries] == [429, 200]
    answered = [c for c in limited.calls if any(to(u["id"])(c) for u in others)]
    assert len(answered) == 5 and all(c.at < tries[1].at for c in answered)


async def test_a_busy_group_stays_within_its_limit_and_everyone_is_answered(engine, tmp_path):
    """A group's limit made small on both sides (5 in 2 s) so that the test is short."""
    api = await FakeBotApi(limits=FloodLimits(per_group_minute=5, minute=2.0)).start()
    pacer = Pacer(rates=Rates(group=5, group_window=2.1))
    group = {"id": -100424242, "type": "supergroup", "title": "busy"}
    quiet = {"id": -100434343, "type": "supergroup", "title": "quiet"}
    try:
        app = build_application(fake_settings(api, tmp_path), engine, rate_limiter=pacer)
        async with polling(app):
            for _ in range(12):
                await api.push(group_text(f"@{BOT['username']} 勞保年金", chat=group,
                                          user=new_user()))  # fmt: skip
            await api.push(group_text("/q 勞保年金", chat=quiet, user=new_user()))
            await settle(api, app)
        assert len(sent_to(api, group["id"])) == 12 and len(sent_to(api, quiet["id"])) == 1
        assert api.flooded == 0
    finally:
        await api.stop()


async def test_an_answer_gone_stale_is_one_please_ask_again(limited, engine, tmp_path, caplog):
    """A 429 of 2 s on the first answer, with answers fresh for 1 s: the user gets one
    'please ask again' for both questions, logged by update id only; the next question
    is answered as usual."""
    user = new_user()
    limited.faults.append(lambda c: Reply(status=429, payload={
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 2",
        "parameters": {"retry_after": 2}}) if to(user["id"])(c)
        and not any(to(user["id"])(x) for x in limited.calls) else None)  # fmt: skip
    app = build_application(fake_settings(limited, tmp_path), engine,
                            rate_limiter=Pacer(fresh=1.0))  # fmt: skip
    caplog.set_level(logging.WARNING)
    async with polling(app):
        await limited.push(private_text("8.7.1", user=user))
        await limited.push(private_text("1.3.1", user=user))
        await settle(limited, app)
        assert sent_to(limited, user["id"]) == [BUSY]
        await limited.push(private_text("4.4.3", user=user))
        await settle(limited, app)
    assert [ID.search(t)[1] for t in sent_to(limited, user["id"])[1:]] == ["4.4.3"]
    stale = [r.getMessage() for r in caplog.records if "old" in r.getMessage()]
    assert len(stale) == 2 and not any(str(user["id"]) in s or "U" in s for s in stale)
