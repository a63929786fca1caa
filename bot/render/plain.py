"""Answer → text. `lines` is the one layout; `plain` strips its marks, render_html bolds them.

Figures are wrapped in BOLD marks (private-use characters, removed from any user
text first), so every front end shows the same content.
"""

import re
from decimal import Decimal

from bot.engine.answer import EDITION, Answer, Field, IndicatorCard, Kind
from bot.knowledge.figures import PROSE_FIGURE
from bot.knowledge.values import Figure
from bot.render.windows import window

BOLD, END = "\ue000", "\ue001"
DETAILS, DETAILS_END = "\ue002", "\ue003"  # lines between them: details (expandable in HTML)
LEAD = 120  # characters of a first line a phone shows whole (score.py's `lead` reads these)
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


def short_where(heading: str, page: int | None) -> str:
    """The shortest citation that finds the place: chapter and section, the last heading,
    the page (「第二章第三節（核心目標 8）…(六) 指標 8.7.1 職災死亡千人率，第 12 頁起」)."""
    parts = where(heading, None).split(" > ")
    last = parts[-1] if len(parts) > 1 else ""
    last = last if len(last) <= 24 else last[:23] + "…"
    return " > ".join([parts[0], last] if last else parts[:1]) + (
        f"，第 {page} 頁起" if page else ""
    )


def b(text: str) -> str:
    return f"{BOLD}{text}{END}"


def clean(user_text: str) -> str:
    """User text as it may be shown: without our marks."""
    return user_text.replace(BOLD, "").replace(END, "")


def _decimals(text: str) -> int:
    digits = text.split("以下")[0].strip().rstrip("%")
    return len(digits.split(".")[1]) if "." in digits else 0


def gap(
    actual: Figure, target: Figure, lower_better: bool, verdict: bool = True, what: str = "目標"
) -> str:
    """`比目標高 0.003，未達標` / `比目標多 31,013 人，達標`, in the report's precision (what:
    the figure it is set against, 目標 or 2021 年)."""
    places = max(_decimals(actual.text), _decimals(target.text))
    diff = abs(Decimal(str(actual.value)) - Decimal(str(target.value)))
    amount = f"{diff:,.{places}f}"
    unit = (
        " 個百分點"
        if actual.unit == "%"
        else f" {actual.unit}"
        if actual.unit not in ("", "千人率")
        else ""
    )
    if actual.value == target.value:
        return f"與{what}相同，達標" if verdict else f"與{what}相同"
    above = actual.value > target.value
    good = above != lower_better
    if unit.strip() and actual.unit != "%":
        word = f"比{what}多" if above else f"比{what}少"
    else:
        word = f"比{what}高" if above else f"比{what}低"
    return f"{word} {amount}{unit}" + (f"，{'達標' if good else '未達標'}" if verdict else "")


def _component_lines(card: IndicatorCard, component: str, order: list[str]) -> list[str]:
    figs = {f.period: f for f in card.figures if f.component == component}
    lower = card.indicator.direction == "lower"
    out = []
    for period in order:
        fig = figs.get(period)
        if fig is None:
            continue  # the first line says so when it was asked
        line = f"{PERIOD_LABEL[period]}：{b(fig.text)}"
        if period == "latest":
            line = f"最新（{fig.as_of}）：{b(fig.text)}"
        if period == "actual_2024" and "target_2024" in figs:
            line += f"（{gap(fig, figs['target_2024'], lower)}）"
        out.append(line)
    return out


def _bold_figures(text: str) -> str:
    return PROSE_FIGURE.sub(lambda m: b(m.group(0)), text)


def card_lead(card: IndicatorCard, fields: list[Field], components: list[str] = ()) -> str:
    """The card's first line: the indicator and what was asked of it, in one line
    (「8.7.1 職災死亡千人率：2024 年目標 0.019 以下（實際 0.022，未達標）」)."""
    return _lead(card, fields, components)[0]


def _lead(card: IndicatorCard, fields: list[Field], components) -> tuple[str, set[str]]:
    """The first line, and the periods whose figures it shows for every part."""
    ind = card.indicator
    figs = {(f.component, f.period): f for f in card.figures}
    parts_of = list(dict.fromkeys(f.component for f in card.figures))
    asked = [c for c in parts_of if c and any(c in a or a in c for a in components)]
    shown = asked or parts_of

    def value(period: str) -> str:
        got = [
            (f"{c} " if c and len(shown) > 1 else "") + b(figs[c, period].text)
            for c in shown
            if (c, period) in figs
        ]
        return "、".join(got)

    verdict = "達標" if ind.met else "未達標"
    latest = next((f for f in card.figures if f.period == "latest" and f.component in shown), None)
    said = []
    for field in fields or [Field.STATUS]:
        if field is Field.STATUS:
            said.append(f"{'已達成' if ind.met else '未達成'} 2024 年目標")
        elif field is Field.TARGET:
            said.append(f"2024 年目標 {value('target_2024')}")
        elif field is Field.ACTUAL:
            said.append(f"2024 年實際 {value('actual_2024')}")
        elif field is Field.BASELINE:
            said.append(f"2021 年（基準）{value('baseline_2021')}")
        elif field is Field.LATEST:
            said.append(
                f"最新（{latest.as_of}）{value('latest')}"
                if latest
                else "報告未列 2025 年的最新數值"
            )
        elif field is Field.UNIT:
            said.append(f"負責單位 {ind.unit}")
        elif field is Field.NOTE:
            said.append(f"計算說明：{ind.note}")
        elif field is Field.TREND:
            said.append(_trend(card, shown))
    context = []
    if Field.ACTUAL not in fields:
        context.append(f"實際 {value('actual_2024')}")
    if Field.TARGET not in fields:
        context.append(f"目標 {value('target_2024')}")
    stated = Field.STATUS in (fields or [Field.STATUS])  # 已達成 / 未達成 said already
    context.append(_gaps(card, shown, not stated) or ("" if stated else verdict))
    context = [c for c in context if c]  # 比目標多 1,925 人次（，達標）
    if (
        set(fields) <= {Field.UNIT, Field.NOTE, Field.BASELINE, Field.LATEST, Field.TREND}
        and fields
    ):
        context = []  # asked nothing of the 2024 result
        if Field.BASELINE in fields:  # 2021 asked: against what it became in 2024
            context = [f"實際 {value('actual_2024')}"]
    periods = {FIELD_PERIODS[f] for f in fields if f in FIELD_PERIODS}
    shows = {"actual_2024": "實際 ", "target_2024": "目標 "}  # what the brackets hold
    # the richest line that a phone shows whole: with the name and the gap, then without
    # the gap, then the number alone for the name (each figure still follows below)
    lean = [c for c in context if not re.search(r"比目標|與目標", c)]
    options = [(ind.name, context), (ind.name, lean), ("", context), ("", lean), ("", [])]
    for head, extra in options:
        line = f"{ind.id} {head}".strip() + f"：{'；'.join(said)}"
        line += f"（2024 年{'，'.join(extra)}）" if extra else ""
        if len(clean(line)) <= LEAD:
            break
    periods |= {p for p, word in shows.items() if any(c.startswith(word) for c in extra)}
    if shown != parts_of:  # only the asked parts are in the line: every figure below
        periods = set()
    return line, periods


def _trend(card: IndicatorCard, shown: list[str]) -> str:
    """2021 → 2024 for each part, the change in the report's precision, and which way is
    better (a count accumulated since 2017 grows by itself: no verdict for it)."""
    figs = {(f.component, f.period): f for f in card.figures}
    lower = card.indicator.direction == "lower"
    out = []
    for c in shown:
        was, now = figs.get((c, "baseline_2021")), figs.get((c, "actual_2024"))
        if was is None or now is None:
            continue
        spans = [window(card.indicator, f) for f in (was, now)]
        starts = [re.findall(r"20\d\d", w)[:1] for w in spans]
        if "累計" in "".join(spans) and starts[0] != starts[1]:
            change = "累計期間不同，不能直接相比"  # one year's count against four years'
        else:
            change = gap(now, was, lower, verdict=False, what=" 2021 年")
            if "累計" not in "".join(spans) and now.value != was.value:
                change += "，變好" if (now.value < was.value) == lower else "，變差"
        pairs = zip((2021, 2024), spans, strict=True)
        years = [f"{y} 年" + (f"（{w}）" if w else "") for y, w in pairs]
        name = f"{c} " if c and len(shown) > 1 else ""
        out.append(f"{name}{years[0]} {b(was.text)} → {years[1]} {b(now.text)}（{change}）")
    better = "數值越低越好" if lower else "數值越高越好"
    return "；".join(out) + f"；{better}" if out else "報告只列 2021 與 2024 年的數值"


def _gaps(card: IndicatorCard, shown: list[str], verdict: bool = True) -> str:
    figs = {(f.component, f.period): f for f in card.figures}
    lower = card.indicator.direction == "lower"
    out = [
        (f"{c} " if c and len(shown) > 1 else "")
        + gap(figs[c, "actual_2024"], figs[c, "target_2024"], lower, verdict)
        for c in shown
        if (c, "actual_2024") in figs and (c, "target_2024") in figs
    ]
    return "；".join(out)


def _restates(note: str, name: str) -> bool:
    """A calculation note that only says the name again (1.3.2's 「單獨參加職業災害保險的
    被保險人數」); 「年度職災死亡千人率」 says more (a year, not a sum of years)."""
    squeeze = re.sub(r"\s", "", note)
    return squeeze in re.sub(r"\s", "", name)


def card_lines(
    card: IndicatorCard,
    fields: list[Field],
    components: list[str] = (),
    lead: str = "",
) -> list[str]:
    """One indicator: the answer in the first line, the key figures, the responsible unit,
    the report's words in a details block, a short citation."""
    ind = card.indicator
    first, said = _lead(card, [] if lead else fields, components)
    out = [_bold_figures(lead), first] if lead else [first]  # a quoted detail answers first
    if not clean(first).startswith(f"{ind.id} {ind.name}"):  # the name did not fit the line
        out.append(f"（{ind.id} {ind.name}）")
    order = [FIELD_PERIODS[f] for f in fields if f in FIELD_PERIODS]
    order += [
        p for p in ("actual_2024", "target_2024", "baseline_2021", "latest") if p not in order
    ]
    order = [p for p in order if p not in said]  # each figure once
    for component in dict.fromkeys(f.component for f in card.figures):
        rows = _component_lines(card, component, order)
        out += [f"・{component + '｜' if component else ''}{r}" for r in rows]
    better = "數值越低越好" if ind.direction == "lower" else "數值越高越好"
    out.append(
        f"{'' if Field.UNIT in fields and not lead else f'負責單位：{ind.unit}'}（{better}）"
    )
    details = []
    if card.excerpt:
        details.append(f"報告內文：{_bold_figures(card.excerpt)}")
    for quote in card.related:
        details.append(f"相關數據（推動亮點）：{quote.text.replace(quote.figure, b(quote.figure))}")
    for aside in card.aside:
        details.append(f"{where(aside.section, aside.page)}：{_bold_figures(aside.text)}")
    if Field.NOTE in fields or not _restates(ind.note, ind.name):
        details.append(f"計算說明：{ind.note}")
    details += [f"註：{r.text}" for r in card.remarks]
    if details:
        out += [DETAILS, *details, DETAILS_END]
    out.append(f"出處：{short_where(ind.section, ind.page)}")
    return out


def lines(answer: Answer) -> list[str]:
    """The one layout: the first line answers (a figure, a clause of the report), then
    what supports it, the report's longer text between DETAILS marks, a short citation."""
    out: list[str] = []
    if answer.kind is Kind.INDICATOR and answer.brief:  # a follow-up: the asked part only
        out += [card_lead(card, answer.fields, answer.components) for card in answer.cards]
    elif answer.kind is Kind.INDICATOR:
        for i, card in enumerate(answer.cards):
            if i:
                out.append("")
            out += card_lines(
                card, answer.fields, components=answer.components, lead=answer.lead if not i else ""
            )
    elif answer.kind is Kind.LIST:
        ids = "、".join(e.id for e in answer.entries)
        summary = f"{answer.title}：{ids}"  # the answer at a glance, when a phone shows it whole
        out.append(summary if answer.entries and len(summary) <= LEAD else answer.title)
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
        if answer.lead:
            out.append(_bold_figures(answer.lead))
        out.append(f"推動亮點：{p.title}（核心目標 {p.goal}）")
        body = []
        if p.stakeholders:
            body.append("涉及利害關係人：" + "；".join(p.stakeholders.splitlines()))
        body.append("執行內容及實際績效：")
        for para in p.content.splitlines():
            for fig in answer.programme_figures:
                if fig.text in para and BOLD + fig.text not in para:
                    para = para.replace(fig.text, b(fig.text))
            body.append(para)
        if p.conclusion:
            body.append("結語：" + p.conclusion.splitlines()[0])
        out += [DETAILS, *body, DETAILS_END] if answer.lead else body
        out.append(f"出處：{short_where(p.section, p.page)}")
    elif answer.kind is Kind.FACT:
        title = short_where(answer.title, None) if " > " in answer.title else answer.title
        sentences = [_bold_figures(t) for t in answer.sentences]
        lead = answer.lead
        if lead and [answer.lead] != answer.sentences[:1]:
            out += [_bold_figures(lead), title, DETAILS, *sentences, DETAILS_END]
        elif sentences and answer.passage and len(answer.sentences[0]) <= 120:  # it answers
            out += [sentences[0], title, *sentences[1:]]
        else:
            out += [title, *sentences]
        for aside in answer.asides:
            out.append(f"・{short_where(aside.section, aside.page)}：{_bold_figures(aside.text)}")
        if answer.passage:
            out.append(f"出處：{short_where(answer.passage.heading, answer.passage.page)}")
        elif answer.message:
            out.append(f"出處：{short_where(answer.message, None)}")
    elif answer.kind is Kind.CANDIDATES:
        out.append(answer.message)
        out += [f"・{m.headline or m.label}" for m in answer.candidates]  # its button follows
    else:
        out += [clean(answer.message), answer.title]
        if answer.suggestions:
            out.append("可以這樣問：" + "、".join(f"「{s}」" for s in answer.suggestions))
    if answer.found:
        out.append(f"資料來源：{EDITION}")
    return out


def plain(answer: Answer) -> str:
    return clean("\n".join(t for t in lines(answer) if t not in (DETAILS, DETAILS_END)))


def to_json(answer: Answer) -> dict:
    """The batch contract of `sdgbot ask --json`."""
    return {
        "query": answer.query,
        "found": answer.found,
        "zone": answer.zone,
        "matches": [{"type": m.type, "id": m.id, "score": m.score} for m in answer.matches],
        "answer": plain(answer),
    }
