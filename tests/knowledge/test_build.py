"""The build: deterministic, complete, every figure traceable to the report text."""

import re
import shutil
from pathlib import Path

import pytest

from bot.knowledge import build
from bot.knowledge.extract import ReportError
from bot.knowledge.figures import squash
from bot.knowledge.models import (
    Figure,
    Indicator,
    Passage,
    Programme,
    ProgrammeFigure,
    Remark,
    ReportFact,
)
from tests.conftest import KNOWLEDGE, ROOT


@pytest.fixture(scope="module")
def rows():
    return build.build_rows(KNOWLEDGE)


def of(rows, cls):
    return [r for r in rows if isinstance(r, cls)]


def test_committed_database_matches_knowledge():
    from bot.engine.indexes import derive  # the engine's indexes, as `sdgbot build` stores them

    assert build.check(KNOWLEDGE, ROOT / "indicators.db", derive) == []


def test_build_is_deterministic(tmp_path: Path, rows):
    build.write(rows, tmp_path / "a.db")
    build.write(build.build_rows(KNOWLEDGE), tmp_path / "b.db")
    assert build.dump(tmp_path / "a.db") == build.dump(tmp_path / "b.db")


def test_twenty_indicators_four_goals(rows):
    ids = [i.id for i in of(rows, Indicator)]
    assert len(ids) == 20
    assert ids[:6] == ["1.3.1", "1.3.2", "1.4.1", "1.4.2", "1.4.3", "1.a.2"]
    assert {i.goal for i in of(rows, Indicator)} == {1, 4, 8, 10}
    assert ids[-3:] == ["10.2.2", "10.3.1", "10.6.4"]


def test_every_figure_text_stands_in_the_report(rows, report_text):
    flat = squash(report_text)
    figures = of(rows, Figure) + of(rows, ProgrammeFigure)
    assert len(of(rows, Figure)) >= 90
    for fig in figures:
        assert squash(fig.text) in flat, fig


def test_every_figure_value_agrees_with_its_text(rows):
    for fig in of(rows, Figure) + of(rows, ProgrammeFigure):
        digits = re.sub(r"[^\d.萬]", "", fig.text)
        if "萬" in digits:
            high, _, low = digits.partition("萬")
            expected = float(high) * 10_000 + (float(low) if low else 0)
        else:
            expected = float(digits)
        assert fig.value == pytest.approx(expected), fig


def figure(rows, ind, period, component=""):
    [fig] = [
        f
        for f in of(rows, Figure)
        if f.indicator_id == ind and f.period == period and f.component == component
    ]
    return fig


def test_upper_bound_targets_and_direction(rows):
    inds = {i.id: i for i in of(rows, Indicator)}
    for ind in ("8.7.1", "8.7.2"):
        target = figure(rows, ind, "target_2024")
        assert target.comparator == "<="
        assert inds[ind].direction == "lower"
        assert not inds[ind].met
    assert figure(rows, "8.7.1", "target_2024").text == "0.019 以下"
    assert figure(rows, "8.7.1", "actual_2024").value == 0.022
    assert figure(rows, "8.7.1", "actual_2024").unit == "千人率"
    assert sum(not i.met for i in inds.values()) == 2


def test_multi_part_indicators(rows):
    assert figure(rows, "4.4.3", "actual_2024", "青年").value == 27701
    assert figure(rows, "4.4.3", "target_2024", "失業者").value == 35000
    assert figure(rows, "4.4.3", "latest", "青年").text == "2,566 名"
    for ind in ("8.5.2", "8.5.3", "8.6.1", "10.2.2"):
        comps = {f.component for f in of(rows, Figure) if f.indicator_id == ind}
        assert "人數" in comps and any(c.endswith("率") for c in comps), ind
    assert figure(rows, "8.5.2", "actual_2024", "訓後就業率").text == "84.13%"


def test_units_and_wan(rows):
    assert figure(rows, "1.3.1", "target_2024").text == "190 萬人"
    assert figure(rows, "1.3.1", "target_2024").value == 1_900_000
    ten = [figure(rows, "10.3.1", p) for p in ("baseline_2021", "target_2024", "actual_2024")]
    assert [f.value for f in ten] == [2_000_000, 4_150_000, 4_800_000]
    assert all(f.unit == "人次" for f in ten)
    latest = figure(rows, "10.3.1", "latest")
    assert latest.text == "約 511 萬人次" and latest.as_of == "至 2025 年 9 月 16 日"


def test_latest_figures_with_as_of(rows):
    latest = figure(rows, "1.3.1", "latest")
    assert (latest.value, latest.as_of) == (2_020_057, "截至 2025 年 7 月底")
    assert figure(rows, "1.4.1", "latest").text == "121 場"
    assert figure(rows, "1.4.2", "latest").unit == "人次"
    assert figure(rows, "4.5.9", "latest").value == 32_780
    assert figure(rows, "4.3.3", "latest").value == 34_140
    assert figure(rows, "8.5.3", "latest", "推介就業率").value == 77.5
    assert not [f for f in of(rows, Figure) if f.indicator_id == "8.7.1" and f.period == "latest"]


def test_report_quirks_are_recorded(rows):
    remarks = {(r.indicator_id, r.kind) for r in of(rows, Remark)}
    assert ("8.3.3", "discrepancy") in remarks
    assert ("8.5.3", "twin") in remarks and ("10.2.2", "twin") in remarks
    assert ("1.a.2", "window") in remarks
    assert ("8.7.3", "base") in remarks
    inds = {i.id: i for i in of(rows, Indicator)}
    assert inds["8.3.3"].note == "2021 年累計之創業貸款核准之申貸案件數"
    assert "訓後就業率" in inds["8.3.3"].note_appendix
    base = next(r for r in of(rows, Remark) if r.kind == "base")
    assert "750" in base.text
    # 1.a.2: 2024 actual is below 2021 and still met (different counting windows)
    assert figure(rows, "1.a.2", "actual_2024").value < figure(rows, "1.a.2", "baseline_2021").value
    assert inds["1.a.2"].met


def test_report_facts(rows):
    facts = {f.key: f.value for f in of(rows, ReportFact)}
    assert facts["published"] == "2025-10"
    assert facts["tsdgs_approved"] == "2018-12-27"
    assert facts["indicators_approved"] == "2019-07-01"
    assert facts["period_reviewed"] == "2020–2024"
    assert (facts["national_core_goals"], facts["ministry_core_goals"]) == ("18", "4")
    assert facts["ministry_indicators"] == "20"
    assert facts["minister"] == "洪申翰"
    assert facts["publisher"] == "勞動部"
    assert facts["compiled_by"] == "綜合規劃司"


def test_a_counted_fact_quotes_the_ones_counted(rows, report_text):
    """「5 個三級機關」 is quoted with 「三級機關（構）為勞工保險局、…」, the sentence naming
    them, so 「有哪些三級機關」 and "which agency manages the labour funds" are answered."""
    texts = {f.key: f.text for f in of(rows, ReportFact)}
    assert "勞動基金運用局" in texts["agencies"] and "5 個三級機關" in texts["agencies"]
    assert "勞動法務司" in texts["business_units"] and "統計處" not in texts["business_units"]
    assert "統計處" in texts["support_units"]
    sentences = [s for t in texts.values() for s in re.split(r"(?<=。)", t) if s.strip()]
    assert all(s.strip() in report_text for s in sentences if "。" in s)  # each verbatim


def test_programmes_and_passages(rows):
    progs = of(rows, Programme)
    assert len(progs) == 8
    assert [p.goal for p in progs] == [1, 1, 4, 8, 8, 8, 10, 10]
    assert "2022 年 5 月 1 日施行" in progs[0].content
    assert all(p.stakeholders and p.content and p.conclusion for p in progs)
    pfigs = {f.text for f in of(rows, ProgrammeFigure)}
    assert {"168 人", "74 萬 1,561 人次", "逾 290 人"} <= pfigs
    headings = [p.heading for p in of(rows, Passage)]
    assert any("組織架構" in h for h in headings)
    assert any(h.startswith("附錄二") for h in headings)
    assert any(h.startswith("第三章") for h in headings)
    org = next(p for p in of(rows, Passage) if "組織架構" in p.heading)
    assert org.page == 2


def test_a_changed_report_fails_loudly(tmp_path: Path):
    shutil.copytree(KNOWLEDGE, tmp_path / "knowledge")
    report = tmp_path / "knowledge" / build.REPORT_FILE
    text = report.read_text(encoding="utf-8").replace("勞動部部長", "部長室")
    report.write_text(text, encoding="utf-8")
    with pytest.raises(ReportError):
        build.build_rows(tmp_path / "knowledge")


def test_check_reports_a_changed_figure(tmp_path: Path):
    shutil.copytree(KNOWLEDGE, tmp_path / "knowledge")
    build.write(build.build_rows(tmp_path / "knowledge"), tmp_path / "x.db")
    report = tmp_path / "knowledge" / build.REPORT_FILE
    report.write_text(
        report.read_text(encoding="utf-8").replace("1,931,013 人", "1,931,014 人", 1),
        encoding="utf-8",
    )
    with pytest.raises(ReportError):  # chapter 2 and appendix 1 now disagree
        build.build_rows(tmp_path / "knowledge")
    text = report.read_text(encoding="utf-8").replace("1,931,014 人", "1,931,013 人")
    report.write_text(text.replace("2.448", "2.449"), encoding="utf-8")
    lines = build.check(tmp_path / "knowledge", tmp_path / "x.db")
    assert any("figure" in line for line in lines)
    assert any("2.449" in line for line in lines)


def test_every_programme_has_its_english_name(rows):
    assert all(p.name_en for p in of(rows, Programme))


def test_a_simplified_word_taiwan_phrases_would_turn_away_is_brought_back():
    from bot.knowledge.vocab import variants

    # OpenCC's s2twp turns 发布 into 釋出; the report says 發布
    assert ("釋出", "發布") in variants(["發布", "職災"], "2021 年發布的 VDR 報告")
    # a word whose Taiwan form the report prints is left alone
    assert variants(["發布"], "發布 釋出") == []


def test_the_variants_are_in_the_bundled_store(knowledge):
    pairs = {(a.term, a.target) for a in knowledge.aliases if a.source == "variants"}
    assert ("釋出", "發布") in pairs


def test_the_dictionary_keeps_words_as_the_report_prints_them():
    from bot.knowledge.vocab import report_words

    words = report_words("推動各項訓練計畫，與學校聯繫。")
    assert "計畫" in words  # OpenCC's Taiwan phrases make 计划 計劃
    assert "聯繫" in words and "訓練" in words
