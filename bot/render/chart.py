"""Indicator charts: a PNG per indicator with matplotlib (Agg), cached in memory.

One panel per component (人數 / 訓後就業率 …): the 2021 baseline, the 2024 target,
the 2024 actual and the latest figure, each labelled as the report prints it, with
the target as a dashed line, the direction of "better" and met / not met.

Chinese glyphs come from the bundled subset font bot/fonts/SDGBotCJK-Regular.otf
(Noto Sans CJK TC, SIL OFL 1.1, subset to the characters of knowledge/ and this
module), registered with matplotlib's font manager on first use.
"""

import io
import threading
from collections.abc import Callable
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure

from bot.engine.answer import EDITION, IndicatorCard
from bot.knowledge.values import Figure

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
MET, UNMET = "#2e7d32", "#c62828"

_font_lock = threading.Lock()
_font_ready = False


def ensure_font() -> str:
    """Register the bundled CJK font once; return the family name to use."""
    global _font_ready
    with _font_lock:
        if not _font_ready:
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


def _panel(ax, component: str, figs: dict[str, Figure], direction: str, family: str) -> None:
    periods = [p for p in PERIODS if p in figs]
    met = component_met(figs, direction)
    values = [figs[p].value for p in periods]
    colours = [(MET if met else UNMET) if p == "actual_2024" else COLOURS[p] for p in periods]
    bars = ax.bar(range(len(periods)), values, color=colours, edgecolor="#424242", linewidth=1)
    for bar, period in zip(bars, periods, strict=True):
        if period == "target_2024":
            bar.set_hatch("//")
        ax.annotate(
            figs[period].text,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
            family=family,
        )
    if "target_2024" in figs:
        ax.axhline(figs["target_2024"].value, color="#424242", linestyle="--", linewidth=1)
    ticks = []
    for p in periods:
        as_of = figs[p].as_of if p == "latest" else ""
        ticks.append(f"{LABELS[p]}\n{as_of}" if as_of else LABELS[p])
    if "latest" not in figs:  # say so rather than leave the reader guessing
        ticks.append(f"{LABELS['latest']}\n（報告未列）")
    ax.set_xticks(range(len(ticks)), ticks, fontsize=8, family=family)
    ax.set_xlim(-0.6, len(ticks) - 0.4)
    ax.set_yticks([])
    ax.set_ylim(0, max(values) * 1.22 if values and max(values) > 0 else 1)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    verdict = {True: "達成目標", False: "未達成目標", None: ""}[met]
    title = "　".join(t for t in (component, verdict) if t)
    if title:
        ax.set_title(title, fontsize=10, family=family, color=MET if met else UNMET)


def render_png(card: IndicatorCard) -> bytes:
    """The chart of one indicator card as PNG bytes. Pure apart from the font registration."""
    indicator, figures = card.indicator, card.figures
    family = ensure_font()
    components = list(dict.fromkeys(f.component for f in figures)) or [""]
    fig = MplFigure(figsize=(4.2 * len(components) + 1.2, 4.6), dpi=110)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(components), squeeze=False)[0]
    for ax, component in zip(axes, components, strict=True):
        figs = {f.period: f for f in figures if f.component == component}
        _panel(ax, component, figs, indicator.direction, family)
    status = "● 已達成 2024 年目標" if indicator.met else "○ 未達成 2024 年目標"
    better = "數值越低越好 ↓" if indicator.direction == "lower" else "數值越高越好 ↑"
    fig.suptitle(
        f"指標 {indicator.id} {indicator.name}\n{status}　{better}",
        fontsize=11,
        family=family,
        color=MET if indicator.met else UNMET,
    )
    fig.text(0.01, 0.01, f"資料來源：{EDITION}", fontsize=7, family=family, color="#616161")
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


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
