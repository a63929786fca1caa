"""Open indicators.db (read-only at run time) and read it into memory once."""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, create_engine, select

from bot.models import (
    Alias,
    Figure,
    Goal,
    Indicator,
    Passage,
    Programme,
    ProgrammeFigure,
    Remark,
    ReportFact,
    Word,
)

BUNDLED_DB = Path(__file__).resolve().parent.parent / "indicators.db"


def open_db(path: Path, *, read_only: bool = True) -> Engine:
    """A SQLAlchemy engine on the file; read-only unless the build asks otherwise."""
    if not path.exists():
        raise FileNotFoundError(f"database {path} not found; run `sdgbot build`")
    if read_only:
        return create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")
    return create_engine(f"sqlite:///{path}")


@dataclass
class Knowledge:
    """Everything the engine needs, held in memory."""

    facts: dict[str, ReportFact]
    goals: dict[int, Goal]
    indicators: dict[str, Indicator]  # in report order
    figures: dict[str, list[Figure]]
    remarks: dict[str, list[Remark]]
    programmes: dict[int, Programme]
    programme_figures: dict[int, list[ProgrammeFigure]]
    passages: list[Passage]
    aliases: list[Alias]
    words: dict[str, int] = field(default_factory=dict)


def indicators(*, session: Session) -> list[Indicator]:
    return list(session.exec(select(Indicator).order_by(Indicator.seq)))


def figures(*, session: Session) -> list[Figure]:
    return list(session.exec(select(Figure).order_by(Figure.id)))


def load(*, engine: Engine) -> Knowledge:
    with Session(engine) as session:
        inds = indicators(session=session)
        figs: dict[str, list[Figure]] = {i.id: [] for i in inds}
        for fig in figures(session=session):
            figs[fig.indicator_id].append(fig)
        rems: dict[str, list[Remark]] = {i.id: [] for i in inds}
        for rem in session.exec(select(Remark).order_by(Remark.id)):
            rems[rem.indicator_id].append(rem)
        progs = {p.id: p for p in session.exec(select(Programme).order_by(Programme.id))}
        pfigs: dict[int, list[ProgrammeFigure]] = {p: [] for p in progs}
        for pf in session.exec(select(ProgrammeFigure).order_by(ProgrammeFigure.id)):
            pfigs[pf.programme_id].append(pf)
        return Knowledge(
            facts={f.key: f for f in session.exec(select(ReportFact))},
            goals={g.number: g for g in session.exec(select(Goal).order_by(Goal.number))},
            indicators={i.id: i for i in inds},
            figures=figs,
            remarks=rems,
            programmes=progs,
            programme_figures=pfigs,
            passages=list(session.exec(select(Passage).order_by(Passage.id))),
            aliases=list(session.exec(select(Alias).order_by(Alias.id))),
            words={w.word: w.freq for w in session.exec(select(Word))},
        )


def load_path(path: Path) -> Knowledge:
    engine = open_db(path)
    try:
        return load(engine=engine)
    finally:
        engine.dispose()
