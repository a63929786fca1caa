"""Benchmarks: every figure as a ratio to an anchor measured in the same run; --fuzz, --load.

    python benchmarks/bench.py            # the figures of issue 14, each beside its anchor
    python benchmarks/bench.py --fuzz 20  # property tests with 20× the CI examples, random seed
    python benchmarks/bench.py --load     # 1,000 updates through the fake Bot API vs an echo bot

The machine is shared and noisy, so each figure is a median of repeated runs, and each is
given as a ratio to an anchor measured in the same run, alternating with it:

- `sdgbot ask Q`, cold (a fresh process): `import jieba; jieba.initialize()`, fresh too;
- `sdgbot run`, spawn → its first getUpdates: a bare python-telegram-bot echo bot
  (benchmarks/echo.py) against the same fake Bot API;
- one answer, warm, p50 and p99 (engine + plain render, every question set): the p50 of
  a plain Okapi BM25 over jieba tokens of the report's paragraphs (`Bm25` below);
- CPU per update (1,000 updates, the full bot unpaced): the echo bot, the same updates;
- max RSS after those 1,000 updates: absolute (MB), the echo bot's beside it.

Nothing here asserts a time.
"""

import argparse
import asyncio
import compileall
import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/bench.py` from anywhere
    sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data"
REPORT = ROOT / "knowledge" / "report" / "mol-sdg-vdr-2025.md"
PY = sys.executable
SDGBOT = Path(PY).with_name("sdgbot")  # the console script, as users start it
QUESTION = "職災死亡千人率多少"


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _wall(cmd: list[str], env: dict | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)  # fmt: skip
    return time.perf_counter() - t


# -- cold start ---------------------------------------------------------------------------


def cold_ask(repeats: int) -> dict:
    """`sdgbot ask Q` in a fresh process beside jieba's own init, alternating."""
    ask = [str(SDGBOT), "ask", QUESTION] if SDGBOT.exists() else [PY, "-m", "bot", "ask", QUESTION]
    jieba = [PY, "-c", "import jieba; jieba.initialize()"]
    _wall(jieba)  # jieba writes its cache on the first init ever: not what is measured
    ours, anchor = [], []
    for _ in range(repeats):
        anchor.append(_wall(jieba))
        ours.append(_wall(ask))
    return {
        "ask_s": round(_median(ours), 3),
        "jieba_init_s": round(_median(anchor), 3),
        "ratio": round(_median(ours) / _median(anchor), 2),
        "target": "≤ 0.35",
    }


def run_start(repeats: int) -> dict:
    """`sdgbot run` spawned until its first getUpdates, beside the bare echo bot."""
    from tests.fake_bot_api import TOKEN

    ours, anchor = [], []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, SDGBOT_UNANSWERED=f"{tmp}/u.jsonl")
        run = [str(SDGBOT), "run"] if SDGBOT.exists() else [PY, "-m", "bot", "run"]
        echo = [PY, str(ROOT / "benchmarks" / "echo.py")]

        for _ in range(repeats):
            anchor.append(asyncio.run(_spawn_echo(echo, env, TOKEN)))
            ours.append(asyncio.run(_spawn_run(run, env)))
    return {
        "run_s": round(_median(ours), 3),
        "echo_bot_s": round(_median(anchor), 3),
        "ratio": round(_median(ours) / _median(anchor), 2),
        "target": "≤ 1.5",
    }


async def _spawn_run(cmd: list[str], env: dict) -> float:
    from tests.fake_bot_api import FakeBotApi

    api = await FakeBotApi().start()
    try:
        return await _timed(cmd, dict(env, TELEGRAM_BASE_URL=api.base_url), api)
    finally:
        await api.stop()


async def _spawn_echo(cmd: list[str], env: dict, token: str) -> float:
    from tests.fake_bot_api import FakeBotApi

    api = await FakeBotApi().start()
    try:
        return await _timed([*cmd, api.base_url, token], env, api)
    finally:
        await api.stop()


async def _timed(cmd: list[str], env: dict, api) -> float:
    start = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *cmd, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        calls = await api.wait_for("getUpdates", timeout=60)
        return calls[0].at - start
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), timeout=30)


# -- per question -------------------------------------------------------------------------


class Bm25:
    """The anchor: a plain Okapi BM25 over jieba tokens (jieba's own dictionary) of the
    report's paragraphs, the classic first thing one would build. A question is cut with
    jieba and every paragraph scored; the best one is the answer."""

    K1, B = 1.5, 0.75

    def __init__(self, paragraphs: list[str]):
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        self.cut = jieba.lcut
        self.paragraphs = paragraphs
        self.docs = [Counter(t for t in self.cut(p) if t.strip()) for p in paragraphs]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = sum(self.lengths) / len(self.docs)
        df = Counter(t for d in self.docs for t in d)
        n = len(self.docs)
        self.idf = {t: math.log((n - c + 0.5) / (c + 0.5) + 1) for t, c in df.items()}

    def answer(self, question: str) -> str:
        terms = [t for t in self.cut(question) if t.strip()]
        best, best_score = 0, -1.0
        for i, doc in enumerate(self.docs):
            norm = self.K1 * (1 - self.B + self.B * self.lengths[i] / self.avg)
            score = 0.0
            for t in terms:
                tf = doc.get(t)
                if tf:
                    score += self.idf[t] * tf * (self.K1 + 1) / (tf + norm)
            if score > best_score:
                best, best_score = i, score
        return self.paragraphs[best]


def report_paragraphs() -> list[str]:
    blocks = re.split(r"\n\s*\n", REPORT.read_text(encoding="utf-8"))
    return [b.strip() for b in blocks if b.strip()]


def all_questions() -> list[str]:
    shared = ROOT.parent / "shared" / "eval"
    sets = "*questions.jsonl"  # not the conversation scenarios beside them
    files = [*sorted(DATA.glob(sets)), *sorted((DATA / "heldout").glob(sets))]
    files += sorted(shared.glob("dev*_questions.jsonl")) if shared.is_dir() else []
    return [
        json.loads(line)["q"]
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _times(answer, questions: list[str]) -> list[float]:
    times = []
    for q in questions:
        t = time.perf_counter()
        answer(q)
        times.append(time.perf_counter() - t)
    return times


def per_question(rounds: int) -> dict:
    """Answer time (engine + plain render) beside the BM25 anchor's, the same questions,
    in a warm process: every round over every question set, the first included (the
    engine's memos empty: each question asked for the first time), and that first round
    alone; each question's time is its median over the rounds."""
    from bot.engine.engine import Engine
    from bot.env import BUNDLED_DB
    from bot.knowledge.store import load_path
    from bot.render.plain import plain

    engine = Engine(load_path(BUNDLED_DB))
    bm25 = Bm25(report_paragraphs())
    questions = all_questions()
    engine.answer("暖身"), bm25.answer("暖身")  # a question of none of the sets: the process warm
    ours, anchor = [], []
    for _ in range(rounds):  # alternating, so both see the same machine
        anchor.append(_times(bm25.answer, questions))
        ours.append(_times(lambda q: plain(engine.answer(q)), questions))
    first = sorted(ours[0])
    ours = sorted(statistics.median(ts) for ts in zip(*ours, strict=True))
    anchor = sorted(statistics.median(ts) for ts in zip(*anchor, strict=True))
    p50, p99 = _median(ours), ours[int(len(ours) * 0.99)]
    base = _median(anchor)
    return {
        "questions": len(questions),
        "p50_ms": round(p50 * 1000, 3),
        "p99_ms": round(p99 * 1000, 3),
        "first_p50_ms": round(_median(first) * 1000, 3),
        "first_p99_ms": round(first[int(len(first) * 0.99)] * 1000, 3),
        "bm25_p50_ms": round(base * 1000, 3),
        "bm25_p99_ms": round(anchor[int(len(anchor) * 0.99)] * 1000, 3),
        "p50_ratio": round(p50 / base, 2),
        "p99_ratio": round(p99 / base, 2),
        "target": "p50 ≤ 0.25, p99 ≤ 1.5 (0.5 ms / 3 ms when BM25 takes 2 ms)",
    }


# -- per update ---------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _max_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


async def cpu_run(kind: str, items, command: list[str] | None = None) -> dict:
    """One bot in its own process (load.COMMANDS[kind], or `command`): CPU it spent from
    its first getUpdates to its last answer, per update, and its max RSS then."""
    from benchmarks.load import _all_answered, spawn
    from tests.fake_bot_api import FakeBotApi

    api = await FakeBotApi().start()
    try:
        proc = await spawn(kind, api.base_url, command)
        try:
            await api.wait_for("getUpdates", timeout=60)
            await asyncio.sleep(0.3)  # settled: start-up done
            cpu = _cpu_seconds(proc.pid)
            before = len(api.calls)
            for item in items:
                await api.push(item.update)
            await _all_answered(api, before, len(items), time.monotonic() + 300)
            spent = _cpu_seconds(proc.pid) - cpu
            rss = _max_rss_mb(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.communicate(), timeout=30)
    finally:
        await api.stop()
    return {"cpu_ms": spent * 1000 / len(items), "max_rss_mb": rss}


def per_update(repeats: int, updates: int = 1000) -> dict:
    """CPU per update and memory of the full bot beside the echo bot, the same updates."""
    from benchmarks.workload import workload
    from bot.engine.engine import Engine
    from bot.env import BUNDLED_DB
    from bot.knowledge.store import load_path

    engine = Engine(load_path(BUNDLED_DB))
    runs: dict[str, list[dict]] = {"echo": [], "full": []}
    for r in range(repeats):
        items = workload(engine, updates=updates, chats=50, seed=5 + r)
        for kind in runs:
            runs[kind].append(asyncio.run(cpu_run(kind, items)))
    cpu = {k: _median([r["cpu_ms"] for r in v]) for k, v in runs.items()}
    rss = {k: _median([r["max_rss_mb"] for r in v]) for k, v in runs.items()}
    return {
        "updates": updates,
        "cpu_ms_per_update": round(cpu["full"], 3),
        "echo_cpu_ms_per_update": round(cpu["echo"], 3),
        "cpu_ratio": round(cpu["full"] / cpu["echo"], 2),
        "cpu_target": "≤ 1.2",
        "max_rss_mb": round(rss["full"], 1),
        "echo_max_rss_mb": round(rss["echo"], 1),
        "rss_target": "≤ 100 MB",
    }


# -- the rest -----------------------------------------------------------------------------


def accuracy() -> dict:
    score = ROOT.parent / "shared" / "eval" / "score.py"
    if not score.exists():
        return {}
    out = {}
    for path in sorted(DATA.glob("*questions.jsonl")):
        cmd = [PY, str(score), str(path), "--json", "--", PY, "-m", "bot", "ask", "--json"]
        lines = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout
        out[path.stem] = lines.strip().splitlines()[-1]
    return out


def fuzz(scale: int) -> dict:
    env = dict(os.environ, SDGBOT_FUZZ_SCALE=str(scale))
    t = time.perf_counter()
    proc = subprocess.run(
        [PY, "-m", "pytest", "-q", "tests/engine/test_properties.py", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return {
        "scale": scale,
        "seconds": round(time.perf_counter() - t, 1),
        "result": proc.stdout.strip().splitlines()[-1],
    }


def table(report: dict) -> str:
    """The figures as the README's table: each beside its anchor, with the ratio."""
    c, s, q, u = (report[k] for k in ("cold", "start", "question", "update"))
    rows = [
        ("`sdgbot ask Q`, cold / jieba's init", f"{c['ask_s']} s / {c['jieba_init_s']} s",
         f"{c['ratio']} ×", "≤ 0.35 ×"),
        ("`sdgbot run`, spawn → first getUpdates / echo bot",
         f"{s['run_s']} s / {s['echo_bot_s']} s", f"{s['ratio']} ×", "≤ 1.5 ×"),
        ("one answer, warm, p50 / BM25 p50", f"{q['p50_ms']} ms / {q['bm25_p50_ms']} ms",
         f"{q['p50_ratio']} ×", "≤ 0.25 ×"),
        ("one answer, warm, p99 / BM25 p50", f"{q['p99_ms']} ms / {q['bm25_p50_ms']} ms",
         f"{q['p99_ratio']} ×", "≤ 1.5 ×"),
        ("one answer, asked the first time, p50 / p99", f"{q['first_p50_ms']} ms / "
         f"{q['first_p99_ms']} ms", "", ""),
        ("CPU per update / echo bot", f"{u['cpu_ms_per_update']} ms / "
         f"{u['echo_cpu_ms_per_update']} ms", f"{u['cpu_ratio']} ×", "≤ 1.2 ×"),
        ("max RSS after 1,000 updates (echo bot)", f"{u['max_rss_mb']} MB "
         f"({u['echo_max_rss_mb']} MB)", "", "≤ 100 MB"),
    ]  # fmt: skip
    lines = ["| figure | measured / anchor | ratio | target |", "|---|---|---|---|"]
    return "\n".join(lines + [f"| {a} | {b} | {r} | {t} |" for a, b, r, t in rows])


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--repeats", type=int, default=7, help="runs of each start-up figure")
    p.add_argument("--rounds", type=int, default=5, help="rounds over the questions")
    p.add_argument("--updates", type=int, default=3, help="runs of the 1,000-update figure")
    p.add_argument("--accuracy", action="store_true", help="also score the question sets")
    p.add_argument("--fuzz", type=int, default=0, help="run the property tests at N× scale")
    p.add_argument("--load", action="store_true", help="the end-to-end load benchmark")
    args = p.parse_args()
    # as installed (pip and the Docker image compile the package): the bot's bytecode made
    # once, so a start does not compile its sources again (PYTHONDONTWRITEBYTECODE=1,
    # which some environments set, would otherwise make every start here do so)
    compileall.compile_dir(ROOT / "bot", quiet=1)
    report = {
        "cold": cold_ask(args.repeats),
        "start": run_start(args.repeats),
        "question": per_question(args.rounds),
        "update": per_update(args.updates),
    }
    if args.accuracy:
        report["accuracy"] = accuracy()
    if args.fuzz:
        report["fuzz"] = fuzz(args.fuzz)
    if args.load:
        from benchmarks.load import run as run_load

        report["load"] = run_load()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
