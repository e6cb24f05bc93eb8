"""Judge mode: ask a model the self-name question directly, and measure the heuristic against it.

The judge sees one character line and the field's test (replace 我 / I with the name; still
natural -> not spoken from inside) and answers {"verdict": "inside" | "outside"}. Requests go
through the engine, so they are cached, retried and counted like every other model call.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from factory.engine import Engine, ParseError, Request, extract_json
from factory.lang import LANGUAGES
from factory.prompts import render
from factory.records import make_id

STAGE = "quality_judge"
SCHEMA = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": ["inside", "outside"]},
        "reason": {"type": "string", "maxLength": 300},
    },
    "required": ["verdict"],
}


@dataclass(frozen=True)
class Line:
    sample: int  # index of the sample in the gate's order
    turn: int
    text: str
    character: str
    language: str


def parse_verdict(text: str) -> bool:
    """True when the judge says the line is NOT spoken from inside the character."""
    data = extract_json(text)
    if isinstance(data, dict):
        v = str(data.get("verdict", "")).strip().lower()
        if v in ("inside", "outside"):
            return v == "outside"
    raise ParseError(f"judge verdict must be inside/outside: {text[:80]!r}")


async def ask_judge(engine: Engine, lines: list[Line], progress=None) -> list[bool | None]:
    """One verdict per line (None where the judge failed after its retries); equal lines asked once."""
    requests: dict[str, Request] = {}
    keys = []
    for ln in lines:
        rid = make_id("req-qj", ln.character, ln.language, ln.text)
        keys.append(rid)
        if rid not in requests:
            language = ln.language if ln.language in LANGUAGES else "en"
            requests[rid] = Request(
                id=rid,
                stage=STAGE,
                schema=SCHEMA,
                parse=parse_verdict,
                params={"temperature": 0.0},
                messages=render("selfname_judge", language, character=ln.character, line=ln.text),
            )
    if progress is not None and hasattr(progress, "begin"):
        progress.begin(STAGE, len(requests))
    stats = engine.accounting.stage(STAGE)
    stats.total += len(requests)
    verdicts: dict[str, bool | None] = {}
    async for res in engine.stream(list(requests.values()), progress):
        stats.done += 1
        verdicts[res.request.id] = bool(res.value) if res.ok else None
    return [verdicts.get(k) for k in keys]


def _rank(key: str, seed: int) -> str:
    return hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).hexdigest()


def choose_lines(flags: list[bool], keys: list[str], n: int, seed: int) -> list[int]:
    """A stratified, seeded sample: up to half heuristic positives, the rest negatives."""
    pos = sorted((i for i, f in enumerate(flags) if f), key=lambda i: _rank(keys[i], seed))
    neg = sorted((i for i, f in enumerate(flags) if not f), key=lambda i: _rank(keys[i], seed))
    take_pos = min(len(pos), max(n // 2, n - len(neg)))
    return sorted(pos[:take_pos] + neg[: n - take_pos])


def agreement(
    flags: list[bool], verdicts: list[bool | None], population: tuple[int, int] | None = None
) -> dict:
    """Precision/recall of the heuristic (flags) against the judge (verdicts: True = outside).

    population = (heuristic positives, negatives) in the whole data set when the judged lines are
    a stratified sample; recall is then re-weighted by stratum so the estimate is unbiased.
    """
    pairs = [(f, v) for f, v in zip(flags, verdicts, strict=True) if v is not None]
    tp = sum(1 for f, v in pairs if f and v)
    fp = sum(1 for f, v in pairs if f and not v)
    fn = sum(1 for f, v in pairs if not f and v)
    tn = sum(1 for f, v in pairs if not f and not v)
    n_pos, n_neg = tp + fp, fn + tn
    precision = tp / n_pos if n_pos else None
    if population is None:
        recall = tp / (tp + fn) if tp + fn else None
    else:
        big_pos, big_neg = population
        est_tp = big_pos * (tp / n_pos) if n_pos else 0.0
        est_fn = big_neg * (fn / n_neg) if n_neg else 0.0
        recall = est_tp / (est_tp + est_fn) if est_tp + est_fn else None
    return {
        "judged": len(pairs),
        "failed": len(verdicts) - len(pairs),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": None if precision is None else round(precision, 4),
        "recall": None if recall is None else round(recall, 4),
        "estimated": population is not None,
    }
