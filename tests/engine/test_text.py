"""Normalising, rewriting, segmenting and mending questions."""

import json
import re

import pytest

from bot.engine.text import Rewriter, normalise, stem
from tests.conftest import DATA


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("职灾死亡千人率", "職災死亡千人率"),  # Simplified → Traditional
        ("ＩＣＴ職訓", "ict職訓"),  # full-width letters
        ("@sdgbot 勞保年金", "勞保年金"),  # leading mention
        ("/q@sdgbot 勞保年金", "勞保年金"),  # command with the bot's name
        ("勞保\u200b年金\u202e", "勞保年金"),  # zero-width and bidi marks
        ("指標８．７．１？", "指標8.7.1"),  # full-width digits, punctuation
        ("", ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_normalise_cuts_long_questions_but_not_report_text():
    assert len(normalise("字" * 10_000)) == 500
    assert len(normalise("字" * 10_000, limit=None)) == 10_000


def test_rewriter_longest_first_and_once():
    rewrite = Rewriter([("低收入戶", "低收入戶"), ("低收", "低收入戶"), ("窮人", "低收入戶")])
    assert rewrite("窮人就業") == "低收入戶就業"
    assert rewrite("低收入戶就業") == "低收入戶就業"  # not 低收入戶入戶
    assert rewrite("低收就業") == "低收入戶就業"


def test_stem():
    assert [stem(w) for w in ["jobs", "disabilities", "officers", "ict", "class"]] == [
        "job", "disability", "officer", "ict", "class"]  # fmt: skip


def test_segmenter_keeps_report_terms_whole(engine):
    words = engine.segmenter.cut("失業者職前訓練訓後就業率")
    assert "職前訓練" in words and "訓後就業率" in words


@pytest.mark.parametrize(
    ("typed", "mended"),
    [
        ("職災死往千人率", "職災死亡千人率"),
        ("創業研習課成開了幾場", "創業研習課程開了幾場"),
        ("勞保年今", "勞保年金"),
    ],
)
def test_speller_mends_one_wrong_character(engine, typed, mended):
    assert engine.speller(typed) == mended


@pytest.mark.parametrize(
    "text", ["職業安全衛生法修正", "青年職訓人數", "失業率", "職災死亡人數", "天氣預報"]
)
def test_speller_leaves_real_words_alone(engine, text):
    assert engine.speller(text) == text


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("職災死亡總共幾個人", "總共 is a word of the language, not a typo of 職災死亡率"),
        ("女性工會幹部培訓那個指標", "那個 (not 幾個指標)"),
        ("中低收入戶推介就業今年1-8月", "今年 (not 推介就業率年)"),
        ("幫低收入戶找工作", "a word and the character beside it: not 中低收入戶"),
        ("職災保險要加保", "not 職災保險法"),
    ],
)
def test_speller_takes_no_character_people_write_that_way_for_a_typo(engine, text, why):
    assert engine.speller(text) == text, why


def test_speller_still_mends_a_character_that_reads_as_nothing(engine):
    assert engine.speller("職災死忙千人率目標") == "職災死亡千人率目標"  # 忙千: no word
    assert engine.speller("性別平等就業岐視") == "性別平等就業歧視"  # 岐視: a rare variant


def test_the_common_words_come_from_jiebas_dictionary_in_traditional(engine):
    common = engine.speller.common
    assert "個" in common["那"] and "年" in common["今"] and "共" in common["總"]
    assert all(len(first) == 1 for first in common)
    assert "视" not in "".join(common.values())  # s2twp has made them Traditional


@pytest.mark.parametrize(
    ("typed", "mended"),
    [
        ("失業著職前訓練人數", "失業者職前訓練人數"),  # 著 sounds like 者
        ("勞保年今有多少人領", "勞保年金有多少人領"),  # 今 like 金
        ("職災死網千人率", "職災死亡千人率"),  # 網 like 亡
        ("就業平等往宣導人數", "就業平等網宣導人數"),
        ("微型創業代款核准件數", "微型創業貸款核准件數"),
        ("職災死亡千人律", "職災死亡千人率"),
    ],
)
def test_homophones_mend_a_word_typed_by_its_sound(engine, typed, mended):
    assert engine.homophones(typed) == mended


@pytest.mark.parametrize(
    "text",
    [
        "職業安全衛生法修正",
        "青年職訓人數",
        "失業率",
        "天氣預報",
        "勞保年金平均每個月可以領多少錢",  # 可以 is not 合一, 多少錢 stays a topic
        "這份報告檢視的是哪幾年的成果",  # 是哪幾 is not 失能及
        "ict職訓人數",  # ASCII is never mended
        "微型創業貸款最多可以借多少",
    ],
)
def test_homophones_leave_real_words_alone(engine, text):
    assert engine.homophones(text) == text


def test_homophones_keep_the_length(engine):
    for text in [
        "失業著去上職前訓練",
        "勞保年今",
        "就業平等往",
        "我阿嬤68歲了還在幫親戚的工廠包貨",
    ]:
        assert len(engine.homophones(text)) == len(text)


def test_a_simplified_question_reaches_the_reports_word(engine):
    # 发布 → (OpenCC, Taiwan phrases) 釋出 → (the build's variants) 發布
    from bot.engine.text import normalise

    assert "發布" in engine.analyse(normalise("报告是几月发布的")).rest


def test_an_unknown_compound_stands_for_the_longest_known_word_in_it(engine):
    (resolved,) = engine.index.resolve(["訓練課"])
    assert resolved.known == "訓練" and 0.6 < resolved.certainty < 0.7


def test_a_word_of_the_report_is_not_mended_into_a_target_word(engine):
    # 職業安全衛生法 is one character from 職業安全衛生署, but the report prints both
    (resolved,) = engine.index.resolve(["職業安全衛生法"])
    assert resolved.known != "職業安全衛生署"
    assert engine.answer("職災死往千人率").matches[0].id == "8.7.1"  # a typo is still mended


def _alternation(table: dict[str, str]):
    """The rewrite as a regex: every word, longest first, English ones only as a whole word."""
    words = sorted(table, key=len, reverse=True)
    spelled = [
        rf"(?<![a-z]){re.escape(w)}(?![a-z])" if w[:1].isascii() and w[:1].isalpha()
        else re.escape(w)
        for w in words
    ]  # fmt: skip
    pattern = re.compile("|".join(spelled))
    return lambda text: pattern.sub(lambda m: table[m.group(0)], text)


def test_the_rewriter_reads_as_the_alternation_of_its_words(engine):
    """Rewriter scans by first character; the regex alternation of its words, longest first,
    is what it must equal: on every question, the report's passages, and each word of its
    table alone, glued to letters and inside other words."""
    rewrite = engine.rewrite
    regex = _alternation(rewrite.table)
    texts = [normalise(json.loads(line)["q"])
             for path in sorted(DATA.glob("*questions.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    texts += [normalise(p.text, limit=None) for p in engine.knowledge.passages]
    for word in rewrite.table:
        texts += [word, f"{word}{word}", word[:-1], word[1:], f"{word[:-1]} {word}"]
        texts += [f"{c}{word}{d}" for c in "az0 .中" for d in "az0 -中"]  # glued and apart
    assert len(texts) > 10_000
    for text in texts:
        assert rewrite(text) == regex(text), text


def test_an_english_synonym_phrase_is_rewritten_whole_and_only_whole(engine):
    assert engine.rewrite("which social media") == "which 網路觸角"
    assert engine.rewrite("social innovation") == "social innovation"  # not 社政單位
    assert engine.rewrite("growing") == "growing" and engine.rewrite("grow") == "成長"
