"""Addressing someone in the scene, and words attributed to someone else: anchors a help desk lacks.

A service talks to its user and speaks in its own voice. A character may use the same words
("Great question", "I cannot help you", "Let me know if you need anything") and still be in a
scene, which these two shapes show:

- a vocative: a listener named or addressed by a term of address, set off by commas right after
  the phrase or inside its clause ("Great question, buddy!", "I cannot help you, sir, if …",
  "Excellent, friend John!"), or closing the phrase's own clause after its object ("Let me know if you
  need a lantern, Mr. Aldous"). A service has no such listener to name.
- a reporting frame: the phrase is someone else's words, the clause ends on who says them
  ("…, as the judges like to say", "…, they say in the books", "…, says the fixer"). The speaker
  quotes the phrase, usually to mock it, instead of saying it; "…, or so the pamphlets insist" and a
  next clause "…; that's what they print on the posters" hand it to its source the same way.

    vocative_after("Great question, buddy! And …", 14)  -> True
    reported("Reasonable people may differ, as the judges like to say.", 0)  -> True
"""

from __future__ import annotations

import re

# Terms of address: kin, endearment, rank, trade and comradeship words a speaker calls a listener by
_TERMS = (
    r"sir|sirs|madam|madame|ma'am|miss|mister|missus|m'lud|m'lady|milord|milady|my (?:lord|lady|liege|dear|boy"
    r"|girl|lad|friend|friends|love|child|son|daughter|good (?:man|sir|woman)|darling|sweet|king|queen|pet|dove|duck|lamb"
    r"|poppet|precious|treasure|chick|pretty|sweeting|beloved)"
    r"|your (?:honou?r|majesty|highness|grace|lordship|ladyship|excellency|worship)"
    r"|lads|lasses|mates|fellows|kids|guys|buddy|pal|mate|matey|chum|kid|kiddo|lad|lass|laddie|lassie|boy|girl|boys|girls|son|child|children|dear"
    r"|dearie|darling|honey|hon|sweetheart|sweetie|love|angel|babe|baby|friend|friends|partner|pardner|comrade"
    r"|brother|sister|cousin|uncle|auntie|granny|grandpa|mother|father|ma|pa|mum|mom|dad|old (?:man|boy|girl"
    r"|sport|chap|friend|bean|fellow)|dude|man|gents|gentlemen|ladies|folks|y'all|captain|cap'n|doctor|doc"
    r"|professor|detective|inspector|officer|sergeant|general|colonel|governor|guv|guv'nor|boss|chief|master"
    r"|mistress|stranger|traveller|traveler|young (?:man|lady|one)|little (?:one|man|girl|boy)"
)
# A name: one or two capitalised words (not I), optionally after a term ("friend John", "Sir Henry")
_NAME = r"(?!I\b)[A-Z][a-z'’]+(?:\s+(?!I\b)[A-Z][a-z'’]+)?"
_ADDRESS = rf"(?:(?i:{_TERMS})(?:\s+{_NAME})?|{_NAME})"
# Set off by a comma and closed by punctuation: ", buddy!", ", sir, if", ", friend John!"
_VOCATIVE = re.compile(rf",\s*{_ADDRESS}\s*(?=[,.!?;:—–]|\s+-|$)")
# Up to this many characters of the phrase's own clause may stand between it and the vocative
# ("I cannot help you, sir": the object "you" comes first)
_GAP = 12
# When nothing but the clause's own words stand between (no comma), its whole object may come first
# ("Let me know if you need a lantern for the crossing, Mr. Aldous")
_CLAUSE_GAP = 40

# Verbs of saying, in the frame that closes a quoted clause
_SAY = (
    r"say|says|said|saying|like to say|love to say|used to say|always say|would say|tell (?:you|me|us)|tells (?:you|me|us)"
    r"|told (?:you|me|us)|put it|puts it|write|writes|wrote|claim|claims|preach|preaches|insist|insists|swear|swears"
    r"|print|prints|printed|teach|teaches|taught"
)
# Who says it: a noun phrase or a third person, never the speaker (I, we) nor the listener
_SAYER = (
    r"(?:the|my|his|her|their|our|your|some|every|all the|those|these)\s+(?:[\w'-]+\s+){0,2}?[\w'-]+"
    r"|(?-i:(?!I\b)[A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)?)|they|he|she|people|folks|everyone|everybody"
)
_REPORT = re.compile(
    rf",\s*(?:as\s+|or so\s+)?(?:{_SAYER})\s+(?:(?:always|often|still|all|so|like to|love to|used to)\s+)?(?:{_SAY})\b"
    r"|,\s*(?:says|said|say)\s+(?:" + _SAYER + r")\b"
    # the next clause hands the words to their source: "…; that's what they print on the posters"
    rf"|[;,:—–]\s*(?:or\s+)?(?:at least\s+)?that(?:'?s| is) what\s+(?:{_SAYER})\s+(?:(?:always|all|still|like to|love to|used to)\s+)?(?:{_SAY})\b",
    re.I,
)
# "as they say" alone is an idiom of the speaker's own; a frame with a place or a source is a quote
_IDIOM = re.compile(r",\s*as\s+(?:they|people|everyone)\s+say\s*[.!,;]", re.I)
# Or a frame set before it: "There are those who believe …", "You'll meet men who say …"
_PREPOSED = re.compile(
    r"\b(?:there are|there're|i know|i've met|you'll (?:find|meet)|you hear) (?:those|people|folks?|men|women|some)"
    r" who (?:believe|say|think|claim|insist|hold|argue|would (?:say|have it))\b",
    re.I,
)
_CLAUSE_END = re.compile(r"[.!?;\n]")


def vocative_after(text: str, end: int, gap: int = _GAP, clause: bool = False) -> bool:
    """A listener addressed right after the phrase ending at `end`, within `gap` characters of its clause;
    with `clause`, up to _CLAUSE_GAP when nothing but the clause's own words stand between
    ("Let me know if you have any questions, Mrs. Reyes": the vocative closes the phrase's clause)."""
    m = _VOCATIVE.search(text, end)
    if not m:
        return False
    between = text[end : m.start()]
    if _CLAUSE_END.search(between):
        return False
    return len(between) <= gap or (
        clause and len(between) <= _CLAUSE_GAP and not re.search(r"[,:;—–(]", between)
    )


def vocative_in(sentence: str) -> bool:
    """A listener addressed somewhere in `sentence` (", Watson.", ", my dear,")."""
    return bool(_VOCATIVE.search(sentence))


def reported(text: str, start: int) -> bool:
    """The sentence holding `start` is someone else's words: it carries a reporting frame after the phrase."""
    s0 = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, start) for c in ".!?\n") if i != -1]
    sentence = text[s0 : min(ends) + 1 if ends else len(text)]
    pre = _PREPOSED.search(sentence)
    # "… those who believe X, and others who believe Y" surveys the views: a hedge, not a quote
    if pre and pre.start() <= start - s0 + 1 and not re.search(r"\bothers\b", sentence, re.I):
        return True
    m = _REPORT.search(sentence, start - s0)
    return bool(m) and not _IDIOM.match(sentence, m.start())


def addressed_or_quoted(text: str, start: int, end: int, language: str, refusal: bool = False) -> bool:
    """The phrase at text[start:end] is said to someone in the scene, or quoted from someone else.

    A refusal counts as addressed only when the listener is its object ("I cannot help you, sir"):
    "I can't help with that, Captain" still declines the request, whoever the user plays."""
    if language != "en":
        return False
    if refusal and re.match(r"\s*you\s*[.!;]", text[end:]):
        # "Sorry, mister, I can't help you.": the listener, named before, is the whole object
        s0 = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
        if vocative_in(text[s0:start]):
            return True
    if refusal and not re.match(r"\s*(?:you\b)?\s*,", text[end:]):
        return reported(text, start)
    return vocative_after(text, end, clause=not refusal) or reported(text, start)
