"""The unanswered log: question, time and reason only; the most frequent listed."""

import argparse
import json
from datetime import UTC, datetime

import pytest

from bot.telegram.unanswered import (
    UnansweredLog,
    add_arguments,
    cmd_unanswered,
    most_frequent,
    read,
)


def test_records_only_question_time_and_reason(tmp_path):
    log = UnansweredLog(tmp_path / "var" / "u.jsonl")
    assert log.record("  颱風假  怎麼放\u200b ", "not_found", now=datetime(2025, 10, 1, tzinfo=UTC))
    rec = json.loads((tmp_path / "var" / "u.jsonl").read_text(encoding="utf-8"))
    assert rec == {"ts": "2025-10-01T00:00:00Z", "reason": "not_found", "q": "颱風假 怎麼放"}


def test_empty_questions_and_unknown_reasons(tmp_path):
    log = UnansweredLog(tmp_path / "u.jsonl")
    assert not log.record(" \n\t", "not_found")
    assert not (tmp_path / "u.jsonl").exists()
    with pytest.raises(ValueError):
        log.record("x", "because")


def test_long_questions_are_capped(tmp_path):
    log = UnansweredLog(tmp_path / "u.jsonl")
    log.record("問" * 5000, "not_found")
    assert len(next(read(tmp_path / "u.jsonl"))["q"]) == 500


def test_most_frequent_counts_normalised_questions(tmp_path):
    path = tmp_path / "u.jsonl"
    log = UnansweredLog(path)
    for q in ["颱風假", "颱風假 ", "ＡＢＣ", "abc", "ABC", "最低工資"]:
        log.record(q, "not_found")
    log.record("最低工資", "none_of_these")
    with path.open("a") as fh:
        fh.write("not json\n")
    rows = most_frequent(path)
    assert [(q, n) for q, n, _ in rows] == [("ABC", 2), ("最低工資", 2), ("颱風假", 2), ("abc", 1)]
    assert [q for q, _, _ in most_frequent(path, reason="none_of_these")] == ["最低工資"]
    assert most_frequent(tmp_path / "missing.jsonl") == []


def test_cmd_unanswered_prints_the_most_frequent(tmp_path, capsys, monkeypatch):
    path = tmp_path / "u.jsonl"
    log = UnansweredLog(path)
    for _ in range(3):
        log.record("颱風假", "not_found")
    log.record("育嬰假", "none_of_these")
    p = argparse.ArgumentParser()
    add_arguments(p)
    assert cmd_unanswered(p.parse_args(["--log", str(path)])) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[0] == "3" and out[0].endswith("颱風假") and out[1].endswith("育嬰假")
    monkeypatch.setenv("SDGBOT_UNANSWERED", str(path))
    assert cmd_unanswered(p.parse_args(["--json", "--limit", "1"])) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [{"q": "颱風假", "count": 3, "last": rows[0]["last"]}]
