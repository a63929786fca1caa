"""Indicator charts: a PNG per indicator with matplotlib (Agg), cached in memory.

Made for a phone: 1080 px wide, square or portrait, large type. One panel per part
(人數 / 訓後就業率 …), stacked, each full width; in a panel one row per figure the
report prints (the 2021 baseline, the 2024 target and actual, the latest), each with
its counting window as the report states it (bot.render.windows) and the figure as
printed, above a bar. A period the report does not print is left out. The target is
also a dashed mark on the actual's bar; met / not met is said once, in the header,
with the direction of "better".

Chinese glyphs come from the bundled subset font bot/render/fonts/SDGBotCJK-Regular.otf
(Noto Sans CJK TC, SIL OFL 1.1, subset to the characters of knowledge/ and this
module), registered with matplotlib's font manager on first use. matplotlib (and numpy)
is imported when the first chart is drawn, not with this module: most runs draw none.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.engine.answer import EDITION, IndicatorCard
from bot.knowledge.values import Figure
from bot.render.windows import window

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "SDGBotCJK-Regular.otf"
FONT_FAMILY = "SDGBot CJK"
PERIODS = ("baseline_2021", "target_2024", "actual_2024", "latest")
LABELS = {
    "baseline_2021": "2021 基準",
    "target_2024": "2024 目標",
    "actual_2024": "2024 實際",
    "latest": "最新",
}
COLOURS = {"baseline_2021": "#9e9e9e", "target_2024": "#ffffff", "latest": "#4a78b5"}
MET, UNMET, INK, GREY = "#2e7d32", "#c62828", "#212121", "#616161"

WIDTH_PX, DPI = 1080, 150  # a phone shows it ~360 pt wide: 1 pt of type ≈ 0.7 pt there
WIDTH = WIDTH_PX / DPI  # inches
SIZE = {"title": 22, "status": 19, "part": 20, "label": 17, "value": 19, "source": 12}  # pt
ROW, ROW_MAX, PART_HEAD, HEAD_LINE, GAP, FOOT = 0.95, 1.3, 0.5, 0.5, 0.3, 0.5  # inches
MARGIN = 0.05  # of the width, left and right
TITLE_CHARS = 19  # CJK characters per title line at SIZE["title"] across the width

_font_lock = threading.Lock()
_font_ready = False


def ensure_font() -> str:
    """Register the bundled CJK font once; return the family name to use."""
    global _font_ready
    with _font_lock:
        if not _font_ready:
            from matplotlib import font_manager

            font_manager.fontManager.addfont(str(FONT_PATH))
            _font_ready = True
    return FONT_FAMILY


def component_met(figs: dict[str, Figure], direction: str) -> bool | None:
    """Whether a component's 2024 actual met its target; None when either is missing."""
    actual, target = figs.get("actual_2024"), figs.get("target_2024")
    if actual is None or target is None:
        return None
    if direction == "lower" or target.comparator == "<=":
        return actual.value <= target.value
    return actual.value >= target.value


def _width(text: str) -> float:
    """Width in CJK characters: a wide character is 1, a Latin letter or digit about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def wrap(text: str, width: float) -> list[str]:
    """Lines at most `width` CJK characters wide, broken at a space where one is near the
    end of the line, else anywhere."""
    lines, line = [], ""
    for ch in text:
        if line and _width(line + ch) > width:
            cut = line.rfind(" ")
            head, rest = (line[:cut], line[cut + 1 :]) if cut > len(line) * 0.6 else (line, "")
            lines.append(head.rstrip())
            line = rest
        line += ch
    return [*lines, line.strip()] if line.strip() else lines


def rows(card: IndicatorCard) -> list[tuple[str, list[Figure]]]:
    """(part name, its figures in period order), one per part; periods the report does
    not print are absent, never drawn empty."""
    parts = list(dict.fromkeys(f.component for f in card.figures))
    out = []
    for part in parts:
        figs = {f.period: f for f in card.figures if f.component == part}
        out.append((part, [figs[p] for p in PERIODS if p in figs]))
    return out


def row_label(card: IndicatorCard, figure: Figure) -> str:
    """「2024 實際（累計 2017–2024）」, 「最新（2025 年 1–8 月）」: the period and its window."""
    stated = window(card.indicator, figure)
    return f"{LABELS[figure.period]}（{stated}）" if stated else LABELS[figure.period]


def _panel(ax, card: IndicatorCard, figs: list[Figure], top: float, family: str) -> None:
    """One part's rows in data units (a row is 1 tall, y grows downwards); bars up to
    `top` fill the width."""
    by_period = {f.period: f for f in figs}
    met = component_met(by_period, card.indicator.direction)
    target = by_period.get("target_2024")
    for y, figure in enumerate(figs):
        period = figure.period
        colour = (MET if met else UNMET) if period == "actual_2024" else COLOURS[period]
        bar = ax.barh(y + 0.62, figure.value, height=0.34, color=colour, edgecolor=INK,
                      linewidth=1.2)  # fmt: skip
        if period == "target_2024":
            bar[0].set_hatch("//")
        elif target is not None and period == "actual_2024":  # how far from the target
            ax.plot([target.value] * 2, [y + 0.4, y + 0.84], color=INK, linestyle=(0, (2, 1.5)),
                    linewidth=2)  # fmt: skip
        ax.text(0, y + 0.36, row_label(card, figure), fontsize=SIZE["label"], family=family,
                color=GREY, ha="left", va="bottom")  # fmt: skip
        ax.text(top, y + 0.36, figure.text, fontsize=SIZE["value"], family=family, color=INK,
                ha="right", va="bottom")  # fmt: skip
    ax.set_xlim(0, top)
    ax.set_ylim(len(figs) - 0.05, -0.05)
    ax.axis("off")


def render_png(card: IndicatorCard) -> bytes:
    """The chart of one indicator card as PNG bytes. Pure apart from the font registration."""
    out = io.BytesIO()
    draw(card).savefig(out, format="png")
    return out.getvalue()


def draw(card: IndicatorCard) -> MplFigure:
    """The chart as a matplotlib figure: the header, then the parts stacked, each full
    width, then the source line."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.lines import Line2D

    indicator = card.indicator
    family = ensure_font()
    parts = rows(card)
    title = wrap(f"指標 {indicator.id} {indicator.name}", TITLE_CHARS)
    head = 0.3 + HEAD_LINE * (len(title) + 1) + GAP
    named = [PART_HEAD if part else 0.0 for part, _ in parts]
    count = sum(len(figs) for _, figs in parts) or 1
    fixed = head + sum(named) + GAP * (len(parts) - 1) + FOOT
    row = min(ROW_MAX, max(ROW, (WIDTH - fixed) / count))  # short charts fill the square
    height = max(WIDTH, fixed + row * count)
    fig = MplFigure(figsize=(WIDTH, height), dpi=DPI)
    FigureCanvasAgg(fig)
    shared = len({f.unit for f in card.figures}) == 1  # parts in one unit: one scale
    tops = [max(f.value for f in (card.figures if shared else figs)) or 1.0 for _, figs in parts]

    def text(y: float, line: str, size: str, colour: str = INK) -> None:
        fig.text(MARGIN, y / height, line, fontsize=SIZE[size], family=family, color=colour,
                 va="top")  # fmt: skip

    y = height - 0.3  # inches from the bottom, moving down
    for line in title:
        text(y, line, "title")
        y -= HEAD_LINE
    status = "● 已達成 2024 年目標" if indicator.met else "○ 未達成 2024 年目標"
    better = "數值越低越好 ↓" if indicator.direction == "lower" else "數值越高越好 ↑"
    text(y, f"{status}　{better}", "status", MET if indicator.met else UNMET)
    y -= HEAD_LINE + GAP + (height - fixed - row * count) / 2  # what is left, above and below
    for (part, figs), named_height, top in zip(parts, named, tops, strict=True):
        if part:
            y_rule = (y + GAP / 2) / height
            fig.add_artist(Line2D((MARGIN, 1 - MARGIN), (y_rule, y_rule), color="#bdbdbd"))
            text(y, part, "part")
            y -= named_height
        tall = len(figs) * row
        _panel(fig.add_axes((MARGIN, (y - tall) / height, 1 - 2 * MARGIN, tall / height)),
               card, figs, top, family)  # fmt: skip
        y -= tall + GAP
    fig.text(MARGIN, 0.2 / height, f"資料來源：{EDITION}", fontsize=SIZE["source"], family=family,
             color=GREY, va="bottom")  # fmt: skip
    return fig


class Charts:
    """PNG charts per indicator, drawn once from the engine's card and kept in memory."""

    def __init__(self, cards: Callable[[str], IndicatorCard | None]) -> None:
        self.cards = cards  # indicator id -> its card, None when the report has no such id
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()  # matplotlib is not thread-safe; renders are serialised

    def has(self, indicator_id: str) -> bool:
        return self.cards(indicator_id) is not None

    def png(self, indicator_id: str) -> bytes:
        """PNG bytes for the indicator; KeyError when the report has no such indicator."""
        cached = self._cache.get(indicator_id)
        if cached is not None:
            return cached
        card = self.cards(indicator_id)
        if card is None:
            raise KeyError(indicator_id)
        with self._lock:
            if indicator_id not in self._cache:
                self._cache[indicator_id] = render_png(card)
        return self._cache[indicator_id]
