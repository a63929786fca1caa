"""Normalise questions, rewrite synonyms and segment with jieba. Pure once built.

The jieba dictionary comes from indicators.db (see vocab.py): a few thousand
Traditional words, so the tokenizer starts in milliseconds instead of loading
jieba's 349k-word Simplified dictionary. English words are stemmed as the build
stems its English (bot/knowledge/english.py).
"""

import io
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jieba

from bot.knowledge.english import stem
from bot.knowledge.values import Pinyin
from bot.knowledge.vocab import converter

jieba.setLogLevel(logging.WARNING)

_MENTION = re.compile(r"^\s*@\w+\s*")
_COMMAND = re.compile(r"^\s*/\w+(@\w+)?\s*")
_INVISIBLE = re.compile(
    r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
_PUNCT = re.compile(r"[^\w\s.%\-]")
_CJK = re.compile(r"[\u3400-\u9fff]")
MAX_QUESTION = 500  # characters considered; longer input is cut


class _Table:
    """One OpenCC dictionary, stored in buckets by the keys' first character (JSON text
    each), parsed when a text first holds that character: a Simplified question or two
    loads a few hundred of them, not the 50,000 keys of the phrase dictionary."""

    __slots__ = ("buckets",)

    def __init__(self, buckets: dict[str, str]):
        self.buckets: dict[str, Any] = dict(buckets)

    def at(self, char: str) -> tuple[dict[str, str], tuple[int, ...]] | None:
        """The keys starting with char, and their lengths, longest first."""
        bucket = self.buckets.get(char)
        if isinstance(bucket, str):
            table = json.loads(bucket)
            bucket = self.buckets[char] = (table, tuple(sorted(set(map(len, table)), reverse=True)))
        return bucket


class Converter:
    """OpenCC's conversion in Python, over OpenCC's own config and dictionaries as plain
    data (read at build time: bot.knowledge.vocab.opencc_tables): normalization, then
    segments of the longest phrases of the segmentation dictionary (the text between
    them one segment), then each step of the chain on each segment, longest key first
    (a group's dictionaries: the first that has one, or the longest of all, as its match
    policy says). It gives what OpenCC gives (a test compares them), and holds only the
    keys of the characters it has seen, where OpenCC's converter holds ~40 MB."""

    def __init__(self, packed: Mapping):
        dicts = {name: _Table(buckets) for name, buckets in packed["dicts"].items()}

        def step(spec: Mapping):
            if "file" in spec:
                return dicts[spec["file"]]
            return (spec["policy"], [step(inner) for inner in spec["group"]])

        steps = packed["steps"]
        self.normalization = [step(s) for s in steps["normalization"]]
        self.segmentation = step(steps["segmentation"])
        self.chain = [step(s) for s in steps["chain"]]
        self._chained: dict[str, str] = {}  # a segment → through the chain (see convert)

    @staticmethod
    def pack(tables: Mapping) -> dict:
        """`opencc_tables` as stored: each dictionary in buckets by first character."""
        dicts = {}
        for name, table in tables["dicts"].items():
            buckets: dict[str, dict[str, str]] = {}
            for key, value in table.items():
                buckets.setdefault(key[0], {})[key] = value
            dicts[name] = {
                c: json.dumps(b, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                for c, b in buckets.items()
            }
        return {"steps": tables["steps"], "dicts": dicts}

    @staticmethod
    def _match(d, text: str, i: int) -> tuple[int, str] | None:
        """The longest key of d at text[i:], and what it converts to."""
        if isinstance(d, _Table):
            bucket = d.at(text[i])
            if bucket is None:
                return None
            table, lengths = bucket
            for n in lengths:  # (only the lengths its keys have)
                if i + n <= len(text):
                    value = table.get(text[i : i + n])
                    if value is not None:
                        return n, value
            return None
        policy, inner_dicts = d
        best = None
        for inner in inner_dicts:  # a group
            found = Converter._match(inner, text, i)
            if found is not None:
                if policy != "union":
                    return found  # short_circuit: the first dictionary that has one
                if best is None or found[0] > best[0]:
                    best = found
        return best

    def _convert(self, d, text: str) -> str:
        if isinstance(d, _Table) and d.buckets.keys().isdisjoint(text):
            return text  # no key starts with any of its characters: nothing to convert
        out, i = [], 0
        while i < len(text):
            found = self._match(d, text, i)
            if found is None:
                out.append(text[i])
                i += 1
            else:
                out.append(found[1])
                i += found[0]
        return "".join(out)

    def _segments(self, text: str) -> list[str]:
        segments, pending, i = [], "", 0
        while i < len(text):
            found = self._match(self.segmentation, text, i)
            if found is None:
                pending += text[i]
                i += 1
                continue
            if pending:
                segments.append(pending)
                pending = ""
            segments.append(text[i : i + found[0]])
            i += found[0]
        return [*segments, pending] if pending else segments

    def convert(self, text: str) -> str:
        """The chain converts each segment on its own, so a segment's conversion is
        remembered (a phrase of the dictionary, or the text between two)."""
        for d in self.normalization:
            text = self._convert(d, text)
        out = []
        for segment in self._segments(text):
            converted = self._chained.get(segment)
            if converted is None:
                converted = segment
                for d in self.chain:
                    converted = self._convert(d, converted)
                if len(self._chained) < MEMO:
                    self._chained[segment] = converted
            out.append(converted)
        return "".join(out)


class Taiwan:
    """Simplified → Traditional (Taiwan usage, OpenCC's s2twp), run only on text it would
    change: text holding a character it converts or a longer key it converts (both read
    from OpenCC's own dictionaries at build time: bot.knowledge.vocab.s2twp_changes).
    Most questions are Traditional already, so nothing is loaded for them; the others
    go through `Converter` over the stored dictionaries (~10 ms to load, ~8 MB). Until
    told, every text goes through OpenCC's own converter (~50 ms, ~40 MB)."""

    def __init__(self) -> None:
        self.chars: frozenset[str] | None = None  # None: not known, convert everything
        self.phrases: dict[str, tuple[str, ...]] = {}  # by first character
        self._tables: Callable[[], Mapping | None] = lambda: None
        self._converter: Converter | None = None

    def learn(self, changes: Mapping | None, tables: Callable[[], Mapping | None]) -> None:
        """What s2twp changes, and how to get its tables (called when first needed)."""
        self._tables, self._converter = tables, None
        if not changes:
            return
        firsts: dict[str, list[str]] = {}
        for phrase in changes["phrases"]:
            firsts.setdefault(phrase[0], []).append(phrase)
        self.phrases = {c: tuple(ps) for c, ps in firsts.items()}
        self.chars = frozenset(changes["chars"])

    def changes(self, text: str) -> bool:
        """Whether s2twp could change the text."""
        if self.chars is None or not self.chars.isdisjoint(text):
            return True
        phrases = self.phrases
        if phrases.keys().isdisjoint(text):  # (no phrase starts with one of its characters)
            return False
        return any(
            text.startswith(p, i) for i, c in enumerate(text) if c in phrases for p in phrases[c]
        )

    def __call__(self, text: str) -> str:
        if not self.changes(text):
            return text
        if self._converter is None and (tables := self._tables()) is not None:
            self._converter = Converter(tables)
        if self._converter is not None:
            return self._converter.convert(text)
        return converter("s2twp").convert(text)


TAIWAN = Taiwan()  # told what s2twp changes by the engine, from its stored indexes


def normalise(question: str, limit: int | None = MAX_QUESTION) -> str:
    """NFKC, no control or zero-width characters, no leading @mention or /command,
    lower case, Simplified → Traditional (Taiwan usage), punctuation to spaces.
    Questions are cut to `limit` characters; report text passes limit=None."""
    text = unicodedata.normalize("NFKC", question or "")
    if limit:
        text = text[: limit * 2]
    text = _INVISIBLE.sub("", text)
    text = _MENTION.sub("", text)
    text = _COMMAND.sub("", text)
    text = TAIWAN(text.lower())
    text = text.replace("_", " ")
    text = _PUNCT.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] if limit else text


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def with_stems(terms: Iterable[str]) -> set[str]:
    """The terms, and their English ones as the segmenter stems them too (does → doe)."""
    out = set(terms)
    return out | {stem(t) for t in out if t.isascii() and " " not in t}


class Rewriter:
    """Replace words by another, longest first, in one pass (so nothing is rewritten twice);
    English only as a whole word (「grow」, not in 「growing」). Read left to right: at each
    place the longest word of the table there is replaced and reading goes on after it, as
    a regex alternation of the words, longest first, would (but not trying every word at
    every place: only the lengths of the words starting with that character)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        table = {}
        for word, repl in pairs:
            if word and word not in table:
                table[word] = repl
        self.table = table
        lengths: dict[str, set[int]] = {}  # first character → its words' lengths
        for word in table:
            lengths.setdefault(word[0], set()).add(len(word))
        self.lengths = {c: sorted(ns, reverse=True) for c, ns in lengths.items()}

    def __call__(self, text: str) -> str:
        out, done, i = [], 0, 0  # text[:done] is in out
        while i < len(text):
            for n in self.lengths.get(text[i], ()):
                repl = self.table.get(text[i : i + n]) if i + n <= len(text) else None
                if repl is not None and (not _latin(text[i]) or _apart(text, i, i + n)):
                    out += [text[done:i], repl]
                    i = done = i + n
                    break
            else:
                i += 1
        return "".join(out) + text[done:] if out else text


def _latin(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _apart(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands as a word: no letter a-z just before or after it."""
    return not (start > 0 and "a" <= text[start - 1] <= "z") and not (
        end < len(text) and "a" <= text[end] <= "z"
    )


class Segmenter:
    """jieba over the store's dictionary; no HMM, so unknown text falls into single characters."""

    def __init__(self, words: dict[str, int]):
        tok = jieba.Tokenizer()
        lines = "".join(f"{w} {f}\n" for w, f in sorted(words.items()) if " " not in w)
        tok.FREQ, tok.total = tok.gen_pfdict(io.BytesIO(lines.encode("utf-8")))
        tok.total = max(tok.total, 1)
        tok.initialized = True
        self.tokenizer = tok
        self.words = words
        self._cut: dict[str, tuple[str, ...]] = {}  # a CJK piece → its words (jieba: pure)

    def cut(self, text: str) -> list[str]:
        """Words of the text: CJK through jieba, Latin and numbers as whole words."""
        tokens = []
        for piece in re.findall(r"[a-z0-9][a-z0-9.\-%]*|[^\sa-z0-9]+", text):
            if has_cjk(piece):
                words = self._cut.get(piece)
                if words is None:
                    words = tuple(t for t in self.tokenizer.cut(piece, HMM=False) if t.strip())
                    if len(self._cut) < MEMO:
                        self._cut[piece] = words
                tokens += words
            else:  # third-level → third level; a sentence's full stop is no part of a word
                for part in re.split(r"(?<=[a-z])-(?=[a-z])", piece.rstrip(".-")):
                    tokens.append(stem(part))
        return tokens

    def cut_all(self, text: str) -> list[str]:
        """Words plus the dictionary words inside longer words (for indexing keys)."""
        out = []
        for token in self.cut(text):
            out.append(token)
            if len(token) > 2 and has_cjk(token):
                for n in range(2, len(token)):
                    for i in range(len(token) - n + 1):
                        sub = token[i : i + n]
                        if sub in self.words:
                            out.append(sub)
        return out


EMPTY: Mapping = {}  # (no common words known: every lone character may be a typo)


class Speller:
    """Mend one wrong character in a known word (職災死往千人率 → 職災死亡千人率).

    Known words of 4 to 8 characters are indexed by each one-character mask (SymSpell's
    idea, substitutions only). A span is mended only when the character to change is a
    stray one (the segmenter found no word for it), the span itself never occurs in the
    report (職業安全衛生法 does, so it is not a misspelt 職業安全衛生署), and exactly one
    known word fits.
    """

    def __init__(
        self, known: set[str], segmenter: "Segmenter", report: str, common: Mapping = EMPTY
    ):
        self.segmenter = segmenter
        self.report = report
        self.common = common
        masks: dict[str, set[str]] = {}
        for word in known:
            if 4 <= len(word) <= 8 and all(has_cjk(c) for c in word):
                for i in range(len(word)):
                    masks.setdefault(word[:i] + "?" + word[i + 1 :], set()).add(word)
        self.masks = masks
        self._memo: dict[str, str] = {}  # a run of characters → as mended

    def state(self) -> dict[str, list[str]]:
        return {mask: sorted(words) for mask, words in self.masks.items()}

    @classmethod
    def restore(
        cls,
        masks: dict[str, list[str]],
        segmenter: "Segmenter",
        report: str,
        common: Mapping = EMPTY,
    ) -> "Speller":
        self = cls.__new__(cls)
        self.segmenter, self.report, self.common = segmenter, report, common
        self.masks = {mask: set(words) for mask, words in masks.items()}
        self._memo = {}
        return self

    def __call__(self, text: str) -> str:
        for run in sorted(set(re.findall(r"[\u3400-\u9fff]{4,}", text)), key=len, reverse=True):
            mended = self._memo.get(run)
            if mended is None:
                mended = self._mend(run)
                if len(self._memo) < MEMO:
                    self._memo[run] = mended
            if mended != run:
                text = text.replace(run, mended)
        return text

    def _mend(self, run: str) -> str:
        stray = _stray(self.segmenter, run, self.common)
        if not stray:
            return run
        words = self.segmenter.words
        for n in range(min(8, len(run)), 3, -1):
            for start in range(len(run) - n + 1):
                span = run[start : start + n]
                if span in self.report:
                    continue
                for i in range(n):
                    if start + i not in stray:
                        continue
                    if i in (0, n - 1) and (span[1:] if i == 0 else span[:-1]) in words:
                        continue  # a word and the character beside it (幫低收入戶): no typo
                    fits = self.masks.get(span[:i] + "?" + span[i + 1 :], set())
                    if len(fits) == 1:
                        (word,) = fits
                        return run[:start] + word + run[start + n :]
        return run


class Homophones:
    """Mend a homophone typo: a span the segmenter cannot read, typed with characters that
    sound like a known word's (失業著 → 失業者, 勞保年今 → 勞保年金, 職災死網 → 職災死亡).

    Readings are the stored toneless pinyin of each character (built with pypinyin; none
    of it is imported here). A span of 2 to 6 characters is mended only when it is not a
    known word and never occurs in the report, the characters to change are stray ones
    (the segmenter found no word for them), and a known word of the same length sounds
    the same; among those, the one that changes fewest characters, then the most frequent.
    """

    LONGEST, SHORTEST = 6, 2
    COMBINATIONS = 16  # readings tried per span: polyphonic characters multiply them

    def __init__(
        self,
        known: Mapping[str, int],
        pinyin: Iterable[Pinyin],
        segmenter: Segmenter,
        report: str,
        common: Mapping = EMPTY,
    ):
        self._setup(pinyin, segmenter, report, known, common)
        sounds: dict[str, set[str]] = {}
        for word in known:
            if self.SHORTEST <= len(word) <= self.LONGEST and all(c in self.readings for c in word):
                for key in self._keys(word):
                    sounds.setdefault(key, set()).add(word)
        self.sounds = sounds

    def _setup(self, pinyin, segmenter, report: str, known: Mapping[str, int], common) -> None:
        self._memo: dict[str, str] = {}  # a run of characters → as mended
        self.common = common
        self.readings = {p.char: tuple(p.readings.split()) for p in pinyin}
        self.segmenter = segmenter
        self.report = report
        self.known = known

    def state(self) -> dict[str, list[str]]:
        """Which known words sound like each reading (bot/engine/indexes.py stores it)."""
        return {key: sorted(words) for key, words in self.sounds.items()}

    @classmethod
    def restore(cls, sounds: dict[str, list[str]], known: Mapping[str, int],
                pinyin: Iterable[Pinyin], segmenter: Segmenter, report: str,
                common: Mapping = EMPTY):  # fmt: skip
        self = cls.__new__(cls)
        self._setup(pinyin, segmenter, report, known, common)
        self.sounds = {key: set(words) for key, words in sounds.items()}
        return self

    def _keys(self, span: str) -> list[str]:
        """The span's possible toneless pinyin: every reading combination, up to a limit."""
        options = [self.readings.get(c, ()) for c in span]
        if not all(options):
            return []
        combos = itertools.islice(itertools.product(*options), self.COMBINATIONS)
        return [" ".join(c) for c in combos]

    def __call__(self, text: str) -> str:
        for run in sorted(set(_CJK_RUN.findall(text)), key=len, reverse=True):
            mended = self._memo.get(run)
            if mended is None:
                mended = self._mend(run)
                if len(self._memo) < MEMO:
                    self._memo[run] = mended
            if mended != run:
                text = text.replace(run, mended)
        return text

    def _mend(self, run: str) -> str:
        for _ in range(3):  # a question may hold more than one typo
            stray = _stray(self.segmenter, run, self.common)
            found = self._best(run, stray) if stray else None
            if found is None:
                break
            start, word = found
            run = run[:start] + word + run[start + len(word) :]
        return run

    def _best(self, run: str, stray: set[int]) -> tuple[int, str] | None:
        for n in range(min(self.LONGEST, len(run)), self.SHORTEST - 1, -1):
            fits = []
            for start in range(len(run) - n + 1):
                span = run[start : start + n]
                if span in self.known or span in self.segmenter.words or span in self.report:
                    continue
                for word in {w for key in self._keys(span) for w in self.sounds.get(key, ())}:
                    changed = [i for i in range(n) if word[i] != span[i]]
                    if (
                        changed
                        and 2 * len(changed) <= n - 1 + (n > 4)
                        and all(start + i in stray for i in changed)
                    ):
                        fits.append((len(changed), -self.known[word], start, word))
            if fits:
                _, _, start, word = min(fits)
                return start, word
        return None


_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
MEMO = 20_000  # runs or words remembered; the engine is pure, so the same input mends alike


def _stray(segmenter: Segmenter, run: str, common: Mapping = EMPTY) -> set[int]:
    """Positions of the characters the segmenter left on their own, less those that make a
    common word of the language with a neighbour (那個, 今年, 總共: `common`, the first
    character → the second characters, from jieba's general dictionary): a report word's
    typo is a character that reads as nothing, not one used the way people write."""
    out, at = set(), 0
    for token in segmenter.cut(run):
        if len(token) == 1:
            out.add(at)
        at += len(token)
    return {
        i
        for i in out
        if not (i and run[i] in common.get(run[i - 1], ""))
        and not (i + 1 < len(run) and run[i + 1] in common.get(run[i], ""))
    }
