"""Answer → Telegram HTML messages, inline keyboards and inline-query articles. Pure.

The layout is `bot.render.plain.lines` (shared with the console); here every line is
escaped, figure marks become <b>, headings are bold, the cited section and the
edition stamp are italic, and the result is split below 4,096 characters at
paragraph or line breaks without ever cutting a tag or an entity.

Callback data grammar (always well under 64 bytes; one CJK character is 3 bytes):
  i:8.7.1  p:3  g:8  f:minister  l:unmet  — a did-you-mean choice (edits the message)
  o:p:3    — open an answer in a new message    c:8.7.1 — chart of an indicator
  s:0      — the n-th sample question           n:<key> — "none of these"
"""

import html
import re
from collections.abc import Iterable
from dataclasses import replace

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot.engine.answer import EDITION, SAMPLES, Answer, IndicatorCard, Kind, Match
from bot.render.commands import help_lines, usage
from bot.render.plain import BOLD, DETAILS, DETAILS_END, END, clean, lines

LIMIT = 4096  # Telegram's limit for one message
DATA_LIMIT = 64  # bytes of callback_data
NONE_LABEL = "都不是 / none of these"
PREFIX = {"indicator": "i", "programme": "p", "goal": "g", "fact": "f", "list": "l"}
SAMPLE_COUNT = 3
ECHO = 40  # characters of the user's question said back, at most
INLINE_ASK = "報告中找不到，點此私訊問我"  # the inline button when nothing matches
FULL_CARD = "完整資料 / Full card"


_MARKED = re.compile(f"{BOLD}([^{BOLD}{END}]*){END}")
_ATOM = re.compile(r"<[^<>]*>|&#?[0-9A-Za-z]+;|\n\n|.", re.S)
_BREAK = {"\n\n": 3, "\n": 2, " ": 1, "，": 1, "。": 1, "；": 1, "、": 1}


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def _line(text: str) -> str:
    """One layout line: escaped, figure marks as <b>, stray marks dropped."""
    out = _MARKED.sub(r"<b>\1</b>", esc(text))
    return out.replace(BOLD, "").replace(END, "")


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _echo(answer: Answer) -> list[str]:
    query = " ".join(clean(answer.query).split())
    return [f"「{query[:ECHO]}{'…' if len(query) > ECHO else ''}」"] if query else []


def to_html(answer: Answer) -> str:
    """The whole answer as one HTML string (may be longer than one message)."""
    layout = lines(answer)
    leads = tuple(
        f"{c.indicator.id}{n}：" for c in answer.cards for n in ("", f" {c.indicator.name}")
    )
    out = (
        [esc(e) for e in _echo(answer)] if answer.kind in (Kind.CANDIDATES, Kind.NOT_FOUND) else []
    )
    details: list[str] | None = None
    # a list's title, a section's or a programme's name heading the answer: bold
    # (not a quoted sentence answering first: its figures are bold instead)
    titled = answer.kind in (Kind.LIST, Kind.FACT, Kind.PROGRAMME) and bool(layout)
    title = layout[0].partition("：")[0] if answer.kind is Kind.LIST and layout else ""
    titled = titled and BOLD not in layout[0] and len(title or layout[0]) <= 60
    for n, text in enumerate(layout):
        if text == DETAILS:  # the report's longer text: folded, one tap opens it
            details = []
            continue
        if text == DETAILS_END:
            out.append("<blockquote expandable>" + "\n".join(details or []) + "</blockquote>")
            details = None
            continue
        if leads and clean(text).startswith(leads):  # a card's own line: its name bold
            head, _, rest = text.partition("：")
            line = f"<b>{esc(clean(head))}</b>：{_line(rest)}"
        elif text.startswith("可以這樣問：") and set(answer.suggestions) <= set(SAMPLES):
            continue  # the sample questions are buttons under the message
        elif n == 0 and titled and title:  # a list's title, then its ids at a glance
            line = f"<b>{esc(clean(title))}</b>{esc(clean(text[len(title) :]))}"
        elif n == 0 and titled:
            line = f"<b>{esc(clean(text))}</b>"
        elif text.startswith(("出處：", "資料來源：")):
            line = f"<i>{_line(text)}</i>"
        else:
            line = _line(text)
        (details if details is not None else out).append(line)
    # a blockquote is a block of its own: no empty line after it
    return "\n".join(out).replace("</blockquote>\n", "</blockquote>").strip() or esc(EDITION)


def split_html(text: str, limit: int = LIMIT) -> list[str]:
    """Split HTML into pieces of at most `limit` UTF-16 units, tags closed and reopened."""
    chunks: list[str] = []
    while _u16(text) > limit:
        cut, stack = _cut(text, limit)
        chunks.append(text[:cut].rstrip() + "".join(f"</{n}>" for n, _ in reversed(stack)))
        text = "".join(tag for _, tag in stack) + text[cut:].lstrip("\n")
    chunks.append(text)
    return [c for c in chunks if re.sub(r"<[^<>]*>", "", c).strip()]


def _cut(text: str, limit: int) -> tuple[int, list[tuple[str, str]]]:
    """Where to cut: the last paragraph break, else line break, else space, that fits."""
    size, stack, best = 0, [], {}
    for m in _ATOM.finditer(text):
        atom = m.group()
        if size + sum(len(n) + 3 for n, _ in stack) > limit:
            break
        if m.start() > 0:
            best[_BREAK.get(atom, 0)] = (m.start(), list(stack))
        if atom.startswith("<") and len(atom) > 2:
            name = re.match(r"</?\s*([A-Za-z-]*)", atom).group(1).lower()
            if atom.startswith("</"):
                if stack and stack[-1][0] == name:
                    stack.pop()
            elif not atom.endswith("/>"):
                stack.append((name, atom))
        size += _u16(atom)
    for priority in (3, 2, 1):
        if priority in best and best[priority][0] >= limit // 2:
            return best[priority]
    return best.get(0) or max(best.values())


def messages(answer: Answer) -> list[str]:
    """The answer as Telegram messages, each at most 4,096 characters."""
    return split_html(to_html(answer))


# -- keyboards --------------------------------------------------------------------


def _data(*parts: str) -> str | None:
    data = ":".join(parts)
    return data if len(data.encode()) <= DATA_LIMIT else None


def choice_data(match: Match) -> str | None:
    prefix = PREFIX.get(match.type)
    return _data(prefix, match.id) if prefix else None


def parse_data(data: str) -> tuple[str, str]:
    """('i', '8.7.1') from 'i:8.7.1'; ('', '') for anything malformed."""
    action, sep, arg = (data or "").partition(":")
    return (action, arg) if sep and action and arg else ("", "")


def _short(text: str, size: int = 30) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _distinct(titles: list[str], size: int) -> list[str]:
    """Short labels that tell the titles apart: a title starting like another one is
    shown from where they part (「…協助青年、失業者及弱勢族群…」, 「…及強化青年求職技巧…」)."""
    out = []
    for title in titles:
        others = [t for t in titles if t != title]
        common = max((len(_prefix(title, o)) for o in others), default=0)
        out.append(
            _short(title, size) if common < size // 2 else _short("…" + title[common:], size)
        )
    return out


def _prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def keyboard(answer: Answer, *, none_key: str | None = None) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    if answer.kind is Kind.CANDIDATES:
        for match in answer.candidates[:3]:
            data = choice_data(match)
            if data:
                rows.append(
                    [InlineKeyboardButton(_short(match.label or match.id), callback_data=data)]
                )
        if none_key and _data("n", none_key):
            rows.append([InlineKeyboardButton(NONE_LABEL, callback_data=_data("n", none_key))])
    elif answer.kind is Kind.INDICATOR:
        rows = [
            [
                InlineKeyboardButton(
                    f"📊 {c.indicator.id} 圖表", callback_data=f"c:{c.indicator.id}"
                )
                for c in answer.cards[:3]
                if _data("c", c.indicator.id)
            ]
        ]
        if answer.brief:  # a follow-up's one line: the whole card one tap away
            ids = [c.indicator.id for c in answer.cards[:3]]
            rows.insert(0, [InlineKeyboardButton(f"{FULL_CARD} {i}", callback_data=f"o:i:{i}")
                            for i in ids])  # fmt: skip
    elif answer.kind is Kind.LIST and answer.programmes:
        labels = _distinct([p.title for p in answer.programmes], 16)
        buttons = [
            InlineKeyboardButton(f"{p.id}. {label}", callback_data=f"o:p:{p.id}")
            for p, label in zip(answer.programmes, labels, strict=True)
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    elif answer.kind in (Kind.NOT_FOUND, Kind.CHAT) and answer.suggestions:  # to press
        rows = [
            [InlineKeyboardButton(_short(q), callback_data=f"s:{SAMPLES.index(q)}")]
            for q in answer.suggestions
            if q in SAMPLES
        ]
    rows = [r for r in rows if r]
    return InlineKeyboardMarkup(rows) if rows else None


# -- fixed texts ------------------------------------------------------------------


def start_html(bot_name: str = "") -> str:
    mention = f"@{esc(bot_name)} " if bot_name else "@機器人 "
    return "\n".join([
        "<b>勞動部永續發展目標自願性檢視報告 問答機器人</b>",
        f"我只根據《{esc(EDITION)}》回答：勞動部 4 項核心目標、20 項指標的 2021 基準、"
        "2024 目標與實際值、最新數值，以及 8 項推動亮點。",
        "直接輸入問題即可，例如下面三個按鈕；在群組中請用 /q 問題，或回覆我的訊息。",
        f"在任何聊天室輸入 <code>{mention}職災</code> 也能把數字帶進對話。",
        "指令一覽：/help",
    ])  # fmt: skip


def start_keyboard(samples: list[str]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(_short(s), callback_data=f"s:{i}")]
            for i, s in enumerate(samples[:SAMPLE_COUNT])]  # fmt: skip
    return InlineKeyboardMarkup(rows)


def group_intro_html(bot_name: str = "") -> str:
    """What the bot says when it is added to a group."""
    mention = f"@{esc(bot_name)}" if bot_name else "@機器人"
    return "\n".join([
        "<b>大家好！我回答勞動部永續發展目標自願性檢視報告的內容。</b>",
        "在群組中請用 <code>/q 問題</code>，例如 <code>/q 職災死亡千人率多少</code>，"
        f"或在訊息中提到 {mention}、回覆我的訊息。",
        "指令一覽：/help",
    ])  # fmt: skip


def text_only_html() -> str:
    """The reply to a sticker, a voice note, a location: what the bot can read."""
    return "我只讀文字訊息：請直接輸入問題（照片請附上文字說明），例如下面的問題。"


def help_html() -> str:
    title, *rest = help_lines()
    return "\n".join([f"<b>{esc(title)}</b>", *map(esc, rest)])


def usage_html(command: str) -> str:
    return esc(usage(command))


def recorded_html(question: str) -> str:
    return f"已記錄您的問題「{esc(_short(question, 200))}」，我們會據此補充說法。謝謝！"


ERROR_HTML = "抱歉，處理您的訊息時發生錯誤，請稍後再試。"
EXPIRED_TEXT = "這個按鈕已失效，請重新提問。"


def chart_caption(card: IndicatorCard) -> str:
    ind = card.indicator
    status = "● 已達成 2024 年目標" if ind.met else "○ 未達成 2024 年目標"
    return f"<b>指標 {esc(ind.id)} {esc(ind.name)}</b>\n{status}\n<i>資料來源：{esc(EDITION)}</i>"


# -- inline mode ------------------------------------------------------------------


def _figures(card: IndicatorCard, period: str) -> str:
    return "、".join(f"{f.component} {f.text}".strip() for f in card.figures if f.period == period)


def _article(ident: str, title: str, description: str, answer: Answer) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=ident,
        title=_short(title, 60),
        description=_short(description, 100),
        input_message_content=InputTextMessageContent(
            messages(answer)[0], parse_mode=ParseMode.HTML
        ),
    )


def inline_articles(answers: Iterable[Answer], limit: int = 10) -> list[InlineQueryResultArticle]:
    """Up to `limit` articles: one per indicator card, list, programme or fact."""
    out: dict[str, InlineQueryResultArticle] = {}
    for answer in answers:
        if answer.kind is Kind.INDICATOR:
            for card in answer.cards:
                ind = card.indicator
                status = "● 已達成" if ind.met else "○ 未達成"
                actual, target = _figures(card, "actual_2024"), _figures(card, "target_2024")
                desc = f"2024 實際 {actual}（目標 {target}）{status}"
                one = replace(answer, cards=[card])
                out.setdefault(
                    f"i:{ind.id}", _article(f"i:{ind.id}", f"{ind.id} {ind.name}", desc, one)
                )
        elif answer.kind is Kind.LIST:
            ident = _data("l", answer.matches[0].id if answer.matches else "list") or "l:list"
            if answer.entries:
                unmet = [e.id for e in answer.entries if not e.met]
                desc = f"{len(answer.entries)} 項；未達成：{'、'.join(unmet) or '無'}"
            else:
                desc = "、".join(p.title for p in answer.programmes)
            out.setdefault(ident, _article(ident, answer.title, desc, answer))
        elif answer.kind is Kind.PROGRAMME and answer.programme:
            p = answer.programme
            desc = "推動亮點・" + "、".join(f.text for f in answer.programme_figures[:3])
            out.setdefault(f"p:{p.id}", _article(f"p:{p.id}", p.title, desc, answer))
        elif answer.kind is Kind.FACT:
            ident = _data("f", answer.matches[0].id if answer.matches else "fact") or "f:fact"
            out.setdefault(ident, _article(ident, answer.title, " ".join(answer.sentences), answer))
        if len(out) >= limit:
            break
    return list(out.values())[:limit]
