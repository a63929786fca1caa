"""The read side of indicators.db: open it read-only and load it into plain values once.

The tables are SQLModel (models.py); what leaves this module is `values.Knowledge`,
frozen dataclasses the engine can hold without depending on the ORM.

The file is opened by its path, read-only (SQLite's `mode=ro`), through a URI built with
`pathname2url`, so a `#`, `?` or `%` in the path is part of the name, not of the URI.
Anything that keeps the store from loading (no file, an empty or corrupt one, another
schema) is a `StoreError` whose message says which and names SDGBOT_DB.
"""

import sqlite3
from pathlib import Path
from urllib.request import pathname2url

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel, create_engine, select

from bot.config import SQLITE_HEADER, SettingsError
from bot.knowledge import models, values


class StoreError(SettingsError):
    """The store cannot be loaded; the message is one line, safe to print."""


def connect(path: Path, *, read_only: bool = True) -> sqlite3.Connection:
    """A sqlite3 connection on the file at `path` (its name taken as it is)."""
    if read_only:
        uri = f"file:{pathname2url(str(Path(path).resolve()))}?mode=ro"
        return sqlite3.connect(uri, uri=True)
    return sqlite3.connect(str(path))


def open_db(path: Path, *, read_only: bool = True) -> Engine:
    """A SQLAlchemy engine on the file; read-only unless the build asks otherwise."""
    if not path.exists():
        raise StoreError(f"SDGBOT_DB: database {path} not found; run `sdgbot build`")
    return create_engine("sqlite://", creator=lambda: connect(path, read_only=read_only))


def problem(path: Path) -> str | None:
    """Why the file cannot be the store, or None: checked before it is loaded, so a bad
    file is told in one line instead of an ORM traceback."""
    path = Path(path)
    if not path.exists():
        return f"database {path} not found; run `sdgbot build`"
    if not path.is_file():
        return f"{path} is not a file"
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    if not head:
        return f"{path} is empty (0 bytes); run `sdgbot build`"
    if head != SQLITE_HEADER:
        return f"{path} is not an SQLite database"
    try:
        conn = connect(path)
    except sqlite3.Error as exc:
        return f"cannot open {path}: {exc}"
    try:
        if (ok := conn.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
            return f"{path} is corrupt ({ok[:100]})"
        if not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return f"{path} is an empty database (no tables); run `sdgbot build`"
        for table in SQLModel.metadata.sorted_tables:
            have = {row[1] for row in conn.execute(f'PRAGMA table_info("{table.name}")')}
            if not have:
                return f"{path} has another schema: no table {table.name}; run `sdgbot build`"
            if missing := [c.name for c in table.columns if c.name not in have]:
                return (
                    f"{path} has another schema: table {table.name} has no "
                    f"{', '.join(missing)}; run `sdgbot build`"
                )
    except sqlite3.Error as exc:  # a damaged file can fail any statement
        return f"{path} is corrupt or not a database ({exc})"
    finally:
        conn.close()
    return None


def _rows(session: Session, table: type[SQLModel], plain: type, *order) -> list:
    """Every row of the table, in order, as the plain value of the same name."""
    query = select(table).order_by(*order) if order else select(table)
    return [plain(**row.model_dump()) for row in session.exec(query)]


def load(*, engine: Engine) -> values.Knowledge:
    with Session(engine) as session:
        inds = _rows(session, models.Indicator, values.Indicator, models.Indicator.seq)
        figs: dict[str, list[values.Figure]] = {i.id: [] for i in inds}
        for fig in _rows(session, models.Figure, values.Figure, models.Figure.id):
            figs[fig.indicator_id].append(fig)
        rems: dict[str, list[values.Remark]] = {i.id: [] for i in inds}
        for rem in _rows(session, models.Remark, values.Remark, models.Remark.id):
            rems[rem.indicator_id].append(rem)
        progs = {
            p.id: p for p in _rows(session, models.Programme, values.Programme, models.Programme.id)
        }
        pfigs: dict[int, list[values.ProgrammeFigure]] = {p: [] for p in progs}
        for pf in _rows(
            session, models.ProgrammeFigure, values.ProgrammeFigure, models.ProgrammeFigure.id
        ):
            pfigs[pf.programme_id].append(pf)
        goals = _rows(session, models.Goal, values.Goal, models.Goal.number)
        return values.Knowledge(
            facts={f.key: f for f in _rows(session, models.ReportFact, values.ReportFact)},
            goals={g.number: g for g in goals},
            indicators={i.id: i for i in inds},
            figures=figs,
            remarks=rems,
            programmes=progs,
            programme_figures=pfigs,
            passages=_rows(session, models.Passage, values.Passage, models.Passage.id),
            aliases=_rows(session, models.Alias, values.Alias, models.Alias.id),
            units=_rows(session, models.Unit, values.Unit, models.Unit.id),
            words={w.word: w.freq for w in session.exec(select(models.Word))},
            pinyin=_rows(session, models.Pinyin, values.Pinyin, models.Pinyin.char),
            bridge=_rows(session, models.Bridge, values.Bridge, models.Bridge.english),
        )


def load_path(path: Path) -> values.Knowledge:
    """The store at `path`, loaded; StoreError when it cannot be."""
    if reason := problem(path):
        raise StoreError(f"SDGBOT_DB: {reason}")
    engine = open_db(path)
    try:
        knowledge = load(engine=engine)
    except (SQLAlchemyError, sqlite3.Error, ValueError, KeyError, TypeError) as exc:
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise StoreError(
            f"SDGBOT_DB: {path} could not be read: {type(exc).__name__}: {first}"
        ) from None
    finally:
        engine.dispose()
    if not knowledge.indicators:
        raise StoreError(f"SDGBOT_DB: {path} holds no indicators; run `sdgbot build`")
    return knowledge
