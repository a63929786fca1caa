"""What commands and buttons stand for: `i:8.7.1`, `g:8`, `u:勞發署`, `l:unmet` … → Answer.

Pure: the engine answers, nothing here talks to Telegram. Button callback data and
command arguments both come through `resolve`.
"""

from bot.engine.answer import Answer, Kind
from bot.engine.engine import Engine


def ident(arg: str) -> str:
    return arg.strip().replace("．", ".").replace("。", ".").lower()


def resolve(engine: Engine, action: str, arg: str) -> Answer | None:
    """The answer of i:8.7.1, p:3, g:8, u:單位, f:minister, l:unmet|all|programmes|goal:8."""
    k = engine.knowledge
    arg = arg.strip()
    key = ident(arg)
    units = sorted({i.unit for i in k.indicators.values()})
    unit = [u for u in units if u == arg] or [u for u in units if arg and arg in u]
    lists = {"unmet": lambda: engine.listing(unmet=True), "all": engine.listing,
             "programmes": engine.programmes}  # fmt: skip
    if action == "l" and ":" in arg:
        kind, _, rest = arg.partition(":")
        return resolve(engine, {"goal": "g", "unit": "u"}.get(kind, ""), rest)
    table = {
        "i": lambda: engine.indicator(key) if key in k.indicators else _by_name(engine, arg),
        "p": lambda: engine.programme(int(arg)) if arg.isdigit() and int(arg) in k.programmes
        else None,
        "g": lambda: engine.listing(goal=int(arg)) if arg.isdigit() and int(arg) in k.goals
        else None,
        "u": lambda: engine.listing(unit=unit[0]) if len(unit) == 1 else _unit_alias(engine, arg),
        "f": lambda: engine.fact(arg),
        "l": lambda: lists[arg]() if arg in lists else None,
    }  # fmt: skip
    return table[action]() if action in table else None


def _by_name(engine: Engine, name: str) -> Answer | None:
    """/i 職災死亡千人率: the indicator a name (or the words people use for it) means, when
    the question it makes is answered with that indicator's card."""
    answer = engine.answer(name) if name else None
    return answer if answer and answer.kind is Kind.INDICATOR else None


def _unit_alias(engine: Engine, name: str) -> Answer | None:
    """勞發署 → 勞動力發展署, through the engine's curated aliases."""
    answer = engine.answer(name) if name else None
    ok = answer and answer.kind is Kind.LIST and answer.matches[0].id.startswith("unit:")
    return answer if ok else None


COMMANDS = {  # command: (button action, fixed argument or None for the user's argument)
    "list": ("l", "all"),
    "unmet": ("l", "unmet"),
    "programmes": ("l", "programmes"),
    "about": ("f", "title"),
    "goal": ("g", None),
    "unit": ("u", None),
    "i": ("i", None),
}
