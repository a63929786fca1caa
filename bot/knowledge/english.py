"""English words as the bot compares them: lower case, light stems, no stop words.

Shared by the bridge generator (bridge.py), the build and the engine, so an English
question and the English glosses of the bridge are cut and stemmed the same way.
"""

import re

# Function words and question words: they say nothing about which part of the report is
# meant. Also the abbreviations CC-CEDICT uses inside its glosses (sb, sth, esp, lit …).
_STOP_TEXT = """
    a an the this that these those there here it its it's they them their theirs he him his
    she her hers we us our ours you your yours i me my mine one one's oneself sb sth sb's
    someone something somebody anyone anything everyone everything thing things
    is am are was were be been being do does did done doing have has had having
    will would shall should can could may might must let get got gets getting
    what which who whom whose when where why how whether if then than so such
    of in on at to for from by with without into onto upon about above below over under
    between among through during before after until till since per via as like
    and or but nor not no yes also too very much many more most less least few lot lots
    some any all each every both either neither other others another same own
    just only even still already yet ever never always often again really quite rather
    up down out off away back now ago etc esp lit fig abbr e.g i.e usu orig
    please tell say said says know want wants wanted give show list
    kind kinds sort type types way ways part
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# Plurals no rule finds; CC-CEDICT glosses say "person" where questions say "people".
_IRREGULAR = {"women": "woman", "men": "man", "people": "person", "children": "child",
              "going": "go", "goes": "go"}  # fmt: skip
# what CC-CEDICT puts where an object goes: 'to take care of sb', 'to give sth a try'
_PLACEHOLDER_TEXT = "sb sth sb's sth's someone something oneself one one's it etc"
_PLACEHOLDERS = frozenset(_PLACEHOLDER_TEXT.split())
_WORD = re.compile(r"[a-z][a-z0-9'\-]*[a-z0-9]|[a-z]")
_DOUBLE = re.compile(r"([bdfgklmnprt])\1$")


# British spellings as CC-CEDICT and the curated names spell them (labour → labor)
_AMERICAN = {"centre": "center", "centres": "centers", "programme": "program",
             "programmes": "programs", "licence": "license", "defence": "defense"}  # fmt: skip
_OUR = re.compile(r"^(lab|fav|behavi|hon|col|neighb|flav|harb|rum|hum|vap|endeav)our")


def american(word: str) -> str:
    """labour → labor, favourable → favorable, organisation → organization, centre →
    center: one spelling for both sides of the bridge."""
    word = _OUR.sub(r"\1or", _AMERICAN.get(word, word))
    return re.sub(r"(?<=[a-z]{3})is(ation|ations)$", r"iz\1", word)


def stem(word: str) -> str:
    """A light English stemmer, enough to meet plural and singular, -ing and -ed forms:
    jobs → job, disabilities → disability, trained and training → train, insured → insur
    (as insure), British spellings as American ones. Not Porter: short words and words with
    digits stay as they are."""
    word = american(word)
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    for ending, shortest in (("ing", 6), ("ed", 5)):
        if word.endswith(ending) and len(word) >= shortest:
            base = word[: -len(ending)]
            if len(base) > 3 and _DOUBLE.search(base):
                base = base[:-1]  # running → run, planned → plan
            return _drop_e(base)
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return _drop_e(word)


def _drop_e(word: str) -> str:
    """insure, insured and insuring all end as insur."""
    return word[:-1] if len(word) > 4 and word.endswith("e") and not word.endswith("ee") else word


STOP_STEMS = STOP_WORDS | {stem(w) for w in STOP_WORDS}  # as stemmed tokens: does → doe


def words(text: str) -> list[str]:
    """Lower-case English words of a text, as written; contractions (isn't, one's) left out."""
    return [w for w in _WORD.findall(text.lower()) if "'" not in w]


def content(text: str) -> list[str]:
    """A phrase's words, stemmed, without leading stop words or trailing placeholders (a
    particle stays, so 'look after' is not 'look'): 'to look after sb' → ['look', 'after'],
    'an unemployed person' → ['unemploy', 'person']."""
    found = words(text)
    while found and found[0] in STOP_WORDS:
        found.pop(0)
    while found and found[-1] in _PLACEHOLDERS:
        found.pop()
    return [stem(w) for w in found]
