"""Fit the decision's weights and thresholds on the question sets; write bot/engine/weights.json.

    .venv/bin/python tools/fit_weights.py [--rounds 6] [--dry-run]

Every question of the sets (../shared/eval/dev*.jsonl and tests/data/*.jsonl, not the
held-out sets of tests/data/heldout/; in tests/data/vague_questions.jsonl bare topic
words, for which "did you mean" is right) is
answered once per candidate; each candidate's answer is scored the way score.py
scores it, so choosing weights is then arithmetic. Questions whose id has
crc32 % 4 == 0 are held back: never used to fit, reported separately. The weights
maximise the likelihood of the passing candidates (a softmax over each question's
candidates and "not in the report"); the thresholds then maximise the training
accuracy, with a penalty for "did you mean" answers beyond 4 % of in-scope questions.
Follow-up questions (tests/data/follow_questions.jsonl) are asked after the subject in
their `context`. A dev tool: CI never runs it.
"""

import argparse
import importlib.util
import json
import sys
import zlib
from dataclasses import dataclass, field
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
from tests.scoring import context_of  # noqa: E402

SETS = sorted((ROOT.parent / "shared" / "eval").glob("dev*_questions.jsonl"))
SETS += sorted(
    p for p in (ROOT / "tests" / "data").glob("*questions.jsonl") if p.name != "dev_questions.jsonl"
)
CHOICES_BUDGET = 0.04
VAGUE = "vague_questions.jsonl"
STEPS = (0.2, 0.1, 0.05)
L2 = 0.001
SHORTER = 1.0  # how much less a card with a quote beside it is learnt than the card alone
L2S = (0.0003, 0.001, 0.003, 0.01, 0.03)


def score_module():
    """../shared/eval/score.py, loaded as a module (its norm, alternatives and score)."""
    spec = importlib.util.spec_from_file_location("score", ROOT.parent / "shared/eval/score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scorer():
    return score_module().score


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
    fold: int = 0  # for cross-validation: crc32(id) // 4 % 4
    asks: list[bool] = field(default_factory=list)  # each candidate: is it did-you-mean
    lengths: list[int] = field(default_factory=list)  # each candidate: its answer's length
    types: list[str] = field(default_factory=list)  # each candidate: its type


def prepare(engine: Engine, check) -> list[Case]:
    cases = []
    for path in SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            crc = zlib.crc32(item["id"].encode())
            held, fold = crc % 4 == 0, crc // 4 % 4
            text = normalise(item["q"])
            q = engine.analyse(text) if text else None
            if q is None or q.ids or (q.bad_ids and not q.ids):
                ok, _ = check(item, to_json(engine.answer(item["q"], context_of(item))))
                cases.append(Case(path.name, held, bool(item.get("oos")), ok, [], [], [], [], fold))
                continue
            decision = engine.explain(item["q"], context_of(item))
            cands = [c for _, c in decision.ranked]
            passes, choice_passes, lengths = [], [], []
            vague = item.get("zone") == "choices"  # a bare topic word: asking which is right
            for c in cands:
                if c.type == "choices":  # the did-you-mean candidate: an answer by choosing
                    first = next((o for o in choosable(decision.ranked)), None)
                    passes.append(False)
                    lengths.append(len(to_json(c.build())["answer"]))
                    if vague:
                        choice_passes.append(first is not None and first.id in item["expect"])
                    else:
                        choice_passes.append(check(item, to_json(c.build()))[0])
                    continue
                answer = to_json(engine.unprinted_year(c.build(), q))
                passes.append(not vague and check(item, answer)[0])
                lengths.append(len(answer["answer"]))
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
                    fold,
                    [c.type == "choices" for c in cands],
                    lengths,
                    [c.type for c in cands],
                )
            )
    return cases


@dataclass(frozen=True)
class Summary:
    """What a question's outcome depends on once the weights are fixed: its best score and
    whether it passes answered, offered as choices, or refused."""

    top: float
    answered: bool  # passes when the best candidate is answered
    chosen: bool  # passes when choices are offered
    below: bool  # passes when refused
    has_choice: bool  # some candidate can be offered
    asks: bool  # the best candidate is did-you-mean itself


def summary(case: Case, weights: dict) -> Summary:
    if case.fixed is not None or not case.features:
        ok = case.fixed if case.fixed is not None else case.oos
        return Summary(-np.inf, ok, ok, ok, False, False)
    scores = [score(f, weights) for f in case.features]
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    asks = bool(case.asks) and case.asks[order[0]]
    first = order[0] if asks else next((i for i in order if case.choosable[i]), None)
    return Summary(
        top=scores[order[0]],
        answered=case.choice_passes[order[0]] if asks else case.passes[order[0]],
        chosen=case.choice_passes[first] if first is not None else case.oos,
        below=case.oos,
        has_choice=first is not None,
        asks=asks,
    )


def outcome(case: Case, w: Weights) -> tuple[bool, bool]:
    """(passed, answered with choices) under the weights."""
    s = summary(case, w.weights)
    if s.top >= w.answer:
        return s.answered, s.asks
    if s.top >= w.choices and s.has_choice:
        return s.chosen, True
    return s.below, False


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


def fit(cases: list[Case], start: Weights, rounds: int, l2: float = L2) -> Weights:
    """Softmax over each question's candidates and "not in the report" (score 0): maximise
    the likelihood of the passing ones (L2-regularised, gradient descent), then choose the
    two thresholds that score best, and last polish all by coordinate ascent."""
    learned = sorted({k for c in cases for f in c.features for k in f})
    weights = dict(start.weights)
    weights.update(_likelihood(cases, learned, start, l2))
    return polish(cases, _thresholds(cases, weights), rounds)


def _likelihood(cases: list[Case], learned: list[str], start: Weights, l2: float) -> dict:
    """The weights of the learned features, by Adam over a flat matrix of candidates (one
    row each, and an all-zero row per question for "not in the report")."""
    index = {k: i for i, k in enumerate(learned)}
    usable = [
        c
        for c in cases
        if c.fixed is None and c.features and (any(c.passes) or any(c.choice_passes) or c.oos)
    ]
    rows = sum(len(c.features) + 1 for c in usable)  # a question no candidate answers
    x = np.zeros((rows, len(learned)))  # teaches nothing, so it is left out
    good = np.zeros(rows)
    starts = []
    r = 0
    for case in usable:
        starts.append(r)
        # a bare topic word (the vague set): the indicators it may mean are the good ones,
        # so its candidates are scored above "not in the report"; the thresholds then put
        # it in the did-you-mean band
        wanted = case.passes
        if case.set == VAGUE:  # asking which is meant is right, answering one is not
            wanted = [a and ok for a, ok in zip(case.asks, case.choice_passes, strict=True)]
            wanted = wanted if any(wanted) else case.choice_passes
        # a card with a quote beside it where the card alone answers says more than was
        # asked: the longer of the two right answers is learnt less, by the share of length
        card = min(
            (n for n, ok, t in zip(case.lengths, wanted, case.types, strict=True)
             if ok and t == "indicator"),
            default=0,
        )  # fmt: skip
        for feats, passed, n, t in zip(
            case.features, wanted, case.lengths, case.types, strict=True
        ):
            for k, v in feats.items():
                x[r, index[k]] = v
            good[r] = passed * ((card / max(n, 1)) ** SHORTER if t == "detail" and card else 1)
            r += 1
        good[r] = case.oos  # "not in the report": all-zero features, score 0
        r += 1
    starts = np.array(starts)
    seg = np.repeat(np.arange(len(usable)), np.diff(np.append(starts, rows)))
    w = np.array([start.weights.get(k, 0.0) for k in learned])
    m = v = np.zeros_like(w)
    for step in range(1, 3001):  # Adam
        s = x @ w
        s = s - np.maximum.reduceat(s, starts)[seg]
        e = np.exp(s)
        p = e / np.add.reduceat(e, starts)[seg]
        pos = p * good
        q = pos / np.add.reduceat(pos, starts)[seg]
        grad = x.T @ (p - q) / len(usable) + l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= 0.05 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return {k: float(val) for k, val in zip(learned, w, strict=True)}


def _thresholds(cases: list[Case], weights: dict) -> Weights:
    """The two thresholds that maximise the objective, over a grid (vectorised: each
    question's best score and its outcomes above, between and below them are fixed by the
    weights)."""
    rows = [summary(case, weights) for case in cases]
    top, answered, chosen, below, has_choice, asks = (
        np.array([getattr(r, name) for r in rows])
        for name in ("top", "answered", "chosen", "below", "has_choice", "asks")
    )
    budgeted = np.array([not c.oos and c.set != VAGUE for c in cases])
    sets = sorted({c.set for c in cases})
    members = [np.array([c.set == name for c in cases]) & budgeted for name in sets]
    best, fitted = -np.inf, Weights(weights, 0.0, 0.0)
    for t1 in np.arange(-1.0, 2.0, 0.05):
        for t2 in np.arange(t1 - 1.0, t1 + 1e-9, 0.05):
            answer = top >= t1
            choice = ~answer & (top >= t2) & has_choice
            passed = np.where(answer, answered, np.where(choice, chosen, below)).sum()
            offered = choice | (answer & asks)
            rate = max((offered[m].mean() for m in members if m.any()), default=0.0)
            bonus = 0.001 * min(rate, CHOICES_BUDGET) / CHOICES_BUDGET
            value = passed / len(cases) - 2.0 * max(0.0, rate - CHOICES_BUDGET) + bonus
            if value > best + 1e-12:
                best, fitted = value, Weights(weights, float(t1), float(t2))
    return fitted


def cross_validate(cases: list[Case], start: Weights, l2s: tuple[float, ...]) -> float:
    """The L2 strength whose fits answer best the training questions they did not see
    (four folds by crc32(id) // 4 % 4)."""
    scores = {}
    for l2 in l2s:
        passed = 0
        for fold in range(4):
            rest = [c for c in cases if c.fold != fold]
            w = fit(rest, start, 0, l2)
            passed += sum(outcome(c, w)[0] for c in cases if c.fold == fold)
        scores[l2] = passed / len(cases)
        print(f"  L2 {l2}: cross-validated accuracy {scores[l2]:.3f}")
    return max(l2s, key=lambda l2: (scores[l2], l2))


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
    p.add_argument(
        "--cv", action="store_true", help=f"choose the L2 strength by cross-validation {L2S}"
    )
    args = p.parse_args()
    engine = Engine(load_path(BUNDLED_DB))
    cases = prepare(engine, scorer())
    current = Weights.load()
    print("before:", json.dumps(report(cases, current)))
    # the fit starts from zero, so the same sets always give the same weights
    kept: dict[str, float] = {}
    train = [c for c in cases if not c.held]
    l2 = cross_validate(train, Weights(kept, 0.0, 0.0), L2S) if args.cv else L2
    w = fit(train, Weights(kept, 0.0, 0.0), args.rounds, l2)
    result = report(cases, w)
    print("after: ", json.dumps(result))
    if not args.dry_run:
        w.dump(WEIGHTS_FILE, {"sets": [p.name for p in SETS], "held_back": "crc32(id) % 4 == 0",
                              "l2": l2, "scores": result})  # fmt: skip
        print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
