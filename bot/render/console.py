"""The console chat (`sdgbot chat`): questions and the Telegram commands, in plain text.

The commands are bot.render.commands, the same table the Telegram handlers read, and
follow-ups work as there: an answer that has a subject (bot.render.commands.remembered)
becomes the subject of the next question. What Telegram sends as a file (a chart, the
table's CSV) comes back as a file for the caller to write. The bot's words are in the
conversation's language (bot.i18n; `sdgbot chat --lang`, or /lang as in Telegram), the
report's as printed. Pure apart from drawing.
"""

from dataclasses import dataclass, field

from bot.engine.answer import EDITION, SAMPLES, Answer, Context
from bot.engine.engine import Engine
from bot.i18n import LANGS, ZH, Translator, pick, translator
from bot.render import table
from bot.render.commands import DAYS_KEPT, help_lines, privacy_lines, remembered, run, usage
from bot.render.plain import chart_caption_lines, plain

BANNER = "sdgbot console chat: ask about the Ministry of Labor 2025 SDG review. Ctrl-D to quit."


@dataclass(frozen=True)
class Reply:
    text: str
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (file name, content)


class Console:
    """One console conversation: the engine, its language, the follow-up subject, the
    charts drawn."""

    def __init__(self, engine: Engine, tr: Translator = ZH) -> None:
        self.engine = engine
        self.tr = tr
        self.context: Context | None = None
        self._charts = None  # bot.render.chart.Charts, made on the first /chart

    def reply(self, text: str) -> Reply:
        """The reply to one line typed: a command, or a question in the current context."""
        tr = self.tr
        step = run(self.engine, text.strip())
        if step is None or step.do == "ask":
            return self._answer(self.engine.answer(step.arg if step else text, self.context))
        if step.do == "answer":
            return self._answer(step.answer)
        if step.do == "start":
            return Reply(start_text(tr))
        if step.do == "help":
            return Reply("\n".join(help_lines(tr)))
        if step.do == "chart":
            return self._chart(step.arg)
        if step.do == "table":
            cards = table.cards(self.engine)
            return Reply(table.text(cards, tr), [(table.FILENAME, table.csv_bytes(cards))])
        if step.do == "lang":
            return self._lang(step.arg)
        if step.do == "privacy":
            return Reply("\n".join(privacy_lines(DAYS_KEPT, tr)))
        return Reply(usage(step.arg, tr))

    def _answer(self, answer: Answer) -> Reply:
        subject = remembered(answer)
        if subject is not None:
            self.context = subject
        text = plain(answer, self.tr)
        if answer.brief:  # Telegram's 「完整資料」 button, as the command it stands for
            full = (self.tr("完整資料：{command}", command=f"/i {c.indicator.id}")
                    for c in answer.cards[:3])  # fmt: skip
            text += "\n" + "　".join(full)
        return Reply(text)

    def _chart(self, ident: str) -> Reply:
        if self._charts is None:
            from bot.render.chart import Charts  # matplotlib: only when a chart is asked for

            self._charts = Charts(self.engine.card)
        text = "\n".join(chart_caption_lines(self.engine.card(ident), self.tr))
        return Reply(text, [(f"{ident}.png", self._charts.png(ident))])

    def _lang(self, arg: str) -> Reply:
        """/lang: the language now and how to change it; /lang en: changed, said in it."""
        if not arg:
            choices = [f"/lang {lang} — {label}" for lang, label in LANGS.items()]
            return Reply("\n".join([self.tr("介面語言：{lang}。請選擇：", lang=LANGS[self.tr.lang]),
                                    *choices]))  # fmt: skip
        lang = pick(arg)
        if lang is None:
            return Reply(usage("lang", self.tr))
        self.tr = translator(lang)
        return Reply(self.tr("好的，之後以{lang}回覆。指令一覽：/help", lang=LANGS[lang]))


def start_text(tr: Translator = ZH) -> str:
    samples = tr("、").join(tr("「{text}」", text=tr(s)) for s in SAMPLES)
    return "\n".join([
        tr("勞動部永續發展目標自願性檢視報告 問答機器人"),
        tr("我只根據《{edition}》回答：勞動部 4 項核心目標、20 項指標的 2021 基準、"
           "2024 目標與實際值、最新數值，以及 8 項推動亮點。", edition=tr.text(EDITION)),
        tr("直接輸入問題即可，例如：{questions}", questions=samples),
        tr("指令一覽：/help"),
    ])  # fmt: skip
