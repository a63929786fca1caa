"""The README's two commands exist, and CI runs the README's test command as written."""

import re

from tests.conftest import ROOT


def commands() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = {}
    for label in ("Run the bot", "Run the tests"):
        block = text.split(label, 1)[1]
        found[label] = re.search(r"\n\n    (.+)\n", block).group(1).strip()
    return found


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands()["Run the tests"] in ci.splitlines()


def test_run_command_starts_the_cli():
    assert commands()["Run the bot"].endswith(".venv/bin/sdgbot")
