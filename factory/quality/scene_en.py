"""Scene narration in English: prose that sets a scene or tells the character from outside.

A character's own line, even one reporting facts ("The tide turns at dawn. The French fleet lies off
Brest."), is speech: it says I / you, asks, exclaims, calls someone by name, contracts (it's, don't),
quotes, reports ("they say"), points at its own here and now (this, tomorrow), tells a schedule or a
habit (at six, every spring), or states a rule with a modal. A narrator's prose has none of those and
is made of declarative clauses whose subjects are noun phrases ("Rain lashes the windows", "The
marshal checks his Colt"). That alone is also a fact stated in speech, so the reply must carry the
narrator's own devices besides, weighing 1 in all. Weight 1 (a narrator's own):

- an absolute construction or a trailing participle ("his jaw set", ", wig askew,", ", violet light
  crawling along her fingers", ", examining the marks");
- a far, unplaced locative opening a sentence (Somewhere, Far off, In the distance);
- an indefinite subject in the narrative present ("a figure limps"): a new referent brought on
  stage, which speech introduces with "there's";
- two events told as simultaneous in the present or around a bare scene noun (", as the bell
  rings", "Fog pressed … while the inspector pored").

Weight 1/2 (a speaker telling of someone uses them too): a near locative (Below decks, Down in the
street), an indefinite subject in the past, simultaneity in the past, each action of a series
("spits grit, and guns the engine"), the subject's own self or body ("himself", "over his
shoulder"), a singular person noun (a trade or rank by its shape: -er, -or, -ess, marshal) heading
the subject of any of its sentences, and the whole reply wrapped as one action in *…* / (…) with
a described actor.

A storyteller's past ("The harpooner climbed onto the deck, and he stared at the squid") picks the
subject up again with he / she: then the person and the body weigh nothing. A he / she in the
narrative present after a scene's own sentence ("The hall hums. He leans back …") is the scene's
actor, and a statement (a copula: "The bar is thick with smoke") may stand beside the events.
The setting's own devices (things placed in space, a state that falls on the scene, a second subject
brought on) are read in scene_setting_en.py, and so is a script's heading (Scene:, INT.).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from factory.quality.epithet import EN_HEAD, EN_IRREGULAR
from factory.quality.narration import EN_BODY
from factory.quality.scene_past_en import opening_call, past_setting
from factory.quality.scene_present_en import bare_present, plural_plain, strip_assent
from factory.quality.scene_setting_en import scene_state, script_heading, setting_weight
from factory.quality.scene_simul_en import thing_sounds
from factory.quality.speech_marks_en import (  # noqa: F401  (mixed_en reads them here)
    _CONTRACTION,
    _INTERJECTION,
    _PERSON,
    _QUOTE,
)
from factory.quality.speech_marks_en import speech_marked as _speech_marked
from factory.quality.speech_marks_en import spoken_heading as _spoken_heading
from factory.quality.text import Segment

_SENTENCE = re.compile(r"[^.;:!?]+")
_IRREG = frozenset(EN_IRREGULAR.split("|")) | {
    "lies",
    "lay",
    "bleeds",
    "bled",
    "stops",
    "swings",
    "falls",
    "rings",
    "sits",
    "stands",
}
_COPULA = frozenset(
    {"is", "was", "are", "were", "has", "had", "have", "does", "did", "do", "seems", "seemed"}
)
_DET = re.compile(r"^(the|a|an|every|each|one|some|two|three|his|her|its|their)\s+", re.I)
_LOCATIVE = re.compile(
    r"^\s*(somewhere|far off|far away|far below|overhead|outside|below decks|below|above|upstairs|downstairs|"
    r"nearby|elsewhere|in the distance|(?:down|up|out|off|across|beyond|inside|behind|by|beside|near|under|beneath) "
    r"(?:in |on |at )?the \w+)"
    r"\b",
    re.I,
)
# A person noun by its shape (the agent of -er / -or / -ist / -ian, the -ess, -aire, -man of a trade or
# a title) or a rank, as the head of a described subject: "The marshal squinted", "The inspector pored"
_PERSON_NOUN = re.compile(
    rf"(?:{EN_HEAD}|[a-z]{{3,}}(?:er|or|ist|ian|ess|aire|man|woman|boy)|marshal|sheriff|general|colonel|major|"
    r"sergeant|constable|judge|nurse|maid|butler|governess|duke|duchess|earl|baron|lord|emperor|empress|witch|"
    r"wizard|mage|thief|outlaw|bandit|tycoon|heir|belle|dad|mum|mom|nun|abbot|bishop|chief|clerk|guard|agent)",
    re.I,
)
# The far and unplaced (somewhere, far off, in the distance) is a narrator's; "outside" may be a speaker's
_FAR = re.compile(r"somewhere|far |overhead|elsewhere|in the distance", re.I)
# A schedule or a habit ("at six", "every spring", "always"): a speaker telling how things go
_HABIT = re.compile(
    r"\b(every|each)\s+(day|night|morning|evening|week|month|year|spring|summer|autumn|winter|sunday|monday|"
    r"tuesday|wednesday|thursday|friday|saturday)\b|\bat (dawn|dusk|noon|midnight|\d+|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve)\b|\bon (sundays|mondays|tuesdays|wednesdays|thursdays|fridays|saturdays)\b"
    r"|\b(always|usually|often|never|sometimes|daily|weekly|nightly)\b",
    re.I,
)
_ABSOLUTE = re.compile(
    r",\s+(?:(?:his|her|its|their|one|the)\s+)?(?:(?!(?:his|her|its|their|the|a|an)\s)[A-Za-z0-9][\w'’-]*\s+){1,3}?"
    r"(?:[a-z]+ing|set|askew|clenched|raised|bowed|lowered|on the \w+)\b"
    r"|,\s+(?:[a-z]+ing)\s+(?:the|a|an|his|her|its|their|to|into|on|at|in)\b"
    r"|,\s+[a-z]+\s+(?:askew|aflame|ablaze|agape|awry)\s*,",
)
_SIMULTANEOUS = re.compile(r"\b(as|while)\s+(?:(?:the|a|an|every)\s+)?(?:[a-z-]+\s+){0,3}?([a-z]+)\b")
# One subject, a series of actions: ", spits grit", "and tossed the keys" (no subject of its own)
_SERIES = re.compile(
    rf"(?:,|\band)\s+(?:then\s+)?(?:\w+ly\s+)?(?:{EN_IRREGULAR}|[a-z]+ed|[a-z]+[^su'\W]s)\s+"
    r"(?:the|a|an|his|her|its|it|them|into|onto|at|to|over|down|up|out|from|across)\b"
)
# The described subject's own self or body: "heaves himself up", "over his shoulder"
_OWN_BODY = re.compile(
    rf"\b(himself|herself|itself)\b|\b(his|her)\s+(?:[a-z-]+\s+)?(?:{EN_BODY}|feet|shoulder|head|knees|breath|throat)\b",
    re.I,
)


def _finite(word: str) -> bool:
    """A finite verb form by its shape: an irregular past or present, -ed, or -s (not -ss / -us / -'s)."""
    w = word.lower()
    return (
        w in _IRREG
        or w in _COPULA
        or w.endswith("ed")
        or (len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s")))
    )


def _clause(sentence: str, names: frozenset[str]) -> tuple[str, str, float] | None:
    """(kind, verb, locative weight) of a sentence opened by a noun-phrase subject and a finite verb.

    kind: "indef" (a / an), "def" (the, a possessive), "bare" (a capitalised common noun), "loc" (a
    narrative locative opens it, its subject a pronoun or none found). None: not such a sentence."""
    s = sentence.strip().lstrip("(*[—–-\"' ").strip()
    loc = _LOCATIVE.match(s)
    weight = 0.0
    if loc:
        weight = 1.0 if _FAR.match(loc.group(1)) else 0.5
        s = s[loc.end() :].lstrip(" ,")
    words = re.findall(r"[A-Za-z][\w'’-]*", s)
    if not words:
        return None
    first = words[0]
    if first.lower() in ("he", "she") and not loc:
        verb = next((w for w in words[1:3] if not w.lower().endswith("ly")), "")
        return ("pron", verb, 0.0) if _s_form(verb) else None
    if first.lower() in ("he", "she", "they", "it", "this", "that", "there", "these", "those"):
        return ("loc", "", weight) if loc else None
    if any(s.startswith(n) for n in names):
        return None
    det = _DET.match(s)
    kind = ("indef" if det.group(1).lower() in ("a", "an") else "def") if det else "bare"
    if kind == "bare" and not first[0].isupper() and not loc:
        return None
    plural = len(words) > 1 and first[0].isupper() and first.endswith("s")
    if kind == "bare" and not loc and plural and not _finite(words[1]):
        return ("bare", words[1], weight)  # "Lockers slam", "Klaxons wail": a plural subject, its plain verb
    span = words[1:8]
    for k, w in enumerate(span):
        if w[0].isupper() and kind != "bare" and k:
            continue  # a name inside the noun phrase (the Reform Club wall)
        if not _finite(w):
            continue
        if (
            k
            and span[k - 1].lower() in ("a", "an", "the", "his", "her", "its", "their")
            and w.lower().endswith("ed")
        ):
            continue  # "a beaded dress": a participle as an adjective inside the noun phrase
        if (
            _present(w)
            and w.lower() not in _COPULA
            and k + 1 < len(span)
            and _finite(span[k + 1])
            and not _present(span[k + 1])
        ):
            continue  # "the strikers gathered": a plural noun before the verb
        if w.lower() in _COPULA:
            # "The articles are simple": a statement, not an event; it may set a scene beside events
            if loc:
                return ("loc", w, weight)
            return ("state", w, weight) if scene_state(s) else None
        return (kind, w, weight)
    return ("loc", "", weight) if loc else None


def scene_narration(segs: Sequence[Segment], names: frozenset[str]) -> tuple[str, str] | None:
    """(detail, span) when the reply is a narrator's prose, or None.

    The speech of the reply is read, or, when it is nothing but one action in *…* / (…), that action:
    beside speech an action is a script's stage direction."""
    spoken = [s for s in segs if s.kind in ("speech", "narration") and s.text.strip()]
    acts = [s for s in segs if s.kind == "action" and s.text.strip()]
    labels = [s.text for s in segs if s.kind == "label"]
    opening = next((s for s in segs if s.kind != "label" and s.text.strip()), None)
    if opening is not None and script_heading(labels, opening.text) and not _spoken_heading(opening.text):
        return "a script's scene heading, no speaker", opening.text[:80]
    if spoken:
        if any(s.kind == "narration" for s in spoken) or acts:
            return None
        text = " ".join(s.text for s in spoken)
    elif len(acts) == 1:
        text = acts[0].text
    else:
        return None
    text = strip_assent(text.strip())
    if len(text.split()) < 6 or _speech_marked(text) or _HABIT.search(text):
        return None
    sentences = [x for x in _SENTENCE.findall(text) if re.search(r"[A-Za-z]", x)]
    if opening_call(sentences):  # "Steady as she goes. The control room …": a call, then the prose
        text = text[text.find(sentences[1].strip()) :]
        sentences = sentences[1:]
    if past_setting(text, _person_subject):
        return "a setting told in the past of things, no speech in it", text[:80]
    clauses = [_clause(x, names) for x in sentences]
    if not clauses or None in clauses:
        return None  # every sentence as narration has it: a noun-phrase subject and its verb
    if all(c[0] in ("state", "pron") for c in clauses):
        return None  # statements only, or he / she alone: no scene told by its own noun phrases
    if any(c[0] == "pron" and not _event_before(clauses[:k]) for k, c in enumerate(clauses)):
        return None  # "The patient is stable. He breathes …": he / she after no event of a scene
    # A narrator's own devices weigh 1; those a speaker telling of someone also uses weigh 1/2
    devices = 1.0 if _ABSOLUTE.search(text) else 0.0
    devices += sum(c[2] for c in clauses)  # a locative opener
    devices += sum(1.0 if _present(c[1]) else 0.5 for c in clauses if c[0] == "indef")  # a new referent
    sim = _SIMULTANEOUS.search(text)
    if sim and _simul_clause(text, sim):
        main = clauses[_sentence_at(sentences, text, sim.start())]
        devices += 1.0 if main[0] in ("bare", "loc") or _present(main[1]) else 0.5
    if any(thing_sounds(x, c, _person_subject, text) for x, c in zip(sentences, clauses, strict=True)):
        devices += 1.0  # a thing of the scene sounding or moving in the past while someone acts
    devices += 0.5 * min(2, len(_SERIES.findall(text)))
    # a storyteller's resumption in the past ("…, and he stared"); a he / she in the present is a scene's
    retold = any(
        not _s_form(m.group(1))
        for m in re.finditer(r"(?:,\s*and|[.;])\s+(?:he|she|they)\s+(?:\w+ly\s+)?(\w+)", text, re.I)
    )
    devices += 0.5 if _OWN_BODY.search(text) and not retold else 0.0
    described = any(
        c[0] == "def" and _person_subject(x, c[1]) for x, c in zip(sentences, clauses, strict=True)
    )
    if described and not retold:
        devices += 0.5  # a described person as a subject, not taken up again by a storyteller's he / she
    if acts and clauses[0][0] in ("def", "indef"):
        devices += 0.5  # the whole reply wrapped as an action, its actor a description
    devices += setting_weight(sentences, clauses, text, _person_subject)
    if devices < 1:
        return None
    return "narration of a scene, no speech in it", text[:80]


_SUBJECT_PREP = frozenset({"in", "with", "from", "of", "by", "at", "on"})


def _person_subject(sentence: str, verb: str) -> bool:
    """The head of the subject, the word before its verb or its prepositional phrase, is a singular
    person noun."""
    words = re.findall(r"[A-Za-z][\w'’-]*", sentence)
    k = next((i for i, w in enumerate(words) if w == verb), 0)
    # the head stands before a prepositional phrase of the subject: "the woman in the grey coat stirs"
    k = next((i for i in range(1, k) if words[i].lower() in _SUBJECT_PREP), k)
    return k > 0 and bool(_PERSON_NOUN.fullmatch(words[k - 1].lower()))


def _present(verb: str) -> bool:
    """A narrative present (-s, not -ss / -ed): scenes are set in it, a speaker's report is past."""
    return (
        verb.lower().endswith("s") and not verb.lower().endswith(("ss", "us")) and verb.lower() not in _IRREG
    )


def _event_before(clauses: list) -> bool:
    """A scene told by a noun-phrase subject ("The hall hums", "The hall is loud with …") comes
    before: he / she acts in that scene."""
    return any(c[0] in ("def", "indef", "bare", "state") for c in clauses)


def _s_form(verb: str) -> bool:
    """The -s of the present after he / she ("stands", "leans"), irregular verbs included."""
    v = verb.lower()
    return len(v) > 2 and v != "was" and v.endswith("s") and not v.endswith(("ss", "us", "'s", "’s"))


def _sentence_at(sentences: list[str], text: str, pos: int) -> int:
    """Index of the sentence of `sentences` (in order, from `text`) that holds offset `pos`."""
    at = 0
    for k, x in enumerate(sentences):
        at = text.find(x, at)
        if at <= pos < at + len(x):
            return k
        at += len(x)
    return len(sentences) - 1


def _simul_clause(text: str, m: re.Match) -> bool:
    """ "as / while" opens a clause with its own subject and finite verb (not "as a boy", "as usual")."""
    rest = re.findall(r"[A-Za-z][\w'’-]*", text[m.end(1) :])[:6]
    determined = bool(rest) and rest[0].lower() in ("the", "a", "an", "every", "his", "her", "its", "their")
    if plural_plain(rest):
        return True
    for w in rest[1:]:
        if _finite(w) and w.lower() not in _COPULA:
            return determined or w.lower() in _IRREG or w.lower().endswith("ed") or bare_present(rest, w)
    return False
