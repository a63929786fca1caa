"""What the poller confirms to Telegram (bot.telegram.offsets): only what was answered."""

from bot.telegram.offsets import BATCH, Offsets


def offsets(*fetched: int) -> tuple[Offsets, set[int]]:
    open_ = set(fetched)
    o = Offsets(open_.__contains__)
    for uid in fetched:
        o.fetched(uid)
    return o, open_


def test_the_point_is_the_oldest_unanswered_update():
    o, open_ = offsets(5, 6, 7, 8, 9)
    assert o.point() == 5 and o.held() == 5
    open_ -= {5, 7, 8}
    assert o.point() == 6 and o.held() == 4  # 6 7 8 9 come back with the next getUpdates
    assert o.seen(8) and o.seen(9) and not o.seen(10)
    open_.clear()
    assert o.point() == 10 and o.held() == 0  # all answered: all confirmed
    assert o.passed == 0


def test_nothing_fetched_asks_without_an_offset():
    o, _ = offsets()
    assert o.point() is None and o.held() == 0 and not o.seen(1)


def test_an_update_that_stays_unanswered_is_passed_over_only_to_make_room():
    o, open_ = offsets(*range(1, BATCH + 1))
    open_ -= set(range(2, BATCH + 1))  # 1 waits (a group past its minute), the rest answered
    o.make_room(0)  # nothing wanted: nothing passed over
    assert o.point() == 1 and o.held() == BATCH
    o.make_room(15)
    assert o.passed == 1 and o.point() == BATCH + 1 and o.held() == 0
