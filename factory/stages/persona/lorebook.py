"""A card's `character_book`: which lorebook entries a chat front-end would put into the prompt.

Follows the Character Card V2/V3 specs and SillyTavern's defaults where the specs leave it open:
an entry is on when one of its `keys` occurs in the last `scan_depth` messages (the book's, else
SillyTavern's default 2), case-insensitively unless `case_sensitive`, a one-word key as a whole
word (so `cat` is not in `concatenate`; Chinese, having no word breaks, matches anywhere); a
`selective` entry also needs its `secondary_keys` (SillyTavern's `extensions.selectiveLogic`:
AND ANY, NOT ALL, NOT ANY, AND ALL); `constant` entries are always on, disabled ones never;
`use_regex` (V3) or a `/pattern/flags` key is a regular expression (an invalid one never
matches). With `recursive_scanning`, an entry's content may trigger others. `token_budget` keeps
the highest `priority` (else `insertion_order`) entries; the rest go, in insertion order.
V3 decorators (`@@depth`, `@@scan_depth`, `@@activate`, `@@dont_activate`, `@@is_greeting`, ...)
are read where they matter here and always stripped from the content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from factory.sources.chunking import estimate_tokens

DEFAULT_SCAN_DEPTH = 2  # SillyTavern's default world-info scan depth (messages)
RECURSION_LIMIT = 5
AND_ANY, NOT_ALL, NOT_ANY, AND_ALL = 0, 1, 2, 3
_DECORATOR = re.compile(r"^@@(@?)(\w+)[ \t]*(.*)$")
_REGEX_KEY = re.compile(r"^/(.+)/([a-z]*)$", re.S)
_WORDISH = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass
class Entry:
    """One lorebook entry, read leniently: cards in the wild leave out what the spec calls required."""

    id: Any
    keys: list[str]
    content: str
    secondary: list[str] = field(default_factory=list)
    selective: bool = False
    logic: int = AND_ANY
    constant: bool = False
    enabled: bool = True
    case_sensitive: bool = False
    regex: bool = False
    order: float = 100
    priority: float | None = None
    position: str = "before_char"  # before_char | after_char | at_depth
    depth: int = 4  # at_depth: messages counted back from the end
    role: str = "system"
    scan_depth: int | None = None
    decorators: dict[str, str] = field(default_factory=dict)


def _strings(v: Any) -> list[str]:
    if isinstance(v, str):
        v = v.split(",")  # V3 writes secondary_keys as comma-separated values; accept either
    return [s.strip() for s in v if isinstance(s, str) and s.strip()] if isinstance(v, list) else []


def _number(v: Any, default: float | None) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else default


def split_decorators(content: str) -> tuple[dict[str, str], str]:
    """V3 `@@name value` lines at the top of the content -> ({name: value}, content without them).
    The first of a name counts; a `@@@` fallback counts only when its main decorator is unknown
    here, which for the ones read below never happens, so fallbacks are only stripped."""
    found: dict[str, str] = {}
    lines = content.splitlines()
    i = 0
    while i < len(lines):
        m = _DECORATOR.match(lines[i].strip())
        if not m:
            break
        if not m.group(1):
            found.setdefault(m.group(2).lower(), m.group(3).strip())
        i += 1
    return found, "\n".join(lines[i:]).strip()


def _int(v: str | None) -> int | None:
    try:
        return int(float(v)) if v not in (None, "") else None
    except ValueError:
        return None


def read_entry(raw: dict, index: int) -> Entry | None:
    if not isinstance(raw, dict):
        return None
    ext = raw.get("extensions") if isinstance(raw.get("extensions"), dict) else {}
    decorators, content = split_decorators(str(raw.get("content") or ""))
    position = "after_char" if raw.get("position") == "after_char" else "before_char"
    st_position = ext.get("position")
    if st_position == 1:
        position = "after_char"
    if st_position == 4 or "depth" in decorators:
        position = "at_depth"
    depth = _int(decorators.get("depth")) if "depth" in decorators else _int(str(ext.get("depth", 4)))
    role = decorators.get("role") or {0: "system", 1: "user", 2: "assistant"}.get(ext.get("role"), "system")
    logic = ext.get("selectiveLogic", AND_ANY)
    return Entry(
        id=raw.get("id", index),
        keys=_strings(raw.get("keys")),
        content=content,
        secondary=_strings(raw.get("secondary_keys")),
        selective=bool(raw.get("selective", False)),
        logic=logic if logic in (AND_ANY, NOT_ALL, NOT_ANY, AND_ALL) else AND_ANY,
        constant=bool(raw.get("constant", False)),
        enabled=raw.get("enabled", True) is not False and not ext.get("disable", False),
        case_sensitive=bool(raw.get("case_sensitive") or False),
        regex=bool(raw.get("use_regex", False)),
        order=_number(raw.get("insertion_order"), 100.0) or 0.0,
        priority=_number(raw.get("priority"), None),
        position=position,
        depth=max(0, depth if depth is not None else 4),
        role=role if role in ("system", "user", "assistant") else "system",
        scan_depth=_int(decorators.get("scan_depth")) if "scan_depth" in decorators else None,
        decorators=decorators,
    )


def read_book(book: Any) -> tuple[list[Entry], dict]:
    """(entries, book settings) of a `character_book`; nothing when there is none."""
    if not isinstance(book, dict):
        return [], {}
    raw = book.get("entries")
    entries = raw.values() if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    out = [e for i, r in enumerate(entries) if (e := read_entry(r, i)) is not None]
    return out, book


def key_matches(key: str, text: str, case_sensitive: bool, regex: bool) -> bool:
    m = _REGEX_KEY.match(key)
    if regex or m:
        pattern, flags = (m.group(1), m.group(2)) if m else (key, "")
        try:
            rx = re.compile(pattern, (0 if case_sensitive and "i" not in flags else re.I) | re.S)
        except re.error:
            return False  # the V3 spec: an invalid pattern is not a match
        return rx.search(text) is not None
    hay, needle = (text, key) if case_sensitive else (text.casefold(), key.casefold())
    if _WORDISH.match(key):  # one Latin word: a whole word (ASCII boundaries, so CJK text around it counts)
        return re.search(rf"(?<![A-Za-z0-9_]){re.escape(needle)}(?![A-Za-z0-9_])", hay) is not None
    return needle in hay


def triggered(e: Entry, text: str, greeting: int | None = None) -> bool:
    """Does the scanned text switch the entry on?"""
    if not e.enabled or not e.content:
        return False
    d = e.decorators
    if "is_greeting" in d and greeting is not None and _int(d["is_greeting"]) != greeting:
        return False
    if "activate" in d:
        return True
    if "dont_activate" in d:
        return False
    if e.constant and not e.regex:
        return True

    def has(k: str) -> bool:
        return key_matches(k, text, e.case_sensitive, e.regex)

    if not any(has(k) for k in e.keys):
        return False
    for k in _strings(d.get("exclude_keys", "")):
        if has(k):
            return False
    extra = _strings(d.get("additional_keys", ""))
    if extra and not any(has(k) for k in extra):
        return False
    if not (e.selective and e.secondary) or e.regex:
        return True
    hits = [has(k) for k in e.secondary]
    return {
        AND_ANY: any(hits),
        AND_ALL: all(hits),
        NOT_ANY: not any(hits),
        NOT_ALL: not all(hits),
    }[e.logic]


def activate(
    entries: list[Entry], messages: list[str], book: dict, greeting: int | None = None
) -> list[Entry]:
    """The entries a front-end would insert, given the chat so far (oldest first), in insertion order."""
    depth = _int(str(book.get("scan_depth"))) if book.get("scan_depth") is not None else None
    depth = DEFAULT_SCAN_DEPTH if depth is None else max(0, depth)
    recursive = bool(book.get("recursive_scanning", False))
    on: list[Entry] = []
    extra = ""
    for _ in range(RECURSION_LIMIT if recursive else 1):
        new = []
        for e in entries:
            if any(x is e for x in on):
                continue
            d = depth if e.scan_depth is None else max(0, e.scan_depth)
            window = "\n".join(messages[-d:]) if d else ""
            if triggered(e, window + ("\n" + extra if extra else ""), greeting):
                new.append(e)
        if not new:
            break
        on += new
        extra = "\n".join(e.content for e in on)
    return within_budget(on, book.get("token_budget"))


def within_budget(on: list[Entry], budget: Any) -> list[Entry]:
    limit = _number(budget, None)
    ordered = sorted(on, key=lambda e: (e.order, str(e.id)))
    if not limit or limit <= 0:
        return ordered
    keep, used = [], 0
    for e in sorted(ordered, key=lambda e: -(e.priority if e.priority is not None else e.order)):
        cost = estimate_tokens(e.content)
        if used + cost <= limit:
            keep.append(e)
            used += cost
    return [e for e in ordered if any(x is e for x in keep)]
