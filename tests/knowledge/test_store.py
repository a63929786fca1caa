"""The thin read path (plain sqlite3) reads what the ORM reads, by the tables' own columns."""

from sqlmodel import SQLModel

from bot.env import BUNDLED_DB
from bot.knowledge import orm, store


def test_the_read_path_names_every_table_and_column_of_the_models():
    tables = {t.name: tuple(c.name for c in t.columns) for t in SQLModel.metadata.sorted_tables}
    assert {name: set(cols) for name, cols in store.COLUMNS.items()} == {
        name: set(cols) for name, cols in tables.items()
    }


def test_sqlite3_reads_the_same_values_as_the_orm():
    thin, through_orm = store.load_path(BUNDLED_DB), orm.load_path(BUNDLED_DB)
    assert thin == through_orm
    assert type(thin.indicators["8.7.1"].met) is bool  # SQLite's 0 / 1, read as the model says
    assert list(thin.words) == list(through_orm.words)  # in the same order
    assert thin.indexes and set(thin.indexes) >= {"version", "index", "units"}
