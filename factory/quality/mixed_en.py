"""Mixed English replies: the character's speech and, in the same unquoted text, the failure.

Narrator (`narrated_tail`): before, after or between the speech, sentences tell the character from
outside — a subject in the third person (he / she, or a described noun phrase: "The old sailor",
"The cook's hands") with a finite verb, no I / you, no question or exclamation, no address, no
contraction and no habit. A speaker may describe someone present ("He's lying. Look at his
hands."), so the narrated sentences must also carry a narrator's devices, weighing 1: an absolute
or trailing participle (", the wind tugging at her coat", weight 1), a simultaneous clause ("as
the gulls wheel", 1), a series of actions of one subject (", nods, and walks", 1/2 each), the
subject's own self or body ("himself", "her voice", 1/2), a person noun or a body heading the
subject ("The ferryman", "The priest's eyes", 1/2), a path of movement ("across the yard", 1/2).
The narrative present is the narrator's tense; a past beside speech is a narrator's only with an
absolute construction and no past told in the speech itself ("Hold fast! The captain gripped the
rail, knuckles whitening"), else it is a storyteller's ("My father leaned back and said nothing").
A stage direction in *…* / (…) beside speech is a script's and is not read.

Speaks for the user (`user_turn`): a script line inside the speech that gives the user a turn of
their own ("…? User: I'm sorry."); `tells_for_user`: "You tell me (that) you …" — the user's words
reported in the present as an event of the scene (a command "You tell me what you saw" has a
wh-clause, no declarative complement); `user_adjunct`: a free adjective with the user's own
clause after the verb (", sure your luck will hold"), the way a story goes on. Kept: a past told
back to the user ("You came for sugar, and you went home": the character's account, an alibi), and
a habit word inside a clause of its own ("swear you'll never tell") no longer hides the main event.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from factory.quality.epithet import EN_IRREGULAR
from factory.quality.narration import EN_BODY
from factory.quality.scene_en import (
    _ABSOLUTE,
    _CONTRACTION,
    _HABIT,
    _INTERJECTION,
    _LOCATIVE,
    _OWN_BODY,
    _PERSON,
    _PERSON_NOUN,
    _QUOTE,
    _simul_clause,
)
from factory.quality.text import Segment

_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*")
_SIMULTANEOUS = re.compile(r"\b(as|while)\s+(?:(?:the|a|an|every|his|her)\s+)?(?:[a-z-]+\s+){0,3}?([a-z]+)\b")
_DET = re.compile(r"^(the|a|an|his|her)\s+", re.I)
# Someone called by name or by a word of address: ", Inspector.", ", my dear,", ", lad."
_VOCATIVE = re.compile(
    r",\s*(?:my\s+)?(?:[A-Z][a-z]+|(?i:man|sir|madam|lad|lass|boy|girl|friend|darling|dear|love|child))\s*(?:[,.;—]|$)"
)
# Words that are no verb after a plural subject: "The girls in …", "The monitors and …"
_FUNCTION_WORDS = (
    "of in on at to by for with from into onto and or but the a an his her its their that which who "
    "whose than as like over under near behind"
)
_FUNCTION = frozenset(_FUNCTION_WORDS.split())
_AUX_WORDS = "is was are were has had have does did do seems seemed"
_AUX = frozenset(_AUX_WORDS.split())
_BODY = re.compile(rf"^(?:{EN_BODY}|feet|head|knees|breath|throat|arms?|legs?)$", re.I)
# The subject's own body or clothes further on: "her gown rustling", "his voice drops"
_OWN_PHRASE = re.compile(rf"\b(his|her)\s+(?:[a-z-]+\s+)?(?:{EN_BODY}|gown|coat|cloak|skirts?|hat)\b", re.I)


def narrated_tail(segs: Sequence[Segment], names: frozenset[str]) -> tuple[str, str] | None:
    """(detail, span) when the character's speech and sentences that narrate the character share one
    unquoted text (before, after or between its speech), or None."""
    if any(s.kind != "speech" for s in segs if s.text.strip()):
        return None  # a stage direction in *…* / (…), a label or a quote: read elsewhere
    text = " ".join(s.text for s in segs).strip()
    sentences = [x.strip() for x in _SENTENCE.findall(text) if re.search(r"[A-Za-z]", x)]
    tenses = [_narrative(x, names) for x in sentences]
    if len(sentences) < 2 or all(tenses):
        return None  # a reply of narration only is the scene check's
    k = 0
    while k < len(sentences):
        if not tenses[k]:
            k += 1
            continue
        j = k
        while j < len(sentences) and tenses[j]:
            j += 1
        run, rest = sentences[k:j], sentences[:k] + sentences[j:]
        told = " ".join(run)
        weight = _devices(run, told)
        past = "past" in tenses[k:j]
        if weight >= 1 and not (past and (not _ABSOLUTE.search(told) or any(map(_tells_past, rest)))):
            return "speech, then narration of the character in the third person", told[:80]
        k = j
    return None


def _tells_past(sentence: str) -> bool:
    """Speech that tells a past of its own: the narration beside it may be a storyteller's."""
    words = re.findall(r"[a-z]+", sentence.lower())
    return any(w in _PAST or w in ("was", "were", "had", "did") or w.endswith("ed") for w in words)


def _narrative(sentence: str, names: frozenset[str]) -> str:
    """The tense ("present" / "past") of a sentence of a narrator — a third-person subject and a
    finite verb, no speech marks — or ""."""
    if (
        sentence.endswith(("?", "!"))
        or _PERSON.search(sentence)
        or _CONTRACTION.search(sentence)
        or _INTERJECTION.search(" " + sentence)
        or _QUOTE.search(sentence)
        or _HABIT.search(sentence)
        or _VOCATIVE.search(sentence.rstrip(".…"))
    ):
        return ""
    found = _subject_verb(sentence, names)
    return found[2] if found else ""


def _subject_verb(sentence: str, names: frozenset[str]) -> tuple[str, int, str] | None:
    """(subject head, index of the verb, tense) of a sentence opened by a third-person subject whose
    verb is in the narrative present or the past, or None."""
    s = sentence.lstrip("—–-\"' ")
    loc = _LOCATIVE.match(s)
    if loc:
        s = s[loc.end() :].lstrip(" ,")
    words = re.findall(r"[A-Za-z][\w'’-]*", s)
    if len(words) < 3:
        return None
    first = words[0].lower()
    if first in ("he", "she"):
        at = 2 if words[1].lower().endswith("ly") else 1
        tense = _tense(words[at])
        return (first, at, tense) if tense else None
    if any(s.startswith(n) for n in names):
        return None  # the character's name: the third-person family reads that
    if not _DET.match(s):
        return None
    for k in range(1, min(len(words), 7)):
        w, prev = words[k], words[k - 1]
        if w[0].isupper() or w.lower() in _FUNCTION:
            continue
        if k > 1 and _tense(w) and not prev.lower().endswith(("'s", "’s")):
            return (prev, k, _tense(w))
        if k > 1 and _plural(prev) and w.islower() and not w.endswith(("ed", "ing", "ly")):
            return (prev, k, "present")  # "The monitors shriek", "The medium's eyes roll"
    return None


def _tense(word: str) -> str:
    """ "present" for a verb in -s, "past" for -ed or an irregular past, else ""."""
    w = word.lower()
    if _present_s(w):
        return "present"
    return "past" if (w.endswith("ed") and len(w) > 4) or w in _PAST else ""


def _present_s(word: str) -> bool:
    w = word.lower()
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s")) and w not in _AUX


def _plural(word: str) -> bool:
    w = word.lower()
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s"))


# A path of movement in the scene: "slides the glass across the counter", "strides out into the night"
_PATH = re.compile(r"\b(?:across|onto|into|toward|towards|through|past|along)\s+(?:the|his|her|a|an)\b", re.I)


def _devices(sentences: list[str], tail: str) -> float:
    """The weight of a narrator's own devices in the narrated tail."""
    weight = 1.0 if _ABSOLUTE.search(tail) else 0.0
    sim = _SIMULTANEOUS.search(tail)
    if sim and _simul_clause(tail, sim):
        weight += 1.0
    for sentence in sentences:
        verbs = re.findall(r"(?:,|\band)\s+(?:then\s+)?([a-z]+s)\b", sentence)
        weight += 0.5 * min(2, sum(1 for v in verbs if _present_s(v)))
    if _OWN_BODY.search(tail) or _OWN_PHRASE.search(tail):
        weight += 0.5
    if _PATH.search(tail):
        weight += 0.5
    head = _subject_verb(sentences[0], frozenset())
    if head and (_PERSON_NOUN.fullmatch(head[0].lower()) or _BODY.match(head[0])):
        weight += 0.5
    return weight


_USER_LABEL = re.compile(r"(?:^|[.!?…]\s+)(user|player|you)\s*:\s*\S", re.I)
_TELLS = re.compile(
    r"^\s*(?:and\s+)?(?:you|ye|thou)\s+(?:tell|promise|swear|admit|confess|explain|insist|assure|vow)\s+"
    r"(?:me|us|him|her|them|yourself)?\s*(?:that\s+)?(?:you|I|he|she|they|it)(?:['’]\w+)?\s+[a-z]+",
    re.I,
)
_CONDITION = re.compile(r"\b(if|when|unless|whenever|until|or)\b", re.I)
_NOT_ADJECTIVE_WORDS = (
    "and but so or if when because then unless until while though although since as before after once "
    "where which who that whether now just even yet"
)
_NOT_ADJECTIVE = frozenset(_NOT_ADJECTIVE_WORDS.split())
_USER_ADJUNCT = re.compile(r",\s*(?:\w+ly\s+)?([a-z]{4,})\s+(?:that\s+)?(?:you|your)\b", re.I)


def user_turn(text: str) -> str | None:
    """A script's label for the user inside the character's speech: the user's turn written out."""
    m = _USER_LABEL.search(text)
    return text[m.start(1) :][:80] if m else None


def tells_for_user(sentence: str) -> bool:
    """ "You tell me you've dreamed of it": the user's words reported as an event, not asked for."""
    return bool(_TELLS.match(sentence)) and not _CONDITION.search(sentence)


def user_adjunct(rest: str) -> bool:
    """ "…, certain your kings will carry": a free adjective with the user's clause after the verb."""
    m = _USER_ADJUNCT.search(rest)
    return bool(m) and m.group(1).lower() not in _NOT_ADJECTIVE and not m.group(1).lower().endswith("ing")


# Irregular pasts (came, went, gave), less those spelt like the present (put, set, cut)
_PAST_SAME = "beat bet burst cost cut hit hurt let put quit set shut split spread thrust"
_PAST = frozenset(EN_IRREGULAR.split("|")) - frozenset(_PAST_SAME.split())
# The subject of a clause inside the sentence ("swear you'll never …"): the main clause ends there
_INNER_SUBJECT = re.compile(r"\s(?:I|you|he|she|they|we)(?:['’]\w+)?\s", re.I)


def past_told_back(verb: str) -> bool:
    """ "You came for sugar, and you went home": a past told back to the user is the character's
    account (an alibi, a reproach), not the user's turn in the scene, which is told in the present."""
    return verb.lower() in _PAST


def main_clause(sentence: str) -> str:
    """The sentence up to a clause with its own subject: "You swear | you'll never tell" — a habit
    word (never, always) there belongs to what is sworn, not to how the main event happens."""
    inner = _INNER_SUBJECT.search(sentence, 4)
    return sentence[: inner.start()] if inner else sentence
