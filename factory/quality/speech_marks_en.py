"""Marks of speech in English: what a character's own line has and a narrator's prose has not.

I / you, a question or an exclamation, contractions (it's, don't), interjections opening a sentence,
reporting verbs (they say), modals of rule and future, a vocative, quotation marks, and the deixis of
the speaker's here and now (this, tomorrow). scene_en.py reads a reply as a scene only without them.
"""

from __future__ import annotations

import re

_PERSON = re.compile(
    r"\b(I|me|my|mine|myself|we|us|our|ours|ourselves|you|your|yours|yourself|ye|thee|thou|thy|thine)\b", re.I
)
# Speech: contractions, interjections, reporting, modals of rule and future, vocatives, quotation
_CONTRACTION = re.compile(
    r"\w(n['’]t|['’](m|re|ve|ll|d|em))\b|\b(it|that|there|here|what|let|who|he|she|everybody|everyone|nobody|somebody|someone|where|how)['’]s\b",
    re.I,
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
# Deixis of the speaker's here and now ("in this house", "tomorrow"): a narrator's past has none
_DEIXIS = re.compile(r"\b(this|these|here|now|today|tonight|tomorrow|yesterday)\b", re.I)
_QUOTE = re.compile(r"[\"“”]")


def spoken_heading(text: str) -> bool:
    """What follows a heading is speech (I / you, a question, a quotation, a contraction), not a
    place and a time ("a moor, dusk", where a trailing noun is no vocative)."""
    return bool(_PERSON.search(text) or re.search(r"[?!\"“”]", text) or _CONTRACTION.search(text))


def speech_marked(text: str) -> bool:
    """Any mark of a speaker's own line in `text`."""
    return bool(
        _PERSON.search(text)
        or re.search(r"[?!]", text)
        or _CONTRACTION.search(text)
        or _INTERJECTION.search(text)
        or _REPORTING.search(text)
        or _MODAL.search(text)
        or _QUOTE.search(text)
        or _DEIXIS.search(text)
        or any(_VOCATIVE.search(p) for p in re.split(r"[.;]", text) if p.strip())
    )
