"""Question → Answer. Pure: built once from the in-memory store, no Telegram, no SQL.

Stages: normalise (text.normalise) → recognise (question.analyse: ids, fields,
list filters) → segment and rewrite (text) → rank (match) → classify → answer.
"""

import re
from dataclasses import replace

from bot.engine import candidates, leads
from bot.engine import question as questions
from bot.engine.answer import SAMPLES, Answer, Context, Field, IndicatorCard, Kind, Match
from bot.engine.bridge import Bridge
from bot.engine.cards import Cards
from bot.engine.decide import Decision, Weights, choosable, decide
from bot.engine.filters import counted_since
from bot.engine.indexes import Stored
from bot.engine.match import Index, PassageIndex, Scored, Target
from bot.engine.retrieve import POOL, Reranker, UnitIndex, days
from bot.engine.text import (
    TAIWAN,
    Homophones,
    Rewriter,
    Segmenter,
    Speller,
    has_cjk,
    normalise,
    with_stems,
)
from bot.i18n import N_, Joined, Msg, Name
from bot.knowledge.values import Knowledge
from bot.knowledge.vocab import common_pairs

WINDOW_BONUS = 8.0  # score moved up (or down) when the question names the counting window

_SCHEME = re.compile(r"([^\W\d的之_a-z]{2,10}?)(?:計畫|計劃|方案|條例)")  # a named scheme
_NUMERIC = re.compile(r"^[\d.,%\-]+$").match  # bare numbers are no subject: 「1」, 「2.5」


_PARTIAL_2025 = re.compile(r"2025\s*年\s*\d{1,2}\s*月")  # 2025 printed up to a month


def _to_a_month(text: str) -> bool:
    """Every 2025 the text prints is up to a month (2025 年 1 月至 8 月, 截至 2025 年 8 月底)."""
    return len(_PARTIAL_2025.findall(text)) == text.count("2025")


def _no_full_2025(closest: str) -> Msg:
    return Msg("報告沒有列出 2025 年全年的數字；最接近的內容：「{closest}」", closest=closest)


VALUE_NAMES = {
    "claim_age": N_("請領或退休的年齡"),
    "age": N_("這方面的年齡"),
    "money": N_("金額、經費或給付的計算方式"),
    "procedure": N_("申請或報名的方式與資格"),
    "phone": N_("電話號碼"),
    "duration": N_("這件事要多久（時數、週數或年限）"),
    "person": N_("這個職位由誰擔任或由誰授課"),
    "things": N_("這類據點或機構的數目"),
    "penalty": N_("這件事的罰則或罰款"),
    "staff": N_("工作人員的人數"),
    "partner": N_("與其他部會合作的情形"),
    "firms": N_("企業、事業單位或工地的家數"),
    "rate": N_("這類比率（滿意度、核准或駁回、結訓或創業成功的比例）"),
    "average": N_("平均數或每場的數字（報告只列出總數）"),
}


# 「教育部統計的…」: figures another agency publishes (the report gives the ministry's own)
_FIGURES_OF = re.compile(r"(?:部|署|會|局|處)\s*(?:的\s*)?(?:統計|調查|公布|發布|數據)")
# after an agency's name: its own report (教育部的自願檢視報告), or what it did itself
_REPORT_OF = (
    r"\s*(?:的\s*)?[^，。？！\s]{0,12}?(?:報告|vdr\b)"
    r"|\s*(?:在[^，。？！\s]{0,10})?(?:做了(?:什麼|哪些)|有(?:什麼|哪些)(?:作為|成果|措施|政策))"
)
_A_RATE = re.compile(r"就業率\S{0,3}?\d")  # 「推介就業率 79.12%」, 「就業率為 87.99%」
_A_DAY = re.compile(r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")  # an event's day
# a date the quoted text would print: 2022 年 5 月 1 日施行, 2025 年 7 月
_A_DATE = re.compile(r"(?:19|20)\d\d\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|民國")

NAMED_INSTEAD = 2.0  # idf of the words naming another indicator than the card shown

SPLIT_NAMES = {
    "sex": N_("按性別分的數字"),
    "place": N_("按縣市或地區分的數字"),
    "industry": N_("按行業分的數字"),
    "part": N_("這個總數裡各部分的數字"),
    "disability": N_("按障礙類別分的數字"),
    "age": N_("按年齡分的數字"),
    "share": N_("女性或男性所占的比例"),
}


def _named_figures(figures, period: str = "") -> Joined:
    """Figures as a refusal names them, each with its part: 「人數 85,289 人、推介就業率 79.12%」;
    of one period only, if given."""
    shown = [f for f in figures if not period or f.period == period]
    return Joined("、", [f"{f.component} {f.text}".strip() for f in shown])


def _heading(unit) -> str:
    """What a unit stands under: its section, and for a table row its first cell too
    (附錄二's 「利害關係人類別：企業」 heads that row as a heading does a sentence)."""
    if unit.kind == "row":
        return f"{unit.section} {unit.text.split('｜', 1)[0].split('：', 1)[-1]}"
    return unit.section


def _as_typed(word: str, question: str) -> str:
    """A word of the normalised question as the user typed it (japan → Japan)."""
    if not word.isascii():
        return word
    typed = re.search(re.escape(word).replace(r"\ ", r"[\s-]"), question, re.IGNORECASE)
    return typed.group(0) if typed else word


def _shown(answer: Answer, cards: bool = False) -> str:
    """The report text an answer shows: its quotes, passage, programme (and its cards'
    names, notes and excerpts)."""
    shown = " ".join(
        [*answer.sentences, *(a.text for a in answer.asides), answer.lead, answer.message]
    )
    if answer.passage is not None:
        shown += answer.passage.text
    if answer.programme is not None:
        p = answer.programme
        shown += f"{p.title} {p.content} {p.conclusion} {p.captions}"
    for card in answer.cards if cards else []:
        ind = card.indicator
        shown += f"{ind.name} {ind.note} {card.excerpt}"
        shown += " ".join(t.text for t in (*card.related, *card.aside))
    return shown


def _indexed(unit) -> str:
    """What a unit is found by: its own heading and text; a programme's photo captions by
    the programme's title and the word for photo (its own heading is 執行內容及實際績效)."""
    heads = unit.section.split(" > ")
    if unit.kind == "captions":
        return f"{heads[-2] if len(heads) > 1 else ''} 照片 {unit.text}"
    return f"{heads[-1]} {unit.text}"


class Engine:
    GENERIC_IDF = 1.0  # a word this common among the report's passages names nothing in particular
    DISTINCTIVE_IDF = 1.9  # a word this rare (in ≤ ~8 of 61 passages) makes a passage distinctive

    def __init__(self, knowledge: Knowledge, weights: Weights | None = None):
        self.weights = weights or Weights.load()
        stored = Stored(knowledge)  # the indexes `sdgbot build` computed, if this code's
        self.knowledge = knowledge = replace(knowledge, indexes={})  # (their JSON: not kept)
        by_source: dict[str, list] = {}
        for alias in knowledge.aliases:
            by_source.setdefault(alias.source, []).append(alias)
        self._canon: dict[str, str] = stored.value("canon", dict)  # report text only: bounded
        TAIWAN.learn(stored.value("taiwan", lambda: None), stored.later("opencc"))  # speed only
        # the curated synonyms, and the report's words that OpenCC's Taiwan phrases turn
        # a Simplified question's word away from (釋出 → 發布)
        synonyms = by_source.get("synonyms", []) + by_source.get("variants", [])
        # the report's own word maps to itself, so 低收入戶 is not read as 低收 + 入戶
        self.rewrite = Rewriter(
            [(a.target, a.target) for a in synonyms] + [(a.term, a.target) for a in synonyms]
        )
        # English terms also as the segmenter stems them: does → doe, wages → wage
        self.fillers = with_stems(a.term for a in by_source.get("fillers", []))
        self.not_covered = with_stems(a.term for a in by_source.get("not_covered", []))
        self.spaced_not_covered = [t for t in self.not_covered if " " in t]  # (in the set's order)
        self.agencies = sorted((a.term for a in by_source.get("agencies", [])), key=len)[::-1]
        names = "|".join(re.escape(a) for a in self.agencies)  # (longest first)
        self.agency_own = re.compile(f"({names})(?:{_REPORT_OF})")  # 「教育部的…報告」
        self.unit_terms = {a.term for a in by_source.get("aliases", []) if a.target[:5] == "unit:"}
        self.unit_terms |= {i.unit for i in knowledge.indicators.values()}
        self.segmenter = Segmenter(knowledge.words)
        passages = [self.canon(f"{p.heading} {p.text}") for p in knowledge.passages]
        self.passages = stored.get(
            "passages", PassageIndex.restore, lambda: PassageIndex(passages, self.segmenter)
        )
        self.index = stored.get(
            "index",
            lambda state: Index.restore(state, self.segmenter, self.passages.idf),
            lambda: Index(
                self._targets(by_source.get("aliases", [])), self.segmenter, self.passages.idf
            ),
        )
        self.units = stored.get(
            "units",
            lambda state: UnitIndex.restore(state, self.segmenter),
            lambda: UnitIndex(
                [self.canon(_indexed(u)) for u in knowledge.units],
                self.segmenter,
            ),
        )
        self.cards = Cards(knowledge, self.canon)
        goals = list(knowledge.goals.values())
        self.topic_units = {  # the report's text but other goals' sections and the tables
            g.number: frozenset(
                n
                for n, u in enumerate(knowledge.units)
                if "指標概況" not in u.section
                and not u.section.startswith("附錄一")
                and not any(u.section.startswith(o.section) for o in goals if o is not g)
            )
            for g in goals
        }
        known = set(self.index.idf) | {a.term for a in knowledge.aliases if a.term}
        report = "".join(self.canon(p.text).replace(" ", "") for p in knowledge.passages)
        self.report = report
        common = stored.value("common", common_pairs)  # words of the language: no typos
        self.speller = stored.get(
            "speller",
            lambda masks: Speller.restore(masks, self.segmenter, report, common),
            lambda: Speller(known, self.segmenter, report, common),
        )
        heard = (known | set(self.passages.idf)) - self.fillers - self.not_covered
        heard_freq = {w: knowledge.words.get(w, 1) for w in heard}
        self.homophones = stored.get(
            "homophones",
            lambda s: Homophones.restore(
                s, heard_freq, knowledge.pinyin, self.segmenter, report, common
            ),
            lambda: Homophones(heard_freq, knowledge.pinyin, self.segmenter, report, common),
        )
        curated = [a.term for a in by_source.get("aliases", []) + by_source.get("not_covered", [])]
        self.bridge = stored.get(
            "bridge",
            Bridge.restore,
            lambda: Bridge.from_rows(
                knowledge.bridge,
                lambda word: tuple(self.segmenter.cut(self.canon(word))),
                named=self.index.idf,
                keep=[" ".join(self.segmenter.cut(t)) for t in curated if t.isascii()],
            ),
        )
        self.owners = [self._owner(p) for p in knowledge.passages]
        self.value_units = {  # the units printing each kind of value (an age: 65 歲)
            kind: frozenset(n for n, u in enumerate(knowledge.units) if mark.search(u.text))
            for kind, (_, mark) in questions.VALUES.items()
        }
        self.future_units = frozenset(  # where the report says what comes next
            n for n, u in enumerate(knowledge.units) if "未來" in u.section
        )
        at = {p.id: n for n, p in enumerate(knowledge.passages)}
        self.reranker = Reranker(
            Reranker.load_weights(),
            knowledge.units,
            [self.canon(_heading(u)) for u in knowledge.units],
            [passages[at[u.passage_id]] for u in knowledge.units],
            self.future_units,
        )
        shown = {  # what each indicator prints: twins (8.5.3, 10.2.2) print the same
            i: frozenset((f.component, f.period, f.value, f.unit) for f in figs)
            for i, figs in knowledge.figures.items()
        }
        self.goals_of = {  # an indicator's core goal, and its twin's
            i: frozenset(knowledge.indicators[o].goal for o in shown if shown[o] == mine)
            for i, mine in shown.items()
        }
        self.photo_units = frozenset(  # photo captions: quoted only when photos are asked,
            n for n, u in enumerate(knowledge.units) if u.kind == "captions"
        )
        self.photo_days = {  # or a date a caption prints (「2025 年 4 月 17 日諮詢師帶領…」)
            day: frozenset(n for n in self.photo_units if day in days(knowledge.units[n].text))
            for n in self.photo_units
            for day in days(knowledge.units[n].text)
        }
        topics = {  # where a detail of each indicator is looked for: its goals' text
            i: frozenset().union(*(self.topic_units[g] for g in goals))
            for i, goals in self.goals_of.items()
        }
        self.detail_units = {i: units - self.photo_units for i, units in topics.items()}
        self.detail_photos = {i: units & self.photo_units for i, units in topics.items()}
        self.texts = {  # what a card or programme can show, as questions are matched
            ("indicator", i.id): self.canon(f"{i.name} {i.unit} {i.note} {i.section_text}")
            for i in knowledge.indicators.values()
        } | {
            ("programme", str(p.id)): self.canon(
                f"{p.title} {p.stakeholders} {p.content} {p.conclusion} {p.captions}"
            )
            for p in knowledge.programmes.values()
        }
        self.unit_by_id = {u.id: u for u in knowledge.units}
        self.passage_by_id = {p.id: p for p in knowledge.passages}
        self.values = {i: {f.value for f in figs} for i, figs in knowledge.figures.items()}
        self.years = {  # the years each indicator's figures and texts are printed for
            i.id: {"2021", "2024"}
            | ({"2025"} if any(f.period == "latest" for f in knowledge.figures[i.id]) else set())
            | set(re.findall(r"(20[0-4]\d)\s*年", _A_DAY.sub(" ", f"{i.note} {i.section_text}")))
            for i in knowledge.indicators.values()
        }
        self.windows = {  # the year each indicator's count starts, from its calculation note
            i.id: start for i in knowledge.indicators.values() if (start := counted_since(i))
        }

    def _owner(self, passage) -> str:
        """What a passage is the text of: an indicator table, an execution section
        ("indicator"), a programme ("programme"), or plain report text ("")."""
        if "指標概況" in passage.heading or passage.chapter.startswith("附錄一"):
            return "table"
        if any(passage.heading == i.section for i in self.knowledge.indicators.values()):
            return "indicator"
        if any(p.title in passage.heading for p in self.knowledge.programmes.values()):
            return "programme"
        return ""

    # -- setup -----------------------------------------------------------------

    def canon(self, text: str) -> str:
        """Report or curated text in the form questions are matched in (memoised: the same
        report sentences are looked at again and again)."""
        found = self._canon.get(text)
        if found is None:
            found = self._canon[text] = self.rewrite(normalise(text, limit=None))
        return found

    def _targets(self, aliases: list) -> list[Target]:
        k = self.knowledge
        keys: dict[tuple[str, str], list[str]] = {}

        def add(kind: str, ident: str, *texts: str) -> None:
            keys.setdefault((kind, ident), []).extend(self.canon(t) for t in texts if t)

        for ind in k.indicators.values():
            heading = re.sub(r"^[(（].[)）]\s*", "", ind.section.split(" > ")[-1])
            own = [p for p in re.split(r"、", heading) if ind.id in p]
            add("indicator", ind.id, ind.name, ind.note, ind.name_en, *own)
        for prog in k.programmes.values():
            clauses = [f.clause for f in k.programme_figures[prog.id]]
            add("programme", str(prog.id), prog.title, prog.name_en, *clauses)
        for goal in k.goals.values():
            add("goal", str(goal.number), goal.title)
        for key in ("title", "title_en"):  # the report's own name points at the overview
            if key in k.facts:
                add("fact", "title", k.facts[key].value)
        for unit in sorted({i.unit for i in k.indicators.values()}):
            add("unit", unit, unit)
        for alias in aliases:
            kind, _, ident = alias.target.partition(":")
            if not ident:
                add("indicator", alias.target, alias.term)
            elif kind == "programme":
                prog = next((p for p in k.programmes.values() if ident in p.title), None)
                if prog:
                    add("programme", str(prog.id), alias.term)
            else:
                add(kind, ident, alias.term)
        return [Target(kind, ident, tuple(ks)) for (kind, ident), ks in keys.items()]

    # -- answering ---------------------------------------------------------------

    def answer(self, question: str, context: Context | None = None) -> Answer:
        """The answer to a question asked after `context` (the previous answer's subject);
        `context_free` on it when that subject was not read: the same whatever it is."""
        answer, reads_context = self._respond(question, context)
        answer.context_free = not reads_context  # (a new Answer each call: never shared)
        return answer

    def _respond(self, question: str, context: Context | None) -> tuple[Answer, bool]:
        text = normalise(question)
        if not text:
            ask = Msg("請輸入想問的問題，例如指標名稱或編號。")
            return self.cards.not_found(question, ask, SAMPLES), False
        talk = questions.small_talk(text)
        if talk:  # 「你好」, 「謝謝」: a friendly line, not "the report does not say"
            return replace(self.cards.not_found(question, talk, SAMPLES), kind=Kind.CHAT), False
        if questions.opinion(text):
            said = Msg("我只回答報告寫了什麼，不做評論、評分或預測。")
            return self.cards.not_found(question, said, SAMPLES), False
        q = self.analyse(text)
        if q.other_report and "previous_review" in self.knowledge.facts:
            year = self.knowledge.facts["previous_review"].value
            said = Msg(
                "報告只提到上一次 VDR 報告於 {year} 年發布，以及本次新增的做法，沒有列出它的內容。",
                year=year,
            )
            return self.cards.not_found(question, said, SAMPLES), False
        other = self.agency_own.search(q.text)
        if other:  # 「教育部的SDG自願檢視報告」: another agency's own report
            said = Msg("這份是勞動部的報告，沒有{agency}自己的報告或施政內容。", agency=other[1])
            return self.cards.not_found(question, said, SAMPLES), False
        if q.bad_ids and not q.ids:
            missing = Msg("報告中沒有指標 {ids}。", ids=Joined("、", q.bad_ids))
            return self.cards.not_found(question, missing, SAMPLES, listing=True), False
        if q.goal is not None and q.goal not in self.knowledge.goals:  # 「SDG 13」, 「目標 5」
            missing = Msg("這份報告沒有談到核心目標 {n}。", n=q.goal)
            return self.cards.not_found(question, missing, SAMPLES), False
        if q.ids:
            return self.unprinted_year(self._by_id(question, q), q), False
        decision = self.explain_q(q, question, context)
        return self.unprinted_year(self._build(question, decision, q), q), decision.reads_context

    def unprinted_year(self, answer: Answer, q) -> Answer:
        """A year the report prints no figure of for the indicator (2022, 2023, a 2030
        target, a 2025 figure of 8.7.1) is not answered with the card: say what is
        missing and what it prints."""
        if q.split and answer.found:
            split = self.unprinted_split(answer, q)
            if split is not answer:
                return split
        if answer.kind in (Kind.FACT, Kind.PROGRAMME):
            if q.when and not q.years and not _A_DATE.search(_shown(answer)):
                return self._undated(answer)
            if q.day and not _A_DAY.search(_shown(answer)):  # 「幾月幾號」 of 「2025 年訂定」
                return self._undated(answer)
            return self._unprinted_fact_year(answer, q)
        if answer.kind is not Kind.INDICATOR:
            return answer
        if q.components:
            answer = self.unprinted_rate(self._named_instead(answer, q))
            if answer.kind is not Kind.INDICATOR:
                return answer
        if q.headcount and not q.latest:
            answer = self.unprinted_count(answer)
            if answer.kind is not Kind.INDICATOR:
                return answer
        if q.latest:
            answer = self.unprinted_latest(answer, q)
        if answer.kind is not Kind.INDICATOR or not q.years:
            return answer
        ids = [c.indicator.id for c in answer.cards]
        quoted = " ".join(c.excerpt + " ".join(r.text for r in c.related) for c in answer.cards)
        quoted = _A_DAY.sub(" ", quoted)  # 「2022 年 5 月 1 日施行」 dates an event, no figure
        missing = [
            y for y in q.years if all(y not in self.years[i] for i in ids) and y not in quoted
        ]
        first = answer.cards[0].indicator
        later = [y for y in q.years if y > "2024"]  # 「2025 年全年的目標」: only 2024's is set
        asks_target = Field.TARGET in answer.fields and Field.STATUS not in answer.fields
        if not missing and asks_target and later and "2024" not in q.years:
            message = Msg(
                "報告只列出指標 {id} {name} 2024 年的目標，沒有列出 {years} 年的目標。",
                id=first.id,
                name=Name(first.name, first.name_en),
                years=Joined("、", later),
            )
            return self._unprinted(answer, message)
        if not missing:
            return answer
        message = Msg(
            "報告沒有列出指標 {id} {name} {years} 年的數值；報告列出的年份是 {printed}。",
            id=first.id,
            name=Name(first.name, first.name_en),
            years=Joined("、", missing),
            printed=Joined("、", sorted(self.years[first.id])),
        )
        return self._unprinted(answer, message)

    def unprinted_split(self, answer: Answer, q) -> Answer:
        """A figure asked split by sex, place or industry (「男女各多少」, 「臺中有幾件」) that
        the answer's text does not print so: the report gives totals only. Say so, with the
        total (an indicator stays the subject) or the closest text, marked as such."""
        shown = _shown(answer, cards=True)
        if q.split == "each":  # 「青年和失業者各有多少」: the card prints both
            if all(p[-2:] in shown.replace(" ", "") for p in q.parts):
                return answer
            what = Msg("「{parts}」各自的數字", parts=Joined("、", q.parts))
            return self._split_refusal(answer, what)
        printed = questions.SPLITS[q.split][1]
        named = questions.places(q.text) if q.split == "place" else []
        if all(p in shown for p in named) and printed.search(shown):
            return answer  # (a place named, 臺中, is printed itself: not 「各縣市」)
        if q.split == "place" and "各縣市" in q.text and "各縣市" in shown:
            return answer  # 「各縣市要辦幾場」 asked of 「於各縣市辦理 26 場」: the total, as asked
        what = Msg(SPLIT_NAMES[q.split])
        if named:
            what = Msg("「{places}」的資料（報告不分縣市列出）", places=Joined("、", named))
        return self._split_refusal(answer, what)

    def _split_refusal(self, answer: Answer, what: Msg) -> Answer:
        """The split asked is not printed: the indicator's total, or the closest text."""
        card = answer.cards[0] if answer.kind is Kind.INDICATOR and answer.cards else None
        if answer.kind is Kind.CANDIDATES and answer.candidates[0].type == "indicator":
            card = self.cards.card(answer.candidates[0].id)  # the likeliest: its total
            answer = replace(answer, cards=[card], matches=answer.candidates[:1])
        if card is not None:
            first = card.indicator
            message = Msg(
                "報告沒有列出指標 {id} {name} {what}，只列出總數；2024 年實際 {actual}。",
                id=first.id,
                name=Name(first.name, first.name_en),
                what=what,
                actual=_named_figures(card.figures, "actual_2024"),
            )
            return self._unprinted(answer, message)
        closest = answer.lead or next(iter(answer.sentences), "")
        message = (
            Msg("報告沒有列出{what}；最接近的內容：「{closest}」", what=what, closest=closest)
            if closest
            else Msg("報告沒有列出{what}。", what=what)
        )
        return self.cards.not_found(answer.query, message, SAMPLES)

    def _undated(self, answer: Answer) -> Answer:
        """When something happens or happened (「什麼時候生效」), asked of text that prints no
        date: the report does not say; the closest text, marked as such."""
        closest = answer.lead or next(iter(answer.sentences), "")
        message = (
            Msg("報告沒有寫出這件事的日期；最接近的內容：「{closest}」", closest=closest)
            if closest
            else Msg("報告沒有寫出這件事的日期。")
        )
        return self.cards.not_found(answer.query, message, SAMPLES)

    def _unprinted_fact_year(self, answer: Answer, q) -> Answer:
        """A figure asked for years the quoted text (or the programme) never names (「2022 年
        那一年有多少人」 answered by 「2017 年至 2024 年累計…」): the report prints none."""
        years = list(dict.fromkeys([*q.years, *([q.window] if q.window else [])]))
        if not (q.figure and years):
            return answer
        shown = _shown(answer)
        whole = q.full_year and "2025" in years and _to_a_month(shown)  # 2025 全年 asked
        if any(year in shown for year in years) and not whole:
            return answer  # (a window's year too: 「2023 年累計」)
        asked = Joined("、", sorted(set(years)))
        closest = answer.lead or next(iter(answer.sentences), "")
        printed = sorted(set(re.findall(r"20[0-3]\d(?!\d)", closest)))
        if whole and closest:
            message = _no_full_2025(closest)
        elif not printed or not closest:
            message = Msg("報告沒有列出 {years} 年的這項數字。", years=asked)
        else:  # the closest thing it has, marked as such
            message = Msg(
                "報告沒有列出 {years} 年的這項數字；最接近的內容只提到 {printed} 年：「{closest}」",
                years=asked,
                printed=Joined("、", printed),
                closest=closest,
            )
        return self.cards.not_found(answer.query, message, SAMPLES)

    def _unprinted(self, answer: Answer, message: str) -> Answer:
        """Not in the report, said plainly; the indicator asked stays the subject of the
        conversation (「那目標呢？」 next) and is offered as the closest thing."""
        first = answer.cards[0].indicator
        out = self.cards.not_found(answer.query, message, [f"{first.id} {first.name}"])
        out.matches = [Match("indicator", first.id, answer.matches[0].score)]
        return out

    def unprinted_count(self, answer: Answer) -> Answer:
        """How many people, asked of an indicator the report prints only as a rate per
        1,000 workers (職災死亡千人率: no count of deaths for 2021 or 2024): say so, with
        the rate it prints."""
        card = answer.cards[0]
        if not card.figures or any(f.unit != "千人率" for f in card.figures):
            return answer
        first = card.indicator
        actual = next((f for f in card.figures if f.period == "actual_2024"), None)
        message = Msg(
            "報告沒有列出指標 {id} {name} 的人數，只列出千人率；2024 年實際 {actual}。",
            id=first.id,
            name=Name(first.name, first.name_en),
            actual=actual.text if actual else "",
        )
        later = next((r for r in card.related if "2025" in r.text), None)
        if later is not None:  # the closest thing: a 2025 count of its highlight programme
            message = Msg("{said}報告的推動亮點另提到：{text}", said=message, text=later.text)
        return self._unprinted(answer, message)

    def _named_instead(self, answer: Answer, q) -> Answer:
        """The card of the indicator the question names by words the answered card's name
        lacks (「ICT 訓練的青年訓後就業率」 answered by 8.5.2's rate names 4.4.3 by ict), most
        of them, where it prints none of the asked rate: its card instead, so that it is
        said to print none. Else the answer."""
        shown = answer.cards[0].indicator.id
        own = self.index.name_words(self.index.find("indicator", shown))
        words = [w for w in self._words(q, self._tokens(q)) if len(w) > 1 and w not in own]
        best, held = None, NAMED_INSTEAD  # (by idf: 參加 names no indicator, ict does)
        for ident in self.knowledge.indicators:
            name = self.index.name_words(self.index.find("indicator", ident))
            weight = sum(self.passages.idf.get(w, 0.0) for w in words if w in name)
            if ident != shown and weight >= held:
                best, held = ident, weight
        if best is None or any("就業率" in f.component for f in self.knowledge.figures[best]):
            return answer
        card = self.cards.card(best)
        return replace(answer, cards=[card], matches=[self.cards.match("indicator", best, 0.0)])

    def unprinted_rate(self, answer: Answer) -> Answer:
        """An employment rate asked of an indicator the report prints none for (4.4.3 counts
        trainees only, and no text of it prints a rate): say so, with what it prints."""
        card = answer.cards[0]
        quoted = card.excerpt + " ".join(t.text for t in (*card.related, *card.aside))
        if any("就業率" in f.component for f in card.figures) or _A_RATE.search(quoted):
            return answer
        first = card.indicator
        message = Msg(
            "報告沒有列出指標 {id} {name} 的就業率；2024 年實際 {actual}。",
            id=first.id,
            name=Name(first.name, first.name_en),
            actual=_named_figures(card.figures, "actual_2024"),
        )
        return self._unprinted(answer, message)

    def unprinted_latest(self, answer: Answer, q) -> Answer:
        """The latest figure asked of an indicator (or of its part: 8.6.1's 就業率) the
        report prints none for in 2025: say so, with its latest printed figure, the 2024
        actual."""
        card = answer.cards[0]
        first = card.indicator
        partial = [f for f in card.figures if f.period == "latest" and "月" in f.as_of]
        if q.full_year and partial:  # 2025 全年: the report prints it up to a month
            message = Msg(
                "報告沒有列出指標 {id} {name} 2025 年全年的數值；最新的是 {as_of}：{latest}。",
                id=first.id,
                name=Name(first.name, first.name_en),
                as_of=partial[0].as_of,
                latest=_named_figures(partial),
            )
            return self._unprinted(answer, message)
        figures = [f for f in card.figures if f.period in ("latest", "actual_2024")]
        if q.components:
            figures = [f for f in figures if any(c in f.component for c in q.components)]
        if not figures or any(f.period == "latest" for f in figures):
            return answer
        quoted = card.excerpt + " ".join(t.text for t in (*card.related, *card.aside))
        target = self.index.find("indicator", card.indicator.id)
        beyond = target and self.index.unexplained(self._words(q, self._tokens(q)), target)
        if "2025" in quoted and beyond and not q.components:
            if q.full_year and _to_a_month(quoted):  # 2025 全年 asked
                return self._unprinted(answer, _no_full_2025(answer.lead or quoted))
            return answer  # asks more than its measure (死亡人數), and its 2025 text is quoted
        said = {
            "id": first.id,
            "name": Name(first.name, first.name_en),
            "actual": _named_figures(figures),
        }
        part = "".join(dict.fromkeys(f.component for f in figures))
        message = (
            Msg("報告沒有列出指標 {id} {name} 2025 年的{part}數值，只列出 2021、2024 年的；"
                "最新的是 2024 年實際 {actual}。", part=part, **said)
            if part
            else Msg("報告沒有列出指標 {id} {name} 2025 年的數值，只列出 2021、2024 年的；"
                     "最新的是 2024 年實際 {actual}。", **said)
        )  # fmt: skip
        later = next((r for r in card.related if "2025" in r.text), None)
        if later is not None:  # the closest thing: a 2025 figure of its highlight programme
            message = Msg("{said}報告的推動亮點另提到：{text}", said=message, text=later.text)
        return self._unprinted(answer, message)

    def explain(self, question: str, context: Context | None = None) -> Decision:
        """The scored candidates behind an answer, best first (sdgbot ask --explain)."""
        return self.explain_q(self.analyse(normalise(question)), question, context)

    def analyse(self, text: str) -> questions.Question:
        """A normalised question with its typos mended and synonyms rewritten, recognised."""
        return questions.analyse(self.rewrite(self.speller(self.homophones(text))))

    def explain_q(self, q, question: str, context: Context | None) -> Decision:
        tokens = self._tokens(q)
        words = self._words(q, tokens)
        resolved = self.index.resolve(words)
        ranked = self.index.rank(resolved) if words else []
        if q.window:
            ranked = self._by_window(ranked, q.window)
        if q.goal is not None:
            ranked = self._by_goal(ranked, q.goal)
        numbers = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\.?\d*", q.rest)}
        if numbers and ranked:
            ranked = self._by_figures(ranked, numbers)
        off_topic = [w for w in words if w in self.not_covered]
        # heat-stress: "heat stress"; as typed too ("retirement age", age read as 年齡)
        spaced = f"{q.text} | {question.lower()}".replace("-", " ")
        off_topic += [t for t in self.spaced_not_covered if t in spaced]
        off_topic = [w for w in off_topic if not any(w != t and w in t for t in off_topic)]
        off_topic += self._unknown_schemes(q.text)
        if (Field.UNIT in q.fields or q.names_indicators) and not any(
            u in q.text for u in self.unit_terms
        ):  # 「衛福部負責的指標」: not the ministry's (「勞發署還是社家署」 names one of its own)
            off_topic += [a for a in self.agencies if a in q.text][:1]
        off_topic += [a for a in self.agencies if a in q.text and _FIGURES_OF.search(q.text)][:1]
        content = self._content(q, tokens)
        found = candidates.generate(self, question, q, words, content, ranked, context, off_topic)
        decision = decide(found, self.weights, off_topic, content)
        if q.value and decision.zone != "answer":
            decision = replace(decision, zone="none", value=q.value)
        if candidates.follows(q, words):
            decision = replace(decision, reads_context=True)
        return decision

    def _unknown_schemes(self, text: str) -> list[str]:
        """Schemes named with a word the report never uses (「青年就業領航計畫」: 領航): a
        programme of the ministry this report does not cover."""
        out = []
        for m in _SCHEME.finditer(text):
            # a word the dictionary lacks falls into characters (領 + 航): the run of them
            # just before 計畫 is the scheme's own word
            tokens = self.segmenter.cut(m.group(1))
            run = ""
            while tokens and len(tokens[-1]) == 1 and has_cjk(tokens[-1]):
                run = tokens.pop() + run
            if len(run) > 1 and run not in self.report:  # named with the word before it
                name = tokens[-1] if tokens and len(tokens[-1]) > 1 else ""
                out.append(f"{name}{run}{m.group(0)[len(m.group(1)) :]}")
        return out

    def hidden_photos(self, text: str) -> frozenset[int]:
        """The photo captions a question does not ask for: all, but those printing a date
        it names."""
        named = frozenset().union(*(self.photo_days.get(d, ()) for d in days(text)))
        return self.photo_units - named

    def rank_units(self, words, rest: str, q, limit=5, among=None, skip=frozenset()) -> list:
        """The units best holding the question's words and characters, in the reranker's
        order."""
        hits, weight = self.unit_pool(words, rest, q, among, skip)
        return self.reranker.order(hits, weight, q)[:limit]

    def unit_pool(self, words, rest: str, q, among=None, skip=frozenset()) -> tuple:
        """The units BM25 finds first (retrieve.UnitIndex), and the question's words with
        their weight (idf among the passages), as the reranker reads them."""
        hits = self.units.rank(words, rest, limit=POOL, among=among, skip=skip)
        weight = {w: self.passages.idf.get(w, self.passages.max_idf) for w in words if len(w) > 1}
        return hits, weight

    def _tokens(self, q) -> list[str]:
        return [w for w in self.segmenter.cut(q.rest) if w not in self.fillers]

    def _words(self, q, tokens: list[str]) -> list[str]:
        words = [w for w in self.bridge(tokens) if w not in self.fillers and not _NUMERIC(w)]
        if q.window:
            words.append(q.window)  # 2017 年起 / 2021 年以後: which count is meant
        return words

    def _content(self, q, tokens: list[str]) -> list[str]:
        """The question's words for the report's text, which is Chinese: every English word
        through the bridge, and kept as well where the report prints it (Decent Work, ESG)."""
        chinese = self.bridge(tokens, everything=True)
        printed = [t for t in tokens if t.isascii() and t in self.units.by_word.idf]
        content = [w for w in chinese + printed if w not in self.fillers and not _NUMERIC(w)]
        return [w for w in [*content, q.window] if w and (len(w) > 1 or not w.isascii())]

    def _by_id(self, question: str, q) -> Answer:
        known = [i for i in dict.fromkeys(q.ids) if i in self.knowledge.indicators]
        if not known:
            missing = Msg("報告中沒有指標 {ids}。", ids=Joined("、", q.ids))
            return self.cards.not_found(question, missing, SAMPLES, listing=True)
        target = self.index.find("indicator", known[0])
        tokens = self._tokens(q)
        leftover = self.index.unexplained(self._words(q, tokens), target) if target else []
        answer = self.cards.indicators(question, known[:3], q, 100.0, leftover=leftover)
        answer.lead = self._lead(answer, self._content(q, tokens), q=q)
        return answer

    def _build(self, question: str, decision: Decision, q=None) -> Answer:
        if decision.zone == "answer":
            answer = decision.best.build()
            detail = decision.best.type == "detail"
            answer.lead = self._lead(answer, list(decision.words), detail, q)
            return answer
        if decision.zone == "choices":
            latest = q is not None and Field.LATEST in q.fields  # each choice's 2025 figure
            options = [  # scored by the ranking (0–100), as every match is
                self.cards.match(
                    c.type, c.id, round(100 * c.features.get(f"{c.type}:score", 0), 1), latest
                )
                for c in choosable(decision.ranked)
            ]
            return self.cards.candidates(question, options)
        asking = questions.VALUES[decision.value][0] if decision.value else None
        topics = [t for t in decision.off_topic if not (asking and asking.search(t))]
        if topics:  # (the topic named first: 「失業給付」 rather than "how long"; not 「多少錢」)
            said = Joined("、", [_as_typed(t, question) for t in topics])
            return self.cards.not_found(
                question, Msg("這份報告沒有談到「{topics}」。", topics=said), SAMPLES
            )
        if decision.value:
            return self.cards.not_found(
                question,
                Msg("這份報告沒有列出{what}。", what=Msg(VALUE_NAMES[decision.value])),
                SAMPLES,
            )
        return self.cards.not_found(question, Msg("這份報告沒有談到這個問題。"), SAMPLES)

    def _lead(self, answer: Answer, words: list[str], detail: bool = False, q=None) -> str:
        return leads.lead(answer, words, q, detail, self.index, self.canon)

    def _by_window(self, ranked: list[Scored], year: str) -> list[Scored]:
        """A question naming a counting window (2017 年起, 2021 年以後) prefers indicators
        counted from that year: 1.4.3 (since 2017) over 8.3.3 (since 2021)."""
        out = []
        for s in ranked:
            start = self.windows.get(s.target.id) if s.target.type == "indicator" else None
            if start:
                shift = WINDOW_BONUS if start == year else -WINDOW_BONUS
                s = replace(s, score=round(s.score + shift, 1))
            out.append(s)
        return sorted(out, key=lambda s: (-s.score, -s.coverage, s.target.type != "indicator"))

    def _by_goal(self, ranked: list[Scored], goal: int) -> list[Scored]:
        """Of indicators printed under one name in two goals (推介身心障礙者就業: 8.5.3 and
        10.2.2), a question naming the goal (「核心目標8的推介身心障礙者就業」) means its own."""
        k = self.knowledge.indicators
        inds = [k[s.target.id] for s in ranked if s.target.type == "indicator"]
        own = {i.name for i in inds if i.goal == goal}
        twins = {i.id for i in inds if i.goal != goal and i.name in own}  # (the other goal's)
        return [s for s in ranked if s.target.id not in twins or s.target.type != "indicator"]

    def _by_figures(self, ranked: list[Scored], numbers: set[float]) -> list[Scored]:
        """A figure the question quotes (「目標 4182 達標沒有」) points at the indicator
        that prints it."""
        out = []
        for s in ranked:
            if s.target.type == "indicator" and numbers & self.values[s.target.id]:
                s = replace(s, score=round(s.score + WINDOW_BONUS, 1))
            out.append(s)
        return sorted(out, key=lambda s: (-s.score, -s.coverage, s.target.type != "indicator"))

    def follow_up(self, question: str, q, context: Context) -> Answer | None:
        if context.indicator_ids:
            answer = self.cards.indicators(question, list(context.indicator_ids), q, score=100.0)
            answer.brief = bool(q.fields or q.components)  # 「那目標呢？」: that line alone
            return answer
        if context.programme_id is not None:
            return self.cards.programme(question, context.programme_id, 100.0)
        return None

    def best_passage(self, content: list[str], under: str = "") -> list[tuple[int, float, float]]:
        """The passage holding most of the question (of those under a heading, if given);
        among equals, the one whose own heading names it (「未來展望」 → chapter 3 itself,
        not its last subsection)."""
        ranked = [
            r
            for r in self.passages.rank(content)
            if self.owners[r[0]] != "table"
            and self.knowledge.passages[r[0]].heading.startswith(under)
        ]
        if not ranked:
            return []
        ties = [r for r in ranked if r[2] >= ranked[0][2] - 1e-9]

        def named(r: tuple[int, float, float]) -> tuple[int, int, float]:
            heading = self.canon(self.knowledge.passages[r[0]].heading.split(" > ")[-1])
            return (-sum(w in heading for w in content), heading.count(">"), -r[1])

        return [min(ties, key=named)]

    def passage_answer(self, question: str, passage, content: list[str], share: float):
        return self.cards.passage(question, passage, content, share * 100, self.passages.idf)

    def _match(self, scored: Scored) -> Match:
        return self.cards.match(scored.target.type, scored.target.id, scored.score)

    def failure(self, question: str) -> Answer:
        """What to say when answering failed unexpectedly."""
        return self.cards.not_found(
            question, Msg("抱歉，這個問題處理時發生錯誤，請換個說法再試。"), SAMPLES
        )

    # -- direct look-ups for commands -------------------------------------------

    def indicator(self, ident: str) -> Answer:
        """The card of an indicator by its number, or not found."""
        if ident in self.knowledge.indicators:
            return self.cards.indicators(ident, [ident], questions.Question(text=ident), 100.0)
        missing = Msg("報告中沒有指標 {ids}。", ids=ident)
        return self.cards.not_found(ident, missing, SAMPLES, listing=True)

    def card(self, ident: str) -> IndicatorCard | None:
        """The card of an indicator by its number (what a chart draws), None if there is none."""
        return self.cards.card(ident) if ident in self.knowledge.indicators else None

    def listing(
        self, *, unmet: bool = False, goal: int | None = None, unit: str | None = None
    ) -> Answer:
        label = "未達成指標" if unmet else f"核心目標 {goal}" if goal else unit or "全部指標"
        return self.cards.listing(label, unmet=unmet, goal=goal, unit=unit)

    def programmes(self) -> Answer:
        return self.cards.programme_list("推動亮點")

    def programme(self, pid: int) -> Answer:
        return self.cards.programme("推動亮點", pid, 100.0)

    def about(self) -> Answer:
        return self.cards.fact("關於本報告", "title", 100.0)

    def fact(self, key: str) -> Answer | None:
        """A report-level fact by its key (minister, published …), or None."""
        if key == "title":
            return self.about()
        return self.cards.fact(key, key, 100.0) if key in self.knowledge.facts else None
