"""The layers contract holds on this tree, and breaks when the engine reaches up or into the ORM."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LINT = str(Path(sys.executable).parent / "lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [LINT, "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "bot", tree / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_tree_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("line", "contract"),
    [
        ("import telegram", "the engine is pure"),
        ("import sqlmodel", "the engine is pure"),
        ("from bot.telegram import handlers", "layers"),
        ("from bot.knowledge import store", "the engine is pure"),
    ],
)
def test_an_engine_import_upward_or_into_the_orm_breaks_a_contract(tmp_path, line, contract):
    tree = copy_tree(tmp_path)
    target = tree / "bot" / "engine" / "question.py"
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", "utf-8")
    result = lint(tree)
    assert result.returncode != 0
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(ln.startswith(contract) for ln in broken), result.stdout


def test_config_importing_a_layer_breaks_a_contract(tmp_path):
    tree = copy_tree(tmp_path)
    target = tree / "bot" / "config.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nimport bot.engine.text  # noqa\n")
    result = lint(tree)
    assert result.returncode != 0
    assert "config, logs and i18n are shared by every layer and import none BROKEN" in result.stdout


def test_i18n_importing_a_layer_breaks_a_contract(tmp_path):
    tree = copy_tree(tmp_path)
    target = tree / "bot" / "i18n.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nimport bot.render.plain  # noqa\n")
    result = lint(tree)
    assert result.returncode != 0
    assert "config, logs and i18n are shared by every layer and import none BROKEN" in result.stdout
