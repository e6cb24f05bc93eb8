"""English second person: the generic "you" of advice, and the user's reaction told in a passive.

A generic "you" sets up an example to draw a rule from: "You open a shop and the first customer
haggles. Keep your prices firm." Its goal is indefinite (a shop, a room: any one, not the one in
front of us) and the reply goes on to advise in the imperative. A narration of the user moves
through a definite scene ("You push open the door") and, when it has an imperative beside it, the
goal of the user's action is still definite. Both marks together make the "you" generic.

The user's reaction may also be told as a passive of the character's doing ("You are won over by
my plea and consent to …"): a participle with its agent, then the user's next act chained on with
"and" and a bare verb — the user's decision written for them.

A thing's property stated first in the generic present ("The root tastes sour.") and then "you"
acting on that thing as a pronoun until an outcome ("You hold it under your tongue until …") is the
speaker telling how the thing is used, an instruction of the rite, not the user's turn narrated.

A frame in the present, "You say," right before a quotation, writes the user's words; and a turn
labelled with the speaker's own "Me:" between quotations makes the reply a script of two parties,
the other party's line written too.
"""

from __future__ import annotations

import re

_EN_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")
# Words that open a sentence without being a bare verb: pronouns, determiners, conjunctions,
# prepositions, auxiliaries, wh-words, adverbs of comment
_NOT_VERB_WORDS = """i you he she it we they me him her us them my your his its our their this that these those the a an
    some any no every each all both either neither there here what who whom whose which when where why how
    if unless though although because since while as so but and or nor yet then now well oh ah yes not very
    too also only even still is are was were be been am do does did have has had will would shall should can
    could may might must ought perhaps maybe sir madam mister miss mr mrs ms nobody everyone everybody nothing
    something someone anyone one two three first last in on at of for with from by to into over under after
    before about like good fine right okay ok"""
_NOT_IMPERATIVE = frozenset(_NOT_VERB_WORDS.split())
_FINITE_NEXT = re.compile(r"^(?:[a-z]+s|[a-z]+ed|is|are|was|were|has|had|will|would|can|could)$")
# The goal or object of the user's verb is indefinite: "walk into a room", "open a shop"
_INDEFINITE_GOAL = re.compile(r"^\s*(?:[a-z]+\s+)?(?:a|an|any|some)\s+\w", re.I)
# A participle with its agent, then the user's act chained on: "are persuaded by … and agree"
_PASSIVE_REACTION = re.compile(
    r"^\s*(?:you|ye|thou)\s+(?:are|were|art|wert)\s+(?:\w+ly\s+|quite\s+|utterly\s+)?[a-z]+(?:ed|en)\s+by\b"
    r"[^.!?;]*?\band\s+(?:at once\s+|then\s+|\w+ly\s+)?(?P<verb>[a-z]+)\b",
    re.I,
)
_CONDITION = re.compile(r"\b(if|when|whenever|unless|until)\b", re.I)
# "You say," / "You reply:" framing a quotation: the user's words written in the present
_SAY_FRAME = re.compile(
    r"^\s*(?:and\s+)?(?:you|ye|thou)\s+(?:\w+ly\s+)?(?:say|reply|answer|whisper|cry|shout|murmur|sayest)\s*[,:]\s*$",
    re.I,
)

# The speaker's own turn label between quotations: 'Guest: "…" Me: "…"'
_SELF_TURN = re.compile(r"^\s*(?:me|myself)\s*:\s*$", re.I)


def imperative(sentence: str) -> bool:
    """A sentence opened by a bare verb with no subject: advice or an order to the user."""
    words = re.findall(r"[A-Za-z'’]+", sentence)
    if len(words) < 2 or sentence.rstrip().endswith("?"):
        return False
    w, nxt = words[0].lower(), words[1].lower()
    if w in ("don't", "don’t", "never"):
        return True
    return (
        w not in _NOT_IMPERATIVE
        and not w.endswith(("s", "ed", "ing", "ly", "'s", "’s"))
        and not (
            _FINITE_NEXT.match(nxt) and nxt not in _NOT_IMPERATIVE
        )  # "Check its teeth", not "Dust falls"
        and not re.match(r"[A-Za-z]+\s*,", sentence.strip())  # "Harriet, …": a vocative
    )


def generic_you(text: str, rest: str) -> bool:
    """The "you" of an example: its goal indefinite (`rest`, the words after the verb) and advice in
    the imperative elsewhere in `text`."""
    if not _INDEFINITE_GOAL.match(rest):
        return False
    return any(imperative(s) for s in _EN_SENTENCE.findall(text) if not re.match(r"\s*you\b", s, re.I))


def passive_reaction(sentence: str, bare_verbs: frozenset[str]) -> bool:
    """ "You are moved by my words and consent …": the user's reaction in a passive, then an act."""
    m = _PASSIVE_REACTION.match(sentence)
    return bool(m) and m.group("verb").lower() in bare_verbs and not _CONDITION.search(sentence)


# The tag after a quotation in the present, the user as its speaker: '"…," you reply, grinning.'
_SAY_TAG = re.compile(
    r"^\s*(?:you|ye|thou)\s+(?:\w+ly\s+)?(?:say|reply|answer|whisper|cry|shout|murmur|ask|sayest)"
    r"(?:\s*[,.!;—]|\s*$)",
    re.I,
)


def say_frame(narration: str) -> bool:
    """A present frame of the user's words before a quotation ("You say, "…"), or its tag after one
    ('"…," you say, …'); "you say?" asks back about the words, a speaker's own."""
    if _SAY_FRAME.match(narration):
        return True
    return bool(_SAY_TAG.match(narration)) and not narration.rstrip().endswith("?")


def self_turn(narration: str) -> bool:
    """A narration piece that is only the speaker's own turn label ("Me:"): a script of two parties."""
    return bool(_SELF_TURN.match(narration))


# A thing's property in the generic present: a noun subject, a linking or sense verb, an adjective
_PROPERTY = re.compile(
    r"^\s*(?:the|a|an)\s+(?:[a-z-]+\s+)?[a-z-]+\s+(?:is|are|tastes|smells|feels|looks|sounds|burns|stings)\s+"
    r"(?:\w+ly\s+)?[a-z]+\s*[.;]?\s*$",
    re.I,
)
# "you" acting on that thing, a pronoun object, and the outcome it leads to
_USE_UNTIL = re.compile(r"^\s*you\s+(?:\w+ly\s+)?[a-z]+\s+(?:it|them)\b[^.!?;]*\b(?:until|till)\b", re.I)


def instruction_of_use(text: str, sentence: str) -> bool:
    """`sentence` of `text` takes up a thing whose property a sentence before it stated ("The root
    tastes sour. You hold it until …"): a rite explained, the "you" of anyone who performs it."""
    if not _USE_UNTIL.match(sentence):
        return False
    before = text.split(sentence.strip(), 1)[0]
    return any(_PROPERTY.match(x) for x in re.split(r"(?<=[.;])\s+", before) if x.strip())
