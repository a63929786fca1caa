"""English words of a question → the report's Chinese words. Pure once built.

The table comes from indicators.db (built from knowledge/derived/cedict_bridge.tsv,
CC-CEDICT, CC BY-SA 4.0): an English word or phrase, stemmed, and the report's words
for it. The engine calls the bridge on a question's tokens after segmentation, so an
English or mixed question is matched with the words the report itself uses.
"""

from collections.abc import Callable, Collection, Iterable, Mapping

from bot.knowledge.english import STOP_STEMS
from bot.knowledge.values import Bridge as BridgeRow


def _latin(token: str) -> bool:
    return token.isascii() and token[:1].isalpha()


class Bridge:
    """Replace English tokens by the report's words, longest phrase first.

    `table` maps a stemmed English phrase ("unemploy person") to the words that stand
    for it, already in the engine's form; `keep` holds the curated English phrases
    (aliases, topics not covered) and `known` the English words the targets' English
    names and aliases use: for ranking targets those stay as they are, since the curated
    names match them better than a dictionary does. For the report's passages, which are
    all Chinese, `everything=True` translates them too. A stop word the targets do not
    use is dropped; an English word the bridge does not know stays.
    """

    def __init__(
        self, table: Mapping[str, tuple[str, ...]], *, keep: Iterable[str], known: Iterable[str]
    ):
        self.table = dict(table)
        self.keep = set(keep)
        self.known = set(known)
        phrases = [*self.table, *self.keep]
        self.longest = max((p.count(" ") + 1 for p in phrases), default=1)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[BridgeRow],
        form: Callable[[str], tuple[str, ...]],
        *,
        named: Collection[str],
        keep: Iterable[str],
    ) -> "Bridge":
        """The bridge over the stored rows. An English word stands for the first of its
        report words (most used in the report) that the targets use, else the first; `form`
        puts a word in the engine's form, `named` holds the targets' words."""
        table = {}
        for row in rows:
            forms = [form(word) for word in row.words.split()]
            table[row.english] = next((f for f in forms if all(p in named for p in f)), forms[0])
        return cls(table, keep=keep, known=[w for w in named if w.isascii()])

    def state(self) -> dict:
        """The bridge as plain JSON values (bot/engine/indexes.py stores it at build time)."""
        return {
            "table": {k: list(v) for k, v in self.table.items()},
            "keep": sorted(self.keep),
            "known": sorted(self.known),
        }

    @classmethod
    def restore(cls, state: dict) -> "Bridge":
        table = {k: tuple(v) for k, v in state["table"].items()}
        return cls(table, keep=state["keep"], known=state["known"])

    def __call__(self, tokens: list[str], *, everything: bool = False) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if not _latin(tokens[i]):
                out.append(tokens[i])
                i += 1
                continue
            end = i
            while end < len(tokens) and _latin(tokens[end]):
                end += 1
            step, words = self._match(tokens[i:end], everything)
            out += words
            i += step
        return out

    def _match(self, run: list[str], everything: bool) -> tuple[int, list[str]]:
        """How many tokens of the run the longest known phrase at its start takes, and the
        words it stands for."""
        for n in range(min(self.longest, len(run)), 0, -1):
            phrase = " ".join(run[:n])
            if phrase in self.keep and not everything:
                return n, run[:n]
            if n == 1 and (phrase in self.known and not everything):
                return 1, run[:1]
            if n == 1 and phrase in STOP_STEMS:
                return 1, [] if phrase not in self.known else run[:1]
            if phrase in self.table:
                return n, list(self.table[phrase])
        return 1, run[:1]
