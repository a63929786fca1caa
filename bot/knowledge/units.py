"""Split the report's prose into units and say who owns each. Pure: blocks in, `Unit` rows out.

A unit is what a card may quote whole: a sentence (split at 。！？, a long one also at ；),
a list item with its sub-items, a sentence ending in 「：」 together with the list it
introduces, a table row as `header：cell` pairs, or a programme's photo captions (one
unit, a line each).

Owners: a unit in an indicator's execution subsection (第二章 「二、執行情形」) belongs to
that indicator. A subsection may cover several (8.7.1 and 8.7.2 share one); there a unit
goes to the ones it names, by number, by a part of the name only that indicator has, or by
one of its figures, and to all of them when it names none. A unit under a highlight
programme (推動亮點) belongs to the programme; any other to its section (its heading path).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.knowledge.figures import indicator_ids, printed_numbers, same_figure, squash
from bot.knowledge.models import Figure, Indicator, Passage, Unit
from bot.knowledge.report import Block
from bot.knowledge.values import OWNER_SEP

LONG_SENTENCE = 100  # characters: a sentence longer than this is split at ；
NAME_PART = 4  # characters of an indicator's name that only it has, to count as naming it

_SENTENCE = re.compile(r".*?(?:[。！？][」』）)]*|$)", re.S)
_LEVELS = (  # item marks, outermost first: (一)  1.  (1)
    re.compile(r"^[(（][一二三四五六七八九十]+[)）]"),
    re.compile(r"^\d+\.(?!\d)"),
    re.compile(r"^[(（]\d+[)）]"),
)
_BULLET = re.compile(r"^[•·]")


@dataclass(frozen=True)
class Piece:
    kind: str  # sentence | item | list | row | captions
    text: str


# -- splitting -------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, as printed; a long one also split after each ；."""
    out = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0).strip()
        if not sentence:
            continue
        if len(sentence) > LONG_SENTENCE and "；" in sentence:
            out += [part for part in re.split(r"(?<=；)", sentence) if part.strip()]
        else:
            out.append(sentence)
    return out


def _level(paragraph: str, bullets: Iterable[str]) -> int:
    """How deep an item is (1 for (一), 2 for 1. or a bullet, 3 for (1)); 0 for prose."""
    for depth, mark in enumerate(_LEVELS, start=1):
        if mark.match(paragraph):
            return depth
    if _BULLET.match(paragraph) or any(paragraph.startswith(b) for b in bullets):
        return 2
    return 0


def pieces(paragraphs: list[str], bullets: Iterable[str] = ()) -> list[Piece]:
    """A block's paragraphs as units: items with their sub-items, a colon's list with it."""
    bullets = list(bullets)
    levels = [_level(p, bullets) for p in paragraphs]
    out: list[Piece] = []
    i = 0
    while i < len(paragraphs):
        text, depth = paragraphs[i], levels[i]
        if depth:  # an item and the deeper items under it
            end = i + 1
            while end < len(paragraphs) and levels[end] > depth:
                end += 1
            kind = "list" if end > i + 1 and text.endswith("：") else "item"
            out.append(Piece(kind, "\n".join(paragraphs[i:end])))
            i = end
            continue
        said = sentences(text)
        end = i + 1
        if text.endswith("：") and end < len(paragraphs) and levels[end]:
            first = levels[end]
            while end < len(paragraphs) and levels[end] >= first:
                end += 1
            out += [Piece("sentence", s) for s in said[:-1]]
            out.append(Piece("list", "\n".join([said[-1], *paragraphs[i + 1 : end]])))
        else:
            out += [Piece("sentence", s) for s in said]
        i = end
    return out


def rows(table: list[list[str]]) -> list[Piece]:
    """Table rows as `header：cell` pairs joined by ｜. A header with empty cells takes the
    row below as its second line (2024 年 over 目標值 → 2024 年目標值); a repeated header
    is skipped; a row whose first cells are empty continues the row above (附錄二's
    stakeholder)."""
    if not table:
        return []
    header, out, previous = table[0], [], []
    skip = 1
    if "" in header and len(table) > 1:
        header = _merge(header, table[1])
        skip = 2
    i = skip
    while i < len(table):
        cells = table[i]
        if [squash(c) for c in cells] == [squash(c) for c in table[0]]:
            i += skip
            continue
        cells = [
            previous[j] if not c and all(not x for x in cells[:j]) and j < len(previous) else c
            for j, c in enumerate(cells)
        ]
        pairs = [
            f"{header[j]}：{c}" if j < len(header) and header[j] else c
            for j, c in enumerate(cells)
            if c
        ]
        out.append(Piece("row", "｜".join(pairs)))
        previous = cells
        i += 1
    return out


def _merge(top: list[str], below: list[str]) -> list[str]:
    merged, span = [], ""
    for j, cell in enumerate(top):
        span = cell or span
        sub = below[j] if j < len(below) else ""
        merged.append(f"{span}{sub}" if sub else cell)
    return merged


# -- owners ----------------------------------------------------------------------


def _distinct_parts(name: str, others: list[str]) -> set[str]:
    """The parts of a name (NAME_PART characters or more) that no other name has."""
    return {
        name[i : i + NAME_PART]
        for i in range(len(name) - NAME_PART + 1)
        if not any(name[i : i + NAME_PART] in o for o in others)
    }


def namer(
    ids: list[str], indicators: dict[str, Indicator], figures: dict[str, list[Figure]]
) -> Callable[[str], list[str]]:
    """A function telling which of the indicators of one subsection a text names."""
    parts = {
        i: _distinct_parts(indicators[i].name, [indicators[o].name for o in ids if o != i])
        for i in ids
    }

    def named(text: str) -> list[str]:
        numbers = printed_numbers(text)
        found = []
        for i in ids:
            by_id = re.search(rf"(?<![\d.]){re.escape(i)}(?![\d.])", text)
            by_name = any(part in text for part in parts[i])
            by_figure = any(
                same_figure(n, f.value, f.unit) for n in numbers for f in figures.get(i, [])
            )
            if by_id or by_name or by_figure:
                found.append(i)
        return found

    return named


def split_turns(sentence: str, named: Callable[[str], list[str]]) -> list[str]:
    """A sentence that speaks of one indicator and then of another, split where it turns
    (「…傷病千人率…2.353，…，而職災死亡千人率…0.022，…」), the conjunction that turns it
    left off; a clause naming none stays with the one before it."""
    runs: list[list[str]] = []
    said: set[str] = set()
    for clause in re.split(r"(?<=，)", sentence):
        names = set(named(clause))
        if runs and said and names and not names & said:
            runs.append([clause])
            said = names
        elif runs:
            runs[-1].append(clause)
            said |= names
        else:
            runs.append([clause])
            said = names
    texts = ["".join(run).rstrip("，") for run in runs]
    return [texts[0]] + [re.sub(r"^(?:而|然而|另|且)", "", t) for t in texts[1:]]


def units(
    passages: list[tuple[Block, Passage]],
    indicators: dict[str, Indicator],
    figures: dict[str, list[Figure]],
    programmes: dict[str, int],
) -> list[Unit]:
    """Every passage's units, in report order. `programmes`: programme title → id."""
    out: list[Unit] = []
    for block, passage in passages:
        ids = [i for i in indicator_ids(block.item) if i in indicators]
        shared = "執行情形" in block.subsection and len(ids) > 1
        named = namer(ids, indicators, figures) if shared else None
        found = pieces(block.paragraphs, block.bullets) + rows(block.table_rows)
        if block.captions and block.programme in programmes:  # a programme's photo captions
            found.append(Piece("captions", "\n".join(block.captions)))
        if named:
            found = [
                Piece(p.kind, part)
                for p in found
                for part in (split_turns(p.text, named) if p.kind == "sentence" else [p.text])
            ]
        for position, piece in enumerate(found):
            owner_type, owner_id = _owner(block, ids, piece.text, named, programmes)
            out.append(
                Unit(
                    id=len(out) + 1,
                    text=piece.text,
                    kind=piece.kind,
                    section=block.heading,
                    page=passage.page,
                    position=position,
                    passage_id=passage.id,
                    owner_type=owner_type,
                    owner_id=owner_id,
                )
            )
    return out


def _owner(
    block: Block,
    ids: list[str],
    text: str,
    named: Callable[[str], list[str]] | None,
    programmes: dict[str, int],
) -> tuple[str, str]:
    if ids and "執行情形" in block.subsection:
        return "indicator", OWNER_SEP.join((named(text) if named else []) or ids)
    if block.programme in programmes:
        return "programme", str(programmes[block.programme])
    return "section", block.heading
