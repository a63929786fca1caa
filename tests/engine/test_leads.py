"""The first line of an answer says what was asked (score.py's `lead`): the card's own
line when a number is asked and the quote beside it has none, the clause of a programme
(its content, stakeholders or conclusion) that holds what the question asks beyond its name."""

from bot.render.plain import plain


def first(engine, question: str) -> str:
    return plain(engine.answer(question)).splitlines()[0]


def test_a_number_asked_is_answered_by_the_card_not_by_a_quote_without_one(engine):
    line = first(engine, "創業諮詢輔導服務累計多少人次了")
    assert line.startswith("1.4.2") and "35,659 人次" in line


def test_the_2021_figure_asked_is_not_answered_by_a_quote_of_other_years(engine):
    line = first(engine, "社會創新專案管理的培訓 2021年那時累積幾人")
    assert line.startswith("10.6.4") and "1,014 人" in line


def test_a_programme_leads_with_its_stakeholders_when_they_are_asked(engine):
    line = first(engine, "勞工職業災害保險及保護法牽涉到哪些利害關係人")
    assert line.startswith("涉及利害關係人：") and "雇主" in line and len(line) <= 120


def test_a_programme_leads_with_the_clause_past_its_name(engine):
    assert "26 場宣導說明會" in first(engine, "職場合理調整的宣導說明會辦幾場")
    assert "2022 年 5 月 1 日施行" in first(engine, "勞工職業災害保險及保護法什麼時候施行")


def test_a_figure_counted_as_asked_is_found_in_the_cards_own_text(engine):
    line = first(engine, "職災兩個千人率都沒達標 那勞動部有加強檢查嗎 查了幾場")
    assert "15 萬 1,174 場次" in line


def test_2025_asked_of_a_card_without_a_2025_figure_leads_with_the_quote_that_has_one(engine):
    line = first(engine, "2025年職災死亡人數比2024年同期減少多少")
    assert "168 人" in line and "9.67%" in line


def test_2024_against_2021_leads_with_the_reports_growth_when_quoted(engine):
    line = first(engine, "劳保年金领的人数2024比2021成长了百分之多少")
    assert "25.7%" in line
    assert first(engine, "微貸指標8.3.3 在2021年的實際值").startswith("8.3.3")  # no growth asked


def test_the_parts_of_a_chapter_lead_when_a_list_of_them_is_asked(engine):
    line = first(engine, "報告最後的總結 說勞動部未來有哪幾個大方向")
    assert line.startswith("包含：一、健全社會保險制度") and "強化微型創業支持" in line


def test_a_programmes_stakeholders_line_is_said_in_the_users_language(engine):
    from bot.i18n import translator

    answer = engine.answer("勞工職業災害保險及保護法牽涉到哪些利害關係人")
    assert plain(answer, translator("en")).startswith("Stakeholders: 65 歲以上")


def test_too_much_asked_for_one_line_leads_with_what_only_the_card_tells(engine):
    text = plain(
        engine.answer(
            "For the low-income job placement indicator, why is the 2024 target (54,000) lower "
            "than the 2021 figure (82,752)? Are they counted over different periods?"
        )
    )
    line = text.splitlines()[0]
    assert len(line) <= 120 and "2017-2021" in line and "2021-2024" in line
    assert "54,000 人次" in text and "82,752 人次" in text  # the figures follow below
    assert text.count("2021 年計算區間為 2017-2021 年累計推介人數；2024") == 2  # line + 註


def test_when_asked_of_a_card_the_quote_with_the_date_leads(engine):
    assert "2009 年 1 月 1 日" in first(engine, "勞保年金制度是從哪一年哪一天開始實施的")
