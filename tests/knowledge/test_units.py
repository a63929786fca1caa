"""The build splits the report into units and says who owns each (knowledge/units.py)."""

import itertools
import re

import pytest

from bot.knowledge import build, compare, units
from bot.knowledge.figures import squash
from bot.knowledge.models import Programme, Unit
from bot.knowledge.values import owners
from tests.conftest import KNOWLEDGE

CH2_GOAL_8 = "第二章核心目標及推動亮點 > 第三節核心目標 8"
APPENDIX_2 = "附錄二利害關係人與溝通情形盤點表"


@pytest.fixture(scope="module")
def rows():
    return build.build_rows(KNOWLEDGE)


@pytest.fixture(scope="module")
def all_units(rows) -> list[Unit]:
    return [r for r in rows if isinstance(r, Unit)]


def one(all_units, fragment: str) -> Unit:
    found = [u for u in all_units if fragment in u.text]
    assert len(found) == 1, (fragment, [u.text[:40] for u in found])
    return found[0]


# -- owners ----------------------------------------------------------------------


def test_the_shared_8_7_1_and_8_7_2_subsection_gives_each_unit_to_what_it_names(all_units):
    disability = one(all_units, "職災失能及傷病千人率目標值為 2.3 以下")
    death = one(all_units, "職災死亡千人率目標值為 0.019")
    challenge = one(all_units, "職業災害發生率已逐年下降")
    assert (disability.owner_type, owners(disability)) == ("indicator", ("8.7.2",))
    assert (death.owner_type, owners(death)) == ("indicator", ("8.7.1",))
    assert owners(challenge) == ("8.7.1", "8.7.2")  # names neither: both own it
    # the one printed sentence turns from 8.7.2 to 8.7.1: two units, each whole on its side
    assert "3.8%" in disability.text and "0.022" not in disability.text
    assert "2.353" not in death.text and "15 萬 1,174 場次" in death.text
    assert death.passage_id == disability.passage_id
    assert death.position == disability.position + 1


def test_a_unit_naming_all_three_goes_to_all_three(all_units):
    said = one(all_units, "2017 年至 2024 年累積辦理創業研習課程 1,331 場")
    assert owners(said) == ("1.4.1", "1.4.2", "1.4.3")


def test_a_single_indicator_subsection_owns_its_units(all_units):
    growth = one(all_units, "較 2021 年成長 25.7%")
    assert (growth.owner_type, owners(growth), growth.kind) == ("indicator", ("1.3.1",), "item")


def test_a_programme_sentence_belongs_to_its_programme(rows, all_units):
    programme = next(p for p in rows if isinstance(p, Programme) and "就業平等網" in p.title)
    views = one(all_units, "瀏覽人次累積約 511 萬人次")
    assert (views.owner_type, owners(views)) == ("programme", (str(programme.id),))
    assert views.kind == "sentence"


def test_a_chapter_3_sentence_belongs_to_its_section(all_units):
    unit = one(all_units, "針對微型創業熱門行業")
    section = "第三章總結及未來展望 > 六、強化微型創業支持"
    assert (unit.owner_type, owners(unit), unit.section) == ("section", (section,), section)


def test_only_execution_subsections_give_units_to_indicators(all_units):
    for unit in all_units:
        if unit.owner_type == "indicator":
            assert "執行情形" in unit.section
        elif "推動亮點" not in unit.section:
            assert unit.owner_type == "section" and unit.owner_id == unit.section


# -- splitting -------------------------------------------------------------------


def test_a_colon_introduced_list_is_one_unit_with_all_its_items(all_units):
    measures = one(all_units, "持續精進下列措施：")
    assert measures.kind == "list"
    assert measures.text.startswith("為促進低收入戶及中低收入戶就業")
    assert "1. 與社工員共案深化服務" in measures.text
    assert "2. 延長就業適應追蹤輔導" in measures.text
    assert measures.text.endswith("提供公共就業機會及其他就業自立相關措施。")
    assert "未來，相關公私部門" not in measures.text  # the paragraph after the list


def test_chapter_1_bullets_stay_with_the_sentence_that_introduces_them(all_units):
    goals = one(all_units, "分別為：")
    assert goals.kind == "list"
    assert re.findall(r"核心目標 (\d+)「", goals.text) == ["1", "4", "8", "10"]


def test_an_item_with_sub_items_is_one_unit(all_units):
    safety = one(all_units, "建構安全職場：")
    assert safety.kind == "list" and safety.text.startswith("(二) 近年重大職業災害")
    assert re.findall(r"^(\d)\. ", safety.text, re.M) == ["1", "2", "3"]


def test_no_unit_is_cut_after_a_colon_that_introduces_items(all_units):
    for before, after in itertools.pairwise(all_units):
        if before.text.endswith("：") and after.passage_id == before.passage_id:
            assert after.kind == "row", before.text  # 「如下：」 before a table is fine


def test_a_long_sentence_is_split_at_its_semicolons_a_short_one_is_not(all_units):
    assert one(all_units, "建構微型創業經營所需知能，設計財務管理、營運行銷等課程；").kind == (
        "sentence"
    )
    kept_whole = [u for u in all_units if u.kind == "sentence" and "；" in u.text[:-1]]
    assert all(len(u.text) <= units.LONG_SENTENCE for u in kept_whole)
    assert units.sentences("甲乙；丙丁。") == ["甲乙；丙丁。"]
    long = "甲" * 60 + "；" + "乙" * 60 + "。再一句。"
    assert units.sentences(long) == ["甲" * 60 + "；", "乙" * 60 + "。", "再一句。"]


def test_stakeholder_table_rows_come_out_as_rows_with_their_column_names(all_units):
    table = [u for u in all_units if u.section == APPENDIX_2]
    assert len(table) == 24 and {u.kind for u in table} == {"row"}
    for row in table:
        assert re.match(r"^利害關係人類別：[^｜]+｜項目：[^｜]+｜內容：", row.text), row.text
        assert "利害關係人類別：利害關係人類別" not in row.text  # no header row
    summary = [u for u in table if "項目：參與交流摘要" in u.text]
    assert len(summary) == 12  # each continuation row carries its stakeholder
    assert all(not u.text.startswith("利害關係人類別：｜") for u in summary)


def test_the_employers_channels_row_has_three_items(all_units):
    row = one(all_units, "利害關係人類別：企業｜項目：溝通管道及頻率")
    assert re.findall(r"(\d)\. ", row.text) == ["1", "2", "3"]
    assert "雇主座談會" in row.text and "就業機會開發" in row.text


def test_indicator_table_rows_name_the_two_line_header(all_units):
    row = one(all_units, "對應指標：指標 8.7.2：職災失能及傷病千人率 *計算說明")
    assert "2021 年實際值：2.448" in row.text
    assert "2024 年目標值：2.3 以下" in row.text and "2024 年實際值：2.353" in row.text
    assert row.section.startswith(CH2_GOAL_8) and row.owner_type == "section"
    assert not [u for u in all_units if "對應指標：對應指標" in u.text]  # repeated headers


def test_every_unit_stands_in_the_report(all_units, report_text):
    flat = squash(re.sub(r"<[^>]+>|^\s*-\s", "", report_text, flags=re.M))
    for unit in all_units:
        if unit.kind == "row":
            for pair in unit.text.split("｜"):
                assert squash(pair.split("：", 1)[-1]) in flat, (unit.id, pair)
        elif unit.kind == "captions":  # each line where the photo stands
            for line in unit.text.splitlines():
                assert squash(line) in flat, (unit.id, line)
        else:
            assert squash(unit.text) in flat, (unit.id, unit.text[:60])


def test_units_are_numbered_in_order_and_placed_in_their_passages(rows, all_units):
    assert [u.id for u in all_units] == list(range(1, len(all_units) + 1))
    passages = {p.id: p for p in rows if type(p).__name__ == "Passage"}
    by_passage: dict[int, list[int]] = {}
    for unit in all_units:
        assert unit.section == passages[unit.passage_id].heading
        assert unit.page == passages[unit.passage_id].page
        by_passage.setdefault(unit.passage_id, []).append(unit.position)
    assert all(p == list(range(len(p))) for p in by_passage.values())
    assert {u.kind for u in all_units} == {"sentence", "item", "list", "row", "captions"}


def test_the_store_loads_the_units_in_order(knowledge):
    assert len(knowledge.units) > 150
    assert [u.id for u in knowledge.units] == sorted(u.id for u in knowledge.units)
    assert {u.owner_type for u in knowledge.units} == {"indicator", "programme", "section"}


# -- the build diff ----------------------------------------------------------------


def test_the_diff_counts_units_by_text_and_owner(all_units):
    was = [u.model_dump() for u in all_units]
    now = [dict(r, id=r["id"] + 1) for r in was]  # one unit more at the front renumbers all
    now.insert(0, dict(was[0], id=1, text="新的一句。"))
    now[-1]["owner_id"] = "8.7.1"
    lines = compare.units(was, now)
    assert lines[0].startswith(f"units: {len(was)} → {len(was) + 1}: 0 removed, 1 added, ")
    assert "1 with another owner" in lines[0]
    assert any("新的一句" in line for line in lines[1:])
    assert compare.units(was, was) == []


# -- photo captions --------------------------------------------------------------


def test_a_programmes_photo_captions_are_one_unit_it_owns(all_units, rows):
    youth = one(all_units, "室內水電術科操作練習")
    assert youth.kind == "captions" and youth.owner_type == "programme"
    assert "鍋爐" in youth.text and len(youth.text.splitlines()) == 3
    programme = next(p for p in rows if isinstance(p, Programme) and p.id == int(youth.owner_id))
    assert all(line in programme.captions for line in youth.text.splitlines())


def test_only_programmes_have_caption_units(all_units):
    assert {u.owner_type for u in all_units if u.kind == "captions"} == {"programme"}
    assert not any(u.kind == "captions" and "謹識" in u.text for u in all_units)
