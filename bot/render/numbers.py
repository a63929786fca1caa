"""A stored figure as a reader takes it in at a glance. Pure.

The report prints some figures in 萬 form (「15萬4,722人次」, 「202 萬 57 人」) beside others
in digits (「833,140 人次」); a card shows every one of its figures the same way, so a mixed
萬 form is shown in digits (「154,722 人次」). Round 萬 forms (「190 萬人」) read at a glance
in Chinese and stay; in English every figure is in digits with its unit in words
(「1,900,000 people」), and a latest figure's as-of text in English words.
"""

import re

from bot.i18n import N_, Translator
from bot.knowledge.figures import number_value

_WAN = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<wan>萬)\s*(?P<rest>\d[\d,]*)?")
_UNIT = re.compile(r"\s*(人次|場次|名|人|場|件)$")
UNITS = {"人次": N_("人次"), "場次": N_("場"), "名": N_("人"), "人": N_("人"), "場": N_("場"),
         "件": N_("件")}  # fmt: skip
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_RANGE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*至\s*(\d{1,2})\s*月")
_END = re.compile(r"截至\s*(20\d\d)\s*年\s*(\d{1,2})\s*月底")
_DAY = re.compile(r"至\s*(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _digits(m: re.Match, mixed_only: bool) -> str:
    if mixed_only and not m["rest"]:
        return m.group(0)
    return f"{round(number_value(m)):,}"


def readable(text: str, tr: Translator) -> str:
    """「15萬4,722人次」 → 「154,722 人次」; in English also 「190 萬人」 → 「1,900,000 people」
    and 「0.019 以下」 → 「0.019 or below」."""
    english = tr.english
    out = _WAN.sub(lambda m: _digits(m, not english), text)
    if out != text:
        out = re.sub(r"(?<=\d)(?=[^\d\s,.%])", " ", out)  # 154,722人次 → 154,722 人次
    if not english:
        return out
    out = out.replace("約", "about ").replace("以下", tr("以下"))
    unit = _UNIT.search(out)
    if unit:
        out = out[: unit.start()] + " " + unit_word(unit.group(1), tr)
    return " ".join(out.split())


def unit_word(unit: str, tr: Translator) -> str:
    """A stored unit (人, 人次, 場, 件) in the reader's language."""
    return tr(UNITS[unit]) if tr.english and unit in UNITS else unit


def dated(as_of: str, tr: Translator) -> str:
    """A latest figure's as-of text; in English 「2025 年 1 月至 8 月」 → 「Jan–Aug 2025」,
    「截至 2025 年 7 月底」 → 「as of end-Jul 2025」, 「至 2025 年 9 月 16 日」 →
    「to 16 Sep 2025」."""
    if not tr.english:
        return as_of
    m = _RANGE.search(as_of)
    if m:
        return f"{_MONTHS[int(m[2]) - 1]}–{_MONTHS[int(m[3]) - 1]} {m[1]}"
    m = _END.search(as_of)
    if m:
        return f"as of end-{_MONTHS[int(m[2]) - 1]} {m[1]}"
    m = _DAY.search(as_of)
    if m:
        return f"to {int(m[3])} {_MONTHS[int(m[2]) - 1]} {m[1]}"
    return as_of
