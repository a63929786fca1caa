"""The unanswered loop: question, time, reason and the closest candidates only; the most
frequent listed; `sdgbot unanswered` (text, JSON, CSV) from the state store."""

import argparse
import asyncio
import csv
import io
import json
from datetime import UTC, datetime

import pytest

from bot.telegram.state import Record, Store
from bot.telegram.state_sqlite import SQLiteBackend
from bot.telegram.unanswered import (
    Unanswered,
    add_arguments,
    cmd_unanswered,
    most_frequent,
    normalise,
    read,
)


def test_records_hold_question_time_reason_and_candidates():
    store = Store()
    log = Unanswered(store)
    assert log.record("  颱風假  怎麼放\u200b ", "not_found", candidates=["8.5.2"], now=5.0)
    assert store._records == [Record(5.0, "not_found", "颱風假 怎麼放", ("8.5.2",))]
    assert not log.record(" \n\t", "not_found") and len(store._records) == 1
    with pytest.raises(ValueError):
        log.record("x", "because")
    log.record("問" * 5000, "not_helpful", subject=["8.7.1"])
    assert len(store._records[-1].q) == 500 and store._records[-1].subject == ("8.7.1",)


def test_most_frequent_counts_normalised_questions():
    records = [Record(float(i), "not_found", q) for i, q in
               enumerate(["颱風假", "颱風假 ", "ＡＢＣ", "abc", "ABC", "最低工資"])]  # fmt: skip
    records.append(Record(9.0, "none_of_these", "最低工資", ("8.5.2",)))
    rows = most_frequent(records)
    assert [(r.question, r.count) for r in rows] == [
        ("ABC", 2), ("最低工資", 2), ("颱風假", 2), ("abc", 1)]  # fmt: skip
    assert rows[1].reasons == {"not_found": 1, "none_of_these": 1} and rows[1].ids == ("8.5.2",)
    assert [r.question for r in most_frequent(records, reason="none_of_these")] == ["最低工資"]
    assert normalise("Ａ\u200bB") == "A B"


def test_an_old_json_lines_log_is_still_read(tmp_path):
    path = tmp_path / "u.jsonl"
    path.write_text('{"ts": "2025-10-01T00:00:00Z", "reason": "not_found", "q": "颱風假"}\n'
                    "not json\n", encoding="utf-8")  # fmt: skip
    [rec] = read(path)
    assert rec.q == "颱風假" and rec.ts == datetime(2025, 10, 1, tzinfo=UTC).timestamp()
    assert list(read(tmp_path / "missing.jsonl")) == []


def parse(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_arguments(p)
    return p.parse_args(list(argv))


async def _fill(store: Store) -> None:
    log = Unanswered(store)
    for _ in range(3):
        log.record("颱風假", "not_found", candidates=["8.5.2", "1.3.1"])
    log.record("育嬰假", "none_of_these", candidates=["1.3.2"])
    log.record("職災死亡千人率", "not_helpful", subject=["8.7.1"])
    await store.close()


def test_cmd_unanswered_reads_the_store_the_settings_name(tmp_path, capsys, monkeypatch,
                                                          state_backend):  # fmt: skip
    """SQLite by default (SDGBOT_STATE); Redis with `--state redis` (SDGBOT_REDIS_URL)."""
    from bot.config import load_settings
    from bot.telegram.state import open_store

    monkeypatch.setenv("SDGBOT_UNANSWERED", str(tmp_path / "var" / "u.jsonl"))
    asyncio.run(_fill(open_store(load_settings())))
    if state_backend == "sqlite":
        assert (tmp_path / "var" / "state.db").is_file()
    assert cmd_unanswered(parse()) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[0] == "3" and out[0].endswith("颱風假  [8.5.2 1.3.1]")
    assert cmd_unanswered(parse("--json", "--limit", "1")) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [{"q": "颱風假", "count": 3, "last": rows[0]["last"],
                     "reasons": {"not_found": 3}, "ids": ["8.5.2", "1.3.1"]}]  # fmt: skip
    assert cmd_unanswered(parse("--csv", "--reason", "not_helpful")) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["reason"], r["question"], r["subject"]) for r in table] == [
        ("not_helpful", "職災死亡千人率", "8.7.1")]  # fmt: skip


def test_cmd_unanswered_bad_settings_exit_2(monkeypatch, capsys):
    monkeypatch.setenv("SDGBOT_REDIS_URL", "http://nope")
    assert cmd_unanswered(parse()) == 2
    assert "SDGBOT_REDIS_URL" in capsys.readouterr().err


async def test_records_expire_after_the_days_kept(tmp_path):
    now = datetime.now(UTC).timestamp()
    store = Store(SQLiteBackend(tmp_path / "s.db"), days=90)
    store.record(Record(now - 91 * 86_400, "not_found", "舊"))
    store.record(Record(now, "not_found", "新"))
    assert [r.q for r in await store.records()] == ["新"]
    await store.close()
