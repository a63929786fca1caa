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
COMMON_FREQ = 100  # jieba's count for a word of the language (那個 14,550; 總共 660)


@lru_cache(maxsize=2)
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _substrings(text: str) -> set[str]:
    return {text[i : i + n] for n in range(2, MAX_WORD + 1) for i in range(len(text) - n + 1)}


def report_words(text: str) -> dict[str, int]:
    """Words of jieba's dictionary that occur in the text, in Traditional form: as OpenCC
    turns them into Taiwan's phrases, and as the report itself prints them where that
    differs (计划 is 計劃 to OpenCC, 計畫 in the report)."""
    simplified = converter("t2s").convert(text)
    present = _substrings(simplified)
    printed = _printed_forms(text, simplified)
    kept: dict[str, int] = {}
    dict_file = Path(jieba.__file__).parent / "dict.txt"
    with dict_file.open(encoding="utf-8") as lines:
        for line in lines:
            word, freq, *_ = line.split()
            if 2 <= len(word) <= MAX_WORD and word in present:
                for form in {converter("s2twp").convert(word), *printed.get(word, ())}:
                    kept[form] = max(int(freq), kept.get(form, 0))
    return kept


def common_pairs(least: int = COMMON_FREQ) -> dict[str, str]:
    """The two-character words of jieba's general dictionary used at least `least` times
    (那個, 今年, 總共, 得到), in Traditional as s2twp writes them: first character → its
    second characters. The speller never takes a character in one for a typo."""
    dict_file = Path(jieba.__file__).parent / "dict.txt"
    with dict_file.open(encoding="utf-8") as lines:
        words = [w for w, f, *_ in map(str.split, lines) if len(w) == 2 and int(f) >= least]
    pairs: dict[str, set[str]] = {}
    for form in converter("s2twp").convert("\n".join(words)).split("\n"):  # (one call)
        if len(form) == 2:
            pairs.setdefault(form[0], set()).add(form[1])
    return {first: "".join(sorted(seconds)) for first, seconds in sorted(pairs.items())}


def _printed_forms(text: str, simplified: str) -> dict[str, set[str]]:
    """Each Simplified substring → the report's own characters at the same place, where
    the conversion kept every character in its place (it does, character for character,
    for all but a few phrases; lines where it did not are skipped)."""
    out: dict[str, set[str]] = {}
    for line, simple in zip(text.splitlines(), simplified.splitlines(), strict=False):
        if len(line) != len(simple):
            continue
        for n in range(2, MAX_WORD + 1):
            for i in range(len(line) - n + 1):
                if line[i : i + n] != simple[i : i + n]:
                    out.setdefault(simple[i : i + n], set()).add(line[i : i + n])
    return out


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


def opencc_tables(config: str = "s2twp") -> dict | None:
    """OpenCC's conversion as plain data, read from its own config file and dictionaries
    (dumped with its `opencc_dict` tool): the steps (normalization, segmentation, the
    conversion chain: each a dictionary or a group of them with its match policy) and
    every dictionary as {key: the value OpenCC converts it to, its first}. None when
    they cannot be read. The engine converts with them (bot.engine.text.Converter), and
    `s2twp_changes` says from them what the conversion can change."""
    import json
    import subprocess
    import tempfile

    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    tool = Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"
    try:
        spec = json.loads((share / f"{config}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files: list[str] = []

    def step(d: dict) -> dict:
        if d.get("type") == "group":
            policy = d.get("match_policy", "short_circuit")
            return {"group": [step(inner) for inner in d["dicts"]], "policy": policy}
        files.append(d["file"])
        return {"file": d["file"]}

    if spec.get("segmentation", {}).get("type") != "mmseg":
        return None  # (the only segmentation the engine's converter knows)
    steps = {
        "normalization": [step(s["dict"]) for s in spec.get("normalization", [])],
        "segmentation": step(spec["segmentation"]["dict"]),
        "chain": [step(s["dict"]) for s in spec.get("conversion_chain", [])],
    }
    dicts: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in dict.fromkeys(files):
            out = Path(tmp) / f"{name}.txt"
            kind = "ocd2" if name.endswith(".ocd2") else "text"
            try:
                subprocess.run([str(tool), "-i", str(share / name), "-o", str(out), "-f", kind,
                                "-t", "text"], check=True, capture_output=True)  # fmt: skip
                lines = out.read_text(encoding="utf-8").splitlines()
            except (OSError, subprocess.CalledProcessError):
                return None
            table: dict[str, str] = {}
            for line in lines:
                key, _, values = line.partition("\t")
                if key:
                    table.setdefault(key, values.split(" ")[0])  # OpenCC uses the first
            dicts[name] = table
    return {"steps": steps, "dicts": dicts}


def s2twp_changes(tables: dict | None) -> dict | None:
    """What the conversion can change, from its tables (`opencc_tables`): the characters
    it converts alone (`chars`: the Simplified ones, and those Taiwan writes otherwise),
    and the longer keys it converts that hold none of those (`phrases`: 軟件 → 軟體). A
    text holding neither is left as it is by the conversion, so the engine skips it."""
    if tables is None:
        return None
    pairs = [(k, v) for table in tables["dicts"].values() for k, v in table.items() if k != v]
    chars = {key for key, _ in pairs if len(key) == 1}
    phrases = {key for key, _ in pairs if len(key) > 1 and not chars.intersection(key)}
    return {"chars": "".join(sorted(chars)), "phrases": sorted(phrases)}
