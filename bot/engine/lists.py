"""Lists of indicators: by status, unit, core goal, subject, or any attribute (filters.py).

`listing` proposes the list a question asks for, or None; the decision weighs it
against the other candidates. Pure.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.engine import filters
from bot.engine.answer import Answer
from bot.i18n import Joined, Msg

if TYPE_CHECKING:
    from bot.engine.engine import Engine
    from bot.engine.match import Scored

# 「跟青年有關的指標」, 「針對青年的指標」
_TOPIC = re.compile(r"有關|相關|關於|針對|related|about|concern|aimed at|targeting")
TOPIC_SHARE = 0.3  # an indicator whose name holds this share of the subject is about it
_NOT = re.compile(r"不是|並非|非由|以外|除了|\bnot\b|other than|except")


def listy(q) -> bool:
    """The question asks for indicators: 哪些, 指標, 幾項."""
    return bool(q.wants_list or q.names_indicators or q.count)


def listing(
    engine: Engine, question: str, q, ranked: list[Scored], words: list[str], generic: bool
) -> Answer | None:
    """A list of indicators: unmet / met, of a unit or a core goal named whole, all of
    them, or those about one subject (「跟青年有關的指標」)."""

    def named(kind: str) -> str | None:
        return next(
            (s.target.id for s in ranked if s.target.type == kind and s.coverage >= 0.99),
            None,
        )

    unit = named("unit")
    units = [s.target.id for s in ranked if s.target.type == "unit" and s.coverage >= 0.99]
    if len(units) > 1 and not _NOT.search(q.text) and not (q.unmet or q.met):
        ids = [i.id for i in engine.knowledge.indicators.values() if i.unit in units]
        said = Msg("{units}負責", units=Joined("、", units))  # 「勞動關係司和…平等司負責哪些」
        return engine.cards.listing(question, ids=ids, described=said, count=q.count)
    if unit and _NOT.search(q.text):  # 「不是勞發署負責的指標」: every other unit's
        ids = [i.id for i in engine.knowledge.indicators.values() if i.unit != unit]
        return engine.cards.listing(question, ids=ids, described=Msg("非{unit}負責", unit=unit))
    parts = tuple(q.components)
    bridge = lambda stems: engine.bridge(stems, everything=True)  # noqa: E731
    chosen = (
        filters.recognise(q.text, engine.knowledge, engine.canon, parts, bridge) if listy(q) else []
    )
    if chosen:
        k = engine.knowledge
        ids = [i.id for i in k.indicators.values()
               if all(f.keep(i, k.figures[i.id]) for f in chosen)]  # fmt: skip
        label = Joined("、", [f.label for f in chosen])
        return engine.cards.listing(question, ids=ids, described=label, count=q.count)
    goal = q.goal if q.goal in engine.knowledge.goals else None
    if goal is None and q.wants_list and named("goal"):
        goal = int(named("goal"))
    filtered = q.unmet or q.met or unit or goal is not None
    indicators = [s for s in ranked if s.target.type == "indicator"]
    if not filtered and words:
        if not q.names_indicators:
            return None  # 「輔助單位有哪些」 is about its subject, not the indicators
        best = indicators[0].precision if indicators else 0.0
        floor = TOPIC_SHARE if _TOPIC.search(q.text) else max(0.5, best - 0.01)
        about = [s for s in indicators if s.precision >= floor]
        if len(about) >= 2:  # 「跟青年有關的指標」: every indicator about it
            ids = [s.target.id for s in about]
            named = [w for w in words if len(w) > 1 and w in engine.index.idf] or words
            return engine.cards.listing(question, ids=ids, subject=Joined("、", named))
        if not generic:
            return None  # 「青年職訓的指標」: that one indicator; 「對應指標核定日期」: a fact
    elif not q.wants_list and not filtered:
        return None
    return engine.cards.listing(
        question, unmet=q.unmet, met=q.met, goal=goal, unit=unit, count=q.count
    )
