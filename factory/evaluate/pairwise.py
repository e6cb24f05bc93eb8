"""Pairwise preference against a reference model, judged in both orders.

Each question is judged twice (model as A, then as B). A verdict counts only when the two
orders agree on the same answer (or both say tie): a judge that prefers a position rather
than an answer gives no verdict, and how often that happened is reported as the disagreement
rate (with `first_position_share`, how often the judge picked answer A at all).
"""

from __future__ import annotations

from factory.engine import Engine
from factory.evaluate.judging import NO_REFERENCE, choice_parser, judge, request
from factory.evaluate.questions import Question
from factory.evaluate.scoring import parsed_share, rate
from factory.lang import lang_key

WINNER = choice_parser(
    ("winner", "胜者", "获胜者"), {"a": "A", "b": "B", "tie": "tie", "平局": "tie", "平手": "tie"}
)
ORDERS = (("mr", "A"), ("rm", "B"))  # (order, the model's position in it)


def _outcome(choice: str, model_is: str) -> str:
    return "tie" if choice == "tie" else ("win" if choice == model_is else "loss")


def agreed(outcomes: list[str | None]) -> str | None:
    """The verdict both orders give, or None when they disagree or one is missing."""
    return (
        outcomes[0] if len(outcomes) == 2 and outcomes[0] is not None and outcomes[0] == outcomes[1] else None
    )


async def evaluate_pairwise(
    judge_engine: Engine,
    questions: list[Question],
    model: dict[str, str | None],
    reference: dict[str, str | None],
    character: str,
    language: str,
) -> tuple[dict, list[dict]]:
    lg = lang_key(language)
    both = [q for q in questions if model.get(q.id) and reference.get(q.id)]
    reqs = []
    for q in both:
        for order, (a, b) in (("mr", (model[q.id], reference[q.id])), ("rm", (reference[q.id], model[q.id]))):
            reqs.append(
                request(
                    "judge_pairwise",
                    "pairwise",
                    f"{q.id}/{order}",
                    language,
                    WINNER,
                    character=character,
                    reference=q.excerpt or NO_REFERENCE[lg],
                    question=q.text,
                    answer_a=a,
                    answer_b=b,
                )
            )
    verdicts = {j.id: j for j in await judge(judge_engine, reqs)}
    rows, counts = [], {"win": 0, "tie": 0, "loss": 0}
    disagreed = both_parsed = said_a = 0
    js = list(verdicts.values())
    for q in both:
        got: dict[str, str] = {}
        outcomes: list[str | None] = []
        for order, model_is in ORDERS:
            j = verdicts[f"{q.id}/{order}"]
            got[order] = _outcome(j.value, model_is) if j.status == "ok" else j.status
            outcomes.append(got[order] if j.status == "ok" else None)
            said_a += j.status == "ok" and j.value == "A"
        verdict = agreed(outcomes)
        if None not in outcomes:
            both_parsed += 1
            disagreed += verdict is None
        if verdict is not None:
            counts[verdict] += 1
        rows.append(
            {
                "id": q.id,
                "question": q.text,
                "model": model[q.id],
                "reference": reference[q.id],
                **got,
                "verdict": verdict,
            }
        )
    n = sum(counts.values())
    parsed = sum(j.status == "ok" for j in js)
    win = rate(counts["win"] + 0.5 * counts["tie"], n)
    summary = {
        "status": "ok",
        "questions": len(both),
        "judgments": len(js),
        "verdicts": n,
        **counts,
        "win_rate": win["rate"],
        "ci95": win["ci95"],
        "n": n,
        "disagreement": rate(disagreed, both_parsed),
        "first_position_share": rate(said_a, parsed),
        "parsed": parsed_share(
            parsed,
            sum(j.status == "unparsable" for j in js),
            sum(j.status == "failed" for j in js),
            sum(j.read == "json" for j in js),
        ),
        "unparsable": sum(j.status == "unparsable" for j in js),
        "failed": sum(j.status == "failed" for j in js),
        "missing_answers": len(questions) - len(both),
    }
    return summary, rows
