"""The user's UI language: their Telegram client's `language_code` decides
(bot.i18n.language_of: en* → English, zh-Hans / zh-CN / zh-SG → Simplified, else zh-TW).
"""

from telegram import Update

from bot.i18n import DEFAULT, Translator, language_of, translator
from bot.telegram.services import Services


def lang_of(s: Services, update: Update) -> str:
    """The language to answer this update's sender in."""
    user = update.effective_user
    if user is None:
        return DEFAULT
    return language_of(user.language_code)


def tr_of(s: Services, update: Update) -> Translator:
    return translator(lang_of(s, update))
