"""Render questions and the bot's answers as Telegram chat bubbles, and screenshot them.

    .venv/bin/python tools/render_chat.py OUT.png "職災死亡千人率多少" "勞保年金有多少人領" ...
    .venv/bin/python tools/render_chat.py --lang en OUT.png /start "8.7.1" "那目標呢？" ...
    .venv/bin/python tools/render_chat.py OUT.png 職災 edit:職災死亡千人率 4.4.3 edit1:勞保年金

Each question is answered by the engine (a follow-up on the subject of the answer before
it, as in a private chat) and sent through the same HTML and buttons the bot sends
(bot.render.html, bot.render.texts: /start, /help, /lang, /table and the list commands
read through bot.render.commands as the bot reads them), in the language of `--lang`; the page shows
them on a phone-sized screen (412 px wide), with Telegram's look: an expandable
blockquote shows its first lines and a fade. The screenshot is taken with headless
Chromium (Debian's `chromium` package). A dev tool: CI never runs it.
"""

import argparse
import html
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import BUNDLED_DB  # noqa: E402
from bot.engine.answer import SAMPLES  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.i18n import Translator, translator  # noqa: E402
from bot.knowledge.store import load_path  # noqa: E402
from bot.render import table, texts  # noqa: E402
from bot.render.commands import remembered, run  # noqa: E402
from bot.render.html import keyboard, messages  # noqa: E402

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
.keys { max-width: 86%; display: flex; flex-direction: column; gap: 3px; margin: -3px 0 6px; }
.row { display: flex; gap: 3px; }
.key { flex: 1; background: rgba(80, 110, 80, .55); color: #fff; border-radius: 8px;
       padding: 7px 6px; text-align: center; font-size: 14px; white-space: nowrap;
       overflow: hidden; text-overflow: ellipsis; position: relative; }
.key.url::after { content: "↗"; position: absolute; top: 1px; right: 4px; font-size: 10px; }
.meta { float: right; margin: 6px 0 -4px 10px; font-size: 11px; color: #6a8a6a; }
.bot .meta { color: #999; }
.reply { border-left: 3px solid #3a8ed8; background: #eef5fc; border-radius: 4px;
         padding: 2px 7px; margin-bottom: 4px; font-size: 13px; white-space: nowrap;
         overflow: hidden; text-overflow: ellipsis; }
.reply b { color: #3a8ed8; display: block; }
"""
BOT_NAME = "sdgbot"
EDIT = re.compile(r"edit(\d*):(.*)", re.S)


def _keys(markup) -> str:
    if markup is None:
        return ""
    rows = [
        "<div class='row'>" + "".join(
            f"<div class='key{' url' if b.url else ''}'>{html.escape(b.text)}</div>" for b in row
        ) + "</div>"
        for row in markup.inline_keyboard
    ]  # fmt: skip
    return f"<div class='keys'>{''.join(rows)}</div>"


def _said(engine: Engine, question: str, context, tr: Translator):
    """What the bot sends for one message: (HTML messages, buttons, the subject it leaves
    for a follow-up, None when it leaves the one before)."""
    step = run(engine, question)
    if step is None or step.do in ("answer", "ask"):
        answer = step.answer if step and step.do == "answer" else None
        answer = answer or engine.answer(step.arg if step else question, context)
        markup = keyboard(answer, none_key="k", tr=tr, share=BOT_NAME)
        return messages(answer, tr), markup, remembered(answer)
    if step.do == "start":
        return [texts.start_html(BOT_NAME, tr)], texts.start_keyboard(SAMPLES, tr), None
    if step.do == "help":
        return [texts.help_html(tr)], None, None
    if step.do == "lang":
        return [texts.lang_html(tr)], texts.lang_keyboard(), None
    if step.do == "table":
        return [table.html_message(table.cards(engine), tr)], None, None
    if step.do == "chart":  # the caption only: the picture is bot.render.chart's
        return [texts.chart_caption(engine.card(step.arg), tr)], None, None
    return [texts.usage_html(step.arg, tr)], None, None


def _bubble(who: str, text: str, *, edited: str = "", reply: str = "") -> str:
    meta = f'<span class="meta">{edited}</span>' if edited else ""
    quote = f'<div class="reply"><b>{reply[0]}</b>{html.escape(reply[1])}</div>' if reply else ""
    text = text.replace("<blockquote expandable>", "<blockquote>")
    return f'<div class="msg {who}">{quote}{text}{meta}</div>'


def page(engine: Engine, questions: list[str], tr: Translator) -> str:
    """The chat: each question, or an edit of one, and what the bot does about it."""
    edited, you = ("edited", "You") if tr.english else ("已編輯", "你")
    bubbles: list[str] = []  # HTML, in order (a bot message and its keys together)
    asked = []  # a question's [bubble, its answer's bubble or None, subject asked in]
    context = None
    for question in questions:
        edit = EDIT.fullmatch(question)
        if edit is None:
            sent, markup, subject = _said(engine, question, context, tr)
            bubbles.append(_bubble("user", html.escape(question)))
            asked.append(slot := [len(bubbles) - 1, None, context])
        else:
            slot, question = asked[int(edit.group(1) or len(asked)) - 1], edit.group(2)
            sent, markup, subject = _said(engine, question, slot[2], tr)
            bubbles[slot[0]] = _bubble("user", html.escape(question), edited=edited)
        context = subject if subject is not None else context
        if edit and slot[1] == len(bubbles) - 1 and len(sent) == 1:  # still the last: edited
            bubbles[slot[1]] = _bubble("bot", sent[0], edited=edited) + _keys(markup)
            continue
        for i, text in enumerate(sent):
            reply = (you, question) if edit and not i else ""
            keys = _keys(markup) if i == len(sent) - 1 else ""
            bubbles.append(_bubble("bot", text, reply=reply) + keys)
        slot[1] = len(bubbles) - 1 if len(sent) == 1 else None
    style = STYLE.replace("FONT", FONT.as_uri() if FONT else "")
    return f"<html><head><meta charset='utf-8'><style>{style}</style></head><body>" + (
        f"<div class='chat'>{''.join(bubbles)}</div></body></html>"
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--lang", choices=["zh-TW", "zh-Hans", "en"], default="zh-TW")
    p.add_argument("--height", type=int, help="page height in px (default: by the questions)")
    p.add_argument("out", type=Path)
    p.add_argument("questions", nargs="+")
    args = p.parse_args()
    out, questions = args.out.resolve(), args.questions
    engine = Engine(load_path(BUNDLED_DB))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "chat.html"
        source.write_text(page(engine, questions, translator(args.lang)), encoding="utf-8")
        height = args.height or 300 + 260 * len(questions)
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--screenshot={out}", f"--window-size=412,{height}", source.as_uri()],
            check=True, capture_output=True,
        )  # fmt: skip
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
