"""Command line: sdgbot build | ask | chat | table | run | unanswered | health. A thin wrapper."""

import argparse
import gc
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from bot import __version__, logs

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
log = logging.getLogger("sdgbot")


def _db_path(args: argparse.Namespace) -> Path:
    from bot.env import BUNDLED_DB

    return Path(args.db or os.environ.get("SDGBOT_DB") or BUNDLED_DB)


def cmd_build(args: argparse.Namespace) -> int:
    from bot.engine.indexes import derive  # the engine's indexes, stored with the rows
    from bot.knowledge import build

    db = _db_path(args)
    knowledge = Path(args.knowledge)
    if args.check:
        lines = build.check(knowledge, db, derive)
        if lines:
            print(f"{db} differs from what {knowledge} builds:", file=sys.stderr)
            print("\n".join(lines), file=sys.stderr)
            print("run `sdgbot build` and commit indicators.db", file=sys.stderr)
            return 1
        print(f"{db} matches {knowledge}")
        return 0
    old = build.dump(db) if db.exists() else {}
    build.write(build.build_rows(knowledge), db, derive)
    changes = build.diff(old, build.dump(db))
    print(f"built {db}")
    print("\n".join(changes) if changes else "no changes")
    return 0


def _engine(args: argparse.Namespace):
    from bot.engine.engine import Engine
    from bot.knowledge.store import load_path

    engine = Engine(load_path(_db_path(args)))
    _started()
    return engine


STARTING = {None, "ask", "chat", "table", "run", "health"}  # the commands that load the engine


def _starting() -> None:
    """Start-up makes some 10^5 objects that live as long as the process, and next to no
    garbage: no collector passes over them while they are made (they cost a run of
    `sdgbot` a fifth of its start-up), and out of its sight once made (`_started`)."""
    gc.disable()


def _started() -> None:
    gc.freeze()
    gc.enable()


LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}  # not escaped
#                by json.dumps, yet line breaks to str.splitlines: written as JSON escapes


def json_line(answer) -> str:
    """One line of the batch contract: a JSON object with no line break inside."""
    from bot.render.plain import to_json

    line = json.dumps(to_json(answer), ensure_ascii=False)
    for char, escape in LINE_BREAKS.items():
        line = line.replace(char, escape)
    return line


def _answer(engine, question: str):
    """The engine's answer; a question it fails on gets the apology, not a traceback."""
    try:
        return engine.answer(question)
    except Exception:  # one bad question must not end the batch
        log.exception("could not answer %r", question[:80])
        return engine.failure(question)


def questions(stream) -> Iterator[str]:
    """The lines of a binary stream as text, whatever the bytes: split at \\n only (a
    trailing \\r dropped), invalid UTF-8 read as U+FFFD."""
    for raw in stream:
        yield raw.removesuffix(b"\n").removesuffix(b"\r").decode("utf-8", "replace")


def _argv_text(words: list[str]) -> str:
    """The question given on the command line, its bytes read as UTF-8 (`$'\\xff'` is
    U+FFFD, not a lone surrogate that cannot be printed)."""
    return " ".join(os.fsencode(w).decode("utf-8", "replace") for w in words)


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.render.plain import plain

    if hasattr(sys.stdout, "reconfigure"):  # UTF-8 whatever the locale says
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")
    engine = _engine(args)
    if args.question and args.explain:
        print(explain(engine, _argv_text(args.question)))
        return 0
    if args.question:
        answer = _answer(engine, _argv_text(args.question))
        print(json_line(answer) if args.json else plain(answer))
        return 0
    for question in questions(sys.stdin.buffer):
        answer = _answer(engine, question)
        if args.plain:
            print(plain(answer) + "\n", flush=True)
        else:
            print(json_line(answer), flush=True)
    return 0


def explain(engine, question: str, top: int = 8) -> str:
    """The scored candidates behind an answer, best first, with every feature and weight."""
    decision = engine.explain(question)
    w = engine.weights
    lines = [
        f"question: {question}",
        f"zone: {decision.zone}  (answer ≥ {w.answer:g}, choices ≥ {w.choices:g})",
    ]
    if decision.off_topic:
        lines.append(f"off topic: {'、'.join(decision.off_topic)}")
    for value, c in decision.ranked[:top]:
        lines.append(f"{value:8.3f}  {c.type} {c.id}")
        for name, x in sorted(c.features.items()):
            weight = w.weights.get(name, 0.0)
            lines.append(f"            {name:28} {x:7.3f} × {weight:7.3f} = {x * weight:7.3f}")
    return "\n".join(lines)


def cmd_chat(args: argparse.Namespace) -> int:
    import tempfile

    from bot.i18n import DEFAULT, translator
    from bot.render.console import BANNER, Console

    console = Console(_engine(args), translator(getattr(args, "lang", None) or DEFAULT))
    files = Path(getattr(args, "files", None) or tempfile.gettempdir()) / "sdgbot"
    print(BANNER + " /help lists the commands.")
    while True:
        try:
            line = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not line.strip():
            continue
        reply = console.reply(line)
        print(reply.text)
        for name, data in reply.files:  # a chart, the table's CSV: what Telegram sends as files
            files.mkdir(parents=True, exist_ok=True)
            (files / name).write_bytes(data)
            print(console.tr("已存檔：{path}", path=str(files / name)))
        print()


def cmd_table(args: argparse.Namespace) -> int:
    from bot.i18n import DEFAULT, translator
    from bot.render import table

    cards = table.cards(_engine(args))
    tr = translator(getattr(args, "lang", None) or DEFAULT)
    sys.stdout.write(table.csv_text(cards) if args.csv else table.text(cards, tr) + "\n")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.telegram.app import run
    from bot.telegram.webhook import Webhook

    url = getattr(args, "webhook_url", None)
    hook = Webhook(url, args.listen, args.port) if url else None
    return run(db=_db_path(args), webhook=hook)


def cmd_health(args: argparse.Namespace) -> int:
    from bot.health import cmd_health as health

    return health(args, _db_path(args))


def port(text: str) -> int:
    """--port: a TCP port, 1-65535."""
    value = int(text) if text.strip().isascii() and text.strip().isdigit() else 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (a number from 1 to 65535)")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sdgbot",
        description="Question answering over the Ministry of Labor 2025 SDG review.",
        epilog='example: sdgbot ask "職災死亡千人率多少"\n'
        "with no subcommand: runs the Telegram bot if TELEGRAM_BOT_TOKEN is set, "
        "else the console chat",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"sdgbot {__version__}")
    p.add_argument("--db", help="database file (default: $SDGBOT_DB or the bundled indicators.db)")
    sub = p.add_subparsers(dest="command")

    b = sub.add_parser(
        "build", help="build indicators.db from knowledge/", epilog="example: sdgbot build --check"
    )
    b.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if the database differs from what knowledge/ builds",
    )
    b.add_argument("--knowledge", default=str(KNOWLEDGE), help="knowledge folder")
    b.set_defaults(func=cmd_build)

    a = sub.add_parser(
        "ask",
        help="answer one question, or one per stdin line",
        epilog='example: sdgbot ask "勞保年金有多少人領"\n'
        "         printf '8.7.1\\n' | sdgbot ask --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a.add_argument("question", nargs="*", help="the question (omit to read stdin)")
    a.add_argument(
        "--json",
        action="store_true",
        help="print JSON (always so when reading questions from stdin)",
    )
    a.add_argument("--plain", action="store_true", help="plain text when reading stdin")
    a.add_argument(
        "--explain",
        action="store_true",
        help="print the scored candidates, their features and weights, and the zone",
    )
    a.set_defaults(func=cmd_ask)

    c = sub.add_parser(
        "chat",
        help="interactive console chat with follow-ups and the Telegram commands",
        epilog="example: sdgbot chat --lang en   "
        "(then e.g. 職災死亡千人率, 誰負責, /unmet, /goal 8, /table)",
    )
    c.add_argument(
        "--files", help="where /chart and /table save their files (default: the temp folder)"
    )
    c.add_argument(
        "--lang",
        choices=["zh-TW", "zh-Hans", "en"],
        default="zh-TW",
        help="the language of the bot's own words (the report's text stays as printed); "
        "/lang changes it during the chat",
    )
    c.set_defaults(func=cmd_chat)

    t = sub.add_parser(
        "table",
        help="the 20 indicators: compact text, or CSV for a spreadsheet",
        epilog="example: sdgbot table --csv > indicators.csv",
    )
    t.add_argument(
        "--csv",
        action="store_true",
        help="CSV: id, name, unit of measure, responsible unit, 2021, 2024 target, "
        "2024 actual, met, latest figure, latest as-of",
    )
    t.add_argument(
        "--lang",
        choices=["zh-TW", "zh-Hans", "en"],
        default="zh-TW",
        help="the language of the compact text's own words (the CSV is the same in every "
        "language: English columns, the report's text as printed)",
    )
    t.set_defaults(func=cmd_table)

    r = sub.add_parser(
        "run",
        help="run the Telegram bot (long polling)",
        epilog="example: sdgbot run   (with TELEGRAM_BOT_TOKEN set)\n"
        "         sdgbot run --webhook-url https://bot.example.org/telegram --port 8443",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("--webhook-url", help="serve a webhook at this public URL instead of polling")
    r.add_argument("--listen", default="0.0.0.0", help="webhook: address to listen on")
    r.add_argument("--port", type=port, default=8443, help="webhook: port to listen on (1-65535)")
    r.set_defaults(func=cmd_run)
    h = sub.add_parser(
        "health",
        help="check settings, store and engine (Docker HEALTHCHECK)",
        epilog="example: sdgbot health",
    )
    h.set_defaults(func=cmd_health)

    from bot.telegram import unanswered

    u = sub.add_parser(
        "unanswered",
        help="the most frequent questions the bot could not answer",
        epilog="example: sdgbot unanswered --limit 10",
    )
    unanswered.add_arguments(u)
    u.set_defaults(func=unanswered.cmd_unanswered)
    return p


def cmd_start(args: argparse.Namespace) -> int:
    """No subcommand: the Telegram bot when a token is set, else the console chat."""
    if os.environ.get("TELEGRAM_BOT_TOKEN", "").strip():
        return cmd_run(args)
    print("TELEGRAM_BOT_TOKEN is not set: opening the console chat.", file=sys.stderr)
    return cmd_chat(args)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        args.func = cmd_start
    if args.command in STARTING:
        _starting()
    try:
        return _run(args)
    finally:
        gc.enable()  # (a command that failed before its engine was made)


def _run(args: argparse.Namespace) -> int:
    from bot.env import SettingsError, load_log_settings  # no pydantic: `ask` starts fast

    try:
        log_settings = load_log_settings()
    except SettingsError as exc:
        if args.func is not cmd_health:  # health says so itself, in its one line, exit 1
            print(f"sdgbot: {exc}", file=sys.stderr)
            return 2
        log_settings = None
    if log_settings:
        logs.setup(log_settings.sdgbot_log_level, log_settings.sdgbot_log_format)
    else:
        logs.setup()
    try:
        return args.func(args)
    except SettingsError as exc:  # e.g. a store that does not load: one line, no traceback
        print(f"sdgbot: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `sdgbot ask … | head`: the reader left; nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
