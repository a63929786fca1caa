"""Split the report text into headed blocks: chapters, sections, subsections, items.

The report's Markdown uses heading marks loosely (a programme title may be `##`,
`####` or a plain bullet; an item `(一)` may have no mark at all), so headings are
recognised by what they say, not by how many `#` they carry. Pure: text in,
`Block`s out.
"""

import re
from dataclasses import dataclass, field

CHAPTER_NUMERALS = "一二三四五六七八九十"
_SECTION = re.compile(r"^第[一二三四五六七八九十]+節")
_SUBSECTION = re.compile(r"^[一二三四五六七八九十]、")
_ITEM = re.compile(r"^[(（][一二三四五六七八九十][)）]\s*")
_PROGRAMME = re.compile(r"^[·•]\s*")
_TOC_ENTRY = re.compile(r"^(.+?)\s*\.{3,}\s*(\d+)?\s*$")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) +(?=[\u3000-\u9fff\uff00-\uffef])")
_TAG = re.compile(r"<[^>]+>")


def tidy(text: str) -> str:
    """Drop HTML tags, fold white space and the spaces PDF extraction left between CJK."""
    text = _TAG.sub(" ", text).replace("\u3000", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return _CJK_GAP.sub("", text)


@dataclass
class Block:
    """A run of the report under one heading path."""

    chapter: str
    section: str = ""
    subsection: str = ""
    programme: str = ""
    item: str = ""
    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)  # photo captions
    bullets: list[str] = field(default_factory=list)  # paragraphs printed as `-` bullets
    table_rows: list[list[str]] = field(default_factory=list)

    @property
    def path(self) -> list[str]:
        parts = [self.chapter, self.section, self.subsection, self.programme, self.item]
        return [p for p in parts if p]

    @property
    def heading(self) -> str:
        return " > ".join(self.path)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class Parsed:
    cover: list[str]
    blocks: list[Block]
    toc: dict[str, int]  # chapter or "chapter > section" title → page


def _heading_text(line: str) -> tuple[int, str]:
    stripped = line.lstrip()
    marks = len(stripped) - len(stripped.lstrip("#"))
    return marks, tidy(stripped.lstrip("#"))


def _is_item_heading(text: str) -> bool:
    """`(一) 指標 1.3.1 ...` is a heading; `(二) 近年重大職業災害未能...，...` is a paragraph."""
    return bool(_ITEM.match(text)) and "，" not in text and "。" not in text and len(text) < 90


def _toc_key(title: str) -> str:
    return re.sub(r"\s+", "", title)


def split_blocks(markdown: str) -> Parsed:
    lines = markdown.splitlines()
    cover: list[str] = []
    blocks: list[Block] = []
    toc: dict[str, int] = {}
    current: Block | None = None
    in_toc = False
    toc_chapter = ""
    pending_toc = ""
    paragraph: list[str] = []
    bulleted = False  # the paragraph being read is a `-` bullet

    def flush_paragraph() -> None:
        nonlocal bulleted
        if paragraph and current is not None:
            current.paragraphs.append(tidy(" ".join(paragraph)))
            if bulleted:
                current.bullets.append(current.paragraphs[-1])
        paragraph.clear()
        bulleted = False

    def start(**changes: str) -> None:
        nonlocal current
        flush_paragraph()
        base = current or Block(chapter="")
        levels = ["chapter", "section", "subsection", "programme", "item"]
        first = min(levels.index(k) for k in changes)
        values = {k: getattr(base, k) if levels.index(k) < first else "" for k in levels}
        values.update(changes)
        current = Block(**values)
        blocks.append(current)

    for raw in lines:
        marks, text = _heading_text(raw)
        if marks == 1:
            in_toc = text == "目錄"
            start(chapter=text)
            continue
        if current is None:
            if text:
                cover.append(text)
            continue
        if in_toc:
            if not text:
                continue
            entry = _TOC_ENTRY.match(text)
            if marks >= 2:
                toc_chapter = _toc_key(entry.group(1) if entry else text)
                pending_toc = toc_chapter
                if entry and entry.group(2):
                    toc[toc_chapter] = int(entry.group(2))
                    pending_toc = ""
            elif entry and entry.group(2):
                toc[f"{toc_chapter} > {_toc_key(entry.group(1))}"] = int(entry.group(2))
            elif text.isascii() and text.isdigit() and pending_toc:
                toc[pending_toc] = int(text)
                pending_toc = ""
            continue
        bullet = re.sub(r"^-\s*", "", text) if text.startswith("-") else text
        if "\t" in raw:
            flush_paragraph()
            current.table_rows.append([tidy(cell) for cell in raw.split("\t")])
            continue
        if _SECTION.match(text):
            start(section=text)
        elif _SUBSECTION.match(text) and "，" not in text and len(text) < 40:
            start(subsection=text)
        elif "推動亮點" in current.subsection and (
            _PROGRAMME.match(text) or (text.startswith("-") and bullet and not _ITEM.match(bullet))
        ):
            start(programme=_PROGRAMME.sub("", bullet))
        elif _is_item_heading(bullet):
            start(item=bullet)
        elif not bullet:
            flush_paragraph()
        else:
            if re.match(r"^\d+\.\s", bullet) or bullet != text:
                flush_paragraph()  # a numbered or bulleted entry starts its own paragraph
                bulleted = bullet != text
            paragraph.append(bullet)
    flush_paragraph()
    for block in blocks:
        block.paragraphs, block.captions = _mend(block.paragraphs)
    return Parsed(cover=cover, blocks=blocks, toc=toc)


def _short_open(text: str) -> bool:
    return (
        len(text) <= 40
        and "。" not in text
        and not text.endswith("：")
        and not re.match(r"^(\d+\.|[(（])", text)
    )


def _mend(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Rejoin paragraphs a page break cut in two; set photo captions aside.

    A caption is a short unpunctuated line followed by nothing, by a numbered
    paragraph or by another short line; a cut paragraph is followed by its rest.
    """
    kept: list[str] = []
    captions: list[str] = []
    open_end = False
    for i, text in enumerate(paragraphs):
        after = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if (
            not open_end
            and _short_open(text)
            and (after is None or re.match(r"^\d+\.", after) or _short_open(after))
        ):
            captions.append(text)
            continue
        if open_end and kept and not re.match(r"^(\d+\.|[(（])", text):
            kept[-1] += text
        else:
            kept.append(text)
        open_end = not re.search(r"[。：；」）)!！?？]$", kept[-1])
    return kept, captions


def page_of(block: Block, toc: dict[str, int]) -> int | None:
    """The page the table of contents gives for the block's section (or chapter)."""
    chapter = _toc_key(block.chapter)
    if block.section:
        key = f"{chapter} > {_toc_key(block.section)}"
        for entry, page in toc.items():
            if entry.startswith(f"{chapter} > ") and _toc_key(block.section) in entry:
                return page
            if entry == key:
                return page
        ordinal = block.section[:3]
        for entry, page in toc.items():
            if entry.startswith(f"{chapter} > {ordinal}"):
                return page
    for entry, page in toc.items():
        if " > " not in entry and (entry.startswith(chapter) or chapter.startswith(entry)):
            return page
    return None
