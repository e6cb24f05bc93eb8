"""What the gate did, in numbers that add up: report.json for tools, report.md for people, plus writers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from factory.quality.rules import FAMILY, RULES
from factory.records import write_jsonl_atomic

if TYPE_CHECKING:
    from factory.quality.gate import GateResult


def build_report(
    cfg,
    state,
    invalid,
    kept,
    rejected,
    *,
    dedup: dict,
    patterns: dict,
    selfname: dict,
    timings: dict,
    character: str | None,
    language: str | None,
) -> dict:
    rejected_by: Counter = Counter(r["rule"] for r in rejected)
    flagged_by: Counter = Counter()
    hits: Counter = Counter({"format.invalid_record": len(invalid)})
    examples: dict[str, list[dict]] = {}
    for it in state:
        fired = {f.rule for f in it.findings} | ({it.reason.rule} if it.reason else set())
        hits.update(fired)
        if it.reason is None:
            flagged_by.update({f.rule for f in it.flags})
    for r in rejected:
        ex = examples.setdefault(r["rule"], [])
        if len(ex) < cfg.examples:
            ex.append({"id": r["id"], "detail": r["detail"], "span": r["span"]})
    for it in state:
        if it.reason is None:
            for f in it.flags:
                ex = examples.setdefault(f.rule, [])
                if len(ex) < cfg.examples and f.rule not in rejected_by:
                    ex.append({"id": it.sample.id, "detail": f.detail, "span": f.span})
    rules = {
        name: {
            "description": desc,
            "rejected": rejected_by[name],
            "flagged": flagged_by[name],
            "hits": hits[name],
            "action": cfg.action(name),
            "examples": examples.get(name, []),
        }
        for name, desc in RULES.items()
        if hits[name] or rejected_by[name] or flagged_by[name]
    }
    families: dict[str, dict[str, int]] = {}
    for name, v in rules.items():  # a sample counts once per family (under its first rule), as in `rules`
        fam = families.setdefault(FAMILY.get(name, name), {"rejected": 0, "flagged": 0})
        fam["rejected"] += v["rejected"]
        fam["flagged"] += v["flagged"]
    n_in = len(state) + len(invalid)
    return {
        "input": n_in,
        "kept": len(kept),
        "rejected": len(rejected),
        "flagged": sum(1 for s in kept if s.quality.get("gate", {}).get("flags")),
        "balanced": n_in == len(kept) + len(rejected) and sum(rejected_by.values()) == len(rejected),
        "by_rule": dict(rejected_by.most_common()),
        "character": character,
        "language": language,
        "rules": rules,
        "by_family": families,
        "dedup": dedup,
        "patterns": patterns,
        "selfname": selfname,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "config": cfg.model_dump(mode="json"),
    }


def _table(rows: list[list], head: list[str]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in r) + " |" for r in rows]
    return out


def _pattern_rows(before: list[dict], after: list[dict]) -> list[list]:
    rows = []
    for i in range(max(len(before), len(after))):
        b = before[i] if i < len(before) else None
        a = after[i] if i < len(after) else None
        rows.append(
            [
                i + 1,
                f"{b['pattern']} ({b['samples']}, {b['share']:.1%})" if b else "",
                f"{a['pattern']} ({a['samples']}, {a['share']:.1%})" if a else "",
            ]
        )
    return rows


def render_markdown(report: dict) -> str:
    r = report
    md = ["# Quality gate report", ""]
    who = ", ".join(x for x in (r.get("character"), r.get("language")) if x)
    if who:
        md += [f"Character/language: {who}", ""]
    md += _table(
        [[r["input"], r["kept"], r["rejected"], r["flagged"], "yes" if r["balanced"] else "NO"]],
        ["input", "kept", "rejected", "kept with flags", "kept + rejected = input"],
    )
    if r.get("by_family"):
        md += ["", "## Failure families", ""]
        md += _table(
            [
                [k, v["rejected"], v["flagged"]]
                for k, v in sorted(r["by_family"].items(), key=lambda kv: (-kv[1]["rejected"], kv[0]))
            ],
            ["family", "rejected", "flagged"],
        )
    md += ["", "## Rules", ""]
    md += _table(
        [
            [k, v["description"], v["action"], v["rejected"], v["flagged"], v["hits"]]
            for k, v in r["rules"].items()
        ],
        ["rule", "meaning", "action", "rejected (as reason)", "flagged", "samples hit"],
    )
    md += [
        "",
        "A sample breaking several rules is counted once, under the first rule in this table's order;",
        "`samples hit` counts every sample a rule fired on.",
        "",
        "## Examples",
        "",
    ]
    for k, v in r["rules"].items():
        if v["examples"]:
            md.append(f"**{k}**")
            md += [f"- `{e['id']}`: {e['detail']} — «{e['span']}»" for e in v["examples"]]
            md.append("")
    d = r["dedup"]
    md += ["## Duplicates", ""]
    if d["sample"].get("enabled"):
        s = d["sample"]
        md.append(
            f"- samples: {s['duplicates']['dedup.exact_sample']} exact and {s['duplicates']['dedup.near_sample']}"
            f" near duplicates among {s['samples']} ({s['candidates']} LSH candidate pairs, {s['verified']} verified)"
        )
    if d["line"].get("enabled"):
        s = d["line"]
        md.append(
            f"- character lines: {s['eligible']} of {s['lines']} long enough to compare, {s['verified']} "
            f"near-duplicate pairs verified, {s['samples_removed']} samples removed"
        )
    p = r["patterns"]
    b, a = p["before"], p["after"]
    md += ["", "## Patterns and diversity (character lines)", ""]
    md += _table(
        [
            ["samples", b["samples"], a["samples"]],
            ["lines", b["lines"], a["lines"]],
            ["distinct-1", b["distinct_1"], a["distinct_1"]],
            ["distinct-2", b["distinct_2"], a["distinct_2"]],
            ["mean length (tokens)", b["mean_tokens"], a["mean_tokens"]],
        ],
        ["", "before", "after"],
    )
    md += ["", f"{p['downsampled']} samples downsampled. Top openers (samples, share):", ""]
    md += _table(_pattern_rows(b["top_openers"], a["top_openers"]), ["#", "before", "after"])
    md += ["", "Top phrases:", ""]
    md += _table(_pattern_rows(b["top_phrases"], a["top_phrases"]), ["#", "before", "after"])
    sn = r["selfname"]
    md += [
        "",
        "## Self-name check",
        "",
        f"Mode: {sn['mode']}; {sn['heuristic_flagged']} of {sn['lines']} "
        "character lines flagged by the heuristic.",
    ]
    ag = sn.get("agreement")
    if ag:
        kind = "estimated from a stratified sample" if ag["estimated"] else "on every line"
        md += [
            "",
            f"Heuristic against the judge ({kind}): precision {ag['precision']}, recall {ag['recall']} "
            f"(tp {ag['tp']}, fp {ag['fp']}, fn {ag['fn']}, tn {ag['tn']}; {ag['judged']} judged, "
            f"{ag['failed']} judge failures).",
        ]
    md += ["", "## Timings (s)", "", ", ".join(f"{k} {v}" for k, v in r["timings_s"].items()), ""]
    return "\n".join(md)


def write_report(report: dict, md_path: Path, json_path: Path) -> None:
    md_path.parent.mkdir(parents=True, exist_ok=True)
    for path, text in (
        (json_path, json.dumps(report, ensure_ascii=False, indent=2) + "\n"),
        (md_path, render_markdown(report)),
    ):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)


def write_outputs(result: GateResult, out_dir: Path) -> dict[str, Path]:
    """kept.jsonl, rejected.jsonl, report.md, report.json in out_dir (each replaced in one step)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / name for name in ("kept.jsonl", "rejected.jsonl", "report.md", "report.json")}
    write_jsonl_atomic(paths["kept.jsonl"], result.kept)
    write_jsonl_atomic(paths["rejected.jsonl"], result.rejected)
    write_report(result.report, paths["report.md"], paths["report.json"])
    return paths
