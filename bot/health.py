"""`sdgbot health`: settings valid, store opens read-only, the engine answers a probe, and
polling works (the heartbeat, bot/heartbeat.py, is younger than SDGBOT_HEARTBEAT_MAX_AGE).

Used by the Docker HEALTHCHECK and by operators. Prints one line; exit 0 when healthy.
"""

import argparse
import time
from pathlib import Path

PROBE = "職災死亡千人率"
PROBE_ID = "8.7.1"


def check(db: Path) -> tuple[bool, str]:
    """(healthy, one-line report). Never prints or returns the token."""
    from bot import heartbeat
    from bot.config import SettingsError, load_settings
    from bot.engine.engine import Engine
    from bot.knowledge.store import load_path

    started = time.perf_counter()
    try:
        settings = load_settings(sdgbot_db=db)  # the unanswered log writable, too
        engine = Engine(load_path(settings.sdgbot_db))
    except SettingsError as exc:  # a bad setting, or a store that does not load
        head, *rest = [line.strip() for line in str(exc).splitlines()]
        return False, f"unhealthy: {head} {'; '.join(rest)}".strip()
    except Exception as exc:  # anything else that keeps the store from loading
        return False, f"unhealthy: store {db}: {exc.__class__.__name__}: {exc}"
    answer = engine.answer(PROBE)
    if not answer.found or not answer.matches or answer.matches[0].id != PROBE_ID:
        return False, f"unhealthy: the probe question was not answered with {PROBE_ID}"
    stale = heartbeat.problem(settings.heartbeat_path, settings.sdgbot_heartbeat_max_age)
    if stale:
        return False, f"unhealthy: {stale}"
    token = "set" if settings.telegram_bot_token else "not set"
    took = time.perf_counter() - started
    return True, (
        f"ok: {len(engine.knowledge.indicators)} indicators, probe answered {PROBE_ID}, "
        f"token {token}, {took:.2f} s"
    )


def cmd_health(args: argparse.Namespace, db: Path) -> int:
    healthy, report = check(db)
    print(report)
    return 0 if healthy else 1
