"""plain.lines takes each card's lines from a memo (card_lines is a pure function of frozen
values): the same lines, and the same card asked the same way laid out once."""

from bot.i18n import ZH
from bot.render.plain import _card_lines, card_lines


def test_a_card_is_laid_out_once_however_it_is_asked_for(engine):
    _card_lines.cache_clear()
    questions = ["職災死亡千人率多少", "職災死亡千人率是多少", "8.7.1 目標", "職災死亡千人率目標"]
    for question in questions:
        answer = engine.answer(question)
        for card in answer.cards:
            memo = _card_lines(card, tuple(answer.fields), tuple(answer.components),
                               answer.lead, ZH, False)  # fmt: skip
            assert list(memo) == card_lines(card, answer.fields, answer.components, answer.lead)
    assert _card_lines.cache_info().hits >= 1  # 多少 and 是多少: one card, one layout
