"""One decision: every possible answer is a candidate scored by one linear function.

    score(candidate) = Σ weight[feature] × value        (features: see candidates.py)

The best candidate is answered when its score reaches `answer` (when that candidate is
"did you mean" itself, the user is asked which is meant); between `choices` and `answer`
the user is offered the best few as "did you mean"; below `choices` the report does not
answer the question. The weights and both thresholds are fitted
by tools/fit_weights.py on the training part of the question sets and live only in
weights.json beside this module; nothing here is tuned by hand.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine.answer import Answer

WEIGHTS_FILE = Path(__file__).resolve().parent / "weights.json"


@dataclass(frozen=True)
class Weights:
    weights: dict[str, float]
    answer: float  # threshold: answered at or above
    choices: float  # threshold: did you mean at or above (and below `answer`)

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "Weights":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(dict(data["weights"]), float(data["answer"]), float(data["choices"]))

    def dump(self, path: Path, note: dict | None = None) -> None:
        data = {
            "answer": round(self.answer, 4),
            "choices": round(self.choices, 4),
            "weights": {k: round(v, 4) for k, v in sorted(self.weights.items()) if v},
            "fitted": note or {},
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@dataclass
class Candidate:
    """One possible answer: what it is, the evidence for it, and how to build it."""

    type: str  # a target's (indicator, programme, goal, unit, fact, list) or passage, quote,
    # listing, follow, goals, title
    id: str
    features: dict[str, float]
    build: Callable[[], Answer] = field(repr=False, compare=False)
    label: str = ""


def score(features: dict[str, float], weights: dict[str, float]) -> float:
    return sum(weights.get(name, 0.0) * value for name, value in features.items())


@dataclass(frozen=True)
class Decision:
    zone: str  # answer | choices | none
    ranked: list[tuple[float, Candidate]]  # best first
    off_topic: tuple[str, ...] = ()  # words naming a subject the report does not cover
    words: tuple[str, ...] = ()  # the question's words for the report's text
    value: str = ""  # the kind of value asked (an age, an amount), when nothing prints one
    reads_context: bool = False  # a follow-up may be meant: the previous answer's subject,
    #                              given one, is a candidate's input (candidates.follows)

    @property
    def best(self) -> Candidate | None:
        return self.ranked[0][1] if self.ranked else None


def decide(
    candidates: list[Candidate], w: Weights, off_topic: list[str] = (), words: list[str] = ()
) -> Decision:
    ranked = sorted(
        ((round(score(c.features, w.weights), 4), c) for c in candidates),
        key=lambda pair: -pair[0],
    )
    top = ranked[0][0] if ranked else float("-inf")
    zone = "answer" if top >= w.answer else "choices" if top >= w.choices else "none"
    if zone == "answer" and ranked[0][1].type == "choices":
        zone = "choices"  # the best answer is to ask which of a few is meant
    elif zone == "choices" and ranked[0][1].type not in (*CHOOSABLE, "choices"):
        zone = "none"  # unsure of a fact or a passage: no list of other things to choose
    return Decision(zone, ranked, tuple(off_topic), tuple(words))


CHOOSABLE = ("indicator", "programme")


def choosable(ranked: list[tuple[float, Candidate]]) -> list[Candidate]:
    """What "did you mean" offers: the three best indicators and programmes, in the order
    they match the question (the ranking's score: 「職災」 offers 8.7.2 and 8.7.1 before the
    programme on preventing them)."""
    best = [c for _, c in ranked if c.type in CHOOSABLE][:3]
    return sorted(best, key=lambda c: -c.features.get(f"{c.type}:score", 0.0))
