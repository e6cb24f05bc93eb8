"""EGOS quote style: the one definition that export (training rows) and chat (the runtime) share.

    system:    the persona card (+ scene summary, + remembered passages)
    user:      Me: "Are you tired?"\\nKarl: "He has not slept."
    assistant: Ludwig van Beethoven: "Tired? The music does not let me sleep."

The whole history is folded into ONE user prompt of quoted lines; the reply is one quoted line,
so the runtime prefills `<Name>: "` and stops at the closing quote. Double quotes inside a line
become typographic quotes, so the first `"` the model writes closes its line. It lives outside
both packages so that the runtime needs nothing from export and the two cannot drift apart.
"""

from __future__ import annotations

import re

from factory.lang import WORDS, lang_key

ME = WORDS["me"]
OPENER = {"en": "(The scene begins.)", "zh": "（场景开始。）"}
STOP = '"'


def clean(text: str) -> str:
    """One line, no ASCII double quote inside (alternating “ ” instead)."""
    out, opening = [], True
    for ch in " ".join(text.split()):
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def line(label: str, text: str) -> str:
    return f'{label}: "{clean(text)}"'


def reply_prefix(name: str) -> str:
    """What the runtime prefills before the model writes; generation stops at STOP."""
    return f'{name}: "'


def fold(history: list[tuple[str, str]], character: str, language: str) -> str:
    """(role, text) turns -> the single user prompt; the character's turns carry its name."""
    me = ME[lang_key(language)]
    lines = [line(character if role == "assistant" else me, text) for role, text in history]
    return "\n".join(lines) if lines else OPENER[lang_key(language)]


def _strip_label(text: str, names: tuple[str, ...]) -> tuple[str, bool]:
    for name in names:
        m = re.match(rf"\s*{re.escape(name)}\s*[:：]\s*[\"“]?", text)
        if m:
            return text[m.end() :], True
    return text, False


def cut_reply(text: str, character: str, language: str = "en") -> str | None:
    """The character's line from a reply, or None when only an echoed `<Name>: ` came back.

    Servers that ignore the prefill make the model write `<Name>: "` itself, and a server that
    honours `stop` then returns just `<Name>: `; None tells the caller to ask again without them.
    Servers that ignore `stop` run on past the line: cut at the first unescaped closing quote,
    or where the next speaker's line starts.
    """
    body, echoed = _strip_label(text, (character,))
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body) and body[i + 1] == '"':
            out.append('"')
            i += 2
            continue
        if ch == '"':
            break
        out.append(ch)
        i += 1
    reply = "".join(out)
    nxt = re.search(rf"\n\s*(?:{re.escape(ME[lang_key(language)])}|{re.escape(character)})\s*[:：]", reply)
    if nxt:
        reply = reply[: nxt.start()]
    reply = reply.strip()
    if not reply and echoed:
        return None
    return reply
