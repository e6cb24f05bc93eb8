"""Consistency as a fool rate: can the judge tell the model's line from the real one?

For each held-out exchange the model writes the character's next line; the judge sees the real
and the generated line twice, once in each order, and must name the generated one. A verdict
counts only when both orders point at the same line: caught (the generated one both times) or
fooled (the real one both times). A judge that names a position instead gives no verdict; the
disagreement rate says how often. The fool rate is fooled / verdicts: 0.5 = indistinguishable.
"""

from __future__ import annotations

from factory.chat.speaker import Conversation, Speaker
from factory.engine import Engine
from factory.evaluate.inputs import Exchange
from factory.evaluate.judging import choice_parser, judge, request, transcript_text
from factory.evaluate.pairwise import agreed
from factory.evaluate.scoring import parsed_share, rate
from factory.lang import lang_key

PICK = choice_parser(("generated", "生成"), {"1": "1", "2": "2"})
OTHER = {"en": "Other", "zh": "对方"}
ORDERS = (("g1", "1"), ("g2", "2"))  # (order, where the generated line is in it)


async def evaluate_consistency(
    speaker: Speaker,
    judge_engine: Engine,
    exchanges: list[Exchange],
    character: str,
    language: str,
    context_turns: int = 8,
) -> tuple[dict, list[dict]]:
    lg = lang_key(language)
    convs = [Conversation(e.id, character, language, e.system, e.turns) for e in exchanges]
    answers = await speaker.answer(convs)
    rows, reqs = [], []
    for e, a in zip(exchanges, answers, strict=True):
        rows.append({"id": e.id, "real": e.real, "generated": a.text, "error": a.error})
        if a.text is None:
            continue
        context = transcript_text(e.turns[-context_turns:], character, OTHER[lg])
        for order, _ in ORDERS:
            lines = (a.text, e.real) if order == "g1" else (e.real, a.text)
            reqs.append(
                request(
                    "judge_fool",
                    "consistency",
                    f"{e.id}/{order}",
                    language,
                    PICK,
                    character=character,
                    context=context,
                    line_1=lines[0],
                    line_2=lines[1],
                )
            )
    verdicts = {j.id: j for j in await judge(judge_engine, reqs)}
    disagreed = both_parsed = 0
    for row in rows:
        if row["generated"] is None:
            continue
        outcomes: list[str | None] = []
        for order, generated_is in ORDERS:
            j = verdicts[f"{row['id']}/{order}"]
            row[order] = ("caught" if j.value == generated_is else "fooled") if j.status == "ok" else j.status
            outcomes.append(row[order] if j.status == "ok" else None)
        verdict = agreed(outcomes)
        if None not in outcomes:
            both_parsed += 1
            disagreed += verdict is None
        row["fooled"] = None if verdict is None else verdict == "fooled"
    js = list(verdicts.values())
    scored = [r for r in rows if r.get("fooled") is not None]
    model_failed = sum(r["generated"] is None for r in rows)
    fool = rate(sum(r["fooled"] for r in scored), len(scored))
    unparsable = sum(j.status == "unparsable" for j in js)
    failed = sum(j.status == "failed" for j in js)
    summary = {
        "status": "ok",
        "exchanges": len(exchanges),
        "verdicts": len(scored),
        "fool_rate": fool["rate"],
        "ci95": fool["ci95"],
        "n": len(scored),
        "disagreement": rate(disagreed, both_parsed),
        "parsed": parsed_share(
            sum(j.status == "ok" for j in js),
            unparsable,
            failed + 2 * model_failed,
            sum(j.read == "json" for j in js),
        ),
        "unparsable": unparsable,
        "failed": failed + model_failed,
        "model_failed": model_failed,
    }
    return summary, rows
