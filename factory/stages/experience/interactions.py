"""Stage: experience scenes -> interactions (multi-party scripts of speech, thought, action, narration).

One request per scene (times `per_scene`, told apart by sample_index). The script comes back as
bounded JSON turns; actions and narration are kept as their own channel. A reply that is
truncated, unparseable, too short, mixed-language or assistant-like is retried by the engine
and then written to failures.jsonl with its reason: never kept.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from factory.bounds import MAX_TOKENS
from factory.engine import Request, Result
from factory.lang import aside, is_zh, join_list, word
from factory.prompts import render
from factory.recipe.errors import Strict
from factory.records import Chunk, Interaction, Scene, Turn, make_id
from factory.run.context import RunContext
from factory.run.per_record import execute_per_record
from factory.run.stage import Block, Stage, StagePlan
from factory.stages.chunks import load_chunks
from factory.stages.experience.scenes import like_one_landed
from factory.stages.experience.scripts import ScriptRules, script_parser, script_schema
from factory.stages.shared.people import NARRATOR

NAME = "interactions"


def default_turn_chars(language: str) -> int:
    """One turn's text bound: a CJK character carries about as much as four Latin ones."""
    return 100 if is_zh(language) else 300


class InteractionsConfig(Strict):
    """How each scene is played out as a script (Character-LLM's experience completion)."""

    min_turns: int = Field(4, ge=2, le=40, description="Fewest turns in a script (at most `max_turns`).")
    max_turns: int = Field(12, ge=2, le=40, description="Most turns in a script.")
    max_turn_chars: int | None = Field(
        None, ge=20, le=2000, description="Longest turn in characters; unset: 300 (en) / 100 (zh)."
    )
    per_scene: int = Field(1, ge=1, le=20, description="Scripts per scene (`sample_index` tells them apart).")
    max_tokens: int = Field(
        1536, ge=64, le=MAX_TOKENS, description="Reply tokens per request; never above backend.max_tokens."
    )

    @model_validator(mode="after")
    def _order(self) -> InteractionsConfig:
        if self.min_turns > self.max_turns:
            raise ValueError("interactions.min_turns: must be <= max_turns")
        return self


def chunks_by_id(ctx: RunContext) -> dict[str, Chunk]:
    return {c.id: c for c in load_chunks(ctx)}


def load_scenes(ctx: RunContext, stage: str) -> list[Scene]:
    return [Scene.model_validate(o) for o in ctx.run.records(stage)]


def aliases_text(ctx: RunContext) -> str:
    aliases = ctx.recipe.character.aliases
    if not aliases:
        return ""
    return aside(word("also_called", ctx.language) + join_list(aliases, ctx.language), ctx.language)


def scene_values(ctx: RunContext, scene: Scene, chunks: dict[str, Chunk]) -> dict[str, object]:
    """The placeholders every scene-script prompt shares."""
    used = [chunks[c] for c in scene.chunk_ids if c in chunks]
    return {
        "character": ctx.character,
        "aliases": aliases_text(ctx),
        "period": used[0].period if used else "",
        "chunk": "\n\n".join(c.text for c in used),
        "type": scene.type,
        "location": scene.location,
        "time": scene.time,
        "participants": join_list(scene.participants, ctx.language),
        "background": scene.background,
    }


def turn_chars(ctx: RunContext) -> int:
    cfg = ctx.recipe.interactions
    return (cfg.max_turn_chars if cfg is not None and cfg.max_turn_chars else None) or default_turn_chars(
        ctx.language
    )


def max_tokens(ctx: RunContext, wanted: int) -> int:
    return min(wanted, ctx.recipe.backend.max_tokens)


def script_request(
    ctx: RunContext,
    *,
    request_id: str,
    task: str,
    scene: Scene,
    chunks: dict[str, Chunk],
    min_turns: int,
    max_turns: int,
    tokens: int,
    index: int = 0,
    extra: dict[str, object] | None = None,
) -> Request:
    chars = turn_chars(ctx)
    speakers = list(dict.fromkeys([*scene.participants, NARRATOR]))
    messages = render(
        task,
        ctx.language,
        **scene_values(ctx, scene, chunks),
        min_turns=min_turns,
        max_turns=max_turns,
        max_chars=chars,
        **(extra or {}),
    )
    rules = ScriptRules(
        character=ctx.character,
        language=ctx.language,
        participants=scene.participants,
        aliases=ctx.recipe.character.aliases,
        min_turns=min_turns,
        max_turns=max_turns,
        max_chars=chars,
    )
    return Request(
        id=request_id,
        messages=messages,
        schema=script_schema(speakers, min_turns, max_turns, chars),
        parse=script_parser(rules),
        sample_index=index,
        params={"max_tokens": max_tokens(ctx, tokens)},
        meta={"scene_id": scene.id, "chunk_ids": scene.chunk_ids, "index": index},
    )


def build_requests(ctx: RunContext, scenes: list[Scene], chunks: dict[str, Chunk]) -> list[Request]:
    cfg = ctx.recipe.interactions
    return [
        script_request(
            ctx,
            request_id=make_id("req-int", scene.id, i, ctx.language),
            task="interactions",
            scene=scene,
            chunks=chunks,
            min_turns=cfg.min_turns,
            max_turns=cfg.max_turns,
            tokens=cfg.max_tokens,
            index=i,
        )
        for scene in scenes
        for i in range(cfg.per_scene)
    ]


def to_records(prefix: str):
    def convert(res: Result) -> list[Interaction]:
        meta = res.request.meta
        return [
            Interaction(
                id=make_id(prefix, meta["scene_id"], meta["index"]),
                scene_id=meta["scene_id"],
                chunk_ids=list(meta["chunk_ids"]),
                turns=res.value,
            )
        ]

    return convert


def placeholder_scripts(ctx: RunContext, n: int, chunks: list[Chunk], turns: int) -> list[Interaction]:
    """`n` stand-in scripts of `turns` turns (~25 words each), spread over the chunks: what the plan
    renders judge prompts with before any script exists."""
    text = " ".join(["word"] * 25)
    return [
        Interaction(
            id=make_id("plan-int", i),
            scene_id=make_id("plan-scn", i),
            chunk_ids=[chunks[i % len(chunks)].id] if chunks else [],
            turns=[Turn(speaker=ctx.character if t % 2 else "a visitor", text=text) for t in range(turns)],
        )
        for i in range(n)
    ]


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    """One script per planned scene (x per_scene), rendered over stand-in scenes."""
    from factory.run.plan import request_plan
    from factory.stages.experience.scenes import placeholder_scenes

    chunks = chunks_by_id(ctx)
    ordered = sorted(chunks.values(), key=lambda c: c.index)
    scenes = placeholder_scenes(ctx, upstream.get("scenes", 0), ordered)
    p = request_plan(
        ctx, build_requests(ctx, scenes, chunks), exact=False, note="scripts for the scenes planned"
    )
    p.makes = {NAME: p.requests}
    return p


async def run(ctx: RunContext) -> None:
    """A scene's scripts go out as the scene lands (scenes is followed); kept: the final scenes'."""
    chunks = chunks_by_id(ctx)

    def requests(objs: list[dict]) -> list[Request]:
        return build_requests(ctx, [Scene.model_validate(o) for o in objs], chunks)

    hold = like_one_landed(ctx.recipe.scenes.dedup_threshold)
    outcome = await execute_per_record(ctx, NAME, "scenes", requests, to_records("int"), hold=hold)
    ids = {s.id for s in load_scenes(ctx, "scenes")}
    kept = ctx.run.finalize(NAME, keep=lambda objs: [o for o in objs if o["scene_id"] in ids])
    ctx.log(f"interactions: {len(kept)} kept ({outcome['failed']} rejected, reasons in failures.jsonl)")


STAGE = Stage(
    NAME,
    run,
    blocks=(Block("interactions", InteractionsConfig, default_on=True),),
    switch="interactions",
    needs=("scenes", "chunks"),
    follows=("scenes",),
    makes=(NAME,),
    order=30,
    plan=plan_requests,
    help="each scene played out as a script: speech, thoughts, actions of every speaker",
)
