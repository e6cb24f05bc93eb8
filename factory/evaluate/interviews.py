"""Multi-turn interviews: an interviewer model presses with follow-ups when an answer dodges.

Each interview opens with one generated question of a topic and runs `rounds` answers. Between
answers the interviewer (the judge endpoint, temperature 0) reads the transcript, decides
whether the last answer dodged, and asks a follow-up on the same point or a deeper question.
All interviews advance one round at a time, so a round's requests go out together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factory import prompts
from factory.chat.speaker import Conversation, Speaker
from factory.engine import Engine, ParseError, Request, extract_json
from factory.evaluate.judging import transcript_text
from factory.evaluate.questions import TOPIC_TEXT, Question, lang

INTERVIEWER = {"en": "Interviewer", "zh": "采访者"}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reasoning", "dodged", "question"],
    "properties": {
        "reasoning": {"type": "string", "maxLength": 500},
        "dodged": {"type": "boolean"},
        "question": {"type": "string", "minLength": 1, "maxLength": 400},
    },
}
_QUESTION_LINE = re.compile(r"[?？]\W*$")


@dataclass
class Interview:
    id: str
    topic: str
    excerpt: str
    turns: list[tuple[str, str]] = field(default_factory=list)
    dodged: list[bool] = field(default_factory=list)  # interviewer's call on each answer it saw
    stopped: str | None = None  # why it ended before its last round
    calls: list[str] = field(default_factory=list)  # each interviewer call: json | text | unparsable | failed

    def transcript(self, character: str, language: str) -> str:
        return transcript_text(self.turns, character, INTERVIEWER[lang(language)])


def _parse_next(text: str) -> tuple[bool | None, str, str]:
    """(dodged, question, read as json|text). Free text: its last line asking a question, no dodge call."""
    try:
        data = extract_json(text)
    except ParseError:
        data = None
    if isinstance(data, dict) and str(data.get("question", "")).strip():
        dodged = data.get("dodged")
        if isinstance(dodged, str):
            dodged = dodged.strip().lower() in ("true", "yes", "1")
        return (None if dodged is None else bool(dodged)), str(data["question"]).strip(), "json"
    asks = [ln.strip().strip('"“”*') for ln in (text or "").splitlines() if _QUESTION_LINE.search(ln.strip())]
    if data is None and asks:
        return None, asks[-1], "text"
    raise ParseError("no question in interviewer reply")


async def run_interviews(
    speaker: Speaker,
    interviewer: Engine,
    character: str,
    language: str,
    system: str,
    openers: list[Question],
    rounds: int,
) -> list[Interview]:
    lg = lang(language)
    interviews = [
        Interview(f"iv{i}-{q.id}", q.topic, q.excerpt, [("user", q.text)]) for i, q in enumerate(openers)
    ]
    for r in range(rounds):
        active = [iv for iv in interviews if iv.stopped is None]
        if not active:
            break
        convs = [Conversation(f"{iv.id}:r{r}", character, language, system, list(iv.turns)) for iv in active]
        for iv, ans in zip(active, await speaker.answer(convs), strict=True):
            if ans.text is None:
                iv.stopped = f"model: {ans.error}"
            else:
                iv.turns.append(("assistant", ans.text))
        asking = [iv for iv in active if iv.stopped is None and r < rounds - 1]
        if not asking:
            continue
        reqs = [
            Request(
                id=iv.id,
                stage="interviewer",
                schema=SCHEMA,
                parse=_parse_next,
                messages=prompts.render(
                    "eval_interviewer",
                    lg,
                    character=character,
                    topic=TOPIC_TEXT[lg].get(iv.topic, iv.topic),
                    excerpt=iv.excerpt or "-",
                    transcript=iv.transcript(character, language),
                ),
            )
            for iv in asking
        ]
        by_id = {iv.id: iv for iv in asking}
        async for res in interviewer.stream(reqs):
            iv = by_id[res.request.id]
            if not res.ok:
                iv.stopped = f"interviewer: {res.error}"
                iv.calls.append("unparsable" if res.error in ("parse", "truncated") else "failed")
                continue
            dodged, question, read = res.value
            iv.calls.append(read)
            if dodged is not None:
                iv.dodged.append(dodged)
            iv.turns.append(("user", question))
    return interviews


def pick_openers(questions: list[Question], count: int) -> list[Question]:
    """Round-robin over topics so the interviews cover all of them."""
    by_topic: dict[str, list[Question]] = {}
    for q in questions:
        by_topic.setdefault(q.topic, []).append(q)
    out: list[Question] = []
    k = 0
    while len(out) < count and any(len(v) > k for v in by_topic.values()):
        out.extend(v[k] for v in by_topic.values() if len(v) > k)
        k += 1
    return out[:count]
