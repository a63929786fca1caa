"""The bot's fixed texts as Telegram HTML: /start, /help, usage lines, the group intro,
"I read text", /lang, a chart's caption. Pure. The commands themselves (their menu
texts and usage lines) are bot.render.commands, the one table every front end reads.

Each takes the user's translator (bot.i18n), zh-TW by default. A template is escaped
before HTML (a <code> example, a mention) is put into it.
"""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine.answer import EDITION, SAMPLES, IndicatorCard
from bot.i18n import LANGS, N_, ZH, Translator
from bot.render.commands import help_lines, privacy_lines, usage
from bot.render.html import esc, short
from bot.render.plain import chart_caption_lines

SAMPLE_COUNT = 3

ERROR_HTML = N_("抱歉，處理您的訊息時發生錯誤，請稍後再試。")
EXPIRED_TEXT = N_("這個按鈕已失效，請重新提問。")


def _fill(template: str, **html: str) -> str:
    """A translated template, escaped, with HTML put into its {placeholders}."""
    return esc(template).format(**html)


def start_html(bot_name: str = "", tr: Translator = ZH) -> str:
    mention = f"@{esc(bot_name)}" if bot_name else esc(tr("@機器人"))
    word = esc(tr("職災"))  # an inline query to try
    title = esc(tr("勞動部永續發展目標自願性檢視報告 問答機器人"))
    return "\n".join([
        f"<b>{title}</b>",
        _fill(tr("我只根據《{edition}》回答：勞動部 4 項核心目標、20 項指標的 2021 基準、"
                 "2024 目標與實際值、最新數值，以及 8 項推動亮點。"),
              edition=esc(tr.text(EDITION))),
        esc(tr("直接輸入問題即可，例如下面三個按鈕；在群組中請用 /q 問題，或回覆我的訊息。")),
        _fill(tr("在任何聊天室輸入 {example} 也能把數字帶進對話。"),
              example=f"<code>{mention} {word}</code>"),
        esc(tr("指令一覽：/help")),
    ])  # fmt: skip


def start_keyboard(samples: list[str], tr: Translator = ZH) -> InlineKeyboardMarkup:
    """The sample questions as buttons, in the user's language (asked as written)."""
    rows = [[InlineKeyboardButton(short(tr(s), 40), callback_data=f"s:{i}")]
            for i, s in enumerate(samples[:SAMPLE_COUNT])]  # fmt: skip
    return InlineKeyboardMarkup(rows)


def group_intro_html(bot_name: str = "", tr: Translator = ZH) -> str:
    """What the bot says when it is added to a group."""
    mention = f"@{esc(bot_name)}" if bot_name else esc(tr("@機器人"))
    hello = esc(tr("大家好！我回答勞動部永續發展目標自願性檢視報告的內容。"))
    usage = esc(tr("/q 問題"))
    return "\n".join([
        f"<b>{hello}</b>",
        _fill(tr("在群組中請用 {usage}，例如 {example}，或在訊息中提到 {mention}、回覆我的訊息。"),
              usage=f"<code>{usage}</code>", example=f"<code>/q {esc(tr(SAMPLES[0]))}</code>",
              mention=mention),
        esc(tr("指令一覽：/help")),
    ])  # fmt: skip


def text_only_html(tr: Translator = ZH) -> str:
    """The reply to a sticker, a voice note, a location: what the bot can read."""
    return esc(tr("我只讀文字訊息：請直接輸入問題（照片請附上文字說明），例如下面的問題。"))


def help_html(tr: Translator = ZH) -> str:
    title, *rest = help_lines(tr)
    return "\n".join([f"<b>{esc(title)}</b>", *map(esc, rest)])


def usage_html(command: str, tr: Translator = ZH) -> str:
    return esc(usage(command, tr))


def recorded_html(question: str, tr: Translator = ZH) -> str:
    return esc(tr("已記錄您的問題「{question}」，我們會據此補充說法。謝謝！",
                  question=short(question, 200)))  # fmt: skip


def chart_caption(card: IndicatorCard, tr: Translator = ZH) -> str:
    title, status, edition = chart_caption_lines(card, tr)
    return f"<b>{esc(title)}</b>\n{esc(status)}\n<i>{esc(edition)}</i>"


# -- /lang ----------------------------------------------------------------------------


def lang_html(tr: Translator = ZH) -> str:
    """What /lang says: the language now, and the buttons to change it."""
    return esc(tr("介面語言：{lang}。請選擇：", lang=LANGS[tr.lang]))


def lang_keyboard() -> InlineKeyboardMarkup:
    """繁體中文 / 简体中文 / English, each in its own script."""
    buttons = [
        InlineKeyboardButton(label, callback_data=f"L:{lang}") for lang, label in LANGS.items()
    ]
    return InlineKeyboardMarkup([buttons])


def lang_set_html(tr: Translator) -> str:
    """Said in the language just chosen."""
    return esc(tr("好的，之後以{lang}回覆。指令一覽：/help", lang=LANGS[tr.lang]))


# -- /privacy and the staff's /unanswered ---------------------------------------------


def privacy_html(days: int, tr: Translator = ZH) -> str:
    title, *rest = privacy_lines(days, tr)
    return "\n".join([f"<b>{esc(title)}</b>", *map(esc, rest)])


def unanswered_html(rows: list[tuple[str, int, str]], days: int, tr: Translator = ZH) -> str:
    """The most frequent unanswered questions for the staff: (question, times, ids)."""
    head = tr("最常見的未解答問題（{days} 天內）", days=days)
    if not rows:
        return f"<b>{esc(head)}</b>\n" + esc(tr("目前沒有記錄。"))
    lines = [f"<b>{esc(head)}</b>"]
    for question, count, ids in rows:
        near = f"（{esc(ids)}）" if ids else ""
        lines.append(f"{count}× {esc(short(question, 80))}{near}")
    return "\n".join(lines)
