"""The ranking's fast paths give exactly what the plain definitions give: every target
scored term by term (`reference_rank`, the ranking as first written) and the typo search
with a Python scorer (`_typo_ratio` through process.extractOne)."""

import json

from rapidfuzz import fuzz, process

from bot.engine.match import FUZZY_CUTOFF, PRECISION_WEIGHT, Scored, _typo_ratio
from bot.engine.text import has_cjk, normalise
from tests.conftest import DATA


def reference_rank(index, resolved) -> list[Scored]:
    total = sum(index.weight(r) for r in resolved)
    if not resolved or total <= 0:
        return []
    found = {r.known for r in resolved if r.known}
    asked = "".join(r.word for r in resolved)
    results = []
    named = {}
    for t, words, keys in zip(index.targets, index.words, index.key_words, strict=True):
        hit = sum(index.weight(r) * r.certainty * index._held(r.known, words) for r in resolved)
        if hit <= 0:
            continue
        precision = hit / total
        coverage = 0.0
        for n, key in enumerate(keys):
            weights = [(index.idf.get(w, index.max_idf), w) for w in key if w.strip()]
            key_total = sum(wt for wt, _ in weights)
            if key_total > 0:
                longer = [f for f in found if len(f) > 1]
                got = sum(wt * index._share(w, found, longer) for wt, w in weights)
                coverage = max(coverage, got / key_total)
                if n == 0:
                    named[t] = got / key_total  # its own name's share: the tie-break
        if has_cjk(asked):
            near = [fuzz.partial_ratio("".join(k), asked) for k in keys
                    if len("".join(k)) <= len(asked)]  # fmt: skip
            spelled = max(near, default=0) / 100
            if spelled >= FUZZY_CUTOFF / 100:
                coverage = max(coverage, spelled)
        score = 100 * (PRECISION_WEIGHT * precision + (1 - PRECISION_WEIGHT) * coverage)
        results.append(Scored(t, round(score, 1), precision, coverage))
    results.sort(
        key=lambda s: (
            -s.score,
            -s.coverage,
            -named.get(s.target, 0.0),
            s.target.type != "indicator",
        )
    )
    return results


def _questions() -> list[str]:
    return [
        json.loads(line)["q"]
        for path in sorted(DATA.glob("*questions.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_rank_is_the_term_by_term_ranking(engine):
    for q in _questions():
        words = engine._words(
            engine.analyse(normalise(q)), engine._tokens(engine.analyse(normalise(q)))
        )
        resolved = engine.index.resolve(words)
        assert engine.index.rank(resolved) == reference_rank(engine.index, resolved), q


def test_typos_are_found_as_with_the_python_scorer(engine):
    index = engine.index
    words = {w for q in _questions() for w in engine.segmenter.cut(normalise(q))}
    words |= {v[:-1] + "x" for v in index.vocab[::7]} | {v[1:] for v in index.vocab[::5]}
    for word in sorted(words):
        slow = process.extractOne(word, index.vocab, scorer=_typo_ratio, score_cutoff=FUZZY_CUTOFF)
        assert index._typo(word) == slow, word
