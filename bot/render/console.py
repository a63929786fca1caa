"""The console chat (`sdgbot chat`): questions and the Telegram commands, in plain text.

The commands are bot.render.commands, the same table the Telegram handlers read, and
follow-ups work as there: an answer that has a subject (bot.render.commands.remembered)
becomes the subject of the next question. What Telegram sends as a file (a chart, the
table's CSV) comes back as a file for the caller to write. Pure apart from drawing.
"""

from dataclasses import dataclass, field

from bot.engine.answer import EDITION, SAMPLES, Answer, Context
from bot.engine.engine import Engine
from bot.render import table
from bot.render.commands import help_lines, remembered, run, usage
from bot.render.plain import plain

BANNER = "sdgbot console chat: ask about the Ministry of Labor 2025 SDG review. Ctrl-D to quit."


@dataclass(frozen=True)
class Reply:
    text: str
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (file name, content)


class Console:
    """One console conversation: the engine, the follow-up subject, the charts drawn."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.context: Context | None = None
        self._charts = None  # bot.render.chart.Charts, made on the first /chart

    def reply(self, text: str) -> Reply:
        """The reply to one line typed: a command, or a question in the current context."""
        step = run(self.engine, text.strip())
        if step is None or step.do == "ask":
            return self._answer(self.engine.answer(step.arg if step else text, self.context))
        if step.do == "answer":
            return self._answer(step.answer)
        if step.do == "start":
            return Reply(start_text())
        if step.do == "help":
            return Reply("\n".join(help_lines()))
        if step.do == "chart":
            return self._chart(step.arg)
        if step.do == "table":
            cards = table.cards(self.engine)
            return Reply(table.text(cards), [(table.FILENAME, table.csv_bytes(cards))])
        return Reply(usage(step.arg))

    def _answer(self, answer: Answer) -> Reply:
        subject = remembered(answer)
        if subject is not None:
            self.context = subject
        text = plain(answer)
        if answer.brief:  # Telegram's 「完整資料」 button, as the command it stands for
            text += "\n" + "　".join(f"完整資料：/i {c.indicator.id}" for c in answer.cards[:3])
        return Reply(text)

    def _chart(self, ident: str) -> Reply:
        if self._charts is None:
            from bot.render.chart import Charts  # matplotlib: only when a chart is asked for

            self._charts = Charts(self.engine.card)
        card = self.engine.card(ident)
        status = "● 已達成 2024 年目標" if card.indicator.met else "○ 未達成 2024 年目標"
        text = f"指標 {ident} {card.indicator.name}\n{status}\n資料來源：{EDITION}"
        return Reply(text, [(f"{ident}.png", self._charts.png(ident))])


def start_text() -> str:
    return "\n".join([
        "勞動部永續發展目標自願性檢視報告 問答機器人",
        f"我只根據《{EDITION}》回答：勞動部 4 項核心目標、20 項指標的 2021 基準、"
        "2024 目標與實際值、最新數值，以及 8 項推動亮點。",
        "直接輸入問題即可，例如：" + "、".join(f"「{s}」" for s in SAMPLES),
        "指令一覽：/help",
    ])  # fmt: skip
