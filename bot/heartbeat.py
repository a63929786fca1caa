"""The poller's heartbeat: a small JSON file with the time of the last successful getUpdates.

The poller (bot.telegram.polling) writes it when it starts and after each successful
getUpdates (at most once a second), and removes it when it stops cleanly; `sdgbot
health` reads it. A bot whose polling has failed for longer than the allowed age (or
never worked since it started) is unhealthy, even though the process is up. No file:
nothing is polling here (webhook mode, the console), which is not a fault.

    {"pid": 7, "started": 1767225600.0, "polled": 1767225612.5}   (Unix times, seconds)
"""

import contextlib
import json
import os
import time
from pathlib import Path


def beat(path: Path, *, started: float, polled: float | None) -> None:
    """Write the file whole (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}")
    part.write_text(
        json.dumps({"pid": os.getpid(), "started": started, "polled": polled}), encoding="utf-8"
    )
    part.replace(path)


def clear(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def problem(path: Path, max_age: float, *, now: float | None = None) -> str | None:
    """Why the heartbeat says the bot is unhealthy, or None."""
    now = time.time() if now is None else now
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        return f"heartbeat {path} unreadable: {exc.__class__.__name__}"
    if not isinstance(data, dict):
        return f"heartbeat {path} unreadable"
    polled, started = data.get("polled"), data.get("started")
    last = polled if isinstance(polled, int | float) else started
    if not isinstance(last, int | float):
        return f"heartbeat {path} unreadable"
    age = now - last
    if age <= max_age:
        return None
    if polled is None:
        return f"no successful getUpdates in the {age:.0f} s since the bot started"
    return f"no successful getUpdates for {age:.0f} s (allowed: {max_age:.0f} s)"
