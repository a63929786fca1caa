"""Append-only log of questions the bot could not answer, and the most frequent of them.

One JSON object a line: {"ts": "...Z", "reason": "not_found" | "none_of_these", "q": "..."}.
Only the question text, a UTC timestamp and the reason are kept: no user ids, no
names, no chat ids. `sdgbot unanswered` lists the most frequent questions so staff
can add aliases to knowledge/curated/.
"""

import argparse
import json
import logging
import os
import sys
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)
REASONS = ("not_found", "none_of_these")
MAX_QUESTION = 500  # characters kept of one question
DEFAULT_PATH = Path("var/unanswered.jsonl")


def normalise(question: str) -> str:
    """The form questions are counted under: NFKC, spaces collapsed, trimmed, capped."""
    text = unicodedata.normalize("NFKC", question)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:MAX_QUESTION]


class UnansweredLog:
    """Appends one line per unanswered question; safe to call from several threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._failed: set[int | None] = set()  # errnos already logged

    def record(self, question: str, reason: str, *, now: datetime | None = None) -> bool:
        """Append the question; False (and nothing written) for an empty question, or when
        the file cannot be written (logged once per kind of failure: the user still gets
        the answer)."""
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        text = normalise(question)
        if not text:
            return False
        stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = json.dumps({"ts": stamp, "reason": reason, "q": text}, ensure_ascii=False)
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(line + "\n")
            except OSError as exc:  # checked writable at start; a full disk comes later
                if exc.errno not in self._failed:  # one line per kind of failure, no traceback
                    self._failed.add(exc.errno)
                    log.warning("cannot record an unanswered question in %s: %s",
                                self.path, exc.strerror or exc)  # fmt: skip
                return False
        return True


def read(path: Path) -> Iterator[dict]:
    """The records of the log, skipping lines that are not valid records."""
    if not Path(path).exists():
        return
    with Path(path).open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("q"), str):
                yield rec


def most_frequent(
    path: Path, *, limit: int = 20, reason: str | None = None
) -> list[tuple[str, int, str]]:
    """(question, count, last seen) for the most frequent questions, most frequent first."""
    counts: Counter[str] = Counter()
    last: dict[str, str] = {}
    for rec in read(path):
        if reason and rec.get("reason") != reason:
            continue
        q = normalise(rec["q"])
        counts[q] += 1
        last[q] = max(last.get(q, ""), str(rec.get("ts", "")))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(q, n, last[q]) for q, n in ranked[:limit]]


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of `sdgbot unanswered`."""
    p.add_argument("--limit", type=int, default=20, help="how many questions to list (20)")
    p.add_argument(
        "--log",
        default=None,
        help="the log file (default: $SDGBOT_UNANSWERED or var/unanswered.jsonl)",
    )
    p.add_argument("--reason", choices=REASONS, default=None, help="only this reason")
    p.add_argument("--json", action="store_true", help="one JSON object per question")


def cmd_unanswered(args: argparse.Namespace) -> int:
    """sdgbot unanswered [--limit N] [--log FILE] [--reason R] [--json]."""
    path = Path(getattr(args, "log", None) or os.environ.get("SDGBOT_UNANSWERED") or DEFAULT_PATH)
    limit = getattr(args, "limit", 20) or 20
    rows = most_frequent(path, limit=limit, reason=getattr(args, "reason", None))
    if getattr(args, "json", False):
        for q, n, ts in rows:
            print(json.dumps({"q": q, "count": n, "last": ts}, ensure_ascii=False))
        return 0
    if not rows:
        print(f"no unanswered questions in {path}", file=sys.stderr)
        return 0
    width = len(str(rows[0][1]))
    for q, n, ts in rows:
        print(f"{n:>{width}}  {ts}  {q}")
    return 0
