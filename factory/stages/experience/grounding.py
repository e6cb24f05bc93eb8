"""Stage (optional): does the character say only what its source chunk supports?

A judge model gets the chunk text and the script, with the character's lines in the language's
markup (「」/（）/（心想：） in Chinese; *action* and (thinking: ...) in English), lists the
factual claims the character makes, and marks each supported or not. One verdict per
interaction goes to grounding.jsonl; the samples stage drops interactions with an unsupported
claim, and the verdict names the claim as the reason. A judge that fails leaves the interaction
"unchecked" (kept, and labelled so).
"""

from __future__ import annotations

from pydantic import Field

from factory.bounds import MAX_TOKENS
from factory.engine import ParseError, Request, Result
from factory.lang import punctuation, word
from factory.prompts import render
from factory.recipe.errors import Strict
from factory.records import Chunk, Interaction, make_id
from factory.run.context import RunContext
from factory.run.per_record import execute_per_record
from factory.run.stage import Block, Stage, StagePlan, StageReport
from factory.stages.experience.interactions import chunks_by_id
from factory.stages.shared.markup import convention
from factory.stages.shared.markup import render as render_turn
from factory.stages.shared.parsing import bounded_string, json_items, text_field
from factory.stages.shared.people import NARRATOR

NAME = "grounding"


class GroundingConfig(Strict):
    """A judge checks the character's factual claims in each script against its profile chunks."""

    enabled: bool = Field(
        True, description="false: the block stays but the stage is off (handy with `--set`)."
    )
    include_protection: bool = Field(
        False, description="Check protection scripts too (their replies are refusals: it adds little)."
    )
    max_claims: int = Field(6, ge=1, le=20, description="Most claims the judge lists per script.")
    max_tokens: int = Field(
        512,
        ge=64,
        le=MAX_TOKENS,
        description="Judge reply tokens per request; never above the judge's max_tokens.",
    )


_TRUE = {
    "true",
    "yes",
    "y",
    "supported",
    "support",
    "consistent",
    "correct",
    "1",
    "是",
    "对",
    "支持",
    "符合",
    "有依据",
}
_FALSE = {
    "false",
    "no",
    "n",
    "unsupported",
    "not supported",
    "contradicted",
    "contradicts",
    "incorrect",
    "0",
    "否",
    "不",
    "不支持",
    "不符合",
    "矛盾",
    "无依据",
}


def claims_schema(max_claims: int) -> dict:
    item = {
        "type": "object",
        "properties": {"claim": bounded_string(200), "supported": {"type": "boolean"}},
        "required": ["claim", "supported"],
    }
    return {
        "type": "object",
        "properties": {"claims": {"type": "array", "items": item, "maxItems": max_claims}},
        "required": ["claims"],
    }


def _supported(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        v = value.strip().lower().rstrip(".。")
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
    return None


def parse_claims(max_claims: int):
    def parse(text: str) -> list[dict]:
        items = json_items(text, "claims")
        claims = []
        for it in items[:max_claims]:
            claim = text_field(it, "claim", "statement", "fact", "text", limit=300)
            verdict = next(
                (
                    v
                    for v in (
                        _supported(it.get(k))
                        for k in ("supported", "verdict", "support", "is_supported", "grounded")
                    )
                    if v is not None
                ),
                None,
            )
            if claim and verdict is not None:
                claims.append({"claim": claim, "supported": verdict})
        if items and not claims and any(k for it in items for k in it):
            raise ParseError("claims without a usable supported/unsupported verdict")
        return claims

    return parse


def script_text(inter: Interaction, language: str) -> str:
    colon = punctuation(language).colon
    lines = []
    for t in inter.turns:
        who = word("narrator", language) if t.speaker == NARRATOR else t.speaker
        lines.append(f"{who}{colon}{render_turn(t.mode, t.text, language)}")
    return "\n".join(lines)


def build_requests(
    ctx: RunContext, interactions: list[Interaction], chunks: dict[str, Chunk]
) -> list[Request]:
    cfg = ctx.recipe.grounding
    requests = []
    for inter in interactions:
        used = [chunks[c] for c in inter.chunk_ids if c in chunks]
        messages = render(
            "grounding",
            ctx.language,
            character=ctx.character,
            period=used[0].period if used else "",
            chunk="\n\n".join(c.text for c in used),
            convention=convention(ctx.language),
            script=script_text(inter, ctx.language),
            max_claims=cfg.max_claims,
        )
        requests.append(
            Request(
                id=make_id("req-grd", inter.id, ctx.language),
                messages=messages,
                schema=claims_schema(cfg.max_claims),
                parse=parse_claims(cfg.max_claims),
                params={"max_tokens": ctx.judge_tokens(cfg.max_tokens), "temperature": 0.0},
                meta={"interaction_id": inter.id, "scene_id": inter.scene_id},
            )
        )
    return requests


def to_records(res: Result) -> list[dict]:
    meta = res.request.meta
    bad = [c["claim"] for c in res.value if not c["supported"]]
    return [
        {
            "id": make_id("grd", meta["interaction_id"]),
            "interaction_id": meta["interaction_id"],
            "scene_id": meta["scene_id"],
            "supported": not bad,
            "claims": res.value,
            "reason": f"unsupported claim: {bad[0]}" if bad else None,
        }
    ]


def verdicts(ctx: RunContext) -> dict[str, dict]:
    """interaction id -> verdict, for the samples stage (empty when grounding is off for this recipe)."""
    return {o["interaction_id"]: o for o in ctx.run.records(NAME)} if STAGE.configured(ctx.recipe) else {}


class GroundingReport(StageReport):
    checked: int
    unsupported: int
    judge_failed: int


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    """One judge request per planned script, over stand-in scripts of the recipe's middle length."""
    from factory.run.plan import request_plan
    from factory.stages.experience.interactions import placeholder_scripts

    chunks = sorted(chunks_by_id(ctx).values(), key=lambda c: c.index)
    stages = ["interactions"] + (["protection"] if ctx.recipe.grounding.include_protection else [])
    cfg = ctx.recipe.interactions
    turns = (cfg.min_turns + cfg.max_turns) // 2 if cfg is not None else 6
    scripts = placeholder_scripts(ctx, sum(upstream.get(s, 0) for s in stages), chunks, turns)
    p = request_plan(ctx, build_requests(ctx, scripts, chunks_by_id(ctx)), exact=False)
    p.note = "judge requests, at the generator's prices and pace"
    p.makes = {NAME: p.requests}
    return p


async def run(ctx: RunContext) -> GroundingReport:
    """A script is judged as it lands (interactions is followed); protection's scripts, when asked
    for, once protection is final (it is followed too, so that without them nothing waits for it)."""
    chunks = chunks_by_id(ctx)
    stages = ["interactions"] + (["protection"] if ctx.recipe.grounding.include_protection else [])
    protection_feed = ctx.feed("protection") if len(stages) > 1 else None
    if protection_feed is not None:
        await protection_feed.final()

    def requests(objs: list[dict]) -> list[Request]:
        return build_requests(ctx, [Interaction.model_validate(o) for o in objs], chunks)

    protection = [o for st in stages[1:] for o in ctx.run.records(st)]
    outcome = await execute_per_record(
        ctx, NAME, "interactions", requests, to_records, engine=ctx.judge, also=requests(protection)
    )
    ids = {o["id"] for st in stages for o in ctx.run.records(st)}
    kept = ctx.run.finalize(NAME, keep=lambda objs: [o for o in objs if o["interaction_id"] in ids])
    unsupported = sum(1 for o in kept if not o["supported"])
    ctx.log(f"grounding: {len(kept)} checked, {unsupported} with an unsupported claim")
    return GroundingReport(checked=len(kept), unsupported=unsupported, judge_failed=outcome["failed"])


STAGE = Stage(
    NAME,
    run,
    blocks=(Block("grounding", GroundingConfig),),
    switch="grounding",
    needs=("interactions", "chunks"),
    uses=("protection",),
    follows=("interactions", "protection"),
    makes=(NAME,),
    order=50,
    when=lambda recipe: recipe.grounding.enabled,
    plan=plan_requests,
    help="a judge checks the character's factual claims against the profile chunks",
)
