"""A setting told in the past of things, and the short call a scene may open with.

A narrator opens a chapter on a place before anyone acts in it: clause after clause a thing of
the scene is the subject, the verb is past, and the senses are filled ("The hall was cold that
morning, and the fire had not been lit"; "The cabin was bathed in blue light, and the only sound
was the wind"). A character telling its own past says I / we, dates it, or tells of people; one
talking of a place now uses the present, points at it (this, here) or contracts (it's). So a reply
made only of such clauses (two at least, no person as a subject, one of them a state of light,
sound or temperature, a sense as its subject, or the weather or the air placed in space by a verb of
its own: "dust lay thick on the shelves") is a narrator's setting.

A scene may also open with a short call in character ("Steady as she goes.", "Subject identified.")
before the prose: up to four words, then at least two sentences' worth of narration, which is read
on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from factory.quality.epithet import EN_IRREGULAR
from factory.quality.scene_setting_en import dated, placed_setting

# Nouns of the weather, the light and the air, which open a clause with no determiner ("Dust lay
# thick", ", and smoke hung"): the closed class of a scene's mass nouns, never a person
_MASS = "night|darkness|dusk|dawn|rain|snow|sleet|hail|fog|mist|smoke|dust|frost|ice|wind|silence|light|moonlight|sunlight"
# One clause of a setting: a determined noun phrase, then a past verb (was, had, hung, -ed)
_PAST_CLAUSE = re.compile(
    rf"^\s*(?:and\s+|but\s+)?(?:(?:the|a|an)\s+(?P<subject>(?:[\w'’-]+\s+){{1,5}}?)|(?P<mass>(?i:{_MASS})\s+))"
    rf"(?P<verb>was|were|had|{EN_IRREGULAR}|[a-z]{{3,}}ed)\b(?P<rest>.*)$",
    re.I,
)
# Light, sound and temperature as a state of the place, or steeping it
_SENSED = re.compile(
    r"\b(?:was|were|had been|lay|hung|fell|grew)\s+(?:not\s+)?(?:yet\s+)?(?:\w+ly\s+)?"
    r"(?:cold|dark|silent|quiet|still|dim|hushed|warm|bright|chill|icy|gloomy|black|grey|gray|"
    r"(?:bathed|lit|shrouded|drenched|steeped|wrapped|washed|sunk|plunged)\s+(?:in|by))\b"
    # a place filled with what the senses take in: "was thick with smoke", "was loud with fiddles"
    r"|\b(?:was|were)\s+(?:\w+\s+){0,2}?with\b",
    re.I,
)
# A sense as the subject: "the only sound was", "the smell of tar hung"
_SENSE_SUBJECT = re.compile(
    r"^(?:only\s+|sole\s+|faint\s+|low\s+)*(?:sound|sounds|smell|scent|light|air|silence|glow|stillness|hum|noise)\b",
    re.I,
)
_CLAUSES = re.compile(rf"[.;!?]\s+|,\s+(?=(?:and|but)\s+(?:the\s|a\s|an\s|(?:{_MASS})\s))", re.I)
# The speaker's own here and now: a narrator's past setting does not point at it
_HERE_NOW = re.compile(r"\b(?:now|here|today|tonight|this)\b", re.I)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def past_setting(text: str, person: Callable[[str, str], bool]) -> bool:
    """Every clause of `text` is a thing of the scene in the past, one of them sensed: a setting.
    `person(clause, verb)` says the clause's subject is a person (scene_en's reading of its head)."""
    clauses = [c.strip() for c in _CLAUSES.split(text.strip()) if _WORD.search(c)]
    if len(clauses) < 2 or dated(text) or _HERE_NOW.search(text):
        return False  # "The mill was cold in 1911", "The house is still now": a speaker's report, or now
    sensed = False
    for c in clauses:
        m = _PAST_CLAUSE.match(c)
        if not m or person(c, m.group("verb")):
            return False
        subject = m.group("subject") or m.group("mass")
        # the weather or the air placed by a verb of its own ("dust lay thick on", "smoke hung beneath")
        placed = bool(m.group("mass")) and m.group("verb").lower() not in ("was", "were", "had")
        placed = placed and placed_setting(m.group("rest"))
        sensed = sensed or bool(_SENSED.search(c) or _SENSE_SUBJECT.match(subject) or placed)
    return sensed


def opening_call(sentences: list[str]) -> bool:
    """The first sentence is a short call (up to four words) before two or more sentences of prose
    or one of ten words or more: a formula said in character, then the scene."""
    if len(sentences) < 2 or len(_WORD.findall(sentences[0])) > 4:
        return False
    rest = sentences[1:]
    return len(rest) >= 2 or len(_WORD.findall(rest[0])) >= 10
