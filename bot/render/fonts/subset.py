"""Dev tool: subset Noto Sans CJK TC to the characters the charts can show.

Run from the repository root:
    .venv/bin/python bot/render/fonts/subset.py [path/to/NotoSansCJK-Regular.ttc]
Not imported by the bot; needs fonttools and the fonts-noto-cjk package.
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[3]
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT = ROOT / "bot" / "render" / "fonts" / "SDGBotCJK-Regular.otf"
FAMILY = "SDGBot CJK"


def characters() -> set[str]:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars |= {chr(c) for c in range(0x3000, 0x3040)}  # CJK punctuation
    chars |= {chr(c) for c in range(0xFF01, 0xFF5F)}  # full-width forms
    chars |= set("‧・·–—‘’“”…※●○◎■□▲△▼▽↑↓←→✓✗%‰°±×÷")
    files = [p for p in (ROOT / "knowledge").rglob("*") if p.is_file()]
    files += [ROOT / "bot" / "render" / "chart.py", ROOT / "bot" / "engine" / "answer.py"]
    for path in files:
        chars |= set(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable() or c == " "}


def main() -> int:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    collection = TTCollection(str(source))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK TC")
    options = subset.Options()
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.hinting = False
    options.layout_features = ["kern", "liga", "locl", "vert", "palt", "halt"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(characters())))
    subsetter.subset(font)
    names = font["name"]
    names.names = [n for n in names.names if n.nameID not in (16, 17)]
    for record in names.names:
        if record.nameID in (1, 4):
            record.string = FAMILY if record.nameID == 1 else f"{FAMILY} Regular"
        elif record.nameID == 3:
            record.string = f"{FAMILY} Regular subset"
        elif record.nameID == 6:
            record.string = "SDGBotCJK-Regular"
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["SDGBotCJK-Regular"]
    font.save(str(OUT))
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(font.getGlyphOrder())} glyphs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
