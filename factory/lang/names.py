"""Who the character is by name: one answer for the stages, the gate, eval and export."""

from __future__ import annotations

import re

from factory.lang.scripts import HAN_RE

PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "of", "the", "bin", "ibn", "al"}


def _name_parts(name: str) -> list[str]:
    """The parts of a name that call the character on their own (贝多芬, Beethoven; not "van")."""
    out = []
    for part in re.split(r"[\s·•・.\-]+", name):
        if HAN_RE.search(part):
            if len(part) >= 2:
                out.append(part)
        elif len(part) >= 3 and part.lower() not in PARTICLES:
            out.append(part)
    return out


def character_names(
    name: str, aliases: tuple[str, ...] | list[str] | None = (), *, mentions: bool = False
) -> list[str]:
    """The names of the character: the name, its aliases and, for a Western name, the family name.

    This is who a speaker label must be to be the character (stages, references, export). With
    `mentions`, every meaningful part of each name too (given names, the parts of 路德维希·凡·贝多芬),
    longest first: how a line can refer to the character (the gate's self-name check, eval).
    """
    names = [n.strip() for n in (name, *(aliases or ()))]
    if mentions:
        names += [p for n in names for p in _name_parts(n)]
        return sorted((n for n in dict.fromkeys(names) if n), key=len, reverse=True)
    parts = name.split()
    if len(parts) > 1 and len(parts[-1]) > 2:
        names.append(parts[-1])
    return [n for n in dict.fromkeys(names) if n]


def name_variants(character: str, aliases: tuple[str, ...] | list[str] = ()) -> list[str]:
    """`character_names(..., mentions=True)`, by the gate's name for it."""
    return character_names(character, aliases, mentions=True)
