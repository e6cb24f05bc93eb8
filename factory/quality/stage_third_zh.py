"""A stage direction in the third person: 我给您擦擦手。*她轻轻握住老人的手，眼眶微微泛红。*

In a role-play reply the character's own actions go between asterisks without a subject
(*把斧子往地上一戳* 谁先来？) or with 我: the speaker acts. A span that opens on 他/她 as the subject
of a verb is the character seen from outside, a narrator's sentence set inside the speech. The
pronoun must start the span and be followed by a verb in its clause (*他们来了* is others; *她的信*
is no action). Brackets are left alone: 我那个朋友（他姓王） is an aside in speech.
"""

from __future__ import annotations

import re

from factory.quality import zh

_SPAN = re.compile(r"\*([^*\n]{2,120})\*")


def third_person_stage(text: str) -> str | None:
    """The first action span of `text` whose subject is 他/她 with a verb, or None."""
    for m in _SPAN.finditer(text):
        body = m.group(1).strip()
        if not re.match(r"^[他她](?![们的])", body):
            continue
        clause = zh.clauses(body)[0] if zh.clauses(body) else body
        ws = [w for w in zh.words(clause) if w.text.strip() and w.tag != "x"]
        if any(w.tag.startswith("v") for w in ws[1:]):
            return body[:80]
    return None
