"""How a turn's mode is written inside one message's text, per language (one convention each).

    en   speech: plain text      action: *bows*        thought: (thinking: ...)
    zh   speech: 「……」           action: （起身）        thought: （心想：……）

Samples keep actions and thoughts in the assistant text with this markup, so the gate, the judge
and exporters read them back with `split_markup`. Narration is never inline: it is its own
message (name "narrator") or part of the system prompt.
"""

from __future__ import annotations

import re

from factory.lang import is_zh, lang_key
from factory.records import Mode

_MARKS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {"speech": ("", ""), "action": ("*", "*"), "thought": ("(thinking: ", ")"), "narration": ("", "")},
    "zh": {
        "speech": ("「", "」"),
        "action": ("（", "）"),
        "thought": ("（心想：", "）"),
        "narration": ("", ""),
    },
}

# what models wrap text in on their own; stripped before we add ours
_WRAPPERS = [
    ("「", "」"),
    ("『", "』"),
    ("“", "”"),
    ('"', '"'),
    ("*", "*"),
    ("（", "）"),
    ("(", ")"),
    ("[", "]"),
    ("【", "】"),
    ("_", "_"),
]
_THOUGHT_PREFIX = re.compile(
    r"^\s*(?:thinking|thought|thinks|inner thoughts?|心想|内心|心里想|暗想)\s*[:：]\s*", re.I
)
_INLINE = re.compile(r"\*([^*\n]+)\*|（([^（）\n]+)）|\(([^()\n]+)\)")


def strip_wrappers(text: str) -> str:
    """`"Hello"` -> `Hello`, `（起身）` -> `起身`, `(thinking: x)` -> `x`; inner text is left alone."""
    text = text.strip()
    for _ in range(3):
        changed = False
        for a, b in _WRAPPERS:
            inner = text[len(a) : len(text) - len(b)]
            if (
                len(text) > len(a) + len(b)
                and text.startswith(a)
                and text.endswith(b)
                and a not in inner
                and b not in inner
            ):
                text, changed = inner.strip(), True
        stripped = _THOUGHT_PREFIX.sub("", text)
        if stripped != text:
            text, changed = stripped.strip(), True
        if not changed:
            break
    return text


def render(mode: Mode, text: str, language: str) -> str:
    """A turn's text with the language's markup for its mode."""
    a, b = _MARKS[lang_key(language)][mode]
    return f"{a}{strip_wrappers(text)}{b}"


def split_inline(text: str, language: str) -> list[tuple[Mode, str]]:
    """A speech turn in which the model put gestures/thoughts inline: split it into parts.

    `*bows* Good evening.` -> [("action", "bows"), ("speech", "Good evening.")]. Only bracketed
    segments are taken out; the rest stays speech.
    """
    parts: list[tuple[Mode, str]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        if m.group(3) is not None and not _THOUGHT_PREFIX.match(inner):
            continue  # plain parentheses in English speech stay speech unless they mark a thought
        before = text[pos : m.start()].strip()
        if before:
            parts.append(("speech", before))
        mode: Mode = "thought" if _THOUGHT_PREFIX.match(inner) else "action"
        parts.append((mode, _THOUGHT_PREFIX.sub("", inner).strip()))
        pos = m.end()
    rest = text[pos:].strip()
    if rest:
        parts.append(("speech", rest))
    return [(mode, strip_wrappers(t)) for mode, t in parts if strip_wrappers(t)]


# Per language: the marked spans, and the mode of each capture group in order (text outside
# every span is speech).
_MARKED: dict[str, tuple[re.Pattern[str], tuple[Mode, ...]]] = {
    "zh": (re.compile(r"（心想：([^）]*)）|（([^）]*)）|「([^」]*)」"), ("thought", "action", "speech")),
    "en": (re.compile(r"\(thinking: ([^)]*)\)|\*([^*]+)\*"), ("thought", "action")),
}


def split_markup(text: str, language: str) -> list[tuple[Mode, str]]:
    """Read a rendered message back into (mode, text) parts; the inverse of `render` per part."""
    pattern, modes = _MARKED[lang_key(language)]
    parts: list[tuple[Mode, str]] = []
    pos = 0
    for m in pattern.finditer(text):
        parts.append(("speech", text[pos : m.start()].strip()))
        k = next(g for g in range(len(modes)) if m.group(g + 1) is not None)
        parts.append((modes[k], m.group(k + 1).strip()))
        pos = m.end()
    parts.append(("speech", text[pos:].strip()))
    return [p for p in parts if p[1]]


def convention(language: str) -> str:
    """One line that explains the markup, for system prompts and the judge."""
    if is_zh(language):
        return "说出的话写在「」里，动作写在（）里，内心想法写成（心想：……）。"
    return "Spoken words are plain text, actions go between asterisks (*bows*), thoughts are written (thinking: ...)."
