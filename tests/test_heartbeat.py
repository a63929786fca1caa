"""The heartbeat the poller writes and `sdgbot health` reads (bot/heartbeat.py)."""

import json
import time

import pytest

from bot import cli, heartbeat
from bot.config import SettingsError, load_settings


def test_a_fresh_heartbeat_is_healthy_and_an_old_one_is_not(tmp_path):
    path = tmp_path / "var" / "heartbeat.json"
    now = time.time()
    heartbeat.beat(path, started=now - 500, polled=now - 30)
    assert heartbeat.problem(path, 120, now=now) is None
    assert "for 150 s" in heartbeat.problem(path, 120, now=now + 120)
    heartbeat.beat(path, started=now, polled=None)  # started, never polled successfully
    assert heartbeat.problem(path, 120, now=now + 60) is None
    assert "since the bot started" in heartbeat.problem(path, 120, now=now + 121)
    assert json.loads(path.read_text())["polled"] is None


def test_no_heartbeat_is_no_fault_and_a_garbled_one_is(tmp_path):
    path = tmp_path / "heartbeat.json"
    assert heartbeat.problem(path, 120) is None  # nothing polls here (webhook, console)
    path.write_text("{not json")
    assert "unreadable" in heartbeat.problem(path, 120)
    heartbeat.clear(path)
    heartbeat.clear(path)  # twice: no error
    assert not path.exists()


def test_sdgbot_health_fails_on_a_stale_heartbeat(tmp_path, monkeypatch, capsys):
    path = tmp_path / "hb.json"
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SDGBOT_UNANSWERED", str(tmp_path / "u.jsonl"))
    monkeypatch.setenv("SDGBOT_HEARTBEAT", str(path))
    monkeypatch.setenv("SDGBOT_HEARTBEAT_MAX_AGE", "60")
    heartbeat.beat(path, started=time.time() - 600, polled=time.time() - 90)
    assert cli.main(["health"]) == 1
    assert "unhealthy: no successful getUpdates for 90 s" in capsys.readouterr().out
    heartbeat.beat(path, started=time.time() - 600, polled=time.time())
    assert cli.main(["health"]) == 0


def test_the_heartbeat_sits_beside_the_unanswered_log_unless_set(tmp_path):
    settings = load_settings(sdgbot_unanswered=tmp_path / "var" / "u.jsonl")
    assert settings.heartbeat_path == tmp_path / "var" / "heartbeat.json"
    assert load_settings(sdgbot_heartbeat=tmp_path / "h").heartbeat_path == tmp_path / "h"


@pytest.mark.parametrize("value", ["0", "-5", "soon", "nan", "1e9"])
def test_bad_seconds_stop_at_start_naming_the_variable(value):
    for name in ("sdgbot_poll_give_up", "sdgbot_heartbeat_max_age"):
        with pytest.raises(SettingsError, match=name.upper()):
            load_settings(**{name: value})
