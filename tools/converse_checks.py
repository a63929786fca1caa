"""The scenario format of tools/converse.py (tools/converse_format.md): reading it, and
checking a step's "expect" against what the bot said. Pure: no bot, no server here."""

import json
import re
from dataclasses import dataclass, field

USERS = ("A", "B", "C")
CHATS = ("private", "group", "forum")
KINDS = ("text", "sticker", "photo", "voice", "location", "callback", "join", "inline")
EXPECT_KEYS = {
    "answered", "mentions", "not", "must", "first_line", "max_lines", "edited", "buttons",
    "english",
}  # fmt: skip
LIST_KEYS = ("mentions", "not", "must", "first_line", "buttons")
ID_RE = re.compile(r"^\d+\.[0-9a-z]+\.\d+$")
WORD_RE = re.compile(r"[A-Za-z]{2,}")
ENGLISH_SHARE = 0.5  # "mostly English": more than half the lines say two English words


@dataclass
class Said:
    """What the bot did in reply to one step."""

    messages: list[str] = field(default_factory=list)  # plain text of each message sent/edited
    extra: list[str] = field(default_factory=list)  # a toast, inline results
    buttons: list[str] = field(default_factory=list)  # every button label
    sent: int = 0  # new messages (sendMessage, sendPhoto, sendDocument …)
    edited: int = 0  # edits of a message already in the chat
    threads: list[int | None] = field(default_factory=list)  # the topic of each message sent
    rejected: list[str] = field(default_factory=list)  # calls the Bot API refused
    delivered: bool = True  # False: Telegram would not hand this update to the bot

    @property
    def answered(self) -> bool:
        return bool(self.sent or self.edited or any(t.strip() for t in self.extra))

    @property
    def text(self) -> str:
        return "\n".join(self.messages + self.extra)

    @property
    def first_line(self) -> str:
        for line in self.text.splitlines():
            if line.strip():
                return line
        return ""

    def lines(self) -> int:
        return sum(1 for line in "\n".join(self.messages).splitlines() if line.strip())


# -- reading --------------------------------------------------------------------------


def read(path) -> list[dict]:
    """Each line's scenario; a line that is not one is kept as {"id", "invalid": reason}."""
    scenarios = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                scenario = json.loads(line)
            except json.JSONDecodeError as exc:
                scenarios.append({"id": f"line {n}", "invalid": f"not JSON ({exc.msg})"})
                continue
            if not isinstance(scenario, dict):
                scenarios.append({"id": f"line {n}", "invalid": "not a JSON object"})
                continue
            scenario.setdefault("id", f"line {n}")
            if problems := problems_of(scenario):
                scenario["invalid"] = "; ".join(problems)
            scenarios.append(scenario)
    return scenarios


def problems_of(scenario: dict) -> list[str]:
    """What makes a scenario unplayable (empty when it is fine)."""
    found = []
    if scenario.get("chat", "private") not in CHATS:
        found.append(f"chat {scenario.get('chat')!r} is not one of {', '.join(CHATS)}")
    steps = scenario.get("steps")
    if not isinstance(steps, list) or not steps:
        return [*found, "no steps"]
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            found.append(f"step {i} is not an object")
            continue
        found += [f"step {i}: {p}" for p in _step_problems(step, i)]
    return found


def _step_problems(step: dict, i: int) -> list[str]:
    found = []
    kind = step.get("kind", "text")
    if kind not in KINDS:
        found.append(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if step.get("from", "A") not in USERS:
        found.append(f"from {step.get('from')!r} is not A, B or C")
    for key in ("reply_to", "edit_of", "on"):
        ref = step.get(key)
        if ref is not None and not (isinstance(ref, int) and 0 <= ref < i):
            found.append(f"{key} {ref!r} is not an earlier step")
    if kind == "callback" and not (step.get("press") or step.get("text")):
        found.append("a callback needs press (the button label)")
    if kind in ("text", "inline") and not isinstance(step.get("text", ""), str):
        found.append("text is not a string")
    expect = step.get("expect", {})
    if not isinstance(expect, dict):
        return [*found, "expect is not an object"]
    if unknown := set(expect) - EXPECT_KEYS:
        found.append(f"unknown expect key(s) {', '.join(sorted(unknown))}")
    for key in LIST_KEYS:
        value = expect.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            found.append(f"expect.{key} is not a list of strings")
    if "max_lines" in expect and not isinstance(expect["max_lines"], int):
        found.append("expect.max_lines is not a number")
    return found


# -- checking ---------------------------------------------------------------------------


def squeeze(text: str) -> str:
    """Compared with spaces and commas removed (as the format says)."""
    return re.sub(r"[\s,，]+", "", text)


def has_id(text: str, ident: str) -> bool:
    """Does the indicator id stand in the text on its own (8.7.1, not 18.7.1 or 8.7.12)?"""
    return re.search(rf"(?<![\w.]){re.escape(ident)}(?!\.?\d)", text, re.IGNORECASE) is not None


def contains(text: str, wanted: str) -> bool:
    """One of the `a|b` choices in the text (squeezed); ids on their own."""
    for choice in wanted.split("|"):
        choice = choice.strip()
        if ID_RE.match(choice) and has_id(text, choice):
            return True
        if not ID_RE.match(choice) and squeeze(choice) in squeeze(text):
            return True
    return False


def english_share(text: str) -> float:
    """The share of the non-blank lines that hold two English words or more (the report's
    own names and quotes stay Chinese in English replies, so a line's labels decide)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return sum(len(WORD_RE.findall(line)) >= 2 for line in lines) / len(lines) if lines else 0.0


def check(expect: dict, said: Said, *, thread: int | None = None) -> list[str]:
    """Why the bot's reply does not meet `expect` (empty: it does)."""
    why = []
    text = said.text
    if "answered" in expect:
        if expect["answered"] and not said.answered:
            why.append("answered: the bot said nothing")
        if not expect["answered"] and said.answered:
            why.append(f"answered: false, but the bot said {clip(text)!r}")
    content = [k for k in expect if k not in ("answered", "edited")]
    if content and not said.answered and expect.get("answered", True):
        if "answered: the bot said nothing" not in why:
            why.append(f"{', '.join(content)}: the bot said nothing")
        return why + _rejected(said)
    for ident in expect.get("mentions", []):
        if not any(has_id(text, i.strip()) for i in ident.split("|")):
            why.append(f"mentions: {ident} is not in the reply")
    for bad in expect.get("not", []):
        if contains(text, bad):
            why.append(f"not: {bad!r} is in the reply")
    for wanted in expect.get("must", []):
        if not contains(text, wanted):
            why.append(f"must: {wanted!r} is not in the reply")
    for wanted in expect.get("first_line", []):
        if not contains(said.first_line, wanted):
            why.append(f"first_line: {wanted!r} is not in {clip(said.first_line)!r}")
    if "max_lines" in expect and said.lines() > expect["max_lines"]:
        why.append(f"max_lines: {said.lines()} lines, more than {expect['max_lines']}")
    if "edited" in expect:
        if expect["edited"] and not (said.edited and not said.sent):
            how = f"sent {said.sent} new message(s)" + (
                f" and edited {said.edited}" if said.edited else ", edited none"
            )
            why.append(f"edited: the bot {how}")
        if not expect["edited"] and said.edited:
            why.append("edited: false, but the bot edited a message")
    if wanted := expect.get("buttons"):
        choices = [c.strip() for w in wanted for c in w.split("|") if c.strip()]
        if not any(c in label for c in choices for label in said.buttons):
            why.append(
                f"buttons: none of {' | '.join(choices)} among {said.buttons or 'no buttons'}"
            )
    if "english" in expect:
        share = english_share(text)
        if expect["english"] and share <= ENGLISH_SHARE:
            why.append(f"english: {share:.0%} of the lines in English: {clip(text)!r}")
        if not expect["english"] and share > ENGLISH_SHARE:
            why.append(f"english: false, but the reply is in English: {clip(text)!r}")
    if thread is not None and any(t != thread for t in said.threads):
        why.append(f"answered in topic {said.threads}, asked in topic {thread}")
    return why + (_rejected(said) if why else [])


def _rejected(said: Said) -> list[str]:
    return [f"(the Bot API refused: {r})" for r in said.rejected]


def clip(text: str, size: int = 160) -> str:
    text = " ⏎ ".join(line for line in text.splitlines() if line.strip())
    return text if len(text) <= size else text[: size - 1] + "…"
