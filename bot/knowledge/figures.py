"""Read figures as the report prints them: table cells and numbers in prose. Pure."""

import re
from dataclasses import dataclass

# A number as printed: "1,931,013", "190 萬", "202 萬 57", "1萬6,412", "0.019", "約 511 萬".
_NUMBER = (
    r"(?P<about>(?:約|逾|近|超過)\s*)?(?P<num>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*(?P<wan>萬)\s*(?P<rest>\d[\d,]*)?)?"
)
_UNITS = "人次|場次|名|人|場|件|%"
PROSE_FIGURE = re.compile(rf"{_NUMBER}\s*(?P<unit>{_UNITS})(?!\s*[年月日歲])")
_CELL_PART = re.compile(
    rf"(?:(?P<component>[\u4e00-\u9fff]+)\s*)?{_NUMBER}\s*(?P<unit>{_UNITS})?\s*(?P<le>以下)?"
)
_ID = re.compile(r"指標\s*(\d{1,2}\.[0-9a-z]\.\d)\s*[:：]\s*")
_ANY_NUMBER = re.compile(rf"(?<![\d.,]){_NUMBER}\s*(?P<unit>{_UNITS})?(?![\d.,])")
_INDICATOR_NUMBER = re.compile(r"(?<![\d.])\d{1,2}\.[0-9a-z]\.\d(?![\d.])")


@dataclass(frozen=True)
class Printed:
    """A number with its unit, and the text exactly as it stands in the report."""

    value: float
    unit: str
    text: str
    component: str = ""
    comparator: str = ""


def number_value(match: re.Match) -> float:
    value = float(match["num"].replace(",", ""))
    if match["wan"]:
        rest = float(match["rest"].replace(",", "")) if match["rest"] else 0.0
        value = value * 10_000 + rest
    return value


def canonical_unit(unit: str) -> str:
    """名 counts people (人); 場次 counts sessions (場)."""
    return {"名": "人", "場次": "場"}.get(unit, unit)


def parse_cell(cell: str, default_unit: str = "") -> list[Printed]:
    """A table cell: "1,931,013 人", "190 萬人", "0.019 以下", "青年 14,536 人 失業者 26,317 人",
    "41,152 人 83.88%"."""
    parts = []
    for m in _CELL_PART.finditer(cell):
        unit = m["unit"] or default_unit
        text = m.group(0)[len(m["component"] or "") :].strip()
        parts.append(
            Printed(
                value=number_value(m),
                unit=canonical_unit(unit),
                text=text,
                component=m["component"] or "",
                comparator="<=" if m["le"] else "",
            )
        )
    return parts


def prose_figures(text: str) -> list[tuple[Printed, int, int]]:
    """Numbers with a unit in running text, with their character span."""
    found = []
    for m in PROSE_FIGURE.finditer(text):
        printed = Printed(value=number_value(m), unit=canonical_unit(m["unit"]), text=m.group(0))
        found.append((printed, m.start(), m.end()))
    return found


def printed_numbers(text: str) -> list[Printed]:
    """Every figure-like number in a text: one with a unit, in 萬 form, with a thousands
    comma or a decimal point ("2.353", "15 萬 1,174 場次", "79.12%"); not a bare year,
    count of months or age ("2024 年", "近 3 年"), nor an indicator number ("8.7.1")."""
    found = []
    for m in _ANY_NUMBER.finditer(_INDICATOR_NUMBER.sub(" ", text)):
        if not (m["unit"] or m["wan"] or re.search(r"[,.]", m["num"])):
            continue
        unit = canonical_unit(m["unit"] or "")
        found.append(Printed(value=number_value(m), unit=unit, text=m.group(0).strip()))
    return found


def same_figure(printed: Printed, value: float, unit: str) -> bool:
    """A printed number is a stored figure: the same value, and a percentage only as one."""
    return abs(printed.value - value) < 1e-9 and (printed.unit == "%") == (unit == "%")


@dataclass(frozen=True)
class TableRow:
    """One indicator row of a chapter 2 or appendix 1 table, as printed."""

    id: str
    name: str
    note: str
    baseline: str
    target: str
    actual: str
    mark: str
    unit: str


def parse_row(cells: list[str]) -> TableRow | None:
    """A row is `指標 ID：名稱 *計算說明：…`, 2021, target, actual, ●/○, unit."""
    cells = [c for c in cells]
    if not cells or not _ID.search(cells[0]):
        return None
    head = _ID.search(cells[0])
    rest = cells[0][head.end() :]
    name, _, note = rest.partition("*")
    note = re.sub(r"^\s*計算說明\s*[:：]\s*", "", note).strip()
    values = [c for c in cells[1:] if c]
    if len(values) != 5:
        raise ValueError(
            f"indicator {head.group(1)}: expected 5 cells after the name, got {values}"
        )
    baseline, target, actual, mark, unit = values
    return TableRow(head.group(1), name.strip(), note, baseline, target, actual, mark, unit)


def indicator_ids(text: str) -> list[str]:
    """Indicator numbers named in a heading: `指標 1.4.1 …、指標 1.4.2 …`."""
    return re.findall(r"指標\s*(\d{1,2}\.[0-9a-z]\.\d)", text)


def squash(text: str) -> str:
    """Text without white space, for comparing printed figures with the report."""
    return re.sub(r"\s+", "", text)
