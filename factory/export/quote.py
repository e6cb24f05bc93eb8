"""Export rows in EGOS quote style (defined in factory/quote_style.py): one row per training
reply, its history folded into one user prompt of quoted lines, other speakers under their names.
"""

from __future__ import annotations

from factory.export.convert import Dialogue, PairDialogue, Part, Turn
from factory.quote_style import ME, OPENER, STOP, clean, lang_key, line, reply_prefix

__all__ = ["ME", "STOP", "clean", "fold", "fold_pair", "fold_prompt", "line", "reply_prefix", "unquote"]


def history_lines(turns: list[Turn], character: str, language: str) -> list[str]:
    me = ME[lang_key(language)]
    lines: list[str] = []
    for t in turns:
        if t.opener:
            continue
        if t.role == "assistant":
            lines.append(line(character, " ".join(p.text for p in t.parts)))
        else:
            lines.extend(line(p.speaker or me, p.text) for p in t.parts)
    return lines


def _prompt(turns: list[Turn], character: str, language: str) -> str:
    lines = history_lines(turns, character, language)
    return "\n".join(lines) if lines else OPENER[lang_key(language)]


def fold(d: Dialogue) -> list[Dialogue]:
    """One single-turn dialogue per training reply, its history folded into the prompt."""
    out = []
    for k, t in enumerate(d.turns):
        if t.role != "assistant" or not t.train:
            continue
        user = Turn("user", [Part(None, _prompt(d.turns[:k], d.character, d.language))])
        reply = Turn(
            "assistant", [Part(None, line(d.character, " ".join(p.text for p in t.parts)))], train=True
        )
        out.append(
            Dialogue(
                id=f"{d.id}#{k}",
                type=d.type,
                character=d.character,
                language=d.language,
                system=d.system,
                turns=[user, reply],
                labels=d.labels,
            )
        )
    return out


def fold_prompt(d: Dialogue) -> Dialogue:
    """A prompt dialogue (ending on the user side) as the single folded user turn."""
    user = Turn("user", [Part(None, _prompt(d.turns, d.character, d.language))])
    return Dialogue(
        id=d.id,
        type=d.type,
        character=d.character,
        language=d.language,
        system=d.system,
        turns=[user],
        labels=d.labels,
    )


def fold_pair(p: PairDialogue) -> PairDialogue:
    prompt = fold_prompt(p.prompt)
    return PairDialogue(
        prompt, line(prompt.character, p.chosen), line(prompt.character, p.rejected), p.rejected_kind, p.id
    )


def unquote(text: str, name: str) -> str:
    """A quote-style reply back to the bare line: drop `<Name>: "` and cut at the closing quote."""
    body = text.strip()
    for label in (f"{name}:", f"{name}："):
        if body.startswith(label):
            body = body[len(label) :].lstrip()
    if body.startswith('"'):
        body = body[1:]
        body = body.split(STOP, 1)[0]
    return body.strip()
