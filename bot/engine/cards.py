"""Build `Answer` values from the in-memory store: cards, lists, programmes, facts. Pure."""

import re
from collections.abc import Callable

from bot.engine.answer import Answer, Aside, IndicatorCard, Kind, ListEntry, Match, Quote
from bot.engine.owned import KIN, LABEL, Owned
from bot.engine.question import Question
from bot.i18n import N_, Joined, Msg, Name
from bot.knowledge.values import Knowledge, owners

PARTS = N_("包含：{parts}")  # a chapter's or section's subsections, by their titles
_FACT_LABELS = {
    "minister": N_("部長"),
    "published": N_("發布日期"),
    "title": N_("報告名稱"),
    "period_reviewed": N_("檢視期間"),
    "tsdgs_approved": N_("臺灣永續發展目標核定日期"),
    "indicators_approved": N_("對應指標核定日期"),
    "un_goals": N_("聯合國永續發展目標（SDGs）"),
    "national_core_goals": N_("臺灣永續發展目標（T-SDGs）核心目標"),
    "previous_review": N_("上一次 VDR 報告發布"),
    "business_units": N_("勞動部業務單位"),
    "support_units": N_("勞動部輔助單位"),
    "agencies": N_("勞動部三級機關（構）"),
    "compiled_by": N_("報告編撰單位"),
}
_ABOUT = (
    "title",
    "title_en",
    "publisher",
    "compiled_by",
    "published",
    "period_reviewed",
    "tsdgs_approved",
    "indicators_approved",
    "national_core_goals",
    "ministry_core_goals",
    "ministry_indicators",
    "minister",
)


def snippet(clause: str, figure: str) -> str:
    """The part of a sentence that states a figure: from its date to the figure's clause end."""
    at = clause.find(figure)
    if at < 0:
        return clause
    dates = [m.start() for m in _DATE_FROM.finditer(clause[:at])]
    start = dates[-1] if dates else max(clause.rfind("，", 0, at) + 1, 0)
    return clause[start:].strip()


# a date, or a span of years as one (「2021 年至 2024 年」 from 2021, not from 「至 2024 年」)
_DATE_FROM = re.compile(r"(?:截至|至)?\s*\d{4}\s*年(?:\s*(?:至|到)\s*\d{4}\s*年)?")


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class Cards:
    def __init__(self, knowledge: Knowledge, canon: Callable[[str], str]):
        self.k = knowledge
        self.passage_units: dict[int, list] = {}
        for u in knowledge.units:
            self.passage_units.setdefault(u.passage_id, []).append(u)
        self.canon = canon
        self.owned = Owned(knowledge, canon)
        self.related = {i: self._related(i) for i in knowledge.indicators}
        self._named: dict[tuple[str, str, bool], tuple[str, str]] = {}  # see match

    def _related(self, ind_id: str) -> tuple:
        """Programme figures about the same thing as the indicator, that it does not print,
        quoted only where the quote shows no other indicator's figure."""
        ind = self.k.indicators[ind_id]
        printed = {f.value for figs in self.k.figures.values() for f in figs}
        name = _bigrams(self.canon(ind.name))
        rate_only = {f.unit for f in self.k.figures[ind_id]} <= {"%", "千人率"}  # (8.7.3)
        out = []
        for prog in self.k.programmes.values():
            if prog.goal != ind.goal:
                continue
            kin = rate_only and len(name & _bigrams(self.canon(prog.title))) >= KIN
            for fig in self.k.programme_figures[prog.id]:
                shared = len(name & _bigrams(self.canon(fig.clause)))
                if kin:  # 8.7.3 prints a growth rate; its programme's title, the people
                    shared = len(name)
                if fig.value not in printed and fig.unit != "%" and shared >= max(3, len(name) / 2):
                    quote = snippet(fig.clause, fig.text)
                    if not self.owned.foreign(quote, ind_id) and quote not in [o.text for o in out]:
                        out.append(Quote(quote, fig.text))
        return tuple(out)

    def match(self, kind: str, ident: str, score: float, latest: bool = False) -> Match:
        """A target with its label and headline; `latest`: the question asks the 2025 figure,
        which the headline then shows (with its as-of period) where the report prints one."""
        key = (kind, ident, latest)
        named = self._named.get(key)
        if named is None:  # (two per target: bounded) label and headline are the store's
            headline = self.headline(kind, ident, latest)
            named = self._named[key] = (self.label(kind, ident), headline)
        return Match(kind, ident, score, *named)

    def headline(self, kind: str, ident: str, latest: bool = False) -> str:
        """「8.7.1 職災死亡千人率 2024：0.022（目標 0.019 以下）○」: what a choice stands for;
        with `latest`, 「8.5.2 … 最新（2025 年 1 月至 8 月）：人數 34,140 名（2024：…）●」."""
        if kind != "indicator":
            return self.label(kind, ident)
        entry = self._entry(ident)
        newest = next((f for f in self.k.figures[ident] if f.period == "latest"), None)
        if latest and newest:
            return Msg(
                "{label} 最新（{as_of}）：{latest}（2024：{actual}）{mark}",
                label=self.label(kind, ident),
                as_of=newest.as_of,
                latest=self._printed(ident, "latest"),
                actual=entry.actual,
                mark="●" if entry.met else "○",
            )
        return Msg(
            "{label} 2024：{actual}（目標 {target}）{mark}",
            label=self.label(kind, ident),
            actual=entry.actual,
            target=entry.target,
            mark="●" if entry.met else "○",
        )

    def label(self, kind: str, ident: str) -> str:
        """A short label: the report's name (with its English name, if curated)."""
        if kind == "indicator":
            ind = self.k.indicators[ident]
            return Name(f"{ident} {ind.name}", f"{ident} {ind.name_en}" if ind.name_en else "")
        if kind == "programme":
            prog = self.k.programmes[int(ident)]
            return Name(prog.title, prog.name_en)
        if kind == "goal":
            return Msg("核心目標 {n} {title}", n=ident, title=self.k.goals[int(ident)].title)
        if kind == "fact":
            label = _FACT_LABELS.get(ident) or _ABOUT_LABEL.get(ident)
            return Msg(label) if label else ident
        return ident

    def card(
        self,
        ind_id: str,
        leftover: list[str] = (),
        aside: tuple = (),
        excerpt: str = "",
        measure: str = "",
        when: bool = False,
        why: bool = False,
    ) -> IndicatorCard:
        ind = self.k.indicators[ind_id]
        return IndicatorCard(
            indicator=ind,
            goal=self.k.goals[ind.goal],
            figures=tuple(self.k.figures[ind_id]),
            remarks=tuple(self.k.remarks[ind_id]),
            related=self.related[ind_id],
            excerpt=excerpt or self.owned.excerpt(ind_id, leftover, measure, when, why),
            aside=aside,
        )

    def indicators(
        self,
        question: str,
        ids: list[str],
        q: Question,
        score: float,
        scores: dict[str, float] | None = None,
        leftover: list[str] = (),
        aside: tuple = (),
        excerpt: str = "",
    ) -> Answer:
        """The cards of the indicators, the first with the aside and the excerpt asked for
        (if any)."""
        scores = scores or {}
        return Answer(
            kind=Kind.INDICATOR,
            query=question,
            found=True,
            matches=[self.match("indicator", i, scores.get(i, score)) for i in ids],
            fields=list(q.fields),
            components=list(q.components) + self._parts_named(ids, q.text),
            cards=[
                self.card(
                    i,
                    leftover,
                    aside=aside if n == 0 else (),
                    excerpt=excerpt if n == 0 else "",
                    measure=q.measure,
                    when=q.when and not q.latest,
                    why=q.why,
                )
                for n, i in enumerate(ids)
            ],
        )

    def _parts_named(self, ids: list[str], text: str) -> list[str]:
        """The parts of the indicators (人數, 訓後就業率, 青年 …) the question names, so the
        first line shows those it asks for: 「參訓人數和訓後就業率」 asks for both."""
        parts = {f.component for i in ids for f in self.k.figures[i] if f.component}
        return sorted(p for p in parts if p in text)

    def listing(
        self,
        question: str,
        *,
        unmet: bool = False,
        met: bool = False,
        goal: int | None = None,
        unit: str | None = None,
        score: float = 100.0,
        ids: list[str] | None = None,
        subject: str = "",
        count: bool = False,
        described: str = "",
    ) -> Answer:
        chosen = [
            ind
            for ind in self.k.indicators.values()
            if (not unmet or not ind.met)
            and (not met or ind.met)
            and (goal is None or ind.goal == goal)
            and (unit is None or ind.unit == unit)
            and (ids is None or ind.id in ids)
        ]
        parts = []
        if goal is not None:
            parts.append(
                Msg("核心目標 {goal}「{title}」", goal=goal, title=self.k.goals[goal].title)
            )
        if unit:
            parts.append(Msg("{unit}負責", unit=unit))
        status = Msg("未達成 2024 年目標") if unmet else Msg("已達成 2024 年目標") if met else ""
        if parts and status:
            scope = Msg("{parts}的{status}", parts=Joined("、", parts), status=status)
        else:
            scope = Joined("、", parts) if parts else status
        scope = scope or (
            described
            if described
            else Msg("與「{subject}」有關", subject=subject)
            if subject
            else Msg("勞動部主責")
        )
        title = (
            Msg("{scope}的指標（{n} 項）", scope=scope, n=len(chosen))
            if chosen
            else Msg("{scope}的指標：沒有符合的指標", scope=scope)
        )
        if count and (met or unmet):  # 有幾項指標達成: the count first, then which
            scope = [
                i
                for i in self.k.indicators.values()
                if (goal is None or i.goal == goal) and (unit is None or i.unit == unit)
            ]
            n_met = sum(i.met for i in scope)
            title = Msg(
                "{total} 項指標中，{met} 項已達成、{unmet} 項未達成 2024 年目標。\n{title}",
                total=len(scope),
                met=n_met,
                unmet=len(scope) - n_met,
                title=title,
            )
        entries = [self._entry(ind.id) for ind in chosen]
        kind = (
            "unmet" if unmet else "met" if met else f"goal:{goal}" if goal is not None
            else f"unit:{unit}" if unit else f"about:{subject or described}" if ids is not None
            else "all"
        )  # fmt: skip
        matches = [Match("list", kind, score)]
        matches += [self.match("indicator", e.id, score) for e in entries]
        return Answer(
            kind=Kind.LIST,
            query=question,
            found=True,
            matches=matches,
            title=title,
            entries=entries,
        )

    def _printed(self, ind_id: str, period: str) -> str:
        """An indicator's figures of a period as printed, its parts joined."""
        figs = [f for f in self.k.figures[ind_id] if f.period == period]
        return "、".join(f"{f.component} {f.text}".strip() for f in figs)

    def _entry(self, ind_id: str) -> ListEntry:
        ind = self.k.indicators[ind_id]
        return ListEntry(
            ind.id,
            Name(ind.name, ind.name_en),
            ind.met,
            self._printed(ind_id, "actual_2024"),
            self._printed(ind_id, "target_2024"),
            ind.goal,
        )

    def programme(self, question: str, pid: int, score: float) -> Answer:
        prog = self.k.programmes[pid]
        return Answer(
            kind=Kind.PROGRAMME,
            query=question,
            found=True,
            matches=[self.match("programme", str(pid), score)],
            programme=prog,
            programme_figures=list(self.k.programme_figures[pid]),
        )

    def goal_list(self, question: str) -> Answer:
        """The ministry's core goals, each with its title and how many indicators it has."""
        goals = list(self.k.goals.values())
        count = {g.number: sum(i.goal == g.number for i in self.k.indicators.values())
                 for g in goals}  # fmt: skip
        section = goals[0].section.split(" > ")[0] if goals else ""
        return Answer(
            kind=Kind.FACT,
            query=question,
            found=True,
            matches=[Match("goal", str(g.number), 100.0) for g in goals],
            title=Msg(
                "勞動部主責 {n} 項核心目標：{numbers}",
                n=len(goals),
                numbers=Joined("、", [str(g.number) for g in goals]),
            ),
            sentences=[
                Msg(
                    "核心目標 {n}「{title}」（{count} 項指標）",
                    n=g.number,
                    title=g.title,
                    count=count[g.number],
                )
                for g in goals
            ],
            message=section,
        )

    def programme_list(self, question: str) -> Answer:
        progs = list(self.k.programmes.values())
        return Answer(
            kind=Kind.LIST,
            query=question,
            found=True,
            matches=[Match("list", "programmes", 100.0)],
            title=Msg("推動亮點（{n} 項）", n=len(progs)),
            programmes=progs,
        )

    def fact(self, question: str, key: str, score: float, also: tuple[str, ...] = ()) -> Answer:
        """A report fact with the sentence it stands in; `also`: facts asked with it."""
        facts = self.k.facts
        if key == "title":
            shown = {k: facts[k].text if k == "published" else facts[k].value for k in facts}
            lines = [
                Msg("{label}：{value}", label=Msg(_ABOUT_LABEL[k]), value=shown[k])
                for k in _ABOUT
                if k in facts
            ]
            lines.append(
                Msg(
                    "數字怎麼來：每個數字都由程式從報告原文讀出（第二章指標表、附錄一、各指標執行情形），"
                    "測試逐一核對數字與報告原文相符；報告本身的出入（如 8.3.3 附錄一計算說明誤植）"
                    "照實註明。"
                )
            )
            return Answer(
                kind=Kind.FACT,
                query=question,
                found=True,
                matches=[Match("fact", key, score)],
                title=Msg("關於本報告"),
                sentences=lines,
            )
        keys = [key, *(k for k in also if k in facts and k != key)]
        label = {k: self.label("fact", k) for k in keys}
        texts = list(dict.fromkeys(facts[k].text for k in keys))
        return Answer(
            kind=Kind.FACT,
            query=question,
            found=True,
            matches=[Match("fact", k, score) for k in keys],
            title=Joined(
                "；", [Msg("{label}：{value}", label=label[k], value=facts[k].value) for k in keys]
            ),
            passage=next((p for p in self.k.passages if p.heading == facts[key].section), None),
            sentences=texts,
            message=facts[key].section,
        )

    def passage(
        self, question: str, passage, words: list[str], score: float, weights: dict[str, float]
    ) -> Answer:
        """The passage trimmed to the units (a sentence, a numbered item with all its clauses,
        a table row) that hold most of the question."""
        lines = [u.text for u in self.passage_units.get(passage.id, [])] or [
            s.strip() for s in re.split(r"(?<=[。；])|\n", passage.text) if s.strip()
        ]
        hits = []
        for line in lines:
            canon = self.canon(line)
            hits.append(sum(weights.get(w, 0) for w in words if len(w) > 1 and w in canon))
        best = max(hits, default=0)
        top = sorted(
            (i for i in range(len(lines)) if best and hits[i] >= 0.75 * best),
            key=lambda i: -hits[i],
        )[:3]
        keep = set(top)
        for i in top:  # a table row's continuation rows come with it
            keep |= {j for j in range(i + 1, min(i + 3, len(lines))) if lines[j][0] == "｜"}
        chosen = [lines[i].lstrip("｜") for i in sorted(keep)] or lines[:2]
        units = self.passage_units.get(passage.id, [])
        best = units[top[0]] if top and len(units) == len(lines) else None
        return _quote(
            question, passage, passage.heading, chosen + self._parts(passage), score,
            _owned_by(best),
        )  # fmt: skip

    def own_excerpt(self, ind_id: str, units: list) -> str:
        """The first of the units the indicator's card may quote as its own, or ""."""
        mine = self.owned.unit_ids[ind_id]
        return next((LABEL.sub("", u.text) for u in units if u.id in mine), "")

    def aside(self, ind_id: str, units: list) -> tuple[Aside, ...]:
        """Units the indicator's card may show beside it: not its own (the excerpt quotes
        those) and printing no other indicator's figure."""
        mine = self.owned.unit_ids[ind_id]
        return tuple(
            Aside(u.section, LABEL.sub("", u.text), u.page)
            for u in units
            if u.id not in mine and not self.owned.foreign(u.text, ind_id)
        )

    def units(
        self, question: str, chosen: list, score: float, named: dict[str, float] | None = None
    ) -> Answer:
        """Report text quoted whole, unit by unit (a sentence, a list with all its items, a
        table row), each under the section it stands in: the first unit's section heads the
        answer, units of other sections follow under their own. Of the indicators the text
        belongs to, the one the question names well ahead of the others (`named`: the
        ranking's score of each indicator) comes first."""
        first = chosen[0]
        passage = next(p for p in self.k.passages if p.id == first.passage_id)
        mine = [u.text for u in chosen if u.section == first.section]
        signed = self.k.facts.get("minister")
        if signed is not None and signed.section == first.section:  # the foreword: signed
            mine.append(Msg("（勞動部部長 {name} 謹識）", name=signed.value))
        # a chapter's or section's opening quoted: the titles of its parts follow
        answer = _quote(
            question,
            passage,
            first.section,
            mine + self._parts(passage),
            score,
            _owned_by(first, named),
        )
        answer.asides = [
            Aside(u.section, u.text, u.page) for u in chosen if u.section != first.section
        ]
        return answer

    def _parts(self, passage) -> list[str]:
        """For a chapter or section with subsections (第三章 未來展望): their titles."""
        below = [
            p.heading.split(" > ")[-1]
            for p in self.k.passages
            if p.heading.startswith(passage.heading + " > ")
            and p.heading.count(" > ") == passage.heading.count(" > ") + 1
        ]
        return [Msg(PARTS, parts=Joined("；", below))] if below else []

    def candidates(self, question: str, options: list[Match]) -> Answer:
        """Did you mean: the report answers it, but which of up to 3 things is meant is unclear;
        each option carries its headline figure."""
        return Answer(
            kind=Kind.CANDIDATES,
            query=question,
            found=True,
            matches=options,
            candidates=options,
            message=Msg("報告中沒有完全符合的答案。您是不是想問："),
        )

    def not_found(
        self, question: str, message: str, samples: list[str], listing: bool = False
    ) -> Answer:
        covers = Msg(
            "本報告涵蓋勞動部 4 項核心目標（{goals}）的 {n} 項指標、{m} 項推動亮點，"
            "以及組織架構與未來展望。",
            goals=Joined("、", [str(g) for g in self.k.goals]),
            n=len(self.k.indicators),
            m=len(self.k.programmes),
        )
        if listing:
            ids = Joined("、", list(self.k.indicators))
            covers = Msg("{covers}指標編號：{ids}", covers=covers, ids=ids)
        return Answer(
            kind=Kind.NOT_FOUND,
            query=question,
            found=False,
            message=message,
            title=covers,
            suggestions=samples,
        )


CLEARLY = 10.0  # ranking points (of 100) that make one indicator the one a question names


def _owned_by(unit, named: dict[str, float] | None = None) -> tuple[str, ...]:
    """The indicators a unit of text belongs to (it stands in their execution subsection),
    in the report's order; or first the one the question names (`named`: each one's
    ranking score) ahead of the others by a clear margin (「顧問諮詢幫了多少人次」: 1.4.2
    of the text shared by 1.4.1 to 1.4.3)."""
    if unit is None or unit.owner_type != "indicator":
        return ()
    ids = owners(unit)
    named = named or {}
    best = max(ids, key=lambda i: named.get(i, 0.0))
    rival = max((named.get(i, 0.0) for i in ids if i != best), default=0.0)
    if named.get(best, 0.0) - rival < CLEARLY:
        return tuple(ids)
    return (best, *(i for i in ids if i != best))


def _quote(
    question: str, passage, title: str, sentences: list[str], score: float,
    indicators: tuple[str, ...] = (),
) -> Answer:  # fmt: skip
    """Report text quoted under its section, cited by its passage; the indicators whose
    text it is come first among the matches (what the answer is about, and what a
    follow-up asks about)."""
    about = [Match("indicator", i, round(score, 1)) for i in indicators]
    return Answer(
        kind=Kind.FACT,
        query=question,
        found=True,
        matches=[*about, Match("passage", str(passage.id), round(score, 1))],
        title=title,
        passage=passage,
        sentences=sentences,
    )


_ABOUT_LABEL = {
    "title": N_("報告"),
    "title_en": N_("英文名稱"),
    "publisher": N_("發布機關"),
    "compiled_by": N_("編撰"),
    "published": N_("發布"),
    "period_reviewed": N_("檢視期間"),
    "tsdgs_approved": N_("臺灣永續發展目標核定"),
    "indicators_approved": N_("對應指標核定"),
    "national_core_goals": N_("全國核心目標數"),
    "ministry_core_goals": N_("勞動部主責核心目標數"),
    "ministry_indicators": N_("勞動部主責指標數"),
    "minister": N_("部長"),
}
