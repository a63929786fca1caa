"""The scoring rules of the eval's batch contract, applied in-process (no subprocess)."""

import re
import unicodedata

from bot.engine.answer import Context
from bot.render.plain import to_json


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("万", "萬")
    return re.sub(r"[\s,，、]", "", text)


def alternatives(must: str) -> list[str]:
    """A must's alternatives, normalised; a figure in 萬 form also as plain digits (as the
    eval's score.py reads them)."""
    alts = []
    for a in must.split("|"):
        a = norm(a)
        alts.append(a)
        m = re.fullmatch(r"(\d+)萬(\d{0,4})", a)
        if m:
            alts.append(str(int(m.group(1)) * 10000 + int(m.group(2) or 0)))
    return alts


def context_of(q: dict) -> Context | None:
    """The subject a follow-up is asked after: an indicator number, or p:<n>."""
    ctx = q.get("context")
    if not ctx:
        return None
    if ctx.startswith("p:"):
        return Context(programme_id=int(ctx[2:]))
    return Context(indicator_ids=(ctx,))


def score(q: dict, engine) -> bool:
    r = to_json(engine.answer(q["q"], context_of(q)))
    answer = norm(r["answer"])
    ids = [m["id"] for m in r["matches"]]
    if q.get("oos"):
        return r["found"] is False
    if r["found"] is False:
        return False
    if q.get("expect") and (not ids or ids[0] not in q["expect"]):
        return False
    if any(want not in ids and want not in answer for want in q.get("all", [])):
        return False
    return all(any(a in answer for a in alternatives(must)) for must in q.get("must", []))
