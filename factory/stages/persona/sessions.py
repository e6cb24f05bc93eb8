"""Stage: cards -> multi-turn sessions with a simulated user of a labelled archetype.

One request writes a whole session (both sides, JSON turns of user / action / reply): the
cheapest shape, and the only one where a plan spanning turns (push back at turn 3, plant a fact
at turn 1 and ask for it at turn 5) reaches the model in one piece. The plan comes from
session_plan; the session stores what came back, with the memory probes that survived parsing
and whose fact the user really planted (a model often drops or rewords the planted line).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from factory.bounds import MAX_TOKENS
from factory.engine import Request, Result
from factory.prompts import render
from factory.recipe.errors import Strict
from factory.records import Card, Session, make_id
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.stage import Block, Stage, StagePlan, StageReport
from factory.stages.persona.card_prompt import CardPromptConfig, greeting_counts, opening_text, writer_lore
from factory.stages.persona.card_render import lang_key, render_card
from factory.stages.persona.cards import Detail
from factory.stages.persona.session_plan import ARCHETYPES, plan_text, plans_for
from factory.stages.persona.session_reply import LENGTH, parse_session, session_schema, to_session

NAME = "sessions"

ARCHETYPE_NAMES = (
    "curious_fan",
    "lonely",
    "provoker",
    "flirt",
    "knowledge_seeker",
    "homework",
    "character_breaker",
    "memory_tester",
)


class SessionsConfig(Strict):
    """Multi-turn chats between each persona card's user and the character."""

    per_card: int = Field(1, ge=1, le=20, description="Sessions per card, each with the next archetype.")
    min_turns: int = Field(
        4,
        ge=1,
        le=40,
        description="Fewest turns (one user message + the character's reply each); at most `max_turns`.",
    )
    max_turns: int = Field(8, ge=1, le=40, description="Most turns in a session.")
    archetypes: list[str] = Field(
        default_factory=lambda: list(ARCHETYPE_NAMES),
        min_length=1,
        description=f"The kinds of user the sessions cycle through, any of: {', '.join(ARCHETYPE_NAMES)}.",
    )
    pushback_share: float = Field(
        0.2, ge=0, le=1, description="Share of character turns that refuse, tease or get impatient."
    )
    probe_share: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Share of the other archetypes' sessions that also "
        "carry a memory probe (memory_tester always does).",
    )
    system_prompt: Literal["full", "short", "none"] = Field(
        "full", description="How much of the card goes into the sample's system prompt."
    )
    detail: Detail = Field("full", description="short: one short sentence a message, for small local models.")
    max_tokens: int | None = Field(
        None, ge=64, le=MAX_TOKENS, description="Reply tokens per session request; unset: backend.max_tokens."
    )
    card_prompt: CardPromptConfig = Field(
        default_factory=CardPromptConfig,
        description="An imported card's own prompt material (system prompt, post-history "
        "instructions, alternate greetings, lorebook, depth prompt) in the samples, each switchable.",
    )

    @field_validator("archetypes")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        for a in v:
            if a not in ARCHETYPE_NAMES:
                raise ValueError(f"archetypes: unknown archetype {a!r} (use {', '.join(ARCHETYPE_NAMES)})")
        return v

    @model_validator(mode="after")
    def _range(self) -> SessionsConfig:
        if self.min_turns > self.max_turns:
            raise ValueError(f"min_turns: {self.min_turns} is more than max_turns {self.max_turns}")
        return self


def build_requests(ctx: RunContext, cards: list[Card]) -> list[Request]:
    cfg = ctx.recipe.sessions
    by_id = {c.id: c for c in cards}
    params = {"max_tokens": cfg.max_tokens} if cfg.max_tokens else {}
    out = []
    greetings = greeting_counts(cards, cfg.card_prompt)
    for plan in plans_for(ctx.recipe.seed, sorted(by_id), cfg, {c.id: c.language for c in cards}, greetings):
        card = by_id[plan.card_id]
        lang = lang_key(card.language)
        plan_lines = plan_text(plan, lang)
        shown = "\n\n".join(p for p in (render_card(card, "full", head=False), writer_lore(card)) if p)
        messages = render(
            "session",
            lang,
            card=shown + opening_text(card, plan.greeting),
            archetype=ARCHETYPES[plan.archetype][lang],
            turns=plan.turns,
            length=LENGTH[lang][cfg.detail],
            plan=("\n" + plan_lines + "\n") if plan_lines else "",
        )
        out.append(
            Request(
                id=make_id("req-ses", plan.session_id),
                messages=messages,
                schema=session_schema(plan.turns, cfg.detail),
                params=dict(params),
                parse=parse_session(plan, card, cfg.detail),
                meta={"plan": plan, "card": card},
            )
        )
    return out


def to_records(res: Result) -> list[Session]:
    return [to_session(res.request.meta["plan"], res.request.meta["card"], res.value)]


def probes_not_planted(ctx: RunContext, cards: list[Card], kept: list[dict]) -> int:
    """Sessions long enough for their planned probe that carry none: the user never planted the fact.
    Counted from the finished file (not while converting), so a resumed run reports the same number."""
    plans = {
        p.session_id: p
        for p in plans_for(
            ctx.recipe.seed,
            sorted(c.id for c in cards),
            ctx.recipe.sessions,
            {c.id: c.language for c in cards},
            greeting_counts(cards, ctx.recipe.sessions.card_prompt),
        )
    }
    n = 0
    for s in kept:
        p = plans.get(s["id"])
        users = sum(t["speaker"] == "user" for t in s["turns"])
        n += bool(p and p.probe and p.probe.asked < users and not s["probes"])
    return n


class SessionsReport(StageReport):
    sessions: int
    by_archetype: dict[str, int]
    with_probe: int
    probe_not_planted: int
    turns: int


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    """per_card sessions for each planned card, rendered over stand-in cards of a model's length."""
    from factory.run.plan import request_plan

    text = " ".join(["word"] * 50)
    cards = [
        Card(
            id=make_id("plan-card", i),
            name=f"Person {i}",
            occupation="teacher",
            personality=text,
            background=text,
            speaking_style=text,
            language=ctx.language,
        )
        for i in range(upstream.get("cards", 0))
    ]
    p = request_plan(ctx, build_requests(ctx, cards), exact=False, note="sessions for the cards planned")
    p.makes = {NAME: p.requests}
    return p


async def run(ctx: RunContext) -> SessionsReport:
    cards = [Card.model_validate(o) for o in ctx.run.records("cards")]
    outcome = await execute(ctx, NAME, build_requests(ctx, cards), to_records)
    kept = ctx.run.finalize(NAME)
    unplanted = probes_not_planted(ctx, cards, kept)
    ctx.drop("sessions_probe_not_planted", unplanted, set_to=True)
    counts: dict[str, int] = {}
    for s in kept:
        counts[s["user_archetype"]] = counts.get(s["user_archetype"], 0) + 1
    ctx.log(f"sessions: {len(kept)} from {len(cards)} cards ({outcome['failed']} requests failed)")
    return SessionsReport(
        sessions=len(kept),
        by_archetype=dict(sorted(counts.items())),
        with_probe=sum(1 for s in kept if s["probes"]),
        probe_not_planted=unplanted,
        turns=sum(sum(t["speaker"] == "user" for t in s["turns"]) for s in kept),
    )


STAGE = Stage(
    NAME,
    run,
    blocks=(Block("sessions", SessionsConfig),),
    switch="sessions",
    needs=("cards",),
    makes=(NAME,),
    order=70,
    plan=plan_requests,
    help="multi-turn sessions between a persona card's user and the character",
)
