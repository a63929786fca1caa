"""The store as plain values: what the engine, render and handlers work on.

`store.load` reads indicators.db into these frozen dataclasses, so nothing above the
knowledge layer touches SQLModel or SQL. Each class has the fields of the table of the
same name in models.py (a test checks they agree); see there for what each field means.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ReportFact:
    key: str
    value: str
    text: str
    section: str


@dataclass(frozen=True, slots=True)
class Goal:
    number: int
    title: str
    section: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    seq: int
    goal: int
    name: str
    note: str
    note_appendix: str
    unit: str
    status_mark: str
    met: bool
    direction: str
    name_en: str
    section: str
    section_text: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    indicator_id: str
    component: str
    period: str
    value: float
    unit: str
    comparator: str
    text: str
    as_of: str
    source: str
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Remark:
    indicator_id: str
    kind: str
    text: str
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Programme:
    id: int
    goal: int
    title: str
    name_en: str
    stakeholders: str
    content: str
    conclusion: str
    captions: str
    section: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class ProgrammeFigure:
    programme_id: int
    value: float
    unit: str
    text: str
    clause: str
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Passage:
    id: int
    chapter: str
    section: str
    subsection: str
    heading: str
    text: str
    page: int | None = None


OWNER_SEP = ","  # between the indicator ids of a unit owned by several


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    text: str
    kind: str
    section: str
    position: int
    passage_id: int
    owner_type: str
    owner_id: str
    page: int | None = None


def owners(unit: Unit) -> tuple[str, ...]:
    """Who owns a unit: one or more indicator ids (a sentence of a shared execution
    subsection that names both indicators, or neither), else the one programme id or
    section path."""
    if unit.owner_type == "indicator":
        return tuple(unit.owner_id.split(OWNER_SEP))
    return (unit.owner_id,)


@dataclass(frozen=True, slots=True)
class Alias:
    term: str
    target: str
    source: str
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Pinyin:
    char: str
    readings: str


@dataclass(frozen=True, slots=True)
class Bridge:
    english: str
    words: str


@dataclass(frozen=True, slots=True)
class EngineIndex:
    key: str
    data: str


@dataclass
class Knowledge:
    """Everything the engine needs, held in memory, in report order."""

    facts: dict[str, ReportFact]
    goals: dict[int, Goal]
    indicators: dict[str, Indicator]
    figures: dict[str, list[Figure]]
    remarks: dict[str, list[Remark]]
    programmes: dict[int, Programme]
    programme_figures: dict[int, list[ProgrammeFigure]]
    passages: list[Passage]
    aliases: list[Alias]
    units: list[Unit] = field(default_factory=list)  # in report order
    words: dict[str, int] = field(default_factory=dict)  # the segmentation dictionary
    pinyin: list[Pinyin] = field(default_factory=list)  # character → toneless readings
    bridge: list[Bridge] = field(default_factory=list)  # English → the report's words
    indexes: dict[str, str] = field(default_factory=dict)  # the engine's, as built: JSON
