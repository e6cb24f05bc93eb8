"""The `self_sampled` kind of rejected reply: candidates sampled from the endpoint serving the
model being trained (prompted as the recipe exports the conversation), ranked by the judge with
the kept reply among them; the worst one ranked below the kept reply is rejected."""

from __future__ import annotations

import dataclasses
import string
from typing import TYPE_CHECKING

from factory.engine import Engine, ParseError, Request, Result, extract_json
from factory.export import quote
from factory.export.config import ExportConfig
from factory.export.convert import Options, build
from factory.prompts import render
from factory.records import Pair, make_id
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.stages.preference_pairs import Target, context_text, era, make_pair, stable_hash

if TYPE_CHECKING:  # the stage's config; the stage module imports this one
    from factory.stages.preferences import SelfSampledConfig


def chat_prompt(t: Target, opts: Options) -> list[dict]:
    """What the model being trained sees: the conversation so far, exported as the recipe exports it."""
    s = t.sample
    d = build(
        s.system,
        s.messages[: t.index],
        id=s.id,
        type=s.type,
        character=s.character,
        language=s.language,
        opts=opts,
        target=False,
    )
    if opts.style == "quote":
        d = quote.fold_prompt(d)
    return ([{"role": "system", "content": d.system}] if d.system else []) + [
        {"role": r, "content": c} for r, c, _ in d.messages()
    ]


def export_options(ctx: RunContext) -> Options:
    cfg = ctx.recipe.export or ExportConfig()
    return Options(system=cfg.system, others=cfg.others, style=cfg.style)


def sampler_engine(ctx: RunContext, sc: SelfSampledConfig) -> Engine:
    from factory.run.clients import self_sampling_client

    return self_sampling_client(sc, ctx.engine)


def sample_parser(name: str, style: str):
    def parse(text: str) -> str:
        body = quote.unquote(text, name) if style == "quote" else text.strip()
        if not body:
            raise ParseError("empty sample")
        return body

    return parse


def sample_requests(targets: list[Target], sc: SelfSampledConfig, opts: Options) -> list[Request]:
    return [
        Request(
            id=make_id("req-pref-smp", t.sample.id, t.index, k, sc.model, opts.style),
            messages=chat_prompt(t, opts),
            sample_index=k,
            parse=sample_parser(t.sample.character, opts.style),
            meta={"target": t, "k": k},
        )
        for t in targets
        for k in range(sc.samples)
    ]


def sample_records(res: Result) -> list[dict]:
    t, k = res.request.meta["target"], res.request.meta["k"]
    return [
        {
            "id": make_id("psmp", t.sample.id, t.index, k, res.request.id),
            "sample_id": t.sample.id,
            "turn": t.index,
            "k": k,
            "text": res.value,
        }
    ]


def parse_ranking(letters: list[str]):
    def parse(text: str) -> list[str]:
        data = extract_json(text)
        ranking = data.get("ranking") if isinstance(data, dict) else data
        if not isinstance(ranking, list):
            raise ParseError('expected {"ranking": [...]}')
        out = []
        for x in ranking:
            letter = str(x).strip().strip("[]()").upper()[:1]
            if letter in letters and letter not in out:
                out.append(letter)
        if len(out) < 2:
            raise ParseError(f"ranking names fewer than two of {letters}")
        return out

    return parse


def judge_requests(
    ctx: RunContext, targets: list[Target], candidates: dict[tuple[str, int], list[str]]
) -> list[Request]:
    reqs = []
    for t in targets:
        texts = [
            c
            for c in dict.fromkeys(candidates.get((t.sample.id, t.index), []))
            if " ".join(c.split()) != " ".join(t.chosen.content.split())
        ]
        if not texts:
            continue
        gold_at = int(stable_hash(t.sample.id, t.index, "gold"), 16) % (len(texts) + 1)
        options = texts[:gold_at] + [t.chosen.content] + texts[gold_at:]
        letters = list(string.ascii_uppercase[: len(options)])
        block = "\n\n".join(f"[{a}]\n{o}" for a, o in zip(letters, options, strict=True))
        messages = render(
            "pref_judge",
            t.lang,
            character=t.sample.character,
            era=era(ctx, t),
            context=context_text(t),
            candidates=block,
        )
        reqs.append(
            Request(
                id=make_id("req-pref-judge", t.sample.id, t.index, texts),
                messages=messages,
                schema={
                    "type": "object",
                    "properties": {"ranking": {"type": "array", "items": {"type": "string"}}},
                    "required": ["ranking"],
                },
                parse=parse_ranking(letters),
                meta={
                    "target": t,
                    "options": dict(zip(letters, options, strict=True)),
                    "gold": letters[gold_at],
                },
            )
        )
    return reqs


def judge_records(sampler: str, judge: str):
    def to_records(res: Result) -> list[Pair]:
        meta, ranking = res.request.meta, res.value
        if meta["gold"] not in ranking:
            raise ParseError("the ranking leaves out the kept reply")
        below = ranking[ranking.index(meta["gold"]) + 1 :]
        if not below:
            return []  # every sample beat the kept reply: no honest pair here
        return [
            make_pair(
                meta["target"],
                meta["options"][below[-1]],
                "self_sampled",
                {
                    "generator": sampler,
                    "judge": judge,
                    "rank_of_kept": ranking.index(meta["gold"]) + 1,
                    "candidates": len(meta["options"]),
                },
            )
        ]

    return to_records


async def ask_self_sampled(
    ctx: RunContext, targets: list[Target], sc: SelfSampledConfig, pairs: str, candidates_set: str
) -> None:
    """Sample candidates into `candidates_set` (kept, so a resume never re-samples), then rank them:
    the pairs land in `pairs`."""
    engine = sampler_engine(ctx, sc)
    try:
        await execute(
            dataclasses.replace(ctx, engine=engine),
            candidates_set,
            sample_requests(targets, sc, export_options(ctx)),
            sample_records,
        )
    finally:
        await engine.close()
    candidates: dict[tuple[str, int], list[str]] = {}
    asked = {(t.sample.id, t.index) for t in targets}  # held, not lost: a later selection may want them
    kept = ctx.run.finalize(
        candidates_set, keep=lambda objs: [c for c in objs if (c["sample_id"], c["turn"]) in asked], hold=True
    )
    for o in kept:
        candidates.setdefault((o["sample_id"], o["turn"]), []).append(o["text"])
    judge = ctx.judge.settings.model if ctx.judge else ""
    await execute(
        ctx, pairs, judge_requests(ctx, targets, candidates), judge_records(sc.model, judge), engine=ctx.judge
    )
