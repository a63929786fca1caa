"""The few words of a report text that answer the question, for an answer's first line. Pure.

A phone reader looks at the first line. For a quoted sentence that is the clause holding
the question's words (「例如加強安全衛生檢查 15 萬 1,174 場次」), with its neighbours while
they fit, cut at clause marks and shown with an ellipsis where the sentence goes on. The
whole sentence still follows in the answer.
"""

import re
from collections.abc import Callable

LIMIT = 110  # characters of the first line, ellipses included (score.py reads up to 120)
_CLAUSE = re.compile(r"(?<=[，；。：、])")
_FIGURE = re.compile(r"\d")


def snippet(text: str, words: list[str], canon: Callable[[str], str], limit: int = LIMIT) -> str:
    """The clauses of `text` best holding `words` (by characters), at most `limit`
    characters; "" when no clause holds any of them. Single characters count only when
    no longer word is given (降 → 降幅達 3.8%)."""
    words = [w for w in words if len(w) > 1] or [w for w in words if w.strip()]
    text = " ".join(text.split())
    if len(text) <= limit:
        return text if _hits(canon(text), words) else ""
    clauses = [c for c in _CLAUSE.split(text) if c]
    hits = [_hits(canon(c), words) + 0.5 * bool(_FIGURE.search(c)) for c in clauses]
    best = max(range(len(clauses)), key=lambda i: (hits[i], -i))
    if hits[best] < 1:
        return ""
    start, end = best, best + 1
    while True:  # grow towards the better neighbour while the line still fits
        options = [i for i in (start - 1, end) if 0 <= i < len(clauses)]
        options = [i for i in options if _length(clauses, start, end, i) <= limit]
        if not options:
            break
        i = max(options, key=lambda i: (hits[i], i == end))
        start, end = min(start, i), max(end, i + 1)
    out = "".join(clauses[start:end]).strip().rstrip("，；、：")
    if len(out) > limit - 2:
        out = out[: limit - 2]
    return ("…" if start > 0 else "") + out + ("…" if end < len(clauses) else "")


def _hits(text: str, words: list[str]) -> int:
    return sum(len(w) for w in words if w in text)


def _length(clauses: list[str], start: int, end: int, add: int) -> int:
    lo, hi = min(start, add), max(end, add + 1)
    return sum(len(c) for c in clauses[lo:hi]) + 2
