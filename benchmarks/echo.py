"""A bare python-telegram-bot echo bot: the anchor the bot's start-up, CPU and memory are
measured against (benchmarks/bench.py, benchmarks/load.py).

    python benchmarks/echo.py BASE_URL TOKEN   # polls the (fake) Bot API at BASE_URL until SIGTERM

PTB with its defaults and one line per handler; it imports nothing of the bot.
"""

import sys

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query"]


def echo_bot(base_url: str, token: str) -> Application:
    application = Application.builder().token(token).base_url(base_url).build()

    async def echo(update: Update, _context) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    async def inline_echo(update: Update, _context) -> None:
        text = update.inline_query.query or "?"
        content = InputTextMessageContent(text)
        await update.inline_query.answer([InlineQueryResultArticle("1", text, content)])

    async def button(update: Update, _context) -> None:
        await update.callback_query.message.reply_text(update.callback_query.data)
        await update.callback_query.answer()

    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(InlineQueryHandler(inline_echo))
    application.add_handler(CallbackQueryHandler(button))
    return application


if __name__ == "__main__":
    echo_bot(sys.argv[1], sys.argv[2]).run_polling(
        poll_interval=0, timeout=10, allowed_updates=ALLOWED_UPDATES
    )
