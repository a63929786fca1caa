"""The flood guard: token buckets per user and per group (unit), and in the running bot
(end to end through the fake Bot API): one notice for a flood, others unaffected, groups
within Telegram's 20 messages a minute, chatter not counted."""

import pytest

from bot.telegram.app import build_application
from bot.telegram.flood import GROUP_LIMIT, NOTICE, USER_LIMIT, FloodGuard, Limit, Verdict
from tests.conftest import fake_settings, polling
from tests.fake_bot_api import BOT
from tests.telegram.test_app_e2e import new_user, settle, to
from tests.tg_updates import group_text, private_text


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def verdicts(guard: FloodGuard, n: int, user: int, group: int | None = None) -> list[Verdict]:
    return [guard.admit(user, group) for _ in range(n)]


def test_a_hundred_messages_in_a_second_get_a_few_answers_and_one_notice():
    clock = Clock()
    guard = FloodGuard(clock=clock)
    got = []
    for i in range(100):
        clock.now = 1000.0 + i / 100
        got.append(guard.admit(1))
    burst = int(USER_LIMIT.burst)
    assert got[:burst] == [Verdict.ANSWER] * burst
    assert got.count(Verdict.NOTICE) == 1 and got[burst] is Verdict.NOTICE
    assert got.count(Verdict.ANSWER) == burst  # a third of a token back in that second
    assert guard.admit(2) is Verdict.ANSWER  # another user is not affected


def test_the_notice_comes_again_only_after_a_quiet_spell():
    clock = Clock()
    guard = FloodGuard(user=Limit(burst=2, per_second=1), clock=clock)
    assert verdicts(guard, 4, 1) == [Verdict.ANSWER, Verdict.ANSWER, Verdict.NOTICE, Verdict.DROP]
    clock.now += 1  # one token back: answered, but still flooding: no second notice
    assert verdicts(guard, 3, 1) == [Verdict.ANSWER, Verdict.DROP, Verdict.DROP]
    clock.now += 2  # full again: a new flood gets a new notice
    assert verdicts(guard, 3, 1) == [Verdict.ANSWER, Verdict.ANSWER, Verdict.NOTICE]


def test_a_group_gets_at_most_twenty_answers_a_minute():
    clock = Clock()
    guard = FloodGuard(clock=clock)
    got = [guard.admit(100 + i, -5) for i in range(30)]  # 30 different users, one group
    assert got == [Verdict.ANSWER] * 20 + [Verdict.DROP] * 10  # no notice: it would be a 21st
    assert guard.admit(999, -6) is Verdict.ANSWER  # another group is not affected
    clock.now += 60 / GROUP_LIMIT.burst  # one answer's worth of a minute later
    assert guard.admit(200, -5) is Verdict.ANSWER and guard.admit(201, -5) is Verdict.DROP
    clock.now += 60
    assert verdicts(guard, 1, 300, -5) == [Verdict.ANSWER]


def test_a_notice_in_a_group_counts_against_the_group():
    guard = FloodGuard(user=Limit(burst=1, per_second=0.001), group=Limit(2, 0.001))
    assert guard.admit(1, -5) is Verdict.ANSWER
    assert guard.admit(1, -5) is Verdict.NOTICE  # the group's second and last message
    assert guard.admit(2, -5) is Verdict.DROP


def test_off_lets_everything_through_and_ids_are_not_kept():
    guard = FloodGuard.off()
    assert set(verdicts(guard, 1000, 1, -5)) == {Verdict.ANSWER}
    guard = FloodGuard()
    guard.admit(987654321012, -100123456789)
    assert len(guard) == 2
    held = repr(guard._buckets)
    assert "987654321012" not in held and "100123456789" not in held


def test_old_buckets_are_dropped_beyond_the_size_cap():
    guard = FloodGuard(max_size=10)
    for user in range(100):
        guard.admit(user)
    assert len(guard) == 10


# -- in the running bot ------------------------------------------------------------------


@pytest.fixture
async def bot(api, engine, tmp_path):
    settings = fake_settings(api, tmp_path)
    # the production flood guard
    async with polling(build_application(settings, engine)) as application:
        yield application


async def test_a_flooding_user_gets_one_notice_and_others_are_answered(bot, api):
    flooder, other = new_user(), new_user()
    for i in range(100):
        await api.push(private_text(f"/i 8.7.{1 + i % 3}", user=flooder))
        if i == 50:
            await api.push(private_text("職災死亡千人率多少", user=other))
    await settle(api, bot)
    replies = [c.params["text"] for c in api.calls if to(flooder["id"])(c)]
    assert replies.count(NOTICE) == 1, (len(replies), [c.method for c in api.calls][-20:])
    assert len(replies) <= USER_LIMIT.burst + 2  # a few answers, the notice, no more
    assert replies[int(USER_LIMIT.burst)] == NOTICE
    [answer] = [c for c in api.calls if to(other["id"])(c)]
    assert "0.022" in answer.params["text"]


async def test_a_busy_group_stays_within_twenty_messages_a_minute(bot, api):
    group = {"id": -100424242, "type": "supergroup", "title": "busy"}
    quiet = {"id": -100434343, "type": "supergroup", "title": "quiet"}
    for _ in range(30):
        await api.push(group_text(f"@{BOT['username']} 勞保年金", chat=group, user=new_user()))
    await api.push(group_text("/q 勞保年金", chat=quiet, user=new_user()))
    await settle(api, bot)
    assert len([c for c in api.calls if to(group["id"])(c)]) == GROUP_LIMIT.burst
    assert len([c for c in api.calls if to(quiet["id"])(c)]) == 1


async def test_group_chatter_does_not_count(bot, api):
    group = {"id": -100454545, "type": "group", "title": "chatty"}
    user = new_user()
    for i in range(40):
        await api.push(group_text(f"聊天 {i}", chat=group, user=user))
    await api.push(group_text("/q 勞保年金有多少人領", chat=group, user=user))
    await settle(api, bot)
    [answer] = [c for c in api.calls if to(group["id"])(c)]
    assert "1.3.1" in answer.params["text"]
