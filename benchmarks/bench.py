"""Benchmarks: start-up, answer latency, memory, question-set accuracy; --fuzz, --load.

    python benchmarks/bench.py            # engine figures
    python benchmarks/bench.py --fuzz 20  # property tests with 20× the CI examples, random seed
    python benchmarks/bench.py --load     # 1,000 updates through the fake Bot API vs an echo bot

Figures are medians over repeats (the machines are shared and noisy); nothing here
asserts a time.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
PY = sys.executable


def startup(repeats: int) -> dict:
    """Import, load the store and build the engine in a fresh process, repeated."""
    code = (
        "import time; t=time.perf_counter();"
        "from bot.engine.engine import Engine; from bot.knowledge.store import load_path;"
        "from bot.config import BUNDLED_DB;"
        "t1=time.perf_counter(); k=load_path(BUNDLED_DB); t2=time.perf_counter();"
        "e=Engine(k); t3=time.perf_counter(); e.answer('職災死亡千人率');"
        "import resource; rss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        "print(t1-t, t2-t1, t3-t2, rss)"
    )
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [PY, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout.split()
        runs.append([float(x) for x in out])
    med = [statistics.median(col) for col in zip(*runs, strict=True)]
    return {
        "import_s": round(med[0], 3),
        "load_store_s": round(med[1], 3),
        "build_engine_s": round(med[2], 3),
        "max_rss_mb": round(med[3] / 1024, 1),
    }


def latency(rounds: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from bot.config import BUNDLED_DB
    from bot.engine.engine import Engine
    from bot.knowledge.store import load_path
    from bot.render.plain import plain

    engine = Engine(load_path(BUNDLED_DB))
    questions = [
        json.loads(line)["q"]
        for name in ("dev_questions.jsonl", "questions.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line
    ]
    times = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            plain(engine.answer(q))
            times.append(time.perf_counter() - t)
    times.sort()
    return {
        "questions": len(times),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p99_ms": round(times[int(len(times) * 0.99)] * 1000, 2),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def accuracy() -> dict:
    score = ROOT.parent / "shared" / "eval" / "score.py"
    if not score.exists():
        score = None
    out = {}
    for path in sorted(DATA.glob("*questions.jsonl")):
        if score:
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


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--fuzz", type=int, default=0, help="run the property tests at N× scale")
    p.add_argument("--load", action="store_true", help="the end-to-end load benchmark")
    args = p.parse_args()
    report = {
        "startup": startup(args.repeats),
        "latency": latency(args.repeats),
        "accuracy": accuracy(),
    }
    if args.fuzz:
        report["fuzz"] = fuzz(args.fuzz)
    if args.load:
        from benchmarks.load import run as run_load

        report["load"] = run_load()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
