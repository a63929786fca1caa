"""Report facts at sentence level: BM25 over the build's units, by words and by characters.

Each unit (a sentence, a list item, a colon-introduced list, a table row) is indexed
twice: by the words jieba cuts from it and by its character bigrams. The bigrams do
not depend on jieba cutting a question the way it cut the report (「加保方式」 and
「加保」, 「罰則」 inside 「提高罰則」), so a question in other words still finds the
sentence that holds its characters. Both scores are features of the decision.

What BM25 finds first is then put in order by `Reranker`: one linear function of a few
features of each unit found (the evidence above, how much of the question its headings
and its passage hold, its kind and owner, whether it prints the year asked, a number
for a question asking one, what comes next for one asking that), its weights fitted by
tools/fit_units.py on the units that answer the training questions.
"""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.engine.text import Segmenter

K1, B = 1.2, 0.75
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_YEAR = re.compile(r"(?<!\d)20\d\d(?!\d)")
_DAY = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])\s*月\s*([12]\d|3[01]|0?[1-9])\s*日")
POOL = 30  # units BM25 finds that the reranker puts in order
MEMO = 20_000  # question words remembered with the headings and passages holding them
UNIT_WEIGHTS = Path(__file__).resolve().parent / "unit_weights.json"


def days(text: str) -> list[str]:
    """The dates a text prints, as one term each (「4 月 17 日」 → 「4月17日」): a date is as
    telling as a rare word, though its numbers alone say nothing."""
    return [f"{int(m)}月{int(d)}日" for m, d in _DAY.findall(text)]


def bigrams(text: str) -> list[str]:
    return [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]


class _Bm25:
    def __init__(self, docs: list[dict[str, int]]):
        self.docs = docs
        self.lengths = [sum(d.values()) for d in docs]
        self.avg = sum(self.lengths) / max(len(docs), 1)
        df = Counter(t for d in docs for t in d)
        n = len(docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.postings: dict[str, list[int]] = {}
        self._impact: dict[str, list[tuple[int, float]]] = {}
        for i, d in enumerate(docs):
            for t in d:
                self.postings.setdefault(t, []).append(i)

    def scores(
        self, terms: list[str], among: frozenset[int] | None = None
    ) -> tuple[dict[int, float], dict[int, float], float]:
        """BM25 per doc (of those among, if given), the idf share of the terms each doc
        holds, and the terms' idf sum."""
        sums, total = self.sums(terms, among)
        return (
            {i: b for i, (b, _) in sums.items()},
            {i: h / total for i, (_, h) in sums.items()},
            total,
        )

    def sums(
        self, terms: list[str], among: frozenset[int] | None = None
    ) -> tuple[dict[int, list[float]], float]:
        """[BM25, idf of the terms held] per doc (of those among, if given), each summed in
        the terms' order, and the terms' idf sum (1 when none is known)."""
        weights = {t: self.idf[t] for t in dict.fromkeys(terms) if t in self.idf}
        total = sum(weights.values()) or 1.0
        sums: dict[int, list[float]] = {}
        at = sums.get
        for t, idf in weights.items():
            for i, score in self._impacts(t):
                if among is None or i in among:
                    got = at(i)
                    if got is None:
                        sums[i] = [score, idf]  # (0.0 + x is x: the same floats)
                    else:
                        got[0] += score
                        got[1] += idf
        return sums, total

    def _impacts(self, term: str) -> list[tuple[int, float]]:
        """(doc, the term's BM25 score in it) for each doc holding the term, worked out once
        per term (the same arithmetic as term by term, so the same floats)."""
        found = self._impact.get(term)
        if found is None:
            idf, found = self.idf[term], []
            for i in self.postings[term]:
                tf = self.docs[i][term]
                norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * self.lengths[i] / self.avg))
                found.append((i, idf * norm))
            self._impact[term] = found  # (one per term of the units: bounded)
        return found


@dataclass(slots=True)  # (not frozen: made by the tens per question, and frozen makes slowly)
class Hit:
    index: int  # position in the unit list
    words: float  # idf share of the question's words the unit holds
    chars: float  # idf share of the question's character bigrams it holds
    bm25: float  # both BM25 scores, each over the best possible for the question


class UnitIndex:
    def __init__(self, texts: list[str], segmenter: Segmenter):
        self.segmenter = segmenter
        words = ([w for w in segmenter.cut_all(t) if len(w) > 1] + days(t) for t in texts)
        self.by_word = _Bm25([dict(Counter(w)) for w in words])
        self.by_char = _Bm25([dict(Counter(bigrams(t))) for t in texts])

    def state(self) -> dict:
        """Each unit's words and bigrams with their counts (bot/engine/indexes.py)."""
        return {"words": self.by_word.docs, "chars": self.by_char.docs}

    @classmethod
    def restore(cls, state: dict, segmenter: Segmenter) -> "UnitIndex":
        self = cls.__new__(cls)
        self.segmenter = segmenter
        self.by_word, self.by_char = _Bm25(state["words"]), _Bm25(state["chars"])
        return self

    def rank(
        self,
        words: list[str],
        text: str,
        limit: int = 5,
        among: frozenset[int] | None = None,
        skip: frozenset[int] = frozenset(),
    ) -> list[Hit]:
        """The units (of those among, if given; none of skip) best holding the question:
        its content words and its characters."""
        terms = [w for w in words if len(w) > 1] + days(text)
        by_word, w_total = self.by_word.sums(terms, among)
        by_char, c_total = self.by_char.sums(bigrams(text), among)
        ceiling = (K1 + 1) * (w_total + c_total) or 1.0
        none = (0.0, 0.0)
        keys = []  # the sort key of each unit holding something: share, BM25, position
        for i in (by_word.keys() | by_char.keys()) - skip:
            w_bm25, w_held = by_word.get(i, none)
            c_bm25, c_held = by_char.get(i, none)
            words_share = w_held / w_total  # (0.0 for a unit holding none: 0.0 / x)
            chars_share = c_held / c_total
            keys.append((-(words_share + chars_share), -((w_bm25 + c_bm25) / ceiling), i,
                         words_share, chars_share))  # fmt: skip
        keys.sort()  # (the positions differ: no two keys are equal)
        return [Hit(i, w, c, -bm25) for _, bm25, i, w, c in keys[:limit]]


class Reranker:
    """The units BM25 found, in the order of Σ weight × feature (weights: unit_weights.json,
    written by tools/fit_units.py; nothing here is tuned by hand). Per unit, found once:
    its headings and passage as questions are matched, its length, kind, owner, years."""

    FEATURES = (
        "words", "chars", "bm25",  # the evidence BM25 ranked by (Hit)
        "heading",  # share of the question's words (by idf) its heading path holds
        "passage",  # ... its passage holds (the sentences around it)
        "length", "item", "row", "list", "owner_indicator", "owner_programme",
        "number", "number_figure", "number_describe",  # prints a number; and one is asked, or words
        "year",  # prints a year the question names
        "future",  # stands where the report says what comes next, and that is asked
        "prior",  # 1 / (1 + its place in BM25's order)
        "items_describe",  # a list or its item, for a question asking words (哪些, how)
        "opening",  # the first unit of its passage
    )  # fmt: skip

    def __init__(
        self,
        weights: dict[str, float],
        units: list,
        headings: list[str],
        passages: list[str],
        future: frozenset[int],
    ):
        self.weights = [weights.get(name, 0.0) for name in self.FEATURES]
        self.headings, self.passages, self.future = headings, passages, future
        # units share their headings and passages: each text once, and per word the texts
        # holding it (`_holding`), so a unit's share is a look-up, not a substring search
        self._texts: dict[str, int] = {}
        self._heading_at = [self._texts.setdefault(t, len(self._texts)) for t in headings]
        self._passage_at = [self._texts.setdefault(t, len(self._texts)) for t in passages]
        self._holding: dict[str, frozenset[int]] = {}
        self.static = [
            (
                math.log(len(u.text) + 1) / 6,
                float(u.kind == "item"),
                float(u.kind == "row"),
                float(u.kind == "list"),
                float(u.owner_type == "indicator"),
                float(u.owner_type == "programme"),
            )
            for u in units
        ]
        self.numbers = [bool(re.search(r"\d", u.text)) for u in units]
        self.listed = [u.kind in ("item", "list") for u in units]
        self.opening = [float(u.position == 0) for u in units]
        self.years = [frozenset(_YEAR.findall(u.text)) for u in units]
        w = dict(zip(self.FEATURES, self.weights, strict=True))
        self._w = w
        statics = ("length", "item", "row", "list", "owner_indicator", "owner_programme")
        self.base = [  # each unit's score from what it is, whatever is asked
            sum(w[n] * v for n, v in zip(statics, self.static[i], strict=True))
            + w["opening"] * self.opening[i]
            for i in range(len(units))
        ]

    @staticmethod
    def load_weights(path: Path = UNIT_WEIGHTS) -> dict[str, float]:
        return dict(json.loads(path.read_text(encoding="utf-8"))["weights"])

    def features(self, hits: list[Hit], weight: dict[str, float], q) -> list[list[float]]:
        """Each hit's features; `weight`: the question's words with their idf; `q` what it
        asks (years, figure, describe, future: question.Question)."""
        total = sum(weight.values()) or 1.0
        years = set(q.years)
        out = []
        for k, h in enumerate(hits):
            i = h.index
            heading, passage = self.headings[i], self.passages[i]
            number = self.numbers[i]
            out.append([
                h.words, h.chars, h.bm25,
                sum(v for w, v in weight.items() if w in heading) / total,
                sum(v for w, v in weight.items() if w in passage) / total,
                *self.static[i],
                float(number), float(number and q.figure), float(number and q.describe),
                float(bool(years & self.years[i])),
                float(q.future and i in self.future),
                1 / (1 + k),
                float(self.listed[i] and q.describe),
                self.opening[i],
            ])  # fmt: skip
        return out

    def order(self, hits: list[Hit], weight: dict[str, float], q) -> list[Hit]:
        """The hits by Σ weight × feature: `features` and the weights, summed per unit with
        what does not depend on the question taken once (`base`; the same scores but for
        the last bits of a float)."""
        scores = self.scores(hits, weight, q)
        return [hits[k] for k in sorted(range(len(hits)), key=lambda k: (-scores[k], k))]

    def _holders(self, word: str) -> frozenset[int]:
        """The headings and passages (by their number in `_texts`) holding the word."""
        found = self._holding.get(word)
        if found is None:
            found = frozenset(n for t, n in self._texts.items() if word in t)
            if len(self._holding) < MEMO:
                self._holding[word] = found
        return found

    def scores(self, hits: list[Hit], weight: dict[str, float], q) -> list[float]:
        """Each hit's score."""
        w = self._w
        holders = [(self._holders(word), v) for word, v in weight.items()]
        total = sum(weight.values()) or 1.0
        heading_w, passage_w = w["heading"] / total, w["passage"] / total
        numbered = w["number"] + w["number_figure"] * q.figure + w["number_describe"] * q.describe
        listed = w["items_describe"] * q.describe
        years, future = set(q.years), self.future if q.future else ()
        words, chars, bm25, prior = w["words"], w["chars"], w["bm25"], w["prior"]
        scores = []
        for k, h in enumerate(hits):
            i = h.index
            heading, passage = self._heading_at[i], self._passage_at[i]
            held_h = held_p = 0.0
            for holding, v in holders:  # (in the words' order: the same sums)
                if heading in holding:
                    held_h += v
                if passage in holding:
                    held_p += v
            score = (self.base[i] + words * h.words + chars * h.chars + bm25 * h.bm25
                     + heading_w * held_h + passage_w * held_p + prior / (1 + k))  # fmt: skip
            if self.numbers[i]:
                score += numbered
            if self.listed[i]:
                score += listed
            if years and years & self.years[i]:
                score += w["year"]
            if i in future:
                score += w["future"]
            scores.append(score)
        return scores
