"""Stage directions in the third person: an action that names its own actor from outside.

An action in （…） / *…* is where a character line describes what the character does. Role-play
scripts leave its subject out ("（轻摇羽扇）", "*lights his pipe*"), say I ("*I close the book.*") or
use the name as a speaker tag would ("*Beethoven looks at the score*"). An action whose subject is
他 / 她 / he / she or a descriptive epithet ("（长老合掌）", "*the old sailor spits*") is the narrator's
prose inside the line. An action with a first person in it ("（他递给我一封信）", "*she slaps me*") has
someone else as its actor and stays.
"""

from __future__ import annotations

import re

from factory.quality import zh
from factory.quality.epithet import EN_IRREGULAR, ZH_HEAD, epithet_subject

_ZH_FIRST = re.compile(r"[我咱俺朕吾]|本人|在下|老夫|本宫|洒家|贫僧|妾身|老身|小生|奴家|本座|为师")
_EN_FIRST = re.compile(r"\b(I|I'm|I've|I'll|I'd|(?i:me|my|mine|myself|we|us|our))\b")
_ZH_PRONOUN = ("他", "她")
_EN_PRONOUN = re.compile(rf"^\W*(he|she)\s+(?:\w+ly\s+)?(?:{EN_IRREGULAR}|[a-z]+ed|[a-z]*[^su'\W]s)\b", re.I)
# A bare person noun as the actor, no demonstrative: "（长老合掌低眉）", "（老者捋须）"
_ZH_BARE_HEAD = re.compile(rf"^\s*(?:这|那)?(?:位|个)?({ZH_HEAD})")
# After the actor of a stage direction comes its predicate, whatever jieba makes of it (合掌 n):
# only a particle, pronoun, numeral, measure or another name says the actor was no subject
_ZH_NOT_PREDICATE = ("u", "y", "e", "r", "m", "q", "x", "nr", "ns")


def third_person_action(text: str, names: frozenset[str], is_zh: bool) -> str | None:
    """The actor of action `text` when it is the character seen from outside, or None."""
    t = text.strip()
    if not t or (_ZH_FIRST if is_zh else _EN_FIRST).search(t):
        return None
    if is_zh:
        return _zh_actor(t, names)
    m = _EN_PRONOUN.match(t)
    return m.group(0) if m else epithet_subject(t, False)


def _zh_actor(t: str, names: frozenset[str]) -> str | None:
    if t.startswith(_ZH_PRONOUN) and _verb_follows(t[1:]):
        return t[:1]
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
