"""What a preference pair is built around, and its rewritten rejected replies: the kept sample's
training reply (a Target), the context and era a prompt shows, the rewrite requests and the
cleaning of what comes back, and the Pair record itself."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import TYPE_CHECKING

from factory.engine import ParseError, Request, Result
from factory.export import gatecheck
from factory.export.convert import is_character
from factory.export.split import GROUP_LABELS
from factory.lang import WORDS, lang_key, pick
from factory.prompts import render
from factory.records import Message, Pair, Sample, iter_jsonl, make_id
from factory.run.context import RunContext

if TYPE_CHECKING:  # the stage's config; the stage module imports this one
    from factory.stages.preferences import PreferencesConfig

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


def stable_hash(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


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
        ok = sorted(sorted(ok, key=lambda i: stable_hash(s.id, i))[: cfg.per_sample])
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
            cfg.variants[int(stable_hash(t.sample.id, t.index), 16) % len(cfg.variants)]
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
