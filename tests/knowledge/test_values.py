"""The plain values the store loads have exactly the fields of their tables, and are frozen."""

import dataclasses

import pytest
from sqlmodel import SQLModel

from bot.knowledge import models, values

PAIRS = [
    (getattr(models, name), getattr(values, name))
    for name in dir(values)
    if isinstance(getattr(values, name), type)
    and dataclasses.is_dataclass(getattr(values, name))
    and name != "Knowledge"
]


def test_every_table_but_the_dictionary_has_a_value():
    tables = {t.name for t in SQLModel.metadata.sorted_tables}
    assert {table.__tablename__ for table, _ in PAIRS} == tables - {"word"}


@pytest.mark.parametrize(("table", "plain"), PAIRS, ids=[p.__name__ for _, p in PAIRS])
def test_value_fields_are_the_table_columns(table, plain):
    assert {f.name for f in dataclasses.fields(plain)} == set(table.model_fields)


def test_loaded_values_are_plain_and_frozen(knowledge):
    ind = knowledge.indicators["8.7.1"]
    assert type(ind) is values.Indicator and not isinstance(ind, SQLModel)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ind.name = "x"  # type: ignore[misc]
    figures = knowledge.figures["8.7.1"]
    assert figures and all(type(f) is values.Figure for f in figures)
    assert {type(p) for p in knowledge.passages} == {values.Passage}
