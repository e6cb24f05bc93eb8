"""Stage: experience scenes -> interactions (multi-party scripts of speech, thought, action, narration).

One request per scene (times `per_scene`, told apart by sample_index). The script comes back as
bounded JSON turns; actions and narration are kept as their own channel. A reply that is
truncated, unparseable, too short, mixed-language or assistant-like is retried by the engine
and then written to failures.jsonl with its reason: never kept.
"""

from __future__ import annotations

from factory.engine import Request, Result
from factory.lang import aside, join_list, word
from factory.prompts import render
from factory.records import Chunk, Interaction, Scene, make_id
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.stages.experience.experience_config import default_turn_chars
from factory.stages.experience.scripts import ScriptRules, script_parser, script_schema
from factory.stages.shared.people import NARRATOR

NAME = "interactions"


def load_chunks(ctx: RunContext) -> dict[str, Chunk]:
    chunks = ctx.extra.get("chunks")
    if chunks is None:
        chunks = [Chunk.model_validate(o) for o in ctx.run.records("chunks")]
    return {c.id: c for c in chunks}


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
        "character": ctx.character, "aliases": aliases_text(ctx),
        "period": used[0].period if used else "", "chunk": "\n\n".join(c.text for c in used),
        "type": scene.type, "location": scene.location, "time": scene.time,
        "participants": join_list(scene.participants, ctx.language), "background": scene.background,
    }


def turn_chars(ctx: RunContext) -> int:
    cfg = ctx.recipe.interactions
    return (cfg.max_turn_chars if cfg is not None and cfg.max_turn_chars else None) or default_turn_chars(ctx.language)


def max_tokens(ctx: RunContext, wanted: int) -> int:
    return min(wanted, ctx.recipe.backend.max_tokens)


def script_request(ctx: RunContext, *, request_id: str, task: str, scene: Scene, chunks: dict[str, Chunk],
                   min_turns: int, max_turns: int, tokens: int, index: int = 0,
                   extra: dict[str, object] | None = None) -> Request:
    chars = turn_chars(ctx)
    speakers = list(dict.fromkeys([*scene.participants, NARRATOR]))
    messages = render(task, ctx.language, **scene_values(ctx, scene, chunks), min_turns=min_turns,
                      max_turns=max_turns, max_chars=chars, **(extra or {}))
    rules = ScriptRules(character=ctx.character, language=ctx.language, participants=scene.participants,
                        aliases=ctx.recipe.character.aliases, min_turns=min_turns, max_turns=max_turns,
                        max_chars=chars)
    return Request(id=request_id, messages=messages, schema=script_schema(speakers, min_turns, max_turns, chars),
                   parse=script_parser(rules), sample_index=index, params={"max_tokens": max_tokens(ctx, tokens)},
                   meta={"scene_id": scene.id, "chunk_ids": scene.chunk_ids, "index": index})


def build_requests(ctx: RunContext, scenes: list[Scene], chunks: dict[str, Chunk]) -> list[Request]:
    cfg = ctx.recipe.interactions
    return [script_request(ctx, request_id=make_id("req-int", scene.id, i, ctx.language), task="interactions",
                           scene=scene, chunks=chunks, min_turns=cfg.min_turns, max_turns=cfg.max_turns,
                           tokens=cfg.max_tokens, index=i)
            for scene in scenes for i in range(cfg.per_scene)]


def to_records(prefix: str):
    def convert(res: Result) -> list[Interaction]:
        meta = res.request.meta
        return [Interaction(id=make_id(prefix, meta["scene_id"], meta["index"]), scene_id=meta["scene_id"],
                            chunk_ids=list(meta["chunk_ids"]), turns=res.value)]
    return convert


async def run(ctx: RunContext) -> list[dict]:
    chunks = load_chunks(ctx)
    scenes = load_scenes(ctx, "scenes")
    outcome = await execute(ctx, NAME, build_requests(ctx, scenes, chunks), to_records("int"))
    ids = {s.id for s in scenes}
    kept = ctx.run.finalize(NAME, keep=lambda objs: [o for o in objs if o["scene_id"] in ids])
    ctx.log(f"interactions: {len(kept)} kept ({outcome['failed']} rejected, reasons in failures.jsonl)")
    return kept
