"""The store read through SQLModel: the reference the thin read path (store.py) is tested
against and measured beside (benchmarks/bench.py --store). The bot does not use it: the
same rows through the ORM take ~100 ms and ~250 ms of imports, plain sqlite3 3-5 ms."""

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, create_engine, select

from bot.knowledge import models, values
from bot.knowledge.store import StoreError, connect


def open_db(path: Path, *, read_only: bool = True) -> Engine:
    """A SQLAlchemy engine on the file; read-only unless the build asks otherwise."""
    if not path.exists():
        raise StoreError(f"SDGBOT_DB: database {path} not found; run `sdgbot build`")
    return create_engine("sqlite://", creator=lambda: connect(path, read_only=read_only))


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
        indexes = _rows(session, models.EngineIndex, values.EngineIndex, models.EngineIndex.key)
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
            indexes={r.key: r.data for r in indexes},
        )


def load_path(path: Path) -> values.Knowledge:
    engine = open_db(path)
    try:
        return load(engine=engine)
    finally:
        engine.dispose()
