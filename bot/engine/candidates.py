"""Every answer a question could get, as candidates with the evidence for each. Pure.

Features are plain numbers named `<type>:<feature>`, so one weight per type and
feature; decide.py scores them and tools/fit_weights.py fits the weights:

- bias, score (the ranking's 0–1 score), precision (share of the question the
  candidate explains), coverage (share of its name the question holds), exact
  (both nearly whole), lead (its score above the best other indicator or programme);
- what the question says: fields (a field or component is asked), list_cue (哪些 /
  未達成 / 幾項), count, off_topic (a subject the report does not cover), generic
  (only common words), ambiguous (three or more targets about as good), short
  (one or two words), figure (asks a number), describe (asks words: how, why, which ways);
- for quotes (units of the report's text, retrieve.py): words and chars (the share of
  the question's words and character bigrams the unit holds), bm25, owner_* (who owns
  it), lead (its evidence above the next unit's);
- for passages: distinctive (a rare shared word), own_section (the section of the
  best indicator), owned (an indicator's or programme's text), named (its heading
  holds a question word); goals (the core goals listed: a question naming core goals
  and asking which or how many); in_goal (it stands in the section of the core goal asked);
  for follow-ups: no_words, top (the best target's score);
  for indicators and programmes: held (the share of the question's words, by weight,
  its text holds: the card's name, note and section; the programme's whole text);
  for programmes: elsewhere (its text answers what the best indicator's card lacks);
- for did-you-mean (choices): contenders (how many are about as good), best, spread (the
  best score above the third), exact (one of them named whole);
- for details (the best indicator's card with the unit of its core goal holding what
  the question asks beyond the indicator's name, beside it): words, chars, asked (that
  share of the question), own (the indicator's own text), owner_*, in_card (the card
  quotes it), lead, topic (the indicator's score).
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.engine import lists
from bot.engine import question as questions
from bot.engine.answer import Field
from bot.engine.decide import Candidate
from bot.engine.retrieve import bigrams
from bot.knowledge.values import owners

if TYPE_CHECKING:
    from bot.engine.engine import Engine
    from bot.engine.match import Scored
    from bot.engine.question import Question

_WHICH = re.compile(r"哪[些幾一四]|什麼|which|what")
TOP_TARGETS = 8  # ranked targets offered as candidates
NEAR = 0.10  # targets within this score of the best count as contenders
TIE = 0.04  # indicators this close to the best are shown together
PHOTO = "照片"  # the word (after synonyms: 相片, photo …) that asks for photo captions


def _common(c: dict[str, float], kind: str, cues: dict[str, float]) -> None:
    """What the question says, as features of this type and of every type (`all:`): a cue
    few questions of one type show (off_topic for a programme) still counts through the
    shared weight. (`generate` keeps only the cues that are on: a cue of 0 adds none.)"""
    c[f"{kind}:bias"] = 1.0
    for name, value in cues.items():
        c[f"{kind}:{name}"] = value
        c[f"all:{name}"] = value


@functools.cache  # (a handful of types and features)
def _named(kind: str, feature: str) -> str:
    """A feature's name: `<type>:<feature>`."""
    return f"{kind}:{feature}"


def follows(q: Question, words: list[str]) -> bool:
    """Whether a question may follow up on the previous answer (「那目標呢？」: it asks a
    field, or names nothing): only then is that answer's subject a candidate's input."""
    return bool(q.fields or q.components or not words)


def generate(
    engine: Engine,
    question: str,
    q: Question,
    words: list[str],
    content: list[str],
    ranked: list[Scored],
    context,
    off_topic: list[str],
) -> list[Candidate]:
    named = any(s.precision >= 0.99 and s.coverage >= 0.99 for s in ranked[:3])
    generic = not named and all(
        engine.passages.idf.get(w, 99.0) < engine.GENERIC_IDF for w in words if len(w) > 1
    )
    if q.names_indicators and generic and not q.fields:
        q.wants_list = True  # 「勞動部的指標」: indicators, and nothing more specific
    best = ranked[0].score / 100 if ranked else 0.0
    choosable = [s for s in ranked if s.target.type in ("indicator", "programme")]
    contenders = [s for s in choosable if s.score / 100 >= best - NEAR - 1e-9]
    cues = {
        "fields": float(bool(q.fields or q.components)),
        "list_cue": float(bool(q.wants_list or q.unmet or q.met or q.count)),
        "count": float(q.count),
        "figure": float(q.figure),
        "describe": float(q.describe),
        "off_topic": float(bool(off_topic)),
        "generic": float(generic),
        "short": float(len([w for w in words if len(w) > 1]) <= 2),
    }
    cues = {name: value for name, value in cues.items() if value}  # (see _common)
    out: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    weight = _weights(engine, content)
    for s in ranked[:TOP_TARGETS]:
        key = (s.target.type, s.target.id)
        if key in seen:
            continue
        seen.add(key)
        kind = s.target.type
        rival = next((r.score for r in choosable if r.target != s.target), 0.0)
        own = [
            ("lead", max(-1.0, min(1.0, (s.score - rival) / 100))),
            ("score", s.score / 100),
            ("precision", s.precision),
            ("coverage", s.coverage),
            ("exact", float(s.precision >= 0.99 and s.coverage >= 0.99)),
            ("ambiguous", float(len(contenders) >= 3 and s in contenders)),
        ]
        if kind == "indicator" and q.goal is not None:  # 「核心目標 10 的推介身障者」
            own.append(("in_goal", float(engine.knowledge.indicators[s.target.id].goal == q.goal)))
        text = engine.texts.get(key)
        if text is not None:  # how much of the question its text holds, words by weight
            own.append(("held", _held(weight, text)))
            # and how much it asks beyond the name (鼓勵哪個領域, 利害關係人): a card shows
            # its name's figures, a quote the sentence that says more
            own.append(("beyond", _beyond(engine, weight, s.target)))
        f: dict[str, float] = {_named(kind, name): v for name, v in own}
        f.update({_named("target", name): v for name, v in own})  # shared too
        _common(f, kind, cues)
        out.append(
            Candidate(kind, s.target.id, f, _target_builder(engine, question, q, s, ranked, words))
        )
    if len(contenders) >= 2:  # which of a few is meant: "did you mean" is a candidate too
        out.append(_choices(engine, question, q, choosable, contenders, cues))
    top_indicator = next((s for s in ranked if s.target.type == "indicator"), None)
    if top_indicator is not None and not q.fields:  # asks nothing its card holds
        leftover = engine.index.unexplained(words, top_indicator.target)
        pid = engine.cards.owned.elsewhere(top_indicator.target.id, leftover)
        for c in out:
            if c.type == "programme" and pid is not None and c.id == str(pid):
                c.features["programme:elsewhere"] = 1.0  # its text answers what the card lacks
    passage, section_share = _passage(engine, question, q, content, ranked, cues)
    out += passage
    if section_share and out and out[0].type == "indicator":
        out[0].features["indicator:own_section"] = section_share  # the card quotes its section
    named = {s.target.id: s.score for s in ranked[:TOP_TARGETS] if s.target.type == "indicator"}
    out += _unit(engine, question, q, content, cues, named)
    if top_indicator is not None and top_indicator is ranked[0]:
        out += _detail(engine, question, q, content, top_indicator, cues)
    listing = lists.listing(engine, question, q, [] if generic else ranked, words, generic)
    if listing is not None:
        f = {
            "listing:unmet": float(q.unmet or q.met),
            "listing:names_indicators": float(q.names_indicators),
            "listing:goal": float(q.goal is not None),
        }
        _common(f, "listing", cues)
        out.append(Candidate("listing", listing.matches[0].id, f, lambda: listing))
    if context is not None and follows(q, words):
        follow = engine.follow_up(question, q, context)
        if follow is not None:
            f = {"follow:no_words": float(not words), "follow:top": best}
            _common(f, "follow", cues)
            out.append(Candidate("follow", "context", f, lambda: follow))
    if q.names_goals and (q.wants_list or q.count or _WHICH.search(q.text)):
        f = {}
        _common(f, "goals", cues)
        out.append(Candidate("goals", "goals", f, lambda: engine.cards.goal_list(question)))
    if generic and any(len(w) > 1 for w in words):
        f = {}
        _common(f, "title", cues)
        out.append(
            Candidate("title", "title", f, lambda: engine.cards.fact(question, "title", 100.0))
        )
    if q.value:
        out = [c for c in out if _prints_value(engine, q, c)]
    if q.measure:
        _measured(engine, q, out)
    return out


def _text(engine: Engine, c: Candidate) -> str:
    """The report text a candidate answers with (a unit, a passage, a programme, a fact, an
    indicator's name, note and section), or "" for lists and the like."""
    k = engine.knowledge
    if c.type in ("quote", "detail"):
        return engine.unit_by_id[int(c.id)].text
    if c.type == "passage":
        return engine.passage_by_id[int(c.id)].text
    if c.type == "programme":
        p = k.programmes[int(c.id)]
        return f"{p.content} {p.conclusion}"
    if c.type == "fact" and c.id in k.facts:
        return k.facts[c.id].text
    if c.type == "indicator":
        ind = k.indicators[c.id]
        units = " ".join(f"{f.text}" for f in k.figures.get(c.id, []))
        return f"{ind.name} {ind.note} {units}"
    return ""


def _prints_value(engine: Engine, q, c: Candidate) -> bool:
    """Whether the candidate's text prints the kind of value asked (an age, an amount, a
    phone number): 「勞保年金幾歲可以領」 is not answered by a card that counts people."""
    return c.type != "indicator" and bool(questions.VALUES[q.value][1].search(_text(engine, c)))


def _measured(engine: Engine, q, found: list[Candidate]) -> None:
    """A question counting in a measure (「檢查了多少場次」): each candidate whose text prints
    a number in it gets `measure` (15 萬 1,174 場次), its own and a shared weight."""
    printed = questions.counted_in(q.measure)
    for c in found:
        if printed.search(_text(engine, c)):
            c.features[f"{c.type}:measure"] = 1.0
            c.features["shared:measure"] = 1.0


def _weights(engine: Engine, content: list[str]) -> dict[str, float]:
    """The question's words for the report's text, each with its idf among the passages."""
    return {w: engine.passages.idf.get(w, engine.passages.max_idf) for w in content if len(w) > 1}


def _beyond(engine: Engine, weight: dict[str, float], target) -> float:
    name = engine.index.name_words(target)
    return sum(v for w, v in weight.items() if w not in name) / (sum(weight.values()) or 1.0)


def _held(weight: dict[str, float], text: str) -> float:
    return sum(v for w, v in weight.items() if w in text) / (sum(weight.values()) or 1.0)


def _choices(engine: Engine, question: str, q, choosable: list, contenders: list, cues: dict):
    """Did you mean: the best few indicators and programmes offered to choose from, with
    the evidence that none of them is clearly meant."""
    best = contenders[0]
    third = choosable[2].score if len(choosable) > 2 else 0.0
    f = {
        "choices:contenders": min(len(contenders), 5) / 5,
        "choices:best": best.score / 100,
        "choices:spread": (best.score - third) / 100,
        "choices:exact": float(any(s.precision >= 0.99 and s.coverage >= 0.99 for s in contenders)),
    }
    _common(f, "choices", cues)
    latest = Field.LATEST in q.fields  # 「2025 年 1 到 8 月有多少」: each choice's 2025 figure
    options = [
        engine.cards.match(s.target.type, s.target.id, s.score, latest) for s in choosable[:3]
    ]
    return Candidate("choices", "choices", f, lambda: engine.cards.candidates(question, options))


def _target_builder(
    engine: Engine,
    question: str,
    q,
    top: Scored,
    ranked: list,
    words: list,
    aside: tuple = (),
    excerpt: str = "",
):
    kind, ident = top.target.type, top.target.id
    cards = engine.cards
    if kind == "indicator":  # (worked out when built: most candidates never are)
        return lambda: _indicators(engine, question, q, top, ranked, words, aside, excerpt)
    if kind == "programme":
        return lambda: cards.programme(question, int(ident), top.score)
    if kind == "goal":
        return lambda: cards.listing(question, goal=int(ident), score=top.score)
    if kind == "unit":
        return lambda: cards.listing(question, unit=ident, score=top.score)
    if kind == "list":
        return lambda: cards.programme_list(question)
    also = tuple(
        s.target.id
        for s in ranked[1:3]
        if s.target.type == "fact" and s.score >= top.score - TIE * 100
    )
    return lambda: cards.fact(question, ident, top.score, also=also)


def _indicators(engine: Engine, question: str, q, top: Scored, ranked: list, words: list,
                aside: tuple, excerpt: str):  # fmt: skip
    """The card of the indicator `top`, with those ranked about as well beside it."""
    ident = top.target.id
    ids = [
        s.target.id
        for s in ranked
        if s.target.type == "indicator" and s.score >= top.score - TIE * 100
    ]
    ids = [ident] + [i for i in ids if i != ident]
    scores = {s.target.id: s.score for s in ranked if s.target.type == "indicator"}
    return engine.cards.indicators(
        question,
        ids[:3],
        q,
        score=top.score,
        scores=scores,
        leftover=engine.index.unexplained(words, top.target),
        aside=aside,
        excerpt=excerpt,
    )


SECOND = 0.8  # a unit holding this share of the best one's evidence is quoted too
WHOLE = 400  # characters: a sentence the build cut at ；, up to this long, is quoted whole


def _neighbours(units: list, hits: list) -> list:
    """The best unit, then the next ones holding nearly as much, in the report's order
    (each is shown under its own section); a piece of a sentence cut at ； as the whole
    sentence."""
    unit = _whole(units, hits[0].index)
    evidence = hits[0].words + hits[0].chars
    chosen = [unit]
    for h in hits[1:3]:
        other = _whole(units, h.index)
        if h.words + h.chars >= SECOND * evidence and other not in chosen:
            chosen.append(other)
    shown: set[str] = set()  # (a group of rows is quoted once, whichever row was found)
    for u in list(chosen):
        rows = set(u.text.split("\n")) if u.kind == "row" else set()
        if rows and rows <= shown:
            chosen.remove(u)
        shown |= rows
    return [unit, *sorted(chosen[1:], key=lambda u: u.id)]  # the best heads the answer


def _whole(units: list, index: int):
    """The unit, or the whole it is a part of: the build cuts a long sentence after each
    ； (「…數位轉型人才；加強營造業…；訂定…」), and a passage that is a list (「(一) 涉及
    利害關係人」: 1. 15 至 29 歲青年, 2. …, 3. …) into its items; a quote of one part
    would drop the others. Parts join only within one passage and one owner."""
    unit = units[index]
    if unit.kind == "row":
        return _row_group(units, index)
    if unit.kind not in ("sentence", "item"):
        return unit

    def part(j: int) -> bool:
        other = units[j]
        return (other.kind, other.passage_id, other.owner_type, other.owner_id) == (
            unit.kind,
            unit.passage_id,
            unit.owner_type,
            unit.owner_id,
        )

    def joins(j: int) -> bool:  # part j continues part j - 1
        return part(j - 1) and part(j) and (unit.kind == "item" or units[j - 1].text.endswith("；"))

    start = end = index
    while start > 0 and joins(start):
        start -= 1
    while end + 1 < len(units) and joins(end + 1):
        end += 1
    if unit.kind == "item" and not _only_items(units, start, end):
        return unit  # items among the passage's prose: each stands alone
    text = ("\n" if unit.kind == "item" else "").join(u.text for u in units[start : end + 1])
    if start == end or len(text) > WHOLE:
        return unit
    return replace(unit, text=text)


def _row_group(units: list, index: int):
    """A table row and the rows beside it under the same first cell (附錄二: 「企業」's
    溝通管道及頻率 and its 參與交流摘要), one per line, the row found first: a row alone
    says half."""
    unit = units[index]
    first = unit.text.split("｜", 1)[0]

    def same(j: int) -> bool:
        other = units[j]
        return (other.kind, other.passage_id, other.text.split("｜", 1)[0]) == (
            "row",
            unit.passage_id,
            first,
        )

    start = end = index
    while start > 0 and same(start - 1):
        start -= 1
    while end + 1 < len(units) and same(end + 1):
        end += 1
    rows = [unit.text] + [u.text for u in units[start : end + 1] if u is not unit]
    text = "\n".join(rows)  # the row found first: the answer's first line (leads._rows)
    if start == end or len(text) > WHOLE:
        return unit
    return replace(unit, text=text)


def _only_items(units: list, start: int, end: int) -> bool:
    """The items from start to end are all their passage holds."""
    pid = units[start].passage_id
    before = start == 0 or units[start - 1].passage_id != pid
    after = end + 1 == len(units) or units[end + 1].passage_id != pid
    return before and after


def _unit(
    engine: Engine, question: str, q, words: list, cues: dict, named: dict[str, float]
) -> list[Candidate]:
    """The unit of the report's text best holding the question, quoted; `named`: the
    indicators the question names, with their ranking's score (cards.units)."""
    among = engine.value_units[q.value] if q.value else None  # 「幾歲」: units printing an age
    if PHOTO in words:  # 「青年職訓的照片在練什麼」: the captions of the photos
        among = engine.photo_units if among is None else among & engine.photo_units
    found = _quote(engine, question, q, words, cues, among, named)
    if q.future and found and not found[0].features["quote:future"]:
        ahead = engine.future_units if among is None else among & engine.future_units
        found += _quote(engine, question, q, words, cues, ahead, named)  # what comes next
    return found


def _quote(
    engine: Engine, question: str, q, words: list, cues: dict, among, named: dict[str, float]
) -> list[Candidate]:
    rest = q.rest
    skip = frozenset() if PHOTO in words else engine.hidden_photos(rest)
    if q.value:  # what asks the value (年齡, 幾歲) is no evidence: every unit among prints one
        asking = questions.VALUES[q.value][0]
        words = [w for w in words if not asking.search(w)]
        rest = asking.sub(" ", rest)
    hits = engine.rank_units(words, rest, q, among=among, skip=skip)
    if not hits or (among is not None and not hits[0].words):
        return []  # (an age printed in a unit holding none of the question's words: no)
    best = hits[0]
    unit = engine.knowledge.units[best.index]
    chosen = _neighbours(engine.knowledge.units, hits)
    evidence = best.words + best.chars
    f = {
        "quote:words": best.words,
        "quote:chars": best.chars,
        "quote:bm25": best.bm25,
        f"quote:owner_{unit.owner_type}": 1.0,
        "quote:lead": evidence - (hits[1].words + hits[1].chars if len(hits) > 1 else 0.0),
        "quote:future": float(q.future and best.index in engine.future_units),
    }
    _common(f, "quote", cues)
    score = 50 * evidence
    build = lambda: engine.cards.units(question, chosen, score, named)  # noqa: E731
    return [Candidate("quote", str(unit.id), f, build)]


def _detail(engine: Engine, question: str, q, content: list, top: Scored, cues: dict):
    """The unit of the best indicator's core goal (its own text, its programmes', the
    goal's sections) holding what the question asks beyond the indicator's name
    (「職災…有加強檢查嗎 查了幾場」 → the sentence with 15 萬 1,174 場次): quoted whole."""
    unexplained = engine.index.unexplained(content, top.target)
    leftover = [w for w in unexplained if len(w) > 1]
    rest = q.rest  # its characters, less the words the indicator's name explains
    for w in content:
        if len(w) > 1 and w not in unexplained:
            rest = rest.replace(w, " ")
    if not leftover and not bigrams(rest):
        return []
    ind = engine.knowledge.indicators[top.target.id]
    among = (engine.detail_photos if PHOTO in content else engine.detail_units)[ind.id]
    if q.value:  # 「青年是幾歲」: the units printing an age
        among = among & engine.value_units[q.value]
    hits = engine.rank_units(leftover, rest, q, limit=3, among=among)
    if not hits:
        return []
    best = hits[0]
    unit = engine.knowledge.units[best.index]
    chosen = _neighbours(engine.knowledge.units, hits)
    weight = _weights(engine, content)
    asked = sum(weight.get(w, 0.0) for w in leftover) / (sum(weight.values()) or 1.0)
    excerpt = engine.cards.owned.excerpt(ind.id, leftover)
    f = {
        "detail:words": best.words,
        "detail:chars": best.chars,
        "detail:asked": asked,  # share of the question beyond the indicator's name
        "detail:own": float(ind.id in owners(unit)),
        f"detail:owner_{unit.owner_type}": 1.0,
        "detail:in_card": float(bool(excerpt) and unit.text.endswith(excerpt)),
        "detail:lead": best.words + best.chars - (hits[1].words + hits[1].chars)
        if len(hits) > 1
        else best.words + best.chars,
        "detail:topic": top.score / 100,
    }
    aside = engine.cards.aside(ind.id, chosen)
    own = engine.cards.own_excerpt(ind.id, chosen)
    if not aside and not own:
        return []  # nothing the card may show: another indicator's figures
    _common(f, "detail", cues)
    card = _target_builder(engine, question, q, top, [top], content, aside, own)
    return [Candidate("detail", str(unit.id), f, card)]


def _passage(engine: Engine, question: str, q, content: list, ranked: list, cues: dict):
    goal = engine.knowledge.goals.get(q.goal) if q.goal is not None else None
    found, section_share = [], 0.0
    if goal is not None:  # 「核心目標 4 面臨的挑戰」: that goal's section of the report
        best = engine.best_passage(content, under=goal.section)
        if best:
            found, _ = _one_passage(engine, question, q, content, ranked, cues, best[0])
            found[0].features["passage:in_goal"] = 1.0
    best = engine.best_passage(content)
    if best and not (found and found[0].id == str(engine.knowledge.passages[best[0][0]].id)):
        more, section_share = _one_passage(engine, question, q, content, ranked, cues, best[0])
        found += more
    return found, section_share


def _one_passage(engine: Engine, question: str, q, content, ranked, cues, best):
    index, _, share = best
    passage = engine.knowledge.passages[index]
    owner = engine.owners[index]
    top = ranked[0] if ranked else None
    own_section = (
        top is not None
        and top.target.type == "indicator"
        and passage.heading == engine.knowledge.indicators[top.target.id].section
    )
    heading = engine.canon(passage.heading.split(" > ")[-1])
    f = {
        "passage:score": share,
        "passage:distinctive": float(
            engine.passages.distinctive(index, content, engine.DISTINCTIVE_IDF)
        ),
        "passage:own_section": float(own_section),
        "passage:owned": float(owner in ("indicator", "programme")),
        "passage:named": float(any(w in heading for w in content)),
        "passage:lead": max(0.0, share - (top.precision if top else 0.0)),
    }
    _common(f, "passage", cues)
    build = lambda: engine.passage_answer(question, passage, content, share)  # noqa: E731
    section_share = share if own_section and f["passage:distinctive"] else 0.0
    return [Candidate("passage", str(passage.id), f, build)], section_share
