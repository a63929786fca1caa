"""Fit the unit reranker's weights on the question sets; write bot/engine/unit_weights.json.

    .venv/bin/python tools/fit_units.py [--dry-run]

For each report-fact question of the sets (the same sets as tools/fit_weights.py: not
the held-out sets of tests/data/heldout/), the units that answer it are those whose
text, quoted whole, holds every string the question `must` show (compared the way
score.py compares them). BM25 finds the first units of the report for the question's
words (retrieve.POOL of them); the weights maximise the likelihood of the answering
units among them (a softmax over the pool), with an L2 penalty chosen by 4-fold
cross-validation. Questions whose id has crc32 % 4 == 0 are held back: never used to
fit, reported separately. A dev tool: CI never runs it.
"""

import argparse
import json
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import BUNDLED_DB  # noqa: E402
from bot.engine.candidates import _whole  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.engine.retrieve import UNIT_WEIGHTS, Reranker  # noqa: E402
from bot.engine.text import normalise  # noqa: E402
from bot.knowledge.store import load_path  # noqa: E402
from tools.fit_weights import SETS, score_module  # noqa: E402

L2S = (0.0003, 0.001, 0.003, 0.01)
ITERATIONS, RATE = 1500, 0.5


def prepare(engine: Engine, score) -> list[tuple[np.ndarray, np.ndarray, bool, int]]:
    """(features of the pool, which of it answers, held back, fold) per usable question."""
    units = engine.knowledge.units
    quoted = [score.norm(_whole(units, i).text) for i in range(len(units))]
    cases = []
    for path in SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line) if line.strip() else {}
            if item.get("kind") != "fact" or not item.get("must"):
                continue
            alts = [score.alternatives(m) for m in item["must"]]
            answering = {
                i for i, t in enumerate(quoted) if all(any(a in t for a in alt) for alt in alts)
            }
            q = engine.analyse(normalise(item["q"]))
            content = engine._content(q, engine._tokens(q))
            hits, weight = engine.unit_pool(content, q.rest, q, skip=engine.photo_units)
            if not answering or not hits:
                continue
            crc = zlib.crc32(item["id"].encode())
            x = np.array(engine.reranker.features(hits, weight, q), dtype=float)
            y = np.array([h.index in answering for h in hits], dtype=float)
            cases.append((x, y, crc % 4 == 0, crc // 4 % 4))
    return cases


def fit(cases, l2: float) -> np.ndarray:
    names = Reranker.FEATURES
    w = np.zeros(len(names))
    w[names.index("words")] = w[names.index("chars")] = 1.0  # BM25's own order to start
    usable = [(x, y) for x, y, *_ in cases if y.any()]
    for _ in range(ITERATIONS):
        grad = l2 * w
        for x, y in usable:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            right = p * y
            right /= right.sum()
            grad -= x.T @ (right - p) / len(usable)
        w -= RATE * grad
    return w


def first_right(cases, w: np.ndarray) -> int:
    return sum(int(y[int(np.argmax(x @ w))] > 0) for x, y, *_ in cases)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = ap.parse_args()
    engine = Engine(load_path(BUNDLED_DB))
    cases = prepare(engine, score_module())
    train = [c for c in cases if not c[2]]
    held = [c for c in cases if c[2]]
    bm25 = np.zeros(len(Reranker.FEATURES))
    bm25[[Reranker.FEATURES.index(n) for n in ("words", "chars")]] = 1.0
    bm25[Reranker.FEATURES.index("prior")] = 1e-6
    print(f"{len(train)} training questions, {len(held)} held back")
    print(f"BM25 order: first unit answers {first_right(train, bm25)} / {first_right(held, bm25)}")
    best = None
    for l2 in L2S:
        right = 0
        for fold in range(4):
            w = fit([c for c in train if c[3] != fold], l2)
            right += first_right([c for c in train if c[3] == fold], w)
        print(f"L2 {l2}: cross-validated {right} / {len(train)}")
        if best is None or right > best[1]:
            best = (l2, right)
    w = fit(train, best[0])
    print(
        f"fitted (L2 {best[0]}): training {first_right(train, w)}, held back {first_right(held, w)}"
    )
    weights = {n: round(float(v), 4) for n, v in zip(Reranker.FEATURES, w, strict=True)}
    print(json.dumps(weights, ensure_ascii=False))
    if not args.dry_run:
        note = {
            "sets": [p.name for p in SETS],
            "held_back": "crc32(id) % 4 == 0",
            "l2": best[0],
            "questions": len(train),
            "first_unit_answers": {
                "bm25_training": first_right(train, bm25),
                "training": first_right(train, w),
                "cross_validated": best[1],
                "bm25_held_back": first_right(held, bm25),
                "held_back": first_right(held, w),
            },
        }
        data = {"weights": weights, "fitted": note}
        UNIT_WEIGHTS.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"wrote {UNIT_WEIGHTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
