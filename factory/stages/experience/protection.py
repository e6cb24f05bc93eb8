"""Stage: protection scenes (labelled traps the character must not fall for) and their scripts.

Character-LLM's "protective experiences" teach a model to stay ignorant of what its character
could not know. Here each trap has a subtype from a fixed taxonomy (anachronism, false_relation,
out_of_expertise, other_character, break_character, future_spoiler) with recipe weights.

The plan is rooted in chunks, like everything else, so shards and merges agree: a chunk with
P planned experience scenes gets about `share * P` protection slots; slot g of the whole run
takes subtype `weighted_cycle(quotas)[g]`, a smooth weighted round robin, so any prefix of the
plan holds the quotas to within one scene. Protection scenes live in protection_scenes.jsonl
(Scene, kind="protection", with subtype and question); their scripts in protection.jsonl.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator, model_validator

from factory.bounds import MAX_TOKENS
from factory.engine import ParseError, Request, Result
from factory.lang import character_names, pick
from factory.prompts import render
from factory.recipe.errors import Strict
from factory.records import Chunk, Scene, make_id
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.per_record import execute_per_record
from factory.run.stage import Block, Stage, StagePlan, StageReport
from factory.sources.chunking import spread_budget
from factory.stages.chunks import whole_chunks
from factory.stages.experience.interactions import (
    aliases_text,
    chunks_by_id,
    load_scenes,
    max_tokens,
    script_request,
    to_records,
)
from factory.stages.experience.scenes import finalize_distinct, like_one_landed, scene_from_item
from factory.stages.shared.parsing import bounded_string, json_items, lower_keys, text_field

NAME = "protection"


Subtype = Literal[
    "anachronism",
    "false_relation",
    "out_of_expertise",
    "other_character",
    "break_character",
    "future_spoiler",
]


SUBTYPES: tuple[str, ...] = (
    "anachronism",
    "false_relation",
    "out_of_expertise",
    "other_character",
    "break_character",
    "future_spoiler",
)


class ProtectionConfig(Strict):
    """Scenes where the character meets what it cannot know (Character-LLM's protective experiences)."""

    share: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Protection scenes as a share of the planned experience scenes, chunk by chunk.",
    )
    # relative weights per subtype (normalised); a subtype left out gets none
    quotas: dict[Subtype, float] = Field(
        default_factory=lambda: dict.fromkeys(SUBTYPES, 1.0),
        description="Relative weight per subtype (normalised, each >= 0); a subtype left out gets none.",
    )
    min_turns: int = Field(3, ge=2, le=40, description="Fewest turns in a script (at most `max_turns`).")
    max_turns: int = Field(8, ge=2, le=40, description="Most turns in a script.")
    max_tokens: int = Field(
        1024,
        ge=64,
        le=MAX_TOKENS,
        description="Reply tokens per script request; never above backend.max_tokens.",
    )
    # judge: one more request per script asks whether the character reacted as someone who cannot
    # know (kept) or played along / answered as an assistant (left out of the samples)
    check: Literal["none", "judge"] = Field(
        "none",
        description="judge: one more request per script asks whether "
        "the character stayed unknowing (kept) or played along (dropped).",
    )

    @field_validator("quotas")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        if any(w < 0 for w in v.values()):
            raise ValueError("weights must be >= 0")
        if v and sum(v.values()) <= 0:
            raise ValueError("at least one weight must be > 0")
        return v

    @model_validator(mode="after")
    def _order(self) -> ProtectionConfig:
        if self.min_turns > self.max_turns:
            raise ValueError("protection.min_turns: must be <= max_turns")
        return self


SCENES = "protection_scenes"


@dataclass(frozen=True)
class Slot:
    chunk: Chunk
    m: int  # slot number within the chunk
    g: int  # slot number in the whole plan
    subtype: str

    @property
    def scene_id(self) -> str:
        return make_id("pscn", self.chunk.id, self.m, self.subtype)


def weighted_cycle(weights: dict[str, float], n: int) -> list[str]:
    """The first n picks of a smooth weighted round robin (nginx style): deterministic, evenly spread."""
    names = [s for s in SUBTYPES if weights.get(s, 0) > 0]
    total = sum(weights[s] for s in names)
    current = dict.fromkeys(names, 0.0)
    out = []
    for _ in range(n):
        for s in names:
            current[s] += weights[s]
        best = max(names, key=lambda s: current[s])  # ties: taxonomy order
        current[best] -= total
        out.append(best)
    return out


def _half_up(x: float) -> int:
    return math.floor(x + 0.5 + 1e-9)


def plan(ctx: RunContext, chunks: list[Chunk]) -> list[Slot]:
    """Protection slots, ordered so that `--limit N` takes the first slot of N different chunks."""
    cfg, scenes = ctx.recipe.protection, ctx.recipe.scenes
    if cfg.share <= 0 or not chunks:
        return []
    if scenes.total:
        planned = spread_budget(chunks, scenes.total)
        starts = [sum(planned[:i]) for i in range(len(chunks))]  # position within this run's chunks
    else:
        planned = [scenes.per_chunk] * len(chunks)
        starts = [scenes.per_chunk * c.index for c in chunks]  # global: shards agree with the whole run
    spans = [
        (_half_up(cfg.share * s), _half_up(cfg.share * (s + p))) for s, p in zip(starts, planned, strict=True)
    ]
    cycle = weighted_cycle(cfg.quotas, max((b for _, b in spans), default=0) + len(SUBTYPES))
    slots = []
    for chunk, (a, b) in zip(chunks, spans, strict=True):
        has_future = any(c.index > chunk.index and c.period != chunk.period for c in chunks) or bool(
            ctx.recipe.character.timeline_point
        )
        for m, g in enumerate(range(a, b)):
            subtype = cycle[g]
            if subtype == "future_spoiler" and not has_future:  # nothing later to spoil: next kind in line
                subtype = next((s for s in cycle[g + 1 :] if s != "future_spoiler"), None)
                if subtype is None:
                    continue
            slots.append(Slot(chunk, m, g, subtype))
    return sorted(slots, key=lambda s: (s.m, s.chunk.index))


def future_text(ctx: RunContext, chunk: Chunk, chunks: list[Chunk]) -> str:
    later = [c for c in chunks if c.index > chunk.index and c.period != chunk.period]
    if later:
        pick = later[len(later) // 2]
        return f"({pick.period}) {pick.text[:500]}"
    return ctx.recipe.character.timeline_point or ""


def _nonempty(max_length: int) -> dict:
    return {**bounded_string(max_length), "minLength": 1}


def question_schema() -> dict:
    item = {
        "type": "object",
        "properties": {
            "type": bounded_string(40),
            "location": _nonempty(120),
            "time": bounded_string(80),
            "participants": {"type": "array", "items": bounded_string(60), "minItems": 1, "maxItems": 5},
            "background": _nonempty(400),
            "question": _nonempty(300),
        },
        "required": ["type", "location", "time", "participants", "background", "question"],
    }
    return {
        "type": "object",
        "properties": {"scenes": {"type": "array", "items": item, "minItems": 1, "maxItems": 1}},
        "required": ["scenes"],
    }


def parse_protection_scene(character: str, aliases: list[str], types: list[str]):
    names = character_names(character, aliases)
    known = [t.lower() for t in types]

    def parse(text: str) -> dict:
        for it in json_items(text, "scenes"):
            if isinstance(it.get("scene"), dict):  # {"scene": {...}}
                it = lower_keys(it["scene"])
            scene = scene_from_item(it, character, names, known)
            question = text_field(
                it, "question", "line", "provocation", "challenge", "prompt", "trap", limit=600
            )
            if scene is not None and question:
                scene["question"] = question.strip('"“”「」')
                return scene
        raise ParseError("no usable protection scene (needs location, background and question)")

    return parse


def scene_requests(ctx: RunContext, slots: list[Slot], chunks: list[Chunk]) -> list[Request]:
    timeline = ctx.recipe.character.timeline_point
    requests = []
    for slot in slots:
        extra = {"character": ctx.character, "future": future_text(ctx, slot.chunk, chunks)}
        rule = render(f"protection/{slot.subtype}", ctx.language, **extra)[0]["content"]
        when = (
            pick(ctx.language, f" (the character's present: {timeline})", f"；此刻为“{timeline}”")
            if timeline
            else ""
        )
        messages = render(
            "protection_scenes",
            ctx.language,
            character=ctx.character,
            aliases=aliases_text(ctx),
            period=slot.chunk.period,
            timeline=when,
            chunk=slot.chunk.text,
            rule=rule,
        )
        requests.append(
            Request(
                id=make_id("req-pscn", slot.chunk.id, slot.m, slot.subtype, ctx.language),
                messages=messages,
                schema=question_schema(),
                sample_index=slot.m,
                parse=parse_protection_scene(
                    ctx.character, ctx.recipe.character.aliases, ctx.recipe.scenes.types
                ),
                params={"max_tokens": max_tokens(ctx, 512)},
                meta={"scene_id": slot.scene_id, "chunk_id": slot.chunk.id, "subtype": slot.subtype},
            )
        )
    return requests


def scene_record(res: Result) -> list[Scene]:
    meta = res.request.meta
    return [
        Scene(
            id=meta["scene_id"],
            chunk_ids=[meta["chunk_id"]],
            kind="protection",
            subtype=meta["subtype"],
            **res.value,
        )
    ]


def interaction_requests(ctx: RunContext, scenes: list[Scene], chunks: dict[str, Chunk]) -> list[Request]:
    cfg = ctx.recipe.protection
    out = []
    for scene in scenes:
        reaction = render("protection/reaction", ctx.language, character=ctx.character)[0]["content"]
        out.append(
            script_request(
                ctx,
                request_id=make_id("req-pint", scene.id, ctx.language),
                task="protection_interactions",
                scene=scene,
                chunks=chunks,
                min_turns=cfg.min_turns,
                max_turns=cfg.max_turns,
                tokens=cfg.max_tokens,
                extra={"question": scene.question or "", "reaction": reaction},
            )
        )
    return out


def _count(objs: list[dict], key: str = "subtype") -> dict[str, int]:
    out: dict[str, int] = {}
    for o in objs:
        out[o[key]] = out.get(o[key], 0) + 1
    return dict(sorted(out.items()))


class ProtectionReport(StageReport):
    planned: int
    planned_by_subtype: dict[str, int]
    scenes_by_subtype: dict[str, int]
    interactions_by_subtype: dict[str, int]


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    """The slots are known from the recipe (exact); their scripts follow the scenes that come back."""
    from factory.run.plan import add, request_plan

    chunk_map = chunks_by_id(ctx)
    chunks = sorted(chunk_map.values(), key=lambda c: c.index)
    asks = request_plan(ctx, scene_requests(ctx, plan(ctx, chunks), chunks))
    scenes = [
        Scene(
            id=make_id("plan-pscn", i),
            chunk_ids=[chunks[i % len(chunks)].id],
            kind="protection",
            type="conversation",
            location="a room in the house",
            time=chunks[i % len(chunks)].period,
            participants=[ctx.character, "a visitor"],
            background=" ".join(["word"] * 40),
            question=" ".join(["word"] * 15),
        )
        for i in range(asks.requests)
    ]
    scripts = request_plan(ctx, interaction_requests(ctx, scenes, chunk_map), exact=False)
    p = add(asks, scripts)
    p.note = f"{asks.requests} scene requests (exact) + {scripts.requests} scripts"
    p.makes = {NAME: scripts.requests, SCENES: asks.requests}
    return p


async def run(ctx: RunContext) -> ProtectionReport:
    chunk_map = chunks_by_id(ctx)
    # a shard plans over every chunk, as the whole run does, and asks its part
    chunks = sorted(whole_chunks(ctx), key=lambda c: c.index)
    slots = [s for s in plan(ctx, chunks) if s.chunk.id in chunk_map]
    planned_ids = {s.scene_id for s in slots}
    threshold = ctx.recipe.scenes.dedup_threshold
    # each scene's answer goes out as the scene lands (factory/run/per_record.py), unless not streaming
    streaming = ctx.open_feed(SCENES) is not None

    async def ask_scenes() -> tuple[list[dict], int]:
        try:
            await execute(ctx, SCENES, scene_requests(ctx, slots, chunks), scene_record)
            return finalize_distinct(ctx, SCENES, threshold, among=lambda o: o["id"] in planned_ids)
        finally:
            ctx.close_feed(SCENES)

    def answers(objs: list[dict]) -> list[Request]:
        return interaction_requests(ctx, [Scene.model_validate(o) for o in objs], chunk_map)

    if streaming:
        async with asyncio.TaskGroup() as group:
            asked = group.create_task(ask_scenes())
            answered = group.create_task(
                execute_per_record(
                    ctx, NAME, SCENES, answers, to_records("pint"), hold=like_one_landed(threshold)
                )
            )
        (kept_scenes, judged), outcome = asked.result(), answered.result()
    else:
        kept_scenes, judged = await ask_scenes()
        outcome = await execute_per_record(ctx, NAME, SCENES, answers, to_records("pint"))
    ctx.drop("protection_near_duplicate", judged - len(kept_scenes), set_to=True)
    scenes = load_scenes(ctx, SCENES)
    by_scene = {s.id: s.subtype for s in scenes}
    kept = ctx.run.finalize(NAME, keep=lambda objs: [o for o in objs if o["scene_id"] in by_scene])
    report = ProtectionReport(
        planned=len(slots),
        planned_by_subtype=_count([{"subtype": s.subtype} for s in slots]),
        scenes_by_subtype=_count(kept_scenes),
        interactions_by_subtype=_count([{"subtype": by_scene[o["scene_id"]]} for o in kept]),
    )
    ctx.log(
        f"protection: {len(kept_scenes)} scenes, {len(kept)} scripts kept "
        f"({outcome['failed']} rejected) {report.interactions_by_subtype}"
    )
    return report


STAGE = Stage(
    NAME,
    run,
    blocks=(Block("protection", ProtectionConfig, default_on=True),),
    switch="protection",
    needs=("chunks",),
    settings_from=("scenes",),  # its slots follow the scenes budget; its scenes, their types and dedup
    makes=(NAME, SCENES),
    plan=plan_requests,
    order=40,
    help="protection scenes: the character meets what it cannot know, and answers in character",
)
