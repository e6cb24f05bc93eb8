"""Stage: persona cards — N synthetic cards from distinct seed tuples, the recipe character's own
card from its profile, and imported Character Card V2 files.

Every model reply is a *draft* (card_drafts.jsonl, keyed by card id and round); cards.jsonl is
chosen from the drafts: a draft too similar to a card kept before it is regenerated (a new round,
told what to differ from) up to `cards.regenerate` times, then dropped. Because the choice is a
pure function of the drafts, a killed run resumes to the same cards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from factory.bounds import MAX_TOKENS
from factory.engine import Request, Result
from factory.lang import lang_key, pick
from factory.prompts import render
from factory.recipe.errors import RecipeError, Strict
from factory.records import Card, dedupe_sorted, iter_jsonl, make_id, write_jsonl_atomic
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.stage import Block, Stage, StagePlan, StageReport
from factory.stages.chunks import whole_chunks
from factory.stages.persona.card_fields import (
    LENGTH,
    LIMITS,
    asked_fields,
    card_schema,
    field_lines,
    parse_card,
)
from factory.stages.persona.card_files import read_cards
from factory.stages.persona.card_similarity import diversity, select
from factory.stages.persona.seeds import pools, sample_seeds, seed_key

NAME, DRAFTS = "cards", "card_drafts"


MAX_CARDS = 100_000  # x 20 sessions per card: two million sessions


Detail = Literal["full", "short"]


class CardsConfig(Strict):
    """Persona cards: synthetic ones from seed attributes, the character's own, imported Character Card V2."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)  # `import` is a keyword: import_

    count: int = Field(
        10, ge=0, le=MAX_CARDS, description="Synthetic cards, each from a distinct tuple of seed attributes."
    )
    import_: list[Path] = Field(
        default_factory=list,
        alias="import",
        max_length=10_000,
        description="Character Card V2 .json/.png files, folders of them, or a cards "
        ".jsonl, relative to the recipe.",
    )
    from_character: bool = Field(
        True, description="The recipe's own character also gets a card, from its profile."
    )
    detail: Detail = Field("full", description="short: tight field lengths, for small local models.")
    examples: int = Field(2, ge=0, le=4, description="Example dialogues per card.")
    similarity: float = Field(
        85.0,
        ge=0,
        le=100,
        description="rapidfuzz token_sort_ratio at or above which two cards are too alike.",
    )
    regenerate: int = Field(
        1, ge=0, le=5, description="Rounds of regenerating too-similar cards before dropping them."
    )
    axes: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Seed attribute pools to replace or add, "
        "e.g. `{era: [1920s Shanghai]}` (values distinct, at most 10000 an axis).",
    )
    max_tokens: int | None = Field(
        None, ge=64, le=MAX_TOKENS, description="Reply tokens per card request; unset: backend.max_tokens."
    )

    def check_paths(self, base: Path, key: str = "cards") -> None:
        for i, p in enumerate(self.import_):
            if not p.is_absolute():
                p = self.import_[i] = (base / p).resolve()
            if not p.exists():
                raise RecipeError(f"{key}.import[{i}]: no such file or directory: {p}")

    @field_validator("axes")
    @classmethod
    def _pools(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for axis, values in v.items():
            if not values:
                raise ValueError(f"axes.{axis}: give at least one value")
            if len(values) > 10_000:
                raise ValueError(f"axes.{axis}: {len(values)} values, over the 10000 an axis may have")
            if len(set(values)) != len(values):
                raise ValueError(f"axes.{axis}: values repeat")
        return v


def card_requests(
    ctx: RunContext, seeds: list[dict[str, str]], rnd: int, avoid: dict[str, Card]
) -> list[Request]:
    cfg, lang = ctx.recipe.cards, ctx.language
    fields = asked_fields(cfg.detail, cfg.examples, seeded=True)
    schema, params = (
        card_schema(cfg.detail, cfg.examples, fields),
        ({"max_tokens": cfg.max_tokens} if cfg.max_tokens else {}),
    )
    out = []
    for seed in seeds:
        cid = make_id("card", seed_key(seed), lang)
        if rnd and cid not in avoid:
            continue
        near = avoid.get(cid)
        hint = ""
        if near is not None:
            hint = pick(
                lang,
                f"Make this character clearly different from an existing one: {near.name}, "
                f"{near.occupation}, {near.personality[:160]}\n",
                f"这个角色要与已有角色明显不同：{near.name}，{near.occupation}，{near.personality[:160]}\n",
            )
        rel = seed.get("relationship")
        rel = (
            pick(lang, f", and how they relate to the user ({rel})", f"，以及与用户的关系（{rel}）")
            if rel
            else ""
        )
        lines, keys = field_lines(
            fields,
            lang_key(lang),
            relationship=rel,
            catchphrases=LIMITS[cfg.detail]["catchphrases"],
            examples=cfg.examples,
        )
        messages = render(
            "card",
            lang,
            seed="\n".join(f"- {k}: {v}" for k, v in seed.items()),
            length=LENGTH[lang_key(lang)][cfg.detail],
            avoid=hint,
            fields=lines,
            keys=keys,
        )
        out.append(
            Request(
                id=make_id("req-card", cid, rnd),
                messages=messages,
                schema=schema,
                params=dict(params),
                parse=parse_card(cfg.detail, cfg.examples, seed),
                sample_index=rnd,
                meta={"card_id": cid, "seed": seed, "round": rnd, "source": "synthetic", "language": lang},
            )
        )
    return out


def character_request(ctx: RunContext) -> Request:
    cfg, lang = ctx.recipe.cards, ctx.language
    chunks = whole_chunks(ctx)  # the profile's start, also in a shard (its chunks.jsonl is a slice)
    budget, parts = (1200 if cfg.detail == "short" else 3000), []
    for c in chunks:
        if sum(len(p) for p in parts) >= budget:
            break
        parts.append(c.text[: budget - sum(len(p) for p in parts)])
    timeline = ctx.recipe.character.timeline_point or pick(lang, "the prime of their life", "人生的巅峰时期")
    fields = asked_fields(cfg.detail, cfg.examples, seeded=False)
    lines, keys = field_lines(
        fields,
        lang_key(lang),
        relationship="",
        catchphrases=LIMITS[cfg.detail]["catchphrases"],
        examples=cfg.examples,
    )
    messages = render(
        "card_profile",
        lang,
        character=ctx.character,
        profile="\n\n".join(parts),
        timeline=timeline,
        length=LENGTH[lang_key(lang)][cfg.detail],
        fields=lines,
        keys=keys,
    )
    cid = make_id("card", "character", ctx.character, lang)
    return Request(
        id=make_id("req-card", cid, 0),
        messages=messages,
        schema=card_schema(cfg.detail, cfg.examples, fields),
        params={"max_tokens": cfg.max_tokens} if cfg.max_tokens else {},
        parse=parse_card(cfg.detail, cfg.examples, name=ctx.character),
        meta={
            "card_id": cid,
            "seed": {},
            "round": 0,
            "source": f"profile:{ctx.recipe.name}",
            "language": lang,
        },
    )


def to_records(res: Result) -> list[Card]:
    m = res.request.meta
    return [
        Card(
            id=m["card_id"],
            seed=m["seed"],
            source=m["source"],
            language=m["language"],
            extra={"round": m["round"]},
            **res.value,
        )
    ]


def _drafts(ctx: RunContext) -> dict[tuple[str, int], Card]:
    out: dict[tuple[str, int], Card] = {}
    for obj in iter_jsonl(ctx.run.stage_file(DRAFTS)):
        c = Card.model_validate(obj)
        out.setdefault((c.id, int(c.extra.get("round", 0))), c)
    return out


class CardsReport(StageReport):
    requested: int
    cards: int
    synthetic: int
    imported: int
    from_character: int
    regenerated: int
    dropped_too_similar: int
    failed: int
    similarity_threshold: float
    distinct_seed_tuples: int
    distinct_values_per_axis: dict[str, int]
    max_pairwise_similarity: float | None
    mean_pairwise_similarity: float | None
    most_similar_pair: list[str] | None


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    """The first round follows from the recipe (count + the character's own card); each of the
    `regenerate` rounds may ask again for every synthetic card (the most it can cost: how many come
    back too similar is known only from the replies), so the count is an upper bound, not exact."""
    from factory.run.plan import add, request_plan

    cfg, lang = ctx.recipe.cards, ctx.language
    seeds = sample_seeds(ctx.recipe.seed, cfg.count, pools(lang, cfg.axes))
    first = ([character_request(ctx)] if cfg.from_character else []) + card_requests(ctx, seeds, 0, {})
    imported = len(read_cards(list(cfg.import_))) if cfg.import_ else 0
    p = request_plan(ctx, first)
    n_first = p.requests
    text = " ".join(["word"] * 30)
    for rnd in range(1, cfg.regenerate + 1 if seeds else 1):
        near = {
            make_id("card", seed_key(s), lang): Card(
                id="plan", name="Someone", occupation="teacher", personality=text
            )
            for s in seeds
        }
        again = request_plan(ctx, card_requests(ctx, seeds, rnd, near), exact=False)
        p = add(p, again)
    if not p.exact:
        p.note = (
            f"at most: {p.requests - n_first} of them "
            f"regenerate too-similar cards ({cfg.regenerate} round(s), every synthetic card at worst)"
        )
    p.makes = {NAME: n_first + imported}
    return p


async def run(ctx: RunContext) -> CardsReport:
    cfg, lang = ctx.recipe.cards, ctx.language
    imported = read_cards(list(cfg.import_)) if cfg.import_ else []
    seeds = sample_seeds(ctx.recipe.seed, cfg.count, pools(lang, cfg.axes))
    ids = [make_id("card", seed_key(s), lang) for s in seeds]
    first = ([character_request(ctx)] if cfg.from_character else []) + card_requests(ctx, seeds, 0, {})
    await execute(ctx, DRAFTS, first, to_records)
    char_id = make_id("card", "character", ctx.character, lang)
    for rnd in range(1, cfg.regenerate + 1):
        drafts = _drafts(ctx)
        fixed = imported + ([drafts[(char_id, 0)]] if (char_id, 0) in drafts else [])
        sel = select(fixed, drafts, ids, rnd - 1, cfg.similarity)
        if not sel.too_similar:
            break
        again = card_requests(ctx, seeds, rnd, {cid: near for cid, (_, near, _) in sel.too_similar.items()})
        await execute(ctx, DRAFTS, again, to_records)
    drafts = _drafts(ctx)
    write_jsonl_atomic(ctx.run.stage_file(DRAFTS), [drafts[k] for k in sorted(drafts)])
    fixed = imported + ([drafts[(char_id, 0)]] if (char_id, 0) in drafts else [])
    sel = select(fixed, drafts, ids, cfg.regenerate, cfg.similarity)
    kept = [Card.model_validate(o) for o in dedupe_sorted(c.model_dump() for c in sel.kept)]
    write_jsonl_atomic(ctx.run.stage_file(NAME), kept)
    synthetic = [c for c in kept if c.source == "synthetic"]
    report = CardsReport(
        requested=cfg.count,
        cards=len(kept),
        synthetic=len(synthetic),
        imported=len(imported),
        from_character=int(any(c.id == char_id for c in kept)),
        regenerated=sum(1 for c in synthetic if c.extra.get("round", 0) > 0),
        dropped_too_similar=len(sel.too_similar),
        failed=len(sel.missing),
        similarity_threshold=cfg.similarity,
        **diversity(kept, synthetic),
    )
    ctx.drop("cards_too_similar", len(sel.too_similar), set_to=True)
    ctx.log(
        f"cards: {len(kept)} kept ({len(synthetic)} synthetic, {len(imported)} imported), "
        f"{len(sel.too_similar)} dropped as too similar, max similarity {report.max_pairwise_similarity}"
    )
    return report


STAGE = Stage(
    NAME,
    run,
    blocks=(Block("cards", CardsConfig),),
    switch="cards",
    needs=("chunks",),
    makes=(NAME, DRAFTS),
    plan=plan_requests,
    order=60,
    help="synthetic persona cards from seed attributes, the character's own card, imported CCv2 cards",
)
