"""Webhook mode end to end: updates POSTed to the bot's server on 127.0.0.1 are answered
through the fake Bot API; a wrong or missing secret gets 403, a malformed, empty or
non-UTF-8 body 400, a body over the limit 413, and an update sent twice is answered once.
`sdgbot run --webhook-url` as a process: a port in use or a bad --listen stops it before
setWebhook; SIGTERM ends it with exit 0."""

import asyncio
import json
import os
import signal
import socket
import sys

import httpx
import pytest

from bot.telegram.app import ALLOWED_UPDATES, build_application
from bot.telegram.webhook import DRAIN_MAX, MAX_BODY, Seen, Webhook, bind, check_url, serve
from tests.conftest import fake_settings
from tests.fake_bot_api import TOKEN, FakeBotApi
from tests.telegram.test_app_e2e import ROOT, new_user, to
from tests.tg_updates import private_text

SECRET = "s3cret-Token_1"
JSON = {"Content-Type": "application/json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def served(api, engine, tmp_path):
    """The bot's own webhook server (bot.telegram.webhook.serve) on a free port."""
    settings = fake_settings(api, tmp_path, telegram_webhook_secret=SECRET)
    app = build_application(settings, engine)
    sock = socket.create_server(("127.0.0.1", 0))
    sock.setblocking(False)
    hook = Webhook("https://bot.example.org/telegram/hook", "127.0.0.1", sock.getsockname()[1])
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, hook, sock, secret=SECRET, allowed=ALLOWED_UPDATES,
                                     retries=0, stop=stop, ready=ready))  # fmt: skip
    await asyncio.wait_for(ready.wait(), timeout=30)
    yield api, f"http://127.0.0.1:{hook.port}/{hook.path}"
    stop.set()
    await asyncio.wait_for(task, timeout=30)


async def post(url: str, body: bytes | dict, secret: str | None = SECRET,
               headers: dict | None = None) -> httpx.Response:  # fmt: skip
    content = json.dumps(body).encode() if isinstance(body, dict) else body
    given = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.post(url, content=content, headers=JSON | given | (headers or {}))


def update(text: str, update_id: int, user: dict | None = None) -> dict:
    return private_text(text, user=user or new_user()) | {"update_id": update_id}


async def answered(api: FakeBotApi, user: dict, count: int = 1) -> list:
    """Wait until the user got `count` answers, then a little more: no more come."""
    await api.wait_for("sendMessage", count, where=to(user["id"]))
    await asyncio.sleep(0.3)
    return [c for c in api.calls if to(user["id"])(c)]


async def test_webhook_answers_posted_updates_and_rejects_wrong_secrets(served):
    api, url = served
    [registered] = api.of("setWebhook")
    assert registered.params["url"] == "https://bot.example.org/telegram/hook"
    assert registered.params["secret_token"] == SECRET

    user = new_user()
    assert (await post(url, update("職災死亡千人率多少", 1, user))).status_code == 200
    [sent] = await api.wait_for("sendMessage", 1)
    assert "0.022" in sent.params["text"]

    assert (await post(url, update("勞保年金", 2, user), "wrong")).status_code == 403
    assert (await post(url, update("勞保年金", 3, user), None)).status_code == 403
    await asyncio.sleep(0.3)
    assert len(api.of("sendMessage")) == 1  # rejected updates are never handled

    assert (await post(url, update("勞保年金", 4, user))).status_code == 200
    replies = await api.wait_for("sendMessage", 2)
    assert "1,931,013" in replies[-1].params["text"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"", "not JSON"),
        (b"{", "not JSON"),
        (b'{"update_id": 1, "message": ', "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        ('{"update_id": 9, "message": {"text": "\xe8"}}'.encode("latin-1"), "not UTF-8"),
        (b"[1, 2]", "no update_id"),
        (b'"text"', "no update_id"),
        (b'{"message": {}}', "no update_id"),
        (b'{"update_id": "7"}', "no update_id"),
        (b"NaN", "no update_id"),
    ],
)
async def test_a_malformed_empty_or_non_utf8_body_gets_400(served, body, says):
    api, url = served
    response = await post(url, body)
    assert response.status_code == 400 and says in response.json()["description"]
    user = new_user()  # the server goes on
    assert (await post(url, update("8.7.1", 50, user))).status_code == 200
    assert len(await answered(api, user)) == 1


async def test_a_wrong_content_type_gets_415(served):
    _, url = served
    response = await post(url, update("8.7.1", 60), headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


async def test_a_body_over_the_limit_gets_413(served):
    api, url = served
    user = new_user()
    big = update("8.7.1", 70, user) | {"padding": "x" * (MAX_BODY + 1)}
    response = await post(url, big)
    assert response.status_code == 413 and str(MAX_BODY) in response.json()["description"]
    assert (await post(url, update("8.7.1", 71, user))).status_code == 200
    [answer] = await answered(api, user)  # the big one was never handled
    assert answer.params["chat_id"] == user["id"]


async def test_a_declared_body_over_the_drain_limit_gets_413_unread(served):
    """A Content-Length past DRAIN_MAX is refused from the headers alone."""
    _, url = served
    host, port = url.split("/")[2].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    path = "/" + url.split("/", 3)[3]
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
        f"Content-Length: {DRAIN_MAX + 1}\r\n\r\n".encode()
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), timeout=10)
    writer.close()
    assert status.split()[1] == b"413"


async def test_the_same_update_id_is_handled_once(served):
    api, url = served
    user = new_user()
    again = update("職災死亡千人率多少", 80, user)
    for _ in range(3):  # Telegram sends it again when our 200 was slow or lost
        assert (await post(url, again)).status_code == 200
    [answer] = await answered(api, user)
    assert "0.022" in answer.params["text"]
    assert (await post(url, update("勞保年金", 81, user))).status_code == 200
    assert len(await answered(api, user, 2)) == 2


async def test_an_update_the_library_cannot_read_is_skipped_once(served, caplog):
    api, url = served
    user = new_user()
    broken = {"update_id": 90, "message": {"message_id": 1, "chat": "not a chat",
                                           "text": "Zanzibar's secret question"}}  # fmt: skip
    assert (await post(url, broken)).status_code == 200  # delivered: Telegram must not retry
    assert (await post(url, update("8.7.1", 91, user))).status_code == 200
    assert len(await answered(api, user)) == 1
    said = [r.getMessage() for r in caplog.records if "90" in r.getMessage()]
    assert said and not any("Zanzibar" in s for s in said)


def test_seen_remembers_the_newest_ids_only():
    seen = Seen(size=3)
    assert [seen.first(i) for i in (1, 2, 1, 3, 4, 1)] == [True, True, False, True, True, True]


def test_webhook_url_checks():
    assert check_url("https://bot.example.org/hook") is None
    assert check_url("bot.example.org/hook")
    assert Webhook("https://x.org/a/b").path == "a/b"


@pytest.mark.parametrize(
    ("listen", "port", "says"),
    [
        ("127.0.0.1", 70000, "--port must be from 1 to 65535"),
        ("999.1.1.1", 8443, "--listen '999.1.1.1' is not an address to listen on"),
        ("no-such-host.invalid", 8443, "is not an address to listen on"),
        ("192.0.2.1", 8443, "cannot listen on 192.0.2.1:8443"),  # not this machine's
    ],
)
def test_bind_says_what_is_wrong(listen, port, says):
    from bot.telegram.webhook import ListenError

    with pytest.raises(ListenError, match=says.replace("(", r"\(")):
        bind(Webhook("https://x.org/hook", listen, port))


def test_run_refuses_a_webhook_without_secret(monkeypatch, capsys):
    from bot.config import BUNDLED_DB
    from bot.telegram.app import run

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    assert run(BUNDLED_DB, Webhook("https://x.org/hook")) == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().err


async def _sdgbot_run(api: FakeBotApi, tmp_path, *args: str, level: str = "WARNING"):
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
               TELEGRAM_WEBHOOK_SECRET=SECRET, SDGBOT_LOG_LEVEL=level,
               SDGBOT_UNANSWERED=str(tmp_path / "u.jsonl"))  # fmt: skip
    env.pop("SDGBOT_DB", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--webhook-url", "https://x.org/hook", *args,
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--listen", "127.0.0.1", "--port", "{busy}"], "cannot listen on 127.0.0.1:{busy}"),
        (["--listen", "999.1.1.1"], "--listen '999.1.1.1' is not an address"),
        (["--port", "70000"], "argument --port: '70000' is not a port"),
    ],
)
async def test_sdgbot_run_stops_before_set_webhook_when_it_cannot_listen(api, tmp_path,
                                                                         args, says):  # fmt: skip
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = str(busy.getsockname()[1])
        proc = await _sdgbot_run(api, tmp_path, *[a.format(busy=port) for a in args])
        _, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    text = err.decode()
    assert proc.returncode == 2, text
    assert says.format(busy=port) in text
    assert "Traceback" not in text and len(text.splitlines()) <= 3
    assert not api.of("setWebhook")  # Telegram was told nothing


async def test_sdgbot_run_webhook_answers_then_exits_0_on_sigterm(api, tmp_path):
    port = free_port()
    proc = await _sdgbot_run(api, tmp_path, "--listen", "127.0.0.1", "--port", str(port),
                             level="DEBUG")  # fmt: skip
    try:
        await api.wait_for("setWebhook", timeout=60)
        user = new_user()
        for _ in range(50):  # setWebhook comes just before the server takes requests
            try:
                response = await post(f"http://127.0.0.1:{port}/hook", update("8.7.1", 5, user))
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.1)
        assert response.status_code == 200
        await api.wait_for("sendMessage", where=to(user["id"]), timeout=30)
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = err.decode()
    assert proc.returncode == 0, log[-2000:]
    assert "setWebhook" in log  # DEBUG logging was on: python-telegram-bot logs the call
    assert TOKEN.split(":")[1] not in log and SECRET not in log  # the webhook secret too
    assert TOKEN.split(":")[0] not in log
