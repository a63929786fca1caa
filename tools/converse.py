"""The conversation check: the real bot (`sdgbot run`, long polling, a process of its own)
talks to the fake Bot API (tests/fake_bot_api.py, with Telegram's flood limits) run here,
and plays scenarios of tools/converse_format.md, one JSON object a line.

    .venv/bin/python tools/converse.py tests/data/conversations.jsonl
    .venv/bin/python tools/converse.py tests/data/heldout/conversations.jsonl --json
    .venv/bin/python tools/converse.py FILE.jsonl --only c001,c004 --no-privacy

Each step posts its update as Telegram would (a text, a reply to the bot's answer of an
earlier step, an edit, a sticker, voice, photo or location, a button press on a bot
answer, the bot added to a group, an inline query), waits until the bot has handled it,
collects what the bot sent or edited in the chat (and the toast of a press, the results
of an inline query) and checks the step's "expect" (tools/converse_checks.py).

"Handled": the bot handles each chat's updates one at a time and in order, so after a
step the runner presses a button nobody has (data `sync:…`, which the bot answers with
an empty toast and nothing in the chat) and waits for that answer, then for `--quiet`
seconds without a call to the chat. An inline query is handled when answered. A step
that gets nothing within `--timeout` seconds counts as unanswered.

Prints each scenario, PASS or FAIL with the failing steps and why, then the line
`conversation N/M scenarios, S/T steps`; `--json` prints the same as one JSON object.
Exit status 0 when every scenario passes, 1 when one fails, 2 when it cannot run.
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_bot_api import TELEGRAM_LIMITS, TOKEN, FakeBotApi  # noqa: E402
from tools.converse_checks import Said, check, clip, read  # noqa: E402
from tools.converse_play import Conversation  # noqa: E402


def bot_command(given: str | None) -> list[str]:
    """`sdgbot run`: the one given, else this checkout's venv, else PATH, else -m bot."""
    if given:
        return given.split()
    for exe in (ROOT / ".venv" / "bin" / "sdgbot", shutil.which("sdgbot")):
        if exe and Path(exe).exists():
            return [str(exe), "run"]
    return [sys.executable, "-m", "bot", "run"]


async def start_bot(api: FakeBotApi, command: list[str], tmp: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SDGBOT_"))}
    env |= {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.base_url,
        "TELEGRAM_BASE_FILE_URL": api.base_file_url,
        "SDGBOT_UNANSWERED": str(tmp / "unanswered.jsonl"),
        "SDGBOT_HEARTBEAT": str(tmp / "heartbeat.json"),
        "SDGBOT_LOG_LEVEL": "WARNING",
    }
    if os.environ.get("SDGBOT_DB"):
        env["SDGBOT_DB"] = os.environ["SDGBOT_DB"]
    log = open(tmp / "bot.log", "wb")  # noqa: SIM115 (the process writes it till the end)
    return await asyncio.create_subprocess_exec(*command, cwd=tmp, env=env, stdout=log, stderr=log)


async def wait_polling(api: FakeBotApi, proc: asyncio.subprocess.Process, tmp: Path) -> None:
    polling = asyncio.ensure_future(api.wait_for("getUpdates", timeout=90))
    ended = asyncio.ensure_future(proc.wait())
    await asyncio.wait({polling, ended}, return_when=asyncio.FIRST_COMPLETED)
    if not polling.done():
        polling.cancel()
        log = (tmp / "bot.log").read_text(errors="replace")[-1500:]
        raise SystemExit(f"converse: the bot exited ({proc.returncode}) before polling:\n{log}")
    ended.cancel()
    polling.result()


async def play(scenarios: list[dict], args: argparse.Namespace) -> tuple[list[dict], str]:
    """Every scenario's result; the bot's log (errors and warnings)."""
    api = await FakeBotApi(limits=TELEGRAM_LIMITS).start()
    with tempfile.TemporaryDirectory(prefix="converse-") as name:
        tmp = Path(name)
        proc = await start_bot(api, bot_command(args.bot), tmp)
        try:
            await wait_polling(api, proc, tmp)
            gate = asyncio.Semaphore(args.parallel)

            async def one(n: int, scenario: dict) -> dict:
                async with gate:
                    return await run_scenario(api, n, scenario, args, proc)

            results = await asyncio.gather(*(one(n, s) for n, s in enumerate(scenarios)))
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), timeout=30)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
            await api.stop()
        return list(results), (tmp / "bot.log").read_text(errors="replace")


async def run_scenario(api: FakeBotApi, n: int, scenario: dict, args, proc=None) -> dict:
    result = {"id": scenario.get("id"), "note": scenario.get("note", ""), "steps": []}
    if "invalid" in scenario:
        steps = scenario.get("steps")
        size = len(steps) if isinstance(steps, list) and steps else 1
        result |= {"ok": False, "invalid": scenario["invalid"], "size": size}
        return result
    talk = Conversation(api, n, scenario, privacy=args.privacy, timeout=args.timeout,
                        quiet=args.quiet)  # fmt: skip
    for i, step in enumerate(scenario["steps"]):
        if proc is not None and proc.returncode is not None:
            said, problem = Said(delivered=False), f"the bot exited ({proc.returncode})"
        else:
            said, problem = await talk.step(i, step)
        why = (
            [problem] if problem else check(step.get("expect", {}), said, thread=talk.thread(step))
        )
        result["steps"].append({
            "step": i, "ok": not why, "why": why, "said": said.text,
            "buttons": said.buttons, "delivered": said.delivered,
        })  # fmt: skip
    result["ok"] = all(s["ok"] for s in result["steps"])
    return result


def describe(step: dict) -> str:
    kind = step.get("kind", "text")
    bits = [f"{step.get('from', 'A')}:", kind if kind != "text" else ""]
    if step.get("text"):
        bits.append(repr(step["text"]))
    if kind == "callback":
        bits.append(f"press {step.get('press') or step.get('text')!r} on {step.get('on', '')}")
    for key in ("reply_to", "edit_of", "thread"):
        if key in step:
            bits.append(f"{key} {step[key]}")
    return " ".join(b for b in bits if b)


def summary(results: list[dict]) -> dict:
    steps = [s for r in results for s in r["steps"]]
    return {
        "scenarios": len(results),
        "scenarios_passed": sum(r["ok"] for r in results),
        "steps": len(steps) + sum(r.get("size", 1) for r in results if "invalid" in r),
        "steps_passed": sum(s["ok"] for s in steps),
    }


def report(scenarios: list[dict], results: list[dict]) -> str:
    out = []
    for scenario, r in zip(scenarios, results, strict=True):
        out.append(f"{'PASS' if r['ok'] else 'FAIL'} {r['id']}  {r['note']}".rstrip())
        if "invalid" in r:
            out.append(f"     invalid scenario: {r['invalid']}")
        for s in r["steps"]:
            if s["ok"]:
                continue
            out.append(f"     step {s['step']} ({describe(scenario['steps'][s['step']])})")
            out += [f"       {w}" for w in s["why"]]
            if s["said"] and not any(clip(s["said"])[:40] in w for w in s["why"]):
                out.append(f"       said: {clip(s['said'])!r}")
    t = summary(results)
    out.append(f"conversation {t['scenarios_passed']}/{t['scenarios']} scenarios, "
               f"{t['steps_passed']}/{t['steps']} steps")  # fmt: skip
    return "\n".join(out)


def bot_trouble(log: str) -> list[str]:
    return [line for line in log.splitlines() if "ERROR" in line or "Traceback" in line]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="example: .venv/bin/python tools/converse.py "
                                       "tests/data/conversations.jsonl --json")  # fmt: skip
    p.add_argument("file", type=Path, help="scenarios, one JSON object a line")
    p.add_argument("--json", action="store_true", help="print the results as one JSON object")
    p.add_argument("--only", help="play only these scenario ids (comma-separated)")
    p.add_argument(
        "--no-privacy",
        dest="privacy",
        action="store_false",
        help="deliver every group message, not only what privacy mode lets through",
    )
    p.add_argument("--bot", help="the command that runs the bot (default: sdgbot run)")
    p.add_argument("--parallel", type=int, default=4, help="scenarios played at once (4)")
    p.add_argument(
        "--timeout",
        type=float,
        default=75.0,
        help="seconds a step may take (75: a group's 20 messages a minute)",
    )
    p.add_argument("--quiet", type=float, default=0.3,
                   help="seconds of silence in the chat that end a step (0.3)")  # fmt: skip
    args = p.parse_args(argv)
    if not args.file.is_file():
        print(f"converse: {args.file}: no such file", file=sys.stderr)
        return 2
    scenarios = read(args.file)
    if args.only:
        wanted = set(args.only.split(","))
        scenarios = [s for s in scenarios if s.get("id") in wanted]
    if not scenarios:
        print(f"converse: {args.file}: no scenarios to play", file=sys.stderr)
        return 2
    results, log = asyncio.run(play(scenarios, args))
    trouble = bot_trouble(log)
    if args.json:
        print(json.dumps({"summary": summary(results), "scenarios": results,
                          "bot_errors": trouble}, ensure_ascii=False, indent=1))  # fmt: skip
    else:
        print(report(scenarios, results))
    if trouble:
        print(f"converse: the bot logged {len(trouble)} error line(s), e.g. {trouble[0][:200]}",
              file=sys.stderr)  # fmt: skip
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
