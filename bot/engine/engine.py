"""Question → Answer. Pure: built once from the in-memory store, no Telegram, no SQL.

Stages: normalise (text.normalise) → recognise (question.analyse: ids, fields,
list filters) → segment and rewrite (text) → rank (match) → classify → answer.
"""

import re
from collections.abc import Callable
from dataclasses import replace

from bot.engine import question as questions
from bot.engine.answer import Answer, Context, IndicatorCard, Match
from bot.engine.bridge import Bridge
from bot.engine.cards import Cards
from bot.engine.match import Index, PassageIndex, Scored, Target
from bot.engine.text import Homophones, Rewriter, Segmenter, Speller, normalise, with_stems
from bot.knowledge.values import Knowledge

CONFIDENT = 62.0  # a single best match at or above this is answered
TIE = 4.0  # indicators this close to the best are shown together
INDICATOR_MARGIN = 15.0  # an indicator this close to a programme is preferred
SURE_PRECISION = 0.85  # the target explains this share of the question's weight
GENERIC_IDF = 1.0  # a word this common among the report's passages names nothing in particular
DISTINCTIVE_IDF = 1.9  # a passage answer must share a word this rare (in ≤ ~8 of 61 passages)
WINDOW_BONUS = 8.0  # score moved up (or down) when the question names the counting window
AMBIGUOUS = 10.0  # three or more answers this close to the best: ask which one
CANDIDATE = 38.0  # at or above this, offered as "did you mean"
PASSAGE_SHARE = 0.7  # a passage holding this share of the question answers a report fact
PASSAGE_LEAD = 0.25  # ... even over a confident target, when it holds this much more

_NUMERIC = re.compile(r"^[\d.,%\-]+$").match  # bare numbers are no subject: 「1」, 「2.5」


SAMPLES = ["職災死亡千人率多少", "勞保年金有多少人領", "未達成的指標有哪些"]


class Engine:
    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        by_source: dict[str, list] = {}
        for alias in knowledge.aliases:
            by_source.setdefault(alias.source, []).append(alias)
        self._canon: dict[str, str] = {}  # report text only, so it stays bounded
        synonyms = by_source.get("synonyms", [])
        # the report's own word maps to itself, so 低收入戶 is not read as 低收 + 入戶
        self.rewrite = Rewriter(
            [(a.target, a.target) for a in synonyms] + [(a.term, a.target) for a in synonyms]
        )
        # English terms also as the segmenter stems them: does → doe, wages → wage
        self.fillers = with_stems(a.term for a in by_source.get("fillers", []))
        self.not_covered = with_stems(a.term for a in by_source.get("not_covered", []))
        self.segmenter = Segmenter(knowledge.words)
        self.passages = PassageIndex(
            [self.canon(f"{p.heading} {p.text}") for p in knowledge.passages], self.segmenter
        )
        self.index = Index(
            self._targets(by_source.get("aliases", [])), self.segmenter, self.passages.idf
        )
        self.cards = Cards(knowledge, self.canon)
        known = set(self.index.idf) | {a.term for a in knowledge.aliases if a.term}
        report = "".join(self.canon(p.text).replace(" ", "") for p in knowledge.passages)
        self.speller = Speller(known, self.segmenter, report)
        heard = (known | set(self.passages.idf)) - self.fillers - self.not_covered
        self.homophones = Homophones(
            {w: knowledge.words.get(w, 1) for w in heard}, knowledge.pinyin, self.segmenter, report
        )
        curated = [a.term for a in by_source.get("aliases", []) + by_source.get("not_covered", [])]
        self.bridge = Bridge.from_rows(
            knowledge.bridge,
            lambda word: tuple(self.segmenter.cut(self.canon(word))),
            named=self.index.idf,
            keep=[" ".join(self.segmenter.cut(t)) for t in curated if t.isascii()],
        )
        self.owners = [self._owner(p) for p in knowledge.passages]
        self.values = {i: {f.value for f in figs} for i, figs in knowledge.figures.items()}
        self.windows = {  # the year each indicator's count starts, from its calculation note
            i.id: m.group(1)
            for i in knowledge.indicators.values()
            if (m := re.search(r"(20\d\d)\s*年(?:起|至\s*20\d\d\s*年)?\s*累計", i.note))
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
        text = normalise(question)
        if not text:
            return self.cards.not_found(question, "請輸入想問的問題，例如指標名稱或編號。", SAMPLES)
        q = questions.analyse(self.rewrite(self.speller(self.homophones(text))))
        tokens = [w for w in self.segmenter.cut(q.rest) if w not in self.fillers]
        words = [w for w in self.bridge(tokens) if w not in self.fillers and not _NUMERIC(w)]
        if q.window:
            words.append(q.window)  # 2017 年起 / 2021 年以後: which count is meant
        if q.ids:
            known = [i for i in dict.fromkeys(q.ids) if i in self.knowledge.indicators]
            if known:
                target = self.index.find("indicator", known[0])
                leftover = self.index.unexplained(words, target) if target else []
                return self.cards.indicators(question, known[:3], q, 100.0, leftover=leftover)
            return self.cards.not_found(
                question, f"報告中沒有指標 {'、'.join(q.ids)}。", SAMPLES, listing=True
            )
        resolved = self.index.resolve(words)
        ranked = self.index.rank(resolved) if words else []
        if q.window:
            ranked = self._by_window(ranked, q.window)
        numbers = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\.?\d*", q.rest)}
        if numbers and ranked:
            ranked = self._by_figures(ranked, numbers)
        off_topic = [w for w in words if w in self.not_covered]
        off_topic += [t for t in self.not_covered if " " in t and t in q.text]
        off_topic = [w for w in off_topic if not any(w != t and w in t for t in off_topic)]
        top = ranked[0] if ranked else None
        if off_topic and (top is None or top.precision < 0.9):
            return self.cards.not_found(
                question, f"這份報告沒有談到「{'、'.join(off_topic)}」。", SAMPLES
            )
        named = any(s.precision >= 0.99 and s.coverage >= 0.99 for s in ranked[:3])
        generic = not named and all(
            self.passages.idf.get(w, 99.0) < GENERIC_IDF for w in words if len(w) > 1
        )
        if q.names_indicators and generic and not q.fields:
            q.wants_list = True  # 「勞動部的指標」: indicators, and nothing more specific
        elif (
            generic
            and any(len(w) > 1 for w in words)
            and not (q.fields or q.wants_list or q.unmet or q.goal)
        ):
            return self.cards.fact(question, "title", 100.0)  # 「勞動部」: what the report is
        listy = q.unmet or q.wants_list or q.names_indicators
        if listy or (q.goal is not None and q.goal in self.knowledge.goals):
            listing = self._listing(question, q, [] if generic else ranked, words, generic)
            if listing:
                return listing
        if (
            context
            and (q.fields or q.components or not words)
            and (top is None or top.score < CANDIDATE)
        ):
            follow = self._follow_up(question, q, context)
            if follow:
                return follow
        chinese = self.bridge(tokens, everything=True)  # the passages are all Chinese
        content = [w for w in chinese if w not in self.fillers and not _NUMERIC(w)]
        content = [w for w in [*content, q.window] if len(w) > 1 or not w.isascii()]
        best = self._best_passage(content)
        index, share = (best[0][0], best[0][2]) if best else (None, 0.0)
        if index is not None and not self.passages.distinctive(index, content, DISTINCTIVE_IDF):
            index, share = None, 0.0  # 「失業給付」: only common words shared, not this topic
        owner = self.owners[index] if index is not None else ""
        passage = self.knowledge.passages[index] if index is not None else None
        own_section = (
            top is not None
            and passage is not None
            and top.target.type == "indicator"
            and passage.heading == self.knowledge.indicators[top.target.id].section
        )
        if top and self._sure(top):
            leads = share >= PASSAGE_SHARE and share >= top.precision + PASSAGE_LEAD
            if passage and leads and not owner:  # the report's text says more than any target
                return self._passage_answer(question, passage, content, share)
            contenders = self._contenders(ranked)
            if len(contenders) >= 3:
                return self.cards.candidates(question, [self._match(s) for s in contenders[:3]])
            return self._confident(question, q, ranked, words)
        if own_section and share >= 0.5 and top.score >= CANDIDATE:
            return self._confident(question, q, ranked, words)  # the card quotes its section
        if passage and share >= PASSAGE_SHARE:
            return self._passage_answer(question, passage, content, share)
        close = [s for s in ranked if s.score >= CANDIDATE and s.target.type != "unit"]
        if close:
            return self.cards.candidates(question, [self._match(s) for s in close[:3]])
        return self.cards.not_found(question, "這份報告沒有談到這個問題。", SAMPLES)

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

    def _by_figures(self, ranked: list[Scored], numbers: set[float]) -> list[Scored]:
        """A figure the question quotes (「目標 4182 達標沒有」) points at the indicator
        that prints it."""
        out = []
        for s in ranked:
            if s.target.type == "indicator" and numbers & self.values[s.target.id]:
                s = replace(s, score=round(s.score + WINDOW_BONUS, 1))
            out.append(s)
        return sorted(out, key=lambda s: (-s.score, -s.coverage, s.target.type != "indicator"))

    @staticmethod
    def _sure(top: Scored) -> bool:
        """Confident: a good score or nearly all of the question explained; a unit or a goal
        must explain most of the question (「職安署」, not 「職業安全衛生法」)."""
        if top.target.type in ("unit", "goal") and top.precision < 0.8:
            return False
        return top.score >= CONFIDENT or top.precision >= SURE_PRECISION

    @staticmethod
    def _contenders(ranked: list[Scored]) -> list[Scored]:
        """Distinct answers about as good as the best one (「職災」, 「青年」), indicators first."""
        top = ranked[0].score
        close = [
            s
            for s in ranked
            if s.score >= top - AMBIGUOUS and s.target.type in ("indicator", "programme")
        ]
        return sorted(close, key=lambda s: (s.target.type != "indicator", -s.score))

    def _confident(self, question: str, q, ranked: list[Scored], words: list[str]) -> Answer:
        top = ranked[0]
        if top.target.type == "programme":
            # a programme and an indicator on the same figure: the indicator card says more
            near = [
                s
                for s in ranked
                if s.target.type == "indicator"
                and s.score >= max(CONFIDENT, top.score - INDICATOR_MARGIN)
            ]
            if near:
                ranked = near
                top = near[0]
        kind = top.target.type
        handlers: dict[str, Callable[[], Answer]] = {
            "indicator": lambda: self.cards.indicators(
                question,
                [
                    s.target.id
                    for s in ranked
                    if s.target.type == "indicator" and s.score >= top.score - TIE
                ][:3],
                q,
                score=top.score,
                scores={s.target.id: s.score for s in ranked if s.target.type == "indicator"},
                leftover=self.index.unexplained(words, top.target),
            ),
            "programme": lambda: self.cards.programme(question, int(top.target.id), top.score),
            "goal": lambda: self.cards.listing(question, goal=int(top.target.id), score=top.score),
            "unit": lambda: self.cards.listing(question, unit=top.target.id, score=top.score),
            "list": lambda: self.cards.programme_list(question),
            "fact": lambda: self.cards.fact(
                question,
                top.target.id,
                top.score,
                also=tuple(
                    s.target.id
                    for s in ranked[1:3]
                    if s.target.type == "fact" and s.score >= top.score - TIE
                ),
            ),
        }
        return handlers[kind]()

    def _listing(
        self, question: str, q, ranked: list[Scored], words: list[str], generic: bool
    ) -> Answer | None:
        """A list of indicators: unmet / met, of a unit or a core goal named whole, all of
        them, or those about one subject (「跟青年有關的指標」)."""

        def named(kind: str) -> str | None:
            return next(
                (s.target.id for s in ranked if s.target.type == kind and s.coverage >= 0.99),
                None,
            )

        unit = named("unit")
        goal = q.goal if q.goal in self.knowledge.goals else None
        if goal is None and q.wants_list and named("goal"):
            goal = int(named("goal"))
        filtered = q.unmet or q.met or unit or goal is not None
        indicators = [s for s in ranked if s.target.type == "indicator"]
        if not filtered and words:
            if not q.names_indicators:
                return None  # 「輔助單位有哪些」 is about its subject, not the indicators
            best = indicators[0].precision if indicators else 0.0
            about = [s for s in indicators if s.precision >= max(0.5, best - 0.01)]
            if len(about) >= 2:  # 「跟青年有關的指標」: every indicator about it
                ids = [s.target.id for s in about]
                return self.cards.listing(question, ids=ids, subject="、".join(words))
            if not generic:
                return None  # 「青年職訓的指標」: that one indicator; 「對應指標核定日期」: a fact
        elif not q.wants_list and not filtered:
            return None
        if not q.wants_list and not unit and goal is None:
            subject = [s for s in ranked if s.score >= CONFIDENT
                       and s.target.type in ("indicator", "programme", "fact")]  # fmt: skip
            if subject:
                return None  # 「職災受傷的比率有沒有達標」 asks about one indicator
        return self.cards.listing(question, unmet=q.unmet, met=q.met, goal=goal, unit=unit)

    def _follow_up(self, question: str, q, context: Context) -> Answer | None:
        if context.indicator_ids:
            return self.cards.indicators(question, list(context.indicator_ids), q, score=100.0)
        if context.programme_id is not None:
            return self.cards.programme(question, context.programme_id, 100.0)
        return None

    def _best_passage(self, content: list[str]) -> list[tuple[int, float, float]]:
        """The passage holding most of the question; among equals, the one whose own heading
        names it (「未來展望」 → chapter 3 itself, not its last subsection)."""
        ranked = [r for r in self.passages.rank(content) if self.owners[r[0]] != "table"]
        if not ranked:
            return []
        ties = [r for r in ranked if r[2] >= ranked[0][2] - 1e-9]

        def named(r: tuple[int, float, float]) -> tuple[int, int, float]:
            heading = self.canon(self.knowledge.passages[r[0]].heading.split(" > ")[-1])
            return (-sum(w in heading for w in content), heading.count(">"), -r[1])

        return [min(ties, key=named)]

    def _passage_answer(self, question: str, passage, content: list[str], share: float):
        return self.cards.passage(question, passage, content, share * 100, self.passages.idf)

    def _match(self, scored: Scored) -> Match:
        return self.cards.match(scored.target.type, scored.target.id, scored.score)

    def failure(self, question: str) -> Answer:
        """What to say when answering failed unexpectedly."""
        return self.cards.not_found(
            question, "抱歉，這個問題處理時發生錯誤，請換個說法再試。", SAMPLES
        )

    # -- direct look-ups for commands -------------------------------------------

    def indicator(self, ident: str) -> Answer:
        """The card of an indicator by its number, or not found."""
        if ident in self.knowledge.indicators:
            return self.cards.indicators(ident, [ident], questions.Question(text=ident), 100.0)
        return self.cards.not_found(ident, f"報告中沒有指標 {ident}。", SAMPLES, listing=True)

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
