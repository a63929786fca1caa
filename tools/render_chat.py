"""Render questions and the bot's answers as Telegram chat bubbles, and screenshot them.

    .venv/bin/python tools/render_chat.py OUT.png "職災死亡千人率多少" "勞保年金有多少人領" ...

Each question is answered by the engine and sent through the same HTML the bot sends
(bot.render.html.messages); the page shows them on a phone-sized screen (412 px wide),
with Telegram's look: an expandable blockquote shows its first lines and a fade. The
screenshot is taken with headless Chromium (Debian's `chromium` package). A dev tool:
CI never runs it.
"""

import html
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import BUNDLED_DB  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.knowledge.store import load_path  # noqa: E402
from bot.render.html import messages  # noqa: E402

FONT = next((ROOT / "bot" / "render" / "fonts").glob("*.[ot]tf"), None)
STYLE = """
@font-face { font-family: "Bundled"; src: url("FONT"); }
body { margin: 0; background: #8fb28a; font: 15px/1.35 "Bundled", "Noto Sans CJK TC",
       "Noto Sans TC", sans-serif; }
.chat { width: 412px; padding: 8px 8px 24px; box-sizing: border-box; }
.msg { max-width: 86%; margin: 6px 0; padding: 6px 9px 8px; border-radius: 12px;
       white-space: pre-wrap; word-wrap: break-word; box-shadow: 0 1px 1px rgba(0,0,0,.15); }
.user { background: #e2ffc7; margin-left: auto; border-bottom-right-radius: 4px; }
.bot { background: #fff; border-bottom-left-radius: 4px; }
blockquote { margin: 4px 0; padding: 2px 8px; border-left: 3px solid #3a8ed8;
             background: #eef5fc; border-radius: 4px; max-height: 4.1em; overflow: hidden;
             position: relative; }
blockquote::after { content: "⌄"; position: absolute; right: 6px; bottom: 0; color: #3a8ed8; }
i { color: #555; }
"""


def page(engine: Engine, questions: list[str]) -> str:
    bubbles = []
    for question in questions:
        bubbles.append(f'<div class="msg user">{html.escape(question)}</div>')
        for text in messages(engine.answer(question)):
            text = text.replace("<blockquote expandable>", "<blockquote>")
            bubbles.append(f'<div class="msg bot">{text}</div>')
    style = STYLE.replace("FONT", FONT.as_uri() if FONT else "")
    return f"<html><head><meta charset='utf-8'><style>{style}</style></head><body>" + (
        f"<div class='chat'>{''.join(bubbles)}</div></body></html>"
    )


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    out, questions = Path(sys.argv[1]).resolve(), sys.argv[2:]
    engine = Engine(load_path(BUNDLED_DB))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "chat.html"
        source.write_text(page(engine, questions), encoding="utf-8")
        height = 300 + 260 * len(questions)
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--screenshot={out}", f"--window-size=412,{height}", source.as_uri()],
            check=True, capture_output=True,
        )  # fmt: skip
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
