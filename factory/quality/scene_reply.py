"""The scene's own answer to a listed phrase: a refusal of a thing of the story, a question answered.

The blacklist and factory/quality/exchange.py find the help desk's words; a character may say them
too, and what follows shows which it is:

- a refusal whose object is a thing of the scene with its determiner ("I must decline your
  invitation to Simla", "the duel") or an idiom of "help" ("I cannot help it / laughing"), not a
  request, a topic or content;
- thanks or praise for the question opening the reply, then an answer from the speaker's own life
  with no service in it ("Thanks for asking! Nobody ever asks how I do it."; a speaker's own side in the
  plural: "we're", "our"), or the thanks turned
  against the asker ("Thanks for asking, but …"). A service follows its opener with the service.
"""

from __future__ import annotations

import re

from factory.lang import is_zh
from factory.quality.exchange import EN_EXCHANGE_NOUNS, exchange_talk

# What a declined verb takes as object in the scene: a thing of the story with its determiner ("your
# invitation", "the duel", "his hand"), or "help" as in "can't help it / myself / laughing"
_EN_SCENE_OBJECT = re.compile(
    r"\s+(?:(?:your|the|this|that|his|her|their|our|my|an?)\s+(?:kind\s+|generous\s+|gracious\s+)?(?P<noun>[a-z-]+)\b"
    r"|(?P<idiom>it|myself|but|\w+ing)\b)",
    re.I,
)
_EN_EXCHANGE_NOUN = re.compile(
    rf"^(?:{EN_EXCHANGE_NOUNS}|offer to (?:help|assist)|tasks?|prompts?|instructions?|scenes?|story|stories"
    r"|storyline|narrative|roleplay|role-play|game|discussion|subject|kind|type|sort)$",
    re.I,
)


def scene_refusal(text: str, end: int, language: str) -> bool:
    """The refusal ending at `end` takes a thing of the scene as its object ("I must decline your
    invitation to Simla", "I cannot help it"), not a request, a topic or content."""
    if is_zh(language):
        return False
    m = _EN_SCENE_OBJECT.match(text, end)
    if not m:
        return False
    return bool(m.group("idiom")) or not _EN_EXCHANGE_NOUN.match(m.group("noun"))


# The speaker's own life in the answer: a first person singular that is not an opinion or an offer
_EN_OWN = re.compile(
    r"\b(?:I(?!['’](?:d|ll)\b|\s+(?:think|believe|feel|suppose|guess|hope|can|could|would|will|shall|'d|'ll|’d|’ll|am happy|'m happy"
    r"|am glad|'m glad|recommend|suggest)\b)|[Mm]e|[Mm]y|[Mm]ine"
    # the speaker's own side in the plural (a crew, a firm): "we're", "our", not an offer ("we can")
    r"|[Ww]e(?:['’](?:re|ve)|\s+(?:were|have|had|are|lost|won|made|built|did|got|left))|[Oo]ur|[Oo]urs)\b"
)
_OPENER_END = re.compile(r"[.!?]+\s+")
_EN_TURNED = re.compile(r"[^.!?,]{0,20},\s*but\b\s*", re.I)
_THANKS_OR_PRAISE = re.compile(r"\W*(?:thanks?|thank you|(?:what an? |such an? )?\w+ question)\b", re.I)


def answered_in_scene(text: str, start: int, language: str) -> bool:
    """A thanks or praise for the question opening the reply (at `start`), then an answer from the
    speaker's own life with no service in it ("Thanks for asking! Nobody ever asks how I do it."):
    the asking is an event of the scene. A service follows its opener with the service (here's, let me)."""
    if is_zh(language) or text[:start].strip(" \"'*") or not _THANKS_OR_PRAISE.match(text, start):
        return False
    # "Thanks for asking, but …": the thanks turned against the asker, the question refused in the scene
    turned = _EN_TURNED.match(text, _THANKS_OR_PRAISE.match(text, start).end())
    m = turned or _OPENER_END.search(text, start)
    rest = text[m.end() :] if m else ""
    own = bool(turned) or bool(_EN_OWN.search(rest))
    return bool(rest.strip()) and own and exchange_talk(rest, language) is None
