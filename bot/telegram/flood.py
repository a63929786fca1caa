"""A user who floods the bot is slowed and told once, never dropped.

Nothing is thrown away here any more: every question is answered. The pacer
(bot.telegram.pacer) gives chats their turns one send at a time, so a chat with many
questions waiting is answered behind everyone else's, round after round; an answer that
could not be sent within a minute becomes one "please ask again". This module only
tells a flooding user what is happening, once: when a private chat has more than
`DEPTH` updates waiting in the backlog (bot.telegram.backlog), `NOTICE` goes before the
first answer. A new flood gets a new notice after the chat's backlog has emptied. Seven
questions sent at once are no flood: they get seven answers and no notice.

Groups get no notice: many people asking at once in a group is not one user flooding,
and the notice would cost one of the group's 20 messages a minute.

`FloodNotice.handler()` is a TypeHandler for handler group -1; it never stops an update.
"""

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, TypeHandler

from bot.i18n import N_
from bot.telegram.backlog import CURRENT, Backlog
from bot.telegram.handlers import addressed, services
from bot.telegram.language import tr_of
from bot.telegram.pacer import BUSY

log = logging.getLogger(__name__)
NOTICE = N_("訊息太多了，我會依序回答，請稍候。")  # in the user's language
DEPTH = 10  # more updates than this waiting in one private chat: a flood


class FloodNotice:
    def __init__(self, backlog: Backlog, *, depth: int = DEPTH) -> None:
        self.backlog, self.depth = backlog, depth
        self._told: set[int] = set()  # chats told during their current flood

    def __len__(self) -> int:
        return len(self._told)

    async def check(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Group -1: the update's "please ask again" in its sender's language, for the
        pacer should the answer go stale; the notice first, when the chat is flooding."""
        if not isinstance(update, Update):
            return
        tr = tr_of(services(context), update)
        job = CURRENT.get()
        if job is not None:
            job.busy_text = tr(BUSY)
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            return
        waiting = self.backlog.waiting(chat.id)
        if waiting <= 1:  # this update alone: any flood is over
            self._told.discard(chat.id)
            return
        if waiting <= self.depth or chat.id in self._told or not addressed(update, context):
            return
        self._told.add(chat.id)
        if len(self._told) > 1_000:  # forget chats whose flood is over
            self._told = {c for c in self._told if self.backlog.waiting(c)}
        message = update.effective_message
        try:
            if message is not None:
                await message.reply_text(tr(NOTICE), do_quote=False)
        except TelegramError as exc:
            log.warning("flood notice not sent: %s", exc)

    def handler(self) -> TypeHandler:
        return TypeHandler(Update, self.check)
