"""A fault probe: `sdgbot run`, as deployed, against the fake Bot API under faults.

    python -m benchmarks.faults                  # one line a scenario (about 3 minutes)
    python -m benchmarks.faults --json
    python -m benchmarks.faults --only 5xx-sends sigkill

Each scenario starts the bot in a process of its own against a fresh fake Bot API with
Telegram's flood limits (tests/fake_bot_api.py), injects its faults, asks its questions
(indicator numbers, each answered by a card naming the indicator), waits until every
question that can be answered is, stops the bot with SIGTERM and counts, question by
question: answered (once), lost (never), doubled (more than once). Notes say what else
was checked (a blocked user's second message, the answers at a migrated group's new id,
the exit code).
"""

import argparse
import asyncio
import json
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.fake_bot_api import TELEGRAM_LIMITS, TOKEN, Call, FakeBotApi, Reply
from tests.telegram.test_app_e2e import new_user
from tests.telegram.test_shutdown import ended, start
from tests.tg_updates import group_text, private_text

IDS = ["1.3.1", "4.4.3", "8.5.2", "8.7.1", "10.2.2"]
CARD = re.compile(r"<b>(\d+\.\w+\.\d+) ")
WAIT = 90.0  # seconds for every question to be answered, at most


def refused(status: int, description: str, **parameters) -> Reply:
    payload = {"ok": False, "error_code": status, "description": description}
    if parameters:
        payload["parameters"] = parameters
    return Reply(status=status, payload=payload)


BAD_GATEWAY = Reply(status=502, body=b"<html><body><h1>502 Bad Gateway</h1></body></html>")
UNREADABLE = [
    {"poll": {"id": "5", "question": "q", "total_voter_count": 0, "is_closed": False,
              "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
              "options": [{"text": "a", "voter_count": 0}]}},  # no persistent_id
    {"message": {"message_id": 1, "chat": {"id": 77, "type": "private"}, "text": "x"}},  # no date
    {"message": {"message_id": 2, "date": 1, "chat": {"id": 78}, "text": "x"}},  # no chat type
]  # fmt: skip


@dataclass
class Probe:
    """One scenario's run: its fake Bot API, the questions asked (chat, indicator)."""

    api: FakeBotApi
    tmp: Path
    asked: list[tuple[int, str]] = field(default_factory=list)
    moved: dict[int, int] = field(default_factory=dict)  # old chat id -> new (migrations)
    notes: list[str] = field(default_factory=list)
    proc: asyncio.subprocess.Process | None = None  # the bot

    async def ask(self, users: int, each: int, *, chat: dict | None = None) -> list[dict]:
        """`users` new users each ask `each` indicator numbers (in `chat`, else privately)."""
        made = [new_user() for _ in range(users)]
        for n in range(each):
            for u, user in enumerate(made):  # in a group, each question another indicator
                ident = IDS[(n + (u * each if chat else 0)) % len(IDS)]
                if chat is None:
                    await self.api.push(private_text(ident, user=user))
                    self.asked.append((user["id"], ident))
                else:
                    await self.api.push(group_text(f"/q {ident}", chat=chat, user=user))
                    self.asked.append((chat["id"], ident))
        return made

    def tally(self) -> Counter:
        got = Counter({q: 0 for q in self.asked})
        back = {new: old for old, new in self.moved.items()}
        for c in self.api.calls:
            if c.method != "sendMessage" or c.status != 200:
                continue
            chat = int(c.params["chat_id"])
            found = CARD.search(c.params.get("text", ""))
            key = (back.get(chat, chat), found[1] if found else "")
            if key in got:
                got[key] += 1
        return got

    async def start(self) -> None:
        """The bot, up and polling."""
        self.proc = await start(self.api, self.tmp)
        await self.api.wait_for("getUpdates", timeout=60)

    async def wait_answers(self, count: int) -> None:
        deadline = time.monotonic() + WAIT
        while sum(1 for n in self.tally().values() if n) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    async def all_answered(self, *, but: set[int] = frozenset(), wait: float = WAIT) -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            got = self.tally()
            if all(n for (chat, _), n in got.items() if chat not in but):
                return
            await asyncio.sleep(0.25)


def for_a_while(method: str, reply: Reply, seconds: float, *, after: str | None = None):
    """A hook: every `method` call is answered `reply` for `seconds`, from the first call
    of `after` (default: of `method`) on."""
    began: list[float] = []
    trigger = (after or method).lower()

    def hook(call: Call) -> Reply | None:
        if not began and call.method.lower() == trigger:
            began.append(time.monotonic())
        hit = began and call.method.lower() == method.lower()
        return reply if hit and time.monotonic() - began[0] < seconds else None

    return hook


def every(method: str, nth: int, reply: Reply):
    """A hook: every `nth` call of `method` is answered `reply`."""
    seen = [0]

    def hook(call: Call) -> Reply | None:
        if call.method.lower() == method.lower():
            seen[0] += 1
            if seen[0] % nth == 0:
                return reply
        return None

    return hook


def to_chat(chat_id: int, reply: Reply):
    def hook(call: Call) -> Reply | None:
        return reply if int(call.params.get("chat_id", 0) or 0) == chat_id else None

    return hook


# -- scenarios: each sets faults, asks, and waits; the bot is running ---------------------


async def plain(p: Probe) -> None:
    await p.start()
    await p.ask(20, 3)
    await p.all_answered()


async def sends_5xx(p: Probe, seconds: float) -> None:
    await p.start()
    p.api.faults.append(for_a_while("sendMessage", BAD_GATEWAY, seconds))
    await p.ask(20, 3)
    await p.all_answered()


async def get_updates_5xx(p: Probe) -> None:
    await p.start()
    p.api.faults.append(for_a_while("getUpdates", BAD_GATEWAY, 5.0))
    await asyncio.sleep(0.5)
    await p.ask(20, 3)
    await p.all_answered()


async def sends_time_out(p: Probe) -> None:
    """Every 7th sendMessage answered after 7 s (the bot waits 5): it reached Telegram,
    so it must not be sent again."""
    await p.start()
    p.api.faults.append(every("sendMessage", 7, Reply(delay=7.0)))
    await p.ask(20, 3)
    await p.all_answered()
    await asyncio.sleep(8.0)  # the late ones land


async def get_updates_time_out(p: Probe) -> None:
    """Every third getUpdates answered 20 s late (the bot waits the poll's time + 5 s)."""
    await p.start()
    p.api.faults.append(every("getUpdates", 3, Reply(delay=20.0)))
    await p.ask(20, 3)
    await p.all_answered()


async def chats_429(p: Probe) -> None:
    """Telegram's flood limits with 300 questions at once, and a 429 with retry_after 3
    for each of five chats' first answer."""
    await p.start()
    users = await p.ask(60, 5)
    for user in users[:5]:
        hit = [0]

        def hook(call: Call, chat=user["id"], hit=hit) -> Reply | None:
            if int(call.params.get("chat_id", 0) or 0) == chat and not hit[0]:
                hit[0] = 1
                return refused(429, "Too Many Requests: retry after 3", retry_after=3)
            return None

        p.api.faults.append(hook)
    await p.all_answered()
    p.notes.append(f"429 from the flood limits: {p.api.flooded}")


async def malformed(p: Probe) -> None:
    await p.start()
    for bad in UNREADABLE:
        await p.api.push(bad)
        await p.ask(5, 1)
    p.api.faults.append(every("getUpdates", 4, Reply(body=b'{"ok": true, "result": [{')))
    await p.ask(10, 2)
    await p.all_answered()
    polls = len(p.api.of("getUpdates"))
    p.notes.append(f"{polls} getUpdates")


async def blocked(p: Probe) -> None:
    await p.start()
    gone = await p.ask(3, 2)
    for user in gone:
        p.api.faults.append(
            to_chat(user["id"], refused(403, "Forbidden: bot was blocked by the user"))
        )
    await p.ask(20, 2)
    ids = {u["id"] for u in gone}
    await p.all_answered(but=ids)
    await asyncio.sleep(1.0)
    tries = [c for c in p.api.calls if int(c.params.get("chat_id", 0) or 0) in ids]
    p.notes.append(f"blocked: {len(tries)} sends for {2 * len(gone)} questions (no apology)")
    p.asked = [q for q in p.asked if q[0] not in ids]


async def migrated(p: Probe) -> None:
    await p.start()
    old = {"id": -4000123, "type": "group", "title": "Old group"}
    new_id = -1004000123456
    p.moved[old["id"]] = new_id
    upgraded = "Bad Request: group chat was upgraded to a supergroup chat"
    p.api.faults.append(to_chat(old["id"], refused(400, upgraded, migrate_to_chat_id=new_id)))
    await p.ask(2, 2, chat=old)
    await p.ask(20, 2)
    await p.all_answered()
    at_old = sum(1 for c in p.api.calls if int(c.params.get("chat_id", 0) or 0) == old["id"])
    p.notes.append(f"tries at the old id: {at_old}")


async def sigkill(p: Probe) -> None:
    """300 queued; kill -9 after 50 answers; start again."""
    await p.start()
    await p.ask(60, 5)
    await p.wait_answers(50)
    p.proc.kill()
    await ended(p.proc)
    p.notes.append(f"killed after {sum(1 for n in p.tally().values() if n)} answered")
    p.proc = await start(p.api, p.tmp)
    await p.all_answered()


async def docker_stop(p: Probe) -> None:
    """300 queued; SIGTERM after 50 answers (SIGKILL 10 s later if still running); start
    again."""
    await p.start()
    await p.ask(60, 5)
    await p.wait_answers(50)
    began = time.monotonic()
    p.proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(p.proc.wait(), 10.0)
    except TimeoutError:
        p.proc.kill()
        p.notes.append("killed after 10 s")
    code, _ = await ended(p.proc)
    p.notes.append(f"exit {code} in {time.monotonic() - began:.1f} s")
    p.proc = await start(p.api, p.tmp)
    await p.all_answered()


async def bad_token(p: Probe) -> None:
    """Telegram answers getMe 401 (a revoked token): exit 2 at once, one line, no token."""
    p.api.faults.append(lambda c: refused(401, "Unauthorized") if c.method == "getMe" else None)
    p.proc = await start(p.api, p.tmp)
    code, err = await ended(p.proc)
    secret = any(part in err for part in TOKEN.split(":"))
    p.notes.append(f"exit {code}, {len(err.splitlines())} line(s), getMe tried "
                   f"{len(p.api.of('getMe'))}, token shown: {secret}")  # fmt: skip


SCENARIOS: dict[str, Callable[[Probe], Awaitable[None]]] = {
    "plain": plain,
    "5xx-sends-2s": lambda p: sends_5xx(p, 2.0),
    "5xx-sends-6s": lambda p: sends_5xx(p, 6.0),
    "5xx-sends-20s": lambda p: sends_5xx(p, 20.0),
    "5xx-getUpdates-5s": get_updates_5xx,
    "timeouts-sends": sends_time_out,
    "timeouts-getUpdates": get_updates_time_out,
    "429-retry-after": chats_429,
    "malformed-updates": malformed,
    "blocked-user": blocked,
    "migrated-group": migrated,
    "sigkill": sigkill,
    "docker-stop": docker_stop,
    "bad-token": bad_token,
}


async def one(name: str) -> dict:
    api = await FakeBotApi(limits=TELEGRAM_LIMITS).start()
    began = time.monotonic()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            p = Probe(api, Path(tmp))
            await SCENARIOS[name](p)
            await asyncio.sleep(1.0)  # time for a double to show
            if p.proc.returncode is None:
                p.proc.send_signal(signal.SIGTERM)
            code, err = await ended(p.proc)
            if code and name != "bad-token":
                p.notes.append(f"exit {code}: {err.strip().splitlines()[-1:]}")
    finally:
        await api.stop()
    got = p.tally()
    return {
        "scenario": name,
        "asked": len(got),
        "answered": sum(1 for n in got.values() if n == 1),
        "lost": sum(1 for n in got.values() if n == 0),
        "doubled": sum(1 for n in got.values() if n > 1),
        "seconds": round(time.monotonic() - began, 1),
        "notes": "; ".join(p.notes),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", choices=list(SCENARIOS), help="these scenarios only")
    ap.add_argument("--json", action="store_true", help="one JSON object a scenario")
    args = ap.parse_args()
    failed = False
    for name in args.only or list(SCENARIOS):
        row = asyncio.run(one(name))
        failed |= bool(row["lost"] or row["doubled"])
        if args.json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            print(f"{row['scenario']:20} asked {row['asked']:3}  answered {row['answered']:3}  "
                  f"lost {row['lost']:3}  doubled {row['doubled']:3}  {row['seconds']:5.1f} s  "
                  f"{row['notes']}", flush=True)  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
