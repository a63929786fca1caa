"""Builders of Telegram update dicts for tests (as the Bot API would send them).

Commands get their `bot_command` entity and `@names` their `mention` entity, as
Telegram adds them; lengths are in UTF-16 code units.
"""

import itertools
import re
import time

_message_ids = itertools.count(1)
_update_ids = itertools.count(1_000_000)
_query_ids = itertools.count(1)

ALICE = {"id": 1001, "is_bot": False, "first_name": "Alice", "language_code": "zh-hant"}
BOB = {"id": 1002, "is_bot": False, "first_name": "Bob", "language_code": "en"}
GROUP = {"id": -100200300, "type": "supergroup", "title": "勞動部同仁"}
FORUM = {"id": -100900900, "type": "supergroup", "title": "SDG 論壇", "is_forum": True}


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities(text: str) -> list[dict]:
    found = []
    if text.startswith("/"):
        command = text.split()[0]
        found.append({"type": "bot_command", "offset": 0, "length": _u16(command)})
    for m in re.finditer(r"@[A-Za-z0-9_]{5,32}", text):
        found.append({"type": "mention", "offset": _u16(text[: m.start()]), "length": _u16(m[0])})
    return found


def message(
    text: str,
    *,
    chat: dict,
    user: dict = ALICE,
    reply_to: dict | None = None,
    thread_id: int | None = None,
    via_bot: dict | None = None,
) -> dict:
    msg = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": user,
        "text": text,
    }
    if ents := entities(text):
        msg["entities"] = ents
    if reply_to is not None:
        msg["reply_to_message"] = reply_to
    if thread_id is not None:
        msg["message_thread_id"] = thread_id
        msg["is_topic_message"] = True
    if via_bot is not None:
        msg["via_bot"] = via_bot
    return msg


def private_text(text: str, *, user: dict = ALICE, **kw) -> dict:
    chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    return {"update_id": next(_update_ids), "message": message(text, chat=chat, user=user, **kw)}


def group_text(text: str, *, chat: dict = GROUP, user: dict = ALICE, **kw) -> dict:
    return {"update_id": next(_update_ids), "message": message(text, chat=chat, user=user, **kw)}


def edited(update: dict, text: str) -> dict:
    """The update Telegram sends when the message of `update` is edited to say `text`."""
    msg = dict(update.get("message") or update["edited_message"], text=text)
    msg.pop("entities", None)
    if ents := entities(text):
        msg["entities"] = ents
    msg["edit_date"] = msg["date"] + 5
    return {"update_id": next(_update_ids), "edited_message": msg}


def private_photo(caption: str, *, user: dict = ALICE) -> dict:
    """A photo sent in a private chat, with `caption` (a question, perhaps)."""
    update = private_text(caption, user=user)
    msg = update["message"]
    del msg["text"]
    msg.pop("entities", None)
    msg["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]
    msg["caption"] = caption
    return update


def edited_caption(update: dict, caption: str | None) -> dict:
    """The update Telegram sends when the caption of `update`'s photo is edited (None:
    taken away)."""
    msg = dict(update.get("message") or update["edited_message"])
    msg.pop("caption", None)
    if caption is not None:
        msg["caption"] = caption
    msg["edit_date"] = msg["date"] + 5
    return {"update_id": next(_update_ids), "edited_message": msg}


def bot_message(text: str, *, chat: dict, bot: dict, message_id: int | None = None) -> dict:
    """A message the bot sent earlier (for replies to it)."""
    return {
        "message_id": message_id or next(_message_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": bot,
        "text": text,
    }


def callback(data: str, *, on: dict, user: dict = ALICE) -> dict:
    """A button press on message `on` (a message dict the bot sent)."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_query_ids)),
            "from": user,
            "chat_instance": "ci-1",
            "data": data,
            "message": on,
        },
    }


def inline(query: str, *, user: dict = ALICE) -> dict:
    return {
        "update_id": next(_update_ids),
        "inline_query": {"id": str(next(_query_ids)), "from": user, "query": query, "offset": ""},
    }
