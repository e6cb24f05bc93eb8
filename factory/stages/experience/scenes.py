"""Stage: chunks -> scenes (type, place, time, people, background), spread over chunks by length.

Near-identical scenes (same place and nearly the same background) are kept once, judged over
every scene the run ever made: the dropped ones are held in `.progress/scenes.held.jsonl`,
so a finalize over more scenes (shards merged, a larger run resumed) judges the whole set again
and keeps what one run over all of them keeps (greedy dropping is not transitive: a scene dropped
for one that a larger set drops in turn comes back).
"""

from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import Field

from factory.bounds import MAX_COUNT
from factory.engine import ParseError, Request, Result
from factory.lang import character_names, is_zh, join_list
from factory.prompts import render
from factory.recipe.errors import Strict
from factory.records import Chunk, Scene, make_id
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.stage import Block, Stage, StagePlan
from factory.sources.chunking import spread_budget
from factory.stages.chunks import load_chunks, whole_chunks
from factory.stages.shared.parsing import bounded_string, json_items, list_field, text_field
from factory.stages.shared.people import is_character

NAME = "scenes"


class ScenesConfig(Strict):
    """How many scenes are imagined from the chunks, of which kinds."""

    total: int | None = Field(
        None,
        ge=1,
        le=MAX_COUNT,
        description="Scenes in all, spread over the chunks by "
        "length (each gets at least one); unset: `per_chunk` each.",
    )
    per_chunk: int = Field(20, ge=1, le=10_000, description="Scenes per chunk when `total` is unset.")
    per_request: int = Field(5, ge=1, le=20, description="Scenes asked for in one request.")
    types: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        max_length=1000,
        default_factory=lambda: [
            "conversation",
            "debate",
            "lecture",
            "letter",
            "rehearsal",
            "quarrel",
            "negotiation",
            "confession",
            "lesson",
            "celebration",
        ],
        description="Kinds of scene the prompts suggest, spread over the requests.",
    )
    dedup_threshold: float = Field(
        88.0,
        ge=0,
        le=100,
        description="rapidfuzz token_sort_ratio over place + "
        "background at or above which a scene (protection scenes too) repeats another and is dropped.",
    )


_WORDLIKE = re.compile(r"[^\W\d_]{2,}")


def scene_schema(k: int) -> dict:
    item = {
        "type": "object",
        "properties": {
            "type": bounded_string(40),
            "location": bounded_string(120),
            "time": bounded_string(80),
            "participants": {"type": "array", "items": bounded_string(60), "minItems": 1, "maxItems": 6},
            "background": bounded_string(600),
        },
        "required": ["type", "location", "time", "participants", "background"],
    }
    return {
        "type": "object",
        "properties": {"scenes": {"type": "array", "items": item, "minItems": 1, "maxItems": k}},
        "required": ["scenes"],
    }


# what models write for a scene type in Chinese (or as a phrase) -> the recipe's English type words
TYPE_WORDS = {
    "对话": "conversation",
    "交谈": "conversation",
    "谈话": "conversation",
    "闲谈": "conversation",
    "辩论": "debate",
    "争论": "debate",
    "论辩": "debate",
    "讲学": "lecture",
    "讲座": "lecture",
    "演讲": "lecture",
    "书信": "letter",
    "信": "letter",
    "写信": "letter",
    "排练": "rehearsal",
    "演练": "rehearsal",
    "争吵": "quarrel",
    "吵架": "quarrel",
    "口角": "quarrel",
    "谈判": "negotiation",
    "交涉": "negotiation",
    "倾诉": "confession",
    "告白": "confession",
    "忏悔": "confession",
    "授课": "lesson",
    "教学": "lesson",
    "上课": "lesson",
    "庆祝": "celebration",
    "宴会": "celebration",
    "宴饮": "celebration",
    "雅集": "celebration",
}

ZH_NAMES = {
    "conversation": "对话",
    "debate": "辩论",
    "lecture": "讲学",
    "letter": "书信",
    "rehearsal": "排练",
    "quarrel": "争吵",
    "negotiation": "谈判",
    "confession": "倾诉",
    "lesson": "授课",
    "celebration": "宴会",
}


def type_list(types: list[str], language: str) -> str:
    """The recipe's type words as the prompt shows them (Chinese words in Chinese prompts)."""
    return join_list([ZH_NAMES.get(t.lower(), t) for t in types] if is_zh(language) else types, language)


def normalize_type(raw: str, known: list[str]) -> str:
    t = raw.strip().lower().strip("\"'「」。.")
    if t in known:
        return t
    if t in TYPE_WORDS:
        return TYPE_WORDS[t]
    for word in known:
        if word in t:
            return word
    for zh, en in TYPE_WORDS.items():
        if len(zh) > 1 and zh in t:
            return en
    return t or "conversation"


def scene_from_item(it: dict, character: str, names: list[str], known: list[str]) -> dict | None:
    """One scene's fields from a reply item (odd keys tolerated); None if it has no place or background."""
    s = {
        "type": text_field(it, "type", "scene_type", "kind", limit=40).lower(),
        "location": text_field(it, "location", "place", "setting", limit=200),
        "time": text_field(it, "time", "date", "when", limit=120),
        "participants": list_field(it, "participants", "people", "characters"),
        "background": text_field(it, "background", "description", "situation", limit=1200),
    }
    if not (s["location"] and s["background"]):
        return None
    people = [
        character if is_character(p, names) else p
        for p in s["participants"]
        if _WORDLIKE.search(p) and len(p) <= 80
    ][:8]  # drop "]},{" and other grammar debris
    if character not in people:
        people.insert(0, character)
    s["participants"] = list(dict.fromkeys(people))
    s["type"] = normalize_type(s["type"], known)
    return s


def parse_scenes(character: str, k: int, aliases: list[str] | None = None, types: list[str] | None = None):
    names = character_names(character, aliases)
    known = [t.lower() for t in (types or [])]

    def parse(text: str) -> list[dict]:
        scenes = [
            s
            for s in (scene_from_item(it, character, names, known) for it in json_items(text, "scenes")[:k])
            if s is not None
        ]
        if not scenes:
            raise ParseError("no usable scene (each needs location and background)")
        return scenes

    return parse


def build_requests(ctx: RunContext, chunks: list[Chunk]) -> list[Request]:
    cfg = ctx.recipe.scenes
    if cfg.total:  # spread over every chunk, so that a shard's chunks get what the whole run gives them
        whole = whole_chunks(ctx)
        share = dict(zip((c.id for c in whole), spread_budget(whole, cfg.total), strict=True))
        budget = [share.get(c.id, 0) for c in chunks]
    else:
        budget = [cfg.per_chunk] * len(chunks)
    requests = []
    for chunk, n in zip(chunks, budget, strict=True):
        for j in range(math.ceil(n / cfg.per_request)):
            k = min(cfg.per_request, n - j * cfg.per_request)
            shift = (j * k) % len(cfg.types)  # each batch leans on different scene types
            types = cfg.types[shift:] + cfg.types[:shift]
            messages = render(
                "scenes",
                ctx.language,
                character=ctx.character,
                period=chunk.period,
                chunk=chunk.text,
                k=k,
                types=type_list(types, ctx.language),
            )
            requests.append(
                Request(
                    id=make_id("req-scn", chunk.id, j, k, ctx.language),
                    messages=messages,
                    schema=scene_schema(k),
                    parse=parse_scenes(ctx.character, k, ctx.recipe.character.aliases, cfg.types),
                    sample_index=j,
                    meta={"chunk_id": chunk.id, "batch": j},
                )
            )
    return requests


def to_records(res: Result) -> list[Scene]:
    chunk_id, batch = res.request.meta["chunk_id"], res.request.meta["batch"]
    return [
        Scene(id=make_id("scn", chunk_id, batch, i), chunk_ids=[chunk_id], kind="experience", **s)
        for i, s in enumerate(res.value)
    ]


def scene_key(obj: dict) -> str:
    """What two scenes are compared by: place, background and (protection) question."""
    return f"{obj['location']} | {obj['background']} | {obj.get('question') or ''}".lower()


def drop_near_duplicates(objs: list[dict], threshold: float) -> list[dict]:
    """Keep the first (by id) of scenes whose place+background (+question) read near-identically."""
    from rapidfuzz import fuzz  # imported when scenes are compared, not with the recipe

    kept: list[dict] = []
    keys: list[str] = []
    for obj in objs:
        key = scene_key(obj)
        if any(fuzz.token_sort_ratio(key, other) >= threshold for other in keys):
            continue
        kept.append(obj)
        keys.append(key)
    return kept


def like_one_landed(threshold: float):
    """`hold` for a follower of scenes (factory/run/per_record.py): whether a scene reads like
    one of its chunk that landed before it, so the final choice may drop it (or the other one) -
    its scripts then wait for that choice rather than be asked and maybe discarded. Only a guess
    (the choice itself compares every scene), kept to the scene's chunks so that it stays cheap
    on the event loop however many scenes land."""
    from rapidfuzz import fuzz, process

    keys: dict[str, list[str]] = {}  # chunk id -> the keys of its scenes landed so far

    def hold(obj: dict) -> bool:
        key = scene_key(obj)
        mine = [k for c in obj.get("chunk_ids") or [""] for k in keys.get(c, [])]
        like = process.extractOne(key, mine, scorer=fuzz.token_sort_ratio, score_cutoff=threshold)
        for c in obj.get("chunk_ids") or [""]:
            keys.setdefault(c, []).append(key)
        return like is not None

    return hold


def finalize_distinct(ctx: RunContext, stage: str, threshold: float, among=None) -> tuple[list[dict], int]:
    """Finalize `stage` without its near-duplicates, judged over all it ever made (RunDir.finalize
    `hold`): (kept, how many were judged). `among`: the records that take part at all."""
    seen: list[dict] = []

    def keep(objs: list[dict]) -> list[dict]:
        seen.extend(o for o in objs if among is None or among(o))
        return drop_near_duplicates(seen, threshold)

    return ctx.run.finalize(stage, keep=keep, hold=True), len(seen)


PLACEHOLDER_BACKGROUND = 60  # words: a scene's background as models write it (asked for up to 600 chars)


def placeholder_scenes(ctx: RunContext, n: int, chunks: list[Chunk]) -> list[Scene]:
    """`n` stand-in scenes spread over the chunks like the real ones, sized like a model's: what the
    plan renders later prompts with before any scene exists."""
    if not chunks or n <= 0:
        return []
    words = " ".join(["word"] * PLACEHOLDER_BACKGROUND)
    out = []
    for chunk, k in zip(chunks, spread_budget(chunks, max(n, len(chunks))), strict=True):
        for i in range(k):
            out.append(
                Scene(
                    id=make_id("plan-scn", chunk.id, i),
                    chunk_ids=[chunk.id],
                    type=ctx.recipe.scenes.types[0],
                    location="a room in the house",
                    time=chunk.period,
                    participants=[ctx.character, "a visitor"],
                    background=words,
                )
            )
    return out[:n]


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    from factory.run.plan import request_plan

    requests = build_requests(ctx, load_chunks(ctx))
    p = request_plan(ctx, requests)
    p.makes = {NAME: sum(r.schema["properties"]["scenes"]["maxItems"] for r in requests[: p.requests])}
    return p


async def run(ctx: RunContext) -> None:
    chunks = load_chunks(ctx)
    outcome = await execute(ctx, NAME, build_requests(ctx, chunks), to_records)
    kept, before = finalize_distinct(ctx, NAME, ctx.recipe.scenes.dedup_threshold)
    ctx.drop("scenes_near_duplicate", before - len(kept), set_to=True)
    ctx.log(f"scenes: {len(kept)} kept ({outcome['failed']} requests failed)")


STAGE = Stage(
    NAME,
    run,
    blocks=(Block("scenes", ScenesConfig, default_on=True),),
    when=lambda recipe: recipe.scenes is not None,  # not a switch: a recipe without chunks is not an error
    needs=("chunks",),
    makes=(NAME,),
    order=20,
    plan=plan_requests,
    help="scenes imagined from each chunk (Character-LLM's scene extraction)",
)
