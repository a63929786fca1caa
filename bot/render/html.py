"""Answer → Telegram HTML messages, inline keyboards and inline-query articles. Pure.

The layout is `bot.render.plain.lines` (shared with the console); here every line is
escaped, figure marks become <b>, headings are bold, the cited section and the
edition stamp are italic, and the result is split below 4,096 characters at
paragraph or line breaks without ever cutting a tag or an entity.

Callback data grammar (always well under 64 bytes; one CJK character is 3 bytes):
  i:8.7.1  p:3  g:8  f:minister  l:unmet  — a did-you-mean choice (edits the message)
  o:p:3    — open an answer in a new message    c:8.7.1 — chart of an indicator
  s:0      — the n-th sample question           n:<key> — "none of these"
  L:en     — the UI language (L:zh-TW, L:zh-Hans)

Share links: https://t.me/<bot>?start=8_7_1 opens a card in a private chat with the bot
(bot.render.links names each answer a link can open: a card, a programme, a list;
bot.render.commands reads the payload). In a private chat a card has a 「分享」 button
beside its chart button, a programme or a list one under it (Telegram's share sheet,
https://t.me/share/url, with the link and what it is); a card, a programme or a list sent
from inline mode has a 「在機器人中查看」 button to the link. Neither when the bot's
username is not given.

Every function takes the user's translator (bot.i18n), zh-TW by default.
"""

import html
import re
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import urlencode

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot.engine.answer import EDITION, SAMPLES, Answer, IndicatorCard, Kind, Match
from bot.i18n import N_, ZH, Translator
from bot.render.links import deep_link, payload
from bot.render.plain import (
    BOLD,
    DETAILS,
    DETAILS_END,
    END,
    asking,
    card_heads,
    cited,
    clean,
    lines,
    name,
)

LIMIT = 4096  # Telegram's limit for one message
DATA_LIMIT = 64  # bytes of callback_data
NONE_LABEL = N_("都不是")
NOT_HELPFUL = N_("沒幫助")  # under an answer: recorded for the maintainers (question, subject)
PREFIX = {"indicator": "i", "programme": "p", "goal": "g", "fact": "f", "list": "l"}
ECHO = 40  # characters of the user's question said back, at most
INLINE_ASK = N_("報告中找不到，點此私訊問我")  # the inline button when nothing matches
FULL_CARD = N_("完整資料")
SHARE = N_("分享")  # a card's share button (private chats)
OPEN_IN_BOT = N_("在機器人中查看")  # an inline result's card: its deep link
TITLE_WIDTH = {False: 60, True: 90}  # characters of a bold heading line (Chinese, English)


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


def _echo(answer: Answer, tr: Translator) -> list[str]:
    query = " ".join(clean(answer.query).split())
    said = f"{query[:ECHO]}{'…' if len(query) > ECHO else ''}"
    return [tr("「{text}」", text=said)] if query else []


def to_html(answer: Answer, tr: Translator = ZH) -> str:
    """The whole answer as one HTML string (may be longer than one message)."""
    layout = lines(answer, tr)
    leads = tuple(head for c in answer.cards for head in card_heads(c, tr))
    colon = tr("{head}：{said}", head="", said="")
    asked = asking([], tr)  # the sample questions' line, without them
    italic = (cited("", tr), tr("資料來源：{edition}", edition=""))
    out = (
        [esc(e) for e in _echo(answer, tr)]
        if answer.kind in (Kind.CANDIDATES, Kind.NOT_FOUND)
        else []
    )
    details: list[str] | None = None
    # a list's title, a section's or a programme's name heading the answer: bold
    # (not a quoted sentence answering first: its figures are bold instead)
    titled = answer.kind in (Kind.LIST, Kind.FACT, Kind.PROGRAMME) and bool(layout)
    title = layout[0].partition(colon)[0] if answer.kind is Kind.LIST and layout else ""
    titled = titled and BOLD not in layout[0]
    titled = titled and len(title or layout[0]) <= TITLE_WIDTH[tr.english]
    for n, text in enumerate(layout):
        if text == DETAILS:  # the report's longer text: folded, one tap opens it
            details = []
            continue
        if text == DETAILS_END:
            out.append("<blockquote expandable>" + "\n".join(details or []) + "</blockquote>")
            details = None
            continue
        if leads and clean(text).startswith(leads):  # a card's own line: its name bold
            head, _, rest = text.partition(colon)
            line = f"<b>{esc(clean(head))}</b>{esc(colon)}{_line(rest)}"
        elif text.startswith(asked) and set(answer.suggestions) <= set(SAMPLES):
            continue  # the sample questions are buttons under the message
        elif n == 0 and titled and title:  # a list's title, then its ids at a glance
            line = f"<b>{esc(clean(title))}</b>{esc(clean(text[len(title) :]))}"
        elif n == 0 and titled:
            line = f"<b>{esc(clean(text))}</b>"
        elif text.startswith(italic):
            line = f"<i>{_line(text)}</i>"
        else:
            line = _line(text)
        (details if details is not None else out).append(line)
    # a blockquote is a block of its own: no empty line after it
    html_text = "\n".join(out).replace("</blockquote>\n", "</blockquote>").strip()
    return html_text or esc(tr.text(EDITION))


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


def messages(answer: Answer, tr: Translator = ZH) -> list[str]:
    """The answer as Telegram messages, each at most 4,096 characters."""
    return split_html(to_html(answer, tr))


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


def short(text: str, size: int = 30) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _distinct(titles: list[str], size: int) -> list[str]:
    """Short labels that tell the titles apart: a title starting like another one is
    shown from where they part (「…協助青年、失業者及弱勢族群…」, 「…及強化青年求職技巧…」)."""
    out = []
    for title in titles:
        others = [t for t in titles if t != title]
        common = max((len(_prefix(title, o)) for o in others), default=0)
        out.append(short(title, size) if common < size // 2 else short("…" + title[common:], size))
    return out


def _prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _button(text: str) -> int:
    """Characters of a button label: a Latin letter takes about half a Chinese one's room."""
    return 40 if text.isascii() else 30


def _share(bot: str, answer: Answer, tr: Translator) -> InlineKeyboardButton | None:
    """Telegram's share sheet: pick a chat, it gets the answer's link and what it is (a
    card's id and name, a programme's name, a list's title); None when no link opens it."""
    named = payload(answer)
    if named is None:
        return None
    if answer.kind is Kind.INDICATOR:
        ind = answer.cards[0].indicator
        said = f"{ind.id} {name(ind, tr)}"
    elif answer.kind is Kind.PROGRAMME and answer.programme:
        said = name(answer.programme, tr)
    else:
        said = str(tr.text(answer.title)).split("\n")[-1]  # a count's line, then the title
    query = urlencode({"url": deep_link(bot, named), "text": short(said, 60)})
    return InlineKeyboardButton(tr(SHARE), url=f"https://t.me/share/url?{query}")


def keyboard(
    answer: Answer,
    *,
    none_key: str | None = None,
    tr: Translator = ZH,
    share: str | None = None,
    helpful_key: str | None = None,
) -> InlineKeyboardMarkup | None:
    """The buttons under an answer; `share` is the bot's username when the answer goes
    to a private chat (a card of one indicator then gets a share button beside its
    chart; a follow-up's one line does not: the full card it opens has one). With
    `helpful_key`, an answer gets a small 「沒幫助」 button on a row of its own, last."""
    rows: list[list[InlineKeyboardButton]] = []
    if answer.kind is Kind.CANDIDATES:
        for match in answer.candidates[:3]:
            data = choice_data(match)
            label = str(tr.text(match.label)) or match.id
            if data:
                rows.append(
                    [InlineKeyboardButton(short(label, _button(label)), callback_data=data)]
                )
        if none_key and _data("n", none_key):
            none = InlineKeyboardButton(tr(NONE_LABEL), callback_data=_data("n", none_key))
            rows.append([none])
    elif answer.kind is Kind.INDICATOR:
        rows = [
            [
                InlineKeyboardButton(
                    tr("📊 {id} 圖表", id=c.indicator.id), callback_data=f"c:{c.indicator.id}"
                )
                for c in answer.cards[:3]
                if _data("c", c.indicator.id)
            ]
        ]
        shared = _share(share, answer, tr) if share else None  # (a brief: its full card's)
        if shared:  # [📊 8.7.1 圖表] [分享]
            rows[0].append(shared)
        if answer.brief:  # a follow-up's one line: the whole card one tap away
            ids = [c.indicator.id for c in answer.cards[:3]]
            rows.insert(0, [InlineKeyboardButton(f"{tr(FULL_CARD)} {i}", callback_data=f"o:i:{i}")
                            for i in ids])  # fmt: skip
    elif answer.kind is Kind.LIST and answer.programmes:
        labels = _distinct([name(p, tr) for p in answer.programmes], 16 if not tr.english else 28)
        buttons = [
            InlineKeyboardButton(f"{p.id}. {label}", callback_data=f"o:p:{p.id}")
            for p, label in zip(answer.programmes, labels, strict=True)
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if answer.kind in (Kind.LIST, Kind.PROGRAMME) and share:  # a list, a programme: [分享]
        rows.append([b for b in [_share(share, answer, tr)] if b])
    if answer.kind in (Kind.NOT_FOUND, Kind.CHAT) and answer.suggestions:  # to press
        rows = [
            [InlineKeyboardButton(short(tr(q), 40), callback_data=f"s:{SAMPLES.index(q)}")]
            for q in answer.suggestions
            if q in SAMPLES
        ]
    rows = [r for r in rows if r]
    helpful = answer.found and answer.kind not in (Kind.CANDIDATES, Kind.CHAT)
    if helpful and helpful_key and _data("h", helpful_key):
        rows.append([InlineKeyboardButton(tr(NOT_HELPFUL), callback_data=_data("h", helpful_key))])
    return InlineKeyboardMarkup(rows) if rows else None


# -- inline mode ------------------------------------------------------------------


def _figures(card: IndicatorCard, period: str, tr: Translator) -> str:
    figures = [f"{f.component} {f.text}".strip() for f in card.figures if f.period == period]
    return tr("、").join(figures)


def _article(
    ident: str,
    title: str,
    description: str,
    answer: Answer,
    tr: Translator,
    link: str | None = None,
) -> InlineQueryResultArticle:
    button = InlineKeyboardButton(tr(OPEN_IN_BOT), url=link) if link else None
    return InlineQueryResultArticle(
        id=ident,
        title=short(title, 60),
        description=short(description, 100),
        input_message_content=InputTextMessageContent(
            messages(answer, tr)[0], parse_mode=ParseMode.HTML
        ),
        reply_markup=InlineKeyboardMarkup([[button]]) if button else None,
    )


def _link(bot: str | None, answer: Answer) -> str | None:
    named = payload(answer) if bot else None
    return deep_link(bot, named) if named else None


def inline_articles(
    answers: Iterable[Answer], limit: int = 10, tr: Translator = ZH, bot: str | None = None
) -> list[InlineQueryResultArticle]:
    """Up to `limit` articles: one per indicator card, list, programme or fact; with the
    bot's username a card's, a list's or a programme's message carries a button that
    opens it in the bot."""
    out: dict[str, InlineQueryResultArticle] = {}
    for answer in answers:
        if answer.kind is Kind.INDICATOR:
            for card in answer.cards:
                ind = card.indicator
                status = tr("● 已達成") if ind.met else tr("○ 未達成")
                desc = tr(
                    "2024 實際 {actual}（目標 {target}）{status}",
                    actual=_figures(card, "actual_2024", tr),
                    target=_figures(card, "target_2024", tr),
                    status=status,
                )
                one = replace(answer, cards=[card])
                title = f"{ind.id} {name(ind, tr)}"
                link = deep_link(bot, ind.id) if bot else None
                out.setdefault(f"i:{ind.id}", _article(f"i:{ind.id}", title, desc, one, tr, link))
        elif answer.kind is Kind.LIST:
            ident = _data("l", answer.matches[0].id if answer.matches else "list") or "l:list"
            if answer.entries:
                unmet = [e.id for e in answer.entries if not e.met]
                desc = tr(
                    "{n} 項；未達成：{unmet}",
                    n=len(answer.entries),
                    unmet=tr("、").join(unmet) or tr("無"),
                )
            else:
                desc = tr("、").join(name(p, tr) for p in answer.programmes)
            link = _link(bot, answer)
            out.setdefault(ident, _article(ident, tr.text(answer.title), desc, answer, tr, link))
        elif answer.kind is Kind.PROGRAMME and answer.programme:
            p = answer.programme
            figures = tr("、").join(f.text for f in answer.programme_figures[:3])
            desc = tr("推動亮點・{figures}", figures=figures)
            link = _link(bot, answer)
            out.setdefault(f"p:{p.id}", _article(f"p:{p.id}", name(p, tr), desc, answer, tr, link))
        elif answer.kind is Kind.FACT:
            quoted = next((m.id for m in answer.matches if m.type == "passage"), "fact")
            ident = _data("f", quoted) or "f:fact"
            said = " ".join(str(tr.text(t)) for t in answer.sentences)
            out.setdefault(ident, _article(ident, tr.text(answer.title), said, answer, tr))
        if len(out) >= limit:
            break
    return list(out.values())[:limit]
