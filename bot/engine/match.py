"""Rank targets (indicators, programmes, goals, units, facts) and passages for a question. Pure.

Scores are 0–100 and explainable: a question's words are looked up among the words
of each target's keys (names, aliases, English names). Each word weighs its
inverse document frequency (rare words decide more). A word not found exactly
may still count through rapidfuzz (typos: ratio ≥ 85, scaled by that ratio).

    precision = weight of the question's words found in the target / weight of all its words
    coverage  = weight of the best key's words found in the question / weight of that key
    score     = 100 × (0.6 × precision + 0.4 × coverage)

A question word found in no key weighs half its weight among the report's
passages when the report uses it (比例, 加強: words that say little about which
target is meant), and as much as the rarest word when the report never uses it,
so a question about something else (失業率, 天氣) cannot score high by sharing
one common word. Coverage also takes rapidfuzz's partial ratio of the key within
the question, so a typo inside a name (職災死往千人率) still finds its key.
"""

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.engine.text import Segmenter, has_cjk

FUZZY_CUTOFF = 85
MEMO = 20_000  # question words remembered with what they resolve to
PRECISION_WEIGHT = 0.6


def _number(word: str) -> bool:
    """A number is no evidence, except a year (2017 年起累計 tells which count)."""
    return word.replace(".", "").replace(",", "").isdigit() and not (
        len(word) == 4 and word.startswith("20")
    )


def _typo_ratio(word: str, other: str, **kwargs) -> float:
    """rapidfuzz's ratio, but a word inside another is a different word, not a typo
    (勞動部 is not 勞動部長)."""
    if word in other or other in word:
        return 0.0
    return fuzz.ratio(word, other, **kwargs)


@dataclass(frozen=True)
class Target:
    type: str  # indicator | programme | goal | unit | fact
    id: str
    keys: tuple[str, ...]  # already normalised and rewritten


@dataclass(frozen=True)
class Scored:
    target: Target
    score: float
    precision: float
    coverage: float


@dataclass(frozen=True)
class Resolved:
    word: str  # as asked
    known: str | None  # the vocabulary word it stands for
    certainty: float  # 1.0 exact, ratio/100 for a fuzzy match


class Index:
    def __init__(self, targets: list[Target], segmenter: Segmenter, background: dict[str, float]):
        self.targets = targets
        self.background = background  # word → weight among the report's passages
        self.segmenter = segmenter
        self.key_words = [[segmenter.cut(k) for k in t.keys] for t in targets]
        self.words = [{w for key in t.keys for w in segmenter.cut_all(key)} for t in targets]
        df = Counter(w for ws in self.words for w in ws)
        n = len(targets)
        self.idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self.max_idf = math.log(1 + n)
        self.vocab = sorted(self.idf)
        self._resolved: dict[str, Resolved] = {}
        # the dictionary words inside each word: 失業者職前訓練 holds 失業者 and 職前訓練
        self.parts = {
            w: [p for p in segmenter.cut_all(w) if p != w and len(p) > 1] for w in self.vocab
        }

    def resolve(self, tokens: list[str]) -> list[Resolved]:
        out = []
        for word in tokens:
            known = self._resolved.get(word)
            if known is None:
                known = self._resolve(word)
                if len(self._resolved) < MEMO:
                    self._resolved[word] = known
            out.append(known)
        return out

    def _resolve(self, word: str) -> Resolved:
        """The vocabulary word a question word stands for: itself, or a close spelling."""
        if word in self.idf:
            return Resolved(word, word, 1.0)
        best = None
        if len(word) >= 2 and word not in self.background:  # a word of the report is no typo
            best = process.extractOne(
                word, self.vocab, scorer=_typo_ratio, score_cutoff=FUZZY_CUTOFF
            )
            if best is None and not has_cjk(word) and len(word) >= 4:
                prefix = [v for v in self.vocab if v.startswith(word[:4]) and v.isascii()]
                best = (min(prefix, key=len), 85.0, 0) if prefix else None
        if best is None and has_cjk(word) and len(word) >= 3:
            best = self._part(word)
        return Resolved(word, best[0], best[1] / 100) if best else Resolved(word, None, 0)

    def _part(self, word: str) -> tuple[str, float] | None:
        """The longest known word inside an unknown one (訓練課 → 訓練), as sure as the
        share of the word it is."""
        for n in range(len(word) - 1, 1, -1):
            for i in range(len(word) - n + 1):
                if word[i : i + n] in self.idf:
                    return word[i : i + n], 100 * n / len(word)
        return None

    def weight(self, r: Resolved) -> float:
        if r.known:
            return self.idf[r.known]
        weight = 0.5 * self.background.get(r.word, 2 * self.max_idf)
        return weight * (0.3 if len(r.word) == 1 else 1.0)  # a stray character says little

    def rank(self, resolved: list[Resolved], types: set[str] | None = None) -> list[Scored]:
        total = sum(self.weight(r) for r in resolved)
        if not resolved or total <= 0:
            return []
        found = {r.known for r in resolved if r.known}
        asked = "".join(r.word for r in resolved)
        shares: dict[str, float] = {}  # key word → how much of it the question holds
        results = []
        named: dict[Target, float] = {}
        for t, words, keys in zip(self.targets, self.words, self.key_words, strict=True):
            if types and t.type not in types:
                continue
            hit = sum(self.weight(r) * r.certainty * self._held(r.known, words) for r in resolved)
            if hit <= 0:
                continue
            precision = hit / total
            coverage = max(self._coverage(key, found, shares) for key in keys)
            if has_cjk(asked):
                spelled = (
                    max(
                        (
                            fuzz.partial_ratio("".join(k), asked)
                            for k in keys
                            if len("".join(k)) <= len(asked)
                        ),
                        default=0,
                    )
                    / 100
                )
                if spelled >= FUZZY_CUTOFF / 100:
                    coverage = max(coverage, spelled)
            score = 100 * (PRECISION_WEIGHT * precision + (1 - PRECISION_WEIGHT) * coverage)
            results.append(Scored(t, round(score, 1), precision, coverage))
            named[t] = self._coverage(keys[0], found, shares) if keys else 0.0
        # equals: the one whose own name (not an alias) holds the question first (「職災」:
        # 8.7.1 職災死亡千人率 before 1.3.2, which holds it through its alias 職災保險)
        results.sort(
            key=lambda s: (-s.score, -s.coverage, -named[s.target], s.target.type != "indicator")
        )
        return results

    def _held(self, word: str | None, words: set[str]) -> float:
        """1 when the target has the word; for a compound it lacks, the share of its parts
        it has (8.5.2 holds 失業者 and 職前訓練, so most of 失業者職前訓練), slightly less."""
        if word is None:
            return 0.0
        if word in words:
            return 1.0
        parts = self.parts.get(word) or []
        if not parts:
            return 0.0
        held = sum(len(p) for p in parts if p in words) / sum(len(p) for p in parts)
        return 0.9 * held if held >= 0.5 else 0.0

    def find(self, kind: str, ident: str) -> Target | None:
        return next((t for t in self.targets if t.type == kind and t.id == ident), None)

    def unexplained(self, tokens: list[str], target: Target) -> list[str]:
        """The question's words the target's name (its first key) does not hold: what the
        question asks beyond it (成長, 降幅, 施行 …)."""
        name = set(self.segmenter.cut_all(target.keys[0])) if target.keys else set()
        return [r.word for r in self.resolve(tokens) if self._held(r.known, name) < 0.5]

    def _coverage(self, key_words: list[str], found: set[str], shares: dict | None = None) -> float:
        weights = self._weights(tuple(key_words))
        total = sum(wt for wt, _ in weights)
        if total <= 0:
            return 0.0
        shares = {} if shares is None else shares  # one question's, shared by every key
        got = 0.0
        for wt, w in weights:
            share = shares.get(w)
            if share is None:
                longer = [f for f in found if len(f) > 1]
                share = shares[w] = self._share(w, found, longer)
            got += wt * share
        return got / total

    @lru_cache(maxsize=4096)  # noqa: B019 - the index lives as long as the engine
    def _weights(self, key_words: tuple[str, ...]) -> list[tuple[float, str]]:
        return [(self.idf.get(w, self.max_idf), w) for w in key_words if w.strip()]

    @staticmethod
    def _share(word: str, found: set[str], longer: list[str]) -> float:
        """How much of a key word the question holds: all of it, or parts (職災 of 職災死亡),
        counted by the square of the share of its characters they cover: 失業者 is not
        most of 弱勢失業者 (0.36, not 0.6), but 失業者 and 職業訓練 are all of
        失業者職業訓練."""
        if word in found:
            return 1.0
        covered = [False] * len(word)
        for f in longer:
            if word in f:
                return 1.0
            start = word.find(f)
            while start >= 0:
                covered[start : start + len(f)] = [True] * len(f)
                start = word.find(f, start + 1)
        return (sum(covered) / len(word)) ** 2 if word else 0.0


class PassageIndex:
    """BM25 over the report's passages, for report facts (組織架構, 未來展望 …)."""

    K1, B = 1.2, 0.75

    def __init__(self, texts: list[str], segmenter: Segmenter):
        self.docs = [Counter(segmenter.cut_all(t)) for t in texts]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = sum(self.lengths) / max(len(self.docs), 1)
        df = Counter(w for d in self.docs for w in d)
        n = len(self.docs)
        self.idf = {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)

    def distinctive(self, index: int, words: list[str], floor: float) -> bool:
        """Whether the passage shares with the question a word at least this rare."""
        return any(self.idf.get(w, 0.0) >= floor for w in words if w in self.docs[index])

    def rank(self, words: list[str]) -> list[tuple[int, float, float]]:
        """(passage index, BM25 score, share of the question's weight the passage holds)."""
        if not words:
            return []
        weights = {w: self.idf.get(w, self.max_idf) * (0.3 if len(w) == 1 else 1) for w in words}
        total = sum(weights.values())
        out = []
        for i, doc in enumerate(self.docs):
            bm25, held = 0.0, 0.0
            for w in weights:
                tf = doc.get(w, 0)
                if tf:
                    norm = tf * (self.K1 + 1)
                    norm /= tf + self.K1 * (1 - self.B + self.B * self.lengths[i] / self.avg)
                    bm25 += self.idf[w] * norm
                    held += weights[w]
            if bm25 > 0:
                out.append((i, bm25, held / total))
        out.sort(key=lambda x: (-x[2], -x[1]))
        return out
