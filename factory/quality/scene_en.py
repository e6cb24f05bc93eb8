"""Scene narration in English: prose that sets a scene or tells the character from outside.

A character's own line, even one reporting facts ("The tide turns at dawn. The French fleet lies off
Brest."), is speech: it says I / you, asks, exclaims, calls someone by name, contracts (it's, don't),
quotes, reports ("they say"), or states a rule with a modal. A narrator's prose has none of those and
is made of declarative clauses whose subjects are noun phrases ("Rain lashes the windows", "The
marshal checks his Colt"). That alone is also a fact stated in speech, so the reply must carry the
narrator's own devices besides, at least one of:

- an absolute construction or a trailing participle ("his jaw set", ", wig askew,", ", violet light
  crawling along her fingers", ", examining the marks");
- a narrative locative adverb opening a sentence (Somewhere, Far off, Below decks, Down in the street);
- an indefinite scene subject (a figure / a man / a lantern + a finite verb): a new referent brought
  on stage, which speech introduces with "there's";
- two events told as simultaneous (", as the bell rings", "while the inspector pored");
- one subject with a series of actions ("checks the gauges, spits grit, and guns the engine"),
  its own body or self ("heaves himself to his feet", "over his shoulder").

A storyteller's past ("The harpooner climbed onto the deck, and he stared at the squid") picks the
subject up again with he / she and carries no such device, so it stays.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from factory.quality.epithet import EN_IRREGULAR
from factory.quality.text import Segment

_PERSON = re.compile(
    r"\b(I|me|my|mine|myself|we|us|our|ours|ourselves|you|your|yours|yourself|ye|thee|thou|thy|thine)\b", re.I
)
# Speech: contractions, interjections, reporting, modals of rule and future, vocatives, quotation
_CONTRACTION = re.compile(
    r"\w(n['’]t|['’](m|re|ve|ll|d|em))\b|\b(it|that|there|here|what|let|who|he|she)['’]s\b", re.I
)
_INTERJECTION = re.compile(r"(?:^|[.;]\s+)(well|oh|ah|now|yes|no|so|alas|look|listen|mind)\b[ ,]", re.I)
_REPORTING = re.compile(
    r"\b(say|says|said|told|tell|call|calls|called|according to|believe|think|thinks|write|writes|wrote|print|prints)\b",
    re.I,
)
_MODAL = re.compile(r"\b(will|would|shall|should|must|can|cannot|could|may|might|ought)\b", re.I)
_VOCATIVE = re.compile(
    r",\s*(?:(?:my|old)\s+)?[A-Za-z]+(?:\s+[A-Z][a-z]+)?\s*[.,;—]?\s*$|,\s*[A-Z][a-z]+[,.]"
    r"|,\s*(?:my\s+)?(?:man|sir|madam|lad|boy|girl|friend|darling|dear|love|child|gentlemen|ladies)\s*[,.;—]",
    re.M | re.I,
)
_QUOTE = re.compile(r"[\"“”]")

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
    r"nearby|elsewhere|in the distance|(?:down|up|out|off|across|beyond|inside|behind) (?:in |on |at )?the \w+)"
    r"\b",
    re.I,
)
_ABSOLUTE = re.compile(
    r",\s+(?:(?:his|her|its|their|one|the)\s+)?(?:(?!(?:his|her|its|their|the|a|an)\s)[A-Za-z-]+\s+){1,3}?"
    r"(?:[a-z]+ing|set|askew|clenched|raised|bowed|lowered|on the \w+)\b"
    r"|,\s+(?:[a-z]+ing)\s+(?:the|a|an|his|her|its|their|to|into|on|at|in)\b"
    r"|,\s+[a-z]+\s+(?:askew|aflame|ablaze|agape|awry)\s*,",
)
_SIMULTANEOUS = re.compile(r"\b(as|while)\s+(?:(?:the|a|an|every)\s+)?(?:[a-z-]+\s+){0,3}?([a-z]+)\b")
# One subject, a series of actions: ", spits grit", "and tossed the keys" (no subject of its own)
_SERIES = re.compile(
    rf"(?:,|\band)\s+(?:then\s+)?(?:\w+ly\s+)?(?:{EN_IRREGULAR}|[a-z]+ed|[a-z]+[^su'\W]s)\s+"
    r"(?:the|a|an|his|her|its|into|onto|at|to|over|down|up|out|from|across)\b"
)
_OWN_BODY = re.compile(
    r"\b(himself|herself|itself|his|her)\s+(?:\w+\s+)?(feet|shoulder|eyes|hands?|head|lips|jaw|waistcoat|throat|knees|breath)\b",
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


def _clause(sentence: str, names: frozenset[str]) -> tuple[str, str] | None:
    """(kind, verb) of a sentence opened by a noun-phrase subject and a finite verb, else None.

    kind: "indef" (a / an), "def" (the, a possessive), "bare" (a capitalised common noun) or "loc"
    (after a narrative locative adverb, whatever the subject)."""
    s = sentence.strip().lstrip("(*[—–-\"' ").strip()
    loc = _LOCATIVE.match(s)
    if loc:
        s = s[loc.end() :].lstrip(" ,")
    words = re.findall(r"[A-Za-z][\w'’-]*", s)
    if not words:
        return None
    first = words[0]
    if first.lower() in ("he", "she", "they", "it", "this", "that", "there", "these", "those"):
        return ("loc", "") if loc else None
    if any(s.startswith(n) for n in names):
        return None
    det = _DET.match(s)
    kind = ("indef" if det.group(1).lower() in ("a", "an") else "def") if det else "bare"
    if kind == "bare" and not first[0].isupper() and not loc:
        return None
    start = 1
    if kind == "bare" and len(words) > 1 and first.lower().endswith("s") and not _finite(words[1]):
        return ("bare", words[1])  # "Lockers slam", "Klaxons wail": a plural subject, its plain verb
    for w in words[start : start + 7]:
        if w[0].isupper() and kind != "bare" and w is not words[start]:
            continue  # a name inside the noun phrase (the Reform Club wall)
        if _finite(w):
            if w.lower() in _COPULA:
                return ("loc", w) if loc else None  # "The articles are simple": a statement, not an event
            return ("loc" if loc else kind, w)
    return ("loc", "") if loc else None


def _speech_marked(text: str) -> bool:
    return bool(
        _PERSON.search(text)
        or re.search(r"[?!]", text)
        or _CONTRACTION.search(text)
        or _INTERJECTION.search(text)
        or _REPORTING.search(text)
        or _MODAL.search(text)
        or _QUOTE.search(text)
        or any(_VOCATIVE.search(p) for p in re.split(r"[.;]", text) if p.strip())
    )


def scene_narration(segs: Sequence[Segment], names: frozenset[str]) -> tuple[str, str] | None:
    """(detail, span) when the reply is a narrator's prose, or None.

    The speech of the reply is read, or, when it is nothing but one action in *…* / (…), that action:
    beside speech an action is a script's stage direction."""
    spoken = [s for s in segs if s.kind in ("speech", "narration") and s.text.strip()]
    acts = [s for s in segs if s.kind == "action" and s.text.strip()]
    if spoken:
        if any(s.kind == "narration" for s in spoken) or acts:
            return None
        text = " ".join(s.text for s in spoken)
    elif len(acts) == 1:
        text = acts[0].text
    else:
        return None
    text = text.strip()
    if len(text.split()) < 6 or _speech_marked(text):
        return None
    sentences = [x for x in _SENTENCE.findall(text) if re.search(r"[A-Za-z]", x)]
    clauses = [_clause(x, names) for x in sentences]
    if not clauses or None in clauses:
        return None  # every sentence as narration has it: a noun-phrase subject and its verb
    devices = 0
    devices += bool(_ABSOLUTE.search(text))
    devices += sum(1 for c in clauses if c and c[0] in ("loc", "indef"))
    sim = _SIMULTANEOUS.search(text)
    devices += bool(sim and _simul_clause(text, sim))
    devices += bool(_SERIES.search(text))
    devices += bool(_OWN_BODY.search(text))
    if devices < 1:
        return None
    return "narration of a scene, no speech in it", text[:80]


def _simul_clause(text: str, m: re.Match) -> bool:
    """ "as / while" opens a clause with its own subject and finite verb (not "as a boy", "as usual")."""
    rest = re.findall(r"[A-Za-z][\w'’-]*", text[m.end(1) :])[:6]
    determined = bool(rest) and rest[0].lower() in ("the", "a", "an", "every", "his", "her", "its", "their")
    for w in rest[1:]:
        if _finite(w) and w.lower() not in _COPULA:
            return determined or w.lower() in _IRREG or w.lower().endswith("ed")
    return False
