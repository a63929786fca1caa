"""The first line of a quoted answer: the clause that holds the question's words."""

from bot.engine.snippet import LIMIT, snippet

SENTENCE = (
    "職災死亡千人率目標值為 0.019，實際值為 0.022，未達目標值，在面對職業災害預防更嚴峻之挑戰中，"
    "勞動部已啟動多項強化減災作為，例如加強安全衛生檢查 15 萬 1,174 場次，並持續精進各項減災策略，"
    "進一步彰顯政府保障工作者安全健康的決心。"
)


def test_the_clause_holding_the_words_is_kept_with_ellipses_where_the_sentence_goes_on():
    line = snippet(SENTENCE, ["檢查", "場次"], lambda s: s)
    assert "15 萬 1,174 場次" in line and len(line) <= LIMIT
    assert line.startswith("…")  # the sentence starts before the kept clauses
    assert line.strip("…") in SENTENCE


def test_a_short_text_is_kept_whole_and_no_hit_gives_nothing():
    assert snippet("部長：洪申翰。", ["部長"], lambda s: s) == "部長：洪申翰。"
    assert snippet(SENTENCE, ["基本工資"], lambda s: s) == ""
