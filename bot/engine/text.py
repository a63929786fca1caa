"""Normalise questions, rewrite synonyms and segment with jieba. Pure once built.

The jieba dictionary comes from indicators.db (see vocab.py): a few thousand
Traditional words, so the tokenizer starts in milliseconds instead of loading
jieba's 349k-word Simplified dictionary.
"""

import io
import logging
import re
import unicodedata
from collections.abc import Iterable

import jieba

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
    text = converter("s2twp").convert(text.lower())
    text = text.replace("_", " ")
    text = _PUNCT.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] if limit else text


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


class Rewriter:
    """Replace words by another, longest first, in one pass (so nothing is rewritten twice)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        table = {}
        for word, repl in pairs:
            if word and word not in table:
                table[word] = repl
        self.table = table
        words = sorted(table, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, words))) if words else None

    def __call__(self, text: str) -> str:
        if not self.pattern:
            return text
        return self.pattern.sub(lambda m: self.table[m.group(0)], text)


def stem(word: str) -> str:
    """A light English stemmer, enough to match plural and singular: jobs → job,
    disabilities → disability, officers → officer."""
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


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

    def cut(self, text: str) -> list[str]:
        """Words of the text: CJK through jieba, Latin and numbers as whole words."""
        tokens = []
        for piece in re.findall(r"[a-z0-9][a-z0-9.\-%]*|[^\sa-z0-9]+", text):
            if has_cjk(piece):
                tokens += [t for t in self.tokenizer.cut(piece, HMM=False) if t.strip()]
            else:
                tokens.append(stem(piece))
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


class Speller:
    """Mend one wrong character in a known word (職災死往千人率 → 職災死亡千人率).

    Known words of 4 to 8 characters are indexed by each one-character mask (SymSpell's
    idea, substitutions only). A span is mended only when the character to change is a
    stray one (the segmenter found no word for it), the span itself never occurs in the
    report (職業安全衛生法 does, so it is not a misspelt 職業安全衛生署), and exactly one
    known word fits.
    """

    def __init__(self, known: set[str], segmenter: "Segmenter", report: str):
        self.segmenter = segmenter
        self.report = report
        masks: dict[str, set[str]] = {}
        for word in known:
            if 4 <= len(word) <= 8 and all(has_cjk(c) for c in word):
                for i in range(len(word)):
                    masks.setdefault(word[:i] + "?" + word[i + 1 :], set()).add(word)
        self.masks = masks

    def __call__(self, text: str) -> str:
        for run in sorted(set(re.findall(r"[\u3400-\u9fff]{4,}", text)), key=len, reverse=True):
            mended = self._mend(run)
            if mended != run:
                text = text.replace(run, mended)
        return text

    def _stray(self, run: str) -> set[int]:
        """Positions of characters the segmenter left on their own."""
        out, at = set(), 0
        for token in self.segmenter.cut(run):
            if len(token) == 1:
                out.add(at)
            at += len(token)
        return out

    def _mend(self, run: str) -> str:
        stray = self._stray(run)
        if not stray:
            return run
        for n in range(min(8, len(run)), 3, -1):
            for start in range(len(run) - n + 1):
                span = run[start : start + n]
                if span in self.report:
                    continue
                for i in range(n):
                    if start + i not in stray:
                        continue
                    fits = self.masks.get(span[:i] + "?" + span[i + 1 :], set())
                    if len(fits) == 1:
                        (word,) = fits
                        return run[:start] + word + run[start + n :]
        return run
