"""The segmentation dictionary, made at build time so the bot starts fast.

jieba's own dictionary (349k words) is Simplified and takes ~1.7 s to load. The
build keeps only the words that occur in this report (looked up in its Simplified
form, kept in Traditional), adds the curated terms and responsible units with a
high frequency so the longest known term wins, and stores the result (a few
thousand words) in indicators.db. At run time jieba gets that list directly.
"""

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba
import opencc

CURATED_FREQ = 200_000  # high enough that a curated term beats any split of it
MAX_WORD = 8


@lru_cache(maxsize=2)
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _substrings(text: str) -> set[str]:
    return {text[i : i + n] for n in range(2, MAX_WORD + 1) for i in range(len(text) - n + 1)}


def report_words(text: str) -> dict[str, int]:
    """Words of jieba's dictionary that occur in the text, in Traditional form."""
    simplified = converter("t2s").convert(text)
    present = _substrings(simplified)
    kept: dict[str, int] = {}
    dict_file = Path(jieba.__file__).parent / "dict.txt"
    with dict_file.open(encoding="utf-8") as lines:
        for line in lines:
            word, freq, *_ = line.split()
            if 2 <= len(word) <= MAX_WORD and word in present:
                kept[converter("s2twp").convert(word)] = max(int(freq), kept.get(word, 0))
    return kept


def dictionary(text: str, indicators: Iterable, programmes: Iterable, aliases: Iterable) -> list:
    """(word, freq) pairs, sorted, for the jieba tokenizer."""
    words = report_words(text)
    curated = {a.term for a in aliases if a.term and not a.term.isascii()}
    curated |= {a.target for a in aliases if a.source == "synonyms"}
    curated |= {ind.unit for ind in indicators}
    curated |= {a.target.split(":", 1)[1] for a in aliases if a.target.startswith("unit:")}
    for word in curated:
        if " " not in word:
            words[word] = max(words.get(word, 0), CURATED_FREQ)
    return sorted(words.items())


def variants(words: Iterable[str], text: str) -> list[tuple[str, str]]:
    """(what a Simplified question's word becomes, the report's or curated word) where OpenCC's
    Taiwan phrase conversion turns the Simplified form of a report word into another one
    the report never uses: 发布 → 釋出, not the report's 發布; 计划 → 計劃, not 計畫."""
    to_simplified, to_taiwan = converter("t2s"), converter("s2twp")
    out = []
    for word in sorted(words):
        back = to_taiwan.convert(to_simplified.convert(word))
        stable = to_taiwan.convert(word) == word  # a Traditional word, not a Simplified one
        if back != word and stable and back not in text:
            out.append((back, word))
    return out
