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
from typing import NamedTuple

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


def _needed(length: int) -> int:
    """The fewest characters of a key (of `length`) that a text must hold for rapidfuzz's
    partial ratio of the key within it to reach FUZZY_CUTOFF. That ratio is the best
    100 × 2·LCS / (length + its window's length) over windows of the text, and a window
    is at least as long as the LCS, which is at most the key's characters the text holds,
    K: so it is at most 100 × 2K / (length + K), under the cutoff while
    (200 − cutoff) × K < cutoff × length. Keys that fall short need no call."""
    return -(-FUZZY_CUTOFF * length // (200 - FUZZY_CUTOFF))  # the ceiling, in integers


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


@dataclass(slots=True)  # (not frozen: made by the tens per question, and frozen makes slowly)
class Scored:
    target: Target
    score: float
    precision: float
    coverage: float


class Key(NamedTuple):
    """A key of a target as ranking reads it (worked out once per index: `Index._tables`)."""

    weights: list[tuple[float, str]]  # its words' weights, in the key's order
    total: float  # their sum
    text: str  # the key as one string
    chars: int  # its characters, as bits (`Index._char_bit`)
    need: int  # how many of them a question must hold to be worth rapidfuzz's call


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
        # the dictionary words inside each word: 失業者職前訓練 holds 失業者 and 職前訓練
        self.parts = {
            w: [p for p in segmenter.cut_all(w) if p != w and len(p) > 1] for w in sorted(self.idf)
        }
        self._derived()

    def _derived(self) -> None:
        """What follows from the index's state (cheap): computed, never stored."""
        self.max_idf = math.log(1 + len(self.targets))
        self.vocab = sorted(self.idf)
        self._resolved: dict[str, Resolved] = {}
        self._holding: dict[str, list[tuple[int, float]]] = {}  # word → targets holding it
        self._tables()
        self._near_memo: dict[str, tuple[str, ...]] = {}  # question word → key words near it
        self._cover: dict[str, tuple] = {}  # question word → the key words it covers
        self._names: dict[Target, set[str]] = {}  # target → the words of its name
        self._by_id: dict[tuple[str, str], Target] = {}
        for t in self.targets:
            self._by_id.setdefault((t.type, t.id), t)  # the first, as a search would find

    def state(self) -> dict:
        """The index as plain JSON values (bot/engine/indexes.py stores it at build time)."""
        return {
            "targets": [[t.type, t.id, list(t.keys)] for t in self.targets],
            "key_words": self.key_words,
            "words": [sorted(ws) for ws in self.words],
            "idf": self.idf,
            "parts": self.parts,
        }

    @classmethod
    def restore(cls, state: dict, segmenter: Segmenter, background: dict[str, float]) -> "Index":
        self = cls.__new__(cls)
        self.targets = [Target(kind, ident, tuple(keys)) for kind, ident, keys in state["targets"]]
        self.background = background
        self.segmenter = segmenter
        self.key_words = state["key_words"]
        self.words = [set(ws) for ws in state["words"]]
        self.idf = state["idf"]
        self.parts = state["parts"]
        self._derived()
        return self

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
            best = self._typo(word)
            if best is None and not has_cjk(word) and len(word) >= 4:
                prefix = [v for v in self.vocab if v.startswith(word[:4]) and v.isascii()]
                best = (min(prefix, key=len), 85.0, 0) if prefix else None
        if best is None and has_cjk(word) and len(word) >= 3:
            best = self._part(word)
        return Resolved(word, best[0], best[1] / 100) if best else Resolved(word, None, 0)

    def _typo(self, word: str) -> tuple[str, float, int] | None:
        """The best close spelling (`_typo_ratio` ≥ the cutoff, the first among equals),
        found by rapidfuzz's own ratio in C: every word that close, best first, then the
        first that neither holds the word nor is held by it."""
        close = process.extract(
            word, self.vocab, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
        )
        return next((c for c in close if not (word in c[0] or c[0] in word)), None)

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
        """Every target holding a word of the question, scored, best first. Only the targets
        holding one are looked at (`_holders`, per word, memoised) and each key's weights
        are summed once per index (`_keys`): the sums are taken in the same order as term
        by term over every target, so the scores are exactly those."""
        total = sum(self.weight(r) for r in resolved)
        if not resolved or total <= 0:
            return []
        found = {r.known for r in resolved if r.known}
        longer = [f for f in found if len(f) > 1]
        asked = "".join(r.word for r in resolved)
        hits: dict[int, float] = {}  # target → the weight of the question's words it holds
        for r in resolved:
            if r.known is None:  # held by no target: adds nothing
                continue
            weight = self.weight(r) * r.certainty
            for i, held in self._holders(r.known):
                hits[i] = hits.get(i, 0) + weight * held
        spell = has_cjk(asked)
        shares = self._shares(found, longer)  # key word → how much of it the question holds
        covered = self._coverages(hits, shares)
        letters = self._bits(asked, self._char_bit)
        results = []
        for i in sorted(hits):  # in the targets' order, as ties are kept
            t, hit = self.targets[i], hits[i]
            if (types and t.type not in types) or hit <= 0:
                continue
            precision = hit / total
            coverage = covered.get(i, 0.0)
            # a spelling as close as the cutoff may stand for a key (1 is the most it adds)
            if spell and coverage < 1 and (self._chars[i] & letters).bit_count() >= self._need[i]:
                spelled = self._spelled(i, asked, letters)
                if spelled >= FUZZY_CUTOFF / 100:
                    coverage = max(coverage, spelled)
            score = 100 * (PRECISION_WEIGHT * precision + (1 - PRECISION_WEIGHT) * coverage)
            results.append((Scored(t, round(score, 1), precision, coverage), i))
        results.sort(key=lambda r: (-r[0].score, -r[0].coverage))
        ranked, start = [], 0
        while start < len(results):  # equals: the one whose own name (not an alias) holds
            # the question first (「職災」: 8.7.1 職災死亡千人率 before 1.3.2, which holds it
            # through its alias 職災保險), then indicators; else as they were
            end = start + 1
            first = results[start][0]
            while end < len(results) and (results[end][0].score, results[end][0].coverage) == (
                first.score,
                first.coverage,
            ):
                end += 1
            equals = results[start:end]
            if len(equals) > 1:
                equals.sort(
                    key=lambda r: (-self._named(r[1], shares), r[0].target.type != "indicator")
                )
            ranked += [s for s, _ in equals]
            start = end
        return ranked

    def _named(self, i: int, shares: dict[str, float]) -> float:
        """The share of target i's own name (its first key) the question holds."""
        keys = self._keys[i]
        if keys and keys[0].total > 0:
            return sum(wt * shares.get(w, 0.0) for wt, w in keys[0].weights) / keys[0].total
        return 0.0

    def _holders(self, word: str) -> list[tuple[int, float]]:
        """The targets holding a (known) word, each with how much of it (`_held` > 0)."""
        found = self._holding.get(word)
        if found is None:
            found = [(i, h) for i, ws in enumerate(self.words) if (h := self._held(word, ws)) > 0]
            if len(self._holding) < MEMO:
                self._holding[word] = found
        return found

    def _tables(self) -> None:
        """Each target's keys as ranking reads them (`Key`), with one bit per character of any
        key (`_char_bit`); per target, its keys' characters together and the fewest of them
        any key needs (`_needed`: fewer and rapidfuzz's partial ratio of the key within the
        question cannot reach the cutoff); and every word of a key → the keys holding it,
        with its positions in each (`_in_keys`)."""
        chars = sorted({c for keys in self.key_words for key in keys for w in key for c in w})
        self._char_bit = {c: 1 << n for n, c in enumerate(chars)}
        self._keys: list[list[Key]] = []
        for keys in self.key_words:
            table = []
            for key in keys:
                weights = self._weights(tuple(key))
                joined = "".join(key)
                need = _needed(len(joined)) - (len(joined) - len(set(joined)))
                total = sum(wt for wt, _ in weights)
                table.append(Key(weights, total, joined, self._bits(joined, self._char_bit), need))
            self._keys.append(table)
        self._chars = [
            self._bits((c for k in keys for c in k.text), self._char_bit) for keys in self._keys
        ]
        self._need = [min((k.need for k in keys), default=0) for keys in self._keys]
        self._in_keys: dict[str, list[tuple[int, int, list[int]]]] = {}
        for i, keys in enumerate(self._keys):
            for k, key in enumerate(keys):
                spots: dict[str, list[int]] = {}
                for pos, (_, w) in enumerate(key.weights):
                    spots.setdefault(w, []).append(pos)
                for w, positions in spots.items():
                    self._in_keys.setdefault(w, []).append((i, k, positions))
        self._key_chars: dict[str, list[str]] = {}  # by character, the key words holding it
        for w in self._in_keys:
            for c in set(w):
                self._key_chars.setdefault(c, []).append(w)

    @staticmethod
    def _bits(items, bit: dict[str, int]) -> int:
        """The bits of the items that have one."""
        bits = 0
        for item in items:
            bits |= bit.get(item, 0)
        return bits

    def _coverages(self, hits: dict[int, float], shares: dict[str, float]) -> dict[int, float]:
        """Target (of those hit) → the best share of one of its keys the question holds
        (`_coverage`): each key holding a word of it sums their weight × share in the key's
        order (the words it lacks would add 0.0, which changes no sum)."""
        terms: dict[tuple[int, int], list[tuple[int, float]]] = {}  # (target, key) → terms
        for w, share in shares.items():
            part = self.idf.get(w, self.max_idf) * share  # (the weight `_weights` gives it)
            for i, k, positions in self._in_keys[w]:
                if i in hits:
                    held = terms.setdefault((i, k), [])
                    for pos in positions:
                        held.append((pos, part))
        covered: dict[int, float] = {}
        for (i, k), held in terms.items():
            total = self._keys[i][k].total
            if total > 0:
                got = 0.0
                for _, part in sorted(held) if len(held) > 1 else held:
                    got += part
                covered[i] = max(covered.get(i, 0.0), got / total)
        return covered

    def _spelled(self, i: int, asked: str, letters: int) -> float:
        """rapidfuzz's best partial ratio of a key of target i within the question, over 100,
        of the keys it holds enough characters of; a ratio under the cutoff is never used,
        so rapidfuzz may stop early (and say 0)."""
        best = 0.0
        for _, _, key, chars, need in self._keys[i]:
            if len(key) <= len(asked) and (chars & letters).bit_count() >= need:
                best = max(best, fuzz.partial_ratio(key, asked, score_cutoff=FUZZY_CUTOFF))
        return best / 100

    def _shares(self, found: set[str], longer: list[str]) -> dict[str, float]:
        """The key words the question holds some of (`_share` > 0): a word of the question
        itself, or one its longer words cover part of (the share of its characters they
        cover, squared) or hold whole (1). A word can only cover key words it is near."""
        shares = {w: 1.0 for w in found if w in self._in_keys}
        masks: dict[str, int] = {}  # the positions covered, or -1 (-1 | a mask is -1)
        for f in longer:
            for w, mask in self._covers(f):
                if w not in shares:
                    masks[w] = masks.get(w, 0) | mask
        for w, mask in masks.items():
            shares[w] = 1.0 if mask < 0 else (mask.bit_count() / len(w)) ** 2
        return shares

    def _near(self, word: str) -> tuple[str, ...]:
        """The key words that may share something with a word of the question: those
        holding its rarest character, and its own parts (memoised per word)."""
        near = self._near_memo.get(word)
        if near is None:
            every = set()
            if word:
                rare = min(word, key=lambda c: len(self._key_chars.get(c, ())))
                every = set(self._key_chars.get(rare, ()))
            every |= {word[a:b] for a in range(len(word)) for b in range(a + 1, len(word) + 1)}
            near = tuple(w for w in every if w in self._in_keys)
            if len(self._near_memo) < MEMO:
                self._near_memo[word] = near
        return near

    def _covers(self, word: str) -> tuple[tuple[str, int], ...]:
        """The key words near a question word that it covers part of, each with the
        positions it covers as bits, or -1 when it holds the whole key word (memoised)."""
        found = self._cover.get(word)
        if found is None:
            out = []
            for w in self._near(word):
                mask = -1 if w in word else 0
                start = w.find(word) if mask == 0 else -1
                while start >= 0:
                    mask |= ((1 << len(word)) - 1) << start
                    start = w.find(word, start + 1)
                if mask:
                    out.append((w, mask))
            found = tuple(out)
            if len(self._cover) < MEMO:
                self._cover[word] = found
        return found

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
        return self._by_id.get((kind, ident))

    def name_words(self, target: Target) -> set[str]:
        """The words of the target's name (its first key), and the words inside them."""
        name = self._names.get(target)
        if name is None:
            name = set(self.segmenter.cut_all(target.keys[0])) if target.keys else set()
            self._names[target] = name  # (one per target: bounded)
        return name

    def unexplained(self, tokens: list[str], target: Target) -> list[str]:
        """The question's words the target's name (its first key) does not hold: what the
        question asks beyond it (成長, 降幅, 施行 …)."""
        name = self.name_words(target)
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
        self._setup([dict(Counter(segmenter.cut_all(t))) for t in texts])

    def _setup(self, docs: list[dict[str, int]]) -> None:
        self.docs = docs
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = sum(self.lengths) / max(len(self.docs), 1)
        df = Counter(w for d in self.docs for w in d)
        n = len(self.docs)
        self.idf = {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self._impact: dict[str, list[tuple[int, float]]] = {}  # see _impacts

    def state(self) -> list[dict[str, int]]:
        return self.docs

    @classmethod
    def restore(cls, docs: list[dict[str, int]]) -> "PassageIndex":
        self = cls.__new__(cls)
        self._setup(docs)
        return self

    def distinctive(self, index: int, words: list[str], floor: float) -> bool:
        """Whether the passage shares with the question a word at least this rare."""
        return any(self.idf.get(w, 0.0) >= floor for w in words if w in self.docs[index])

    def rank(self, words: list[str]) -> list[tuple[int, float, float]]:
        """(passage index, BM25 score, share of the question's weight the passage holds)."""
        if not words:
            return []
        weights = {w: self.idf.get(w, self.max_idf) * (0.3 if len(w) == 1 else 1) for w in words}
        total = sum(weights.values())
        bm25: dict[int, float] = {}
        held: dict[int, float] = {}
        for w, weight in weights.items():  # each passage's sums in the words' order
            for i, score in self._impacts(w):
                bm25[i] = bm25.get(i, 0.0) + score
                held[i] = held.get(i, 0.0) + weight
        out = [(i, bm25[i], held[i] / total) for i in sorted(bm25) if bm25[i] > 0]
        out.sort(key=lambda x: (-x[2], -x[1]))
        return out

    def _impacts(self, word: str) -> list[tuple[int, float]]:
        """(passage, the word's BM25 score in it) for each passage holding the word, worked
        out once per word of the passages (the same arithmetic as passage by passage)."""
        found = self._impact.get(word)
        if found is None:
            if word not in self.idf:
                return []
            found = self._impact[word] = []
            for i, doc in enumerate(self.docs):
                tf = doc.get(word, 0)
                if tf:
                    norm = tf * (self.K1 + 1)
                    norm /= tf + self.K1 * (1 - self.B + self.B * self.lengths[i] / self.avg)
                    found.append((i, self.idf[word] * norm))
        return found
