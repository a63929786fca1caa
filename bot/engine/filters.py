"""Lists by any attribute the store holds, as filters over the indicators. Pure.

A list question (「單位是人次的指標」, 「名稱裡有職前訓練的指標」, 「最新數字統計到 7 月底
的指標」, 「從 2017 年累計的指標」, 「有算訓後就業率的指標」) names an attribute and a
value; the value is looked up among the values the store has, never in a list of
phrasings. Each recognised filter keeps the indicators whose stored value matches.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.i18n import Joined, Msg
from bot.knowledge.english import stem
from bot.knowledge.values import Figure, Indicator, Knowledge


@dataclass(frozen=True)
class Filter:
    label: str  # what the list shows in its title: 單位為「人次」 (a Msg)
    keep: Callable[[Indicator, list[Figure]], bool]


# English words for the store's units of measure and parts (people write them so)
_UNIT_WORDS = {
    "person-times": "人次", "person times": "人次", "per thousand": "千人率",
    "percent": "%", "percentage": "%", "sessions": "場", "cases": "件",
    "百分比": "%", "百分率": "%", "人數": "人",
}  # fmt: skip
_NAMED = re.compile(
    r"(?:名稱|名字|name)\S{0,4}?(?:有|含|包含|包括|contains?|with)\s*(?:提到|提及|寫到|寫著|出現)?"
    r"\s*[「“\"']?([^「」“”\"'，。?？\s]{2,12})"
)
# "indicators that mention the unemployed in their names", "whose name contains youth"
_NAMED_EN = re.compile(
    r"\b(?:mention(?:ing|s)?|with|contain(?:ing|s)?|includ(?:e|es|ing)|hav(?:e|ing))\s+"
    r"(?:the\s+)?(?:words?\s+)?[\"']?([a-z][a-z\- ]{1,30}?)[\"']?"
    r"\s+in\s+(?:its|their|the)\s+names?\b"
    r"|\bnames?\s+(?:contain|include|mention|ha)s?\s+(?:the\s+)?(?:words?\s+)?"
    r"[\"']?([a-z][a-z\-]{1,30})"
)
_MONTH = re.compile(
    r"(?:到|至|截至|統計到|until|to|through)?\s*(?:20\d\d\s*年)?\s*(\d{1,2})\s*月底?"
)
# 「數字完全一樣的指標」, "indicators with identical figures": figures another one repeats
_SAME = re.compile(
    r"(?:數字|數值|數據|figures?|numbers?|values?)\S{0,6}?(?:完全|都|一模)?\s*(?:一樣|相同|重複|相等)"
    r"|(?:一樣|相同|重複)的(?:數字|數值|數據)"
    r"|(?:identical|the same|same|duplicate[ds]?|repeated)\s+(?:figures|numbers|values|data)"
)
_ACCRUED = re.compile(
    r"(20[12]\d)\s*年?\S{0,4}累計|cumulative(?: \w+){0,2} (?:since|from) (20[12]\d)"
)


def _holds_stems(words: list[str], stems: list[str]) -> bool:
    """The stems stand in the words, in a row."""
    n = len(stems)
    return any(words[k : k + n] == stems for k in range(len(words) - n + 1))


def _last_month(as_of: str) -> int | None:
    months = re.findall(r"(\d{1,2})\s*月", as_of)
    return int(months[-1]) if months else None


def recognise(
    text: str,
    k: Knowledge,
    canon: Callable[[str], str],
    read_as: tuple[str, ...] = (),
    bridge: Callable[[list[str]], list[str]] = lambda stems: [],
) -> list[Filter]:
    """The attribute filters a (normalised) list question names; `read_as`: the parts its
    words were read as (「上完訓練之後找到工作的比例」 → 就業率); `bridge`: English stems →
    the report's words (youth → 青年)."""
    found: list[Filter] = []
    units = sorted({f.unit for figs in k.figures.values() for f in figs if f.unit}, key=len)
    asked = [u for word, u in _UNIT_WORDS.items() if word in text]
    asked += [u for u in units[::-1] if len(u) > 1 and u in text and not any(u in a for a in asked)]
    if re.search(r"單位\S{0,3}(?:是|為)\s*[「“]?人[」”]?(?!次)", text):
        asked.append("人")
    for unit in dict.fromkeys(asked):
        found.append(
            Filter(
                Msg("單位為「{unit}」", unit=unit), lambda i, figs, u=unit: u in _actual_units(figs)
            )
        )
    named = _NAMED.search(text)
    if named:  # (「名稱裡有失業者的指標」: 失業者)
        word = canon(re.sub(r"(?:的)?(?:指標|項目)?(?:有哪些|是哪些|有幾項)?$", "", named.group(1)))
        found.append(
            Filter(Msg("名稱含「{word}」", word=word), lambda i, figs, w=word: w in canon(i.name))
        )
    named_en = _NAMED_EN.search(text) if not named else None
    if named_en:  # matched on the curated English names, word by stem
        said = (named_en.group(1) or named_en.group(2)).strip()
        stems = [stem(w) for w in said.split()]
        chinese = [w for w in bridge(stems) if not w.isascii()]

        def holds(i: Indicator, figs: list[Figure], ss=stems, zh=chinese) -> bool:
            english = [stem(w) for w in re.findall(r"[a-z]+", (i.name_en or "").lower())]
            return _holds_stems(english, ss) or (bool(zh) and all(w in canon(i.name) for w in zh))

        found.append(Filter(Msg("名稱含「{word}」", word=said), holds))
    parts = {c for figs in k.figures.values() for f in figs for c in [f.component] if c}
    rates = [p for p in sorted(parts) if p.endswith("率") and p in text]
    if not rates:  # 「就業率」: every part it ends (訓後就業率, 推介就業率) ...
        rates = [p for p in sorted(parts) if p.endswith("率") and (
            p[-3:] in text or any(p.endswith(r) for r in read_as))]  # fmt: skip
        # ... those whose qualifier the question spells out, if any (訓後: 「上完訓練之後」)
        spelt = [p for p in rates if all(ch in text for ch in p[:-3])]
        rates = spelt or rates
    if rates:
        label = Msg("列有{rates}", rates=Joined("或", rates))
        found.append(Filter(label, lambda i, figs, r=tuple(rates): any(
            f.component in r for f in figs)))  # fmt: skip
    if _SAME.search(text):
        twins = _twins(k)
        found.append(Filter(Msg("數值與另一項指標完全相同"), lambda i, figs: i.id in twins))
    accrued = _ACCRUED.search(text)
    if accrued:
        year = accrued.group(1) or accrued.group(2)
        found.append(
            Filter(
                Msg("自 {year} 年起累計", year=year), lambda i, figs, y=year: counted_since(i) == y
            )
        )
    month = (
        _MONTH.search(text) if re.search(r"最新|統計|更新|update|latest|截至|月底", text) else None
    )
    if month and not accrued:
        m = int(month.group(1))
        found.append(Filter(Msg("最新數字統計至 {m} 月", m=m), lambda i, figs, m=m: any(
            f.period == "latest" and _last_month(f.as_of) == m for f in figs)))  # fmt: skip
    return found


def _twins(k: Knowledge) -> set[str]:
    """The indicators whose printed figures another indicator prints all the same (the
    report gives 8.5.3 and 10.2.2 one set of figures)."""
    prints: dict[frozenset, list[str]] = {}
    for ind_id, figs in k.figures.items():
        key = frozenset((f.component, f.period, f.value) for f in figs)
        if key:
            prints.setdefault(key, []).append(ind_id)
    return {i for ids in prints.values() if len(ids) > 1 for i in ids}


def _actual_units(figs: list[Figure]) -> set[str]:
    return {f.unit for f in figs if f.period == "actual_2024"}


def counted_since(ind: Indicator) -> str | None:
    """The year an indicator's count starts, as its calculation note says (2017 年起累計)."""
    m = re.search(r"(20\d\d)\s*年(?:起|至\s*20\d\d\s*年)?\s*累計", ind.note)
    return m.group(1) if m else None
