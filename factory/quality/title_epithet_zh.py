"""Chinese: the character told of by an epithet built on its own title.

A name such as 洪武皇帝 or 陆舰长 ends in a common noun of the general dictionary (皇帝, 舰长: see
`zh.dictionary_tag`), the title the character holds. A line that opens on a demonstrative, a
description and that title noun (这位开国皇帝…, 那位年轻舰长…) and goes on with a predicate, with no
first or second person anywhere, describes the character from outside under its title: an
encyclopedia's or a narrator's third person. The closed list of epithet heads (epithet.py) cannot
know the titles of every character; the character's own names supply them.
"""

from __future__ import annotations

import re

from factory.quality import zh

_SPEAKER = re.compile(r"[我你您咱俺朕吾]|本人|在下|老夫|本宫|洒家|贫僧|妾身|老身|小生|奴家|本座|为师|[？?]")
_NOT_PREDICATE = ("u", "y", "e", "x", "m", "q", "r")


def title_heads(names: frozenset[str], character: str) -> frozenset[str]:
    """The title nouns of the character's names: a two- or three-character ending of a name that the
    general dictionary knows as a common noun (皇帝 of 洪武皇帝), never a part of the own name."""
    heads = set()
    for n in names:
        for k in (2, 3):
            h = n[-k:]
            if len(n) > k and h not in character and zh.dictionary_tag(h) == "n":
                heads.add(h)
        if zh.is_title(n) and n not in character:
            heads.add(n)
    return frozenset(heads)


def title_epithet(text: str, names: frozenset[str], character: str) -> str | None:
    """The epithet (这位开国皇帝) when `text` opens on one built on the character's title, else None."""
    heads = title_heads(names, character)
    if not heads or _SPEAKER.search(text):
        return None
    alt = "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))
    m = re.match(rf"^\s*(?:这|那)(?:位|个)([^\s，,。！？!?、“”]{{1,6}}?)({alt})", text)
    if not m or any(w.tag.startswith("nr") for w in zh.words(m.group(1))):
        return None  # 那位陆舰长: the name itself, not a description
    after = [w for w in zh.words(text[m.end() :]) if w.text.strip()]
    pred = next((w for w in after if not w.tag.startswith("d")), None)
    return m.group(0).strip() if pred is not None and not pred.tag.startswith(_NOT_PREDICATE) else None
