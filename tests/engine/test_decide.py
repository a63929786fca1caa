"""One decision: candidates scored by one linear function of their features, two thresholds."""

import json

import pytest

from bot.engine.decide import WEIGHTS_FILE, Candidate, Weights, decide, score


def cand(kind: str, ident: str, **features: float) -> Candidate:
    return Candidate(kind, ident, {f"{kind}:{k}": v for k, v in features.items()}, lambda: None)


W = Weights({"indicator:score": 1.0, "passage:score": 0.5, "fact:bias": 0.1}, 0.6, 0.4)


@pytest.mark.parametrize(("value", "zone"), [(0.9, "answer"), (0.5, "choices"), (0.2, "none")])
def test_two_thresholds_make_three_zones(value, zone):
    decision = decide([cand("indicator", "8.7.1", score=value)], W)
    assert decision.zone == zone and decision.best.id == "8.7.1"


def test_the_best_score_wins_whatever_the_order():
    found = [cand("passage", "3", score=1.0), cand("indicator", "8.7.1", score=0.7)]
    decision = decide(found, W)
    assert [c.id for _, c in decision.ranked] == ["8.7.1", "3"]  # 0.7 beats 0.5


def test_choices_need_something_to_choose():
    decision = decide([cand("fact", "minister", bias=5.0)], Weights({"fact:bias": 0.1}, 0.6, 0.4))
    assert decision.zone == "none"  # 0.5 is in the band, but a fact is no choice


def test_the_weights_live_in_the_fitted_file():
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    loaded = Weights.load()
    assert loaded.answer == data["answer"] and loaded.choices == data["choices"]
    assert loaded.choices <= loaded.answer
    assert data["fitted"]["held_back"] == "crc32(id) % 4 == 0"


@pytest.mark.parametrize("question", ["職災死亡千人率多少", "部長是誰", "未來展望", "天氣", "青年"])
def test_every_decision_is_reproduced_from_its_features(engine, question):
    decision = engine.explain(question)
    weights = Weights.load()
    for value, candidate in decision.ranked:
        by_hand = sum(weights.weights.get(k, 0.0) * v for k, v in candidate.features.items())
        assert value == pytest.approx(by_hand, abs=1e-3)
        assert value == pytest.approx(score(candidate.features, weights.weights), abs=1e-3)
    top = decision.ranked[0][0] if decision.ranked else float("-inf")
    expected = (
        "answer" if top >= weights.answer else "choices" if top >= weights.choices else "none"
    )
    if expected == "answer" and decision.best.type == "choices":
        expected = "choices"  # the best candidate is asking which is meant
    assert decision.zone == expected or (expected == "choices" and decision.zone == "none")
    answer = engine.answer(question)
    assert answer.zone == decision.zone or not answer.found


def test_each_kind_of_candidate_has_weights_of_its_own(engine):
    """A quoted unit of text and a responsible unit (勞發署) never share a weight of their
    own; what the question says (all:) is shared by every type, and the ranking's evidence
    (target:) by the ranked targets only."""
    targets = ("indicator", "programme", "goal", "unit", "fact", "list")
    for question in ("職業安全衛生法修正提高什麼罰則", "勞發署負責哪些指標", "企業的溝通管道"):
        for _, c in engine.explain(question).ranked:
            shared = ("all:", "target:") if c.type in targets else ("all:",)
            assert all(name.startswith((f"{c.type}:", *shared)) for name in c.features), c
            assert any(name.startswith(f"{c.type}:") for name in c.features)
