"""The bot's own words in the user's language: Traditional Chinese (zh-TW, as the code
writes them), Simplified Chinese (zh-Hans: the zh-TW words through OpenCC t2s) and
English (en: the gettext catalog bot/locale/en/LC_MESSAGES/sdgbot.po).

Shared by every layer and importing none. Words are marked for `pybabel extract` (its
config is in pyproject.toml): `tr("使用說明")` where a translator is at hand (render,
telegram), `Msg("報告中沒有指標 {ids}。", ids=…)` where the words are made before the
language is known (the engine), `N_("…")` in tables. A `Msg` is a str whose value is the
zh-TW text, so whatever reads it as text (the batch contract) reads zh-TW; a translator
says it again in its language (`Translator.text`).

The report's own text (names, headings, quotes, figures) is never translated: a plain
str passes unchanged, and a `Name` gives its curated English name in English.

The .po catalogs are read at first use with Babel and handed to gettext, so a fresh
checkout works without a compile step and no compiled binary can go stale.
"""

import gettext
import io
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "sdgbot"
LOCALE = Path(__file__).with_name("locale")
DEFAULT = "zh-TW"
LANGS = {"zh-TW": "繁體中文", "zh-Hans": "简体中文", "en": "English"}  # each in its own script
_SIMPLIFIED = ("zh-hans", "zh-cn", "zh-sg", "zh-my")
_NAMES = {  # what `/lang …` accepts besides the language tags
    "zh-TW": {"繁體", "繁体", "繁體中文", "繁体中文", "正體", "中文", "tw", "tc", "traditional"},
    "zh-Hans": {"简体", "簡體", "简体中文", "簡體中文", "cn", "sc", "simplified"},
    "en": {"english", "英文", "英語", "英语"},
}


def N_(msgid: str) -> str:
    """Mark words for extraction where they are defined; translate them where shown."""
    return msgid


def language_of(code: str | None) -> str:
    """The UI language for a Telegram client's `language_code` (an IETF tag): en* →
    English, zh-Hans / zh-CN / zh-SG → Simplified, anything else → zh-TW."""
    tag = (code or "").strip().lower().replace("_", "-")
    if tag == "en" or tag.startswith("en-"):
        return "en"
    if tag.startswith(_SIMPLIFIED):
        return "zh-Hans"
    return DEFAULT


def pick(text: str) -> str | None:
    """The language `/lang …` names (en, zh-TW, zh-Hans, English, 简体 …), or None."""
    word = " ".join(text.split()).lower().replace("_", "-")
    for lang, names in _NAMES.items():
        if word == lang.lower() or word in names:
            return lang
    if re.fullmatch(r"(en|zh)(-[a-z0-9]+)*", word):
        return language_of(word)  # zh-hk, zh-hant, en-gb …
    return None


class Msg(str):
    """Words of the bot made before the language is known: the zh-TW text, carrying its
    msgid and arguments (which may be Msg, Name or Joined themselves)."""

    msgid: str
    args: dict[str, Any]

    def __new__(cls, msgid: str, **args: Any) -> "Msg":
        self = super().__new__(cls, msgid.format(**args) if args else msgid)
        self.msgid, self.args = msgid, args
        return self


class Name(str):
    """A name as the report prints it, with its curated English name ("" if none)."""

    en: str

    def __new__(cls, text: str, en: str = "") -> "Name":
        self = super().__new__(cls, text)
        self.en = en
        return self


SEPARATORS = (N_("、"), N_("；"), N_("或"))  # what a Joined may join with


class Joined(str):
    """Words joined by a separator each language sets (「、」 is ", " in English)."""

    sep: str
    items: tuple[str, ...]

    def __new__(cls, sep: str, items: Iterable[str]) -> "Joined":
        if sep not in SEPARATORS:
            raise ValueError(f"not a separator the catalogs translate: {sep!r}")
        items = tuple(items)
        self = super().__new__(cls, sep.join(items))
        self.sep, self.items = sep, items
        return self


class Translator:
    """The bot's words in one language: `tr(msgid, **args)`, `tr.text(value)`."""

    def __init__(
        self,
        lang: str,
        catalog: gettext.NullTranslations,
        convert: Callable[[str], str] | None = None,
    ) -> None:
        self.lang = lang
        self._catalog = catalog
        self._convert = convert
        self._memo: dict[str, str] = {}  # msgid → its text (the msgids are the code's)

    @property
    def english(self) -> bool:
        return self.lang == "en"

    def gettext(self, msgid: str) -> str:
        found = self._memo.get(msgid)
        if found is None:
            found = self._catalog.gettext(msgid)
            if self._convert:
                found = self._convert(found)
            self._memo[msgid] = found
        return found

    def __call__(self, msgid: str, **args: Any) -> str:
        """The words of `msgid` in this language, with the arguments put in (the
        arguments said in this language too, if they are the bot's own words)."""
        text = self.gettext(msgid)
        return text.format(**{k: self.text(v) for k, v in args.items()}) if args else text

    def text(self, value: Any) -> Any:
        """A Msg, Joined or Name said in this language; anything else as it is."""
        if isinstance(value, Msg):
            return self(value.msgid, **value.args)
        if isinstance(value, Joined):
            return self.gettext(value.sep).join(str(self.text(v)) for v in value.items)
        if isinstance(value, Name):
            return value.en if self.english and value.en else str(value)
        return value


ZH = Translator(DEFAULT, gettext.NullTranslations())  # the msgids are zh-TW


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _catalog(lang: str) -> gettext.GNUTranslations:
    """A .po catalog read with Babel, compiled in memory, handed to gettext."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as source:
        catalog = read_po(source, locale=lang.replace("-", "_"))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries left out, as msgfmt does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def translator(lang: str) -> Translator:
    """The translator of a language (zh-TW for one the bot does not speak)."""
    if lang == "en":
        return Translator(lang, _catalog(lang))
    if lang == "zh-Hans":
        import opencc

        return Translator(lang, gettext.NullTranslations(), opencc.OpenCC("t2s").convert)
    return ZH
