"""The engine's indexes stored at build time are what it computes, and answer the same."""

import json
import random

import pytest

from bot.engine import indexes
from bot.engine.engine import Engine
from bot.engine.text import Converter, Taiwan, normalise
from bot.knowledge.values import Knowledge
from bot.knowledge.vocab import converter
from tests.conftest import DATA


@pytest.fixture(scope="module")
def fresh(knowledge) -> Engine:
    """An engine that computed every index itself (as with a store built without them)."""
    return Engine(Knowledge(**{**vars(knowledge), "indexes": {}}))


def test_the_stored_indexes_are_current_and_used(knowledge, engine):
    stored = indexes.Stored(knowledge)
    assert set(stored.docs) >= {"passages", "index", "units", "bridge", "speller", "homophones"}
    assert engine._canon is not None and len(engine._canon) > 100  # restored, not computed


def test_restored_indexes_equal_computed_ones(engine, fresh):
    assert engine.index.state() == fresh.index.state()
    assert engine.passages.state() == fresh.passages.state()
    assert engine.units.state() == fresh.units.state()
    assert engine.bridge.state() == fresh.bridge.state()
    assert engine.speller.state() == fresh.speller.state()
    assert engine.homophones.state() == fresh.homophones.state()
    assert engine.units.by_char.postings == fresh.units.by_char.postings
    assert engine.index.vocab == fresh.index.vocab and engine.index.max_idf == fresh.index.max_idf


def test_restored_and_computed_engines_answer_alike(engine, fresh):
    questions = [
        json.loads(line)["q"]
        for name in ("questions.jsonl", "blind_questions.jsonl", "follow_questions.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for q in questions:
        assert engine.explain(q) == fresh.explain(q), q  # every candidate, feature and score


def test_indexes_made_by_other_code_are_ignored(knowledge, monkeypatch):
    monkeypatch.setattr(indexes, "version", lambda: "other code")
    assert indexes.Stored(knowledge).docs == {}


def test_the_stored_indexes_are_plain_json(knowledge):
    for key, data in knowledge.indexes.items():
        json.loads(data)  # no pickle anywhere: a store a setting names cannot run code
        assert not data.startswith(("\x80", "(")), key


def test_taiwan_skips_only_text_the_converter_leaves_alone(knowledge):
    """For every question of the sets, the report's lines and random mixtures of their
    characters: converted where s2twp would change it, else left as it is, and the same."""
    taiwan = Taiwan()
    tables = json.loads(knowledge.indexes["opencc"])
    taiwan.learn(json.loads(knowledge.indexes["taiwan"]), lambda: tables)
    s2twp = converter("s2twp")
    texts = [
        json.loads(line)["q"].lower()
        for path in sorted(DATA.glob("*questions.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts += [p.text for p in knowledge.passages]
    real = len(texts)
    chars = sorted(set("".join(texts)))
    rng = random.Random(14)
    texts += ["".join(rng.choice(chars) for _ in range(rng.randint(1, 12))) for _ in range(5000)]
    skipped = 0
    for n, text in enumerate(texts):
        assert taiwan(text) == s2twp.convert(text), text
        skipped += n < real and not taiwan.changes(text)
    assert skipped > real / 2  # most questions are Traditional: the converter is not needed
    assert taiwan._converter is not None  # the others went through text.Converter
    assert taiwan("职灾死亡千人率") == "職災死亡千人率" and taiwan.changes("軟件")  # 軟件 → 軟體


def test_normalise_without_the_table_converts_everything():
    assert Taiwan().changes("職災") is True
    assert normalise("职灾") == "職災"


def test_the_python_converter_converts_as_opencc(knowledge):
    """text.Converter over OpenCC's own tables gives what OpenCC gives, on the questions,
    the report and random mixtures of the dictionaries' keys and characters."""
    tables = json.loads(knowledge.indexes["opencc"])
    ours, s2twp = Converter(tables), converter("s2twp")
    buckets = [b for table in tables["dicts"].values() for b in table.values()]
    keys = sorted(k for b in buckets for k in json.loads(b))
    chars = sorted({c for k in keys for c in k})
    rng = random.Random(3)
    texts = [p.text.lower() for p in knowledge.passages]
    for path in sorted(DATA.glob("*questions.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["q"].lower() for line in lines if line.strip()]
    for _ in range(20000):
        parts = (rng.choice(keys)[rng.randrange(2):] if rng.random() < 0.5 else rng.choice(chars)
                 for _ in range(rng.randint(1, 10)))  # fmt: skip
        texts.append("".join(parts))
    texts += ["", "a😞b\U0002000b", "软件 软体 里面 後來"]
    for text in texts:
        assert ours.convert(text) == s2twp.convert(text), text
