"""A role framed by its casting description, not by its name: "As a Jane Austen-style governess, I
believe …", "Speaking as a deep-sea submarine captain, I'd tell you …".

A character speaking from inside its life names its office in plain words ("As a lawyer, I'm obliged
to defend him", "Speaking as a medical man, I'd say he died of fright"). The description a writer casts
a character with reads differently: a style label ("Austen-style", "noir-esque", "a typical"), a period
seen from outside it ("a 1920s flapper", "an 18th-century highwayman" — nobody dates themself so), or
a stacked classifier chain with a noun compound ("a deep-sea submarine captain", "a Wild West snake-oil
salesman"), or a character sheet's entry, an adjective and a noun compound described by a phrase or a
clause ("a tired diner cook on the graveyard shift", "a cynical war correspondent who has seen too
much"). Framed with "as" before the speaker's opinion, it announces the role being played.
"""

from __future__ import annotations

import re

# "as" (or a verb of speaking as) at the start of the reply or of a sentence, or "in the role of"
_FRAME = re.compile(
    r"(?:^|[.!?]\s+|[—–:]\s*)[\W_]*(?:(?:speaking|talking|writing|answering|replying) as|as|in the (?:role|voice|guise|shoes) of)"
    r"\s+(?:a|an|your)\s+(?P<np>[\w'’-]+(?:\s+[\w'’-]+){0,7}?)\s*,\s*"
    r"I(?:\s+(?:believe|think|feel|suppose|reckon|maintain|would say|would tell you|would answer|would argue|must say|have to say|can tell you)"
    r"|['’]d\s+(?:say|tell you|answer|argue|have to say))\b",
    re.I,
)
_STYLE = re.compile(
    r"[\w'’]+-(?:style|esque|like|type|themed|inspired|era)\b|\b(?:stereotypical|typical|classic|quintessential"
    r"|fictional|archetypal|generic|stock)\b",
    re.I,
)
_PERIOD = re.compile(
    r"\b(?:1\d|20)?\d0s\b|['’]\d0s\b|\b\d{1,2}(?:st|nd|rd|th)[- ]century\b"
    r"|\b(?:fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth)[- ]century\b"
    # an era named by its historians' adjective, seen from outside it ("a medieval monk", "a WWI nurse")
    r"|\b(?:medieval|mediaeval|prehistoric|victorian|elizabethan|edwardian|jacobean|ww[12i]+)\b",
    re.I,
)
# words of a noun phrase that make it a clause or a post-modified office ("a captain in the Navy")
_NOT_PREMODIFIED = re.compile(r"\b(?:of|in|at|from|with|who|that|on|for|to|and|or|by)\b", re.I)
# compound parts that make an evaluative or an age adjective ("hard-working", "forty-year-old")
_ADJ_PART = re.compile(r"(?:ing|ed|ly)$|^(?:old|year|years|time|born|made|class|day|week|month)$", re.I)


def _classifier_chain(np: str) -> bool:
    """Two or more words before the head, one a noun compound ("deep-sea submarine captain")."""
    words = np.split()
    if len(words) < 3 or _NOT_PREMODIFIED.search(np):
        return False
    return any(
        "-" in w and not any(_ADJ_PART.search(p) or p.isdigit() for p in w.split("-")) for w in words[:-1]
    )


# An adjective by its shape (the -ed of a state, -y / -ic / -al / -ful / -ous / -ive / -less, "old")
_ADJ_SHAPE = re.compile(r"[a-z]{3,}(?:ed|y|ic|al|ful|ous|ive|less)|old|young", re.I)
_POSTMOD = re.compile(r"\b(?:on|in|at|from|with|who|that|whose)\b", re.I)


def _sheet_entry(np: str) -> bool:
    """A character sheet's entry: an adjective, a noun compound of two words at least, then a phrase or
    a clause that places or describes it ("a tired diner cook on the graveyard shift", "a cynical war
    correspondent who has seen too much"); an office named in speech is bare ("a medical man")."""
    words = np.split()
    m = _POSTMOD.search(np)
    if len(words) < 5 or not m or not _ADJ_SHAPE.fullmatch(words[0]):
        return False
    return len(np[: m.start()].split()) >= 3


def described_role(text: str) -> str | None:
    """The framing span when `text` (English) frames its role by a casting description, else None."""
    for m in _FRAME.finditer(text):
        np = m.group("np")
        if _STYLE.search(np) or _PERIOD.search(np) or _classifier_chain(np) or _sheet_entry(np):
            return m.group(0).lstrip(" .!?—–:")
    return None
