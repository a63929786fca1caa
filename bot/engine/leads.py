"""The first line of an answer made of report text: the words that answer the question.
Pure.

A fact or a passage leads with the clause of its sentences that best holds the
question's words; a programme with the clause of its content, its stakeholders or its
conclusion; an indicator card with its own line (the asked figure), unless the question
asks beyond the indicator and a text the card quotes answers that (a detail, its
excerpt, a programme figure it quotes). See bot.engine.snippet for the clause itself.
"""

import re
from collections.abc import Callable

from bot.engine.answer import Answer, Field, Kind
from bot.engine.cards import PARTS
from bot.engine.snippet import LIMIT, best_snippet
from bot.i18n import N_, Msg

STAKEHOLDERS = N_("涉及利害關係人：{who}")  # a programme's stakeholders, as its card says
_NUMBER = re.compile(r"\d")
_MARKER = re.compile(r"(?<![\d.])\d{1,2}\s*[.．]\s(?=\D)|[(（]\d{1,2}[)）]")  # 「1. 」, 「(2)」
_UNPUNCTUATED = re.compile(r"[^。；：，、]+\n[^。；：，、]+")
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月")  # what a question asking when wants


def lead(
    answer: Answer, words: list[str], q, detail: bool, index, canon: Callable[[str], str]
) -> str:
    """The words of the quoted text that answer the question, or "" when the answer's own
    first line does: `detail` when the answer was built for what the question asks beyond
    the indicator; `q` the analysed question (None: no cues), `index` finds the words a
    target does not explain."""
    years = list(q.years) if q is not None else []  # 「2024 年有幾人」: that year's clause
    date = _DATE if q is not None and q.when else None
    if q is not None and q.measure:  # 「查了幾場」: a figure counted so
        date = re.compile(rf"\d\s*{re.escape(q.measure)}")
    if answer.kind is Kind.FACT:
        parts = [s for s in answer.sentences if isinstance(s, Msg) and s.msgid == PARTS]
        if q is not None and q.wants_list and parts and len(parts[0]) <= LIMIT:
            return parts[0]  # 「有哪幾個方向」: the titles of its subsections
        # (of a group of table rows, the row found: it stands first)
        text = " ".join(_rows(str(s))[0] for s in answer.sentences[:2]) or " ".join(
            a.text for a in answer.asides
        )
        # a long sentence's parts, each alone; photo captions (unpunctuated lines) one by one
        cut = r"\n" if _UNPUNCTUATED.fullmatch(text) else r"(?<=；)"
        pieces = [p for p in re.split(cut, text) if p.strip()]
        return best_snippet(pieces, words + years, canon, wanted=date)
    if answer.kind is Kind.PROGRAMME and answer.programme:
        p = answer.programme
        target = index.find("programme", str(p.id))  # its name is the subject, not the cue
        beyond = [w for w in index.unexplained(words, target) if len(w) > 1] if target else []
        who = (
            Msg(STAKEHOLDERS, who="；".join(p.stakeholders.splitlines())) if p.stakeholders else ""
        )
        texts = [p.content, who, p.conclusion]
        found = (
            best_snippet(texts, cue + years, canon, wanted=date) for cue in (beyond, words) if cue
        )
        line = next((line for line in found if line), "")
        return who if who and line == " ".join(who.split()) else line  # said in the user's words
    if answer.kind is not Kind.INDICATOR or not answer.cards:
        return ""
    card = answer.cards[0]
    asked = set(answer.fields) - {Field.BASELINE}
    if Field.BASELINE in answer.fields and "2024" in years:  # 2024 against 2021: how it
        asked -= {Field.ACTUAL}  # grew, if a quote says so
    unprinted = Field.LATEST in asked and not any(f.period == "latest" for f in card.figures)
    when = q is not None and q.when and Field.LATEST not in asked  # a card prints no dates
    counts_in = {f.unit for f in card.figures}
    elsewhere = q is not None and q.measure and not any(q.measure in u for u in counts_in)
    if unprinted or when or elsewhere:  # the report's words on 2025 (on a date asked, on a
        asked = set()  # count in a measure the card does not count in) answer, if quoted
    if Field.NOTE in asked or (not detail and asked):
        return ""  # what the card holds was asked (its note only the card says): its line
    latest = unprinted and q is not None and q.latest  # 2025 in so many words (not 最近)
    cues = [words]
    if not detail:  # the card answers, unless its excerpt holds what the question asks
        target = index.find("indicator", card.indicator.id)
        beyond = index.unexplained(words, target) if target else []
        # beyond the name and the fields (成長 since 2021); a single character only when
        # nothing longer is left (降 → 降幅 3.8%); 2025 asked of a card without it: its
        # subject too (死亡 of 職災死亡千人率 → 死亡人數 168 人)
        cues = [[w for w in beyond if len(w) > 1] or beyond, *([words] if latest else [])]
    # the text beside it, its own words, or a figure it quotes (168 人)
    quoted = [*(a.text for a in card.aside[:1]), card.excerpt, *(r.text for r in card.related)]
    found = (
        best_snippet(_rows(t)[:1], cue, canon, wanted=date) for cue in cues for t in quoted if t
    )
    year = "2025" if latest else "2021" if Field.BASELINE in answer.fields else ""
    needs = _DATE.pattern if when else year
    line = next((line for line in found if line and _answers(line, needs, q)), "")
    dated = _DATE.search(card.excerpt) if when and not line else None
    if dated:  # 「勞保年金從什麼時候開始」: the excerpt printing a date, around the date
        return best_snippet([card.excerpt], [dated.group(0)], canon, wanted=date)
    return line


def _rows(text: str) -> list[str]:
    """A quote's table rows (「類別：企業｜項目：…」, one a line, the row found first) each
    alone; else the quote."""
    return text.split("\n") if "｜" in text else [text]


def _answers(line: str, needs: str, q) -> bool:
    """Whether a quote can stand in a card's first line for what was asked: a number
    asked (多少, 幾場) is answered by a quote with a figure in it, words (怎麼, 哪些) by
    any quote; a year asked (2021, or 2025 when the card prints no 2025 figure) by a
    quote that speaks of it, a date (when asked when) by one that prints one."""
    if q is None:
        return True
    if not _NUMBER.search(_MARKER.sub("", line)) and (q.figure or not q.describe):
        return False
    return bool(re.search(needs, line))
