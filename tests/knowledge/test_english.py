"""English words as the bridge and the engine compare them: stems, stop words, phrases."""

import pytest

from bot.knowledge.english import STOP_STEMS, content, stem


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("jobs", "job"),
        ("disabilities", "disability"),
        ("trained", "train"),
        ("training", "train"),
        ("insured", "insur"),
        ("insure", "insur"),
        ("planned", "plan"),
        ("added", "add"),  # no undoubling of a three-letter base
        ("women", "woman"),
        ("people", "person"),
        ("ict", "ict"),  # short words stay
        ("class", "class"),
        ("status", "status"),
        ("1,000", "1,000"),
        ("labour", "labor"),  # British spellings meet CC-CEDICT's American ones
        ("labours", "labor"),
        ("organisation", "organization"),
        ("centre", "center"),
        ("programme", "program"),
        ("contour", "contour"),  # (not every -our word is British)
        ("hours", "hour"),
    ],
)
def test_stem(word, stemmed):
    assert stem(word) == stemmed


def test_singular_plural_and_verb_forms_meet():
    assert len({stem(w) for w in ["pension", "pensions"]}) == 1
    assert len({stem(w) for w in ["employ", "employed", "employing"]}) == 1


def test_content_drops_leading_stop_words_and_trailing_placeholders():
    assert content("an unemployed person") == ["unemploy", "person"]
    assert content("to die") == ["die"]
    assert content("to look after sb") == ["look", "after"]  # the particle stays
    assert content("the ministry of labor") == ["ministry", "of", "labor"]
    assert content("to be") == []
    assert content("isn't") == []  # contractions are no words


def test_stop_words_are_known_in_stemmed_form():
    assert {"does", "doe", "there", "ther", "the", "how", "many"} <= STOP_STEMS
    assert not {"union", "pension", "death", "unemploy"} & STOP_STEMS
