"""The counting window of each figure, in the words the report uses. Pure.

Read from what the knowledge stores, never guessed: a latest figure's as-of text
(「2025 年 1 月至 8 月」 → 「2025 年 1–8 月」), and for the 2021 and 2024 figures the
indicator's calculation note (「2017 年起累計」 → 累計 2017–2024 on the 2024 figures,
累計 2017–2021 on the 2021 baseline; 「2021 年計算區間為 2017-2021 年累計」 for that
year alone; 「截至 2024 年 … 累積」 → 累計至 2024). A figure the note does not place
in a window gets ""; a rate (%) gets the years without 累計 (it is no running total).
"""

import re

from bot.knowledge.values import Figure, Indicator

YEARS = {"baseline_2021": 2021, "target_2024": 2024, "actual_2024": 2024}
_PER_YEAR = re.compile(r"(20\d\d)\s*年計算區間為\s*(20\d\d)\s*[-–至]\s*(20\d\d)\s*年\s*累[計積]")
_RANGE = re.compile(r"(20\d\d)\s*年\s*至\s*(20\d\d)\s*年")
_SINCE = re.compile(r"(20\d\d)\s*年\s*起?\s*累[計積]")
_UNTIL = re.compile(r"截至\s*(20\d\d)\s*年.*累[計積]")
_MONTHS = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*至\s*(\d{1,2})\s*月")


def as_of(text: str) -> str:
    """A latest figure's as-of text, spaced evenly and a month range shortened:
    「2025年1月至8月」 → 「2025 年 1–8 月」; 「截至 2025 年 7 月底」 stays as it is."""
    m = _MONTHS.fullmatch(text.strip())
    if m:
        return f"{m.group(1)} 年 {int(m.group(2))}–{int(m.group(3))} 月"
    spaced = re.sub(r"(?<=[^\s\d])(?=\d)|(?<=\d)(?=[^\s\d.,])", " ", text.strip())
    return " ".join(spaced.split())


def window(indicator: Indicator, figure: Figure) -> str:
    """The window a figure counts, as the report states it, or "" when it states none."""
    if figure.period == "latest":
        return as_of(figure.as_of)
    year = YEARS.get(figure.period)
    if year is None:
        return ""
    label = _stated(indicator.note, year)
    return label.removeprefix("累計 ").replace("累計至", "至") if figure.unit == "%" else label


def _stated(note: str, year: int) -> str:
    """The window the calculation note gives the figures of one year."""
    per_year = {int(m.group(1)): (m.group(2), m.group(3)) for m in _PER_YEAR.finditer(note)}
    if per_year:
        start, end = per_year.get(year, ("", ""))
        return f"累計 {start}–{end}" if start else ""
    ranged = _RANGE.search(note)
    if ranged and int(ranged.group(2)) == year:
        total = "累計 " if re.search("累[計積]", note) else ""
        return f"{total}{ranged.group(1)}–{ranged.group(2)}"
    since = _SINCE.search(note)
    if since and int(since.group(1)) < year:
        return f"累計 {since.group(1)}–{year}"
    until = _UNTIL.search(note)
    if until and int(until.group(1)) == year:
        return f"累計至 {year}"
    return ""
