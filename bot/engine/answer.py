"""The values the engine hands to render: question kinds, matches, answers. No I/O."""

from dataclasses import dataclass, field
from enum import Enum

from bot.i18n import N_, Msg
from bot.knowledge.values import (
    Figure,
    Goal,
    Indicator,
    Passage,
    Programme,
    ProgrammeFigure,
    Remark,
)

EDITION = Msg("勞動部永續發展目標自願性檢視報告（2025 年 10 月）")
# to try, to press (asked as written; a button shows them in the user's language)
SAMPLES = [N_("職災死亡千人率多少"), N_("勞保年金有多少人領"), N_("未達成的指標有哪些")]


class Kind(Enum):
    INDICATOR = "indicator"  # one indicator (or two told apart), fields in the asked order
    LIST = "list"  # unmet / by unit / by core goal / all
    PROGRAMME = "programme"  # a highlight programme (推動亮點)
    FACT = "fact"  # a report fact or a passage of the report
    CANDIDATES = "candidates"  # did you mean: up to 3 options with their headline figures
    NOT_FOUND = "not_found"  # the report does not cover this
    CHAT = "chat"  # a greeting, thanks, goodbye: a friendly line (not found in the contract)


class Field(Enum):
    """What part of an indicator a question asks for."""

    TARGET = "target"
    BASELINE = "baseline"
    ACTUAL = "actual"
    STATUS = "status"
    LATEST = "latest"
    UNIT = "unit"
    NOTE = "note"
    TREND = "trend"  # how it moved from 2021 to 2024: 有變好嗎, 跟以前比
    RATIO = "ratio"  # the 2024 actual as a share of the target: 達成率, 超過目標幾成


@dataclass(frozen=True)
class Match:
    type: str  # indicator | programme | goal | passage | list | fact
    id: str
    score: float
    label: str = ""  # short human label, e.g. "8.7.1 職災死亡千人率" (a Name or Msg)
    headline: str = ""  # the label with its headline figure and status, for did-you-mean


@dataclass(frozen=True)
class Quote:
    """A figure the report prints elsewhere, with the words around it that the card quotes."""

    text: str  # the quoted part of the sentence
    figure: str  # the figure as printed, inside `text`


@dataclass(frozen=True)
class Aside:
    """Report text beside a card that answers what the question asked beyond the
    indicator: quoted whole, under the section it stands in (a programme, chapter 3)."""

    section: str  # the heading path of its section
    text: str
    page: int | None = None


@dataclass(frozen=True)
class IndicatorCard:
    indicator: Indicator
    goal: Goal
    figures: tuple[Figure, ...]
    remarks: tuple[Remark, ...]
    related: tuple[Quote, ...] = ()  # programme figures on the same subject, quoted
    excerpt: str = ""  # the report's own words on what the question asked beyond the card
    aside: tuple[Aside, ...] = ()  # other report text answering that, under its section


@dataclass(frozen=True)
class ListEntry:
    id: str
    name: str
    met: bool
    actual: str  # 2024 actual as printed, components joined
    target: str
    goal: int = 0


@dataclass(frozen=True)
class Context:
    """The subject of the previous answer, for follow-up questions."""

    indicator_ids: tuple[str, ...] = ()
    programme_id: int | None = None


@dataclass
class Answer:
    kind: Kind
    query: str
    found: bool
    matches: list[Match] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)  # asked fields, first shown first
    components: list[str] = field(default_factory=list)  # asked components (就業率 …)
    cards: list[IndicatorCard] = field(default_factory=list)
    title: str = ""  # list title, fact heading
    entries: list[ListEntry] = field(default_factory=list)
    programme: Programme | None = None
    programmes: list[Programme] = field(default_factory=list)  # the programme list
    programme_figures: list[ProgrammeFigure] = field(default_factory=list)
    passage: Passage | None = None
    sentences: list[str] = field(default_factory=list)  # trimmed passage text
    asides: list[Aside] = field(default_factory=list)  # more text, each from another section
    candidates: list[Match] = field(default_factory=list)
    lead: str = ""  # the words of the report that answer the question, for the first line
    brief: bool = False  # a follow-up: the asked part only, the full card one tap away
    message: str = ""  # why not found, or a note to the user (a Msg), or a section
    suggestions: list[str] = field(default_factory=list)  # sample questions
    context_free: bool = False  # the same whatever the previous answer (not read): the
    #                             question alone keys it (Engine.answer says so)

    @property
    def zone(self) -> str:
        """answer, choices (did you mean) or none (not in the report)."""
        if not self.found:
            return "none"
        return "choices" if self.kind is Kind.CANDIDATES else "answer"

    @property
    def context(self) -> Context:
        if self.kind is Kind.INDICATOR:
            return Context(indicator_ids=tuple(c.indicator.id for c in self.cards))
        if self.kind is Kind.PROGRAMME and self.programme:
            return Context(programme_id=self.programme.id)
        if self.kind is Kind.FACT and self.matches and self.matches[0].type == "indicator":
            return Context(indicator_ids=tuple(m.id for m in self.matches if m.type == "indicator"))
        if self.kind is Kind.NOT_FOUND and self.matches and self.matches[0].type == "indicator":
            return Context(indicator_ids=(self.matches[0].id,))  # a figure it does not print
        return Context()
