"""Per stage: requests planned -> replies produced -> records kept, each loss with its reason."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from factory.records import iter_jsonl

# run.json `dropped` keys name their stage by prefix; a few stages write under another name
_FILE_OF = {"protection_scenes": "protection_scenes", "card_drafts": "card_drafts"}
_EXAMPLES = 3  # failure details shown per (stage, reason)


def _lines(path: Path) -> int | None:
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def _failure_details(run: Path) -> dict[tuple[str, str], Counter]:
    """(stage, reason) -> details counted, so a reason comes with what the parser said."""
    out: dict[tuple[str, str], Counter] = {}
    for f in iter_jsonl(run / "failures.jsonl"):
        key = (str(f.get("stage", "?")), str(f.get("reason", "?")))
        out.setdefault(key, Counter())[str(f.get("detail") or "")] += 1
    return out


def _drops(dropped: dict, stage: str) -> list[dict]:
    return [
        {"reason": k[len(stage) + 1 :].replace("_", " "), "count": v}
        for k, v in sorted(dropped.items())
        if k.startswith(stage + "_") and v
    ]


def _in_progress(run: Path, details: dict[tuple[str, str], Counter]) -> list[dict]:
    """No run.json yet (a run going on, or killed): what each stage has done so far, in the order
    the stages started."""
    progress = run / ".progress"
    done = sorted(progress.glob("*.done"), key=lambda p: p.stat().st_mtime_ns) if progress.is_dir() else []
    rows = []
    for path in done:
        name = path.stem
        failures = [
            {
                "reason": reason,
                "count": sum(c.values()),
                "examples": [{"detail": d, "count": n} for d, n in c.most_common(_EXAMPLES)],
            }
            for (stage, reason), c in sorted(details.items())
            if stage == name
        ]
        rows.append(
            {
                "stage": name,
                "planned": None,
                "produced": _lines(path),
                "records": _lines(run / f"{name}.jsonl"),
                "failures": failures,
                "dropped": [],
                "note": "in progress or interrupted: no run.json yet",
            }
        )
    return rows


def funnel(run: Path, info: dict) -> list[dict]:
    """One row per stage in run order, then the cards selection and the quality gate."""
    stages: dict = info.get("stages") or {}
    dropped: dict = info.get("dropped") or {}
    details = _failure_details(run)
    rows = [] if stages else _in_progress(run, details)
    for name, st in stages.items():
        failures = []
        for reason, n in sorted((st.get("failures") or {}).items(), key=lambda kv: -kv[1]):
            examples = [
                {"detail": d, "count": c}
                for d, c in details.get((name, reason), Counter()).most_common(_EXAMPLES)
            ]
            failures.append({"reason": reason, "count": n, "examples": examples})
        rows.append(
            {
                "stage": name,
                "planned": st.get("total"),
                "produced": st.get("ok"),
                "records": _lines(run / f"{_FILE_OF.get(name, name)}.jsonl"),
                "failures": failures,
                "dropped": _drops(dropped, name),
            }
        )
    if "card_drafts" in stages:
        rows.append(
            {
                "stage": "cards",
                "planned": None,
                "produced": _lines(run / "card_drafts.jsonl"),
                "records": _lines(run / "cards.jsonl"),
                "failures": [],
                "dropped": _drops(dropped, "cards"),
            }
        )
    samples = _lines(run / "samples.jsonl")
    if samples is not None:
        rows.append(
            {
                "stage": "samples",
                "planned": None,
                "produced": None,
                "records": samples,
                "failures": [],
                "dropped": _drops(dropped, "samples"),
            }
        )
    q = info.get("report_quality")
    if q:
        rows.append(
            {
                "stage": "quality gate",
                "planned": q.get("input"),
                "produced": q.get("input"),
                "records": q.get("kept"),
                "failures": [],
                "dropped": [
                    {"reason": r, "count": n}
                    for r, n in sorted((q.get("by_rule") or {}).items(), key=lambda kv: -kv[1])
                ],
            }
        )
    ex = info.get("report_export")
    if ex and ex.get("rows"):
        rows.append(
            {
                "stage": "export",
                "planned": q.get("kept") if q else None,
                "produced": None,
                "records": sum(ex["rows"].values()),
                "failures": [],
                "dropped": [],
                "note": ", ".join(f"{k} {v}" for k, v in ex["rows"].items()) + " rows",
            }
        )
    return rows
