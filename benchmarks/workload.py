"""The load workload and how its answers are recognised (benchmarks/load.py runs it).

Private chats and groups (a third of 50 chats) ask questions from tests/data (those
the engine answers right in one message whatever was asked before), in private, with
/q, @mentions and replies to the bot; commands; inline queries; sample buttons. Each
update carries a check of its answer. Chats are answered in order, so the k-th message
in a chat answers its k-th update; queries are matched by their id.
"""

import json
import random
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.engine.answer import Context
from bot.engine.engine import SAMPLES, Engine
from bot.render import html as ui
from bot.render.texts import help_html
from bot.telegram.flood import NOTICE
from tests.fake_bot_api import BOT, Call, FakeBotApi
from tests.scoring import alternatives, norm, score
from tests.tg_updates import bot_message, callback, group_text, inline, private_text

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
HANDLE = f"@{BOT['username']}"
Check = Callable[[str], bool]


@dataclass
class Item:
    """One update of the workload and how to recognise its answer."""

    update: dict
    chat: int | None  # answered by a message in this chat (in order), or None
    query: tuple[str, str] | None = None  # ("inline" | "callback", query id)
    check: Check | None = None  # is the text of the answer right (full bot)
    pushed: float = 0.0


@dataclass
class Outcome:
    """What came back: the answering calls of each update, in push order."""

    items: list[Item]
    answers: list[list[Call]]  # the calls that answer each item (exactly one is right)
    texts: list[str | None]  # the text each item was answered with
    extra: int  # chat messages that answer no update
    failed: list[Call]  # calls answered with an error
    seconds: float

    @property
    def lost(self) -> int:
        return sum(1 for a, t in zip(self.answers, self.texts, strict=True) if not a or t is None)

    @property
    def duplicated(self) -> int:
        return sum(1 for a in self.answers if len(a) > 1) + self.extra

    def wrong(self) -> list[tuple[dict, str]]:
        """Updates whose answer fails its check."""
        return [
            (item.update, text)
            for item, text in zip(self.items, self.texts, strict=True)
            if text is not None and item.check and not item.check(text)
        ]

    def figures(self) -> dict:
        latencies = sorted(
            a[0].at - item.pushed for item, a in zip(self.items, self.answers, strict=True) if a
        )
        return {
            "updates": len(self.items),
            "seconds": round(self.seconds, 2),
            "updates_per_s": round(len(self.items) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1) if latencies else None,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "failed_calls": len(self.failed),
        }


# -- the workload ---------------------------------------------------------------------


def question_pool(engine: Engine) -> list[dict]:
    """Questions the engine answers right in one message, whatever the chat asked before."""
    pool = []
    for name in ("dev_questions.jsonl", "questions.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            q = json.loads(line) if line.strip() else None
            if not q or q.get("oos") or q["q"].startswith(("/", "@")) or not score(q, engine):
                continue
            alone = ui.messages(engine.answer(q["q"]))
            after = ui.messages(engine.answer(q["q"], Context(indicator_ids=("8.7.1",))))
            if len(alone) == 1 and alone == after:
                pool.append(q)
    return pool


def _must(q: dict) -> Check:
    """The answer names the expected indicator and every expected figure."""
    wants = [alternatives(w) for w in q.get("must", [])]  # 萬 forms also in digits
    ids = q.get("expect", [])

    def check(text: str) -> bool:
        flat = norm(text)
        return (not ids or any(i in text for i in ids)) and all(
            any(alt in flat for alt in alts) for alts in wants
        )

    return check


def _is(expected: str) -> Check:
    return lambda text: text == expected


COMMANDS = [  # (command, the start of the right answer)
    ("/help", help_html()),
    ("/i 8.7.1", "<b>8.7.1 職災死亡千人率</b>："),
    ("/goal 8", "<b>"),
    ("/unmet", "<b>"),
    ("/about", "<b>"),
]


def workload(engine: Engine, *, updates: int = 1000, chats: int = 50, seed: int = 5) -> list[Item]:
    """Private and group chats asking questions and commands, inline queries, buttons."""
    rng = random.Random(seed)
    pool = question_pool(engine)
    users = [{"id": 7_000_000 + i, "is_bot": False, "first_name": f"L{i}"} for i in range(chats)]
    groups = {
        i: {"id": -1_007_000_000 - i, "type": "supergroup", "title": f"g{i}"}
        for i in range(0, chats, 3)
    }  # a third of the chats are groups
    items: list[Item] = []
    for _ in range(updates):
        n = rng.randrange(chats)
        user, group = users[n], groups.get(n)
        chat = group["id"] if group else user["id"]
        roll = rng.random()
        q = rng.choice(pool)
        if roll < 0.08:  # an inline query, in no chat
            update = inline(q["q"], user=user)
            query = ("inline", update["inline_query"]["id"])
            items.append(Item(update, None, query, _names(q)))
            continue
        if roll < 0.10:  # a sample button under an earlier answer
            on = bot_message("…", chat=group or _private(user), bot=BOT)
            k = rng.randrange(len(SAMPLES))
            update = callback(f"s:{k}", on=on, user=user)
            query = ("callback", update["callback_query"]["id"])
            expected = ui.messages(engine.answer(SAMPLES[k]))[0]
            items.append(Item(update, chat, query, _is(expected)))
            continue
        if roll < 0.25:  # a command
            command, start = rng.choice(COMMANDS)
            text = command if not group else command.replace(" ", f"{HANDLE} ", 1)
            if group and " " not in command:
                text = command + HANDLE
            check = (lambda s, t=start: s.startswith(t)) if start.startswith("<b>") else _is(start)
            update = (
                group_text(text, chat=group, user=user) if group else private_text(text, user=user)
            )
            items.append(Item(update, chat, None, check))
            continue
        if not group:
            items.append(Item(private_text(q["q"], user=user), chat, None, _must(q)))
        elif roll < 0.6:
            items.append(
                Item(group_text(f"/q {q['q']}", chat=group, user=user), chat, None, _must(q))
            )
        elif roll < 0.8:
            text = f"{HANDLE} {q['q']}"
            items.append(Item(group_text(text, chat=group, user=user), chat, None, _must(q)))
        else:
            parent = bot_message("…", chat=group, bot=BOT)
            update = group_text(q["q"], chat=group, user=user, reply_to=parent)
            items.append(Item(update, chat, None, _must(q)))
    return items


def _private(user: dict) -> dict:
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


def _names(q: dict) -> Check:
    """An inline answer offers something, naming the expected indicator if there is one."""
    expect = q.get("expect", [])
    return lambda text: bool(text.strip()) and (not expect or any(i in text for i in expect))


# -- recognising the answers ----------------------------------------------------------


def collate(api: FakeBotApi, items: list[Item], before: int = 0):
    """(answers, texts, extra, failed): chat messages are matched to the chat's updates
    in order (each chat is answered in order); queries by their id. The flood notice
    (bot.telegram.flood) answers no update and is left out."""
    sent: dict[int, list[Call]] = defaultdict(list)
    queries: dict[tuple[str, str], list[Call]] = defaultdict(list)
    failed = []
    for c in api.calls[before:]:
        if c.status != 200:
            failed.append(c)
        elif c.method == "sendMessage" and c.params.get("text") != NOTICE:
            sent[int(c.params["chat_id"])].append(c)
        elif c.method == "answerInlineQuery":
            queries["inline", c.params["inline_query_id"]].append(c)
        elif c.method == "answerCallbackQuery":
            queries["callback", c.params["callback_query_id"]].append(c)
    position: dict[int, int] = defaultdict(int)
    answers, texts = [], []
    for item in items:
        message = None
        if item.chat is not None:
            k = position[item.chat]
            position[item.chat] += 1
            message = sent[item.chat][k] if k < len(sent[item.chat]) else None
        if item.query:
            calls = queries.get(item.query, [])
            text = message.params["text"] if message else _results(calls)
        else:
            calls = [message] if message else []
            text = message.params["text"] if message else None
        answers.append(calls)
        texts.append(text)
    extra = sum(max(0, len(calls) - position[chat]) for chat, calls in sent.items())
    return answers, texts, extra, failed


def _results(calls: list[Call]) -> str | None:
    """An inline answer as text: the result ids and the messages they would send."""
    if not calls:
        return None
    results = calls[0].params.get("results") or []
    return "\n".join(
        [r["id"] for r in results]
        + [r.get("input_message_content", {}).get("message_text", "") for r in results]
    )
