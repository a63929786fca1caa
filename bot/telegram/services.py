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
from bot.render.chart import Charts
from bot.telegram.replies import Replies
from bot.telegram.sessions import Sessions
from bot.telegram.unanswered import Unanswered

log = logging.getLogger("sdgbot.answers")
SERVICES = "services"  # their key in bot_data
ANSWERS_MAX = 1_024  # answers kept for questions that come again in the same context


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
    answers: OrderedDict[tuple[str, Context | None], Answer] = field(default_factory=OrderedDict)
    replies: Replies = field(default_factory=Replies)  # which message answered which question
    admins: frozenset[int] = frozenset()  # user ids that may use /unanswered (SDGBOT_ADMINS)

    def answer(self, question: str, context: Context | None = None) -> Answer:
        """The engine's answer; the same question in the same context is answered from
        memory (the engine is pure: popular questions, sample buttons and inline typing
        come again and again). Answers are shared, never changed."""
        started = time.perf_counter()
        key = (question, context)
        found = self.answers.get(key)
        cached = found is not None
        if found is None:
            found = self.answers[key] = self.engine.answer(question, context)
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


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The typed accessor for the services in bot_data."""
    return context.bot_data[SERVICES]
