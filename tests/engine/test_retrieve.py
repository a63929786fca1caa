"""Sentence-level retrieval: units found by words and by characters, quoted whole."""

from bot.engine.retrieve import bigrams, days
from bot.render.plain import plain


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


def test_a_chapters_opening_quoted_carries_the_titles_of_its_sections(engine):
    units = engine.knowledge.units
    opening = next(u for u in units if u.section == "第三章總結及未來展望")
    shown = plain(engine.cards.units("總結及未來展望", [opening], 80.0))
    assert "一、健全社會保險制度" in shown and "六、強化微型創業支持" in shown
    inner = next(u for u in units if u.section.startswith("第三章總結及未來展望 > 一、"))
    assert "六、強化微型創業支持" not in plain(engine.cards.units("社會保險", [inner], 80.0))


def test_a_core_goals_section_is_looked_for_in_that_goal(engine):
    answer = engine.answer("核心目標1未來推動重點")
    assert answer.found and answer.kind.value == "fact"
    assert "第一節核心目標 1" in answer.title and "未來推動重點" in answer.title


def test_the_core_goals_are_listed_with_their_titles(engine):
    answer = engine.cards.goal_list("哪四個核心目標")
    assert answer.title.startswith("勞動部主責 4 項核心目標：1、4、8、10")
    assert any("終身學習" in s for s in answer.sentences)


def test_ranking_can_be_kept_to_some_units(engine):
    goal_1 = engine.topic_units[1]
    hits = engine.units.rank(["罰則"], "罰則", limit=10, among=goal_1)
    assert all(h.index in goal_1 for h in hits)
    assert not any("第三節核心目標 8" in engine.knowledge.units[h.index].section for h in hits)


def test_english_words_the_report_prints_find_their_sentence(engine):
    from bot.engine.text import normalise

    q = engine.analyse(normalise("Which goal is Decent Work and Economic Growth?"))
    content = engine._content(q, engine._tokens(q))
    assert "decent" in content  # kept beside its Chinese words: the report prints it
    (best, *_) = engine.units.rank(content, q.rest)
    assert "Decent Work" in engine.knowledge.units[best.index].text


def test_units_of_several_sections_are_each_quoted_under_their_own(engine):
    from bot.render.plain import plain

    units = engine.knowledge.units
    first = next(u for u in units if "超商" in u.text)
    other = next(u for u in units if "取消加保年齡上限" in u.text)
    assert first.section != other.section
    answer = engine.cards.units("加保", [first, other], 80.0)
    assert answer.title == first.section and answer.sentences == [first.text]
    (aside,) = answer.asides
    assert aside.section == other.section and aside.text == other.text
    text = plain(answer)
    assert text.index("超商") < text.index("取消加保年齡上限")
    assert "(三) 結語" in text.split("取消加保年齡上限")[0].splitlines()[-1]


def test_a_photo_question_quotes_the_programmes_captions(engine):
    text = plain(engine.answer("青年職訓的照片是在練什麼"))
    assert "室內水電術科操作練習" in text


def test_captions_are_not_quoted_unless_photos_are_asked(engine):
    text = plain(engine.answer("為什麼有些工會的幹部幾乎都是男生，有些都是女生？"))
    assert "營造業" in text and "女性工會幹部及會務人員培訓課程" not in text.splitlines()[0]


def test_a_date_is_one_term_however_it_is_spaced():
    assert days("2025 年 4 月 17 日諮詢師") == days("2025年4月17日") == ["4月17日"]
    assert days("2009年01月1日起；截至 8 月底") == ["1月1日"]  # a month alone is no date
    assert days("113年13月40日") == []


def test_a_caption_printing_the_date_asked_is_quoted_and_leads_alone(engine):
    # the date names the photo, though photos are not asked
    first = plain(engine.answer("2025年4月17日 青年职涯那边办了什么活动")).splitlines()[0]
    assert "探索職涯活動" in first and "室內水電" not in first
    assert "職涯活動" not in plain(engine.answer("2025年4月17日勞保有什麼新制")).splitlines()[0]


def test_a_sentence_cut_at_semicolons_is_quoted_whole(engine):
    text = plain(engine.answer("跟上一版VDR比，這次多了哪些新做法"))
    assert "雲端技術" in text and "合理調整行政指導" in text and "源頭防災" in text


def test_parts_join_only_within_their_passage_and_owner(engine):
    from bot.engine.candidates import _whole

    units = engine.knowledge.units
    joined = 0
    for i, unit in enumerate(units):
        whole = _whole(units, i)
        assert unit.text in whole.text and whole.owner_id == unit.owner_id
        if whole.text == unit.text:
            continue
        joined += 1
        assert unit.kind in ("sentence", "item", "row")
        parts = [u.text for u in units if u.passage_id == unit.passage_id and u.text in whole.text]
        if unit.kind == "row":  # the row found first, then the others under its first cell
            first = unit.text.split("｜")[0]
            assert whole.text.split("\n")[0] == unit.text
            assert sorted(whole.text.split("\n")) == sorted(parts)
            assert all(p.split("｜")[0] == first for p in parts)
            continue
        assert ("\n" if unit.kind == "item" else "").join(parts) == whole.text
    assert joined > 0


def test_a_passage_that_is_a_list_is_quoted_with_all_its_items(engine):
    from bot.engine.candidates import _whole

    units = engine.knowledge.units
    i = next(n for n, u in enumerate(units) if u.text == "1. 15 至 29 歲青年")
    assert len(_whole(units, i).text.splitlines()) == 3  # 青年, 大專校院…, 教育部…


def test_the_reranker_reads_its_fitted_weights_by_feature_name():
    import json

    from bot.engine.retrieve import UNIT_WEIGHTS, Reranker

    data = json.loads(UNIT_WEIGHTS.read_text(encoding="utf-8"))
    assert set(data["weights"]) <= set(Reranker.FEATURES)  # no weight for a feature gone
    assert data["fitted"]["held_back"] == "crc32(id) % 4 == 0"
    assert Reranker.load_weights() == data["weights"]


def test_the_reranker_keeps_what_bm25_found_and_reorders_it(engine):
    from bot.engine.text import normalise

    q = engine.analyse(normalise("各分署與社政單位共案服務個案"))
    words = engine._content(q, engine._tokens(q))
    hits, weight = engine.unit_pool(words, q.rest, q)
    ranked = engine.reranker.order(hits, weight, q)
    assert sorted(h.index for h in ranked) == sorted(h.index for h in hits)
    features = engine.reranker.features(hits, weight, q)
    assert all(len(f) == len(engine.reranker.FEATURES) for f in features)


def test_the_rerankers_scores_are_its_features_times_its_weights(engine):
    # `scores` sums per unit what does not depend on the question once; the fit reads
    # `features`: both must give one function
    from bot.engine.text import normalise

    ranker = engine.reranker
    asked = [
        "職災死亡千人率多少", "青年職涯發展中心服務幾人次", "2024 年各分署共案服務個案",
        "未來勞動部會怎麼協助創業", "身障者找工作有哪些困難", "附錄二 失業者溝通管道",
    ]  # fmt: skip
    for text in asked:
        q = engine.analyse(normalise(text))
        hits, weight = engine.unit_pool(engine._content(q, engine._tokens(q)), q.rest, q)
        assert hits
        expected = [
            sum(w * f for w, f in zip(ranker.weights, row, strict=True))
            for row in ranker.features(hits, weight, q)
        ]
        got = ranker.scores(hits, weight, q)
        assert all(abs(a - b) < 1e-9 for a, b in zip(got, expected, strict=True)), text


def test_a_unit_printing_the_year_asked_comes_first():
    # two sentences in the same words, one for 2024, one for 2025: the year asked decides
    from bot.engine.retrieve import Hit, Reranker
    from bot.knowledge.models import Unit

    texts = ["2024 年共案服務個案計 1,627 人。", "2025 年共案服務個案計 1,040 人。"]
    units = [
        Unit(id=i, text=t, kind="sentence", section="s", position=i, passage_id=1,
             owner_type="programme", owner_id="2")
        for i, t in enumerate(texts)
    ]  # fmt: skip
    ranker = Reranker({"year": 1.0, "prior": 0.1}, units, ["s", "s"], ["p", "p"], frozenset())
    hits = [Hit(1, 1.0, 1.0, 1.0), Hit(0, 1.0, 1.0, 1.0)]

    class Asked:
        years, figure, describe, future = ["2024"], True, False, False

    assert [h.index for h in ranker.order(hits, {"共案服務": 1.0}, Asked)] == [0, 1]
    Asked.years = []
    assert [h.index for h in ranker.order(hits, {"共案服務": 1.0}, Asked)] == [1, 0]


def test_a_table_rows_first_cell_heads_it(engine):
    """附錄二's rows stand under their stakeholder (「利害關係人類別：企業」) as a sentence
    stands under its heading: the row of the stakeholder asked ranks first."""
    from bot.engine.text import normalise

    q = engine.analyse(normalise("勞動部跟企業透過哪些管道溝通"))
    words = engine._content(q, engine._tokens(q))
    first = engine.rank_units(words, q.rest, q, limit=1)[0]
    assert engine.knowledge.units[first.index].text.startswith("利害關係人類別：企業｜")
