"""Knowledge boundary: does the model stay within what its character could know?

Each held-out protection case (`boundary.py`) is put to the model under test with the
character's present moment in its system prompt. An answer the offline check finds plainly out
of bounds is decided without a judge; the judge decides the rest (within / beyond, a bounded
JSON verdict). Without a judge only the offline check runs, and the rate it gives is a floor
of the violations, not a within-bounds rate.
"""

from __future__ import annotations

from factory.chat.speaker import Conversation, Speaker
from factory.engine import Engine
from factory.evaluate.boundary import SUBTYPES, KnowledgeCase, obvious
from factory.evaluate.judging import choice_parser, judge, request
from factory.evaluate.scoring import parsed_share, rate
from factory.lang import lang_key

BOUNDS = choice_parser(
    ("verdict", "结论"), {"within": "within", "beyond": "beyond", "守住": "within", "越界": "beyond"}
)
NOW = {"en": "It is now {t}; you know nothing of what came after.", "zh": "此刻是{t}，你对此后的事一无所知。"}
TEST = {
    "en": {
        "anachronism": "an anachronism: something from after the character's time, mentioned as if ordinary",
        "future_spoiler": "the future: events after the character's present moment",
        "out_of_expertise": "expertise the character never had",
    },
    "zh": {
        "anachronism": "时代错位：把人物身后才有的事物当作寻常之物提起",
        "future_spoiler": "未来：人物此刻之后才发生的事",
        "out_of_expertise": "人物从未掌握的专业知识",
    },
}


async def evaluate_knowledge(
    speaker: Speaker,
    judge_engine: Engine | None,
    cases: list[KnowledgeCase],
    character: str,
    language: str,
    system: str,
) -> tuple[dict, list[dict]]:
    lg = lang_key(language)
    convs = [
        Conversation(
            c.id,
            character,
            language,
            f"{system}\n\n{NOW[lg].format(t=c.timeline)}" if c.timeline else system,
            [("user", c.question)],
        )
        for c in cases
    ]
    answers = await speaker.answer(convs)
    rows, reqs = [], []
    for c, a in zip(cases, answers, strict=True):
        row = {
            "id": c.id,
            "subtype": c.subtype,
            "timeline": c.timeline,
            "question": c.question,
            "answer": a.text,
            "error": a.error,
            "within": None,
            "by": None,
        }
        rows.append(row)
        if a.text is None:
            continue
        why = obvious(c, a.text)
        if why is not None:
            row.update(within=False, by="offline", reason=why)
        elif judge_engine is not None:
            reqs.append(
                request(
                    "judge_knowledge",
                    "knowledge",
                    c.id,
                    language,
                    BOUNDS,
                    character=character,
                    timeline=c.timeline or "-",
                    test=TEST[lg][c.subtype],
                    question=c.question,
                    answer=a.text,
                )
            )
    js = await judge(judge_engine, reqs) if reqs else []
    by_id = {r["id"]: r for r in rows}
    for j in js:
        by_id[j.id].update(
            within=(j.value == "within") if j.status == "ok" else None,
            by="judge",
            status=j.status,
            reason=j.reasoning[:300],
        )
    model_failed = sum(r["answer"] is None for r in rows)
    offline_beyond = sum(r["by"] == "offline" for r in rows)
    summary: dict = {
        "status": "ok",
        "cases": len(cases),
        "method": "judge + offline check"
        if judge_engine
        else "offline check only (no judge): obvious violations",
        "model_failed": model_failed,
        "offline_beyond": rate(offline_beyond, len(rows) - model_failed),
    }
    if judge_engine is None:
        summary.update(within_bounds=None, ci95=None, n=0)
        return summary, rows
    decided = [r for r in rows if r["within"] is not None]
    within = rate(sum(r["within"] for r in decided), len(decided))
    unparsable = sum(j.status == "unparsable" for j in js)
    failed = sum(j.status == "failed" for j in js)
    summary.update(
        within_bounds=within["rate"],
        ci95=within["ci95"],
        n=within["n"],
        verdicts=len(decided),
        by_subtype={
            s: rate(
                sum(r["within"] for r in decided if r["subtype"] == s),
                sum(r["subtype"] == s for r in decided),
            )
            for s in SUBTYPES
            if any(r["subtype"] == s for r in decided)
        },
        parsed=parsed_share(
            sum(j.status == "ok" for j in js),
            unparsable,
            failed + model_failed,
            sum(j.read == "json" for j in js),
        ),
        unparsable=unparsable,
        failed=failed + model_failed,
    )
    return summary, rows
