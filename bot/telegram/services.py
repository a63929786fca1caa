"""The services the handlers share, built once by bot.telegram.app and held in bot_data.

Nothing here holds a user id or name: sessions are keyed by keyed digests, and the
rest is keyed by question text or indicator id. What outlives the process is in the
state store (bot.telegram.state), reached through `sessions.store`.
"""

import logging
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from telegram.ext import ContextTypes

from bot.engine.answer import Answer, Context
from bot.engine.engine import Engine
from bot.i18n import Translator
from bot.render import html as ui
from bot.render.chart import Charts
from bot.telegram.replies import Replies
from bot.telegram.sessions import Sessions
from bot.telegram.unanswered import Unanswered

log = logging.getLogger("sdgbot.answers")
SERVICES = "services"  # their key in bot_data
ANSWERS_MAX = 1_024  # answers kept for questions that come again in the same context
ANY = "any"  # the context key of an answer that is the same in every context


@dataclass
class Services:
    """What the handlers need."""

    engine: Engine
    charts: Charts
    sessions: Sessions
    unanswered: Unanswered
    pending: OrderedDict[str, str] = field(default_factory=OrderedDict)  # key -> {q, ids} JSON
    asked: Counter[str] = field(default_factory=Counter)  # indicator id -> times answered
    photo_ids: dict[str, str] = field(default_factory=dict)  # indicator id -> file_id
    answers: OrderedDict[tuple[str, Context | str | None], Answer] = field(
        default_factory=OrderedDict
    )
    rendered: OrderedDict[tuple[int, str], tuple[Answer, list[str]]] = field(
        default_factory=OrderedDict
    )  # (id of an answer, language) -> the answer and its messages
    replies: Replies = field(default_factory=Replies)  # which message answered which question
    admins: frozenset[int] = frozenset()  # user ids that may use /unanswered (SDGBOT_ADMINS)

    def answer(self, question: str, context: Context | None = None) -> Answer:
        """The engine's answer; the same question in the same context is answered from
        memory (the engine is pure: popular questions, sample buttons and inline typing
        come again and again), and in any context when its answer did not read it (most
        questions name their subject). Answers are shared, never changed."""
        started = time.perf_counter()
        key = (question, ANY)
        found = self.answers.get(key)
        if found is None:
            key = (question, context)
            found = self.answers.get(key)
        cached = found is not None
        if found is None:
            found = self.engine.answer(question, context)
            key = (question, ANY if found.context_free else context)
            self.answers[key] = found
            if len(self.answers) > ANSWERS_MAX:
                self.answers.popitem(last=False)
        else:
            self.answers.move_to_end(key)
        log.info(  # what was answered and how fast; never who asked, nor the question
            "answered %s %s",
            found.kind.value,
            found.matches[0].id if found.matches else "-",
            extra={
                "kind": found.kind.value,
                "match": found.matches[0].id if found.matches else None,
                "found": found.found,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "cached": cached,
            },
        )
        return found

    def messages(self, answer: Answer, tr: Translator) -> list[str]:
        """The answer as Telegram messages in a language, made once for an answer (those
        of `answer` are shared: a popular question's are laid out once per language)."""
        key = (id(answer), tr.lang)
        held = self.rendered.get(key)
        if held is not None and held[0] is answer:  # the same answer, not one at its old id
            self.rendered.move_to_end(key)
            return held[1]
        chunks = ui.messages(answer, tr)
        self.rendered[key] = (answer, chunks)
        if len(self.rendered) > ANSWERS_MAX:
            self.rendered.popitem(last=False)
        return chunks


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The typed accessor for the services in bot_data."""
    return context.bot_data[SERVICES]
