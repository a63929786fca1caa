"""The first line of a quoted answer: the clause that holds the question's words."""

from bot.engine.snippet import LIMIT, best_snippet, snippet

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


PROGRAMME = (
    "2025 年訂定「身心障礙者職場合理調整行政指導」，讓各事業單位瞭解合理調整內涵及實施流程，"
    "落實在職場推動，以利身心障礙者就業。上開行政指導內容說明合理調整之定義與內涵，發動調整之流程與機制。"
    "勞動部已於官網設置身心障礙者職場合理調整專區，公告行政指導內容、提供常見問題、"
    "各縣市職場合理調整諮詢輔導窗口，"
    "及 2025 年 7 月至 12 月於各縣市辦理 26 場宣導說明會等相關資訊。"
)


def test_a_word_every_clause_repeats_counts_less_than_one_found_in_a_single_clause():
    line = snippet(PROGRAMME, ["職場合理調整", "宣導", "說明會"], lambda s: s)
    assert "26 場宣導說明會" in line


def test_the_items_of_a_list_before_the_kept_clause_come_with_it():
    text = (
        "為持續強化減災成效，本部採取強化宣導、輔導、檢查、協助、跨機關治理、伙伴合作及文化促進等"
        "多元策略工具，並針對營造業等高風險行業及重點事業單位加強檢查、裁罰及停工執行強度，"
        "截至 2025 年 8 月底，發生職業災害死亡人數總計 168 人，相較 2024 年同期減少 9.67%。"
    )
    line = snippet(text, ["策略工具", "伙伴合作"], lambda s: s)
    assert "跨機關治理、伙伴合作" in line and len(line) <= LIMIT


def test_of_several_texts_the_one_holding_the_words_best_gives_the_line():
    texts = [
        PROGRAMME,
        "涉及利害關係人：企業、學校（高中職、大專校院）；公立就業服務機構、地方政府。",
    ]
    assert best_snippet(texts, ["利害關係人", "合理調整"], lambda s: s).startswith("涉及利害關係人")
    assert best_snippet(texts, ["基本工資"], lambda s: s) == ""
