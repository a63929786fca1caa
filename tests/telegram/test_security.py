"""Security: the token stays out of logs, reprs and what users see; the database is
read-only at run time; user text is echoed only escaped; oversized input is handled
politely; no user ids or names are kept."""

import hashlib
import io
import json
import logging
import sqlite3
import time

import pytest

from bot import logs
from bot.config import BUNDLED_DB, Settings
from bot.knowledge import store
from bot.render import texts
from bot.telegram.app import build_application, configure_logging
from bot.telegram.handlers import SERVICES
from tests.conftest import fake_settings, polling, state_dump
from tests.conftest import feed as feed_update
from tests.fake_bot_api import BOT, TOKEN, Call, FakeBotApi, Reply, fail_times
from tests.telegram.test_app_e2e import new_user, settle, to
from tests.tg_updates import ALICE, bot_message, callback, group_text, inline, private_text

SECRET = TOKEN.split(":")[1]
NASTY = [
    "<b>粗體</b>",
    "&amp; &lt;",
    "</i><a href='x'>",
    "<script>alert(1)</script>",
    "a < b & c > d",
]


@pytest.fixture
def settings(api, tmp_path) -> Settings:
    return fake_settings(api, tmp_path, sdgbot_log_level="DEBUG")


@pytest.fixture
async def app(settings, engine):
    """The bot, as `sdgbot run` builds it."""
    application = build_application(settings, engine)
    await application.initialize()
    yield application
    await application.shutdown()


async def feed(app, api: FakeBotApi, update: dict) -> list[Call]:
    return await feed_update(app, api, update, some=True)


@pytest.fixture(params=["text", "json"])
def debug_log(settings, request):
    """The root logger at DEBUG into a buffer, set up as `sdgbot run` sets it up, in
    each SDGBOT_LOG_FORMAT (the JSON formatter formats tracebacks itself)."""
    root = logging.getLogger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logs.JsonFormatter() if request.param == "json" else logs.TextFormatter())
    levels = {name: logging.getLogger(name).level for name in ("", "httpx", "httpcore")}
    root.addHandler(handler)
    configure_logging(settings)
    yield buffer
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_the_token_stays_out_of_debug_logs_errors_and_reprs(
    settings, engine, api, debug_log, monkeypatch
):
    """A whole polling run at DEBUG, with an error that carries the token in its message,
    a 429, a 502 and a bad request: the token is in no log line, and the user who hit the
    error sees the fixed apology only."""
    application = build_application(settings, engine)
    real = engine.answer

    def answer(question, context=None):
        if question == "boom":
            raise RuntimeError(f"cannot reach https://api.telegram.org/bot{TOKEN}/sendMessage")
        return real(question, context)

    monkeypatch.setattr(engine, "answer", answer)
    flood = {"ok": False, "error_code": 429, "parameters": {"retry_after": 1},
             "description": "Too Many Requests: retry after 1"}  # fmt: skip
    api.faults += [
        fail_times("sendMessage", Reply(status=429, payload=flood)),
        fail_times("sendMessage", Reply(status=502, body=b"Bad Gateway")),
        fail_times("answerInlineQuery", Reply(status=400, payload={
            "ok": False, "error_code": 400, "description": "Bad Request: QUERY_ID_INVALID"})),
    ]  # fmt: skip
    async with polling(application):
        victim = new_user()
        for update in (private_text("職災死亡千人率多少"), inline("職災"),
                       private_text("boom", user=victim)):  # fmt: skip
            await api.push(update)
        await settle(api, application)
        shown = [repr(settings), str(settings), repr(application), repr(application.bot)]

    log = debug_log.getvalue()
    assert "getUpdates" in log  # DEBUG logging was on
    for said in ("429 from Telegram", "not delivered", "Query_id_invalid"):
        assert said in log, said
    assert "<token>" in log  # the error was logged, its token redacted
    assert SECRET not in log and SECRET[:8] not in log and SECRET[-8:] not in log
    assert str(BOT["id"]) not in log  # the bot id the token starts with: <bot-id>
    assert not [s for s in shown if SECRET in s]
    [apology] = [c.params["text"] for c in api.calls if to(victim["id"])(c) and c.status == 200]
    assert apology == texts.ERROR_HTML


def test_the_database_is_opened_read_only_and_a_write_fails(monkeypatch):
    opened = []

    def spy(path, **kwargs):
        opened.append((path, kwargs))
        return store_connect(path, **kwargs)

    store_connect = store.connect
    monkeypatch.setattr(store, "connect", spy)
    before = hashlib.sha256(BUNDLED_DB.read_bytes()).hexdigest()
    store.load_path(BUNDLED_DB)  # what `sdgbot run` does at start-up
    assert opened and all(kwargs.get("read_only", True) for _, kwargs in opened)
    conn = store_connect(BUNDLED_DB)  # as it opened it: mode=ro, SQLite refuses every write
    for statement in ("UPDATE indicator SET name = 'x'", "CREATE TABLE t (x INTEGER)"):
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute(statement)
    conn.close()
    assert hashlib.sha256(BUNDLED_DB.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("nasty", NASTY)
async def test_user_text_is_only_echoed_escaped(app, api, nasty):
    """Every path that shows the user's words: each message parses as Telegram HTML (the
    fake checks it) and reads back as exactly what the user typed."""
    group = {"id": -100515151, "type": "supergroup", "title": "g"}
    shown = []
    for update in (
        private_text(f"{nasty} 是什麼"),  # not found: the question is echoed
        private_text(f"/unit {nasty}"),
        private_text(f"/{nasty}"),
        group_text(f"/q {nasty}", chat=group),
        group_text(f"@{BOT['username']} {nasty}", chat=group),
    ):
        shown += [c.result["text"] for c in await feed(app, api, update) if c.result]
    app.bot_data[SERVICES].pending["k1"] = json.dumps({"q": nasty})  # a "none of these" button
    on = bot_message("…", chat={"id": ALICE["id"], "type": "private"}, bot=BOT)
    edits = await feed(app, api, callback("n:k1", on=on))
    shown += [c.params["text"] for c in edits if c.method == "editMessageText"]
    assert sum(nasty in s for s in shown) >= 3, shown  # the plain text reads back as typed
    [answer] = await feed(app, api, inline(nasty))
    assert answer.status == 200


async def test_an_inline_query_over_256_characters_is_answered(app, api, engine, monkeypatch):
    asked = []
    real = engine.answer
    monkeypatch.setattr(engine, "answer", lambda q, c=None: asked.append(q) or real(q, c))
    [answer] = await feed(app, api, inline("職災死亡千人率" * 300))
    assert asked and max(len(q) for q in asked) <= 256
    assert 1 <= len(answer.params["results"]) <= 50


@pytest.mark.parametrize(
    "command", ["/q", "/goal", "/unit", "/i", "/chart", "/nosuch", "", f"@{BOT['username']}"]
)
async def test_a_100_kb_argument_is_answered_politely(app, api, command):
    huge = "1" * 100_000 if command == "/goal" else "職災" * 50_000
    chat = {"id": -100616161, "type": "supergroup", "title": "g"}
    update = (
        group_text(f"{command} {huge}", chat=chat) if command.startswith("@")
        else private_text(f"{command} {huge}".strip())
    )  # fmt: skip
    start = time.perf_counter()
    [msg] = await feed(app, api, update)
    assert time.perf_counter() - start < 5
    assert msg.method == "sendMessage" and msg.params["text"] != texts.ERROR_HTML
    assert len(msg.params["text"]) <= 4096


async def test_no_user_ids_or_names_are_kept(vague, app, api, settings):
    user = {"id": 8765432109, "is_bot": False, "first_name": "Zanzibar",
            "last_name": "Quokka", "username": "zanzibar_quokka"}  # fmt: skip
    group = {"id": -1009988776655, "type": "supergroup", "title": "Quokka Fans"}
    updates = [
        private_text("職災死亡千人率多少", user=user),
        private_text("2021 年呢？", user=user),
        private_text("量子糾纏的薪資", user=user),  # not found: logged as unanswered
        group_text("/q 勞保年金有多少人領", chat=group, user=user),
        inline("職災", user=user),
    ]
    for update in updates:
        await feed(app, api, update)
    [candidates] = await feed(app, api, private_text(vague, user=user))
    keyboard = candidates.params["reply_markup"]["inline_keyboard"]
    for row in keyboard[:1] + keyboard[-1:]:  # a did-you-mean choice, "none of these"
        await feed(app, api, callback(row[0]["callback_data"], on=candidates.result, user=user))
    await feed(app, api, callback("s:0", on=bot_message("…", chat=group, bot=BOT), user=user))

    assert not app.user_data and not app.chat_data
    services = app.bot_data[SERVICES]
    guard = next(h.callback.__self__ for h in app.handlers[-1])
    held = repr(vars(services)) + repr(vars(services.sessions)) + repr(vars(guard))
    held += await state_dump(app)  # what outlives the process: digests, subjects, questions
    for secret in ("8765432109", "9988776655", "Zanzibar", "Quokka", "zanzibar_quokka"):
        assert secret not in held


ODD_DIGITS = ["²", "٨", "８", "１０", "⑧", "𝟖", "8²", "99999999999999999999"]


@pytest.mark.parametrize("odd", ODD_DIGITS)
async def test_odd_digits_in_a_command_get_a_usage_line_or_the_goal(app, api, odd, caplog):
    """「²」 passes str.isdigit() but int() refuses it: never a ValueError. Full-width
    digits, as a CJK keyboard types them, are the number they look like."""
    [msg] = await feed(app, api, private_text(f"/goal {odd}"))
    text = msg.params["text"]
    if odd in ("８", "１０"):
        assert "核心目標" in text and "用法" not in text
    else:
        assert text == texts.usage_html("goal")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("data", ["s:²", "s:٨", "p:²", "g:²", "l:goal:²", "o:p:²", "s:99999"])
async def test_forged_callback_data_with_odd_digits_is_expired(app, api, data, caplog):
    on = bot_message("…", chat={"id": ALICE["id"], "type": "private"}, bot=BOT)
    calls = await feed(app, api, callback(data, on=on))
    [notice] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert notice.params.get("text") == texts.EXPIRED_TEXT
    assert not [c for c in calls if c.method == "sendMessage"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
