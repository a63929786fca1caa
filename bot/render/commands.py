"""The commands, once, for every front end: the Telegram menu and handlers, the console chat.

Each command has its menu description, its usage line (both zh-TW msgids, said in the
user's language through bot.i18n) and what it stands for: an answer the engine gives
(`i:8.7.1`, `g:8`, `u:勞發署`, `l:unmet`, `f:title`, through `resolve`, which button
callback data use too) or a thing the front end does itself (start, help, ask, chart,
table, lang). Pure: the engine answers, nothing here talks to Telegram or the terminal.
"""

from dataclasses import dataclass

from bot.engine.answer import Answer, Context, Kind
from bot.engine.engine import Engine
from bot.i18n import N_, ZH, Translator
from bot.render.links import opened
from bot.render.plain import clean

ANSWERS = frozenset("ipgufl")  # actions `resolve` answers; the rest are the front end's own


@dataclass(frozen=True)
class Command:
    name: str
    text: str  # the menu's and /help's description: a msgid, said in the user's language
    usage: str | None = None  # how to give the argument (a msgid); None: it takes none
    action: str = ""  # i g u f l (an answer), or start help ask chart table lang
    fixed: str | None = None  # the action's argument, when the user gives none

    def answer(self, engine: Engine, arg: str) -> Answer | None:
        """The engine's answer to this command, None for a bad or missing argument (or
        when the front end does this command itself)."""
        if self.action not in ANSWERS:
            return None
        return resolve(engine, self.action, self.fixed or arg)


# the words are zh-TW msgids (bot.i18n), translated where shown: the English menu
# (bot.telegram.app) says what the English replies say
COMMANDS: tuple[Command, ...] = (
    Command("start", N_("開始：這個機器人能做什麼"), action="start"),
    Command("help", N_("使用說明"), action="help"),
    Command("list", N_("全部 20 項指標（依核心目標）"), action="l", fixed="all"),
    Command("goal", N_("某個核心目標的指標，例如 /goal 8"),
            N_("/goal 核心目標編號（1、4、8 或 10），例如 /goal 8"), action="g"),
    Command("unmet", N_("未達成 2024 年目標的指標"), action="l", fixed="unmet"),
    Command("unit", N_("某個單位負責的指標，例如 /unit 勞動力發展署"),
            N_("/unit 單位名稱，例如 /unit 職業安全衛生署"), action="u"),
    Command("programmes", N_("推動亮點（8 項）"), action="l", fixed="programmes"),
    Command("i", N_("指標卡，例如 /i 8.7.1"), N_("/i 指標編號，例如 /i 8.7.1"), action="i"),
    Command("chart", N_("指標圖表，例如 /chart 8.7.1"), N_("/chart 指標編號，例如 /chart 8.7.1"),
            action="chart"),
    Command("table", N_("20 項指標總表（訊息與 CSV 檔）"), action="table"),
    Command("about", N_("關於這份報告與資料查核方式"), action="f", fixed="title"),
    Command("q", N_("提問（群組中使用），例如 /q 職災死亡千人率"),
            N_("/q 問題，例如 /q 職災死亡千人率多少"), action="ask"),
    Command("lang", N_("介面語言：繁體中文、简体中文、English"),
            N_("/lang 語言（zh-TW、zh-Hans 或 en），例如 /lang en"), action="lang"),
    Command("privacy", N_("隱私：記錄了什麼、保留多久"), action="privacy"),
)  # fmt: skip
BY_NAME = {c.name: c for c in COMMANDS}
ARG_MAX = 1_000  # characters of a command's argument read (no more fit a question)
NAME_MAX = 30  # characters of an unknown command's name said back


def parse(text: str) -> tuple[str, str] | None:
    """「/goal@bot 8」 → ("goal", "8"): the command's name (lower case, without the bot's
    name) and its argument; None when the text is no command."""
    if not text.startswith("/"):
        return None
    head, *rest = text.split(maxsplit=1)
    name = head[1:].split("@")[0].lower()
    return (name, rest[0][:ARG_MAX].strip() if rest else "") if name else None


FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def number(arg: str) -> int | None:
    """The number an argument is: ASCII digits (or full-width ones, as a CJK keyboard
    types them), at most 6; None otherwise. 「²」 and 「٨」 pass str.isdigit() but are no
    number here (int("²") fails)."""
    text = arg.strip().translate(FULL_WIDTH_DIGITS)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None


def ident(arg: str) -> str:
    return arg.strip().replace("．", ".").replace("。", ".").lower()


@dataclass(frozen=True)
class Step:
    """What a command comes to: an answer to send, or what the front end does itself."""

    do: str  # answer | start | help | ask | chart | table | lang | privacy | usage
    answer: Answer | None = None
    arg: str = ""  # the question (ask), the indicator id (chart), the language asked
    # for (lang, "" to be asked), the command (usage)


def run(engine: Engine, text: str) -> Step | None:
    """The step a command's text stands for; None when the text is no command."""
    parsed = parse(text)
    if parsed is None:
        return None
    name, arg = parsed
    command = BY_NAME.get(name)
    action = command.action if command else ""
    linked = ident(arg.replace("_", ".")) if action == "start" and arg else ""
    if linked in engine.knowledge.indicators:  # a deep link t.me/<bot>?start=8_7_1
        return Step("answer", engine.indicator(linked))
    target = opened(arg) if action == "start" and arg else None  # p_3, unmet, goal_8 …
    shared = resolve(engine, *target) if target else None
    if shared is not None:
        return Step("answer", shared)
    if action in ("start", "help", "table", "privacy"):
        return Step(action)
    if action == "ask" and arg:
        return Step("ask", arg=arg)
    if action == "lang":
        return Step("lang", arg=arg)
    if action == "chart" and ident(arg) in engine.knowledge.indicators:
        return Step("chart", arg=ident(arg))
    answer = command.answer(engine, arg) if command else None
    return Step("answer", answer) if answer else Step("usage", arg=name)


def remembered(answer: Answer) -> Context | None:
    """The subject a follow-up to this answer is about; None when the answer leaves the
    previous subject in place (did-you-mean, not in the report). A refusal of a figure an
    indicator does not print (its 2023 value) keeps that indicator: 「那 2021 年呢」."""
    if answer.kind is Kind.CANDIDATES:
        return None
    if answer.found or answer.context.indicator_ids:
        return answer.context
    return None


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
        "p": lambda: engine.programme(n) if (n := number(arg)) in k.programmes else None,
        "g": lambda: engine.listing(goal=n) if (n := number(arg)) in k.goals else None,
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


def help_lines(tr: Translator = ZH) -> list[str]:
    """The help text in the user's language, one line each: how to ask, every command,
    the ●/○ legend."""
    out = [tr("使用說明"), tr("直接輸入問題，或使用指令：")]
    out += [f"/{c.name} — {tr(c.text)}" for c in COMMANDS]
    out.append(tr("● 已達成 2024 年目標　○ 未達成。答案中的數字皆取自報告原文並標示出處。"))
    return out


def usage(name: str, tr: Translator = ZH) -> str:
    """The usage line of a command, or the note that there is no such command."""
    command = BY_NAME.get(name)
    if command and command.usage:
        return tr("用法：{usage}", usage=tr(command.usage))
    name = " ".join(clean(name).split())
    name = name if len(name) <= NAME_MAX else name[: NAME_MAX - 1] + "…"
    return tr("沒有 /{command} 這個指令。可用的指令：/help", command=name)


DAYS_KEPT = 90  # the default of SDGBOT_UNANSWERED_DAYS (the console keeps nothing)


def privacy_lines(days: int, tr: Translator = ZH) -> list[str]:
    """What the bot keeps about a conversation, and how long (bot.telegram.state)."""
    return [
        tr("隱私：機器人記錄的資料與保留期間"),
        tr("・追問用的主題：對話（群組中每位提問者）最後一個回答的指標或亮點編號，保留 30 分鐘；"
           "機器人每則回答的主題，保留 2 天。"),
        tr("・介面語言：以 /lang 選擇的語言，保留 1 年。"),
        tr("・無法回答的問題、按「都不是」或「沒幫助」的問題：問題文字、時間、原因與最接近的指標"
           "（或該回答的主題），保留 {days} 天，供維護人員補充說法。", days=days),
        tr("不記錄姓名或使用者名稱；使用者編號只以加密雜湊保存，聊天與訊息編號也只存雜湊，"
           "僅用來接續追問。"),
    ]  # fmt: skip
