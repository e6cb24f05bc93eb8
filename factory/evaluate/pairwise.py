"""Pairwise preference against a reference model: both orders, ties allowed, Wilson interval.

Each question is judged twice (model as A, then as B) so position bias cancels; every judgment
counts, a tie as half a win. `order_agreement` says how often the two orders agreed.
"""

from __future__ import annotations

from factory.engine import Engine
from factory.evaluate.judging import NO_REFERENCE, choice_parser, judge, request
from factory.evaluate.questions import Question
from factory.evaluate.scoring import rate

WINNER = choice_parser(("winner", "胜者", "获胜者"), {"a": "A", "b": "B", "tie": "tie", "平局": "tie", "平手": "tie"})


def _outcome(choice: str, model_is: str) -> str:
    return "tie" if choice == "tie" else ("win" if choice == model_is else "loss")


async def evaluate_pairwise(judge_engine: Engine, questions: list[Question], model: dict[str, str | None],
                            reference: dict[str, str | None], character: str, language: str) -> tuple[dict, list[dict]]:
    lg = "zh" if language.startswith("zh") else "en"
    both = [q for q in questions if model.get(q.id) and reference.get(q.id)]
    reqs = []
    for q in both:
        for order, (a, b) in (("mr", (model[q.id], reference[q.id])), ("rm", (reference[q.id], model[q.id]))):
            reqs.append(request("judge_pairwise", "pairwise", f"{q.id}/{order}", language, WINNER,
                                character=character, reference=q.excerpt or NO_REFERENCE[lg], question=q.text,
                                answer_a=a, answer_b=b))
    verdicts = {j.id: j for j in await judge(judge_engine, reqs)}
    rows, counts = [], {"win": 0, "tie": 0, "loss": 0}
    agree = both_parsed = 0
    for q in both:
        got = {}
        for order, model_is in (("mr", "A"), ("rm", "B")):
            j = verdicts[f"{q.id}/{order}"]
            got[order] = _outcome(j.value, model_is) if j.status == "ok" else j.status
            if j.status == "ok":
                counts[got[order]] += 1
        if all(v in counts for v in got.values()):
            both_parsed += 1
            agree += got["mr"] == got["rm"]
        rows.append({"id": q.id, "question": q.text, "model": model[q.id], "reference": reference[q.id], **got})
    n = sum(counts.values())
    statuses = [v for r in rows for k, v in r.items() if k in ("mr", "rm")]
    summary = {"status": "ok", "questions": len(both), "judgments": n, **counts,
               "win_rate": None, **rate(counts["win"] + 0.5 * counts["tie"], n),
               "order_agreement": round(agree / both_parsed, 4) if both_parsed else None,
               "unparsable": statuses.count("unparsable"), "failed": statuses.count("failed"),
               "missing_answers": len(questions) - len(both)}
    summary["win_rate"] = summary.pop("rate")
    return summary, rows
