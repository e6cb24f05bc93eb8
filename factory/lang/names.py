"""Who the character is by name: one answer for the stages, the gate, eval and export."""

from __future__ import annotations

import re

from factory.lang.scripts import HAN_RE

PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "of", "the", "bin", "ibn", "al"}

# Chinese self-terms: a closed class of words a speaker calls itself by (rank, age, calling, modesty).
# They are the first person wherever they stand, so a user who lists one among a character's aliases
# (本座 of a sect master) has not given a name: a line in it is the character speaking, not about it.
ZH_SELF_TERMS = frozenset(
    {
        "本座", "本宫", "朕", "孤", "寡人", "老夫", "在下", "贫僧", "贫道", "洒家", "哀家", "本王", "本官",
        "本人", "本帅", "本将军", "本姑娘", "本小姐", "本少爷", "本公子", "本大爷", "本尊", "本君", "本侯",
        "本府", "本县", "末将", "卑职", "下官", "微臣", "臣妾", "妾身", "老身", "老朽", "小生", "小女子",
        "奴家", "老衲", "贫尼", "鄙人", "晚生", "为师", "愚兄", "俺", "咱", "吾",
    }
)  # fmt: skip


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
    longest first: how a line can refer to the character (the gate's self-name check, eval); a
    Chinese self-term among the aliases (本座) is left out there, as it is the first person.
    """
    names = [n.strip() for n in (name, *(aliases or ()))]
    if mentions:
        # a self-term listed as an alias is how the character says "I", never a mention of it by name
        names = [n for n in names if n not in ZH_SELF_TERMS]
        names += [p for n in names for p in _name_parts(n)]
        return sorted((n for n in dict.fromkeys(names) if n), key=len, reverse=True)
    parts = name.split()
    if len(parts) > 1 and len(parts[-1]) > 2:
        names.append(parts[-1])
    return [n for n in dict.fromkeys(names) if n]


def name_variants(character: str, aliases: tuple[str, ...] | list[str] = ()) -> list[str]:
    """`character_names(..., mentions=True)`, by the gate's name for it."""
    return character_names(character, aliases, mentions=True)
