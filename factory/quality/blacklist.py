"""Assistant tone, refusals, hedging and preaching: phrases a character in a role-play never says.

The lists are data: factory/quality/blacklists/{zh,en,any}.txt (versioned, shipped as package
data), one FAMILY<tab>PATTERN a line; each entry is a literal (matched case-insensitively, with
word boundaries for English words) or a regex. A recipe adds files (`files`) and entries (`add`),
removes defaults by pattern text or by `category:NAME`, or starts from none (`defaults: false`).
The gate applies the list to the target character's lines only: a user may well ask "are you an AI?".

    assistant_tone_hits("作为一个AI，我没有个人观点。", "zh")  -> [Hit(category="assistant_tone", ...), ...]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from factory.lang import LANGUAGES
from factory.quality.config import BlacklistConfig, BlacklistEntry

BLACKLIST_DIR = Path(__file__).with_name("blacklists")
DEFAULT_FILES = {"zh": "zh.txt", "en": "en.txt", "any": "any.txt"}
CATEGORIES = ("assistant_tone", "refusal", "hedging", "preachy", "custom")


@dataclass(frozen=True)
class Hit:
    category: str
    pattern: str  # the entry that matched, as written
    span: str  # the matched text
    start: int
    source: str = ""  # where the entry is written: "zh.txt:12", or "" for a recipe's inline entry


def read_entries(path: Path, language: str) -> list[BlacklistEntry]:
    """Entries of one blacklist file (FAMILY<tab>PATTERN, `re:` for a regex; see blacklists/README.txt)."""
    out = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read blacklist ({exc.strerror or exc})") from None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        family, sep, pattern = line.partition("\t")
        family = family.strip()
        if not sep or not pattern.strip() or family not in CATEGORIES:
            raise ValueError(
                f"{path}:{n}: expected FAMILY<tab>PATTERN with FAMILY one of {', '.join(CATEGORIES)}"
            )
        regex = pattern.startswith("re:")
        out.append(
            BlacklistEntry(
                pattern=pattern[3:] if regex else pattern,
                regex=regex,
                language=language,
                category=family,
                source=f"{path.name}:{n}",
            )
        )
    return out


@functools.cache
def _shipped() -> tuple[BlacklistEntry, ...]:
    return tuple(e for lang, name in DEFAULT_FILES.items() for e in read_entries(BLACKLIST_DIR / name, lang))


def default_entries() -> list[BlacklistEntry]:
    """The shipped lists (factory/quality/blacklists/*.txt, package data)."""
    return list(_shipped())


def resolve_files(cfg: BlacklistConfig, base: Path, where: str = "quality.blacklist.files") -> None:
    """Make the recipe's blacklist files absolute (relative to `base`, the recipe's folder) and check them."""
    files = [f if f.is_absolute() else (base / f).resolve() for f in cfg.files]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise ValueError(f"{where}: no such file: {missing[0]}")
    cfg.files = files


def _file_language(path: Path) -> str:
    stem = path.stem.split(".")[0].lower()
    return stem if stem in LANGUAGES else "any"


def _compile(entry: BlacklistEntry) -> re.Pattern:
    if entry.regex:
        try:
            return re.compile(entry.pattern, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"quality.blacklist: bad regex {entry.pattern!r}: {exc}") from None
    body = re.escape(entry.pattern)
    if re.match(r"[A-Za-z0-9]", entry.pattern):
        body = r"\b" + body
    if re.search(r"[A-Za-z0-9]$", entry.pattern):
        body += r"\b"
    return re.compile(body, re.IGNORECASE)


class Blacklist:
    """A compiled list; one combined regex per language finds lines worth checking entry by entry."""

    def __init__(self, entries: Iterable[BlacklistEntry]):
        self.entries = list(entries)
        self._compiled = [(e, _compile(e)) for e in self.entries]
        self._by_lang: dict[str, tuple[re.Pattern | None, list]] = {}
        for lang in ("zh", "en", None):
            sel = [(e, c) for e, c in self._compiled if lang is None or e.language in (lang, "any")]
            combined = (
                re.compile("|".join(f"(?:{c.pattern})" for _, c in sel), re.IGNORECASE) if sel else None
            )
            self._by_lang[lang or "*"] = (combined, sel)

    @classmethod
    def from_config(cls, cfg: BlacklistConfig) -> Blacklist:
        entries = default_entries() if cfg.defaults else []
        for path in cfg.files:  # a file named zh.txt / en.txt (or zh.*.txt) applies to that language only
            entries.extend(read_entries(Path(path), _file_language(Path(path))))
        drop = set(cfg.remove)
        cats = {r.split(":", 1)[1] for r in drop if r.startswith("category:")}
        entries = [e for e in entries if e.pattern not in drop and e.category not in cats]
        for extra in cfg.add:
            entries.append(BlacklistEntry(pattern=extra) if isinstance(extra, str) else extra)
        return cls(entries)

    def hits(self, text: str, language: str | None = None) -> list[Hit]:
        combined, sel = self._by_lang.get(language or "*", self._by_lang["*"])
        if combined is None or not combined.search(text):
            return []
        out = []
        for entry, rx in sel:
            m = rx.search(text)
            if m:
                out.append(Hit(entry.category, entry.pattern, m.group(0), m.start(), entry.source))
        return sorted(out, key=lambda h: h.start)


@functools.cache
def default_blacklist() -> Blacklist:
    return Blacklist(default_entries())


def assistant_tone_hits(
    text: str, language: str | None = None, blacklist: Blacklist | None = None
) -> list[Hit]:
    """Blacklisted phrases in `text` (assistant tone, hedging, preaching); [] when it is clean.

    language "zh" / "en" picks that list (plus language-neutral entries); None checks both.
    """
    return (blacklist or default_blacklist()).hits(text, language)
