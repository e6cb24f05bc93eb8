"""Stage (optional, `protection.check: judge`): did the character react as someone who cannot know?

The script parser already refuses assistant disclaimers, but a script can pass it and still have
the character happily explain an iPhone in 1810. A judge model reads each protection script (in
the sample markup) with its probe (the scene's `question` and subtype) and answers one verdict:
in_character (ignorance, confusion, irritation, in the character's voice), plays_along (accepts
the premise as known) or assistant (steps out of the role). Verdicts go to protection_check.jsonl;
the samples stage keeps only in_character scripts (and those the judge could not rate).
"""

from __future__ import annotations

import re
from collections import Counter

from factory.engine import ParseError, Request, Result, extract_json
from factory.prompts import render
from factory.records import Chunk, Interaction, Scene, make_id
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.stage import Stage, StagePlan, StageReport
from factory.stages.experience.grounding import script_text
from factory.stages.experience.interactions import chunks_by_id, load_scenes
from factory.stages.shared.markup import convention
from factory.stages.shared.parsing import bounded_string, lower_keys, text_field

NAME = "protection_check"
VERDICTS = ("in_character", "plays_along", "assistant")
JUDGE_TOKENS = 384  # a one-sentence reason and a verdict
_ALIASES = {
    "in_character": {
        "incharacter",
        "character",
        "in_role",
        "stays_in_character",
        "stayed_in_character",
        "ignorance",
        "ignorant",
        "confused",
        "confusion",
        "irritated",
        "irritation",
        "符合角色",
        "角色内",
        "入戏",
        "未出戏",
        "不知",
        "困惑",
    },
    "plays_along": {
        "play_along",
        "playing_along",
        "played_along",
        "goes_along",
        "go_along",
        "along",
        "knows",
        "accepts",
        "顺从",
        "顺着说",
        "顺着",
        "配合",
        "迎合",
        "附和",
    },
    "assistant": {
        "ai",
        "assistant_like",
        "assistant_tone",
        "breaks_character",
        "broke_character",
        "out_of_character",
        "disclaimer",
        "助手",
        "出戏",
        "跳出角色",
    },
}
_LOOKUP = {**{v: v for v in VERDICTS}, **{a: v for v, names in _ALIASES.items() for a in names}}
_KEYS = ("verdict", "result", "judgement", "judgment", "label", "reaction", "结论", "判断", "判定")


def verdict_schema() -> dict:
    """Reason first, so a model that writes left to right has thought before it decides."""
    return {
        "type": "object",
        "properties": {"reason": bounded_string(200), "verdict": {"type": "string", "enum": list(VERDICTS)}},
        "required": ["reason", "verdict"],
    }


def normalise_verdict(value: object) -> str | None:
    """One of VERDICTS from what a model wrote ("Plays along.", "in-character", "出戏"), else None."""
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s\-]+", "_", value.strip().lower().strip(" .。!！\"'“”「」"))
    return _LOOKUP.get(key)


def _from_prose(text: str) -> str | None:
    """A reply without JSON that names exactly one verdict word still counts."""
    found = {v for v in VERDICTS if re.search(v.replace("_", r"[\s_-]?"), text, re.I)}
    return found.pop() if len(found) == 1 else None


def parse_verdict(text: str) -> dict:
    """{"verdict", "reason"} from a reply; odd keys, case and wording are forgiven, no verdict is not."""
    try:
        data = extract_json(text)
    except ParseError:  # no JSON at all: a bare verdict word in prose
        if (verdict := _from_prose(text or "")) is None:
            raise
        return {"verdict": verdict, "reason": ""}
    if isinstance(data, list) and data and isinstance(data[0], dict):
        data = data[0]
    if isinstance(data, dict):
        data = lower_keys(data)
        verdict = next((v for v in (normalise_verdict(data.get(k)) for k in _KEYS) if v), None)
        reason = text_field(data, "reason", "explanation", "why", "理由", "原因", limit=300)
    else:
        verdict, reason = normalise_verdict(data), ""
    if verdict is None:
        raise ParseError(f"no verdict among {'/'.join(VERDICTS)}: {(text or '')[:80]!r}")
    return {"verdict": verdict, "reason": reason}


def build_requests(
    ctx: RunContext, interactions: list[Interaction], scenes: dict[str, Scene], chunks: dict[str, Chunk]
) -> list[Request]:
    requests = []
    for inter in interactions:
        scene = scenes.get(inter.scene_id)
        if scene is None:  # a script whose scene was dropped never becomes a sample
            continue
        period = next((chunks[c].period for c in inter.chunk_ids if c in chunks), "")
        messages = render(
            NAME,
            ctx.language,
            character=ctx.character,
            period=period,
            time=scene.time,
            subtype=scene.subtype or "",
            question=scene.question or "",
            convention=convention(ctx.language),
            script=script_text(inter, ctx.language),
        )
        requests.append(
            Request(
                id=make_id("req-pchk", inter.id, ctx.language),
                messages=messages,
                schema=verdict_schema(),
                parse=parse_verdict,
                params={"max_tokens": ctx.judge_tokens(JUDGE_TOKENS), "temperature": 0.0},
                meta={"interaction_id": inter.id, "scene_id": scene.id, "subtype": scene.subtype},
            )
        )
    return requests


def to_records(res: Result) -> list[dict]:
    meta = res.request.meta
    return [
        {
            "id": make_id("pchk", meta["interaction_id"]),
            "interaction_id": meta["interaction_id"],
            "scene_id": meta["scene_id"],
            "subtype": meta["subtype"],
            **res.value,
        }
    ]


def verdicts(ctx: RunContext) -> dict[str, dict]:
    """interaction id -> verdict, for the samples stage (empty when the check is off for this recipe,
    so verdicts left in the run directory by an earlier recipe drop nothing)."""
    return {o["interaction_id"]: o for o in ctx.run.records(NAME)} if STAGE.configured(ctx.recipe) else {}


class ProtectionCheckReport(StageReport):
    checked: int
    in_character: int
    plays_along: int
    assistant: int
    judge_failed: int


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    """One judge request per planned protection script, over stand-in scripts and scenes."""
    from factory.run.plan import request_plan
    from factory.stages.experience.interactions import placeholder_scripts

    chunk_map = chunks_by_id(ctx)
    cfg = ctx.recipe.protection
    turns = (cfg.min_turns + cfg.max_turns) // 2
    scripts = placeholder_scripts(
        ctx, upstream.get("protection", 0), sorted(chunk_map.values(), key=lambda c: c.index), turns
    )
    scenes = {
        s.scene_id: Scene(
            id=s.scene_id,
            chunk_ids=s.chunk_ids,
            kind="protection",
            subtype="anachronism",
            type="conversation",
            location="a room",
            time="then",
            participants=[ctx.character],
            background="",
            question=" ".join(["word"] * 15),
        )
        for s in scripts
    }
    p = request_plan(ctx, build_requests(ctx, scripts, scenes, chunk_map), exact=False)
    p.note = "judge requests, at the generator's prices and pace"
    p.makes = {NAME: p.requests}
    return p


async def run(ctx: RunContext) -> ProtectionCheckReport:
    scenes = {s.id: s for s in load_scenes(ctx, "protection_scenes")}
    interactions = [Interaction.model_validate(o) for o in ctx.run.records("protection")]
    outcome = await execute(
        ctx, NAME, build_requests(ctx, interactions, scenes, chunks_by_id(ctx)), to_records, engine=ctx.judge
    )
    ids = {i.id for i in interactions if i.scene_id in scenes}
    kept = ctx.run.finalize(NAME, keep=lambda objs: [o for o in objs if o["interaction_id"] in ids])
    by_verdict = Counter(o["verdict"] for o in kept)
    report = ProtectionCheckReport(
        checked=len(kept), **{v: by_verdict[v] for v in VERDICTS}, judge_failed=outcome["failed"]
    )
    ctx.log(
        f"protection check: {len(kept)} judged, {by_verdict['in_character']} in character, "
        f"{by_verdict['plays_along']} playing along, {by_verdict['assistant']} as an assistant"
    )
    return report


STAGE = Stage(
    NAME,
    run,
    needs=("protection", "protection_scenes"),
    makes=(NAME,),
    order=45,
    plan=plan_requests,
    when=lambda recipe: recipe.protection is not None and recipe.protection.check == "judge",
    help="a judge rates each protection script: in character, playing along, or an assistant",
)
