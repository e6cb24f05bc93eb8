"""Memory: the facts sessions planted early and asked for later; accuracy by distance.

The model answers the asking turn with the session's own history before it (the reference
turns, not its own, so every probe tests recall at exactly the recorded distance). The judge
decides whether the fact was recalled; without a judge, a fuzzy match on the answer hint does.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from factory.chat.speaker import Conversation, Speaker
from factory.engine import Engine
from factory.evaluate.inputs import ProbeCase
from factory.evaluate.judging import choice_parser, judge, request
from factory.evaluate.scoring import parsed_share, rate

BUCKETS = ((1, 2), (3, 5), (6, 10), (11, 20), (21, 10**9))
YES_NO = choice_parser(("verdict", "结论"), {"yes": "yes", "no": "no", "是": "yes", "否": "no"})


def bucket(distance: int) -> str:
    for lo, hi in BUCKETS:
        if lo <= distance <= hi:
            return f"{lo}+" if hi >= 10**9 else f"{lo}-{hi}"
    return "?"


def hint_match(hint: str, answer: str, threshold: float = 80.0) -> bool:
    return bool(hint.strip()) and fuzz.partial_ratio(hint.lower().strip(), answer.lower()) >= threshold


async def evaluate_memory(
    speaker: Speaker, judge_engine: Engine | None, cases: list[ProbeCase], language: str
) -> tuple[dict, list[dict]]:
    convs = [Conversation(c.id, c.character or "", language, c.system, c.turns) for c in cases]
    answers = await speaker.answer(convs)
    rows = [
        {
            "id": c.id,
            "distance": c.distance,
            "fact": c.fact,
            "hint": c.hint,
            "question": c.turns[-1][1],
            "answer": a.text,
            "error": a.error,
        }
        for c, a in zip(cases, answers, strict=True)
    ]
    answered = [(c, r) for c, r in zip(cases, rows, strict=True) if r["answer"] is not None]
    if judge_engine is not None:
        method = "judge"
        reqs = [
            request(
                "judge_memory",
                "memory",
                c.id,
                language,
                YES_NO,
                character=c.character or "-",
                fact=c.fact,
                hint=c.hint or "-",
                question=r["question"],
                answer=r["answer"],
            )
            for c, r in answered
        ]
        judged = await judge(judge_engine, reqs)
        verdicts = {j.id: j for j in judged}
        as_json: int | None = sum(j.read == "json" for j in judged)
        for _c, r in answered:
            j = verdicts[r["id"]]
            r["status"] = j.status
            r["correct"] = (j.value == "yes") if j.status == "ok" else None
    else:
        method = "answer-hint match (no judge)"
        as_json = None
        for c, r in answered:
            r["status"] = "ok" if c.hint.strip() else "no_hint"
            r["correct"] = hint_match(c.hint, r["answer"]) if c.hint.strip() else None
    scored = [r for r in rows if r.get("correct") is not None]
    by_bucket: dict[str, dict] = {}
    for lo, hi in BUCKETS:
        name = bucket(lo)
        got = [r for r in scored if lo <= r["distance"] <= hi]
        if got:
            by_bucket[name] = rate(sum(r["correct"] for r in got), len(got))
    unparsable = sum(1 for r in rows if r.get("status") == "unparsable")
    failed = sum(1 for r in rows if r["answer"] is None or r.get("status") == "failed")
    summary = {
        "status": "ok",
        "method": method,
        "cases": len(cases),
        **rate(sum(r["correct"] for r in scored), len(scored)),
        "unparsable": unparsable,
        "failed": failed,
        "by_distance": by_bucket,
        "verdicts": len(scored),
        "parsed": parsed_share(len(scored), unparsable, failed, as_json),
    }
    summary["accuracy"] = summary.pop("rate")
    return summary, rows
