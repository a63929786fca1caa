"""Answer → text. `lines` is the one layout; `plain` strips its marks, render_html bolds them.

Figures are wrapped in BOLD marks (private-use characters, removed from any user
text first), so every front end shows the same content. The bot's own words go through
a translator (bot.i18n; zh-TW by default, which is the batch contract); the report's
text, names and figures are shown as printed, with curated English names in English.
"""

import functools
import re
from decimal import Decimal

from bot.engine.answer import EDITION, SAMPLES, Answer, Field, IndicatorCard, Kind
from bot.i18n import N_, ZH, Translator
from bot.knowledge.figures import PROSE_FIGURE, number_value
from bot.knowledge.values import Figure, Indicator, Programme
from bot.render.numbers import dated, readable, unit_word
from bot.render.windows import window

BOLD, END = "\ue000", "\ue001"
DETAILS, DETAILS_END = "\ue002", "\ue003"  # lines between them: details (expandable in HTML)
LEAD = 120  # characters of a first line a phone shows whole (score.py's `lead` reads these)
PERIOD_LABEL = {
    "actual_2024": N_("2024 年實際值"),
    "target_2024": N_("2024 年目標值"),
    "baseline_2021": N_("2021 年實際值（基準）"),
    "latest": N_("最新"),
}
FIELD_PERIODS = {
    Field.ACTUAL: "actual_2024",
    Field.TARGET: "target_2024",
    Field.BASELINE: "baseline_2021",
    Field.LATEST: "latest",
}


def name(ind: Indicator | Programme, tr: Translator = ZH) -> str:
    """The name to show: the report's, or in English the curated English one if any."""
    printed = ind.name if isinstance(ind, Indicator) else ind.title
    return ind.name_en if tr.english and ind.name_en else printed


def where(heading: str, page: int | None, tr: Translator = ZH) -> str:
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
    return " > ".join(short) + (tr("（報告第 {page} 頁起）", page=page) if page else "")


def short_where(heading: str, page: int | None, tr: Translator = ZH) -> str:
    """The shortest citation that finds the place: chapter and section, the last heading,
    the page (「第二章第三節（核心目標 8）…(六) 指標 8.7.1 職災死亡千人率，第 12 頁起」)."""
    parts = where(heading, None).split(" > ")
    last = parts[-1] if len(parts) > 1 else ""
    last = last if len(last) <= 24 else last[:23] + "…"
    return " > ".join([parts[0], last] if last else parts[:1]) + (
        tr("，第 {page} 頁起", page=page) if page else ""
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
    actual: Figure,
    target: Figure,
    lower_better: bool,
    verdict: bool = True,
    tr: Translator = ZH,
    since: bool = False,
) -> str:
    """`比目標高 0.003，未達標` / `比目標多 31,013 人，達標`, in the report's precision; since:
    against the 2021 figure (`比 2021 年高 0.001`), with no verdict."""
    if since:
        return _since(actual, target, tr)
    places = max(_decimals(actual.text), _decimals(target.text))
    diff = abs(Decimal(str(actual.value)) - Decimal(str(target.value)))
    amount = f"{diff:,.{places}f}"
    counted = _counted(actual)
    if actual.unit == "%":
        amount = tr("{amount} 個百分點", amount=amount)
    elif counted:
        amount = f"{amount} {unit_word(actual.unit, tr)}"
    if actual.value == target.value:
        return tr("與目標相同，達標") if verdict else tr("與目標相同")
    above = actual.value > target.value
    good = above != lower_better
    if counted:
        said = (
            tr("比目標多 {amount}", amount=amount)
            if above
            else tr("比目標少 {amount}", amount=amount)
        )
    else:
        said = (
            tr("比目標高 {amount}", amount=amount)
            if above
            else tr("比目標低 {amount}", amount=amount)
        )
    if not verdict:
        return said
    return tr("{gap}，{verdict}", gap=said, verdict=tr("達標") if good else tr("未達標"))


def _counted(figure: Figure) -> bool:
    """A count (人, 人次, 場, 件): more or fewer; a rate or share: higher or lower."""
    return figure.unit not in ("", "千人率", "%")


def _since(now: Figure, was: Figure, tr: Translator) -> str:
    places = max(_decimals(now.text), _decimals(was.text))
    amount = f"{abs(Decimal(str(now.value)) - Decimal(str(was.value))):,.{places}f}"
    counted = _counted(now)
    if now.unit == "%":
        amount = tr("{amount} 個百分點", amount=amount)
    elif counted:
        amount = f"{amount} {unit_word(now.unit, tr)}"
    if now.value == was.value:
        return tr("與 2021 年相同")
    if counted:
        if now.value > was.value:
            return tr("比 2021 年多 {amount}", amount=amount)
        return tr("比 2021 年少 {amount}", amount=amount)
    if now.value > was.value:
        return tr("比 2021 年高 {amount}", amount=amount)
    return tr("比 2021 年低 {amount}", amount=amount)


def _trend(card: IndicatorCard, shown: list[str], tr: Translator) -> str:
    """2021 → 2024 for each part, the change in the report's precision, and which way is
    better (a running total grows by itself: no verdict for it; totals over different
    windows are not set against each other)."""
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
            change = tr("累計期間不同，不能直接相比")  # one year's count against four years'
        else:
            change = _since(now, was, tr)
            if "累計" not in "".join(spans) and now.value != was.value:
                better = (now.value < was.value) == lower
                change = tr(
                    "{change}，{verdict}",
                    change=change,
                    verdict=tr("變好") if better else tr("變差"),
                )
        pairs = zip((2021, 2024), spans, strict=True)
        years = [tr("{year} 年", year=y) + (f"（{w}）" if w else "") for y, w in pairs]
        name = f"{c} " if c and len(shown) > 1 else ""
        out.append(
            tr(
                "{part}{then} {was} → {now_year} {now}（{change}）",
                part=name, then=years[0], was=b(readable(was.text, tr)), now_year=years[1],
                now=b(readable(now.text, tr)), change=change,
            )
        )  # fmt: skip
    if not out:
        return tr("報告只列 2021 與 2024 年的數值")
    out.append(tr("數值越低越好") if lower else tr("數值越高越好"))
    return tr("；").join(out)


def _component_lines(
    card: IndicatorCard, component: str, order: list[str], tr: Translator
) -> list[str]:
    figs = {f.period: f for f in card.figures if f.component == component}
    lower = card.indicator.direction == "lower"
    out = []
    for period in order:
        fig = figs.get(period)
        if fig is None:
            continue  # the first line says so when it was asked
        line = tr(
            "{label}：{figure}", label=tr(PERIOD_LABEL[period]), figure=b(readable(fig.text, tr))
        )
        if period == "latest":
            line = tr(
                "最新（{as_of}）：{figure}",
                as_of=dated(fig.as_of, tr),
                figure=b(readable(fig.text, tr)),
            )
        if period == "actual_2024" and "target_2024" in figs:
            line += tr("（{gap}）", gap=gap(fig, figs["target_2024"], lower, tr=tr))
        out.append(line)
    return out


def _bold_figures(text: str, digits: bool = False) -> str:
    """The figures of a quoted sentence in bold; with `digits` (a question asked in
    English), a 萬 form is given in digits too: 「15 萬 1,174 場次 (151,174)」, 「約 511 萬人次
    (5,110,000)」, the report's words untouched."""

    def bold(m: re.Match) -> str:
        if digits and m["wan"]:
            return f"{b(m.group(0))} ({round(number_value(m)):,})"
        return b(m.group(0))

    return PROSE_FIGURE.sub(bold, text)


def _in_english(question: str) -> bool:
    """Asked in English: more Latin letters than CJK characters."""
    latin = sum(c.isascii() and c.isalpha() for c in question)
    return latin > sum("\u4e00" <= c <= "\u9fff" for c in question)


def card_lead(
    card: IndicatorCard, fields: list[Field], components: list[str] = (), tr: Translator = ZH
) -> str:
    """The card's first line: the indicator and what was asked of it, in one line
    (「8.7.1 職災死亡千人率：2024 年目標 0.019 以下（實際 0.022，未達標）」)."""
    return _lead(card, fields, components, tr)[0]


def card_heads(card: IndicatorCard, tr: Translator = ZH) -> tuple[str, ...]:
    """How a card's own first line starts: its id, or its id and name, and the colon."""
    ind = card.indicator
    return tuple(
        tr("{head}：{said}", head=h, said="") for h in (ind.id, f"{ind.id} {name(ind, tr)}")
    )


def _lead(
    card: IndicatorCard, fields: list[Field], components, tr: Translator
) -> tuple[str, set[str]]:
    """The first line, and the periods whose figures it shows for every part."""
    ind = card.indicator
    figs = {(f.component, f.period): f for f in card.figures}
    parts_of = list(dict.fromkeys(f.component for f in card.figures))
    asked = [c for c in parts_of if c and any(c in a or a in c for a in components)]
    shown = asked or parts_of

    def value(period: str) -> str:
        got = [
            (f"{c} " if c and len(shown) > 1 else "") + b(readable(figs[c, period].text, tr))
            for c in shown
            if (c, period) in figs
        ]
        return tr("、").join(got)

    verdict = tr("達標") if ind.met else tr("未達標")
    latest = next((f for f in card.figures if f.period == "latest" and f.component in shown), None)
    said = []
    for field in fields or [Field.STATUS]:
        if Field.RATIO in fields and field in (Field.ACTUAL, Field.TARGET):
            continue  # the share says both
        if field is Field.STATUS:
            said.append(tr("已達成 2024 年目標") if ind.met else tr("未達成 2024 年目標"))
        elif field is Field.TARGET:
            said.append(tr("2024 年目標 {value}", value=value("target_2024")))
        elif field is Field.ACTUAL:
            said.append(tr("2024 年實際 {value}", value=value("actual_2024")))
        elif field is Field.BASELINE:
            said.append(tr("2021 年（基準）{value}", value=value("baseline_2021")))
        elif field is Field.LATEST:
            said.append(
                tr("最新（{as_of}）{value}", as_of=dated(latest.as_of, tr), value=value("latest"))
                if latest
                else tr("報告未列 2025 年的最新數值")
            )
        elif field is Field.UNIT:
            said.append(tr("負責單位 {unit}", unit=ind.unit))
        elif field is Field.NOTE:
            said.append(tr("計算說明：{note}", note=ind.note))
        elif field is Field.TREND:
            said.append(_trend(card, shown, tr))
        elif field is Field.RATIO:
            said.append(_ratio(card, shown, tr))
    # what the brackets hold, each with what it is: a period's figure, the gap, the verdict
    actual = ("actual_2024", tr("實際 {value}", value=value("actual_2024")))
    context = []
    ratio = Field.RATIO in fields  # it says both figures
    if Field.ACTUAL not in fields and not ratio:
        context.append(actual)
    if Field.TARGET not in fields and not ratio:
        context.append(("target_2024", tr("目標 {value}", value=value("target_2024"))))
    stated = Field.STATUS in (fields or [Field.STATUS])  # 已達成 / 未達成 said already
    gaps = _gaps(card, shown, not stated, tr)
    context.append(("gap", gaps) if gaps else ("", "" if stated else verdict))
    context = [c for c in context if c[1]]  # 比目標多 1,925 人次（，達標）
    quiet = {Field.UNIT, Field.NOTE, Field.BASELINE, Field.LATEST, Field.TREND}
    if set(fields) <= quiet and fields:
        context = []  # asked nothing of the 2024 result
        if Field.BASELINE in fields:  # 2021 asked: against what it became in 2024
            context = [actual]
    periods = {FIELD_PERIODS[f] for f in fields if f in FIELD_PERIODS}
    if ratio:
        periods |= {"actual_2024", "target_2024"}
    # the richest line that a phone shows whole: with the name and the gap, then without
    # the gap, then the number alone for the name (each figure still follows below)
    lean = [c for c in context if c[0] != "gap"]
    title = name(ind, tr)
    options = [(title, context), (title, lean), ("", context), ("", lean), ("", [])]
    for head, extra in options:
        line = tr("{head}：{said}", head=f"{ind.id} {head}".strip(), said=tr("；").join(said))
        if extra:
            line += tr("（2024 年{context}）", context=tr("，").join(t for _, t in extra))
        if len(clean(line)) <= LEAD:
            break
    told = [f for f in fields if f in (Field.NOTE, Field.TREND, Field.UNIT, Field.STATUS)]
    if len(clean(line)) > LEAD and told and told != fields:  # too much asked for one line:
        return _lead(card, told, components, tr)  # what only it tells; the figures below
    periods |= {p for p, _ in extra if p in ("actual_2024", "target_2024")}
    if shown != parts_of:  # only the asked parts are in the line: every figure below
        periods = set()
    return line, periods


def _ratio(card: IndicatorCard, shown: list[str], tr: Translator) -> str:
    """The 2024 actual as a share of its target, worked out from the two printed figures
    and said to be (「2024 年實際 2,145 件，為目標 1,680 件的 127.7%（依報告數字計算）」)."""
    figs = {(f.component, f.period): f for f in card.figures}
    out = []
    for c in shown:
        actual, target = figs.get((c, "actual_2024")), figs.get((c, "target_2024"))
        if actual is None or target is None or not target.value:
            continue
        share = Decimal(str(actual.value)) / Decimal(str(target.value)) * 100
        beyond = f"{abs(share - 100):,.1f}%"
        more, less = (tr("多"), tr("少")) if _counted(actual) else (tr("高"), tr("低"))
        out.append(
            tr(
                "{part}2024 年實際 {actual}，為目標 {target}的 {share}%（{way} {beyond}）",
                part=f"{c} " if c and len(shown) > 1 else "",
                actual=b(readable(actual.text, tr)),
                target=readable(target.text, tr),
                share=b(f"{share:,.1f}"),
                way=more if share >= 100 else less,
                beyond=beyond,
            )
        )
    if not out:
        return tr("報告未列可比較的 2024 年目標與實際值")
    return tr("{shares}，依報告數字計算", shares=tr("；").join(out))


def _gaps(card: IndicatorCard, shown: list[str], verdict: bool, tr: Translator) -> str:
    figs = {(f.component, f.period): f for f in card.figures}
    lower = card.indicator.direction == "lower"
    out = [
        (f"{c} " if c and len(shown) > 1 else "")
        + gap(figs[c, "actual_2024"], figs[c, "target_2024"], lower, verdict, tr)
        for c in shown
        if (c, "actual_2024") in figs and (c, "target_2024") in figs
    ]
    return tr("；").join(out)


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
    tr: Translator = ZH,
    digits: bool = False,
) -> list[str]:
    """One indicator: the answer in the first line, the key figures, the responsible unit,
    the report's words in a details block, a short citation; `digits`: the 萬 forms of the
    report's words in digits too (asked in English)."""
    ind = card.indicator
    first, said = _lead(card, [] if lead else fields, components, tr)
    out = [_bold_figures(lead, digits), first] if lead else [first]  # a quoted detail answers first
    title = name(ind, tr)
    if not clean(first).startswith(f"{ind.id} {title}"):  # the name did not fit the line
        out.append(tr("（{name}）", name=f"{ind.id} {title}"))
    if title != ind.name:  # an English name: the report's own one beside it
        out.append(tr("報告中的名稱：{name}", name=ind.name))
    order = [FIELD_PERIODS[f] for f in fields if f in FIELD_PERIODS]
    order += [
        p for p in ("actual_2024", "target_2024", "baseline_2021", "latest") if p not in order
    ]
    order = [p for p in order if p not in said]  # each figure once
    for component in dict.fromkeys(f.component for f in card.figures):
        rows = _component_lines(card, component, order, tr)
        out += [f"・{component + '｜' if component else ''}{r}" for r in rows]
    better = tr("數值越低越好") if ind.direction == "lower" else tr("數值越高越好")
    if Field.UNIT in fields and not lead:  # the first line named the unit
        out.append(tr("（{better}）", better=better))
    else:
        out.append(tr("負責單位：{unit}（{better}）", unit=ind.unit, better=better))
    details = []
    if card.excerpt:
        details.append(tr("報告內文：{text}", text=_bold_figures(card.excerpt, digits)))
    for quote in card.related:
        details.append(tr("相關數據（推動亮點）：{text}", text=_bold_figures(quote.text, digits)))
    for aside in card.aside:
        details.append(
            tr("{where}：{text}", where=where(aside.section, aside.page, tr),
               text=_bold_figures(aside.text, digits))
        )  # fmt: skip
    noted = ind.note in clean(first)  # the first line says it already
    if (Field.NOTE in fields or not _restates(ind.note, ind.name)) and not noted:
        details.append(tr("計算說明：{note}", note=ind.note))
    details += [tr("註：{text}", text=r.text) for r in card.remarks]
    if details:
        out += [DETAILS, *details, DETAILS_END]
    out.append(cited(short_where(ind.section, ind.page, tr), tr))
    return out


@functools.lru_cache(maxsize=4_096)
def _card_lines(card: IndicatorCard, fields: tuple, components: tuple, lead: str,
                tr: Translator, digits: bool) -> tuple[str, ...]:  # fmt: skip
    """card_lines, memoised: a pure function of frozen values, so the same card asked the
    same way (in another question too) is laid out once."""
    return tuple(card_lines(card, list(fields), list(components), lead, tr, digits))


def cited(place: str, tr: Translator = ZH) -> str:
    """The citation line: 「出處：第二章第三節（核心目標 8）…，第 12 頁起」."""
    return tr("出處：{where}", where=place)


def stamp(tr: Translator = ZH) -> str:
    """The edition stamp every answer ends with."""
    return tr("資料來源：{edition}", edition=tr.text(EDITION))


def chart_caption_lines(card: IndicatorCard, tr: Translator = ZH) -> list[str]:
    """What goes with a chart: the indicator (its English name in English), met or not,
    the edition. The chart's own labels are the report's words, in zh-TW."""
    ind = card.indicator
    return [
        tr("指標 {id} {name}", id=ind.id, name=name(ind, tr)),
        tr("● 已達成 2024 年目標") if ind.met else tr("○ 未達成 2024 年目標"),
        stamp(tr),
    ]


def asking(suggestions: list[str], tr: Translator = ZH) -> str:
    """「可以這樣問：「…」、「…」」: the sample questions in the user's language."""
    quoted = [tr("「{text}」", text=tr(s) if s in SAMPLES else s) for s in suggestions]
    return tr("可以這樣問：{questions}", questions=tr("、").join(quoted))


def lines(answer: Answer, tr: Translator = ZH) -> list[str]:
    """The one layout: the first line answers (a figure, a clause of the report), then
    what supports it, the report's longer text between DETAILS marks, a short citation."""
    out: list[str] = []
    if answer.kind is Kind.INDICATOR and answer.brief:  # a follow-up: the asked part only
        out += [card_lead(card, answer.fields, answer.components, tr) for card in answer.cards]
    elif answer.kind is Kind.INDICATOR:
        for i, card in enumerate(answer.cards):
            if i:
                out.append("")
            lead = answer.lead if not i else ""
            out += _card_lines(card, tuple(answer.fields), tuple(answer.components), lead, tr,
                               _in_english(answer.query))  # fmt: skip
    elif answer.kind is Kind.LIST:
        title = tr.text(answer.title)
        ids = tr("、").join(e.id for e in answer.entries)
        summary = tr("{title}：{ids}", title=title, ids=ids)  # the answer at a glance
        out.append(summary if answer.entries and len(summary) <= LEAD else title)
        grouped = len({e.goal for e in answer.entries}) > 1
        for i, e in enumerate(answer.entries):
            if grouped and (i == 0 or answer.entries[i - 1].goal != e.goal):
                out.append(tr("【核心目標 {goal}】", goal=e.goal))
            out.append(
                tr("{mark} {id} {name}：{actual}（目標 {target}）", mark="●" if e.met else "○",
                   id=e.id, name=e.name, actual=b(e.actual), target=e.target)
            )  # fmt: skip
        for p in answer.programmes:
            out.append(
                tr("{n}. {title}（核心目標 {goal}）", n=p.id, title=name(p, tr), goal=p.goal)
            )
        if answer.entries:
            out.append(tr("●達成 2024 年目標 ○未達成 2024 年目標"))
    elif answer.kind is Kind.PROGRAMME and answer.programme:
        p = answer.programme
        if answer.lead:  # report text (or its stakeholders, said in the user's words)
            out.append(_bold_figures(tr.text(answer.lead), _in_english(answer.query)))
        out.append(tr("推動亮點：{title}（核心目標 {goal}）", title=name(p, tr), goal=p.goal))
        if name(p, tr) != p.title:  # an English name: the report's own one beside it
            out.append(tr("報告中的名稱：{name}", name=p.title))
        body = []
        if p.stakeholders:
            body.append(tr("涉及利害關係人：{who}", who="；".join(p.stakeholders.splitlines())))
        body.append(tr("執行內容及實際績效："))
        english = _in_english(answer.query)
        for para in p.content.splitlines():
            for fig in answer.programme_figures:
                if fig.text in para and BOLD + fig.text not in para:
                    para = para.replace(fig.text, _bold_figures(fig.text, english))
            body.append(para)
        if p.conclusion:
            body.append(tr("結語：{text}", text=p.conclusion.splitlines()[0]))
        out += [DETAILS, *body, DETAILS_END] if answer.lead else body
        out.append(cited(short_where(p.section, p.page, tr), tr))
    elif answer.kind is Kind.FACT:
        heading = tr.text(answer.title)
        title = short_where(heading, None, tr) if " > " in heading else heading
        english = _in_english(answer.query)
        sentences = [_bold_figures(tr.text(t), english) for t in answer.sentences]
        lead = answer.lead
        if lead and [answer.lead] != answer.sentences[:1]:
            out += [_bold_figures(tr.text(lead), english), title, DETAILS, *sentences, DETAILS_END]
        elif sentences and answer.passage and len(answer.sentences[0]) <= 120:  # it answers
            out += [sentences[0], title, *sentences[1:]]
        else:
            out += [title, *sentences]
        for aside in answer.asides:
            place = short_where(aside.section, aside.page, tr)
            out.append(
                tr("・{where}：{text}", where=place, text=_bold_figures(aside.text, english))
            )
        if answer.passage:
            out.append(cited(short_where(answer.passage.heading, answer.passage.page, tr), tr))
        elif answer.message:
            out.append(cited(short_where(answer.message, None, tr), tr))
    elif answer.kind is Kind.CANDIDATES:
        out.append(tr.text(answer.message))
        out += ["・" + tr.text(m.headline or m.label) for m in answer.candidates]  # + buttons
    else:
        out += [clean(tr.text(answer.message)), tr.text(answer.title)]
        if answer.suggestions:
            out.append(asking(answer.suggestions, tr))
    if answer.found:
        out.append(stamp(tr))
    return out


def plain(answer: Answer, tr: Translator = ZH) -> str:
    return clean("\n".join(t for t in lines(answer, tr) if t not in (DETAILS, DETAILS_END)))


def to_json(answer: Answer) -> dict:
    """The batch contract of `sdgbot ask --json`."""
    return {
        "query": answer.query,
        "found": answer.found,
        "zone": answer.zone,
        "matches": [{"type": m.type, "id": m.id, "score": m.score} for m in answer.matches],
        "answer": plain(answer),
    }
