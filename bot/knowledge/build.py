"""knowledge/ → indicators.db. The only writer of the database; deterministic.

`build_rows` reads the report and the curated files into table rows (pure);
`write` puts them in a fresh SQLite file, with the engine's indexes computed from them
when given how (`derive`: the engine is a layer above, so the CLI hands it down:
bot/engine/indexes.py); `check` compares a database with what knowledge/ builds and
returns a readable diff (compare.py; empty when they agree).
"""

import re
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, SQLModel, create_engine

from bot.knowledge import extract, sounds, store, units, vocab
from bot.knowledge.compare import diff, dump
from bot.knowledge.extract import Curated, ReportError
from bot.knowledge.figures import squash
from bot.knowledge.models import Alias, EngineIndex, Figure, Indicator, ReportFact, Word
from bot.knowledge.report import split_blocks
from bot.knowledge.values import Knowledge

REPORT_FILE = "report/mol-sdg-vdr-2025.md"
Derive = Callable[[Knowledge], dict[str, str]]  # the engine's indexes, as JSON by key

# Report-level facts: key → (pattern over the report text, how to print the match).
_FACTS = {
    "minister": (r"勞動部部長\s*(\S+?)\s*謹識", "{0}"),
    "tsdgs_approved": (
        r"於\s*(\d{4})\s*年\s*(\d+)\s*月\s*(\d+)\s*日核定在地化",
        "{0}-{1:0>2}-{2:0>2}",
    ),
    "indicators_approved": (
        r"並於\s*(\d{4})\s*年\s*(\d+)\s*月\s*(\d+)\s*日核定對應指標",
        "{0}-{1:0>2}-{2:0>2}",
    ),
    "national_core_goals": (r"共計\s*(\d+)\s*項核心目標", "{0}"),
    "ministry_core_goals": (r"主責共\s*(\d+)\s*項核心目標", "{0}"),
    "ministry_indicators": (r"項核心目標、\s*(\d+)\s*項對應指標", "{0}"),
    "period_reviewed": (r"檢視\s*(\d{4})\s*年至\s*(\d{4})\s*年", "{0}–{1}"),
    "un_goals": (r"包含\s*(\d+)\s*項核心目標", "{0}"),
    "previous_review": (r"相較於\s*(\d{4})\s*年發布的\s*VDR", "{0}"),
    "business_units": (r"下設\s*(\d+)\s*個業務單位", "{0}"),
    "support_units": (r"(\d+)\s*個輔助單位", "{0}"),
    "agencies": (r"(\d+)\s*個三級機關", "{0}"),
    "compiled_by": (r"再經\s*(\S+?司)\s*編撰", "{0}"),
}


def read_curated(knowledge: Path) -> tuple[Curated, list[Alias]]:
    curated_dir = knowledge / "curated"

    def rows(name: str) -> list[list[str]]:
        lines = (curated_dir / name).read_text(encoding="utf-8").splitlines()
        return [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")]

    direction, name_en = {}, {}
    for ind_id, better, english in rows("indicators.tsv"):
        direction[ind_id], name_en[ind_id] = better, english
    programme_en = {frag: english for frag, english in rows("programmes.tsv")}
    aliases = [
        Alias(term=t.strip().lower(), target=g.strip(), source="aliases")
        for t, g in rows("aliases.tsv")
    ]
    for line in rows("synonyms.txt"):
        words = line[0].split()
        aliases += [  # social_media: a phrase of words
            Alias(term=w.lower().replace("_", " "), target=words[0], source="synonyms")
            for w in words[1:]
        ]
    for name in ("fillers", "not_covered", "terms", "agencies"):
        aliases += [
            Alias(term=r[0].strip().lower(), target="", source=name) for r in rows(f"{name}.txt")
        ]
    return Curated(direction, name_en, programme_en), aliases


def facts(parsed, text: str) -> list[ReportFact]:
    flat = squash(text)
    cover = parsed.cover
    out = [
        ReportFact(key="title", value="".join(cover[:3]), text=" ".join(cover[:3]), section="封面"),
        ReportFact(
            key="title_en", value=" ".join(cover[3:5]), text=" ".join(cover[3:5]), section="封面"
        ),
        ReportFact(key="publisher", value=cover[5], text=cover[5], section="封面"),
    ]
    date = re.search(r"(\d{4})年(\d{1,2})月", cover[-1])
    if not date:
        raise ReportError(f"no publication date on the cover: {cover}")
    out.append(
        ReportFact(
            key="published", value=f"{date[1]}-{int(date[2]):02d}", text=cover[-1], section="封面"
        )
    )
    blocks = [b for b in parsed.blocks if b.text]
    for key, (pattern, shape) in _FACTS.items():
        squashed = pattern.replace(r"\s*", "")
        m = re.search(squashed, flat)
        if not m:
            raise ReportError(f"report fact {key!r} not found (pattern {pattern})")
        where = next(
            (b for b in blocks if re.search(squashed, squash(b.text + "".join(b.captions)))), None
        )
        sentences = re.split(r"(?<=。)", where.text) if where else []
        sentence = next((s for s in sentences if re.search(squashed, squash(s))), m.group(0))
        counted = re.search(r"個(\w{2,8})$", m.group(0))
        if counted:  # 「5 個三級機關」 then 「三級機關（構）為勞工保險局、…」: which ones, too
            sentence += "".join(s for s in sentences if s.strip().startswith(counted[1]))
        out.append(
            ReportFact(
                key=key,
                value=shape.format(*m.groups()),
                text=sentence.strip(),
                section=where.heading if where else "首長的話",
            )
        )
    return out


def build_rows(knowledge: Path) -> list[SQLModel]:
    """Everything indicators.db holds, in a fixed order."""
    text = (knowledge / REPORT_FILE).read_text(encoding="utf-8")
    parsed = split_blocks(text)
    curated, aliases = read_curated(knowledge)
    goal_rows = extract.goals(parsed)
    chapter = extract.table_rows(parsed, "第二章")
    appendix = {row.id: row for _, row in extract.table_rows(parsed, "附錄一")}
    executions = {
        i: b
        for b in parsed.blocks
        if "執行情形" in b.subsection
        for i in re.findall(r"指標\s*(\S+?\.\S+?\.\d+)", b.item)
    }
    indicators: dict[str, Indicator] = {}
    table: dict[str, list[Figure]] = {}
    for seq, (block, row) in enumerate(chapter, start=1):
        if row.id not in appendix:
            raise ReportError(f"indicator {row.id} is missing from appendix 1")
        if row.id not in curated.direction:
            raise ReportError(f"indicator {row.id} has no line in curated/indicators.tsv")
        execution = executions.get(row.id)
        if execution is None:
            raise ReportError(f"indicator {row.id} has no execution section")
        goal = re.search(r"核心目標\s*(\d+)", block.section)
        indicators[row.id] = Indicator(
            id=row.id,
            seq=seq,
            goal=int(goal.group(1)),
            name=row.name,
            note=row.note,
            note_appendix=appendix[row.id].note,
            unit=row.unit,
            status_mark=row.mark,
            met=row.mark == "●",
            direction=curated.direction[row.id],
            name_en=curated.name_en[row.id],
            section=execution.heading,
            section_text=execution.text,
            page=extract.page_of(execution, parsed.toc),
        )
        rate_unit = "千人率" if "千人率" in row.name else ""
        table[row.id] = extract.table_figures(row, rate_unit)
        _same_as_appendix(row, appendix[row.id])
    for ind in indicators.values():
        if ind.direction == "higher" and any(f.comparator == "<=" for f in table[ind.id]):
            raise ReportError(f"indicator {ind.id}: target printed 以下 but curated as higher")
    latest: dict[str, list[Figure]] = defaultdict(list)
    for block in {id(b): b for b in executions.values()}.values():
        for fig in extract.latest_figures(block, indicators, table):
            latest[fig.indicator_id].append(fig)
    figures = {i: table[i] + latest[i] for i in indicators}
    progs, prog_figs = extract.programmes(parsed, curated)
    passages = extract.passages(parsed)
    titles = {p.title: p.id for p in progs}
    unit_rows = units.units(passages, indicators, figures, titles)
    words = vocab.dictionary(text, indicators.values(), progs, aliases)
    aliases += [
        Alias(term=term, target=word, source="variants")
        for term, word in vocab.variants((w for w, _ in words), text)
    ]
    rows: list[SQLModel] = [*facts(parsed, text), *goal_rows, *indicators.values()]
    rows += [f for i in indicators for f in figures[i]]
    rows += extract.remarks(indicators, figures, appendix)
    rows += [*progs, *prog_figs, *(p for _, p in passages), *unit_rows, *aliases]
    rows += [Word(word=w, freq=f) for w, f in words]
    curated_text = [a.term + a.target for a in aliases]
    rows += sounds.pinyin_rows([text, *curated_text])
    rows += sounds.bridge_rows(knowledge)
    return rows


def _same_as_appendix(row, other) -> None:
    for field in ("baseline", "target", "actual", "mark", "unit"):
        if squash(getattr(row, field)) != squash(getattr(other, field)):
            raise ReportError(
                f"indicator {row.id}: {field} differs between chapter 2 and appendix 1"
            )


def write(rows: list[SQLModel], db_path: Path, derive: Derive | None = None) -> None:
    """Write rows to a new SQLite file, replacing db_path atomically; then the engine's
    indexes over them, if `derive` is given."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=db_path.parent) as tmp:
        tmp_db = Path(tmp) / db_path.name
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(tmp_db))
        SQLModel.metadata.create_all(engine)
        with Session(engine, expire_on_commit=False) as session:
            for row in rows:
                session.add(row)
            session.commit()
            if derive is not None:  # from the rows as the bot reads them
                with store.connect(tmp_db) as conn:
                    knowledge = store.load(conn)
                conn.close()
                docs = derive(knowledge)
                session.add_all(EngineIndex(key=k, data=v) for k, v in sorted(docs.items()))
                session.commit()
        engine.dispose()
        with sqlite3.connect(tmp_db) as conn:
            conn.execute("VACUUM")
        conn.close()
        tmp_db.replace(db_path)


def check(knowledge: Path, db_path: Path, derive: Derive | None = None) -> list[str]:
    """Differences between db_path and what knowledge/ builds (empty when they agree)."""
    if not db_path.exists():
        return [f"{db_path} does not exist; run `sdgbot build`"]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.db"
        write(build_rows(knowledge), fresh, derive)
        return diff(dump(db_path), dump(fresh))
