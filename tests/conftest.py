"""Shared fixtures: the bundled store loaded once, and a fresh engine over it."""

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.store import BUNDLED_DB, Knowledge, load_path

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
REPORT = KNOWLEDGE / "report" / "mol-sdg-vdr-2025.md"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_path(BUNDLED_DB)


@pytest.fixture(scope="session")
def engine(knowledge: Knowledge) -> Engine:
    return Engine(knowledge)


@pytest.fixture(scope="session")
def report_text() -> str:
    return REPORT.read_text(encoding="utf-8")
