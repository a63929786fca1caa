"""The read side of indicators.db: open it read-only and load it into plain values once.

The tables are SQLModel (models.py): the build writes them through it and checks them.
What leaves this module is `values.Knowledge`, frozen dataclasses the engine can hold
without depending on the ORM. They are read with plain sqlite3, the columns named by
the dataclasses (a test checks they are the tables' and that the ORM reads the same
values, bot/knowledge/orm.py): 3-5 ms instead of ~100 ms through the ORM, and no
SQLAlchemy, SQLModel or pydantic to import (~250 ms), so `sdgbot ask` starts fast.

The file is opened by its path, read-only (SQLite's `mode=ro`), through a URI built with
`pathname2url`, so a `#`, `?` or `%` in the path is part of the name, not of the URI.
Anything that keeps the store from loading (no file, an empty or corrupt one, another
schema) is a `StoreError` whose message says which and names SDGBOT_DB.
"""

import dataclasses
import os
import sqlite3
from pathlib import Path

if os.name == "nt":  # what urllib.request.pathname2url is, without importing urllib.request
    from nturl2path import pathname2url  # (http.client, email, ssl: ~40 ms)
else:
    from urllib.parse import quote as pathname2url

from bot.env import SQLITE_HEADER, SettingsError
from bot.knowledge import values


class StoreError(SettingsError):
    """The store cannot be loaded; the message is one line, safe to print."""


def connect(path: Path, *, read_only: bool = True) -> sqlite3.Connection:
    """A sqlite3 connection on the file at `path` (its name taken as it is)."""
    if read_only:
        uri = f"file:{pathname2url(str(Path(path).resolve()))}?mode=ro"
        return sqlite3.connect(uri, uri=True)
    return sqlite3.connect(str(path))


# table → the plain value its rows become (SQLModel's table names: the class name, lower case)
VALUES = {
    "reportfact": values.ReportFact,
    "goal": values.Goal,
    "indicator": values.Indicator,
    "figure": values.Figure,
    "remark": values.Remark,
    "programme": values.Programme,
    "programmefigure": values.ProgrammeFigure,
    "passage": values.Passage,
    "unit": values.Unit,
    "alias": values.Alias,
    "pinyin": values.Pinyin,
    "bridge": values.Bridge,
    "engineindex": values.EngineIndex,
}
COLUMNS = {name: tuple(f.name for f in dataclasses.fields(v)) for name, v in VALUES.items()}
COLUMNS["word"] = ("word", "freq")  # the segmentation dictionary: loaded as a dict
BOOLEAN = {"indicator": ("met",)}  # SQLite keeps them as 0 / 1


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
        for table, columns in COLUMNS.items():
            have = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
            if not have:
                return f"{path} has another schema: no table {table}; run `sdgbot build`"
            if missing := [c for c in columns if c not in have]:
                return (
                    f"{path} has another schema: table {table} has no "
                    f"{', '.join(missing)}; run `sdgbot build`"
                )
    except sqlite3.Error as exc:  # a damaged file can fail any statement
        return f"{path} is corrupt or not a database ({exc})"
    finally:
        conn.close()
    return None


def _rows(conn: sqlite3.Connection, table: str, order: str = "") -> list:
    """Every row of the table, in order, as the plain value of the same name."""
    plain, columns = VALUES[table], COLUMNS[table]
    names = ", ".join(f'"{c}"' for c in columns)
    rows = conn.execute(
        f'SELECT {names} FROM "{table}"' + (f' ORDER BY "{order}"' if order else "")
    )
    flags = [columns.index(c) for c in BOOLEAN.get(table, ())]
    if not flags:
        return [plain(*row) for row in rows]
    out = []
    for row in rows:
        row = list(row)
        for i in flags:
            row[i] = bool(row[i])
        out.append(plain(*row))
    return out


def load(conn: sqlite3.Connection) -> values.Knowledge:
    """The store's rows as plain values (the same the ORM reads: bot/knowledge/orm.py)."""
    inds = _rows(conn, "indicator", "seq")
    figs: dict[str, list[values.Figure]] = {i.id: [] for i in inds}
    for fig in _rows(conn, "figure", "id"):
        figs[fig.indicator_id].append(fig)
    rems: dict[str, list[values.Remark]] = {i.id: [] for i in inds}
    for rem in _rows(conn, "remark", "id"):
        rems[rem.indicator_id].append(rem)
    progs = {p.id: p for p in _rows(conn, "programme", "id")}
    pfigs: dict[int, list[values.ProgrammeFigure]] = {p: [] for p in progs}
    for pf in _rows(conn, "programmefigure", "id"):
        pfigs[pf.programme_id].append(pf)
    goals = _rows(conn, "goal", "number")
    return values.Knowledge(
        facts={f.key: f for f in _rows(conn, "reportfact")},
        goals={g.number: g for g in goals},
        indicators={i.id: i for i in inds},
        figures=figs,
        remarks=rems,
        programmes=progs,
        programme_figures=pfigs,
        passages=_rows(conn, "passage", "id"),
        aliases=_rows(conn, "alias", "id"),
        units=_rows(conn, "unit", "id"),
        words=dict(conn.execute('SELECT "word", "freq" FROM "word"').fetchall()),
        pinyin=_rows(conn, "pinyin", "char"),
        bridge=_rows(conn, "bridge", "english"),
        indexes={r.key: r.data for r in _rows(conn, "engineindex", "key")},
    )


def load_path(path: Path) -> values.Knowledge:
    """The store at `path`, loaded; StoreError when it cannot be."""
    if reason := problem(path):
        raise StoreError(f"SDGBOT_DB: {reason}")
    conn = connect(path)
    try:
        knowledge = load(conn)
    except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise StoreError(
            f"SDGBOT_DB: {path} could not be read: {type(exc).__name__}: {first}"
        ) from None
    finally:
        conn.close()
    if not knowledge.indicators:
        raise StoreError(f"SDGBOT_DB: {path} holds no indicators; run `sdgbot build`")
    return knowledge
