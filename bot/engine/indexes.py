"""The engine's indexes as plain JSON: computed by `sdgbot build`, stored in indicators.db
(table `engineindex`), loaded at start instead of computed (~200 ms of jieba cuts,
OpenCC and counting at every start otherwise).

What is stored: the ranking's targets and their words (match.Index), the passages' and
the units' words and bigrams with their counts (match.PassageIndex, retrieve.UnitIndex),
the English bridge (bridge.Bridge), the speller's masks and the homophones' readings
(text.Speller, text.Homophones), the report text in the form questions are matched in
(Engine.canon), what OpenCC's s2twp changes (text.Taiwan: normalise skips text it would
leave as it is) and s2twp itself as data (its steps and dictionaries, for
text.Converter, which converts as OpenCC does in a fifth of its memory). Each is what
the constructor would compute from the same rows, as JSON: dicts (keys sorted, so the
build is deterministic), lists, strings and numbers (floats round-trip exactly); nothing
is unpickled, so a store a setting points at cannot run code.

Indexes are derived, not knowledge. They are stored with `version`, a digest of the
code that computes them (the modules below) and of jieba's and OpenCC's versions: when
the running code is not the code that built them (an engine change not yet followed by
`sdgbot build`), they are ignored and computed afresh, so answers never depend on a
stale index; `sdgbot build --check` says the store is out of date.
"""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.engine.text import Converter
from bot.knowledge.values import Knowledge
from bot.knowledge.vocab import opencc_tables, s2twp_changes

VERSION = "version"
_HERE = Path(__file__).resolve().parent
SOURCES = [  # the code whose output is stored: a change to any of them makes the store stale
    _HERE / "engine.py",
    _HERE / "indexes.py",
    _HERE / "match.py",
    _HERE / "retrieve.py",
    _HERE / "bridge.py",
    _HERE / "text.py",
    _HERE.parent / "knowledge" / "english.py",
    _HERE.parent / "knowledge" / "vocab.py",
]


def version() -> str:
    """A digest of the code that computes the indexes, and of the libraries it calls."""
    import jieba
    import opencc

    digest = hashlib.sha256(f"jieba {jieba.__version__} opencc {opencc.__version__}".encode())
    for path in SOURCES:
        try:
            digest.update(path.read_bytes())
        except OSError:  # no source to compare (a frozen build): never trust a stored index
            return "unknown"
    return digest.hexdigest()[:16]


class Stored:
    """The indexes stored with the knowledge, if the running code made them."""

    def __init__(self, knowledge: Knowledge):
        docs = knowledge.indexes
        current = bool(docs) and docs.get(VERSION) == json.dumps(version())
        self.docs = {k: v for k, v in docs.items() if k != VERSION} if current else {}

    def get(self, key: str, restore: Callable[[Any], Any], compute: Callable[[], Any]) -> Any:
        """The index restored from its stored state, or computed when there is none."""
        data = self.docs.get(key)
        return restore(json.loads(data)) if data is not None else compute()

    def value(self, key: str, compute: Callable[[], Any]) -> Any:
        data = self.docs.get(key)
        return json.loads(data) if data is not None else compute()

    def later(self, key: str) -> Callable[[], Any]:
        """The stored value, parsed when first asked for (None if there is none)."""
        data = self.docs.get(key)
        return lambda: json.loads(data) if data is not None else None


def derive(knowledge: Knowledge) -> dict[str, str]:
    """The indexes of an engine over this knowledge, as JSON documents by key (what
    `sdgbot build` stores), with the version of the code that made them."""
    from bot.engine.engine import Engine

    engine = Engine(Knowledge(**{**vars(knowledge), "indexes": {}}))
    tables = opencc_tables("s2twp")
    states = {
        "passages": engine.passages.state(),
        "index": engine.index.state(),
        "units": engine.units.state(),
        "bridge": engine.bridge.state(),
        "speller": engine.speller.state(),
        "homophones": engine.homophones.state(),
        "common": engine.speller.common,  # jieba's common two-character words (vocab.py)
        "canon": engine._canon,
        "taiwan": s2twp_changes(tables),  # what s2twp changes (normalise skips the rest)
        "opencc": Converter.pack(tables) if tables else None,  # s2twp as data: text.Converter
    }
    out = {
        key: json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        for key, state in states.items()
    }
    out[VERSION] = json.dumps(version())
    return out
