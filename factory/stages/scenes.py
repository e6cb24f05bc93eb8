"""Stage: chunks -> scenes (type, place, time, people, background), spread over chunks by length."""

from __future__ import annotations

import math

from rapidfuzz import fuzz

from factory.context import RunContext
from factory.engine import ParseError, Request, Result
from factory.prompts import render
from factory.records import Chunk, Scene, make_id
from factory.sources.chunking import spread_budget
from factory.stages.base import execute
from factory.stages.parsing import bounded_string, json_items, list_field, text_field

NAME = "scenes"


def scene_schema(k: int) -> dict:
    item = {
        "type": "object",
        "properties": {
            "type": bounded_string(40), "location": bounded_string(120), "time": bounded_string(80),
            "participants": {"type": "array", "items": bounded_string(60), "minItems": 1, "maxItems": 6},
            "background": bounded_string(600),
        },
        "required": ["type", "location", "time", "participants", "background"],
    }
    return {"type": "object", "properties": {"scenes": {"type": "array", "items": item, "minItems": 1,
                                                         "maxItems": k}}, "required": ["scenes"]}


def parse_scenes(character: str, k: int):
    def parse(text: str) -> list[dict]:
        items = json_items(text, "scenes")
        scenes = []
        for it in items[:k]:
            s = {
                "type": text_field(it, "type", "scene_type", "kind", limit=40).lower(),
                "location": text_field(it, "location", "place", "setting", limit=200),
                "time": text_field(it, "time", "date", "when", limit=120),
                "participants": list_field(it, "participants", "people", "characters"),
                "background": text_field(it, "background", "description", "situation", limit=1200),
            }
            if not (s["location"] and s["background"]):
                continue
            if not any(character.split()[-1].lower() in p.lower() for p in s["participants"]):
                s["participants"].insert(0, character)
            s["type"] = s["type"] or "conversation"
            scenes.append(s)
        if not scenes:
            raise ParseError("no usable scene (each needs location and background)")
        return scenes
    return parse


def build_requests(ctx: RunContext, chunks: list[Chunk]) -> list[Request]:
    cfg = ctx.recipe.scenes
    budget = spread_budget(chunks, cfg.total) if cfg.total else [cfg.per_chunk] * len(chunks)
    requests = []
    for chunk, n in zip(chunks, budget, strict=True):
        for j in range(math.ceil(n / cfg.per_request)):
            k = min(cfg.per_request, n - j * cfg.per_request)
            shift = (j * k) % len(cfg.types)  # each batch leans on different scene types
            types = cfg.types[shift:] + cfg.types[:shift]
            messages = render("scenes", ctx.language, character=ctx.character, period=chunk.period,
                              chunk=chunk.text, k=k, types=", ".join(types))
            requests.append(Request(
                id=make_id("req-scn", chunk.id, j, k, ctx.language), messages=messages,
                schema=scene_schema(k), parse=parse_scenes(ctx.character, k),
                sample_index=j, meta={"chunk_id": chunk.id, "batch": j}))
    return requests


def to_records(res: Result) -> list[Scene]:
    chunk_id, batch = res.request.meta["chunk_id"], res.request.meta["batch"]
    return [Scene(id=make_id("scn", chunk_id, batch, i), chunk_ids=[chunk_id], kind="experience", **s)
            for i, s in enumerate(res.value)]


def drop_near_duplicates(objs: list[dict], threshold: float) -> list[dict]:
    """Keep the first (by id) of scenes whose place+background read near-identically."""
    kept: list[dict] = []
    keys: list[str] = []
    for obj in objs:
        key = f"{obj['location']} | {obj['background']}".lower()
        if any(fuzz.token_sort_ratio(key, other) >= threshold for other in keys):
            continue
        kept.append(obj)
        keys.append(key)
    return kept


async def run(ctx: RunContext) -> list[dict]:
    chunks = ctx.extra.get("chunks")
    if chunks is None:
        chunks = [Chunk.model_validate(o) for o in ctx.run.records("chunks")]
    outcome = await execute(ctx, NAME, build_requests(ctx, chunks), to_records)
    before = len({o["id"] for o in ctx.run.records(NAME)})
    kept = ctx.run.finalize(NAME, keep=lambda objs: drop_near_duplicates(objs, ctx.recipe.scenes.dedup_threshold))
    ctx.extra.setdefault("dropped", {})["scenes_near_duplicate"] = before - len(kept)
    ctx.log(f"scenes: {len(kept)} kept ({outcome['failed']} requests failed)")
    return kept
