"""What an indicator card may quote: the units its indicator owns. Pure.

The build splits the report into units and gives each an owner (knowledge/units.py). A
card quotes only units its indicator owns, and of those only the ones that print no
figure of another indicator (a sentence of a shared subsection that names both 8.7.1
and 8.7.2 is quoted by neither). A unit is quoted whole, never a clause of it.
"""

import re
from collections.abc import Callable

from bot.engine.question import counted_in
from bot.knowledge.figures import printed_numbers, same_figure
from bot.knowledge.values import Figure, Knowledge, Unit, owners

ELSEWHERE_HITS = 4  # characters of the question a programme's clause must hold to answer it
ELSEWHERE_LEAD = 2  # ... and this many more than the indicator's own best clause
KIN = 3  # two-character pieces a programme's title shares with the indicator's name
LABEL = re.compile(r"^\d+\.\s*[^，。：]{2,12}：")  # 「2. 執行說明：」 before an item's text
_CLAUSE = re.compile(r"[，；。：\n]")
_CHALLENGE = re.compile(r"\d+\.\s*面臨之(?:機會與)?挑戰")  # an indicator's text on what it faces
_DATED = re.compile(r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")  # the day a thing began
MEMO = 20_000  # texts remembered with their foreign figures


class Owned:
    def __init__(self, knowledge: Knowledge, canon: Callable[[str], str]):
        self.k = knowledge
        self.canon = canon
        self._foreign: dict[tuple[str, str], list[str]] = {}  # (text, indicator) → foreign
        self._clauses: dict[int, list[str]] = {}  # unit id → its clauses, canon
        self._theirs: dict[str, list[Unit]] = {}  # indicator → its kin programmes' units
        self.units = {i: self._quotable(i) for i in knowledge.indicators}
        self.unit_ids = {i: frozenset(u.id for u in units) for i, units in self.units.items()}

    def foreign(self, text: str, ind_id: str) -> list[str]:
        """The numbers of a text that are another indicator's figures and not this one's
        (twins such as 8.5.3 and 10.2.2 print the same figures, so none is foreign).
        Memoised: the texts are the report's units and clauses."""
        found = self._foreign.get((text, ind_id))
        if found is None:
            mine = self.k.figures[ind_id]
            found = [
                n.text
                for n in printed_numbers(text)
                if not _stored(n, mine)
                and any(_stored(n, figs) for i, figs in self.k.figures.items() if i != ind_id)
            ]
            if len(self._foreign) < MEMO:
                self._foreign[(text, ind_id)] = found
        return found

    def _quotable(self, ind_id: str) -> list[Unit]:
        return [
            u
            for u in self.k.units
            if u.owner_type == "indicator"
            and ind_id in owners(u)
            and not self.foreign(u.text, ind_id)
        ]

    def excerpt(
        self, ind_id: str, words: list[str], measure: str = "", when=False, why=False
    ) -> str:
        """The unit of its own the indicator answers the rest of the question with
        (「跟 2021 年比成長多少」 → the item with 較 2021 年成長 25.7%), whole, without its
        「2. 執行說明：」 label; "" when none holds any of the words. A count asked in a
        measure (「查了幾場」) is answered by a unit printing one, where the indicator has it;
        when something began (「勞保年金從什麼時候開始」), by one printing the day; why (「為什麼
        沒達標」), by its text on the challenges it faces (「面臨之機會與挑戰：…」)."""
        units = self.units[ind_id]
        if measure:  # 「查了幾場」: of its units printing a number in that measure, if any
            printed = counted_in(measure)
            units = [u for u in units if printed.search(u.text)] or units
        elif why:
            faced = [u for u in units if _CHALLENGE.match(u.text)]
            if faced:
                best, _ = self.best(faced, words)
                return LABEL.sub("", (best or faced[0]).text)
        elif when:  # of its units printing a day: the one holding the words, or the first
            dated = [u for u in units if _DATED.search(u.text)]
            best, _ = self.best(dated, words)
            if dated:
                return LABEL.sub("", (best or dated[0]).text)
        best, _ = self.best(units, words)
        return LABEL.sub("", best.text) if best else ""

    def elsewhere(self, ind_id: str, words: list[str]) -> int | None:
        """The programme on the indicator's subject (same goal, a title sharing its name's
        words) whose text answers the rest of the question clearly better than anything the
        indicator owns (「青年就業亮點寫…多少青年及成人參加職前訓練」), or None. The card
        cannot quote it, so that programme answers instead."""
        theirs = self._theirs.get(ind_id)
        if theirs is None:  # (one list per indicator: bounded)
            ind = self.k.indicators[ind_id]
            name = _pairs(self.canon(ind.name))
            kin = {
                p.id
                for p in self.k.programmes.values()
                if p.goal == ind.goal and len(name & _pairs(self.canon(p.title))) >= KIN
            }
            theirs = self._theirs[ind_id] = [
                u for u in self.k.units if u.owner_type == "programme" and int(u.owner_id) in kin
            ]
        unit, score = self.best(theirs, words)
        _, own = self.best(self.units[ind_id], words)
        if unit and score[0] >= ELSEWHERE_HITS and score[0] >= own[0] + ELSEWHERE_LEAD:
            return int(unit.owner_id)
        return None

    def best(self, units: list[Unit], words: list[str]) -> tuple[Unit | None, tuple[int, int]]:
        """The unit holding most of the words (by characters): first by its clause that holds
        most, so a long unit does not win on scattered single characters, then by all."""
        words = [w for w in words if not w.isascii() or len(w) > 1]
        best, best_score = None, (0, 0)
        for unit in units if words else ():
            clauses = self._clauses.get(unit.id)
            if clauses is None:  # (one list per unit: bounded)
                clauses = self._clauses[unit.id] = [self.canon(c) for c in _CLAUSE.split(unit.text)]
            hits = [sum(len(w) for w in words if w in c) for c in clauses]
            score = (max(hits), sum(hits))
            if score > best_score:
                best, best_score = unit, score
        return best, best_score


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _stored(number, figures: list[Figure]) -> bool:
    return any(same_figure(number, f.value, f.unit) for f in figures)
