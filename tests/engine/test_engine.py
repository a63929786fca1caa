"""The engine end to end over the bundled store: kinds, zones, fields, follow-ups."""

import json

import pytest

from bot.engine.answer import Context, Field, Kind
from bot.render.plain import plain
from tests.conftest import DATA


def ask(engine, question, context=None):
    answer = engine.answer(question, context=context)
    return answer, plain(answer)


@pytest.mark.parametrize(
    "question",
    [
        "職災死亡千人率多少",
        "职灾死亡千人率",
        "工作意外死掉的比例",
        "8.7.1",
        "指標 8.7.1",
        "occupational fatality rate",
        "職災死往千人率",
    ],
)
def test_the_same_card_for_every_way_of_asking(engine, question):
    answer, text = ask(engine, question)
    assert answer.kind is Kind.INDICATOR and answer.found
    assert answer.matches[0].id == "8.7.1"
    assert "0.022" in text and "0.019 以下" in text and "未達成" in text


@pytest.mark.parametrize("form", ["1.a.2", "1a2", "指標 1.a.2", "指標１．ａ．２", "1 a 2"])
def test_indicator_number_forms(engine, form):
    assert engine.answer(form).matches[0].id == "1.a.2"


@pytest.mark.parametrize(
    "question",
    [
        "天氣預報",
        "股票推薦",
        "qwerty",
        "1.2.3",
        "9.9.9",
        "😀",
        "基本工資多少",
        "失業率",
        "",
        "   ",
        "？？？",
    ],
)
def test_out_of_scope_is_not_found_and_offers_no_figure(engine, question):
    answer, text = ask(engine, question)
    assert not answer.found and answer.kind is Kind.NOT_FOUND
    assert answer.cards == [] and answer.entries == []
    assert "報告" in text


def test_card_content(engine):
    _, text = ask(engine, "勞保年金")
    assert "1,931,013 人" in text and "190 萬人" in text and "1,536,268 人" in text
    assert "2,020,057 人" in text and "截至 2025 年 7 月底" in text  # 202 萬 57 人 in digits
    assert "勞動保險司" in text and "核心目標 1" in text and "出處" in text
    assert "2025 年 10 月" in text  # edition stamp
    assert "比目標多 31,013 人" in text  # not 「高於目標 31,013 人」, read as a target
    assert text.splitlines()[0].startswith("1.3.1 請領勞保年金給付人數：已達成 2024 年目標")


def test_asked_field_comes_first(engine):
    answer, text = ask(engine, "勞保年金最新人數")
    assert answer.fields[0] is Field.LATEST
    first = text.splitlines()[0]  # the answer's first line answers the asked part
    assert "最新（截至 2025 年 7 月底）2,020,057 人" in first and len(first) <= 120
    answer, text = ask(engine, "職災死亡千人率誰負責")
    assert text.splitlines()[0] == "8.7.1 職災死亡千人率：負責單位 職業安全衛生署"


def test_multi_part_indicator_shows_every_part(engine):
    _, text = ask(engine, "4.4.3")
    assert "青年 27,701 人、失業者 42,464 人" in text.splitlines()[0]  # each part named
    assert "・青年｜" in text and "・失業者｜" in text
    _, text = ask(engine, "8.5.2")
    assert "186,465 人" in text and "84.13%" in text


def test_two_equal_matches_are_both_shown_and_told_apart(engine):
    answer, text = ask(engine, "微型創業貸款")
    assert {m.id for m in answer.matches} == {"1.4.3", "8.3.3"}
    assert "2017 年起累計" in text and "2021 年累計" in text
    answer, text = ask(engine, "推介身心障礙者就業")
    assert {m.id for m in answer.matches} == {"8.5.3", "10.2.2"}
    assert "同一組數字" in text


@pytest.mark.parametrize(
    ("question", "own"),
    [("核心目標8的推介身心障礙者就業，2024年推介了多少人", "8.5.3"),
     ("核心目標 10 的推介身心障礙者就業目標", "10.2.2")],
)  # fmt: skip
def test_a_goal_named_picks_its_own_of_two_indicators_with_one_name(engine, question, own):
    answer, _ = ask(engine, question)
    assert [m.id for m in answer.matches if m.type == "indicator"] == [own]


def test_lists(engine):
    answer, text = ask(engine, "未達成的指標有哪些")
    assert answer.kind is Kind.LIST
    assert [e.id for e in answer.entries] == ["8.7.1", "8.7.2"]
    answer, _ = ask(engine, "勞動力發展署負責哪些指標")
    assert len(answer.entries) == 14
    answer, _ = ask(engine, "核心目標 10 的指標")
    assert [e.id for e in answer.entries] == ["10.2.2", "10.3.1", "10.6.4"]
    answer, text = ask(engine, "所有指標")
    assert len(answer.entries) == 20 and "○ 8.7.1" in text


def test_who_compiled_the_report_is_a_report_fact(engine):
    answer = engine.answer("這份報告是哪個單位編撰的")
    assert answer.found and "綜合規劃司" in plain(answer).splitlines()[0]
    assert "編撰：綜合規劃司" in plain(engine.about())


def test_programme_and_facts(engine):
    answer, text = ask(engine, "勞工職業災害保險及保護法")
    assert answer.kind is Kind.PROGRAMME and "2022 年 5 月 1 日" in text
    answer, text = ask(engine, "部長是誰")
    assert answer.kind is Kind.FACT and "洪申翰" in text
    answer, text = ask(engine, "勞動部有幾個三級機關")
    assert answer.kind is Kind.FACT and "5 個三級機關" in text and "第 2 頁" in text
    answer, text = ask(engine, "未來展望")
    assert answer.found and "第三章" in text


def test_a_quote_of_the_foreword_carries_its_signature(engine):
    """The foreword is signed by the minister: a quote of it says so; other text does not."""
    units = engine.knowledge.units
    signed = engine.knowledge.facts["minister"]
    foreword = engine.cards.units("q", [next(u for u in units if u.section == signed.section)], 50)
    assert plain(foreword).splitlines()[-3] == "（勞動部部長 洪申翰 謹識）"
    other = engine.cards.units("q", [next(u for u in units if u.section != signed.section)], 50)
    assert "謹識" not in plain(other)
    assert "洪申翰" in plain(engine.answer("这份报告前面「首长的话」是哪位部长写的？"))


def test_quoted_text_is_about_the_indicator_that_owns_it(engine):
    """Text quoted from an indicator's execution subsection names that indicator first
    among the matches (then the passage), and a follow-up asks about it."""
    units = engine.knowledge.units
    quoted = engine.cards.units("q", [next(u for u in units if u.owner_id == "1.3.2")], 50.0)
    assert [(m.type, m.id) for m in quoted.matches][:1] == [("indicator", "1.3.2")]
    assert quoted.matches[-1].type == "passage" and quoted.context.indicator_ids == ("1.3.2",)
    section = next(u for u in units if u.owner_type == "section")
    assert [m.type for m in engine.cards.units("q", [section], 50.0).matches] == ["passage"]
    follow = engine.answer("那目標呢？", context=quoted.context)
    assert follow.matches[0].id == "1.3.2"


def test_candidates_for_a_vague_question(engine):
    answer, _ = ask(engine, "職災")
    assert answer.kind in (Kind.CANDIDATES, Kind.INDICATOR)
    ids = [m.id for m in answer.matches]
    assert "8.7.1" in ids and "8.7.2" in ids
    assert len(answer.candidates) <= 3
    if answer.kind is Kind.CANDIDATES:  # a choice is an answer: each with its headline figure
        assert answer.found and answer.zone == "choices"
        first = answer.candidates[0]
        assert first.headline.startswith(first.label) and "2024：" in first.headline


def test_choices_show_the_figure_of_the_period_asked(engine):
    """Asked for 2025 (1 到 8 月): a choice shows its latest figure with its period, then
    the 2024 actual; asked nothing of a period, its 2024 figure and target."""
    latest = engine.cards.match("indicator", "8.5.2", 50.0, latest=True).headline
    assert "最新（2025 年 1 月至 8 月）：人數 3 萬 4,140 名（2024：人數 186,465 人" in latest
    plain_one = engine.cards.match("indicator", "8.5.2", 50.0).headline
    assert "最新" not in plain_one and "2024：人數 186,465 人" in plain_one
    answer, text = ask(engine, "2025年1到8月有多少失業著去上職前訓練")
    assert answer.found and ("34,140" in text or "3 萬 4,140" in text)
    if answer.kind is Kind.CANDIDATES:
        assert all("最新（2025 年 1 月至 8 月）" in c.headline for c in answer.candidates)


def test_follow_ups_use_the_previous_subject(engine):
    first = engine.answer("職災死亡千人率")
    for follow in ["那目標呢？", "2021年呢", "誰負責", "最新的呢"]:
        answer = engine.answer(follow, context=first.context)
        assert answer.matches[0].id == "8.7.1", follow
    answer = engine.answer("勞保年金", context=first.context)
    assert answer.matches[0].id == "1.3.1"  # a new subject replaces the context
    assert engine.answer("那目標呢？").found is False  # no context, nothing to follow


def test_an_answer_says_whether_the_context_could_change_it(engine):
    """`context_free`: the question names its subject, so the previous answer's is not read
    (bot.telegram.services keys such answers by the question alone); a follow-up is not."""
    before = [Context(indicator_ids=("8.7.1",)), Context(programme_id=1), Context()]
    for line in (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:120]:
        question = json.loads(line)["q"]
        alone = engine.answer(question)
        if alone.context_free:
            for context in before:
                after = engine.answer(question, context)
                assert after.context_free and plain(after) == plain(alone), (question, context)
                assert after.matches == alone.matches, (question, context)
    for follow in ["那目標呢？", "2021年呢", "誰負責"]:
        assert not engine.answer(follow).context_free, follow
    assert engine.answer("職災死亡千人率多少").context_free


def test_dev_and_own_question_sets(engine):
    """The shipped question sets through the same scoring rules as the eval script."""
    from tests.scoring import score

    sets = (
        ("dev_questions.jsonl", 0.95),
        ("questions.jsonl", 0.95),
        ("blind_questions.jsonl", 0.9),
        ("blind2_questions.jsonl", 0.9),
        ("blind4_questions.jsonl", 0.85),  # written by helpers from the report alone
        ("blind5_questions.jsonl", 0.85),
        ("heldout/blind6_questions.jsonl", 0.8),  # never fitted on (tools/fit_weights.py)
        ("heldout/blind7_questions.jsonl", 0.85),
        ("follow_questions.jsonl", 0.85),  # asked after the subject in their context
    )
    for name, floor in sets:
        questions = [json.loads(line) for line in (DATA / name).read_text().splitlines() if line]
        passed = sum(score(q, engine) for q in questions)
        assert passed / len(questions) >= floor, (name, passed, len(questions))


def test_a_latest_figure_the_report_does_not_print_is_refused(engine):
    """8.7.1 has no 2025 figure, 8.6.1 none for its 就業率: said so, with the 2024 actual."""
    answer = engine.answer("2025年最新的職災死亡千人率是多少")
    assert answer.found is False and "2025" in answer.message and "0.022" in answer.message
    assert answer.matches[0].id == "8.7.1"  # the closest thing, and the subject to follow
    answer = engine.answer("青年參加職訓後的就業率 2025 今年最新是多少")
    assert answer.found is False and "87.99%" in answer.message
    answer = engine.answer("8.6.1今年最新人數")  # its 人數 has a 2025 figure
    assert answer.found and "12,755" in plain(answer)  # printed 1萬2,755
    first = engine.answer("職災死亡千人率")
    follow = engine.answer("最新的呢", context=first.context)
    assert follow.found is False and follow.context.indicator_ids == ("8.7.1",)
    assert engine.answer("那目標呢？", context=follow.context).matches[0].id == "8.7.1"


def test_a_kind_of_value_the_report_never_prints_is_refused(engine):
    """An age of pension, an amount spent, a phone number, how to apply or who may: no
    candidate prints one."""
    for question, missing in [
        ("勞保年金要幾歲才可以開始領？", "年齡"),
        ("How much did the ministry spend on pre-employment training in 2024?", "金額"),
        ("What's the ministry's hotline number for filing labor complaints?", "電話"),
        ("勞保老年年金每個月能領多少", "金額"),
        ("微型創業貸款最多可以借多少", "金額"),
        ("勞保老年給付的計算公式是什麼", "計算方式"),
        ("社會創新專案管理人培訓課程要怎麼報名", "申請或報名"),
        ("How do I apply for a micro-business loan?", "申請或報名"),
        ("低收入戶資格怎麼認定", "資格"),
    ]:
        answer = engine.answer(question)
        assert answer.found is False and missing in answer.message, question
    answer = engine.answer("職災保險那個新法上路後 對投保的年紀限制有什麼改變")
    assert answer.found and "65 歲" in plain(answer)  # the text that prints an age
    for question in ["我想報名社會創新的專案管理課 這種課培訓了幾個人", "災保可以在哪些管道加保"]:
        assert engine.answer(question).found, question  # wanting to apply is not asking how
    assert "計算說明" in plain(engine.answer("勞保年金請領人數怎麼計算"))  # the indicator's note


def test_english_field_words_are_whole_words(engine):
    """「currently」 is the latest field, not 「current」 plus a stray 「ly」."""
    q = engine.analyse("how many migrant workers are currently in taiwan")
    assert "ly" not in q.rest.split() and engine.answer(q.text).found is False


def test_another_agency_named_as_responsible_is_not_in_the_report(engine):
    """The report lists the ministry's own indicators: 衛福部's are not in it; a question
    naming one of the ministry's units beside another agency is still answered."""
    for question in ["衛福部負責的永續指標有哪些", "教育部負責的 T-SDGs 指標達成情形"]:
        answer = engine.answer(question)
        assert answer.found is False and "部" in answer.message, question
    assert engine.answer("身障者就業服務要跟哪些部會合作？").found  # partners, not owners
    assert engine.answer("勞發署還是社家署負責哪些指標").found


def test_a_share_employed_is_the_employment_rate_part(engine):
    q = engine.analyse("上完課後 找到工作的比例是多少")
    assert q.components == ["就業率"] and "就業率" in q.rest


def test_trend_follow_ups_are_answered_from_the_card(engine):
    """「有變好嗎」 after a card: 2021 → 2024 with the change and which way is better; a count
    whose windows differ is not set against itself."""
    first = engine.answer("職災死亡千人率")
    for follow in ["有變好嗎", "跟去年比呢", "趨勢如何", "is it getting better?"]:
        answer = engine.answer(follow, context=first.context)
        line = plain(answer).split("\n")[0]
        assert answer.matches[0].id == "8.7.1" and "0.021 → 2024 年 0.022" in line, follow
        assert "比 2021 年高 0.001，變差" in line and "數值越低越好" in line
    line = plain(engine.answer("有進步嗎", context=engine.answer("8.5.2").context)).split("\n")[0]
    assert "累計期間不同" in line and "比 2021 年高 0.25 個百分點" in line
    answer = engine.answer("數字是多少", context=engine.answer("8.7.2").context)
    assert answer.matches[0].id == "8.7.2" and "2.353" in plain(answer)


def test_english_words_for_workplace_accidents_reach_the_report(engine):
    """English "workplace accidents", "occupational accident insurance", "individually": the
    report's 職災 and 單獨; "than in 2021" sets 2024 against 2021."""
    question = (
        "How many more people were individually enrolled in occupational accident insurance"
        " in 2024 than in 2021?"
    )
    answer = engine.answer(question)
    assert answer.matches[0].id == "1.3.2" and Field.TREND in answer.fields
    assert "比 2021 年多 136,424 人" in plain(answer).split("\n")[0]
    tools = "What policy tools does the ministry use to cut workplace accidents?"
    text = plain(engine.answer(tools))
    assert "跨機關治理" in text and "伙伴合作" in text


def test_a_share_of_the_target_is_worked_out_from_the_two_printed_figures(engine):
    """「達成率」, 「超過目標幾成」: the 2024 actual over its target, said to be computed; 「目標是
    幾%」 still asks the target itself."""
    for question in ["8.3.3超過目標幾成", "微型創業貸款達成率", "8.3.3 percentage of the target"]:
        answer = engine.answer(question)
        line = plain(answer).split("\n")[0]
        assert answer.matches[0].id == "8.3.3" and Field.RATIO in answer.fields, question
        assert "實際 2,145 件，為目標 1,680 件的 127.7%（多 27.7%），依報告數字計算" in line
    line = plain(engine.answer("職災死亡千人率達成率")).split("\n")[0]
    assert "0.022，為目標 0.019 以下的 115.8%（高 15.8%）" in line and "未達標" in line
    line = plain(engine.answer("8.5.2 達成率")).split("\n")[0]
    assert "186,465 人，為目標 180,000 人的 103.6%" in line and "80%的 105.2%" in line
    answer = engine.answer("8.6.1 目標是幾%")
    assert Field.TARGET in answer.fields and Field.RATIO not in answer.fields


def test_twin_indicators_look_for_details_under_both_their_goals(engine):
    assert engine.goals_of["8.5.3"] == engine.goals_of["10.2.2"] == {8, 10}
    assert engine.goals_of["8.7.1"] == {8}
    text = plain(engine.answer("身障者就業 跨部會合作的部會有哪些"))
    assert "法務部" in text  # goal 10's programme, though 8.5.3 stands under goal 8


def test_who_is_involved_is_not_who_is_responsible(engine):
    """「利害關係人有誰」 asks the programme's stakeholders, not the unit in charge."""
    answer = engine.answer("資通訊職訓的利害關係人有誰")
    assert Field.UNIT not in answer.fields and "大專校院" in plain(answer)
    assert Field.UNIT in engine.answer("資通訊職訓是誰負責的").fields


def test_a_table_row_is_quoted_with_the_rows_under_the_same_first_cell(engine):
    """附錄二: a stakeholder's communication channels and its exchange summary are two rows
    under one first cell; a row found is quoted with the other, each once, one a line."""
    answer = engine.answer("勞動部為了鼓勵企業進用身障者，跟企業有哪些溝通管道")
    text = plain(answer)
    assert "雇主座談會" in text and "鼓勵企業進用身心障礙者" in text
    assert text.count("就業機會開發 / 不定期") == 1
    first = text.split("\n")[0]
    assert first.startswith("利害關係人類別：企業") and "\n" not in first


def test_colloquial_words_for_discrimination_reach_the_reports_word(engine):
    """嫌棄, 看不起: people's words for 歧視 (the concept lexicon, synonyms.txt)."""
    assert "歧視" in plain(engine.answer("身障者找工作被嫌棄怎麼辦")).split("\n")[0]
    assert "歧視" in plain(engine.answer("身心障礙者找工作常被老闆看不起，勞動部未來要怎麼處理"))


@pytest.mark.parametrize(
    "question",
    ["勞保年金請領人數比 2021 年增加了百分之幾",
     "By what percentage did labor insurance pension recipients grow since 2021?"],
)  # fmt: skip
def test_a_change_asked_in_per_cent_quotes_the_percentage_the_report_prints(engine, question):
    """The report prints 1.3.1's growth as 較 2021 年成長 25.7%: a change asked in per cent
    is counted in %, so the card quotes that sentence (it computes no percentage itself)."""
    assert "25.7%" in plain(engine.answer(question))


def test_english_month_names_and_joint_cases_reach_the_reports_words(engine):
    """Months are read from the fields (Jan–Aug 2025: the latest), not matched as words;
    "jointly served with social welfare units" is the report's 與社政單位共案服務."""
    text = plain(engine.answer("From January to August 2025, how many cases did the branches "
                               "jointly serve with social welfare units?"))  # fmt: skip
    assert "1,040" in text.split("\n")[0]


def test_when_asked_of_an_indicator_its_text_printing_the_day_answers(engine):
    """「勞保年金從什麼時候開始」: 1.3.1's card quotes its sentence with 2009 年 1 月 1 日
    施行年金制度, and says it first."""
    text = plain(engine.answer("勞保年金是從什麼時候開始的？"))
    assert "2009 年 1 月 1 日" in text.split("\n")[0]


def test_peoples_words_for_too_light_a_penalty_reach_the_reports_word(engine):
    """罰太輕 is the report's 罰則過低 (a cause of construction accidents it names)."""
    assert "罰則過低" in plain(engine.answer("重大職災是不是罰太輕了"))


@pytest.mark.parametrize(
    ("question", "said"),
    [("為什麼職災死亡千人率沒達標", "營造業占整體重大職業災害比例近半"),
     ("年輕人為什麼不太去上資通訊的職訓", "服務業")],
)  # fmt: skip
def test_why_asked_of_an_indicator_its_text_on_the_challenges_answers(engine, question, said):
    """The card of an indicator asked why quotes its own 「面臨之機會與挑戰」 text."""
    assert said in plain(engine.answer(question))


@pytest.mark.parametrize(
    ("question", "said"),
    [("社勞政聯合促進就業是勞動部和哪個部一起做的", "衛生福利部"),
     ("Which other ministries work with MOL on youth employment?", "經濟部")],
)  # fmt: skip
def test_which_ministry_works_with_it_is_answered_by_text_naming_one(engine, question, said):
    """Another ministry asked (跟哪個部, which ministry): the text naming it answers, not a
    card that names none."""
    assert said in plain(engine.answer(question))


def test_peoples_words_reach_a_photo_caption_and_the_equal_employment_links(engine):
    """睫毛 is the caption's 美睫; "stalking" the website's 跟蹤騷擾防制法懶人包."""
    assert "美睫造型課程" in plain(engine.answer("報告裡那張接睫毛的照片是什麼課程"))
    text = plain(engine.answer("Does the equal employment website have anything on stalking?"))
    assert "跟蹤騷擾" in text


def test_english_names_of_the_reports_services_reach_its_words(engine):
    """English "youth career centres", "guidance", "caption", "when" as a conjunction: the report's
    青年職涯發展中心, 行政指導 and photo captions, and no date asked."""
    text = plain(engine.answer("What technologies will the youth career centres use for job "
                               "experience activities?"))  # fmt: skip
    assert "AR" in text and "VR" in text
    assert "合理調整行政指導" in plain(engine.answer("What is the 2025 guidance on reasonable "
                                                   "accommodation called?"))  # fmt: skip
    answer = engine.answer("What services do social workers offer when working jointly on a case?")
    assert answer.found


def test_a_count_of_cases_the_branches_served_is_no_count_of_branches(engine):
    """English "how many cases did the branches co-serve": cases are counted, not branches."""
    text = plain(engine.answer("In 2024, how many cases did the branches co-serve with social "
                               "welfare units?"))  # fmt: skip
    assert "1,627" in text


def test_english_names_of_the_ministrys_units_reach_the_reports_words(engine):
    """Operational departments, support units and third-tier agencies: 業務單位, 輔助單位
    and 三級機關; micro-loan borrowers are asked about, no amount to borrow."""
    text = plain(engine.answer("How many operational departments, support units and third-tier "
                               "agencies does the ministry have?"))  # fmt: skip
    assert "6 個業務單位" in text and "5 個三級機關" in text
    assert engine.answer("What help do micro-startup borrowers get from the ministry?").found


def test_which_of_the_ministrys_indicators_is_a_list(engine):
    """English "Which MOL indicators come under core goal 4 (…)": its indicators, listed."""
    answer = engine.answer("Which MOL indicators fall under core goal 4 (lifelong learning)?")
    assert {"4.3.3", "4.4.3", "4.5.9"} <= {m.id for m in answer.matches}


def test_serving_a_case_together_is_the_reports_joint_case(engine):
    """一起服務 is the report's 共案服務 (分署與社政單位共案服務個案計 1,627 人)."""
    assert "1,627" in plain(engine.answer("2024 年分署和社政單位一起服務的個案有多少"))
