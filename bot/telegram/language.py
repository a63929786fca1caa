"""The user's UI language, and `/lang`: their own choice, else their Telegram client's.

A choice is kept per user in bot.telegram.sessions; without one, `language_code` decides
(bot.i18n.language_of: en* → English, zh-Hans / zh-CN / zh-SG → Simplified, else zh-TW).
"""

from telegram import Message, Update
from telegram.constants import ParseMode

from bot.i18n import DEFAULT, LANGS, Translator, language_of, pick, translator
from bot.render import texts
from bot.telegram.services import Services


def lang_of(s: Services, update: Update) -> str:
    """The language to answer this update's sender in."""
    user = update.effective_user
    if user is None:
        return DEFAULT
    return s.sessions.language(user.id) or language_of(user.language_code)


def tr_of(s: Services, update: Update) -> Translator:
    return translator(lang_of(s, update))


async def on_lang(s: Services, update: Update, msg: Message, arg: str) -> None:
    """`/lang`: the buttons; `/lang en` (zh-TW, zh-Hans, English, 简体 …): switched."""
    user = update.effective_user
    if not arg:
        await msg.reply_html(texts.lang_html(tr_of(s, update)), reply_markup=texts.lang_keyboard())
        return
    lang = pick(arg)
    if lang is None or user is None:
        await msg.reply_html(texts.usage_html("lang", tr_of(s, update)))
        return
    s.sessions.set_language(user.id, lang)
    await msg.reply_html(texts.lang_set_html(translator(lang)))


async def on_lang_button(s: Services, update: Update, lang: str) -> str | None:
    """A 繁體中文 / 简体中文 / English button: switched, said in that language in place of
    the buttons. Returns a notice for the button (a msgid), or None."""
    user = update.effective_user
    if lang not in LANGS or user is None:
        return texts.EXPIRED_TEXT
    s.sessions.set_language(user.id, lang)
    await update.callback_query.edit_message_text(
        texts.lang_set_html(translator(lang)), parse_mode=ParseMode.HTML
    )
    return None
