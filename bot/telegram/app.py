"""Wiring in one place: settings → engine → application → handlers; and `run` (long polling).

Nothing here answers questions: the engine does (bot.engine.engine), bot.render.html lays
the answers out and bot.telegram.handlers translates between Telegram and the engine.
"""

import asyncio
import contextlib
import gc
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import heartbeat, logs
from bot.config import Settings, SettingsError, load_settings
from bot.engine.engine import Engine
from bot.i18n import ZH, translator
from bot.knowledge.store import StoreError, load_path
from bot.logs import RedactSecret
from bot.render.chart import Charts
from bot.render.commands import COMMANDS
from bot.telegram import handlers
from bot.telegram.answering import recall
from bot.telegram.backlog import Backlog, capacity
from bot.telegram.delivery import Bot
from bot.telegram.flood import FloodNotice
from bot.telegram.http1 import new_request
from bot.telegram.ordering import PerChatProcessor
from bot.telegram.pacer import Pacer
from bot.telegram.polling import Poller, serve
from bot.telegram.replies import Watch
from bot.telegram.sessions import Sessions
from bot.telegram.state import Store, open_store
from bot.telegram.unanswered import Unanswered
from bot.telegram.webhook import Webhook, check_url
from bot.telegram.webhook import run as serve_webhook

log = logging.getLogger(__name__)
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,  # an edited question: its answer edited, or answered anew
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
]
BOOTSTRAP_RETRIES = 8  # getMe / deleteWebhook at start: retried, 1 s ×1.5 apart (PTB: 0)
RUNTIME = "runtime"
MENU = "menu"  # the task registering the command menu (post_init)


@dataclass(frozen=True)
class Runtime:
    """What the poller needs beside the application (in bot_data under RUNTIME)."""

    settings: Settings
    backlog: Backlog
    poll_request: BaseRequest  # getUpdates only: one long poll at a time


def configure_logging(settings: Settings) -> None:
    """Level from the settings; httpx kept quiet (it logs URLs); the token redacted."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s")
    root.setLevel(settings.log_level)
    logging.getLogger("httpx").setLevel(max(settings.log_level, logging.WARNING))
    logging.getLogger("httpcore").setLevel(max(settings.log_level, logging.WARNING))
    logs.hide_token(settings.token())
    if settings.telegram_webhook_secret is not None:
        logs.hide_secret(settings.telegram_webhook_secret.get_secret_value())
    if settings.sdgbot_state_secret is not None:
        logs.hide_secret(settings.sdgbot_state_secret.get_secret_value())
    if settings.redis_url() and (password := urlsplit(settings.redis_url()).password):
        logs.hide_secret(password)
    for handler in root.handlers:
        if not any(isinstance(f, RedactSecret) for f in handler.filters):
            handler.addFilter(RedactSecret())


def _store(application: Application) -> Store:
    return application.bot_data[handlers.SERVICES].sessions.store


async def post_stop(application: Application) -> None:
    """Every update handled: the state written before the process ends (a menu still
    being registered is given up: the next start registers it)."""
    menu = application.bot_data.pop(MENU, None)
    if menu is not None:
        menu.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await menu
    await _store(application).close()


async def post_init(application: Application) -> None:
    """Open the state store (an unreachable Redis is said once, and the bot starts); the
    command menu registered beside polling, not before it: no update needs it, and it
    costs the English catalog (Babel, ~10 ms) and two calls to the Bot API."""
    await _store(application).backend.open()
    application.bot_data[MENU] = asyncio.create_task(register_menu(application))


async def register_menu(application: Application) -> None:
    """The command menu: Traditional Chinese by default, English for `en` clients (the
    words of the English replies, from the same catalog)."""
    english = await asyncio.to_thread(translator, "en")  # (the loop polls meanwhile)
    zh = [BotCommand(c.name, ZH(c.text)) for c in COMMANDS]
    en = [BotCommand(c.name, english(c.text)) for c in COMMANDS]
    try:
        await application.bot.set_my_commands(zh, scope=BotCommandScopeDefault())
        await application.bot.set_my_commands(en, language_code="en")
    except TelegramError as exc:  # the menu is a convenience; the bot works without it
        log.warning("setMyCommands failed: %s", exc)


def build_application(
    settings: Settings,
    engine: Engine,
    *,
    rate_limiter: Pacer | None = None,
    request: BaseRequest | None = None,
) -> Application:
    """The Application with every service and handler; nothing is started here.

    Defaults: every send paced within Telegram's flood limits, fresh or told to ask again,
    calls that were not delivered sent again (bot.telegram.pacer, bot.telegram.delivery);
    a backlog the poller keeps small (bot.telegram.backlog); chats handled concurrently
    (bot.telegram.ordering); a flooding user told once (bot.telegram.flood).
    """
    if settings.telegram_bot_token is None:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set")

    # 1. Services the handlers share, built once; the state they keep in the store that
    #    outlives the process (SQLite under var/, or Redis shared by the replicas).
    store = open_store(settings)
    services = handlers.Services(
        engine=engine,
        charts=Charts(engine.card),
        sessions=Sessions(store=store),
        unanswered=Unanswered(store),
        admins=settings.admins,
    )

    # 2. The application: token, optional local Bot API server, retries and flood limits
    #    (every message sent noted for edits: bot.telegram.replies), start-up hook. Chats
    #    are handled concurrently, each chat's updates one at a time and in order
    #    (follow-ups and edits depend on it).
    defaults = Defaults(
        allow_sending_without_reply=True,  # the question may be deleted before we answer
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    urls = {
        "base_url": settings.telegram_base_url,
        "base_file_url": settings.telegram_base_file_url,
    }
    link = getattr(store.backend, "link", None)  # Redis: one budget for every replica
    shared = None
    if link is not None:  # redis-py is imported only when Redis is used (~35 ms at start)
        from bot.telegram.shared_limits import RedisLimits

        shared = RedisLimits(link, secret=store.secret)
    pacer = rate_limiter or Pacer(shared)
    backlog = Backlog(capacity(pacer.pace))
    poll_request = new_request(connection_pool_size=1)
    bot = Bot(
        settings.token(),
        request=request or new_request(),
        get_updates_request=poll_request,
        defaults=defaults,
        rate_limiter=Watch(pacer, services.replies),  # every message sent, noted for edits
        **{name: url for name, url in urls.items() if url},  # else api.telegram.org
    )
    application = (
        Application.builder()
        .bot(bot)
        .concurrent_updates(PerChatProcessor(backlog=backlog))
        .post_init(post_init)
        .post_stop(post_stop)
        .build()
    )

    # 3. Services reach handlers through bot_data (handlers.services is the accessor);
    #    what the poller needs, too (`poller`).
    application.bot_data[handlers.SERVICES] = services
    application.bot_data[RUNTIME] = Runtime(settings, backlog, poll_request)

    # 4. Handlers. Group -2: the state this update needs, from the store. Group -1: the
    #    flood notice (it never stops an update).
    #    Group 0, first match wins: commands, unknown commands, private questions,
    #    group replies and mentions (new or edited), buttons, inline queries; then the
    #    error handler.
    application.add_handler(TypeHandler(Update, recall), group=-2)
    application.add_handler(FloodNotice(backlog).handler(), group=-1)
    new = filters.UpdateType.MESSAGE
    either = filters.UpdateType.MESSAGES  # new or edited (an edited /q edits its answer)
    names = [c.name for c in COMMANDS]
    application.add_handler(CommandHandler(names, handlers.on_command, filters=either))
    staff = filters.User(user_id=settings.admins) & filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("unanswered", handlers.on_unanswered, filters=staff))
    application.add_handler(MessageHandler(either & filters.COMMAND, handlers.on_unknown_command))
    application.add_handler(
        MessageHandler(either & filters.ChatType.PRIVATE & filters.TEXT, handlers.on_private_text)
    )
    application.add_handler(
        MessageHandler(either & filters.ChatType.GROUPS & filters.TEXT, handlers.on_group_text)
    )
    application.add_handler(
        MessageHandler(new & filters.StatusUpdate.NEW_CHAT_MEMBERS, handlers.on_added)
    )
    application.add_handler(
        MessageHandler(
            either & filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
            handlers.on_private_other,  # an edited caption edits its answer
        )
    )
    application.add_handler(CallbackQueryHandler(handlers.on_callback))
    application.add_handler(InlineQueryHandler(handlers.on_inline))
    application.add_error_handler(handlers.on_error)
    return application


def poller(application: Application, **options) -> Poller:
    """The poller of an application built by build_application (options: Poller's)."""
    runtime: Runtime = application.bot_data[RUNTIME]
    options.setdefault("allowed_updates", ALLOWED_UPDATES)
    options.setdefault("give_up", runtime.settings.sdgbot_poll_give_up)
    options.setdefault("heartbeat_path", runtime.settings.heartbeat_path)
    return Poller(application, runtime.poll_request, runtime.backlog, **options)


def freeze_startup_objects() -> None:
    """The engine's objects live as long as the process: take them out of the garbage
    collector's sight (gc.freeze), so its full passes stay cheap under load. No full
    collection first: start-up leaves next to no cycles, and one pass over every object
    costs more than the little it would free. (`sdgbot` starts with the collector off:
    bot.cli; it is on from here.)"""
    gc.freeze()
    gc.enable()


def run(db: Path, webhook: Webhook | None = None) -> int:
    """Long polling (or a webhook server) until SIGINT/SIGTERM. 2 when the settings are
    missing or invalid (a token Telegram rejects included)."""
    try:
        settings = load_settings(sdgbot_db=db)
    except SettingsError as exc:
        print(f"sdgbot: {exc}", file=sys.stderr)
        return 2
    if settings.telegram_bot_token is None:
        print(
            "sdgbot: TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather and run\n"
            "  TELEGRAM_BOT_TOKEN=123456:ABC... sdgbot run\n"
            "or try the bot in the console with `sdgbot chat`.",
            file=sys.stderr,
        )
        return 2
    if webhook and (problem := check_url(webhook.url)):
        print(f"sdgbot: {problem}", file=sys.stderr)
        return 2
    if webhook and settings.telegram_webhook_secret is None:
        print("sdgbot: webhook mode needs TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -)",
              file=sys.stderr)  # fmt: skip
        return 2
    configure_logging(settings)
    try:
        engine = Engine(load_path(settings.sdgbot_db))  # read once, held in memory
    except StoreError as exc:  # empty, corrupt, another schema: one line, no traceback
        print(f"sdgbot: {exc}", file=sys.stderr)
        return 2
    application = build_application(settings, engine)
    freeze_startup_objects()
    try:
        if webhook:
            heartbeat.clear(settings.heartbeat_path)  # nothing polls: an old one would mislead
            log.info("webhook on %s:%s (database %s)", webhook.listen, webhook.port,
                     settings.sdgbot_db)  # fmt: skip
            serve_webhook(
                application,
                webhook,
                secret=settings.telegram_webhook_secret.get_secret_value(),
                allowed=ALLOWED_UPDATES,
                retries=BOOTSTRAP_RETRIES,
            )
        else:
            log.info("polling for updates (database %s)", settings.sdgbot_db)
            return asyncio.run(serve(application, poller(application), retries=BOOTSTRAP_RETRIES))
    except SettingsError as exc:  # webhook: --listen/--port cannot be served (before setWebhook)
        print(f"sdgbot: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:  # 401/404 at getMe, not retried; its message would print the token
        print("sdgbot: TELEGRAM_BOT_TOKEN: Telegram does not accept it (Unauthorized); get a "
              "new one from @BotFather", file=sys.stderr)  # fmt: skip
        return 2  # a bad setting, like the others: restarting will not help
    except NetworkError as exc:  # after BOOTSTRAP_RETRIES: exit 1, to be started again
        where = "TELEGRAM_BASE_URL" if settings.telegram_base_url else "api.telegram.org"
        print(f"sdgbot: could not start: the Bot API ({where}) cannot be reached: "
              f"{logs.redact(str(exc))}", file=sys.stderr)  # fmt: skip
        return 1
    except TelegramError as exc:
        print(f"sdgbot: could not start: {logs.redact(str(exc))}", file=sys.stderr)
        return 1
    return 0
