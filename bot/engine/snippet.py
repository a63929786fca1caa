"""The few words of a report text that answer the question, for an answer's first line. Pure.

A phone reader looks at the first line. For a quoted sentence that is the clause holding
the question's words (「例如加強安全衛生檢查 15 萬 1,174 場次」), with its neighbours while
they fit, cut at clause marks and shown with an ellipsis where the sentence goes on. The
whole sentence still follows in the answer.

A word the text repeats clause after clause is its subject (「合理調整」 in a programme
about it) and tells less about which clause answers than a word found in one clause
only: a word counts its length (at most 4: a long compound is one thing), halved in
the limit of a word every clause holds.
"""

import re
from collections.abc import Callable

LIMIT = 118  # characters of the first line, ellipses included (score.py reads up to 120)
_CLAUSE = re.compile(r"(?<=[，；。：、])")
_FIGURE = re.compile(r"\d")


def snippet(text: str, words: list[str], canon: Callable[[str], str], limit: int = LIMIT) -> str:
    """The clauses of `text` best holding `words` (by characters), at most `limit`
    characters; "" when no clause holds any of them. Single characters count only when
    no longer word is given (降 → 降幅達 3.8%)."""
    return best_snippet([text], words, canon, limit)


def best_snippet(
    texts: list[str],
    words: list[str],
    canon: Callable[[str], str],
    limit: int = LIMIT,
    wanted: re.Pattern | None = None,
) -> str:
    """The snippet of whichever text holds the clause that best holds `words` (the first
    text among equals): a programme's content, its stakeholders, its conclusion. A clause
    showing what the question wants (`wanted`: a date, when it asks when) counts as a
    word more."""
    words = [w for w in words if len(w) > 1] or [w for w in words if w.strip()]
    texts = [" ".join(t.split()) for t in texts if t and t.strip()]
    split = [[c for c in _CLAUSE.split(t) if c] for t in texts]
    canons = [[canon(c) for c in clauses] for clauses in split]
    spread = {w: sum(w in c for cs in canons for c in cs) for w in words}
    weight = {w: min(len(w), 4) * (1 + 1 / n) / 2 for w, n in spread.items() if n}
    best, chosen = 0.0, ""
    for text, clauses, canoned in zip(texts, split, canons, strict=True):
        found = [[w for w in words if w in c] for c in canoned]
        figure = [
            0.5 * bool(_FIGURE.search(c)) + 2.0 * bool(wanted and wanted.search(c)) for c in clauses
        ]
        held = [sum(map(len, f)) + g for f, g in zip(found, figure, strict=True)]
        if not any(found) or max(held) < 1:
            continue  # no clause holds the words
        hits = [sum(weight[w] for w in f) + g for f, g in zip(found, figure, strict=True)]
        if max(hits) <= best:
            continue
        best, chosen = max(hits), _around(text, clauses, hits, limit)
    return chosen


def _around(text: str, clauses: list[str], hits: list[float], limit: int) -> str:
    """The best clause, grown towards its better neighbour while the line still fits;
    the items of a list (「跨機關治理、伙伴合作」) before it come first."""
    if len(text) <= limit:
        return text
    best = max(range(len(clauses)), key=lambda i: (hits[i], -i))
    start, end = best, best + 1
    while True:
        options = [i for i in (start - 1, end) if 0 <= i < len(clauses)]
        options = [i for i in options if _length(clauses, start, end, i) <= limit]
        if not options:
            break

        before = start - 1  # a list's items before the kept clause come first
        listed = {before} if before >= 0 and clauses[before].endswith("、") else set()
        i = max(options, key=lambda i: (i in listed, hits[i], i > before))
        start, end = min(start, i), max(end, i + 1)
    out = "".join(clauses[start:end]).strip().rstrip("，；、：")
    if len(out) > limit - 2:
        out = out[: limit - 2]
    return ("…" if start > 0 else "") + out + ("…" if end < len(clauses) else "")


def _length(clauses: list[str], start: int, end: int, add: int) -> int:
    lo, hi = min(start, add), max(end, add + 1)
    return sum(len(c) for c in clauses[lo:hi]) + 2
