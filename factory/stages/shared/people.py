"""Who is speaking: map what models write as a speaker onto the target character or a participant.
(The names the character goes by are factory.lang.character_names.)

Models write "Beethoven", "Ludwig (thinking)", "苏东坡（心想）", "Character" or "旁白"; the
records want one canonical name per person and the mode separated out.
"""

from __future__ import annotations

import re

from factory.records import Mode

NARRATOR = "narrator"
_NARRATOR_NAMES = {
    "narrator",
    "narration",
    "narrative",
    "scene",
    "stage",
    "stage direction",
    "stage directions",
    "description",
    "background",
    "setting",
    "旁白",
    "叙述",
    "叙述者",
    "场景",
    "舞台说明",
    "描写",
    "背景",
}
_PLACEHOLDERS = {
    "character",
    "the character",
    "target",
    "main character",
    "protagonist",
    "you",
    "me",
    "i",
    "主角",
    "人物",
    "我",
    "你",
}
_HINT = re.compile(r"\s*[(（\[【]\s*([^)）\]】]*)\s*[)）\]】]\s*$")
_HINT_MODES: dict[str, Mode] = {}
for _w in ("thinking", "thought", "thinks", "inner", "inner voice", "心想", "内心", "想", "思考", "内心独白"):
    _HINT_MODES[_w] = "thought"
for _w in ("speaking", "speech", "says", "said", "说", "说道", "道", "对白"):
    _HINT_MODES[_w] = "speech"
for _w in ("action", "acting", "gesture", "does", "动作", "行动"):
    _HINT_MODES[_w] = "action"
for _w in ("narration", "narrating", "旁白", "叙述"):
    _HINT_MODES[_w] = "narration"


def _norm(s: str) -> str:
    return re.sub(r"[\s·・._\-]+", " ", s).strip().lower()


def is_character(speaker: str, names: list[str]) -> bool:
    """Exact (normalised) match with a name or alias; "Karl van Beethoven" is not "Beethoven"."""
    s = _norm(_HINT.sub("", speaker))
    if not s:
        return False
    if s in _PLACEHOLDERS or s.strip("{}") in _PLACEHOLDERS:
        return True
    return s in {_norm(n) for n in names}


def split_speaker(raw: str) -> tuple[str, Mode | None]:
    """`"Beethoven (thinking)"` -> ("Beethoven", "thought"); unknown hints stay part of the name."""
    raw = raw.strip().strip(":：").strip()
    m = _HINT.search(raw)
    if m:
        hint = m.group(1).strip().lower()
        if hint in _HINT_MODES:
            return raw[: m.start()].strip(), _HINT_MODES[hint]
    return raw, None


def canonical(raw: str, character: str, names: list[str], participants: list[str]) -> tuple[str, Mode | None]:
    """(speaker, mode hint): the target's canonical name, "narrator", a participant's listed name, or as written."""
    speaker, hint = split_speaker(raw)
    if _norm(speaker) in _NARRATOR_NAMES or (not speaker and hint == "narration"):
        return NARRATOR, "narration"
    if is_character(speaker, names):
        return character, hint
    s = _norm(speaker)
    for p in participants:
        if is_character(p, names):
            continue
        pn = _norm(p)
        if s == pn or (
            len(s) > 1
            and (
                pn.startswith(s + " ")
                or pn.endswith(" " + s)
                or (not s.isascii() and (pn.startswith(s) or s.startswith(pn)))
            )
        ):
            return p, hint
    return speaker, hint
