"""The gate: every check in order, one verdict per sample, and a report that accounts for all of them.

Order: record checks (valid, unique id) -> per-sample checks (format, blacklist, self-name, with
the judge when configured) -> sample dedup -> line dedup -> pattern caps. Each later step sees
only the samples the earlier ones kept, and samples are visited in id order, so which copy of a
duplicate survives does not depend on the order of the input file.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from factory.engine import Engine
from factory.lang import LANGUAGES, character_names, is_zh
from factory.quality.address import addressed_or_quoted
from factory.quality.blacklist import Blacklist, Hit
from factory.quality.config import QualityConfig
from factory.quality.exchange import exchange_talk
from factory.quality.formatting import check_format, target_turns
from factory.quality.generic import generic_statement, own_case
from factory.quality.judge import Line, agreement, ask_judge, choose_lines
from factory.quality.mention_zh import mentioned_after
from factory.quality.rebuttal_en import rebutted
from factory.quality.report import build_report
from factory.quality.rules import Finding, primary
from factory.quality.scene_reply import answered_in_scene, scene_refusal
from factory.quality.selfname import self_name_violation
from factory.quality.text import detect_language
from factory.records import Sample

if TYPE_CHECKING:  # numpy, rapidfuzz and the dedup/pattern steps load when the gate runs them
    from factory.quality.dedup import DedupResult, LshParams


@dataclass
class GateResult:
    kept: list[Sample]
    rejected: list[dict]  # {"id", "stage", "rule", "detail", "span", "turn", "also", "sample", ...}
    report: dict
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # sample id -> every rule that fired

    @property
    def summary(self) -> dict:
        r = self.report
        return {
            "input": r["input"],
            "kept": r["kept"],
            "rejected": r["rejected"],
            "flagged": r["flagged"],
            "by_rule": {k: v["rejected"] for k, v in r["rules"].items() if v["rejected"]},
        }


@dataclass
class _Item:
    sample: Sample
    character: str
    language: str
    names: list[str]
    findings: list[Finding] = field(default_factory=list)
    flags: list[Finding] = field(default_factory=list)
    reason: Finding | None = None


def run_gate(
    samples: Sequence[Sample],
    config: QualityConfig | None = None,
    character: str | None = None,
    language: str | None = None,
    judge: Engine | None = None,
    **kw,
) -> GateResult:
    """Synchronous entry point; inside a running event loop use `await run_gate_async(...)`."""
    return asyncio.run(run_gate_async(samples, config, character, language, judge, **kw))


async def run_gate_async(
    samples: Sequence[Sample],
    config: QualityConfig | None = None,
    character: str | None = None,
    language: str | None = None,
    judge: Engine | None = None,
    *,
    aliases: Sequence[str] = (),
    invalid: Sequence[tuple[str, str]] = (),
    progress=None,
) -> GateResult:
    """Gate `samples`; `invalid` are (id, why) of input records that did not parse, reported as rejected."""
    cfg = config or QualityConfig()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    items = sorted(samples, key=lambda s: s.id)
    all_aliases = tuple(aliases) + tuple(cfg.selfname.aliases)
    state: list[_Item] = []
    seen: set[str] = set()
    for s in items:
        char = character or s.character
        lang = language or (s.language if s.language in LANGUAGES else detect_language(_target_text(s)))
        it = _Item(s, char, lang, character_names(char, all_aliases, mentions=True))
        if s.id in seen:
            it.reason = Finding("format.duplicate_id", f"id {s.id} appears earlier in the input")
        seen.add(s.id)
        state.append(it)
    live = [it for it in state if it.reason is None]

    blacklist = Blacklist.from_config(cfg.blacklist)
    lines: list[Line] = []
    heur: list[bool] = []
    for k, it in enumerate(live):
        others = {m.name for m in it.sample.messages if m.name and m.name not in it.names}
        it.findings.extend(check_format(it.sample, it.language, it.names, cfg.format, others))
        for turn in target_turns(it.sample):
            text = it.sample.messages[turn].content
            found = line_findings(text, it.character, it.language, blacklist, all_aliases, turn)
            it.findings.extend(found)
            lines.append(Line(k, turn, text, it.character, it.language))
            heur.append(any(f.rule.startswith("selfname.") for f in found))
    timings["checks"] = time.perf_counter() - t

    t = time.perf_counter()
    inside: set[tuple[int, int]] = set()
    selfname_report = await _judge_step(cfg, judge, live, lines, heur, progress, inside)
    timings["judge"] = time.perf_counter() - t
    if cfg.learned.enabled:  # after the judge: a line it judged spoken from inside stays
        t = time.perf_counter()
        _learned_step(cfg, live, [ln for ln in lines if (ln.sample, ln.turn) not in inside])
        timings["checks"] += time.perf_counter() - t

    for it in live:
        _decide(it, it.findings, cfg, record=False)
    t = time.perf_counter()
    dedup_report = {"sample": _sample_dedup(cfg, live), "line": _line_dedup(cfg, live)}
    timings["dedup"] = time.perf_counter() - t

    t = time.perf_counter()
    pattern_report = _pattern_step(cfg, live)
    timings["patterns"] = time.perf_counter() - t

    kept, rejected = _assemble(state, invalid)
    report = build_report(
        cfg,
        state,
        invalid,
        kept,
        rejected,
        dedup=dedup_report,
        patterns=pattern_report,
        selfname=selfname_report,
        timings=timings,
        character=character,
        language=language,
    )
    findings: dict[str, list[Finding]] = {}
    for it in state:  # a repeated id keeps the first sample's findings
        extra = [it.reason] if it.reason is not None and it.reason not in it.findings else []
        findings.setdefault(it.sample.id, [*it.findings, *extra])
    return GateResult(kept, rejected, report, findings)


def line_findings(
    text: str, character: str, language: str, blacklist: Blacklist, aliases: Sequence[str], turn: int = 0
) -> list[Finding]:
    """Blacklist and self-name findings for one character line (the gate's, and a DPO `chosen` reply's)."""
    found = [
        Finding(
            f"blacklist.{hit.category}",
            f"blacklisted phrase (entry {hit.pattern!r}" + (f", {hit.source})" if hit.source else ")"),
            hit.span,
            turn,
        )
        for hit in blacklist.hits(text, language)
        if not _said_in_scene(hit, text, language, blacklist)
    ]
    generic = generic_statement(text, language)
    if generic and own_case(text, generic, text.find(generic) + len(generic), language):
        generic = None  # "People say it depends. I say …": relativity, then the speaker's own case
    if generic and language == "en" and rebutted(text, generic, text.find(generic) + len(generic)):
        generic = None  # "There's doctors who'll tell you it varies. But …": reported, then rebutted
    if generic and addressed_or_quoted(text, text.find(generic), text.find(generic), language):
        generic = None  # "…, as the judges like to say": someone else's words, quoted
    if generic and not any(f.rule in ("blacklist.hedging", "blacklist.preachy") for f in found):
        found.append(
            Finding(
                "tone.generic",
                "a generic statement: generic person, norm or relativity, no one in the scene",
                generic,
                turn,
            )
        )
    ex = exchange_talk(text, language)
    at = text.find(ex.span) if ex else -1
    # "Great question, and honestly the one every VC asks. Short answer: we're …": the praise woven into
    # the speaker's own sentence, then answered from its world (a bare "Great question!" opens a service)
    woven = ex and ex.kind == "assistant" and at >= 0 and text[at + len(ex.span) :].startswith(",")
    if woven and answered_in_scene(text, at, language):
        ex = None
    if ex and not any(f.rule in ("blacklist.assistant_tone", "blacklist.refusal") for f in found):
        what = {
            "assistant": "talks about the conversation as a service (the question, more information, help)",
            "refusal": "declines to produce content (a request, a topic, guidelines), not a refusal in the scene",
        }[ex.kind]
        found.append(Finding(f"tone.{ex.kind}", what, ex.span, turn))
    v = self_name_violation(text, character, language, aliases) if character else None
    if v is not None:
        found.append(Finding(f"selfname.{v.kind}", v.detail, v.span, turn))
    return found


def _said_in_scene(hit: Hit, text: str, language: str, blacklist: Blacklist) -> bool:
    """A listed phrase the scene accounts for: the speaker's own case after relativity, a listener
    addressed or a quoted voice (address.py), a refusal of a thing of the story, an answered opener."""
    end = hit.start + len(hit.span)
    if hit.category == "hedging" and own_case(text, hit.span, end, language):
        return True
    if hit.category == "assistant_tone" and is_zh(language) and mentioned_after(text, end):
        return True  # 我很乐意帮您！…说明这句是真的: the phrase taken up as words said (mention_zh.py)
    if hit.category != "custom" and addressed_or_quoted(
        text, hit.start, end, language, refusal=hit.category == "refusal"
    ):
        return True
    if hit.category == "refusal":
        return scene_refusal(text, end, language)
    if hit.category == "assistant_tone" and answered_in_scene(text, hit.start, language):
        # "Thanks for asking! …" answered from the speaker's own life, no listed phrase after it
        return not any(
            h.category == "assistant_tone" and h.start > hit.start for h in blacklist.hits(text, language)
        )
    return False


def _learned_step(cfg: QualityConfig, live: list[_Item], lines: list[Line]) -> None:
    """The learned second opinion on every character line, in one batch (factory/quality/learned.py)."""
    from factory.quality.learned import learned_scores

    scores = learned_scores(
        [(ln.text, live[ln.sample].names, ln.language) for ln in lines], cfg.learned.threshold
    )
    for ln, (p, bad) in zip(lines, scores, strict=True):
        if bad:
            detail = f"the learned model gives this line p(bad) = {p:.2f}"
            live[ln.sample].findings.append(Finding("learned.classifier", detail, "", ln.turn))


def _target_text(s: Sample) -> str:
    return " ".join(s.messages[i].content for i in target_turns(s))


def _decide(it: _Item, findings: list[Finding], cfg: QualityConfig, record: bool = True) -> None:
    """Apply each finding's action: reject sets the sample's reason (first by rule order), flag notes it."""
    if record:
        it.findings.extend(findings)
    rejects = [f for f in findings if cfg.action(f.rule) == "reject"]
    it.flags.extend(f for f in findings if cfg.action(f.rule) == "flag")
    if rejects and it.reason is None:
        it.reason = primary(rejects)


async def _judge_step(
    cfg: QualityConfig,
    judge: Engine | None,
    live: list[_Item],
    lines: list[Line],
    heur: list[bool],
    progress,
    inside: set[tuple[int, int]],
) -> dict:
    """Ask the judge when configured; `inside` gets the (sample, turn) lines it judged in character."""
    mode = cfg.selfname.mode
    out: dict = {"mode": mode, "lines": len(lines), "heuristic_flagged": sum(heur)}
    if mode == "judge" and judge is None:
        raise ValueError("quality.selfname.mode: judge needs a judge endpoint (none configured)")
    if judge is None or not lines or (mode == "heuristic" and cfg.selfname.judge_sample == 0):
        return out
    if mode == "judge":  # lines of samples another rule already rejects would not change the outcome
        doomed = {
            k
            for k, it in enumerate(live)
            if any(cfg.action(f.rule) == "reject" and not f.rule.startswith("selfname.") for f in it.findings)
        }
        pick = [i for i, ln in enumerate(lines) if ln.sample not in doomed]
        out["skipped_already_rejected"] = len(lines) - len(pick)
    else:
        keys = [f"{ln.sample}:{ln.turn}:{ln.text}" for ln in lines]
        pick = choose_lines(heur, keys, cfg.selfname.judge_sample, cfg.selfname.seed)
    verdicts = await ask_judge(judge, [lines[i] for i in pick], progress)
    population = None if mode == "judge" else (sum(heur), len(heur) - sum(heur))
    out["agreement"] = agreement([heur[i] for i in pick], verdicts, population)
    if mode == "judge":  # the judge decides; its failures fall back to the heuristic for that line
        decided = {
            (lines[i].sample, lines[i].turn): v for i, v in zip(pick, verdicts, strict=True) if v is not None
        }
        for k, it in enumerate(live):
            it.findings = [
                f for f in it.findings if not (f.rule.startswith("selfname.") and (k, f.turn) in decided)
            ]
        inside.update(key for key, outside in decided.items() if not outside)
        for (k, turn), outside in decided.items():
            if outside:
                live[k].findings.append(
                    Finding(
                        "selfname.judge",
                        "judge: not spoken from inside the character",
                        live[k].sample.messages[turn].content.strip()[:80],
                        turn,
                    )
                )
    return out


def _lsh(cfg: QualityConfig, threshold: float) -> LshParams:
    from factory.quality.dedup import LshParams

    d = cfg.dedup
    return LshParams(
        threshold=threshold, num_perm=d.num_perm, bands=d.bands, shingle=d.shingle, workers=d.workers
    )


def _sample_text(s: Sample) -> str:
    return "\n".join(f"{m.role} {m.content}" for m in s.messages if m.role != "system")


def _sample_dedup(cfg: QualityConfig, live: list[_Item]) -> dict:
    if cfg.action("dedup.exact_sample") == "off" and cfg.action("dedup.near_sample") == "off":
        return {"enabled": False}
    from factory.quality.dedup import near_duplicates

    alive = [it for it in live if it.reason is None]
    res = near_duplicates([_sample_text(it.sample) for it in alive], _lsh(cfg, cfg.dedup.sample_threshold))
    removed = {"dedup.exact_sample": 0, "dedup.near_sample": 0}
    for j in res.duplicates().tolist():
        r = int(res.labels[j])
        rule = "dedup.exact_sample" if res.is_exact(j) else "dedup.near_sample"
        if cfg.action(rule) == "off":
            continue
        rep = alive[r].sample.id
        detail = (
            f"same normalised text as {rep}"
            if rule.endswith("exact_sample")
            else _near_detail(res, j, r, [it.sample.id for it in alive], cfg.dedup.sample_threshold)
        )
        _decide(alive[j], [Finding(rule, detail, _target_text(alive[j].sample).strip()[:80], None, rep)], cfg)
        removed[rule] += 1
    return {
        "enabled": True,
        "samples": len(alive),
        "candidates": res.candidates,
        "verified": res.verified,
        "duplicates": removed,
    }


def _near_detail(res: DedupResult, j: int, r: int, ids: list[str], threshold: float) -> str:
    """Name the sample `j` really matched: in a chain (A~B, B~C) C may be far from the survivor A."""
    from rapidfuzz import fuzz

    m = res.match(j)
    score = fuzz.ratio(res.normalized[j], res.normalized[m])
    via = "" if m == r else f"; its group is kept as {ids[r]}"
    return f"near-duplicate of {ids[m]} (ratio {score:.0f}, threshold {threshold:g}){via}"


def _line_dedup(cfg: QualityConfig, live: list[_Item]) -> dict:
    if cfg.action("dedup.line") == "off":
        return {"enabled": False}
    import numpy as np

    from factory.quality.dedup import near_duplicates
    from factory.quality.tokens import normalize_many, tokenize

    alive = [it for it in live if it.reason is None]
    refs: list[tuple[int, int]] = []
    texts: list[str] = []
    for k, it in enumerate(alive):
        for turn in target_turns(it.sample):
            refs.append((k, turn))
            texts.append(it.sample.messages[turn].content)
    norm = normalize_many(texts)
    counts = tokenize(norm, normalized=True).counts if norm else np.zeros(0, dtype=np.int64)
    eligible = [i for i in range(len(refs)) if counts[i] >= cfg.dedup.line_min_length]
    res = near_duplicates([norm[i] for i in eligible], _lsh(cfg, cfg.dedup.line_threshold), normalized=True)
    cluster = {eligible[j]: int(res.labels[j]) for j in range(len(eligible))}
    by_sample: dict[int, list[int]] = {}
    for i, (k, _) in enumerate(refs):
        by_sample.setdefault(k, []).append(i)
    owner: dict[int, str] = {}
    removed = 0
    for k, it in enumerate(alive):
        idx = by_sample.get(k, [])
        own: set[int] = set()
        dups = []
        for i in idx:
            c = cluster.get(i)
            if c is None:
                continue
            if c in owner or c in own:
                dups.append(i)
            own.add(c)
        if dups and len(dups) / len(idx) > cfg.dedup.line_max_share:
            first = dups[0]
            src = owner.get(cluster[first], it.sample.id)
            _decide(
                it,
                [
                    Finding(
                        "dedup.line",
                        f"{len(dups)} of {len(idx)} character lines repeat kept lines (first: {src})",
                        texts[first].strip()[:80],
                        refs[first][1],
                        src,
                    )
                ],
                cfg,
            )
            removed += it.reason is not None and it.reason.rule == "dedup.line"
        if it.reason is None:
            for c in own:
                owner.setdefault(c, it.sample.id)
    return {
        "enabled": True,
        "lines": len(refs),
        "eligible": len(eligible),
        "candidates": res.candidates,
        "verified": res.verified,
        "samples_removed": int(removed),
    }


def _pattern_step(cfg: QualityConfig, live: list[_Item]) -> dict:
    import numpy as np

    from factory.quality.patterns import Patterns, cap_patterns

    lines, owners = [], []
    for k, it in enumerate(live):
        for turn in target_turns(it.sample):
            lines.append(it.sample.messages[turn].content)
            owners.append(k)
    pat = Patterns.build(lines, owners, len(live), cfg.patterns)
    everyone = np.ones(len(live), dtype=bool)
    before = pat.stats(everyone, cfg.patterns.top)
    alive = np.array([it.reason is None for it in live], dtype=bool)
    rules = [r for r in ("pattern.opener", "pattern.ngram") if cfg.action(r) != "off"]
    dropped = cap_patterns(pat, [it.sample.id for it in live], alive, cfg.patterns, rules) if rules else {}
    for k, finding in dropped.items():
        _decide(live[k], [finding], cfg)
    after = pat.stats(np.array([it.reason is None for it in live], dtype=bool), cfg.patterns.top)
    return {"before": before, "after": after, "downsampled": len(dropped)}


def _assemble(state: list[_Item], invalid: Sequence[tuple[str, str]]) -> tuple[list[Sample], list[dict]]:
    kept: list[Sample] = []
    rejected: list[dict] = [
        {
            "id": rid,
            "stage": "quality",
            "rule": "format.invalid_record",
            "detail": why,
            "span": "",
            "turn": None,
            "also": [],
            "sample": None,
        }
        for rid, why in invalid
    ]
    for it in state:
        if it.reason is None:
            gate = {"kept": True, "flags": [f.as_dict() for f in it.flags]}
            kept.append(it.sample.model_copy(update={"quality": {**it.sample.quality, "gate": gate}}))
            continue
        also = sorted({f.rule for f in it.findings if f.rule != it.reason.rule})
        rejected.append(
            {
                "id": it.sample.id,
                "stage": "quality",
                **it.reason.as_dict(),
                "also": also,
                "sample": it.sample.model_dump(mode="json"),
            }
        )
    return kept, rejected
