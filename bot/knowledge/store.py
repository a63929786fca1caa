"""The read side of indicators.db: open it read-only and load it into plain values once.

The tables are SQLModel (models.py); what leaves this module is `values.Knowledge`,
frozen dataclasses the engine can hold without depending on the ORM.
"""

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, create_engine, select

from bot.knowledge import models, values


def open_db(path: Path, *, read_only: bool = True) -> Engine:
    """A SQLAlchemy engine on the file; read-only unless the build asks otherwise."""
    if not path.exists():
        raise FileNotFoundError(f"database {path} not found; run `sdgbot build`")
    if read_only:
        return create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")
    return create_engine(f"sqlite:///{path}")


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
    engine = open_db(path)
    try:
        return load(engine=engine)
    finally:
        engine.dispose()
