"""Read the report's facts out of its blocks: goals, indicators, figures, programmes, passages.

Pure: report text and curated tables in, table rows out. Anything the report does
not say the way this reader expects raises `ReportError`, so a new edition that
changes shape fails the build loudly instead of producing a thinner store.
"""

import re
from dataclasses import dataclass

from bot.knowledge.figures import (
    TableRow,
    indicator_ids,
    parse_cell,
    parse_row,
    prose_figures,
    squash,
)
from bot.knowledge.models import (
    Figure,
    Goal,
    Indicator,
    Passage,
    Programme,
    ProgrammeFigure,
    Remark,
)
from bot.knowledge.report import Block, Parsed, page_of, tidy

PERIODS = ("baseline_2021", "target_2024", "actual_2024")
CHAPTER_TABLE = "第二章指標概況表"


class ReportError(ValueError):
    """The report text does not have the shape the build expects."""


@dataclass
class Curated:
    direction: dict[str, str]  # indicator id → higher | lower
    name_en: dict[str, str]
    programme_en: dict[str, str]  # title fragment → English name


def goals(parsed: Parsed) -> list[Goal]:
    """The core goals as listed in chapter 1: 核心目標 1「…」."""
    found: dict[int, Goal] = {}
    sections = {b.section: b for b in parsed.blocks if b.chapter.startswith("第二章") and b.section}
    for block in parsed.blocks:
        if not block.chapter.startswith("第一章"):
            continue
        for m in re.finditer(r"核心目標\s*(\d+)「([^」]+)」", block.text):
            number = int(m.group(1))
            section = next((s for s in sections if re.search(rf"核心目標\s*{number}\s", s)), "")
            if not section:
                raise ReportError(f"core goal {number} has no section in chapter 2")
            head = sections[section]
            found[number] = Goal(
                number=number,
                title=m.group(2),
                section=f"{head.chapter} > {section}",
                page=page_of(head, parsed.toc),
            )
    if not found:
        raise ReportError("no core goals found in chapter 1")
    return [found[n] for n in sorted(found)]


def table_rows(parsed: Parsed, chapter_prefix: str) -> list[tuple[Block, TableRow]]:
    rows = []
    for block in parsed.blocks:
        if block.chapter.startswith(chapter_prefix):
            for cells in block.table_rows:
                row = parse_row(cells)
                if row:
                    rows.append((block, row))
    return rows


def _components(indicator_name: str, parts: int) -> list[str]:
    """Names for the parts of a two-figure cell: a count and a rate."""
    if parts == 1:
        return [""]
    rate = next((w for w in ("訓後就業率", "推介就業率") if w in indicator_name), "")
    if not rate:
        rate = "推介就業率" if "推介" in indicator_name else "就業率"
    return ["人數", rate][:parts]


def table_figures(row: TableRow, rate_unit: str) -> list[Figure]:
    """The 2021, target and actual cells of a table row, one Figure per component."""
    figures = []
    for period, cell in zip(PERIODS, (row.baseline, row.target, row.actual), strict=True):
        parts = parse_cell(cell, default_unit=rate_unit)
        if not parts:
            raise ReportError(f"indicator {row.id}: no figure in {period} cell {cell!r}")
        names = _components(row.name, len(parts))
        for part, name in zip(parts, names, strict=True):
            figures.append(
                Figure(
                    indicator_id=row.id,
                    component=part.component or name,
                    period=period,
                    value=part.value,
                    unit=part.unit,
                    comparator=part.comparator,
                    text=part.text,
                    as_of="",
                    source=CHAPTER_TABLE,
                )
            )
    return figures


def met(figures: list[Figure], direction: str) -> bool:
    """Whether every component's 2024 actual reaches its target, in the right direction."""
    targets = {f.component: f for f in figures if f.period == "target_2024"}
    for actual in (f for f in figures if f.period == "actual_2024"):
        target = targets[actual.component]
        lower = direction == "lower" or target.comparator == "<="
        if (actual.value > target.value) if lower else (actual.value < target.value):
            return False
    return True


_AS_OF = re.compile(
    r"(?P<as_of>(?:截至|至)\s*2025\s*年\s*\d+\s*月(?:\s*\d+\s*日|底)?止?"
    r"|2025\s*年\s*\d+\s*月至\s*\d+\s*月)"
)


def latest_figures(
    block: Block, indicators: dict[str, Indicator], table: dict[str, list[Figure]]
) -> list[Figure]:
    """The 2025 figures of an execution section, each given to the indicator it belongs to.

    A section may cover several indicators (1.4.1–1.4.3) or components (青年 / 失業者);
    a figure goes to the indicator whose unit it carries, and among those to the one
    whose name shares most with the figure's clause.
    """
    ids = [i for i in indicator_ids(block.item) if i in indicators]
    claims = []
    for sentence in re.split(r"。", block.text):
        when = _AS_OF.search(sentence)
        if not when:
            continue
        for printed, start, end in prose_figures(sentence):
            if start < when.end() and end > when.start():
                continue
            left = re.split(r"[，、；：（(]", sentence[:start])[-1]
            right = re.split(r"[，、；）)及]", sentence[end:])[0]
            clause = left + printed.text + right
            for ind_id in ids:
                for component, unit in sorted({(f.component, f.unit) for f in table[ind_id]}):
                    if unit != printed.unit or not _names_group(component, left, right):
                        continue
                    score = _overlap(indicators[ind_id].name, clause)
                    claims.append((score, ind_id, component, printed, tidy(when["as_of"])))
    taken_slots: set[tuple[str, str]] = set()
    taken_texts: set[str] = set()
    figures = []
    for _score, ind_id, component, printed, as_of in sorted(claims, key=lambda c: -c[0]):
        if (ind_id, component) in taken_slots or printed.text in taken_texts:
            continue
        taken_slots.add((ind_id, component))
        taken_texts.add(printed.text)
        figures.append(
            Figure(
                indicator_id=ind_id,
                component=component,
                period="latest",
                value=printed.value,
                unit=printed.unit,
                comparator="",
                text=printed.text.strip(),
                as_of=re.sub(r"止$", "", as_of),
                source=block.item,
            )
        )
    return figures


def _names_group(component: str, left: str, right: str) -> bool:
    """A population component (青年, 失業者) must be named right beside the number."""
    if not component or component == "人數" or component.endswith("率"):
        return True
    return right.strip().startswith(component) or left.strip().endswith(component)


def _overlap(name: str, clause: str) -> int:
    pairs = {name[i : i + 2] for i in range(len(name) - 1)}
    return sum(1 for i in range(len(clause) - 1) if clause[i : i + 2] in pairs)


def remarks(
    indicators: dict[str, Indicator],
    figures: dict[str, list[Figure]],
    appendix: dict[str, TableRow],
) -> list[Remark]:
    """The report's quirks, found by comparing what it prints, not by hand."""
    out: list[Remark] = []
    notes = {i: ind.note for i, ind in indicators.items()}
    for ind_id, ind in indicators.items():
        if squash(ind.note) != squash(ind.note_appendix):
            copied = [
                o
                for o, n in notes.items()
                if o != ind_id and squash(n) == squash(ind.note_appendix)
            ]
            why = f"，與指標 {copied[0]} 的計算說明相同，應為誤植" if copied else ""
            out.append(
                Remark(
                    indicator_id=ind_id,
                    kind="discrepancy",
                    text=(
                        f"附錄一的計算說明為「{ind.note_appendix}」{why}；此處採第二章表格的計算說明。"
                    ),
                )
            )
        app_name = appendix[ind_id].name
        if squash(app_name) != squash(ind.name):
            out.append(
                Remark(
                    indicator_id=ind_id,
                    kind="discrepancy",
                    text=f"附錄一的指標名稱為「{app_name}」。",
                )
            )
        if "計算區間" in ind.note:
            out.append(
                Remark(
                    indicator_id=ind_id,
                    kind="window",
                    text=(f"2021 年與 2024 年的計算區間不同：{ind.note}"),
                )
            )
        base = re.search(r"以\s*(\d{4})\s*年(.+?)(\d[\d,]*)\s*人為.*?基礎值", ind.note)
        if base:
            out.append(
                Remark(
                    indicator_id=ind_id,
                    kind="base",
                    text=(
                        f"此指標為成長率：以 {base.group(1)} 年{base.group(2).strip()} "
                        f"{base.group(3)} 人為基礎值計算。"
                    ),
                )
            )
        mine = [(f.component, f.period, f.value) for f in figures[ind_id] if f.period != "latest"]
        for other, theirs in figures.items():
            if other != ind_id and mine == [
                (f.component, f.period, f.value) for f in theirs if f.period != "latest"
            ]:
                out.append(
                    Remark(
                        indicator_id=ind_id,
                        kind="twin",
                        text=(
                            f"與指標 {other}（核心目標 {indicators[other].goal}）為同一組數字，"
                            "報告在兩個核心目標下各列一次。"
                        ),
                    )
                )
        if ind.met != met(figures[ind_id], ind.direction):
            out.append(
                Remark(
                    indicator_id=ind_id,
                    kind="discrepancy",
                    text=("報告標示的達成情形與目標值、實際值的比較不一致；此處依報告標示。"),
                )
            )
    return out


def programmes(parsed: Parsed, curated: Curated) -> tuple[list[Programme], list[ProgrammeFigure]]:
    found: dict[str, dict] = {}
    for block in parsed.blocks:
        if not block.programme:
            continue
        entry = found.setdefault(block.programme, {"block": block, "parts": {}, "captions": []})
        entry["parts"].setdefault(block.item, []).extend(block.paragraphs)
        entry["captions"].extend(block.captions)
    progs, figs = [], []
    for number, (title, entry) in enumerate(found.items(), start=1):
        block, parts = entry["block"], entry["parts"]
        goal = re.search(r"核心目標\s*(\d+)", block.section)

        def part(word: str, parts: dict = parts) -> list[str]:
            return next((v for k, v in parts.items() if word in k), [])

        content = part("執行內容")
        if not content:
            raise ReportError(f"programme {title!r} has no 執行內容及實際績效")
        progs.append(
            Programme(
                id=number,
                goal=int(goal.group(1)),
                title=title,
                name_en=next(
                    (en for frag, en in curated.programme_en.items() if frag in title), ""
                ),
                stakeholders="\n".join(re.sub(r"^\d+\.\s*", "", s) for s in part("利害關係人")),
                content="\n".join(content),
                conclusion="\n".join(part("結語")),
                captions="\n".join(entry["captions"]),
                section=" > ".join(block.path[:4]),
                page=page_of(block, parsed.toc),
            )
        )
        for paragraph in content:
            for printed, start, end in prose_figures(paragraph):
                clause_start = max(paragraph.rfind(c, 0, start) for c in "。；") + 1
                ends = [i for i in (paragraph.find(c, end) for c in "。；") if i >= 0]
                figs.append(
                    ProgrammeFigure(
                        programme_id=number,
                        value=printed.value,
                        unit=printed.unit,
                        text=printed.text.strip(),
                        clause=paragraph[
                            clause_start : min(ends) if ends else len(paragraph)
                        ].strip(),
                    )
                )
    return progs, figs


def passages(parsed: Parsed) -> list[tuple[Block, Passage]]:
    """Every block with text or a table, in order, with the passage it is: its heading
    path, text and page."""
    out: list[tuple[Block, Passage]] = []
    for block in parsed.blocks:
        text = block.text
        if block.table_rows:
            # cells joined by ｜; a row whose first cell is empty continues the row above
            table = "\n".join(
                ("｜" if not row[0] else "") + "｜".join(c for c in row if c)
                for row in block.table_rows
            )
            text = f"{text}\n{table}".strip()
        if not text or block.chapter == "目錄":
            continue
        path = block.path
        passage = Passage(
            id=len(out) + 1,
            chapter=path[0],
            section=path[1] if len(path) > 1 else "",
            subsection=" > ".join(path[2:]),
            heading=block.heading,
            text=text,
            page=page_of(block, parsed.toc),
        )
        out.append((block, passage))
    return out
