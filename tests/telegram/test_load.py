"""Load, end to end: 1,000 updates from 50 chats pushed at once into the fake Bot API and
long-polled by the real Application. Every update is answered exactly once, each chat in
the order asked, and every answer is right. The figures (updates/s, latency, beside a
bare echo bot) are benchmarks/load.py's; nothing here asserts a time."""

from collections import Counter

from benchmarks.load import measure
from benchmarks.workload import workload


def kind(update: dict) -> str:
    if "inline_query" in update:
        return "inline"
    if "callback_query" in update:
        return "button"
    msg = update["message"]
    place = "private" if msg["chat"]["type"] == "private" else "group"
    if msg.get("reply_to_message"):
        return f"{place} reply"
    if msg["text"].startswith("/q "):
        return f"{place} /q"
    return f"{place} {'command' if msg['text'].startswith('/') else 'question'}"


async def test_a_thousand_updates_are_each_answered_once_and_right(engine):
    items = workload(engine, updates=1000, chats=50)
    chats = {item.chat for item in items if item.chat is not None}
    mix = Counter(kind(item.update) for item in items)
    assert len(items) == 1000 and len(chats) == 50
    assert {"private question", "private command", "group /q", "group question",
            "group reply", "group command", "inline", "button"} <= set(mix)  # fmt: skip

    outcome = await measure("full", items, engine=engine)

    assert outcome.failed == []  # every call was valid (HTML, lengths, buttons)
    assert outcome.lost == 0, [i.update for i, t in zip(items, outcome.texts, strict=True) if not t]
    assert outcome.duplicated == 0
    assert outcome.wrong() == []
