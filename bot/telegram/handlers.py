"""python-telegram-bot handlers: translate between Telegram and the engine. Thin.

Every handler reads its services through `services(context)` (put in `bot_data`
by bot.telegram.app), asks the engine for an `Answer`, and sends what bot.render.html makes
of it (an answer through bot.telegram.answering, which also edits it when the question is
edited). No layout, no SQL, no globals here.
"""

import asyncio
import logging

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultsButton,
    InputFile,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ContextTypes

from bot.engine.answer import Kind
from bot.engine.engine import SAMPLES
from bot.i18n import N_, ZH, Translator
from bot.render import html as ui
from bot.render import table, texts
from bot.render.commands import BY_NAME, Step, resolve, run
from bot.telegram.answering import context_of, note, pending, send_answer, share_to
from bot.telegram.delivery import NotDelivered
from bot.telegram.language import on_lang, on_lang_button, tr_of
from bot.telegram.services import SERVICES as SERVICES  # bot_data key, read by bot.telegram.app
from bot.telegram.services import Services, services
from bot.telegram.state import Unavailable
from bot.telegram.unanswered import csv_text, most_frequent

log = logging.getLogger(__name__)
RECORDED = N_("已記錄")  # the toast of "none of these"
Ctx = ContextTypes.DEFAULT_TYPE


async def ask(update: Update, context: Ctx, question: str) -> None:
    s = services(context)
    msg = update.effective_message
    asked_in = context_of(s, msg, context.bot.id)
    answer = s.answer(question, asked_in)
    await send_answer(msg, context, answer, asked_in=asked_in, tr=tr_of(s, update))


# -- messages -----------------------------------------------------------------------


def _ours(msg: Message, context: Ctx) -> bool:
    """Sent through our own inline mode (an answer already): never a question."""
    return bool(msg.via_bot and msg.via_bot.id == context.bot.id)


async def on_private_text(update: Update, context: Ctx) -> None:
    msg = update.effective_message
    if msg and msg.text and not _ours(msg, context):
        await ask(update, context, msg.text)


async def on_private_other(update: Update, context: Ctx) -> None:
    """A sticker, a voice note, a location …: say that the bot reads text; a photo's or a
    document's caption is asked as the question it is (edited, its answer is edited as an
    edited question's is). Other edits (a live location moving, a caption taken away) are
    no question."""
    msg = update.effective_message
    if not msg or _ours(msg, context):
        return
    if msg.caption and msg.caption.strip():
        await ask(update, context, msg.caption)
        return
    if msg.edit_date:
        return
    tr = tr_of(services(context), update)
    await context.bot.send_html(
        msg, texts.text_only_html(tr), reply_markup=texts.start_keyboard(SAMPLES, tr)
    )


async def on_added(update: Update, context: Ctx) -> None:
    """Added to a group: a short intro with the way to ask there (privacy mode on, the bot
    reads only commands, mentions and replies to it)."""
    msg = update.effective_message
    if msg and any(m.id == context.bot.id for m in msg.new_chat_members or ()):
        tr = tr_of(services(context), update)
        await context.bot.send_html(
            msg, texts.group_intro_html(context.bot.username or "", tr), do_quote=False
        )


async def on_group_text(update: Update, context: Ctx) -> None:
    """Replies to the bot's own messages and @mentions of the bot; all else is ignored."""
    msg = update.effective_message
    text = _group_question(msg, context) if msg else None
    if text:
        await ask(update, context, text)


def _group_question(msg: Message, context: Ctx) -> str | None:
    """The question of a group message that replies to or mentions the bot (the mention
    taken out), or None when the message is not for the bot."""
    if not msg.text or _ours(msg, context) or not msg.from_user or msg.from_user.is_bot:
        return None
    parent = msg.reply_to_message
    replied = bool(
        parent
        and parent.from_user
        and parent.from_user.id == context.bot.id
        and not parent.forum_topic_created
    )
    handle = f"@{context.bot.username}".lower()
    entities = msg.parse_entities([MessageEntity.MENTION])
    mentions = [e for e, text in entities.items() if text.lower() == handle]
    if not (replied or mentions):
        return None
    units = msg.text.encode("utf-16-le")  # entity offsets count UTF-16 code units
    for e in sorted(mentions, key=lambda e: -e.offset):
        units = units[: e.offset * 2] + " ".encode("utf-16-le") + units[(e.offset + e.length) * 2 :]
    text = units.decode("utf-16-le")
    return text if text.strip() else None


def addressed(update: Update, context: Ctx) -> bool:
    """Would a handler answer this update? Buttons, private text, and in groups our commands,
    replies to us and mentions of us (bot.telegram.flood notices only these)."""
    if update.callback_query:
        return True
    msg = update.message or update.edited_message  # an edited question is answered too
    if msg is None or _ours(msg, context):
        return False
    if msg.chat.type == "private":  # every private message gets an answer (a sticker:
        return not msg.edit_date or bool(msg.text or msg.caption)  # "I read text"), an edit
        # when it asks a question
    if not msg.text:
        return False
    if msg.text.startswith("/"):
        name, _, suffix = msg.text.split(maxsplit=1)[0][1:].partition("@")
        if suffix:
            return suffix.lower() == (context.bot.username or "").lower()
        return name.lower() in BY_NAME
    return _group_question(msg, context) is not None


async def on_command(update: Update, context: Ctx) -> None:
    """Every registered command, as bot.render.commands reads it; a bad or missing
    argument gets a short usage line."""
    msg = update.effective_message
    s = services(context)
    tr = tr_of(s, update)
    step = run(s.engine, msg.text or "") or Step("usage")
    if step.do == "answer":
        await send_answer(msg, context, step.answer, tr=tr)
    elif step.do == "start":
        await context.bot.send_html(
            msg,
            texts.start_html(context.bot.username or "", tr),
            reply_markup=texts.start_keyboard(SAMPLES, tr),
        )
    elif step.do == "help":
        await context.bot.send_html(msg, texts.help_html(tr))
    elif step.do == "lang":
        await on_lang(s, update, msg, step.arg)
    elif step.do == "ask":
        await ask(update, context, step.arg)
    elif step.do == "chart":
        await send_chart(msg, context, step.arg, tr)
    elif step.do == "table":
        await send_table(msg, s, tr)
    elif step.do == "privacy":
        await context.bot.send_html(msg, texts.privacy_html(s.unanswered.store.days, tr))
    else:
        await context.bot.send_html(msg, texts.usage_html(step.arg, tr))


async def on_unanswered(update: Update, context: Ctx) -> None:
    """/unanswered, for the user ids of SDGBOT_ADMINS in a private chat (others get the
    unknown command's line): the most frequent unanswered questions, then every record
    as a CSV file."""
    msg = update.effective_message
    s = services(context)
    tr = tr_of(s, update)
    try:
        records = await s.unanswered.store.records()
    except Unavailable:
        await context.bot.send_html(msg, ui.esc(tr(texts.ERROR_HTML)))
        return
    rows = [(r.question, r.count, " ".join(r.ids)) for r in most_frequent(records, limit=15)]
    await context.bot.send_html(msg, texts.unanswered_html(rows, s.unanswered.store.days, tr))
    if records:
        document = InputFile(csv_text(records).encode("utf-8-sig"), filename="unanswered.csv")
        await msg.reply_document(document, do_quote=False)


async def on_unknown_command(update: Update, context: Ctx) -> None:
    """Private chats always; groups only when the command names this bot."""
    msg = update.effective_message
    head = (msg.text or "").split(maxsplit=1)[0]
    if msg.chat.type == "private" or head.lower().endswith(f"@{context.bot.username}".lower()):
        tr = tr_of(services(context), update)
        await context.bot.send_html(msg, texts.usage_html(head[1:].split("@")[0], tr))


async def send_chart(msg: Message, context: Ctx, ident: str, tr: Translator = ZH) -> None:
    """The chart as a PNG upload the first time, by Telegram file_id after that."""
    s = services(context)
    caption = texts.chart_caption(s.engine.indicator(ident).cards[0], tr)
    photo = s.photo_ids.get(ident)
    if photo is None:
        png = await asyncio.to_thread(s.charts.png, ident)  # ~0.1 s once, then cached
        photo = InputFile(png, filename=f"{ident}.png")
    sent = await msg.reply_photo(photo, caption=caption, parse_mode=ParseMode.HTML, do_quote=False)
    if sent.photo:
        s.photo_ids[ident] = sent.photo[-1].file_id


async def send_table(msg: Message, s: Services, tr: Translator = ZH) -> None:
    """The 20 indicators: one compact message in the user's language, then the same as a
    CSV document (one file for every language)."""
    cards = table.cards(s.engine)
    await msg.get_bot().send_html(msg, table.html_message(cards, tr))
    document = InputFile(table.csv_bytes(cards), filename=table.FILENAME)
    await msg.reply_document(document, caption=table.caption(tr), do_quote=False)


# -- buttons ------------------------------------------------------------------------


async def on_callback(update: Update, context: Ctx) -> None:
    """Every button press is answered (answerCallbackQuery), whatever happens."""
    notice: str | None = None
    try:
        notice = await _on_button(update, context)
    except Exception:
        notice = texts.ERROR_HTML  # plain text too; the error handler logs the exception
        raise
    finally:
        try:  # the notice in the language of whoever pressed (which may differ after /lang)
            await update.callback_query.answer(
                tr_of(services(context), update)(notice) if notice else None
            )
        except TelegramError as exc:  # e.g. the query is too old: nothing more to do
            log.warning("answerCallbackQuery failed: %s", exc)


async def _on_button(update: Update, context: Ctx) -> str | None:
    query = update.callback_query
    s = services(context)
    action, arg = ui.parse_data(query.data or "")
    msg = query.message if isinstance(query.message, Message) else None
    if msg is None:
        return texts.EXPIRED_TEXT
    tr = tr_of(s, update)
    if action == "L":
        return await on_lang_button(s, update, arg)
    if action == "c" and arg in s.engine.knowledge.indicators:
        await send_chart(msg, context, arg, tr)
        return None
    if action in ("s", "o"):  # a sample question or a list entry: a new message
        index = int(arg) if arg.isascii() and arg.isdigit() else len(SAMPLES)  # not 「²」
        sample = SAMPLES[index] if index < len(SAMPLES) else None
        answer = s.answer(sample) if sample else resolve(s.engine, *ui.parse_data(arg))
        if answer:
            await send_answer(msg, context, answer, question=False, tr=tr)
        return None if answer else texts.EXPIRED_TEXT
    if action in ("n", "h"):  # kept: the same question may wait in other chats
        held = await pending(s, arg)
        if held is None:
            return texts.EXPIRED_TEXT
        question, ids = held["q"], [str(i) for i in held.get("ids") or ()]
        if action == "h":  # not helpful: recorded with the answer's subject, button gone
            s.unanswered.record(question, "not_helpful", subject=ids)
            try:
                await query.edit_message_reply_markup(_without(msg.reply_markup, "h:"))
            except BadRequest as exc:  # pressed twice, or the message is gone: recorded anyway
                log.info("not helpful: the button stays (%s)", exc.message)
            return RECORDED
        s.unanswered.record(question, "none_of_these", candidates=ids)
        await query.edit_message_text(texts.recorded_html(question, tr), parse_mode=ParseMode.HTML)
        return RECORDED
    answer = resolve(s.engine, action, arg)  # a did-you-mean choice: edit the message
    if answer is None:
        return texts.EXPIRED_TEXT
    key = note(s, msg, answer)
    markup = ui.keyboard(answer, none_key=key, helpful_key=key, tr=tr, share=share_to(msg, context))
    first, *rest = s.messages(answer, tr)
    await query.edit_message_text(
        first, parse_mode=ParseMode.HTML, reply_markup=None if rest else markup
    )
    for i, text in enumerate(rest):
        last = i == len(rest) - 1
        await context.bot.send_html(
            msg, text, do_quote=False, reply_markup=markup if last else None
        )
    return None


def _without(markup: InlineKeyboardMarkup | None, prefix: str) -> InlineKeyboardMarkup | None:
    """The keyboard without its buttons whose callback data start with `prefix`."""
    rows = [[b for b in row if not (b.callback_data or "").startswith(prefix)]
            for row in (markup.inline_keyboard if markup else ())]  # fmt: skip
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


# -- inline mode --------------------------------------------------------------------


async def on_inline(update: Update, context: Ctx) -> None:
    """Up to 10 articles, the same for every user of a language (so Telegram may cache
    them per user only); an empty query shows the useful ones."""
    s = services(context)
    tr = tr_of(s, update)
    text = " ".join(update.inline_query.query.split())[:256]
    if text:
        answers = [s.answer(text)]
        if answers[0].kind is Kind.CANDIDATES:
            data = [ui.parse_data(ui.choice_data(m) or "") for m in answers[0].candidates]
            answers = [a for a in (resolve(s.engine, *d) for d in data) if a is not None]
    else:
        top = [i for i, _ in s.asked.most_common(9)]
        top += [i for i in s.engine.knowledge.indicators if i not in top][: 9 - len(top)]
        answers = [s.engine.listing(unmet=True)] + [s.engine.indicator(i) for i in top]
    articles = ui.inline_articles(answers, tr=tr, bot=context.bot.username)
    button = None
    if not articles:  # nothing to share: a way on, asking the bot itself in private
        button = InlineQueryResultsButton(tr(ui.INLINE_ASK), start_parameter="inline")
    await update.inline_query.answer(articles, cache_time=60, is_personal=True, button=button)


# -- errors -------------------------------------------------------------------------


def _transient(error: BaseException | None) -> bool:
    """Network trouble, flood limits, a garbled answer from Telegram: telling the user
    would only add traffic (or a second message after an answer that did arrive)."""
    if isinstance(error, RetryAfter):
        return True
    if isinstance(error, TelegramError) and isinstance(error.__cause__, ValueError):
        return True  # malformed JSON from Telegram: the call itself may well have worked
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


GONE = (
    "chat not found",
    "peer_id_invalid",
    "user is deactivated",
    "chat_write_forbidden",
    "have no rights to send",
    "not enough rights to send",
    "group chat was deactivated",
)


def _gone(error: BaseException | None) -> bool:
    """The chat cannot get messages: the bot was blocked or removed, the user deleted or
    deactivated, the chat deleted or closed to the bot. An apology would fail the same."""
    if isinstance(error, Forbidden):
        return True
    return isinstance(error, BadRequest) and any(s in error.message.lower() for s in GONE)


async def _answer_migrated(update: Update, context: Ctx, new_chat_id: int) -> None:
    """The group became a supergroup under a new id: the same update, answered there."""
    data = update.to_dict()
    for key in ("message", "edited_message"):
        if key in data and data[key]["chat"]["id"] != new_chat_id:
            data[key]["chat"] |= {"id": new_chat_id, "type": "supergroup"}
            log.info("update %s: the group moved to a supergroup; answered there",
                     update.update_id)  # fmt: skip
            await context.application.process_update(Update.de_json(data, context.bot))
            return
    log.warning("update %s: the chat moved to a supergroup; not answered", update.update_id)


async def on_error(update: object, context: Ctx) -> None:
    """Log every exception (bot.logs redacts the token) and apologise; a chat that moved
    is answered at its new id, a chat that is gone gets one log line and no apology."""
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, ChatMigrated) and isinstance(update, Update):
        await _answer_migrated(update, context, context.error.new_chat_id)
        return
    if _gone(context.error):
        log.warning("update %s: not answered, the chat is gone (%s)", update_id,
                    context.error.message)  # fmt: skip
        return
    if isinstance(context.error, NotDelivered):  # Telegram kept failing, or the bot stopped
        log.warning("update %s: the answer was not delivered (%s)", update_id, context.error)
        return  # one line, not a traceback: each update the stop's drain gave up on says so
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if _transient(context.error) or not isinstance(update, Update):
        return
    msg = update.effective_message
    if msg is None or update.callback_query is not None:
        return  # a button press was already answered with the apology
    try:
        apology = tr_of(services(context), update)(texts.ERROR_HTML)
        await context.bot.send_html(msg, ui.esc(apology), do_quote=False)
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", exc)
