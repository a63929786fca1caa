"""Honest answers: years and ids the report does not print are refused, counts are counted."""

import pytest

from bot.engine.answer import Kind
from bot.render.plain import plain, to_json
from tests.conftest import KNOWLEDGE


@pytest.mark.parametrize(
    ("question", "year"),
    [("職災死亡千人率 2023 年是多少", "2023"), ("2030年職災死亡千人率要降到多少", "2030"),
     ("2022年劳保年金请领人数多少", "2022"), ("ICT 職訓 youth 2023 參訓幾人", "2023"),
     ("8.7.3 2025 年的最新數字", "2025")],
)  # fmt: skip
def test_a_year_the_report_does_not_print_is_not_answered_with_the_card(engine, question, year):
    answer = engine.answer(question)
    assert not answer.found and answer.zone == "none"
    text = plain(answer)
    assert f"{year} 年" in text and "2021、2024" in text  # what it does print
    assert "78.8%" not in text or "最新的是 2024 年實際 78.8%" in text  # marked as what it is
    assert "0.022" not in text and "1,931,013" not in text  # no figure offered as the answer


@pytest.mark.parametrize(
    ("question", "printed"),
    [("2023年青年職涯發展中心服務了多少人", "2021、2024、2025 年"),
     ("How many young people took ICT-related vocational training in 2022 alone?",
      "2017、2024、2025 年")],
)  # fmt: skip
def test_a_year_no_quoted_text_names_is_not_answered_with_the_quote(engine, question, printed):
    """A figure asked of a year the report's text never gives: refused, the closest text
    quoted and marked as such, with the years it does name."""
    answer = engine.answer(question)
    assert not answer.found and answer.zone == "none"
    first = plain(answer).splitlines()[0]
    assert first.startswith("報告沒有列出 20") and f"最接近的內容只提到 {printed}：「" in first
    assert engine.answer("2024年青年職涯發展中心服務了多少人").found  # a year it names


@pytest.mark.parametrize(
    ("question", "latest"),
    [("2025年全年微型創業貸款核准幾件", "最新的是 2025 年 1 月至 8 月：298 件"),
     ("How many micro-business loans were approved in the whole of 2025?", "298 件"),
     ("2025一整年職災死了多少人", "最接近的內容：「截至 2025 年 8 月底，發生職業災害死亡"),
     ("2025年全年青年職涯發展中心服務多少人次", "2025 年 1 月至 8 月服務青年 9 萬 4,467 人次")],
)  # fmt: skip
def test_a_whole_year_the_report_prints_up_to_a_month_is_refused(engine, question, latest):
    """2025 全年 asked: the report prints 2025 up to a month only; said so, with that."""
    answer = engine.answer(question)
    assert not answer.found and "2025 年全年" in answer.message and latest in answer.message
    assert engine.answer("2025年1到8月微型創業貸款核准幾件").found  # the months it prints


@pytest.mark.parametrize("question", ["職災死亡千人率 2024 年", "勞保年金 2021 年", "1.3.1 2025"])
def test_printed_years_are_answered(engine, question):
    answer = engine.answer(question)
    assert answer.found and answer.kind is Kind.INDICATOR


@pytest.mark.parametrize("question", ["8.7.1.1", "1.a.2.3", "指標 4.4.3.2"])
def test_an_id_with_a_part_too_many_is_no_indicator(engine, question):
    answer = engine.answer(question)
    assert not answer.found and "報告中沒有指標" in plain(answer)


def test_how_many_met_is_counted_first(engine):
    answer = engine.answer("有幾項指標達成2024年目標")
    assert answer.found and answer.kind is Kind.LIST
    first = plain(answer).splitlines()[0]
    assert "20 項指標中，18 項已達成、2 項未達成" in first
    assert {"8.7.1", "8.7.2"}.isdisjoint(m.id for m in answer.matches)


def test_did_you_mean_is_an_answer_with_figures_in_the_contract(engine):
    answer = engine.answer("職災")
    data = to_json(answer)
    assert data["zone"] in ("answer", "choices") and data["found"]
    if data["zone"] == "choices":
        assert "2024：" in data["answer"] and "8.7.1" in [m["id"] for m in data["matches"]]


@pytest.mark.parametrize(
    "question", ["勞動部在氣候變遷SDG13有做什麼", "核心目標5的指標", "目標十三"]
)
def test_a_goal_the_report_does_not_cover_is_not_answered(engine, question):
    answer = engine.answer(question)
    assert not answer.found and "核心目標 " in plain(answer).splitlines()[0]
    assert "1、4、8、10" in plain(answer)


@pytest.mark.parametrize("question", ["核心目標十的指標", "SDG 8 有哪些指標", "goal 4"])
def test_a_goal_the_report_covers_is_answered(engine, question):
    assert engine.answer(question).found


@pytest.mark.parametrize(
    ("question", "scheme"),
    [
        ("青年就業領航計畫每個月補助多少", "青年就業領航計畫"),
        ("我想問產業新尖兵計畫", "產業新尖兵計畫"),
    ],
)
def test_a_scheme_named_with_a_word_the_report_never_uses_is_not_covered(engine, question, scheme):
    answer = engine.answer(question)
    assert not answer.found and scheme in plain(answer).splitlines()[0]


@pytest.mark.parametrize(
    "question", ["前任勞動部長是誰", "Who was the labor minister before Hung Sun-han?"]
)
def test_an_earlier_minister_is_not_in_the_report(engine, question):
    """The report names its own minister only: 洪申翰 is no answer to who came before."""
    answer = engine.answer(question)
    assert not answer.found and "洪申翰" not in plain(answer)
    assert "洪申翰" in plain(engine.answer("Who is the labor minister?"))


@pytest.mark.parametrize("question", ["投資青年就業方案是什麼", "社會創新專業人員訓練發展計畫"])
def test_a_scheme_the_report_names_is_answered(engine, question):
    assert engine.answer(question).found


@pytest.mark.parametrize("question", ["2024年職災死了多少人", "How many workers died in 2024?"])
def test_a_count_the_report_prints_only_as_a_rate_is_not_answered_with_the_rate(engine, question):
    answer = engine.answer(question)
    text = plain(answer)
    assert not answer.found and "8.7.1" in text and "0.022" in text
    assert "168 人" in text  # the closest thing: the programme's 2025 count, said as such


@pytest.mark.parametrize("question", ["職災死亡千人率2024", "今年職災死亡人數"])
def test_the_rate_or_the_latest_count_is_still_answered(engine, question):
    assert engine.answer(question).found


@pytest.mark.parametrize(
    "question", ["微型創業貸款申請的年齡限制是幾歲", "我20歲 可以申請微型創業貸款嗎 年紀有限制嗎"]
)
def test_an_age_asked_is_not_answered_by_a_sentence_that_only_shares_the_word_for_age(
    engine, question
):
    # the report prints ages (65 歲, 15 至 29 歲) but none for a micro-startup loan: the
    # word 年齡 in 「取消加保年齡上限」 is no evidence, every sentence searched prints an age
    assert not engine.answer(question).found


def test_an_age_the_report_prints_is_answered(engine):
    assert "15至29歲" in plain(engine.answer("青年是指幾歲")).replace(" ", "")


@pytest.mark.parametrize(
    ("question", "said"),
    [("勞保年金請領人數男女各多少", "按性別分的數字"),
     ("How many of the ICT trainees were men and how many women?", "按性別分的數字"),
     ("微型創業貸款高雄核准幾件", "「高雄」的資料"),
     ("單獨參加職災保險的人按縣市分是多少", "按縣市或地區分的數字"),
     ("青年職訓結訓後都去了哪些行業", "按行業分的數字"),
     ("營造業去年職災死亡多少人", "按行業分的數字"),
     ("哪個縣市推介身障者就業人數最多？", "按縣市或地區分的數字"),
     ("Which county held the most reasonable-accommodation seminars?", "按縣市或地區分的數字"),
     ("2024年共案服務的那1,627人裡，有幾個成功脫貧？", "總數裡各部分"),
     ("Of the 85,289 disability job referrals, how many were women?", "總數裡各部分"),
     ("推介身障者就業的人裡面，哪一類障別最多？", "按障礙類別"),
     ("Of the people with disabilities referred to jobs, how many had mental disabilities?",
      "按障礙類別"),
     ("去年參加ICT職訓的青年 男生跟女生各幾個", "按性別分的數字"),  # (女生 read as 女性)
     ("勞保年金的老年、失能、遺屬年金分別有幾個人領", "「失能、遺屬年金」各自的數字"),
     ("推介就業的身障者裡面女性占多少", "所占的比例"),
     ("What share of the disability job referrals were women?", "所占的比例"),
     ("請領勞保年金的人中 60 到 65 歲的有多少", "按年齡分的數字"),
     ("推介就業的身障者中，精神障礙者有多少人", "按障礙類別"),  # (多少人 read as 人數)
     ("全國工會幹部裡女性比例是多少", "所占的比例"),
     ("請領勞保年金的男性、女性各有幾人", "按性別分的數字"),  # (not 營造業多為男性…)
     ("微型創業貸款的核准案件中女性占比多少", "所占的比例")],
)  # fmt: skip
def test_a_figure_asked_split_the_report_does_not_print_so_is_refused(engine, question, said):
    """The report prints totals: a split by sex, place or industry is not in it; said so,
    with the total (an indicator stays the subject) or the closest text."""
    answer = engine.answer(question)
    assert not answer.found and said in answer.message
    assert "總數" in answer.message or "最接近的內容" in answer.message


@pytest.mark.parametrize(
    ("question", "top"),
    [("我住臺南，勞保年金有多少人領", "1.3.1"),  # where the asker lives asks nothing
     ("I work in Taoyuan. What was the fatal accident rate per 1,000 workers in 2024?", "8.7.1"),
     ("重大職災哪個行業最多", None),  # 營造業占…近半: printed
     ("男女平等的指標有哪些", None),  # (an equality, not a split)
     ("合理調整的宣導說明會下半年各縣市要辦幾場", None),  # 「於各縣市辦理 26 場」: as asked
     ("核心目標8裡面有達標的是哪幾個", None),  # (a goal's number, no total)
     ("Out of the 20 indicators, how many hit the 2024 target?", None),
     ("Which community services help people with mental disabilities find work?", None),
     ("ICT 職訓的青年和失業者各有多少人", "4.4.3"),  # the card prints both parts
     ("1.a.2 的目標跟實際各是多少", "1.a.2"),  # fields, not parts
     ("65 歲以上的人還在工作要保職災嗎", None),  # a rule asked, not a count by age
     ("身障者推介了多少人？成功率多少", "8.5.3"),  # (成功率: the placement rate)
     ("為什麼有些工會幹部幾乎都是男生，有些都是女生", None)],  # why, not a count by sex
)  # fmt: skip
def test_a_split_the_report_prints_or_does_not_ask_is_answered(engine, question, top):
    answer = engine.answer(question)
    assert answer.found
    if top:
        assert answer.matches[0].id == top


@pytest.mark.parametrize(
    ("question", "topic"),
    [("日本的職災死亡千人率是多少", "日本"),
     ("What is Japan's fatal occupational accident rate?", "Japan"),
     ("職業病去年有幾件", "職業病"),
     ("遠距工作有什麼規定", "遠距工作")],
)  # fmt: skip
def test_other_countries_and_topics_the_report_never_names_are_not_covered(engine, question, topic):
    answer = engine.answer(question)
    assert not answer.found and f"「{topic}」" in plain(answer)


def test_the_day_asked_of_text_printing_only_a_year_is_refused(engine):
    """「2025 年訂定」 prints the year: 「幾月幾號」 is not in the report; a day printed is."""
    answer = engine.answer("合理調整行政指導是幾月幾號訂的")
    assert not answer.found and "日期" in plain(answer).splitlines()[0]
    assert "5 月 1 日" in plain(engine.answer("勞工職業災害保險及保護法是哪一天開始施行的"))


def test_an_english_phrase_not_covered_is_found_as_typed(engine):
    """「retirement age」 is not covered, though the synonyms read its "age" as 年齡."""
    answer = engine.answer("What is the legal retirement age in Taiwan?")
    assert not answer.found and "65" not in plain(answer)


def test_taiwan_alone_is_not_the_tsdgs():
    """Only "Taiwan SDGs" is the T-SDGs: a synonym group's English phrase joins its words."""
    groups = (KNOWLEDGE / "curated" / "synonyms.txt").read_text(encoding="utf-8").splitlines()
    words = {w for g in groups if not g.startswith("#") for w in g.split()[1:]}
    assert {"taiwan", "sdgs", "offices", "industry", "sector"}.isdisjoint(words)


@pytest.mark.parametrize(
    "question",
    ["職安法修正以後幾號開始生效",
     "When is the revised Occupational Safety and Health Act coming into force?"],
)  # fmt: skip
def test_when_asked_of_text_that_prints_no_date_is_refused(engine, question):
    answer = engine.answer(question)
    assert not answer.found and "報告沒有寫出這件事的日期" in answer.message
    assert "最接近的內容" in answer.message


def test_when_asked_of_text_that_prints_the_date_is_answered(engine):
    answer = engine.answer("勞工職業災害保險及保護法什麼時候施行")
    assert answer.found and "2022 年 5 月 1 日" in plain(answer)


@pytest.mark.parametrize(
    "question", ["你覺得勞動部長做得好不好", "Do you think the ministry did a good job?"]
)
def test_an_opinion_is_not_given(engine, question):
    answer = engine.answer(question)
    assert not answer.found and "不做評論" in answer.message


@pytest.mark.parametrize(
    ("question", "topic"),
    [("內政部統計的外籍配偶就業人數", "內政部"),
     ("Which heat-stress rules protect outdoor workers?", "heat-stress")],
)  # fmt: skip
def test_another_agencys_statistics_and_hyphenated_topics_are_not_covered(engine, question, topic):
    answer = engine.answer(question)
    assert not answer.found and topic in plain(answer).splitlines()[0]


@pytest.mark.parametrize(
    "question",
    [
        "上一版 VDR 總共列了幾項指標",
        "2021年那份報告是哪位部長寫序的",
        "How many indicators did the previous VDR track?",
    ],
)
def test_the_content_of_the_review_before_this_one_is_not_in_the_report(engine, question):
    answer = engine.answer(question)
    assert not answer.found and answer.zone == "none"
    said = plain(answer).splitlines()[0]
    assert "2021 年發布" in said and "洪申翰" not in said and "20 項" not in said


@pytest.mark.parametrize(
    ("question", "must"),
    [("這次報告跟2021年那份比多了哪些新做法", "物聯網"), ("上一次VDR報告是哪一年發布的", "2021")],
)
def test_what_is_new_since_the_review_before_or_when_it_came_out_is_answered(
    engine, question, must
):
    answer = engine.answer(question)
    assert answer.found and must in plain(answer)


@pytest.mark.parametrize(
    ("question", "ident"),
    [("ICT資通訊職訓課程結訓後的就業率是多少？", "4.4.3"),
     ("What is the employment rate after the ICT training courses?", "4.4.3"),
     # another card's rate would answer: the words naming 4.4.3 (ict) say which is asked
     ("上完 ICT 職訓的青年，訓後就業率是多少", "4.4.3"),
     ("What post-training employment rate did the ICT courses reach?", "4.4.3")],
)  # fmt: skip
def test_an_employment_rate_the_report_does_not_print_is_refused(engine, question, ident):
    answer = engine.answer(question)
    assert not answer.found and answer.matches[0].id == ident
    assert "就業率" in plain(answer).splitlines()[0]


@pytest.mark.parametrize(
    ("question", "rate"), [("青年職訓訓後就業率", "87.99%"), ("推介身障者就業率", "79.12%")]
)
def test_an_employment_rate_the_report_prints_is_answered(engine, question, rate):
    answer = engine.answer(question)
    assert answer.found and rate in plain(answer)


def test_an_event_date_is_no_year_of_figures(engine):
    """1.3.2's text dates the law (「2022 年 5 月 1 日施行」) but prints no 2022 figure."""
    answer = engine.answer("2022年單獨參加職災保險的人數是多少")
    assert not answer.found and "2021、2024、2025" in plain(answer)


@pytest.mark.parametrize(
    "question", ["教育部的SDG自愿检视报告里有哪些指标？", "衛福部的永續報告寫了什麼"]
)
def test_another_agencys_report_is_not_this_one(engine, question):
    answer = engine.answer(question)
    assert not answer.found and "勞動部的報告" in plain(answer).splitlines()[0]


@pytest.mark.parametrize(
    ("question", "said"),
    [("社會創新專案管理人課程總共要上幾小時", "要多久"),
     ("ICT培訓班 how many weeks is each class", "要多久"),
     ("微型創業貸款的利息補貼可以補幾年？", "要多久"),
     ("勞動部政務次長是誰", "由誰擔任"),
     ("Who is the Director-General of the Workforce Development Agency?", "由誰擔任"),
     ("女性工会干部培训课程的讲师是谁？", "由誰擔任"),
     ("勞動力發展署總共有幾個分署？", "數目"),
     ("青年职涯发展中心全台一共有几个？", "數目"),
     ("How much subsidy does an employer get for hiring a person with a disability?", "金額"),
     ("申请创业贷款需要什么条件？", "資格"),
     ("職訓課要去哪個網站報名？", "資格"),
     ("全台灣有幾個公立就業服務站？", "數目"),
     ("企業如果不做職場合理調整會被罰嗎？", "罰則"),
     ("勞檢15萬多場次，總共開罰了幾件？", "罰則"),
     ("創業研習課程平均一場有幾個人上", "平均數或每場"),
     ("What is the average number of participants per workshop?", "平均數或每場"),
     ("職場合理調整說明會有多少家公司參加", "家數"),
     ("How many employers have adopted the reasonable accommodation guidance?", "家數"),
     ("職安檢查後有多少事業單位被勒令停工", "家數"),
     ("青年職涯發展中心的滿意度高嗎", "滿意度"),
     ("微型創業貸款申請被駁回幾件", "駁回"),
     ("How much did the fines on construction firms add up to in total?", "金額"),
     ("微型创业贷款的核准率是多少", "比率"),  # (OpenCC: 核準率)
     ("What is the average monthly old-age pension?", "平均數"),  # (old-age: no age asked)
     ("How many ICT trainees dropped out?", "比率"),
     ("What premium rate do employers pay for work-injury insurance?", "金額"),
     ("How many micro-loan businesses are still trading after three years?", "比率"),
     ("勞動部總共有多少名員工", "工作人員的人數"),
     ("How many companies were fined after the inspections?", "家數"),
     ("勞保老年年金要幾歲才能請領", "請領或退休的年齡"),  # (65 歲 is who must be insured)
     ("At what age can I start to claim my labor insurance pension?", "請領或退休的年齡"),
     ("職災受傷能領多少補償", "金額"),
     ("物聯網應用設計班下一期什麼時候開始報名", "報名"),
     ("雲端培訓班單一班別有多少人參訓", "平均數或每場")],
)  # fmt: skip
def test_a_kind_of_value_the_report_never_prints_is_refused(engine, question, said):
    """How long, who holds an office, how many offices, how much money, who may apply:
    the report prints none of these, so no quote that merely shares the words answers."""
    answer = engine.answer(question)
    assert not answer.found and said in plain(answer).splitlines()[0]


@pytest.mark.parametrize(
    ("question", "must"),
    [("社安網脫貧家庭服務聯繫會議多久開一次", "每"),  # how often: appendix 2 prints it
     ("單獨參加職災保險的人2024年有幾個", "568,977"),  # people, not offices
     ("勞動部底下的三級機關有幾個？", "5 個三級機關"),
     ("部長是誰", "洪申翰")],
)  # fmt: skip
def test_values_the_report_prints_are_answered(engine, question, must):
    answer = engine.answer(question)
    assert answer.found and must in plain(answer)


@pytest.mark.parametrize("question", ["T-SDGs第18項核心目標是什麼？", "核心目標十八的指標"])
def test_a_tsdgs_goal_the_ministry_does_not_hold_is_not_in_the_report(engine, question):
    answer = engine.answer(question)
    assert not answer.found and "核心目標 18" in plain(answer).splitlines()[0]


def test_whether_it_costs_money_is_answered_by_what_the_report_says_is_free(engine):
    """要錢嗎 asks whether it is free: 「提供免費創業諮詢輔導」 answers it, not the
    safety law's 安全衛生費用; "in charge of" is 負責, not CC-CEDICT's charge → 要錢."""
    assert "免費創業諮詢輔導" in plain(engine.answer("勞動部的創業諮詢要錢嗎？")).splitlines()[0]
    said = plain(
        engine.answer(
            "Which third-level agency under MOL is in charge of managing the labour funds?"
        )
    )
    assert "勞動基金運用局" in said


def test_a_counting_window_from_a_year_no_quoted_text_names_is_refused(engine):
    """「2023 年累計」 reads as a window; the quoted text counts 2021, 2024 and 2025 only."""
    answer = engine.answer("就业平等网2023年累计宣导人次是多少？")
    assert not answer.found and "2023" in plain(answer).splitlines()[0]


def test_what_another_agency_did_is_not_in_this_report(engine):
    answer = engine.answer("经济部在SDGs方面做了什么？")
    assert not answer.found and "經濟部" in plain(answer).splitlines()[0]


def test_a_british_spelling_reaches_the_same_text(engine):
    said = plain(engine.answer("Which third-level agency is in charge of the labour funds?"))
    assert "勞動基金運用局" in said


def test_the_legislatures_steps_are_not_in_the_report(engine):
    answer = engine.answer("職安法修正案立法院什麼時候三讀？")
    assert not answer.found and "立法院" in plain(answer).splitlines()[0]
