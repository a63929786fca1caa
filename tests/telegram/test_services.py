"""The services' memory of answers and of their messages (bot.telegram.services)."""

from bot.engine.answer import Context
from bot.i18n import ZH, translator
from bot.render import html as ui
from bot.render.chart import Charts
from bot.telegram.services import Services
from bot.telegram.sessions import Sessions
from bot.telegram.state import Store
from bot.telegram.unanswered import Unanswered


class Counting:
    """The engine, counting the questions it is asked."""

    def __init__(self, engine):
        self.engine, self.asked = engine, []

    def answer(self, question, context=None):
        self.asked.append((question, context))
        return self.engine.answer(question, context)


def _services(engine) -> tuple[Services, Counting]:
    counting = Counting(engine)
    return Services(counting, Charts(engine.card), Sessions(), Unanswered(Store())), counting


def test_a_question_naming_its_subject_is_answered_once_whatever_was_asked_before(engine):
    s, counting = _services(engine)
    first = s.answer("職災死亡千人率多少")
    before = [Context(indicator_ids=(i,)) for i in ("1.3.2", "8.5.2")]
    after = [s.answer("職災死亡千人率多少", context) for context in before]
    assert first.context_free and all(a is first for a in after)
    assert counting.asked == [("職災死亡千人率多少", None)]


def test_a_follow_up_is_answered_per_context(engine):
    s, counting = _services(engine)
    one = s.answer("那目標呢？", Context(indicator_ids=("8.7.1",)))
    other = s.answer("那目標呢？", Context(indicator_ids=("1.3.2",)))
    again = s.answer("那目標呢？", Context(indicator_ids=("8.7.1",)))
    assert one.matches[0].id == "8.7.1" and other.matches[0].id == "1.3.2" and again is one
    assert len(counting.asked) == 2


def test_messages_are_laid_out_once_per_answer_and_language(engine):
    s, _ = _services(engine)
    answer = s.answer("職災死亡千人率多少")
    zh = s.messages(answer, ZH)
    en = s.messages(answer, translator("en"))
    assert zh == ui.messages(answer, ZH) and en == ui.messages(answer, translator("en"))
    assert s.messages(answer, ZH) is zh and zh != en
    other = engine.answer("職災死亡千人率多少")  # an equal answer, another object: laid out anew
    assert s.messages(other, ZH) == zh and s.messages(other, ZH) is not zh
