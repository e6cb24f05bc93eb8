"""`factory eval calibrate`: is a judge fit to be trusted, measured on a small labelled set.

The set (data/calibration.jsonl, shipped with the package) holds, per question, three replies of
the same character: in character, in an assistant's tone, and out of character (anachronism,
modern life), in English and Chinese. The judge runs the eval's own prompts on them:

- rubrics: an in-character reply should score >= 5 on personality and on hallucination, an
  assistant-tone reply <= 3 on personality, an out-of-character one <= 3 on hallucination;
- pairwise: in character against each of the other two, both orders; a verdict counts only
  when the orders agree, and it should name the in-character reply;
- test-retest: everything is asked a second time as a new sample (a new cache key and seed);
  the share of identical verdicts says how repeatable the judge is.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources

from factory.engine import Engine, Request
from factory.evaluate.judging import judge, request, rubric_request
from factory.evaluate.pairwise import WINNER, agreed
from factory.evaluate.scoring import parsed_share, rate
from factory.secrets import strip_credentials

LABELS = ("in_character", "assistant_tone", "out_of_character")
# label -> rubric dimensions it is judged on, and whether a high (>= 5) or low (<= 3) score agrees
EXPECT = {
    "in_character": (("personality", "high"), ("hallucination", "high")),
    "assistant_tone": (("personality", "low"),),
    "out_of_character": (("hallucination", "low"),),
}
FIT = {"agreement": 0.75, "pairwise": 0.75, "retest": 0.8, "parsed": 0.9}


@dataclass(frozen=True)
class Item:
    id: str
    language: str
    character: str
    reference: str
    question: str
    answer: str
    label: str


def load_set(limit: int | None = None) -> tuple[list[Item], str]:
    """The shipped items (the first `limit` questions per language) and the set's sha256."""
    text = resources.files("factory.evaluate").joinpath("data/calibration.jsonl").read_text(encoding="utf-8")
    items = [Item(**json.loads(line)) for line in text.splitlines() if line.strip()]
    if limit is not None:
        keep = {(i.language, i.question) for i in items if int(i.id.split("-")[1]) <= limit}
        items = [i for i in items if (i.language, i.question) in keep]
    return items, hashlib.sha256(text.encode()).hexdigest()[:16]


def agrees(label: str, direction: str, score: float) -> bool:
    return score >= 5 if direction == "high" else score <= 3


def _requests(items: list[Item], sample: int) -> list[Request]:
    reqs = [
        rubric_request(
            dim,
            f"{it.id}#{dim}@{sample}",
            it.language,
            it.character,
            it.reference,
            it.question,
            it.answer,
            sample_index=sample,
        )
        for it in items
        for dim, _ in EXPECT[it.label]
    ]
    by_q: dict[tuple[str, str], dict[str, Item]] = {}
    for it in items:
        by_q.setdefault((it.language, it.question), {})[it.label] = it
    for group in by_q.values():
        good = group.get("in_character")
        for other in (group.get("assistant_tone"), group.get("out_of_character")):
            if good is None or other is None:
                continue
            for order, (a, b) in (("ga", (good, other)), ("ag", (other, good))):
                reqs.append(
                    request(
                        "judge_pairwise",
                        "pairwise",
                        f"{other.id}/{order}@{sample}",
                        good.language,
                        WINNER,
                        sample_index=sample,
                        character=good.character,
                        reference=good.reference,
                        question=good.question,
                        answer_a=a.answer,
                        answer_b=b.answer,
                    )
                )
    return reqs


async def calibrate(engine: Engine, items: list[Item], set_hash: str = "") -> tuple[dict, list[dict]]:
    js = await judge(engine, _requests(items, 0) + _requests(items, 1))
    by_id = {j.id: j for j in js}
    label_of = {it.id: it.label for it in items}
    rows, hits, retest_same, retest_near = [], [], [], []
    by_label: dict[str, list[bool]] = {k: [] for k in LABELS}
    by_lang: dict[str, list[bool]] = {}
    for it in items:
        for dim, direction in EXPECT[it.label]:
            first, second = by_id[f"{it.id}#{dim}@0"], by_id[f"{it.id}#{dim}@1"]
            ok = agrees(it.label, direction, first.value) if first.status == "ok" else None
            if ok is not None:
                hits.append(ok)
                by_label[it.label].append(ok)
                by_lang.setdefault(it.language, []).append(ok)
            if first.status == second.status == "ok":
                retest_same.append(first.value == second.value)
                retest_near.append(abs(first.value - second.value) <= 1)
            rows.append(
                {
                    "id": it.id,
                    "label": it.label,
                    "dimension": dim,
                    "expected": direction,
                    "score": first.value,
                    "retest": second.value,
                    "agrees": ok,
                    "status": first.status,
                }
            )
    pair_hits, pair_disagree = [], []
    for other_id, label in label_of.items():
        if label == "in_character" or f"{other_id}/ga@0" not in by_id:
            continue
        for sample in (0, 1):
            ga, ag = by_id[f"{other_id}/ga@{sample}"], by_id[f"{other_id}/ag@{sample}"]
            outcomes = [
                None
                if ga.status != "ok"
                else ("good" if ga.value == "A" else "other" if ga.value == "B" else "tie"),
                None
                if ag.status != "ok"
                else ("good" if ag.value == "B" else "other" if ag.value == "A" else "tie"),
            ]
            verdict = agreed(outcomes)
            if sample == 0:
                if None not in outcomes:
                    pair_disagree.append(verdict is None)
                if verdict is not None:
                    pair_hits.append(verdict == "good")
                rows.append(
                    {
                        "id": other_id,
                        "label": label,
                        "dimension": "pairwise",
                        "ga": outcomes[0],
                        "ag": outcomes[1],
                        "verdict": verdict,
                    }
                )
            else:
                first = [by_id[f"{other_id}/{o}@0"] for o in ("ga", "ag")]
                for a, b in zip(first, (ga, ag), strict=True):
                    if a.status == b.status == "ok":
                        retest_same.append(a.value == b.value)
                        retest_near.append(a.value == b.value)
    agreement = rate(sum(hits), len(hits))
    pairwise = rate(sum(pair_hits), len(pair_hits))
    retest = rate(sum(retest_same), len(retest_same))
    parsed = parsed_share(
        sum(j.status == "ok" for j in js),
        sum(j.status == "unparsable" for j in js),
        sum(j.status == "failed" for j in js),
        sum(j.read == "json" for j in js),
    )
    reasons = [
        f"{name} {value if value is None else round(value, 3)} < {FIT[key]}"
        for name, key, value in (
            ("label agreement", "agreement", agreement["rate"]),
            ("pairwise agreement", "pairwise", pairwise["rate"]),
            ("test-retest", "retest", retest["rate"]),
            ("parsed share", "parsed", parsed["share"]),
        )
        if value is None or value < FIT[key]
    ]
    summary = {
        "set": {"items": len(items), "sha256": set_hash, "languages": sorted(by_lang)},
        "judge": {
            "model": engine.settings.model,
            "base_url": strip_credentials(engine.settings.base_url),
            "structured": engine.settings.structured_mode(),
        },
        "agreement": agreement["rate"],
        "agreement_ci95": agreement["ci95"],
        "n": agreement["n"],
        "by_label": {k: rate(sum(v), len(v)) for k, v in by_label.items()},
        "by_language": {k: rate(sum(v), len(v)) for k, v in sorted(by_lang.items())},
        "pairwise": {"agreement": pairwise, "disagreement": rate(sum(pair_disagree), len(pair_disagree))},
        "retest": retest["rate"],
        "retest_ci95": retest["ci95"],
        "retest_within_one": rate(sum(retest_near), len(retest_near)),
        "parsed": parsed,
        "thresholds": FIT,
        "verdict": "fit" if not reasons else "not fit",
        "reasons": reasons,
    }
    return summary, rows


def brief(summary: dict, source: str) -> dict:
    """What eval.json keeps of a calibration: enough to judge the judge, and where it came from."""
    keys = ("agreement", "agreement_ci95", "retest", "retest_ci95", "verdict", "reasons", "judge", "set")
    return {
        "source": source,
        **{k: summary.get(k) for k in keys},
        "pairwise_agreement": summary.get("pairwise", {}).get("agreement", {}).get("rate"),
        "parsed_share": summary.get("parsed", {}).get("share"),
    }
