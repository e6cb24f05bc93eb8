"""Stage: interactions (and whatever else registers a builder) -> samples.jsonl. No model needed.

`BUILDERS` are functions `(ctx) -> Iterable[Sample]`; `POSTPROCESS` are `(ctx, samples) -> samples`
run in order over everything built. Another area adds itself with one `append` line.

Conversion of a scene script (the convention exporters and the gate rely on):
- the target character's turns -> role "assistant", train=True, one message per turn, with the
  language's markup for mode (factory.stages.markup: en *action* / (thinking: ...); zh 「」/（）/（心想：）);
- everyone else's speech and actions -> role "user", name = speaker, not trained;
- narration before anyone speaks -> the system prompt; later narration -> role "user", name "narrator";
- system = persona summary + scene setting (prompts/<lang>/sample_system.md).
Same-role neighbours are NOT merged here; exporters do that. A sample with no trained assistant
message is not written. Interactions whose grounding verdict found an unsupported claim are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from factory.context import RunContext
from factory.prompts import render
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
from factory.stages import grounding
from factory.stages.markup import convention
from factory.stages.markup import render as render_turn
from factory.stages.people import NARRATOR
from factory.stages.persona_samples import persona_samples
from factory.stages.references import reference_lines

NAME = "samples"
_AFTER_LIFE = re.compile(r"death|died|dying|funeral|legacy|posthum|reception|influence|逝世|去世|病逝|身后|死|葬|遗产|影响|评价|纪念",
                         re.I)


def life_so_far(chunk: Chunk | None, chunks: dict[str, Chunk], language: str) -> str:
    """Persona summary from the profile's period titles up to this scene: who the character is by
    now, with nothing later (and no death or legacy section) that the character could not know."""
    if chunk is None:
        return ""
    periods: list[str] = []
    for c in sorted(chunks.values(), key=lambda c: c.index):
        if c.index > chunk.index:
            break
        if c.period and c.period not in periods and c.period != chunk.period and not _AFTER_LIFE.search(c.period):
            periods.append(c.period)
    if language == "zh":
        past = f"你此前的人生：{'；'.join(periods)}。" if periods else ""
        return f"{past}此刻你正处在“{chunk.period}”这一时期。"
    past = f"Your life so far: {'; '.join(periods)}. " if periods else ""
    return f"{past}Now you are in the period \"{chunk.period}\"."


def system_prompt(ctx: RunContext, scene: Scene, chunk: Chunk | None, chunks: dict[str, Chunk],
                  opening: list[str]) -> str:
    sep = "、" if ctx.language == "zh" else ", "
    aliases = ctx.recipe.character.aliases
    alias_text = (f"（{sep.join(aliases)}）" if ctx.language == "zh" else f" ({sep.join(aliases)})") if aliases else ""
    text = render("sample_system", ctx.language, character=ctx.character, aliases=alias_text,
                  gist=life_so_far(chunk, chunks, ctx.language), period=chunk.period if chunk else scene.time,
                  convention=convention(ctx.language), type=scene.type, location=scene.location, time=scene.time,
                  participants=sep.join(scene.participants), background=scene.background)[0]["content"]
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
            messages.append(Message(role="assistant", content=render_turn(t.mode, t.text, language), train=True,
                                    name=character))
        elif t.mode != "thought":  # others' minds are closed; the parser drops these already
            messages.append(Message(role="user", content=render_turn(t.mode, t.text, language), name=t.speaker))
    return opening, messages


def build(ctx: RunContext, inter: Interaction, scene: Scene, chunks: dict[str, Chunk],
          verdict: dict | None) -> Sample | None:
    opening, messages = to_messages(inter, ctx.character, ctx.language)
    if not any(m.role == "assistant" and m.train for m in messages):
        return None
    chunk = next((chunks[c] for c in inter.chunk_ids if c in chunks), None)
    kind = scene.kind if scene.kind == "experience" else f"protection:{scene.subtype}"
    labels: dict = {"scene_id": scene.id, "interaction_id": inter.id, "kind": scene.kind, "scene_type": scene.type,
                    "period": chunk.period if chunk else "", "location": scene.location, "time": scene.time,
                    "participants": scene.participants,
                    "grounding": "unchecked" if verdict is None else ("supported" if verdict["supported"] else
                                                                      "unsupported")}
    if scene.kind == "protection":
        labels.update(subtype=scene.subtype, question=scene.question)
    return Sample(id=make_id("smp", inter.id), type=kind, character=ctx.character, language=ctx.language,
                  system=system_prompt(ctx, scene, chunk, chunks, opening), messages=messages,
                  source_ids=[*inter.chunk_ids, scene.id, inter.id], labels=labels)


def _interaction_samples(ctx: RunContext, scene_stage: str, inter_stage: str) -> Iterator[Sample]:
    scenes = {o["id"]: Scene.model_validate(o) for o in ctx.run.records(scene_stage)}
    if not scenes:
        return
    chunks = {o["id"]: Chunk.model_validate(o) for o in ctx.run.records("chunks")}
    verdicts = grounding.verdicts(ctx)
    dropped = ctx.extra.setdefault("dropped", {})
    for obj in ctx.run.records(inter_stage):
        inter = Interaction.model_validate(obj)
        scene = scenes.get(inter.scene_id)
        if scene is None:
            continue
        verdict = verdicts.get(inter.id)
        if verdict is not None and not verdict["supported"]:
            dropped["samples_unsupported_claim"] = dropped.get("samples_unsupported_claim", 0) + 1
            continue
        sample = build(ctx, inter, scene, chunks, verdict)
        if sample is None:
            dropped["samples_no_character_turn"] = dropped.get("samples_no_character_turn", 0) + 1
            continue
        yield sample


def experience_samples(ctx: RunContext) -> Iterator[Sample]:
    """BUILDERS entry: one sample per experience interaction."""
    yield from _interaction_samples(ctx, "scenes", "interactions")


def protection_samples(ctx: RunContext) -> Iterator[Sample]:
    """BUILDERS entry: one sample per protection interaction, typed protection:<subtype>."""
    yield from _interaction_samples(ctx, "protection_scenes", "protection")


BUILDERS: list[Callable[[RunContext], Iterable[Sample]]] = [experience_samples, protection_samples]
POSTPROCESS: list[Callable[[RunContext, list[Sample]], list[Sample]]] = []
BUILDERS.append(persona_samples)
POSTPROCESS.append(reference_lines)


async def run(ctx: RunContext) -> list[Sample]:
    samples: list[Sample] = [s for builder in BUILDERS for s in builder(ctx)]
    for hook in POSTPROCESS:
        samples = list(hook(ctx, samples))
    objs = dedupe_sorted(s.model_dump(mode="json") for s in samples)
    write_jsonl_atomic(ctx.run.stage_file(NAME), objs)
    by_type = Counter(o["type"] for o in objs)
    ctx.extra["report_samples"] = dict(sorted(by_type.items()))
    ctx.log(f"samples: {len(objs)} ({', '.join(f'{k} {v}' for k, v in sorted(by_type.items())) or 'none'})")
    return [Sample.model_validate(o) for o in objs]
