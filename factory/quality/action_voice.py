"""Stage directions told by a narrator: an action whose actor is a descriptive epithet.

An action in （…） / *…* is where a character line describes what the character does. Role-play
scripts leave its subject out ("（轻摇羽扇）", "*lights his pipe*"), say I ("*I close the book.*"), or
use the name or a pronoun as a script's stage direction does ("*Beethoven looks at the score*",
"(She sighs.)"). An action whose actor is a descriptive epithet — a person noun with its
description in place of a name ("（长老合掌低眉）", "*the old sailor spits*") — is a narrator's
prose: no one describes themselves that way. An action with a first person in it ("（老者递给我一封
信）") has someone else as its actor and stays.
"""

from __future__ import annotations

import re

from factory.quality import zh
from factory.quality.epithet import ZH_HEAD, epithet_subject

_ZH_FIRST = re.compile(r"[我咱俺朕吾]|本人|在下|老夫|本宫|洒家|贫僧|妾身|老身|小生|奴家|本座|为师")
_EN_FIRST = re.compile(r"\b(I|I'm|I've|I'll|I'd|(?i:me|my|mine|myself|we|us|our))\b")
# A bare person noun as the actor, no demonstrative: "（长老合掌低眉）", "（老者捋须）"
_ZH_BARE_HEAD = re.compile(rf"^\s*(?:这|那)?(?:位|个)?({ZH_HEAD})")
# After the actor of a stage direction comes its predicate, whatever jieba makes of it (合掌 n):
# only a particle, pronoun, numeral, measure or another name says the actor was no subject
_ZH_NOT_PREDICATE = ("u", "y", "e", "r", "m", "q", "x", "nr", "ns")


def epithet_action(
    text: str, names: frozenset[str], is_zh: bool, titles: frozenset[str] = frozenset()
) -> str | None:
    """The epithet that is the actor of action `text`, or None.

    `titles` are the character's names that are a rank or job it holds (舰长, see zh.is_title): as
    the actor they are a person noun like any epithet (（舰长凝视着远方） is told from outside),
    where the name itself is a script's convention."""
    t = text.strip()
    if not t or (_ZH_FIRST if is_zh else _EN_FIRST).search(t):
        return None
    if is_zh:
        for n in sorted(titles, key=len, reverse=True):
            head = re.match(rf"^\s*(?:这|那)?(?:位|个)?{re.escape(n)}", t)
            if head and _verb_follows(t[head.end() :]):
                return head.group(0)
        return _zh_actor(t, names)
    return epithet_subject(t, False)


def _zh_actor(t: str, names: frozenset[str]) -> str | None:
    m = _ZH_BARE_HEAD.match(t)
    if m and not any(t[m.start(1) :].startswith(n) for n in names) and _verb_follows(t[m.end() :]):
        return m.group(0)
    return epithet_subject(t, True)


def _verb_follows(rest: str) -> bool:
    """The next word (past adverbs and the 一 of 一拍) opens a predicate: the actor is its subject."""
    for w in zh.words(rest):
        if not w.text.strip():
            continue
        if w.tag.startswith("d") or w.text == "一":
            continue
        return not w.tag.startswith(_ZH_NOT_PREDICATE)
    return False
