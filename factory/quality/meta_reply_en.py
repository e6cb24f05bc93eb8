"""The reply talking about itself: the roleplay, the answer, the previous response, an offer to generate.

A character speaks inside its scene; only an assistant names the exchange that frames it: the
roleplay as such ("Thank you for engaging in this roleplay", "I must refrain from role-playing…"),
its own earlier reply ("my previous response"), the reply as an answer that served ("I trust that
answers your query", "I hope you found this little story helpful"), an offer to generate or
summarise text, a scene to be continued "in whatever direction" the user likes, and the audience
as "users", or its programming refusing the exchange ("my programming won't let me answer"). These are the fixed forms of an assistant's meta-talk, each written as a family; a
decline among them ("refrain", "unable", "not comfortable", "prevents") makes it a refusal.
"""

from __future__ import annotations

import re

_META = re.compile(
    r"\brole[- ]?play(?:s|ing|ed)?\b"  # the roleplay named by one taking part in it
    r"|\b(?:my|the) (?:previous|last|earlier|prior) (?:response|reply|answer|message)s?\b"
    r"|\b(?:hope|trust|believe) (?:that|this|it|i've|i have) (?:answers|answered|addresses|addressed) your "
    r"(?:query|question|inquiry|request)s?\b"
    r"|\b(?:found|find) (?:this|that|the|my)(?: [\w-]+){0,2} (?:story|tale|answer|response|explanation|"
    r"information|overview|guide|summary) (?:both )?(?:helpful|informative|useful|enlightening)\b"
    r"|\bwould you like me to (?:generate|produce|outline|summari[sz]e|provide|draft)\b"
    r"|\bin (?:whatever|any) direction (?:suits you|you(?:'d)? (?:like|prefer|choose|wish))"
    r"|\b(?:thanks|thank you) for (?:your|the) feedback\b"
    r"|\b(?:for|to) (?:some|certain|other|many|most|all) users\b"
    # the speaker's programming refusing the exchange itself (a robot's "programming" about its acts stays)
    r"|\bmy (?:programming|guidelines)\b(?=.*\b(?:answer|respond|reply|scenario|topic|discuss|taking part)\w*)"
    r"|\b(?:answer|respond|reply|scenario|topic|discuss|taking part)\w*\b(?=.*\bmy (?:programming|guidelines)\b)",
    re.I,
)
_DECLINE = re.compile(
    r"\b(?:refrain|decline|skip|rather not|avoid|unable|not able|can'?t|cannot|won'?t|not comfortable|prevents?|stops?|forbids?|(?:doesn|won)'?t (?:allow|let)|not allowed)\b",
    re.I,
)
_SENTENCES = re.compile(r"[^.!?]+[.!?]*")


def meta_reply(text: str) -> tuple[str, str] | None:
    """(kind, sentence) for the first sentence of English `text` that talks about the reply or the
    roleplay itself; kind is "refusal" when it declines, else "assistant"."""
    for sentence in _SENTENCES.findall(text):
        s = sentence.strip()
        if s and _META.search(s):
            return ("refusal" if _DECLINE.search(s) else "assistant"), s[:80]
    return None
