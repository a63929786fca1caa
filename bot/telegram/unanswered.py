"""The staff's loop: questions the bot could not answer, and answers marked not helpful.

Each is a `Record` in the state store (bot.telegram.state: the SQLite file, or Redis
for several replicas): the question's text, the time, the reason (not_found,
none_of_these, not_helpful) and the closest candidates (or, for not_helpful, the
answer's subject); no user ids, no names, no chat ids. Records are kept
SDGBOT_UNANSWERED_DAYS days (90). `sdgbot unanswered` lists the most frequent (or
exports every record as CSV) from whichever backend the settings name; `/unanswered`
shows the same to the user ids of SDGBOT_ADMINS. Staff add aliases to knowledge/curated/.
`--log FILE` still reads a JSON-lines log of the earlier versions.
"""

import argparse
import asyncio
import csv
import io
import json
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.telegram.state import Record, Store

REASONS = ("not_found", "none_of_these", "not_helpful")
MAX_QUESTION = 500  # characters kept of one question
CSV_FIELDS = ("time", "reason", "question", "candidates", "subject")


def normalise(question: str) -> str:
    """The form questions are counted under: NFKC, spaces collapsed, trimmed, capped."""
    text = unicodedata.normalize("NFKC", question)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:MAX_QUESTION]


def stamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Unanswered:
    """Records questions into the store; returns at once (written in the background)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, question: str, reason: str, *, candidates: Iterable[str] = (),
               subject: Iterable[str] = (), now: float | None = None) -> bool:  # fmt: skip
        """False (and nothing kept) for an empty question."""
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        text = normalise(question)
        if not text:
            return False
        ts = time.time() if now is None else now
        self.store.record(Record(ts, reason, text, tuple(candidates), tuple(subject)))
        return True


@dataclass(frozen=True)
class Row:
    question: str
    count: int
    last: str  # the last time asked, UTC
    reasons: dict[str, int]
    ids: tuple[str, ...]  # the closest candidates, or the subject, of the last one


def most_frequent(
    records: Iterable[Record], *, limit: int = 20, reason: str | None = None
) -> list[Row]:
    """The most frequent questions, most frequent first."""
    counts: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = {}
    last: dict[str, Record] = {}
    for rec in records:
        if reason and rec.reason != reason:
            continue
        q = normalise(rec.q)
        counts[q] += 1
        reasons.setdefault(q, Counter())[rec.reason] += 1
        if q not in last or rec.ts >= last[q].ts:
            last[q] = rec
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [
        Row(q, n, stamp(last[q].ts), dict(reasons[q]), last[q].candidates or last[q].subject)
        for q, n in ranked
    ]


def csv_text(records: Iterable[Record]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for r in records:
        writer.writerow([stamp(r.ts), r.reason, r.q, " ".join(r.candidates), " ".join(r.subject)])
    return out.getvalue()


def read(path: Path) -> Iterator[Record]:
    """The records of a JSON-lines log of the earlier versions ({"ts", "reason", "q"})."""
    if not Path(path).exists():
        return
    with Path(path).open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
                ts = datetime.strptime(rec["ts"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
                yield Record(ts.timestamp(), str(rec.get("reason", "")), str(rec["q"]))
            except (ValueError, KeyError, TypeError):
                continue


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of `sdgbot unanswered`."""
    p.add_argument("--limit", type=int, default=20, help="how many questions to list (20)")
    p.add_argument("--reason", choices=REASONS, default=None, help="only this reason")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="one JSON object per question")
    shown.add_argument("--csv", action="store_true",
                       help="every record kept, as CSV: " + ", ".join(CSV_FIELDS))  # fmt: skip
    p.add_argument("--log", default=None,
                   help="read a JSON-lines log of earlier versions, not the state")  # fmt: skip


async def _records() -> list[Record]:
    from bot.config import load_settings
    from bot.telegram.state import open_store

    store = open_store(load_settings())
    try:
        return await store.records()
    finally:
        await store.close()


def cmd_unanswered(args: argparse.Namespace) -> int:
    """sdgbot unanswered [--limit N] [--reason R] [--json | --csv] [--log FILE]: from the
    state store the settings name (SDGBOT_STATE, or SDGBOT_REDIS_URL)."""
    from bot.config import SettingsError
    from bot.telegram.state import Unavailable

    try:
        records = list(read(Path(args.log))) if args.log else asyncio.run(_records())
    except SettingsError as exc:
        print(f"sdgbot: {exc}", file=sys.stderr)
        return 2
    except Unavailable:
        print("sdgbot: SDGBOT_REDIS_URL: Redis cannot be reached", file=sys.stderr)
        return 1
    if args.reason:
        records = [r for r in records if r.reason == args.reason]
    if args.csv:
        sys.stdout.write(csv_text(records))
        return 0
    rows = most_frequent(records, limit=args.limit or 20)
    if args.json:
        for row in rows:
            print(json.dumps({"q": row.question, "count": row.count, "last": row.last,
                              "reasons": row.reasons, "ids": list(row.ids)},
                             ensure_ascii=False))  # fmt: skip
        return 0
    if not rows:
        print("no unanswered questions kept", file=sys.stderr)
        return 0
    width = len(str(rows[0].count))
    for row in rows:
        reasons = ",".join(sorted(row.reasons))
        ids = f"  [{' '.join(row.ids)}]" if row.ids else ""
        print(f"{row.count:>{width}}  {row.last}  {reasons}  {row.question}{ids}")
    return 0
