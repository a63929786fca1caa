"""tools/converse.py, the conversation check: the real bot (`sdgbot run`, a process of its
own) against the fake Bot API, playing three scenarios of tests/data/conversations.jsonl
and one whose expectations the bot must fail, so the runner is seen to catch failures as
well as passes; and the checks of tools/converse_checks.py on their own."""

import json
import subprocess
import sys

import pytest

from tests.conftest import DATA, ROOT
from tools.converse import report
from tools.converse_checks import Said, check, contains, english_share, has_id, read

PLAYED = ["d02", "d05", "d11"]  # a group with privacy mode and replies; an edit; a share link
WRONG = {
    "id": "wrong",
    "chat": "group",
    "note": "expectations the bot does not meet",
    "steps": [
        {"text": "/q 職災死亡千人率", "expect": {"mentions": ["1.3.1"], "edited": True}},
        {"from": "B", "text": "那目標呢？", "reply_to": 0, "expect": {"answered": False}},
        {"from": "B", "text": "職災死亡千人率", "expect": {"answered": True}},
        {"kind": "callback", "press": "no such button", "on": 0, "expect": {}},
    ],
}


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    lines = [
        line
        for line in (DATA / "conversations.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["id"] in PLAYED
    ]
    path = tmp_path_factory.mktemp("converse") / "scenarios.jsonl"
    path.write_text("\n".join([*lines, json.dumps(WRONG, ensure_ascii=False)]) + "\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "tools/converse.py", str(path), "--json",
         "--bot", f"{sys.executable} -m bot run"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # one scenario fails
    return json.loads(done.stdout)


def test_the_bot_passes_the_played_scenarios(played):
    results = {r["id"]: r for r in played["scenarios"]}
    assert [r["id"] for r in played["scenarios"]] == [*PLAYED, "wrong"]
    for ident in PLAYED:
        assert results[ident]["ok"], results[ident]
    group = results["d02"]["steps"]
    assert group[3]["delivered"] is False  # chatter: privacy mode keeps it from the bot
    assert "0.019" in group[2]["said"] and "1.3.1" not in group[2]["said"]  # the card replied to
    assert played["bot_errors"] == []


def test_the_runner_says_why_a_step_fails(played):
    [wrong] = [r for r in played["scenarios"] if r["id"] == "wrong"]
    steps = wrong["steps"]
    assert not wrong["ok"] and [s["ok"] for s in steps] == [False, False, False, False]
    assert steps[0]["why"] == [
        "mentions: 1.3.1 is not in the reply",
        "edited: the bot sent 1 new message(s), edited none",
    ]
    assert steps[1]["why"][0].startswith("answered: false, but the bot said '8.7.1 ")
    assert steps[2] == steps[2] | {"delivered": False, "why": ["answered: the bot said nothing"]}
    assert steps[3]["why"][0].startswith("callback: no button with 'no such button' on step 0")
    assert played["summary"] == {"scenarios": 4, "scenarios_passed": 3,
                                 "steps": 15, "steps_passed": 11}  # fmt: skip


def test_the_report_ends_with_the_summary_line(played):
    scenarios = read(DATA / "conversations.jsonl")
    by_id = {s["id"]: s for s in scenarios} | {"wrong": WRONG}
    text = report([by_id[r["id"]] for r in played["scenarios"]], played["scenarios"])
    assert text.splitlines()[-1] == "conversation 3/4 scenarios, 11/15 steps"
    assert "FAIL wrong  expectations the bot does not meet" in text
    assert "       mentions: 1.3.1 is not in the reply" in text


def test_every_development_scenario_is_well_formed():
    scenarios = read(DATA / "conversations.jsonl")
    assert len(scenarios) >= 10 and not [s for s in scenarios if "invalid" in s]
    kinds = {step.get("kind", "text") for s in scenarios for step in s["steps"]}
    assert kinds == {"text", "sticker", "photo", "voice", "location", "callback", "join",
                     "inline"}  # fmt: skip
    assert {s["chat"] for s in scenarios} == {"private", "group", "forum"}


def test_bad_lines_are_named_not_fatal(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('not json\n{"id": "x", "chat": "room", "steps": [{"kind": "dance", '
                    '"reply_to": 3, "expect": {"mention": ["8.7.1"]}}]}\n', "utf-8")  # fmt: skip
    first, second = read(path)
    assert first == {"id": "line 1", "invalid": "not JSON (Expecting value)"}
    assert second["invalid"] == (
        "chat 'room' is not one of private, group, forum; step 0: kind 'dance' is not one of "
        "text, sticker, photo, voice, location, callback, join, inline; step 0: reply_to 3 is "
        "not an earlier step; step 0: unknown expect key(s) mention"
    )


def test_ids_stand_on_their_own_and_strings_ignore_spaces_and_commas():
    assert has_id("見 8.7.1。", "8.7.1") and not has_id("18.7.1 與 8.7.12", "8.7.1")
    assert has_id("1.a.2 微型創業", "1.a.2")
    assert contains("實際 1,931,013 人", "1931013人") and contains("a b", "x|ab")
    assert not contains("8.7.10", "8.7.1")


def test_english_is_judged_by_lines():
    card = "8.7.1 Occupational fatality rate: missed\nName in the report: 職災死亡千人率\n截至 2025"
    assert english_share(card) == pytest.approx(2 / 3)
    assert english_share("4.4.3 青年及失業者參與資通訊科技 (ICT) 相關類別") == 0
    said = Said(messages=["職災死亡千人率：0.022"], sent=1)
    assert check({"english": True}, said) == [
        "english: 0% of the lines in English: '職災死亡千人率：0.022'"
    ]
    assert check({"english": False, "max_lines": 1, "first_line": ["0.022"]}, said) == []
