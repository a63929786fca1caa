"""Share links: https://t.me/<bot>?start=<payload> opens an answer in a private chat with
the bot (Telegram sends `/start <payload>` when the user presses START). Pure.

A start payload takes 1–64 of A-Z a-z 0-9 _ -, so an answer is named:

    8_7_1              the card of indicator 8.7.1 (its dots as _)
    p_3                highlight programme 3
    unmet | all | programmes   the list of that name (/unmet, /list, /programmes)
    goal_8             the indicators of core goal 8 (/goal 8)
    unit_<name>        the indicators of a responsible unit, its name in base64url

Only what a link can open again is named: a list picked by a question's subject (與「職災」
有關的指標) or a follow-up's one line (its full card is) is not.
"""

import base64
import binascii
import re

from bot.engine.answer import Answer, Kind

LISTS = ("unmet", "all", "programmes")
PAYLOAD_MAX = 64
_INDICATOR = re.compile(r"\d{1,2}_[0-9a-z]_\d{1,2}")


def payload(answer: Answer) -> str | None:
    """The start payload that opens this answer again, or None."""
    if answer.kind is Kind.INDICATOR and len(answer.cards) == 1 and not answer.brief:
        return answer.cards[0].indicator.id.replace(".", "_")
    if answer.kind is Kind.PROGRAMME and answer.programme:
        return f"p_{answer.programme.id}"
    if answer.kind is not Kind.LIST or not answer.matches:
        return None
    kind = answer.matches[0].id
    if kind in LISTS:
        return kind
    if kind.startswith("goal:"):
        return f"goal_{kind[5:]}"
    if kind.startswith("unit:"):
        name = base64.urlsafe_b64encode(kind[5:].encode()).decode().rstrip("=")
        return f"unit_{name}" if len(name) + 5 <= PAYLOAD_MAX else None
    return None


def opened(text: str) -> tuple[str, str] | None:
    """What a payload opens, as the (action, argument) of bot.render.commands.resolve:
    ("i", "8.7.1"), ("p", "3"), ("l", "unmet"), ("g", "8"), ("u", "勞動力發展署"); None
    for anything else."""
    text = text.strip()
    if _INDICATOR.fullmatch(text.lower()):
        return "i", text.lower().replace("_", ".")
    head, _, rest = text.partition("_")
    if text in LISTS:
        return "l", text
    if head == "p" and rest.isascii() and rest.isdigit():
        return "p", rest
    if head == "goal" and rest.isascii() and rest.isdigit():
        return "g", rest
    if head == "unit" and rest:
        try:
            name = base64.urlsafe_b64decode(rest + "=" * (-len(rest) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        return ("u", name) if name else None
    return None


def deep_link(bot: str, name: str) -> str:
    """The link that opens an answer in a private chat with the bot: `name` is a start
    payload or an indicator id (8.7.1 is sent as 8_7_1)."""
    return f"https://t.me/{bot}?start={name.replace('.', '_')}"
