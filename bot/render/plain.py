"""Answer → text. `lines` is the one layout; `plain` strips its marks, render_html bolds them.

Figures are wrapped in BOLD marks (private-use characters, removed from any user
text first), so every front end shows the same content.
"""

import re
from decimal import Decimal

from bot.engine.answer import EDITION, Answer, Field, IndicatorCard, Kind
from bot.knowledge.figures import PROSE_FIGURE
from bot.knowledge.values import Figure

BOLD, END = "\ue000", "\ue001"
PERIOD_LABEL = {
    "actual_2024": "2024 年實際值",
    "target_2024": "2024 年目標值",
    "baseline_2021": "2021 年實際值（基準）",
    "latest": "最新",
}
FIELD_PERIODS = {
    Field.ACTUAL: "actual_2024",
    Field.TARGET: "target_2024",
    Field.BASELINE: "baseline_2021",
    Field.LATEST: "latest",
}


def where(heading: str, page: int | None) -> str:
    """A short citation: 第二章第三節（核心目標 8）> 二、執行情形 > (六) … （報告第 12 頁起）."""
    parts = heading.split(" > ")
    head = re.match(r"^(第.+?章|附錄.)", parts[0])
    short = [head.group(1) if head else parts[0]]
    if head and len(parts) == 1:  # the chapter itself: keep its name
        short = [f"{head.group(1)} {parts[0][head.end() :]}".strip()]
    if len(parts) > 1:
        sec = re.match(r"^(第.+?節)\s*(核心目標\s*\d+)?", parts[1])
        if sec:
            name = sec.group(2) or parts[1][sec.end() :].strip()
            short[0] += sec.group(1) + (f"（{name}）" if name else "")
        else:
            short.append(parts[1])
    short += parts[2:]
    return " > ".join(short) + (f"（報告第 {page} 頁起）" if page else "")


def b(text: str) -> str:
    return f"{BOLD}{text}{END}"


def clean(user_text: str) -> str:
    """User text as it may be shown: without our marks."""
    return user_text.replace(BOLD, "").replace(END, "")


def _decimals(text: str) -> int:
    digits = text.split("以下")[0].strip().rstrip("%")
    return len(digits.split(".")[1]) if "." in digits else 0


def gap(actual: Figure, target: Figure, lower_better: bool) -> str:
    """`高於目標 0.003` / `超出目標 31,013 人`, in the report's precision."""
    places = max(_decimals(actual.text), _decimals(target.text))
    diff = abs(Decimal(str(actual.value)) - Decimal(str(target.value)))
    amount = f"{diff:,.{places}f}"
    unit = (
        "個百分點"
        if actual.unit == "%"
        else f" {actual.unit}"
        if actual.unit not in ("", "千人率")
        else ""
    )
    if actual.value == target.value:
        return "與目標相同"
    above = actual.value > target.value
    good = above != lower_better
    word = ("高於" if above else "低於") + "目標"
    verdict = "達標" if good else "未達標"
    return f"{word} {amount}{unit}（{verdict}）"


def _component_lines(card: IndicatorCard, component: str, order: list[str]) -> list[str]:
    figs = {f.period: f for f in card.figures if f.component == component}
    lower = card.indicator.direction == "lower"
    out = []
    for period in order:
        fig = figs.get(period)
        if fig is None:
            if period == "latest":
                out.append("最新：報告未列 2025 年的最新數值")
            continue
        line = f"{PERIOD_LABEL[period]}：{b(fig.text)}"
        if period == "latest":
            line = f"最新（{fig.as_of}）：{b(fig.text)}"
        if period == "actual_2024" and "target_2024" in figs:
            line += f"，{gap(fig, figs['target_2024'], lower)}"
        out.append(line)
    return out


def _bold_figures(text: str) -> str:
    return PROSE_FIGURE.sub(lambda m: b(m.group(0)), text)


def card_lines(card: IndicatorCard, fields: list[Field], twin: bool = False) -> list[str]:
    ind = card.indicator
    status = "● 已達成 2024 年目標" if ind.met else "○ 未達成 2024 年目標"
    better = "數值越低越好" if ind.direction == "lower" else "數值越高越好"
    out = [f"指標 {ind.id} {ind.name}", f"{b(status)}（{better}）"]
    order = [FIELD_PERIODS[f] for f in fields if f in FIELD_PERIODS]
    order += [
        p for p in ("actual_2024", "target_2024", "baseline_2021", "latest") if p not in order
    ]
    components = list(dict.fromkeys(f.component for f in card.figures))
    for component in components:
        rows = _component_lines(card, component, order)
        if component:
            out.append(f"【{component}】")
        out += [f"・{r}" for r in rows]
    if card.excerpt:
        out.append(f"・報告內文：{_bold_figures(card.excerpt)}")
    for quote in card.related:
        out.append(f"・相關數據（推動亮點）：{quote.text.replace(quote.figure, b(quote.figure))}")
    for aside in card.aside:
        out.append(f"・{where(aside.section, aside.page)}：{_bold_figures(aside.text)}")
    unit = f"負責單位：{ind.unit}"
    note = f"計算說明：{ind.note}"
    extra = [unit, note] if Field.UNIT in fields or Field.NOTE not in fields else [note, unit]
    if Field.UNIT in fields:
        out.insert(1, unit)
        extra.remove(unit)
    out += extra
    out.append(f"核心目標 {card.goal.number}：{card.goal.title}")
    out += [f"註：{r.text}" for r in card.remarks]
    out.append(f"出處：{where(ind.section, ind.page)}")
    return out


def lines(answer: Answer) -> list[str]:
    out: list[str] = []
    if answer.kind is Kind.INDICATOR:
        if len(answer.cards) > 1:
            ids = "、".join(c.indicator.id for c in answer.cards)
            out.append(f"有 {len(answer.cards)} 個指標符合（{ids}），分別列出：")
        for i, card in enumerate(answer.cards):
            if i:
                out.append("")
            out += card_lines(card, answer.fields)
    elif answer.kind is Kind.LIST:
        out.append(answer.title)
        grouped = len({e.goal for e in answer.entries}) > 1
        for i, e in enumerate(answer.entries):
            if grouped and (i == 0 or answer.entries[i - 1].goal != e.goal):
                out.append(f"【核心目標 {e.goal}】")
            mark = "●" if e.met else "○"
            out.append(f"{mark} {e.id} {e.name}：{b(e.actual)}（目標 {e.target}）")
        for p in answer.programmes:
            out.append(f"{p.id}. {p.title}（核心目標 {p.goal}）")
        if answer.entries:
            out.append("●達成 2024 年目標 ○未達成 2024 年目標")
    elif answer.kind is Kind.PROGRAMME and answer.programme:
        p = answer.programme
        out += [f"推動亮點：{p.title}", f"核心目標 {p.goal}"]
        if p.stakeholders:
            out.append("涉及利害關係人：" + "；".join(p.stakeholders.splitlines()))
        out.append("執行內容及實際績效：")
        for para in p.content.splitlines():
            for fig in answer.programme_figures:
                if fig.text in para and BOLD + fig.text not in para:
                    para = para.replace(fig.text, b(fig.text))
            out.append(para)
        if p.conclusion:
            out.append("結語：" + p.conclusion.splitlines()[0])
        out.append(f"出處：{where(p.section, p.page)}")
    elif answer.kind is Kind.FACT:
        out.append(where(answer.title, None) if " > " in answer.title else answer.title)
        out += answer.sentences
        if answer.passage:
            out.append(f"出處：{where(answer.passage.heading, answer.passage.page)}")
        elif answer.message:
            out.append(f"出處：{where(answer.message, None)}")
        for aside in answer.asides:
            out.append(f"・{where(aside.section, aside.page)}：{_bold_figures(aside.text)}")
    elif answer.kind is Kind.CANDIDATES:
        out.append(answer.message)
        out += [f"{i}. {m.headline or m.label}" for i, m in enumerate(answer.candidates, start=1)]
    else:
        out += [clean(answer.message), answer.title]
        if answer.suggestions:
            out.append("可以這樣問：" + "、".join(f"「{s}」" for s in answer.suggestions))
    if answer.found:
        out.append(f"資料來源：{EDITION}")
    return out


def plain(answer: Answer) -> str:
    return clean("\n".join(lines(answer)))


def to_json(answer: Answer) -> dict:
    """The batch contract of `sdgbot ask --json`."""
    return {
        "query": answer.query,
        "found": answer.found,
        "zone": answer.zone,
        "matches": [{"type": m.type, "id": m.id, "score": m.score} for m in answer.matches],
        "answer": plain(answer),
    }
