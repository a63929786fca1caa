"""The staff's loop and /privacy, through `app.process_update` (the state in SQLite, or
in Redis with `--state redis`): 「沒幫助」 records the question and the answer's subject;
/unanswered answers the ids in SDGBOT_ADMINS only; a new application over the same state
(a restart) follows up on a card sent before; the pacer shares Redis's budget."""

import pytest
from telegram import Update

from bot.render import html as ui
from bot.telegram.app import build_application
from tests.conftest import fake_settings, feed, records_of, store_of
from tests.tg_updates import ALICE, BOB, GROUP, callback, group_text, private_text


@pytest.fixture
async def make_app(api, engine, tmp_path):
    """Applications over one state (the same tmp_path): the second is a restart."""
    made = []

    async def make(**overrides):
        app = build_application(fake_settings(api, tmp_path, **overrides), engine)
        await app.initialize()
        made.append(app)
        return app

    yield make
    for app in made:
        await store_of(app).close()
        await app.shutdown()


def button(msg, prefix: str) -> dict:
    return next(b for row in msg.params["reply_markup"]["inline_keyboard"] for b in row
                if b.get("callback_data", "").startswith(prefix))  # fmt: skip


async def test_not_helpful_records_the_question_and_the_subject(make_app, api):
    app = await make_app()
    [card] = await feed(app, api, private_text("職災死亡千人率多少"))
    helpful = button(card, "h:")
    assert helpful["text"] == ui.NOT_HELPFUL
    calls = await feed(app, api, callback(helpful["callback_data"], on=card.result))
    assert [c.method for c in calls] == ["editMessageReplyMarkup", "answerCallbackQuery"]
    rows = calls[0].params["reply_markup"]["inline_keyboard"]
    assert not any(b.get("callback_data", "").startswith("h:") for row in rows for b in row)
    [record] = await records_of(app)
    assert (record.q, record.reason, record.subject) == ("職災死亡千人率多少", "not_helpful",
                                                         ("8.7.1",))  # fmt: skip
    again = await make_app()  # after a restart the button still stands for its question
    pressed = callback(helpful["callback_data"], on=card.result)  # the same button again:
    await again.process_update(Update.de_json(pressed, again.bot))  # "not modified", recorded
    assert api.calls[-1].params["text"] == "已記錄"
    assert [r.reason for r in await records_of(again)] == ["not_helpful", "not_helpful"]


async def test_a_restart_keeps_the_follow_up_on_a_card(make_app, api):
    app = await make_app()
    [card] = await feed(app, api, private_text("職災死亡千人率多少"))
    await store_of(app).flush()
    again = await make_app()
    [follow] = await feed(again, api, private_text("那目標呢？", reply_to=card.result))
    assert "8.7.1" in follow.params["text"] and "0.019" in follow.params["text"]
    [last] = await feed(again, api, private_text("2021年呢"))  # the asker's own last subject
    assert "8.7.1" in last.params["text"]


async def test_privacy_says_what_is_kept_and_how_long(make_app, api):
    app = await make_app(sdgbot_unanswered_days=30)
    [msg] = await feed(app, api, private_text("/privacy"))
    assert "30 天" in msg.params["text"] and "30 分鐘" in msg.params["text"]
    [english] = await feed(app, api, private_text("/privacy", user=BOB))
    assert "kept 30 days" in english.params["text"]


async def test_unanswered_answers_the_admins_only(make_app, api):
    app = await make_app(sdgbot_admins=str(BOB["id"]))
    for _ in range(2):
        await feed(app, api, private_text("颱風假怎麼放"))
    await feed(app, api, private_text("最低工資多少"))
    [refused] = await feed(app, api, private_text("/unanswered"))  # Alice: no admin
    assert "/unanswered" in refused.params["text"] and "颱風假" not in refused.params["text"]
    in_group = await feed(app, api, group_text("/unanswered", chat=GROUP, user=BOB))
    assert all("颱風假" not in (c.params.get("text") or "") for c in in_group)  # private only
    shown, csv_file = await feed(app, api, private_text("/unanswered", user=BOB))
    lines = shown.params["text"].splitlines()
    assert lines[1].startswith("2× 颱風假怎麼放") and "最低工資多少" in lines[2]
    assert csv_file.method == "sendDocument"
    name, data = csv_file.files["document"]
    text = data.decode("utf-8-sig")
    assert name == "unanswered.csv" and text.startswith("time,reason,question,candidates")
    assert text.count("颱風假怎麼放") == 2 and str(ALICE["id"]) not in text


async def test_a_none_of_these_press_after_a_restart_is_recorded(make_app, api, vague):
    app = await make_app()
    [msg] = await feed(app, api, private_text(vague))
    none = button(msg, "n:")["callback_data"]
    await store_of(app).flush()
    again = await make_app()
    calls = await feed(again, api, callback(none, on=msg.result))
    assert "已記錄" in calls[0].params["text"]
    assert [r.reason for r in await records_of(again)] == ["none_of_these"]


async def test_with_redis_the_pacer_counts_in_redis(api, engine, tmp_path):
    """One budget for the replicas: the pacer asks Redis's limits (nothing connects yet)."""
    from bot.telegram.shared_limits import RedisLimits

    shared = {"sdgbot_redis_url": "redis://127.0.0.1:1/0", "sdgbot_state_secret": "s" * 20}
    for overrides in ({}, shared):
        app = build_application(fake_settings(api, tmp_path, **overrides), engine)
        pacer = app.bot.rate_limiter.limiter  # under replies.Watch
        redis = store_of(app).backend.name == "redis"
        assert isinstance(pacer.limits, RedisLimits) is redis and redis is (
            bool(overrides) or state_backend_is_redis()
        )
        await store_of(app).close()


def state_backend_is_redis() -> bool:
    import os

    return bool(os.environ.get("SDGBOT_REDIS_URL"))
