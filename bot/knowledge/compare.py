"""Compare two builds of indicators.db: every table dumped as rows, and the differences
told readably (indicators, figures and units by what they are; other tables by rows)."""

import sqlite3
from pathlib import Path

from bot.knowledge import store

KEYS = ("id", "key", "number", "word", "char", "english")  # natural keys: say what changed
SURROGATE = {"figure", "remark", "programmefigure", "alias"}  # tables whose id is a row number


def dump(db_path: Path) -> dict[str, list[dict]]:
    """Every table's rows as dicts (row-number ids left out), sorted, for comparing builds."""
    conn = store.connect(db_path)  # read-only, by the file's own name
    conn.row_factory = sqlite3.Row
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {}
        for table in sorted(tables):
            rows = [dict(r) for r in conn.execute(f'SELECT * FROM "{table}"')]
            if table in SURROGATE:
                rows = [{k: v for k, v in r.items() if k != "id"} for r in rows]
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        conn.close()


_PERIOD = {"baseline_2021": "2021 年", "target_2024": "2024 年目標", "actual_2024": "2024 年實際",
           "latest": "最新"}  # fmt: skip


def diff(old: dict[str, list[dict]], new: dict[str, list[dict]]) -> list[str]:
    """Readable differences: indicators added, removed or changed; figures changed; units
    added, removed or given another owner; then any other table's rows added or removed."""
    lines = []
    before = {r["id"]: r for r in old.get("indicator", [])}
    after = {r["id"]: r for r in new.get("indicator", [])}
    for ident in sorted(set(before) | set(after)):
        if ident not in after:
            lines.append(f"indicator removed: {ident} {before[ident]['name']}")
        elif ident not in before:
            lines.append(f"indicator added: {ident} {after[ident]['name']}")
        else:
            for col, value in after[ident].items():
                if before[ident].get(col) != value and col != "section_text":
                    lines.append(f"indicator {ident} {col}: {before[ident].get(col)!r} → {value!r}")

    def figures(rows: list[dict]) -> dict:
        return {(r["indicator_id"], r["component"], r["period"]): r for r in rows}

    was, now = figures(old.get("figure", [])), figures(new.get("figure", []))
    for key in sorted(set(was) | set(now)):
        ident, component, period = key
        label = (
            f"figure {ident} {component + ' ' if component else ''}{_PERIOD.get(period, period)}"
        )
        old_text = (was[key]["text"], was[key]["as_of"]) if key in was else None
        new_text = (now[key]["text"], now[key]["as_of"]) if key in now else None
        if old_text != new_text:
            show = [" ".join(t).strip() if t else "—" for t in (old_text, new_text)]
            lines.append(f"{label}: {show[0]} → {show[1]}")
    lines += units(old.get("unit", []), new.get("unit", []))
    for table in sorted((set(old) | set(new)) - {"indicator", "figure", "unit"}):
        gone = [r for r in old.get(table, []) if r not in new.get(table, [])]
        added = [r for r in new.get(table, []) if r not in old.get(table, [])]
        key = next((k for k in KEYS if table not in SURROGATE
                    and any(k in r for r in gone + added)), None)  # fmt: skip
        if key:
            changed = {r[key] for r in gone} & {r[key] for r in added}
            for row in (r for r in added if r[key] in changed):
                name = row.get("heading") or row.get("title") or row.get("value") or ""
                lines.append(f"{table} {row[key]} changed: {str(name)[:80]}")
            gone = [r for r in gone if r[key] not in changed]
            added = [r for r in added if r[key] not in changed]
        if gone or added:
            lines.append(f"{table}: {len(gone)} row(s) removed, {len(added)} added")
            lines += [f"  - {_show(r)}" for r in gone[:5]] + [f"  + {_show(r)}" for r in added[:5]]
    return lines


def _show(row: dict) -> str:
    text = " | ".join(str(v) for v in row.values())
    return text if len(text) < 160 else text[:157] + "..."


def units(was: list[dict], now: list[dict]) -> list[str]:
    """Units told by their section and text, so one unit more does not renumber them all."""
    if was == now:
        return []

    def key(row: dict) -> tuple[str, str]:
        return row["section"], row["text"]

    def owner(row: dict) -> str:
        return f"{row['owner_type']} {row['owner_id']}"[:60]

    before, after = {key(r): r for r in was}, {key(r): r for r in now}
    gone = [r for k, r in before.items() if k not in after]
    added = [r for k, r in after.items() if k not in before]
    owned = [
        (before[k], r) for k, r in after.items() if k in before and owner(before[k]) != owner(r)
    ]
    shifted = sum(1 for r in now if r not in was) - len(added) - len(owned)
    lines = [
        f"units: {len(was)} → {len(now)}: {len(gone)} removed, {len(added)} added, "
        f"{len(owned)} with another owner, {shifted} renumbered, moved or of another kind"
    ]
    lines += [f"  - {r['kind']}: {_short(r['text'])}" for r in gone[:5]]
    lines += [f"  + {r['kind']} ({owner(r)}): {_short(r['text'])}" for r in added[:5]]
    lines += [f"  ~ {_short(r['text'])}: {owner(o)} → {owner(r)}" for o, r in owned[:5]]
    return lines


def _short(text: str) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."
