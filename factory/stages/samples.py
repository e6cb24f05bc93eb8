"""Stage: interactions (and whatever else registers a builder) -> samples.jsonl. No model needed.

`BUILDERS` are functions `(ctx) -> Iterable[Sample]`; `POSTPROCESS` are `(ctx, samples) -> samples`
run in order over everything built. Another area adds itself with one `append` line.

Conversion of a scene script (the convention exporters and the gate rely on):
- the target character's turns -> role "assistant", train=True, one message per turn, with the
  language's markup for mode (factory.stages.shared.markup: en *action* / (thinking: ...); zh 「」/（）/（心想：）);
- everyone else's speech and actions -> role "user", name = speaker, not trained;
- narration before anyone speaks -> the system prompt; later narration -> role "user", name "narrator";
- system = persona summary (the profile's opening and character sketch, no model call) + life so far
  + scene setting (prompts/<lang>/sample_system.md).
Same-role neighbours are NOT merged here; exporters do that. A sample with no trained assistant
message is not written. Interactions whose grounding verdict found an unsupported claim are left out,
and so are protection scripts whose judge (protection.check: judge) found the character playing along.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from factory.lang import aside, is_zh, join_list, punctuation
from factory.prompts import render
from factory.recipe import RecipeError
from factory.records import (
    Chunk,
    Interaction,
    Message,
    Sample,
    Scene,
    dedupe_sorted,
    make_id,
    write_jsonl_atomic,
)
from factory.run.context import RunContext
from factory.run.stage import Block, Stage, StageReport, no_requests
from factory.sources.chunking import estimate_tokens
from factory.sources.profile import Profile, Section
from factory.stages.book.book_samples import book_samples
from factory.stages.chunks import load_profile
from factory.stages.experience import grounding, protection_check
from factory.stages.persona import pushback
from factory.stages.persona.persona_samples import persona_samples
from factory.stages.persona.references import ReferencesConfig, reference_lines
from factory.stages.shared.markup import convention
from factory.stages.shared.markup import render as render_turn
from factory.stages.shared.people import NARRATOR

NAME = "samples"
_AFTER_LIFE = re.compile(
    r"death|died|dying|funeral|legacy|posthum|reception|influence|逝世|去世|病逝|身后|死|葬|遗产|影响|评价|纪念",
    re.I,
)
# A profile's character sketch: "Character and habits", "Personality", "性情与才艺", "为人"...
_TRAITS = re.compile(
    r"\b(character|personality|temperament|habits|traits)\b|性格|性情|个性|個性|为人|為人|品格|脾气|脾氣",
    re.I,
)
_SENTENCE = re.compile(r".+?(?:[。！？]+[”’」』]?|[.!?]+[\"”’)]?(?=\s+[A-Z\"“‘(]|\s*$)|$)", re.S)
_LIFESPAN = re.compile(r"\s*[(（][^()（）]*\d[^()（）]*[–—-][^()（）]*\d[^()（）]*[)）]")  # (1770 – 1827)
INTRO_TOKENS = 100  # the persona summary's bound: a few hundred tokens at most, whatever the profile
TRAITS_TOKENS = 150


def life_so_far(chunk: Chunk | None, chunks: dict[str, Chunk], language: str) -> str:
    """The profile's period titles up to this scene: who the character is by now, with nothing later
    (and no death, legacy or character-sketch section) that the character could not know."""
    if chunk is None:
        return ""
    periods: list[str] = []
    for c in sorted(chunks.values(), key=lambda c: c.index):
        if c.index > chunk.index:
            break
        if (
            c.period
            and c.period not in periods
            and c.period != chunk.period
            and not _AFTER_LIFE.search(c.period)
            and not _TRAITS.search(c.period)
        ):
            periods.append(c.period)
    if is_zh(language):
        past = f"你此前的人生：{'；'.join(periods)}。" if periods else ""
        return f"{past}此刻你正处在“{chunk.period}”这一时期。"
    past = f"Your life so far: {'; '.join(periods)}. " if periods else ""
    return f'{past}Now you are in the period "{chunk.period}".'


def _sentences(text: str) -> list[str]:
    return [
        m.group(0).strip()
        for para in re.split(r"\n\s*\n", text)
        for m in _SENTENCE.finditer(para.strip())
        if m.group(0).strip()
    ]


def _cut(text: str, max_tokens: int) -> str:
    while text and estimate_tokens(text) > max_tokens:
        text = text[: len(text) * 9 // 10]
    return text.rstrip() + "…" if text else ""


def first_sentences(text: str, max_tokens: int, language: str) -> str:
    """The first sentences of `text` within `max_tokens`, without life-span brackets or sentences on
    death and legacy: the character speaks from inside their life and cannot know its end."""
    sentences = [s for s in _sentences(_LIFESPAN.sub("", text)) if not _AFTER_LIFE.search(s)]
    joiner = punctuation(language).space
    kept: list[str] = []
    for s in sentences:
        if estimate_tokens(joiner.join([*kept, s])) > max_tokens:
            break
        kept.append(s)
    if not kept and sentences:  # one over-long first sentence: cut it rather than say nothing
        kept = [_cut(sentences[0], max_tokens)]
    return joiner.join(kept)


def persona_summary(profile: Profile, language: str, min_tokens: int) -> str:
    """Who the character is, drawn from the profile without a model call: the opening of its first
    section long enough to carry facts (as the chunks stage counts it), then its character or
    personality section when it has one. At most INTRO_TOKENS + TRAITS_TOKENS."""
    sections = [s for s in profile.sections if s.text.strip()]
    traits = next((s for s in sections if _TRAITS.search(s.title)), None)
    rest = [s for s in sections if s is not traits]
    intro = next((s for s in rest if estimate_tokens(s.text) >= min_tokens), rest[0] if rest else None)
    parts = [
        first_sentences(intro.text, INTRO_TOKENS, language) if intro else "",
        first_sentences(traits.text, TRAITS_TOKENS, language) if traits else "",
    ]
    return punctuation(language).space.join(p for p in parts if p)


def run_profile(ctx: RunContext, chunks: dict[str, Chunk]) -> Profile:
    """The profile the chunks stage read (the whole of it: a sharded or filtered chunks.jsonl may miss
    the introduction); read again when this stage runs alone, else rebuilt from the chunks."""
    try:
        return load_profile(ctx)
    except RecipeError:
        ordered = sorted(chunks.values(), key=lambda c: c.index)
        return Profile(ctx.character, [Section(c.period, c.text, c.source) for c in ordered])


def system_prompt(
    ctx: RunContext,
    scene: Scene,
    chunk: Chunk | None,
    chunks: dict[str, Chunk],
    opening: list[str],
    persona: str = "",
) -> str:
    alias_text = aside(join_list(ctx.recipe.character.aliases, ctx.language), ctx.language)
    text = render(
        "sample_system",
        ctx.language,
        character=ctx.character,
        aliases=alias_text,
        persona=persona,
        life=life_so_far(chunk, chunks, ctx.language),
        convention=convention(ctx.language),
        type=scene.type,
        location=scene.location,
        time=scene.time,
        participants=join_list(scene.participants, ctx.language),
        background=scene.background,
    )[0]["content"]
    text = re.sub(
        r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)
    )  # an empty persona or life leaves no gap
    if opening:
        text += "\n" + "\n".join(opening)
    return text.strip()


def to_messages(inter: Interaction, character: str, language: str) -> tuple[list[str], list[Message]]:
    """(opening narration for the system prompt, messages)."""
    opening: list[str] = []
    messages: list[Message] = []
    for t in inter.turns:
        if t.mode == "narration" or t.speaker == NARRATOR:
            if not messages:
                opening.append(t.text)
            else:
                messages.append(Message(role="user", content=t.text, name=NARRATOR))
        elif t.speaker == character:
            messages.append(
                Message(
                    role="assistant",
                    content=render_turn(t.mode, t.text, language),
                    train=True,
                    name=character,
                )
            )
        elif t.mode != "thought":  # others' minds are closed; the parser drops these already
            messages.append(
                Message(role="user", content=render_turn(t.mode, t.text, language), name=t.speaker)
            )
    return opening, messages


def build(
    ctx: RunContext,
    inter: Interaction,
    scene: Scene,
    chunks: dict[str, Chunk],
    verdict: dict | None,
    persona: str = "",
    reaction: str | None = None,
) -> Sample | None:
    opening, messages = to_messages(inter, ctx.character, ctx.language)
    if not any(m.role == "assistant" and m.train for m in messages):
        return None
    chunk = next((chunks[c] for c in inter.chunk_ids if c in chunks), None)
    kind = scene.kind if scene.kind == "experience" else f"protection:{scene.subtype}"
    labels: dict = {
        "scene_id": scene.id,
        "interaction_id": inter.id,
        "kind": scene.kind,
        "scene_type": scene.type,
        "period": chunk.period if chunk else "",
        "location": scene.location,
        "time": scene.time,
        "participants": scene.participants,
        "grounding": "unchecked"
        if verdict is None
        else ("supported" if verdict["supported"] else "unsupported"),
    }
    if scene.kind == "protection":
        labels.update(subtype=scene.subtype, question=scene.question, reaction=reaction or "unchecked")
    return Sample(
        id=make_id("smp", inter.id),
        type=kind,
        character=ctx.character,
        language=ctx.language,
        system=system_prompt(ctx, scene, chunk, chunks, opening, persona),
        messages=messages,
        source_ids=[*inter.chunk_ids, scene.id, inter.id],
        labels=labels,
    )


def _interaction_samples(
    ctx: RunContext, scene_stage: str, inter_stage: str, reactions: dict[str, dict] | None = None
) -> Iterator[Sample]:
    scenes = {o["id"]: Scene.model_validate(o) for o in ctx.run.records(scene_stage)}
    if not scenes:
        return
    chunks = {o["id"]: Chunk.model_validate(o) for o in ctx.run.records("chunks")}
    verdicts = grounding.verdicts(ctx)
    persona = persona_summary(run_profile(ctx, chunks), ctx.language, ctx.recipe.chunks.min_tokens)
    for obj in ctx.run.records(inter_stage):
        inter = Interaction.model_validate(obj)
        scene = scenes.get(inter.scene_id)
        if scene is None:
            continue
        verdict = verdicts.get(inter.id)
        if verdict is not None and not verdict["supported"]:
            ctx.drop("samples_unsupported_claim")
            continue
        reaction = (reactions or {}).get(inter.id, {}).get("verdict")
        if reaction is not None and reaction != "in_character":
            ctx.drop("samples_protection_plays_along")
            continue
        sample = build(ctx, inter, scene, chunks, verdict, persona, reaction)
        if sample is None:
            ctx.drop("samples_no_character_turn")
            continue
        yield sample


def experience_samples(ctx: RunContext) -> Iterator[Sample]:
    """BUILDERS entry: one sample per experience interaction."""
    yield from _interaction_samples(ctx, "scenes", "interactions")


def protection_samples(ctx: RunContext) -> Iterator[Sample]:
    """BUILDERS entry: one sample per protection interaction, typed protection:<subtype>.

    A script the judge could not rate (failed or unparsable request) has no verdict and is kept,
    labelled reaction "unchecked": the parser already refused assistant disclaimers, so an unrated
    script is more likely fine than not, and a flaky judge must not empty the protection share.
    """
    yield from _interaction_samples(ctx, "protection_scenes", "protection", protection_check.verdicts(ctx))


BUILDERS: list[Callable[[RunContext], Iterable[Sample]]] = [experience_samples, protection_samples]
POSTPROCESS: list[Callable[[RunContext, list[Sample]], list[Sample]]] = []
BUILDERS.append(persona_samples)
BUILDERS.append(book_samples)
POSTPROCESS.append(reference_lines)


class SamplesReport(StageReport):
    by_type: dict[str, int]
    pushback_observed: dict[str, int] | None = None  # pushback turns written / planned, persona sessions

    def run_json(self) -> dict:
        """run.json keeps its flat shape: one key per sample type (and pushback_observed)."""
        out: dict = dict(self.by_type)
        if self.pushback_observed is not None:
            out["pushback_observed"] = self.pushback_observed
        return out


async def run(ctx: RunContext) -> SamplesReport:
    samples: list[Sample] = [s for builder in BUILDERS for s in builder(ctx)]
    for hook in POSTPROCESS:
        samples = list(hook(ctx, samples))
    objs = dedupe_sorted(s.model_dump(mode="json") for s in samples)
    write_jsonl_atomic(ctx.run.stage_file(NAME), objs)
    by_type = Counter(o["type"] for o in objs)
    seen, planned = pushback.share(objs)
    ctx.log(
        f"samples: {len(objs)} ({', '.join(f'{k} {v}' for k, v in sorted(by_type.items())) or 'none'})"
        + (f"; pushback written in {seen} of {planned} planned turns" if planned else "")
    )
    return SamplesReport(
        by_type=dict(sorted(by_type.items())),
        pushback_observed={"observed": seen, "planned": planned} if planned else None,
    )
    return [Sample.model_validate(o) for o in objs]


# model-free: no samples from interactions, protection scripts or sessions means the run came to nothing
STAGE = Stage(
    NAME,
    run,
    blocks=(Block("references", ReferencesConfig),),
    uses=(
        "chunks",
        "scenes",
        "interactions",
        "protection",
        "protection_scenes",
        "protection_check",
        "grounding",
        "cards",
        "sessions",
        "book_extract",
        "book_profiles",
        "book_boundary",
    ),
    makes=(NAME,),
    order=80,
    plan=no_requests,
    fails_empty=("interactions", "protection", "sessions", "book_extract"),
    help="training samples (system prompt, turns, labels) from every script and session",
)
