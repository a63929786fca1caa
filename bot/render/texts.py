"""The bot's fixed texts as Telegram HTML: the commands, /start, /help, usage lines, the
group intro, "I read text", /lang, a chart's caption. Pure.

Each takes the user's translator (bot.i18n), zh-TW by default. A template is escaped
before HTML (a <code> example, a mention) is put into it.
"""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine.answer import EDITION, SAMPLES, IndicatorCard
from bot.i18n import LANGS, N_, ZH, Translator
from bot.render.html import esc, short
from bot.render.plain import name

SAMPLE_COUNT = 3

# name, description (the command menu and /help), usage (None: no argument); translated
# where shown, so the English menu (bot.telegram.app) says what the English replies say
COMMANDS: list[tuple[str, str, str | None]] = [
    ("start", N_("開始：這個機器人能做什麼"), None),
    ("help", N_("使用說明"), None),
    ("list", N_("全部 20 項指標（依核心目標）"), None),
    ("goal", N_("某個核心目標的指標，例如 /goal 8"),
     N_("/goal 核心目標編號（1、4、8 或 10），例如 /goal 8")),
    ("unmet", N_("未達成 2024 年目標的指標"), None),
    ("unit", N_("某個單位負責的指標，例如 /unit 勞動力發展署"),
     N_("/unit 單位名稱，例如 /unit 職業安全衛生署")),
    ("programmes", N_("推動亮點（8 項）"), None),
    ("i", N_("指標卡，例如 /i 8.7.1"), N_("/i 指標編號，例如 /i 8.7.1")),
    ("chart", N_("指標圖表，例如 /chart 8.7.1"), N_("/chart 指標編號，例如 /chart 8.7.1")),
    ("about", N_("關於這份報告與資料查核方式"), None),
    ("q", N_("提問（群組中使用），例如 /q 職災死亡千人率"),
     N_("/q 問題，例如 /q 職災死亡千人率多少")),
    ("lang", N_("介面語言：繁體中文、简体中文、English"),
     N_("/lang 語言（zh-TW、zh-Hans 或 en），例如 /lang en")),
]  # fmt: skip
USAGE = {command: usage for command, _, usage in COMMANDS if usage}
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
    title = esc(tr("使用說明"))
    out = [f"<b>{title}</b>", esc(tr("直接輸入問題，或使用指令："))]
    out += [f"/{command} — {esc(tr(text))}" for command, text, _ in COMMANDS]
    out.append(esc(tr("● 已達成 2024 年目標　○ 未達成。答案中的數字皆取自報告原文並標示出處。")))
    return "\n".join(out)


def usage_html(command: str, tr: Translator = ZH) -> str:
    usage = USAGE.get(command)
    if usage:
        return esc(tr("用法：{usage}", usage=tr(usage)))
    return esc(tr("沒有 /{command} 這個指令。可用的指令：/help", command=short(command, 30)))


def recorded_html(question: str, tr: Translator = ZH) -> str:
    return esc(tr("已記錄您的問題「{question}」，我們會據此補充說法。謝謝！",
                  question=short(question, 200)))  # fmt: skip


def chart_caption(card: IndicatorCard, tr: Translator = ZH) -> str:
    ind = card.indicator
    status = tr("● 已達成 2024 年目標") if ind.met else tr("○ 未達成 2024 年目標")
    title = tr("指標 {id} {name}", id=ind.id, name=name(ind, tr))
    edition = tr("資料來源：{edition}", edition=tr.text(EDITION))
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
