"""One function per dimension, each with what it needs stated up front (`needs`).

Every step reads the shared `Ctx` (inputs, speakers, the questions and their answers) and
returns `(summary, detail rows)`; the runner records a skip with its reason when a need is
missing, so the report always says why a dimension has no number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from factory.chat.speaker import Answer, Conversation, Speaker
from factory.engine import Engine
from factory.evaluate import report
from factory.evaluate.consistency import evaluate_consistency
from factory.evaluate.inputs import RunInputs
from factory.evaluate.interviews import Interview, pick_openers, run_interviews
from factory.evaluate.judging import MULTI, SINGLE, judge, rubric_request
from factory.evaluate.knowledge import evaluate_knowledge
from factory.evaluate.memory import evaluate_memory
from factory.evaluate.offline import offline_metrics
from factory.evaluate.pairwise import evaluate_pairwise
from factory.evaluate.questions import Question
from factory.evaluate.scoring import score_stats


@dataclass
class Ctx:
    opts: object  # EvalOptions
    inputs: RunInputs
    speaker: Speaker
    judge: Engine | None
    reference: Engine | None
    system: str
    questions: list[Question] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    interviews: list[Interview] = field(default_factory=list)

    @property
    def character(self) -> str:
        return self.inputs.character

    @property
    def language(self) -> str:
        return self.inputs.language

    def conversations(self) -> list[Conversation]:
        return [
            Conversation(q.id, self.character, self.language, self.system, [("user", q.text)])
            for q in self.questions
        ]


async def interviews(ctx: Ctx) -> tuple[dict, list[dict]]:
    o = ctx.opts
    ctx.interviews = await run_interviews(
        ctx.speaker,
        ctx.judge,
        ctx.character,
        ctx.language,
        ctx.system,
        pick_openers(ctx.questions, o.interviews),
        o.rounds,
    )
    rows = [
        {"id": iv.id, "topic": iv.topic, "turns": iv.turns, "dodged": iv.dodged, "stopped": iv.stopped}
        for iv in ctx.interviews
    ]
    return report.interview_summary(ctx.interviews, o.rounds), rows


async def rubrics(ctx: Ctx) -> tuple[dict, list[dict]]:
    c, lg = ctx.character, ctx.language
    reqs = [
        rubric_request(d, q.id, lg, c, q.excerpt, q.text, ctx.answers[q.id].text)
        for q in ctx.questions
        if ctx.answers[q.id].text
        for d in SINGLE
    ]
    unanswered = sum(
        not ctx.answers[q.id].text for q in ctx.questions
    )  # the model failed: no judgment possible
    reqs += [
        rubric_request(d, iv.id, lg, c, iv.excerpt, transcript=iv.transcript(c, lg))
        for iv in ctx.interviews
        if sum(r == "assistant" for r, _ in iv.turns) >= 2
        for d in MULTI
    ]
    judgments = await judge(ctx.judge, reqs)
    topic = {q.id: q.topic for q in ctx.questions}
    summary: dict = {"status": "ok"}
    for d in SINGLE + MULTI:
        js = [j for j in judgments if j.dimension == d]
        summary[d] = score_stats(
            [j.value for j in js if j.status == "ok"],
            sum(j.status == "unparsable" for j in js),
            sum(j.status == "failed" for j in js) + (unanswered if d in SINGLE else 0),
            sum(j.read == "json" for j in js),
        )
        if d in SINGLE:
            summary[d]["by_topic"] = report.topic_means(
                [(topic[j.id], j.value) for j in js if j.status == "ok"]
            )
    rows = [
        {
            "id": j.id,
            "dimension": j.dimension,
            "value": j.value,
            "status": j.status,
            "read": j.read,
            "reasoning": j.reasoning,
        }
        for j in judgments
    ]
    return summary, rows


async def memory(ctx: Ctx) -> tuple[dict, list[dict]]:
    return await evaluate_memory(ctx.speaker, ctx.judge, ctx.inputs.probes[: ctx.opts.probes], ctx.language)


async def knowledge(ctx: Ctx) -> tuple[dict, list[dict]]:
    return await evaluate_knowledge(
        ctx.speaker,
        ctx.judge,
        ctx.inputs.knowledge[: ctx.opts.knowledge],
        ctx.character,
        ctx.language,
        ctx.system,
    )


async def consistency(ctx: Ctx) -> tuple[dict, list[dict]]:
    summary, rows = await evaluate_consistency(
        ctx.speaker, ctx.judge, ctx.inputs.exchanges[: ctx.opts.exchanges], ctx.character, ctx.language
    )
    summary["source"] = ctx.inputs.exchanges_from
    return summary, rows


async def pairwise(ctx: Ctx) -> tuple[dict, list[dict]]:
    ref = Speaker(ctx.reference, style=ctx.opts.reference_style, prefill=ctx.opts.prefill, stage="reference")
    ref_answers = {a.conversation.id: a.text for a in await ref.answer(ctx.conversations())}
    summary, rows = await evaluate_pairwise(
        ctx.judge,
        ctx.questions,
        {k: a.text for k, a in ctx.answers.items()},
        ref_answers,
        ctx.character,
        ctx.language,
    )
    summary["reference"] = ctx.reference.settings.model
    return summary, rows


async def offline(ctx: Ctx) -> tuple[dict, list[dict]]:
    texts = [a.text for a in ctx.answers.values() if a.text]
    texts += [t for iv in ctx.interviews for r, t in iv.turns if r == "assistant"]
    return {
        "status": "ok",
        **offline_metrics(texts, ctx.character, ctx.language, ctx.inputs.quality, ctx.inputs.aliases),
    }, []


def _needs_judge(reason: str) -> Callable[[Ctx], str | None]:
    return lambda ctx: None if ctx.judge is not None else reason


# (name, step, why it cannot run or None), in the order they run: interviews feed rubrics and offline.
STEPS = [
    ("interviews", interviews, _needs_judge("multi-turn interviews need an interviewer (--judge)")),
    ("rubrics", rubrics, _needs_judge("rubrics need --judge")),
    (
        "memory",
        memory,
        lambda ctx: (
            None
            if ctx.inputs.probes
            else "no planted-fact probes in the run (sessions.jsonl / persona samples with labels.probes)"
        ),
    ),
    (
        "knowledge",
        knowledge,
        lambda ctx: (
            None
            if ctx.inputs.knowledge and ctx.opts.knowledge
            else "no knowledge-boundary scenes in the run (protection samples or scenes: anachronism, future_spoiler, "
            "out_of_expertise)"
        ),
    ),
    (
        "consistency",
        consistency,
        lambda ctx: (
            _needs_judge("the fool-rate test needs --judge")(ctx)
            or (
                None
                if ctx.inputs.exchanges
                else "no held-out dialogues (export/*.eval.jsonl or kept samples)"
            )
        ),
    ),
    (
        "pairwise",
        pairwise,
        lambda ctx: (
            None
            if ctx.reference is not None and ctx.judge is not None
            else "pairwise needs --reference and --judge"
        ),
    ),
    ("offline", offline, lambda ctx: None),
]
