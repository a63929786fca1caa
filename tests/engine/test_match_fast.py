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


def reference_passages(index, words) -> list[tuple[int, float, float]]:
    """PassageIndex.rank as first written: every passage scored term by term."""
    if not words:
        return []
    weights = {w: index.idf.get(w, index.max_idf) * (0.3 if len(w) == 1 else 1) for w in words}
    total = sum(weights.values())
    out = []
    for i, doc in enumerate(index.docs):
        bm25, held = 0.0, 0.0
        for w in weights:
            tf = doc.get(w, 0)
            if tf:
                norm = tf * (index.K1 + 1)
                norm /= tf + index.K1 * (1 - index.B + index.B * index.lengths[i] / index.avg)
                bm25 += index.idf[w] * norm
                held += weights[w]
        if bm25 > 0:
            out.append((i, bm25, held / total))
    out.sort(key=lambda x: (-x[2], -x[1]))
    return out


def test_passages_rank_as_passage_by_passage(engine):
    for q in _questions():
        content = engine._content(engine.analyse(normalise(q)),
                                  engine._tokens(engine.analyse(normalise(q))))  # fmt: skip
        assert engine.passages.rank(content) == reference_passages(engine.passages, content), q


def test_units_rank_as_sorting_every_unit(engine):
    from bot.engine.retrieve import K1, Hit, bigrams, days

    units = engine.units
    for q in _questions()[::3]:
        text = normalise(q)
        words = [w for w in engine.segmenter.cut(text) if len(w) > 1]
        terms = words + days(text)  # (a date asked, 9 月 16 日, is a term too)
        w_bm25, w_held, w_total = units.by_word.scores(terms)
        c_bm25, c_held, c_total = units.by_char.scores(bigrams(text))
        ceiling = (K1 + 1) * (w_total + c_total) or 1.0
        every = [Hit(i, w_held.get(i, 0.0), c_held.get(i, 0.0),
                     (w_bm25.get(i, 0.0) + c_bm25.get(i, 0.0)) / ceiling)
                 for i in set(w_bm25) | set(c_bm25)]  # fmt: skip
        every.sort(key=lambda h: (-(h.words + h.chars), -h.bm25, h.index))
        assert units.rank(words, text) == every[:5], q


def test_keys_short_of_the_needed_characters_are_under_the_cutoff(engine):
    """`_needed`: a key whose characters the question holds fewer of than that can never
    reach the cutoff, so the ranking skips rapidfuzz's call for it."""
    from bot.engine.match import _needed

    keys = sorted({"".join(k) for ks in engine.index.key_words for k in ks if k})[::4]
    asked = [normalise(q).replace(" ", "") for q in _questions()[::9]]
    checked = 0
    for j in keys:
        for a in asked:
            held = sum(c in a for c in j)  # the key's characters the question holds
            if len(j) <= len(a) and held < _needed(len(j)):
                checked += 1
                assert fuzz.partial_ratio(j, a) < FUZZY_CUTOFF, (j, a)
    assert checked > 1000
