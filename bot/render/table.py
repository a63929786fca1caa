"""The staff table: the 20 indicators as one compact message and as CSV. Pure.

Formatting only, over the engine's cards: every figure and as-of date exactly as the
knowledge stores it (as the report prints it); an indicator of two parts (人數 and
訓後就業率, 青年 and 失業者) gets its parts in one cell, each with its name.

The message says the bot's words in the user's language (bot.i18n) and the report's
(figures, as-of dates, part names) as printed, with the curated English names of the
indicators in English. The CSV is the same data file for everyone: English column
names, every cell as the report prints it.
"""

import csv
import html
import io
from dataclasses import dataclass

from bot.engine.answer import EDITION, IndicatorCard
from bot.engine.engine import Engine
from bot.i18n import ZH, Translator
from bot.knowledge.values import Figure
from bot.render.plain import name, stamp
from bot.render.windows import as_of

COLUMNS = (
    "id", "name", "unit of measure", "responsible unit", "2021", "2024 target",
    "2024 actual", "met", "latest figure", "latest as-of",
)  # fmt: skip
FILENAME = "sdg-indicators-2025.csv"
JOIN = "、"  # the CSV's parts in one cell, as the report lists them


def caption(tr: Translator = ZH) -> str:
    """The CSV document's caption (plain text)."""
    return tr("20 項指標總表（CSV，UTF-8）。資料來源：{edition}", edition=tr.text(EDITION))


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    measure: str  # unit of measure: 人, %, 千人率 … (per part when the parts differ)
    unit: str  # the responsible unit
    baseline: str
    target: str
    actual: str
    met: bool
    latest: str  # "" when the report prints no latest figure
    as_of: str
    goal: int

    def cells(self) -> list[str]:
        return [self.id, self.name, self.measure, self.unit, self.baseline, self.target,
                self.actual, "yes" if self.met else "no", self.latest, self.as_of]  # fmt: skip


def cards(engine: Engine) -> list[IndicatorCard]:
    """Every indicator's card, in report order."""
    return [engine.card(ident) for ident in engine.knowledge.indicators]


def _parts(card: IndicatorCard) -> dict[str, dict[str, Figure]]:
    """Part → period → figure, parts in the order the report gives them."""
    out: dict[str, dict[str, Figure]] = {}
    for f in card.figures:
        out.setdefault(f.component, {})[f.period] = f
    return out


def _period(card: IndicatorCard, period: str) -> str:
    """One period's figures as printed, each part named: 「青年 14,536 人、失業者 26,317 人」."""
    parts = _parts(card).items()
    return JOIN.join(f"{part} {by[period].text}".strip() for part, by in parts if period in by)


def _measure(card: IndicatorCard) -> str:
    per_part = {f.component: f.unit for f in card.figures}
    if len(set(per_part.values())) <= 1:
        return next(iter(per_part.values()), "")
    return JOIN.join(f"{part} {unit}".strip() for part, unit in per_part.items())


def row(card: IndicatorCard) -> Row:
    ind = card.indicator
    dates = dict.fromkeys(f.as_of for f in card.figures if f.period == "latest" and f.as_of)
    return Row(
        id=ind.id, name=ind.name, measure=_measure(card), unit=ind.unit,
        baseline=_period(card, "baseline_2021"), target=_period(card, "target_2024"),
        actual=_period(card, "actual_2024"), met=ind.met, latest=_period(card, "latest"),
        as_of=JOIN.join(dates), goal=ind.goal,
    )  # fmt: skip


def csv_text(items: list[IndicatorCard]) -> str:
    """The table as CSV: a header of COLUMNS, then one row per indicator."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row(card).cells() for card in items)
    return out.getvalue()


def csv_bytes(items: list[IndicatorCard]) -> bytes:
    """The CSV as a file: UTF-8 with a byte-order mark, so spreadsheets read the Chinese."""
    return csv_text(items).encode("utf-8-sig")


def _figures(part: str, by: dict[str, Figure], tr: Translator) -> list[str]:
    """「758 場 → 1,331 場（1,240 場）」, then 「　最新 121 場（2025 年 1–8 月）」 on a line
    of its own, so that a phone does not break a figure in two."""
    text = {period: f.text for period, f in by.items()}
    start, end = text.get("baseline_2021", "—"), text.get("actual_2024", "—")
    if "target_2024" in text:
        head = tr("{baseline} → {actual}（{target}）", baseline=start, actual=end,
                  target=text["target_2024"])  # fmt: skip
    else:
        head = tr("{baseline} → {actual}", baseline=start, actual=end)
    out = [tr("{label}：{figure}", label=part, figure=head) if part else head]
    if "latest" in by:
        latest = tr(
            "最新 {figure}（{as_of}）", figure=text["latest"], as_of=as_of(by["latest"].as_of)
        )
        out.append("　" + latest)
    return out


class _Plain:
    @staticmethod
    def text(s: str) -> str:
        return s

    bold = italic = text


class _Html:
    @staticmethod
    def text(s: str) -> str:
        return html.escape(s, quote=False)

    @staticmethod
    def bold(s: str) -> str:
        return f"<b>{_Html.text(s)}</b>"

    @staticmethod
    def italic(s: str) -> str:
        return f"<i>{_Html.text(s)}</i>"


def _lines(
    items: list[IndicatorCard], fmt: type[_Plain] | type[_Html], tr: Translator
) -> list[str]:
    """An indicator under its core goal: the mark, id and name; then for each part
    2021 → 2024 actual (target), and the latest figure with its as-of date."""
    t = fmt.text
    out = [fmt.bold(tr("{count} 項指標一覽", count=len(items))),
           t(tr("2021 基準 → 2024 實際（2024 目標）")), t(tr("● 已達成　○ 未達成"))]  # fmt: skip
    goal = None
    for card in items:
        r = row(card)
        if r.goal != goal:
            goal = r.goal
            out += ["", fmt.bold(tr("核心目標 {goal}", goal=goal))]
        out.append(f"{t('●' if r.met else '○')} {fmt.bold(r.id)} {t(name(card.indicator, tr))}")
        for part, by in _parts(card).items():
            out += map(t, _figures(part, by, tr))
    out += ["", fmt.italic(stamp(tr))]
    return out


def text(items: list[IndicatorCard], tr: Translator = ZH) -> str:
    """The compact table as plain text (`sdgbot table`, the console's /table)."""
    return "\n".join(_lines(items, _Plain, tr))


def html_message(items: list[IndicatorCard], tr: Translator = ZH) -> str:
    """The compact table as one Telegram HTML message (well under 4,096 characters)."""
    return "\n".join(_lines(items, _Html, tr))
