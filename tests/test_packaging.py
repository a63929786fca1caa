"""A plain `pip install .` (what the Dockerfile runs) carries every subpackage, the font and
the message catalogs."""

import shutil
import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_the_wheel_holds_every_module_the_chart_font_and_the_catalogs(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "bot", src / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("sdgbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "bot").rglob("*.py")
        if "fonts" not in p.parts  # the font's subset script is a dev tool, not a module
    }
    assert modules <= names, sorted(modules - names)
    assert "bot/render/fonts/SDGBotCJK-Regular.otf" in names
    assert "bot/render/fonts/OFL.txt" in names
    assert "bot/locale/en/LC_MESSAGES/sdgbot.po" in names  # read at run time (bot/i18n.py)
    for layer in ("knowledge", "engine", "render", "telegram"):
        assert f"bot/{layer}/__init__.py" in names
