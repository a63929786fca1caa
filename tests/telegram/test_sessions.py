"""Follow-up context per chat: TTL, size cap, per-topic keys, no raw ids; language choices."""

import pytest

from bot.engine.answer import Context
from bot.telegram.sessions import Sessions
from bot.telegram.state import Store


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_put_get_and_expire():
    clock = Clock()
    s = Sessions(ttl=60, clock=clock)
    key = s.key(42)
    s.put(key, Context(indicator_ids=("8.7.1",)))
    assert s.get(key) == Context(indicator_ids=("8.7.1",))
    clock.now += 59
    assert s.get(key) is not None
    clock.now += 2
    assert s.get(key) is None and len(s) == 0


def test_size_cap_drops_the_least_recently_used():
    s = Sessions(max_size=2)
    a, b, c = s.key(1), s.key(2), s.key(3)
    s.put(a, Context(programme_id=1))
    s.put(b, Context(programme_id=2))
    s.get(a)  # a is now the most recent
    s.put(c, Context(programme_id=3))
    assert s.get(b) is None and s.get(a) is not None and s.get(c) is not None


def test_topics_of_one_chat_are_separate_and_keys_hold_no_raw_id():
    s = Sessions()
    chat = -1001234567890
    assert s.key(chat, 7) != s.key(chat, 8) != s.key(chat)
    assert str(abs(chat)) not in s.key(chat) and s.key(chat).startswith("c:")
    assert Sessions().key(chat) != s.key(chat)  # without a store: a secret per process
    same = Store(secret=b"k" * 32)
    assert Sessions(store=same).key(chat) == Sessions(store=Store(secret=b"k" * 32)).key(chat)


def test_empty_context_forgets_and_prune_drops_expired():
    clock = Clock()
    s = Sessions(ttl=10, clock=clock)
    s.put(s.key(1), Context(indicator_ids=("1.3.1",)))
    s.put(s.key(1), Context())
    assert s.get(s.key(1)) is None
    s.put(s.key(2), Context(indicator_ids=("1.3.1",)))
    clock.now += 11
    assert s.prune() == 1 and len(s) == 0


def test_bad_limits_are_refused():
    with pytest.raises(ValueError):
        Sessions(ttl=0)


def test_a_language_choice_holds_past_the_ttl_and_is_capped():
    clock = Clock()
    s = Sessions(ttl=60, max_size=2, clock=clock)
    assert s.language(1) is None
    s.set_language(1, "en")
    clock.now += 3600
    assert s.language(1) == "en" and len(s) == 0  # no context held, the choice kept
    s.set_language(2, "zh-Hans")
    s.language(1)  # used: the least recently used is 2
    s.set_language(3, "zh-TW")
    assert [s.language(u) for u in (1, 2, 3)] == ["en", None, "zh-TW"]
    assert s.user_key(1) != s.key(1)  # a user's key is not their private chat's
