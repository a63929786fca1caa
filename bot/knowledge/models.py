"""SQLModel tables of indicators.db. Tables only: the build writes them, store.py reads them.

Report facts and hand-written knowledge are kept apart: every table below except
`Alias` holds what the report prints; `Alias` and the `direction` / `name_en`
columns come from knowledge/curated/ and say so in `source`.
"""

from sqlmodel import Field, SQLModel


class ReportFact(SQLModel, table=True):
    """A report-level fact: title, publisher, dates, counts, the minister."""

    key: str = Field(primary_key=True)
    value: str
    text: str  # the sentence or line it was read from, as printed
    section: str  # heading path of the passage it stands in


class Goal(SQLModel, table=True):
    """One of the ministry's 4 core goals (T-SDGs 1, 4, 8, 10)."""

    number: int = Field(primary_key=True)
    title: str
    section: str  # heading path of the chapter 2 section
    page: int | None = None


class Indicator(SQLModel, table=True):
    """One of the 20 indicators, as printed in the chapter 2 table."""

    id: str = Field(primary_key=True)  # as printed: 1.3.1, 1.a.2, 10.6.4
    seq: int  # order of appearance in the report
    goal: int = Field(foreign_key="goal.number", index=True)
    name: str
    note: str  # calculation note of the chapter 2 table
    note_appendix: str  # calculation note of appendix 1 (may differ: see Remark)
    unit: str  # responsible unit, e.g. 勞動力發展署
    status_mark: str  # ● or ○ as printed
    met: bool  # the printed status: ● met the 2024 target
    direction: str  # "higher" or "lower" is better (knowledge/curated)
    name_en: str  # English name (knowledge/curated)
    section: str  # heading path of its execution section
    section_text: str  # the execution section as printed
    page: int | None = None


class Figure(SQLModel, table=True):
    """One printed figure of one indicator: one component in one period."""

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: str = Field(foreign_key="indicator.id", index=True)
    component: str  # "" for single-part indicators; 青年 / 失業者; 人數 / 訓後就業率
    period: str  # baseline_2021 | target_2024 | actual_2024 | latest
    value: float
    unit: str  # 人, 人次, 場, 件, %, 千人率
    comparator: str  # "" or "<=" for targets printed with 以下
    text: str  # as printed, e.g. "190 萬人", "0.019 以下", "202 萬 57 人"
    as_of: str  # for latest figures: 截至 2025 年 7 月底 / 2025 年 1 月至 8 月
    source: str  # where it was read: chapter table, execution section


class Remark(SQLModel, table=True):
    """A quirk of the report kept on record: discrepancies, counting windows, twins."""

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: str = Field(foreign_key="indicator.id", index=True)
    kind: str  # discrepancy | window | twin | base | growth
    text: str


class Programme(SQLModel, table=True):
    """One of the 8 highlight programmes (推動亮點)."""

    id: int = Field(primary_key=True)  # order in the report, 1..8
    goal: int = Field(foreign_key="goal.number", index=True)
    title: str
    name_en: str  # English name (knowledge/curated/programmes.tsv)
    stakeholders: str  # one per line
    content: str  # what was done and its results, paragraphs joined by newlines
    conclusion: str
    captions: str  # photo captions, one per line
    section: str
    page: int | None = None


class ProgrammeFigure(SQLModel, table=True):
    """A key figure of a highlight programme, with the clause it stands in."""

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    value: float
    unit: str
    text: str  # the number as printed, e.g. "74 萬 1,561 人次"
    clause: str  # the clause it stands in


class Passage(SQLModel, table=True):
    """Every section of the report as a passage, with its heading path."""

    id: int = Field(primary_key=True)  # order in the report
    chapter: str
    section: str
    subsection: str
    heading: str  # the full path joined with " > "
    text: str
    page: int | None = None


class Unit(SQLModel, table=True):
    """A unit of the report's prose (units.py): what a card may quote whole, and its owner."""

    id: int = Field(primary_key=True)  # order in the report
    text: str  # as printed, tidied; a list's lines and a row's pairs joined
    kind: str  # sentence | item | list | row | captions (a block's photo captions)
    section: str  # heading path of its passage, joined with " > "
    page: int | None = None
    position: int  # order within its passage, from 0
    passage_id: int = Field(foreign_key="passage.id", index=True)
    owner_type: str  # indicator | programme | section
    owner_id: str  # indicator ids joined by "," (see values.owners), programme id, or section


class Alias(SQLModel, table=True):
    """Hand-written vocabulary from knowledge/curated: a term and what it stands for."""

    id: int | None = Field(default=None, primary_key=True)
    term: str = Field(index=True)
    target: str  # indicator id, "programme:N", "goal:N", "unit:名稱" or a report word
    source: str  # the curated file it came from


class Word(SQLModel, table=True):
    """The segmentation dictionary: report words and curated terms, with jieba frequencies."""

    word: str = Field(primary_key=True)
    freq: int


class Pinyin(SQLModel, table=True):
    """How a character sounds, tones left out: the report's characters and jieba's common
    ones, so a homophone typo (失業著 for 失業者) can be heard as the word meant."""

    char: str = Field(primary_key=True)
    readings: str  # toneless pinyin, most common reading first, space separated: "zhu zhe"


class Bridge(SQLModel, table=True):
    """An English word or phrase and the report's Chinese words for it, from CC-CEDICT
    (knowledge/derived/cedict_bridge.tsv, CC BY-SA 4.0)."""

    english: str = Field(primary_key=True)  # lower case, stemmed: "unemploy person"
    words: str  # Traditional words, space separated, most used in the report first


class EngineIndex(SQLModel, table=True):
    """The engine's indexes, computed by `sdgbot build` from the rows above (see
    bot/engine/indexes.py): one JSON document each, so the bot loads them instead of
    computing them at every start. Derived, not knowledge: an index that is missing, or
    was made by other code than the running bot's, is computed afresh."""

    key: str = Field(primary_key=True)  # which index; "version": the code that made them
    data: str  # JSON
