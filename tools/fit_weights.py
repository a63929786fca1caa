"""Fit the decision's weights and thresholds on the question sets; write bot/engine/weights.json.

    .venv/bin/python tools/fit_weights.py [--rounds 6] [--dry-run]

Every question of the sets (../shared/eval/dev*.jsonl and tests/data/*.jsonl; in
tests/data/vague_questions.jsonl bare topic words, for which "did you mean" is right) is
answered once per candidate; each candidate's answer is scored the way score.py
scores it, so choosing weights is then arithmetic. Questions whose id has
crc32 % 4 == 0 are held back: never used to fit, reported separately. The weights
maximise the likelihood of the passing candidates (a softmax over each question's
candidates and "not in the report"); the thresholds then maximise the training
accuracy, with a penalty for "did you mean" answers beyond 4 % of in-scope questions.
Weights of features the sets never exercise (follow-ups need a previous answer) keep
their current values. A dev tool: CI never runs it.
"""

import argparse
import importlib.util
import json
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import BUNDLED_DB  # noqa: E402
from bot.engine.decide import WEIGHTS_FILE, Weights, choosable, score  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.engine.text import normalise  # noqa: E402
from bot.knowledge.store import load_path  # noqa: E402
from bot.render.plain import to_json  # noqa: E402

SETS = sorted((ROOT.parent / "shared" / "eval").glob("dev*_questions.jsonl"))
SETS += sorted(
    p for p in (ROOT / "tests" / "data").glob("*.jsonl") if p.name != "dev_questions.jsonl"
)
CHOICES_BUDGET = 0.04
VAGUE = "vague_questions.jsonl"
STEPS = (0.2, 0.1, 0.05)
L2 = 0.001


def scorer():
    spec = importlib.util.spec_from_file_location("score", ROOT.parent / "shared/eval/score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


@dataclass
class Case:
    set: str
    held: bool
    oos: bool
    fixed: bool | None  # answered without a decision (an indicator number): passed or not
    features: list[dict[str, float]]
    passes: list[bool]  # each candidate, answered
    choice_passes: list[bool]  # each candidate, offered first among choices
    choosable: list[bool]


def prepare(engine: Engine, check) -> list[Case]:
    cases = []
    for path in SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            held = zlib.crc32(item["id"].encode()) % 4 == 0
            text = normalise(item["q"])
            q = engine.analyse(text) if text else None
            if q is None or q.ids or (q.bad_ids and not q.ids):
                ok, _ = check(item, to_json(engine.answer(item["q"])))
                cases.append(Case(path.name, held, bool(item.get("oos")), ok, [], [], [], []))
                continue
            decision = engine.explain(item["q"])
            cands = [c for _, c in decision.ranked]
            passes, choice_passes = [], []
            vague = item.get("zone") == "choices"  # a bare topic word: asking which is right
            for c in cands:
                answer = engine.unprinted_year(c.build(), q)
                passes.append(not vague and check(item, to_json(answer))[0])
                if vague:
                    choice_passes.append(c.type == "indicator" and c.id in item["expect"])
                elif c.type in ("indicator", "programme"):
                    others = [o for o in choosable(decision.ranked) if o is not c][:2]
                    offered = engine.cards.candidates(
                        item["q"], [engine.cards.match(o.type, o.id, 50.0) for o in [c, *others]]
                    )
                    choice_passes.append(check(item, to_json(offered))[0])
                else:
                    choice_passes.append(False)
            cases.append(
                Case(
                    path.name,
                    held,
                    bool(item.get("oos")),
                    None,
                    [c.features for c in cands],
                    passes,
                    choice_passes,
                    [c.type in ("indicator", "programme") for c in cands],
                )
            )
    return cases


def outcome(case: Case, w: Weights) -> tuple[bool, bool]:
    """(passed, answered with choices) under the weights."""
    if case.fixed is not None:
        return case.fixed, False
    if not case.features:
        return case.oos, False
    scores = [score(f, w.weights) for f in case.features]
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    top = scores[order[0]]
    if top >= w.answer:
        return case.passes[order[0]], False
    if top >= w.choices:
        first = next((i for i in order if case.choosable[i]), None)
        if first is not None:
            return case.choice_passes[first], True
    return case.oos, False


def objective(cases: list[Case], w: Weights) -> float:
    """Training accuracy, less a penalty when any set's share of in-scope questions
    answered with choices passes the budget (the bare topic words of the vague set, where
    choices are the answer, do not count against it)."""
    passed = 0
    per_set: dict[str, list[int]] = {}
    for case in cases:
        ok, chose = outcome(case, w)
        passed += ok
        if not case.oos and case.set != VAGUE:
            tally = per_set.setdefault(case.set, [0, 0])
            tally[0] += chose
            tally[1] += 1
    rate = max((c / n for c, n in per_set.values() if n), default=0.0)
    # did you mean scores like an answer when its first choice is right, so accuracy alone
    # never opens the band; among equally good thresholds, prefer offering choices for the
    # least certain answers, up to the budget
    bonus = 0.001 * min(rate, CHOICES_BUDGET) / CHOICES_BUDGET
    return passed / len(cases) - 2.0 * max(0.0, rate - CHOICES_BUDGET) + bonus


def fit(cases: list[Case], start: Weights, rounds: int) -> Weights:
    """Softmax over each question's candidates and "not in the report" (score 0): maximise
    the likelihood of the passing ones (L2-regularised, gradient descent), then choose the
    two thresholds that score best, and last polish all by coordinate ascent."""
    learned = sorted({k for c in cases for f in c.features for k in f})
    index = {k: i for i, k in enumerate(learned)}
    usable = [c for c in cases if c.fixed is None and c.features]
    width = max(len(c.features) for c in usable)
    x = np.zeros((len(usable), width + 1, len(learned)))
    mask = np.zeros((len(usable), width + 1))
    good = np.zeros((len(usable), width + 1))
    for n, case in enumerate(usable):
        for i, feats in enumerate(case.features):
            for k, v in feats.items():
                x[n, i, index[k]] = v
            mask[n, i] = 1
            good[n, i] = case.passes[i]
        mask[n, width] = 1  # "not in the report": all-zero features, score 0
        good[n, width] = case.oos
    keep = good.sum(axis=1) > 0  # a question no candidate answers teaches nothing
    x, mask, good = x[keep], mask[keep], good[keep]
    w = np.array([start.weights.get(k, 0.0) for k in learned])
    m = v = np.zeros_like(w)
    for step in range(1, 3001):  # Adam
        s = np.einsum("nck,k->nc", x, w)
        s = np.where(mask > 0, s, -1e9)
        p = np.exp(s - s.max(axis=1, keepdims=True)) * mask
        p /= p.sum(axis=1, keepdims=True)
        pos = p * good
        q = pos / pos.sum(axis=1, keepdims=True)
        grad = np.einsum("nc,nck->k", p - q, x) / len(x) + L2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= 0.05 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    weights = dict(start.weights)
    weights.update({k: float(val) for k, val in zip(learned, w, strict=True)})
    best, fitted = -1.0, start
    for t1 in np.arange(-1.0, 2.0, 0.05):
        for t2 in np.arange(t1 - 1.0, t1 + 1e-9, 0.05):
            trial = Weights(weights, float(t1), float(t2))
            value = objective(cases, trial)
            if value > best:
                best, fitted = value, trial
    return polish(cases, fitted, rounds)


def polish(cases: list[Case], w: Weights, rounds: int) -> Weights:
    fitted = sorted({k for c in cases for f in c.features for k in f})
    best = objective(cases, w)
    for _ in range(rounds):
        improved = False
        for step in STEPS:
            for name in [*fitted, "<answer>", "<choices>"]:
                for delta in (step, -step):
                    trial = _moved(w, name, delta)
                    value = objective(cases, trial)
                    if value > best + 1e-9:
                        w, best, improved = trial, value, True
        if not improved:
            break
    return w


def _moved(w: Weights, name: str, delta: float) -> Weights:
    if name == "<answer>":
        return Weights(w.weights, w.answer + delta, w.choices)
    if name == "<choices>":
        return Weights(w.weights, w.answer, min(w.choices + delta, w.answer))
    weights = dict(w.weights)
    weights[name] = weights.get(name, 0.0) + delta
    return Weights(weights, w.answer, w.choices)


def report(cases: list[Case], w: Weights) -> dict:
    out = {}
    for name in sorted({c.set for c in cases}):
        for part, held in (("train", False), ("held", True)):
            chosen = [c for c in cases if c.set == name and c.held == held]
            if chosen:
                ok = sum(outcome(c, w)[0] for c in chosen)
                out[f"{name}:{part}"] = f"{ok}/{len(chosen)}"
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--rounds", type=int, default=0, help="coordinate-ascent polish after the fit (overfits)"
    )
    p.add_argument("--dry-run", action="store_true", help="report, do not write weights.json")
    args = p.parse_args()
    engine = Engine(load_path(BUNDLED_DB))
    cases = prepare(engine, scorer())
    current = Weights.load()
    print("before:", json.dumps(report(cases, current)))
    # the fit starts from zero, so the same sets always give the same weights; only the
    # follow-up weights, which no set exercises, are carried over
    kept = {k: v for k, v in current.weights.items() if k.startswith("follow:")}
    train = [c for c in cases if not c.held]
    w = fit(train, Weights(kept, 0.0, 0.0), args.rounds)
    result = report(cases, w)
    print("after: ", json.dumps(result))
    if not args.dry_run:
        w.dump(WEIGHTS_FILE, {"sets": [p.name for p in SETS], "held_back": "crc32(id) % 4 == 0",
                              "scores": result})  # fmt: skip
        print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
