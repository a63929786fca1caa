"""bot.telegram.replies: the bot's answers per question and its latest message per chat
and topic, bounded and keyed by salted digests; `Watch` notes every message sent."""

from telegram.ext import BaseRateLimiter

from bot.engine.answer import Context
from bot.telegram.app import build_application
from bot.telegram.pacer import Pacer
from bot.telegram.replies import Answered, Replies, Watch
from tests.conftest import fake_settings


def test_the_latest_message_is_kept_per_chat_and_topic():
    replies = Replies()
    replies.sent(-100, None, 10)
    replies.sent(-100, 7, 12)
    replies.sent(-100, None, 9)  # an answer that took longer: not later in the chat
    assert replies.latest(-100) == 10 and replies.latest(-100, 7) == 12
    assert replies.latest(-100, 8) is None and replies.latest(55) is None


def test_answers_are_remembered_without_raw_ids_or_text_and_bounded():
    replies = Replies(max_size=2)
    subject = Context(indicator_ids=("8.7.1",))
    replies.put(42, 1, Answered(101, subject, replies.digest("職災")))
    replies.put(42, 2, Answered(None, None, replies.digest("x")))
    assert replies.get(42, 1) == Answered(101, subject, replies.digest("職災"))  # used last
    replies.put(42, 3, Answered(103, None, replies.digest("y")))
    assert replies.get(42, 2) is None and replies.get(42, 1) is not None  # LRU dropped 2
    assert replies.get(43, 1) is None
    held = [*replies._answered, *replies._latest]
    assert all(isinstance(k, bytes) and b"42" not in k for k in held)
    assert replies.digest("職災") != Replies().digest("職災")  # salted per process


class Passing(BaseRateLimiter):
    def __init__(self) -> None:
        self.started = self.stopped = False

    async def initialize(self) -> None:
        self.started = True

    async def shutdown(self) -> None:
        self.stopped = True

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        return await callback(*args, **kwargs)


async def test_watch_passes_every_call_on_and_notes_the_messages_sent():
    replies, inner = Replies(), Passing()
    watch = Watch(inner, replies)
    await watch.initialize()

    async def call(result):
        return result

    topic = {"message_id": 8, "chat": {"id": -5}, "message_thread_id": 3, "is_topic_message": True}
    reply = {"message_id": 9, "chat": {"id": -5}, "message_thread_id": 2}  # a reply chain
    edit = {"message_id": 99, "chat": {"id": -5}, "edit_date": 1}
    for endpoint, result in [("sendMessage", topic), ("sendPhoto", reply),
                             ("editMessageText", edit), ("sendChatAction", True)]:  # fmt: skip
        assert await watch.process_request(call, (result,), {}, endpoint, {}, None) == result
    assert replies.latest(-5, 3) == 8 and replies.latest(-5) == 9  # an edit sends nothing
    await watch.shutdown()
    assert inner.started and inner.stopped


def test_the_bot_calls_through_the_watch_and_the_pacer_under_it(api, engine, tmp_path):
    pacer = Pacer()
    app = build_application(fake_settings(api, tmp_path), engine, rate_limiter=pacer)
    assert isinstance(app.bot.rate_limiter, Watch) and app.bot.rate_limiter.limiter is pacer
