"""Sending an answer to a question, and editing it when the question is edited.

What an answer means is remembered here: the subject a follow-up is about (per asker, and
bound to each message of the bot, bot.telegram.sessions), which message answered which
question (bot.telegram.replies), the counts and the unanswered log. Used by the thin
handlers of bot.telegram.handlers.
"""

import json

from telegram import Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.engine.answer import Answer, Context, Kind
from bot.i18n import ZH, Translator
from bot.render import html as ui
from bot.render.commands import remembered
from bot.telegram.replies import Answered
from bot.telegram.services import Services, services
from bot.telegram.state import PENDING_TTL, Unavailable

PENDING_MAX = 2_000  # "none of these" / "not helpful" questions held here for their buttons
Ctx = ContextTypes.DEFAULT_TYPE


def _thread(msg: Message) -> int | None:
    """The forum topic a message stands in (a reply chain in a plain group is none)."""
    return msg.message_thread_id if msg.is_topic_message else None


def _key(s: Services, msg: Message) -> bytes:
    user = msg.from_user.id if msg.chat.type != "private" and msg.from_user else None
    return s.sessions.key(msg.chat.id, _thread(msg), user)


async def recall(update: Update, context: Ctx) -> None:
    """Before the handlers (group -2): the state this update may need, fresh from the
    store (the asker's last subject, the answer replied to, the sender's /lang)."""
    s = services(context)
    msg, user = update.effective_message, update.effective_user
    keys = [s.sessions.user_key(user.id)] if user else []
    if msg is not None and msg.chat is not None:
        keys.append(_key(s, msg))
        parent = msg.reply_to_message
        if parent and parent.from_user and parent.from_user.id == context.bot.id:
            keys.append(s.sessions.message_key(msg.chat.id, parent.message_id))
    if keys:
        await s.sessions.load(keys)


async def pending(s: Services, key: str) -> dict | None:
    """What a "none of these" or "not helpful" button stands for: {"q": question, "ids":
    candidates or the answer's subject}; None when it is gone."""
    held = s.pending.get(key)
    if held is None:
        try:
            held = await s.sessions.store.get("p:" + key)
        except Unavailable:
            return None
    try:
        data = json.loads(held) if held else None
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("q"), str) else None


def _closest(answer: Answer) -> list[str]:
    return [m.id for m in (answer.candidates or answer.matches)[:3]]


def context_of(s: Services, msg: Message, bot_id: int):
    """The subject a question follows up on: an edited question's, the one it was first
    asked in; else the answer it replies to, else the asker's own last one (in this chat
    or topic)."""
    earlier = s.replies.get(msg.chat.id, msg.message_id) if msg.edit_date else None
    if earlier is not None:
        return earlier.asked_in
    parent = msg.reply_to_message
    if parent and parent.from_user and parent.from_user.id == bot_id:
        bound = s.sessions.get(s.sessions.message_key(msg.chat.id, parent.message_id))
        if bound is not None:
            return bound
    return s.sessions.get(_key(s, msg))


def note(s: Services, msg: Message, answer: Answer) -> str | None:
    """Remember what an answer means: follow-up context, counts, unanswered, and the key
    of its "none of these" (a did-you-mean) or "not helpful" button (an answer)."""
    subject = remembered(answer)
    if subject is not None:
        s.sessions.put(_key(s, msg), subject)
    if answer.kind is Kind.INDICATOR:
        s.asked.update(c.indicator.id for c in answer.cards)
    if answer.kind is Kind.NOT_FOUND:
        s.unanswered.record(answer.query, "not_found", candidates=_closest(answer))
    if answer.kind is Kind.CANDIDATES:
        ids = _closest(answer)
    elif answer.found and answer.kind is not Kind.CHAT and answer.query.strip():
        ids = [*answer.context.indicator_ids]
        ids += [f"p{answer.context.programme_id}"] if answer.context.programme_id else []
    else:
        return None
    held = json.dumps({"q": answer.query, "ids": ids}, ensure_ascii=False)
    key = s.sessions.store.digest(f"p:{msg.chat.id}:{msg.message_id}")[:12]  # an edit: same
    s.sessions.store.put("p:" + key, held, PENDING_TTL)
    s.pending[key] = held
    s.pending.move_to_end(key)
    while len(s.pending) > PENDING_MAX:
        s.pending.popitem(last=False)
    return key


def share_to(msg: Message, context: Ctx) -> str | None:
    """The bot's username for a card's share button: in private chats only (in a group
    anyone can forward the card; a button would be one row too many)."""
    return context.bot.username if msg.chat.type == ChatType.PRIVATE else None


def _bind(s: Services, chat_id: int, message_id: int, answer: Answer) -> None:
    """A reply to this message of the bot follows up on the answer's subject (none for a
    did-you-mean or "not in the report")."""
    key = s.sessions.message_key(chat_id, message_id)
    subject = remembered(answer)
    if subject is not None and (subject.indicator_ids or subject.programme_id is not None):
        s.sessions.put(key, subject)
    else:
        s.sessions.clear(key)


async def send_answer(
    msg: Message,
    context: Ctx,
    answer: Answer,
    *,
    question: bool = True,
    asked_in: Context | None = None,
    tr: Translator = ZH,
) -> None:
    """Reply with the answer in the user's language: split messages, the keyboard under
    the last one. `msg` is the user's question (remembered with its answer), or with
    question=False the bot's own message whose button asked for the answer.

    A question edited since it was answered has its answer edited in place while that
    answer is one message and still the bot's latest in the chat (topic), and the new
    answer fits one message; otherwise the new answer is sent as a reply to it."""
    s = services(context)
    edited = question and msg.edit_date is not None
    earlier = s.replies.get(msg.chat.id, msg.message_id) if edited else None
    words = s.replies.digest(msg.text or msg.caption or "")
    if earlier is not None and earlier.words == words:
        return  # an edit that left the words as they were (of the formatting only)
    key = note(s, msg, answer)
    markup = ui.keyboard(answer, none_key=key, helpful_key=key, tr=tr, share=share_to(msg, context))
    chunks = s.messages(answer, tr)
    if earlier and len(chunks) == 1 and await _edit(msg, context, earlier, chunks[0], markup):
        _bind(s, msg.chat.id, earlier.message_id, answer)
        s.replies.put(msg.chat.id, msg.message_id, Answered(earlier.message_id, asked_in, words))
        return
    sent_ids = []
    for i, text in enumerate(chunks):
        last = i == len(chunks) - 1
        quote = (True if edited else None) if question and not i else False
        sent = await context.bot.send_html(
            msg, text, reply_markup=markup if last else None, do_quote=quote
        )  # (the message id only: not read into a Message)
        if sent is not None:
            sent_ids.append(sent)
            _bind(s, msg.chat.id, sent, answer)
    if question:
        one = sent_ids[0] if len(sent_ids) == 1 else None
        s.replies.put(msg.chat.id, msg.message_id, Answered(one, asked_in, words))


UNEDITABLE = (
    "message can't be edited",
    "message to edit not found",
    "there is no text in the message to edit",
)


async def _edit(msg: Message, context: Ctx, earlier: Answered, text: str, markup) -> bool:
    """Edit the earlier answer to say `text`: True when done (or it said so already),
    False when a new answer is wanted (a later message of the bot stands below it, or
    Telegram will not edit it)."""
    latest = services(context).replies.latest(msg.chat.id, _thread(msg))
    if earlier.message_id is None or latest != earlier.message_id:
        return False
    try:
        await context.bot.edit_message_text(
            text,
            chat_id=msg.chat.id,
            message_id=earlier.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    except BadRequest as exc:
        said = exc.message.lower()
        if "message is not modified" in said:
            return True
        if any(reason in said for reason in UNEDITABLE):
            return False
        raise
    return True
