"""Consistency as a fool rate: can the judge tell the model's line from the real one?

For each held-out exchange the model writes the character's next line; the judge sees the real
and the generated line (in an order fixed by the exchange id) and must name the generated one.
The fool rate is how often it picks the real line instead: 0.5 means indistinguishable.
"""

from __future__ import annotations

import hashlib

from factory.chat.speaker import Conversation, Speaker
from factory.engine import Engine
from factory.evaluate.inputs import Exchange
from factory.evaluate.judging import choice_parser, judge, request, transcript_text
from factory.evaluate.scoring import rate

PICK = choice_parser(("generated", "生成"), {"1": "1", "2": "2"})
OTHER = {"en": "Other", "zh": "对方"}


def generated_first(exchange_id: str) -> bool:
    return int(hashlib.sha256(exchange_id.encode()).hexdigest()[:8], 16) % 2 == 0


async def evaluate_consistency(speaker: Speaker, judge_engine: Engine, exchanges: list[Exchange], character: str,
                               language: str, context_turns: int = 8) -> tuple[dict, list[dict]]:
    lg = "zh" if language.startswith("zh") else "en"
    convs = [Conversation(e.id, character, language, e.system, e.turns) for e in exchanges]
    answers = await speaker.answer(convs)
    rows, reqs = [], []
    for e, a in zip(exchanges, answers, strict=True):
        row = {"id": e.id, "real": e.real, "generated": a.text, "error": a.error}
        rows.append(row)
        if a.text is None:
            continue
        first = generated_first(e.id)
        row["generated_is"] = "1" if first else "2"
        lines = (a.text, e.real) if first else (e.real, a.text)
        reqs.append(request("judge_fool", "consistency", e.id, language, PICK, character=character,
                            context=transcript_text(e.turns[-context_turns:], character, OTHER[lg]),
                            line_1=lines[0], line_2=lines[1]))
    verdicts = {j.id: j for j in await judge(judge_engine, reqs)}
    for row in rows:
        j = verdicts.get(row["id"])
        if j is None:
            continue
        row["status"] = j.status
        row["fooled"] = (j.value != row["generated_is"]) if j.status == "ok" else None
    scored = [r for r in rows if r.get("fooled") is not None]
    summary = {"status": "ok", "exchanges": len(exchanges), "fool_rate": None,
               **{k: v for k, v in rate(sum(r["fooled"] for r in scored), len(scored)).items()},
               "unparsable": sum(1 for r in rows if r.get("status") == "unparsable"),
               "failed": sum(1 for r in rows if r["generated"] is None or r.get("status") == "failed")}
    summary["fool_rate"] = summary.pop("rate")
    return summary, rows
