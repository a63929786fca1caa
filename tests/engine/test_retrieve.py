"""Sentence-level retrieval: units found by words and by characters, quoted whole."""

from bot.engine.retrieve import bigrams


def test_bigrams_keep_to_chinese_runs():
    assert bigrams("職安法 罰則 ict") == ["職安", "安法", "罰則"]


def test_characters_find_a_unit_jieba_would_cut_otherwise(engine):
    # 「加保方式」 is no word of the report; its characters still lead to 加保 sentences
    hits = engine.units.rank(["加保方式"], "加保方式")
    assert hits and hits[0].chars > 0 and hits[0].words == 0
    assert "加保" in engine.knowledge.units[hits[0].index].text


def test_a_unit_answer_quotes_whole_units_under_their_section(engine):
    units = engine.knowledge.units
    hits = engine.units.rank(["罰則"], "罰則")
    unit = units[hits[0].index]
    answer = engine.cards.units("罰則", [unit], 80.0)
    assert answer.found and answer.sentences == [unit.text]
    assert answer.title == unit.section and answer.passage.id == unit.passage_id
