"""Did a planned pushback turn push back? A cheap marker check, so labels say what was written.

The session plan asks the character to refuse, tease or get impatient at chosen turns; a model
may ignore that and comply. `pushback` labels keep the plan (what was asked for) and add
`observed`, so a user can train on, filter by or measure the turns that really push back. The
markers are deliberately plain words of refusal, teasing and impatience in each language: a hit
is good evidence, a miss only says "not obviously".
"""

from __future__ import annotations

import re

from factory.lang import lang_key

MARKERS = {
    "en": re.compile(
        r"\b(?:no|nope|never|won't|will not|shan't|refuse|not going to|not doing|certainly not|"
        r"absolutely not|out of the question|do it yourself|ask someone else|enough|stop|"
        r"patience|hmph|tsk|ha|hah|oh please|nice try|really\?|you wish|silly|tease|teasing|"
        r"again\?|how many times|leave me|not now|later|busy)\b",
        re.I,
    ),
    "zh": re.compile(
        r"不行|不要|不肯|才不|不会|拒绝|休想|没门|想得美|自己(?:去|做|写)|别(?:再)?(?:问|烦|闹)|"
        r"够了|烦死|不耐烦|哼|啧|哈|呵|逗你|调皮|又来|还问|改天|没空|忙着|免谈"
    ),
}


def observed(text: str, language: str) -> bool:
    """True when the reply carries a refusal, teasing or impatience marker of its language."""
    return MARKERS[lang_key(language)].search(text) is not None


def share(samples: list[dict]) -> tuple[int, int]:
    """(observed, planned) pushback turns over persona samples' labels, for the run's report."""
    planned = [p for s in samples for p in (s.get("labels") or {}).get("pushback", [])]
    return sum(1 for p in planned if p.get("observed")), len(planned)
