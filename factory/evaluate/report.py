"""eval.json (everything, plus a flat `metrics` map for comparisons), eval.md, details.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

from factory.evaluate.chart import draw
from factory.evaluate.scoring import mean_ci, parsed_share, rate
from factory.records import write_jsonl_atomic

RUBRICS = ("memorization", "values", "personality", "hallucination", "stability")
OFFLINE_RATES = ("assistant_tone", "self_name", "refusal", "language_consistency")


def topic_means(pairs: list[tuple[str, float]]) -> dict[str, dict]:
    topics: dict[str, list[float]] = {}
    for topic, value in pairs:
        topics.setdefault(topic, []).append(value)
    return {t: mean_ci(v) for t, v in topics.items()}


def interview_summary(interviews: list, rounds: int) -> dict:
    seen = [d for iv in interviews for d in iv.dodged]
    answers = [sum(r == "assistant" for r, _ in iv.turns) for iv in interviews]
    calls = [c for iv in interviews for c in iv.calls]
    dodge = rate(sum(seen), len(seen))
    return {
        "status": "ok",
        "interviews": len(interviews),
        "rounds": rounds,
        "completed": sum(a == rounds for a in answers),
        "answers": sum(answers),
        "dodge_rate": dodge["rate"],
        "ci95": dodge["ci95"],
        "dodge_calls": len(seen),
        "n": len(seen),
        "parsed": parsed_share(
            sum(c in ("json", "text") for c in calls),
            calls.count("unparsable"),
            calls.count("failed"),
            calls.count("json"),
        ),
        "stopped": [iv.stopped for iv in interviews if iv.stopped],
    }


def measured(dims: dict) -> dict[str, dict]:
    """Every comparable number with its 95% interval and sample size: {key: {value, ci95, n}}."""
    m: dict[str, dict] = {}

    def put(key: str, d: dict, value_key: str) -> None:
        m[key] = {"value": d.get(value_key), "ci95": d.get("ci95"), "n": d.get("n")}

    rub = dims.get("rubrics", {})
    for d in RUBRICS:
        if isinstance(rub.get(d), dict):
            put(f"rubric.{d}", rub[d], "mean")
    if dims.get("memory", {}).get("status") == "ok":
        put("memory.accuracy", dims["memory"], "accuracy")
    for name, key in (("consistency", "fool_rate"), ("pairwise", "win_rate")):
        if dims.get(name, {}).get("status") == "ok":
            put(f"{name}.{key}", dims[name], key)
            put(f"{name}.order_disagreement", dims[name]["disagreement"], "rate")
    if dims.get("interviews", {}).get("status") == "ok":
        put("interviews.dodge_rate", dims["interviews"], "dodge_rate")
    if dims.get("knowledge", {}).get("status") == "ok":
        if dims["knowledge"].get("within_bounds") is not None:
            put("knowledge.within_bounds", dims["knowledge"], "within_bounds")
        put("knowledge.obvious_violations", dims["knowledge"]["offline_beyond"], "rate")
    off = dims.get("offline", {})
    if off.get("status") == "ok":
        for k in ("distinct_1", "distinct_2", "mean_chars"):
            m[f"offline.{k}"] = {"value": off[k], "ci95": off.get("ci95", {}).get(k), "n": off["answers"]}
        for k in OFFLINE_RATES:
            put(f"offline.{k}", off[k], "rate")
    return m


def metrics(dims: dict) -> dict[str, float | None]:
    """The comparable numbers, one flat map (what `factory eval compare` lines up)."""
    return {k: v["value"] for k, v in measured(dims).items()}


def _f(v, digits: int = 2) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _ci(ci) -> str:
    return f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "–"


def markdown(result: dict) -> str:
    info, dims = result["info"], result["dimensions"]
    inp = info["inputs"]
    lines = [
        f"# Evaluation: {info['label']}",
        "",
        f"Character **{inp['character']}** ({inp['language']}), run `{inp['run']}`, style `{info['style']}`.",
        "",
    ]
    for role, d in info["endpoints"].items():
        lines.append(f"- {role}: `{d.get('model')}` at {d.get('base_url')}")
    if result["notes"]:
        lines += ["", "Notes:", *[f"- {n}" for n in result["notes"]]]
    lines += ["", "![chart](eval.png)", ""]
    lines += _reliability(result.get("trust") or {})
    rub = dims.get("rubrics", {})
    lines += ["## Judge rubrics (1-7, higher is better)", ""]
    if rub.get("status") == "ok":
        lines += ["| dimension | mean | 95% CI | n | unparsable | failed |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {d} | {_f(rub[d]['mean'])} | {_ci(rub[d]['ci95'])} | {rub[d]['n']} | {rub[d]['unparsable']} "
            f"| {rub[d]['failed']} |"
            for d in RUBRICS
            if d in rub
        ]
    else:
        lines.append(f"Skipped: {rub.get('reason')}")
    lines += _section(
        "Multi-turn interviews",
        dims.get("interviews", {}),
        [
            ("interviews", "interviews"),
            ("completed all rounds", "completed"),
            ("answers", "answers"),
            ("dodge rate (interviewer)", "dodge_rate"),
            ("95% CI", "ci95"),
            ("dodge calls", "n"),
        ],
    )
    mem = dims.get("memory", {})
    lines += _section(
        "Memory (planted facts)",
        mem,
        [
            ("method", "method"),
            ("probes", "cases"),
            ("accuracy", "accuracy"),
            ("95% CI", "ci95"),
            ("unparsable", "unparsable"),
            ("failed", "failed"),
        ],
    )
    if mem.get("by_distance"):
        lines += ["", "| turns between plant and question | accuracy | 95% CI | n |", "|---|---|---|---|"]
        lines += [
            f"| {b} | {_f(v['rate'])} | {_ci(v['ci95'])} | {v['n']} |" for b, v in mem["by_distance"].items()
        ]
    kn = dims.get("knowledge", {})
    lines += _section(
        "Knowledge boundary (held-out protection scenes)",
        kn,
        [
            ("method", "method"),
            ("cases", "cases"),
            ("within bounds", "within_bounds"),
            ("95% CI", "ci95"),
            ("verdicts", "n"),
            ("obvious violations (offline)", "offline_beyond"),
            ("unparsable", "unparsable"),
            ("failed", "failed"),
        ],
    )
    if kn.get("by_subtype"):
        lines += ["", "| subtype | within bounds | 95% CI | n |", "|---|---|---|---|"]
        lines += [
            f"| {k} | {_f(v['rate'])} | {_ci(v['ci95'])} | {v['n']} |" for k, v in kn["by_subtype"].items()
        ]
    lines += _section(
        "Consistency (fool rate; 0.5 = indistinguishable)",
        dims.get("consistency", {}),
        [
            ("source", "source"),
            ("fool rate", "fool_rate"),
            ("95% CI", "ci95"),
            ("verdicts (both orders agree)", "n"),
            ("order disagreement", "disagreement"),
            ("unparsable", "unparsable"),
            ("failed", "failed"),
        ],
    )
    lines += _section(
        "Pairwise vs reference",
        dims.get("pairwise", {}),
        [
            ("reference", "reference"),
            ("win rate (tie = 1/2)", "win_rate"),
            ("95% CI (Wilson)", "ci95"),
            ("verdicts (both orders agree)", "n"),
            ("wins / ties / losses", None),
            ("order disagreement", "disagreement"),
            ("picked answer A", "first_position_share"),
            ("unparsable", "unparsable"),
            ("failed", "failed"),
        ],
    )
    off = dims.get("offline", {})
    lines += ["", "## Offline metrics (no judge)", ""]
    if off.get("status") == "ok":
        ci = off.get("ci95", {})
        lines += [
            "| metric | value | 95% CI |",
            "|---|---|---|",
            f"| answers | {off['answers']} | |",
            f"| distinct-1 | {_f(off['distinct_1'], 3)} | {_ci(ci.get('distinct_1'))} (bootstrap) |",
            f"| distinct-2 | {_f(off['distinct_2'], 3)} | {_ci(ci.get('distinct_2'))} (bootstrap) |",
        ]
        lines += [
            f"| {k.replace('_', ' ')} rate | {_f(off[k]['rate'], 3)} | {_ci(off[k]['ci95'])} |"
            for k in OFFLINE_RATES
        ]
        lines += [
            f"| mean length (chars) | {_f(off['mean_chars'], 1)} | {_ci(ci.get('mean_chars'))} |",
            f"| mean length (tokens, est.) | {_f(off['mean_tokens'], 1)} | {_ci(ci.get('mean_tokens'))} |",
            "",
            "Tone and self-name are the quality gate's own checks, with the run's gate settings.",
        ]
    else:
        lines.append(f"Skipped: {off.get('reason')}")
    return "\n".join(lines) + "\n"


def _reliability(trust: dict) -> list[str]:
    shares = trust.get("parsed_share") or {}
    if not shares:
        return []
    out = [
        "## Judge reliability",
        "",
        "Share of judgments with a readable verdict (JSON or, failing that, free text), per dimension.",
        "",
    ]
    if not trust.get("ok", True):
        out += [
            f"**Not trustworthy** (more than {trust['max_unreadable']:.0%} without a verdict, or no verdict):",
            "",
        ]
        out += [f"- {p}" for p in trust["problems"]] + [""]
    out += [
        "| dimension | parsed | 95% CI | judged | unparsable | failed | as JSON |",
        "|---|---|---|---|---|---|---|",
    ]
    out += [
        f"| {name} | {_f(v['share'], 3)} | {_ci(v['ci95'])} | {v['total']} | {v['unparsable']} | {v['failed']} "
        f"| {_f(v.get('as_json'))} |"
        for name, v in shares.items()
    ]
    cal = trust.get("calibration")
    if cal:
        out += [
            "",
            f"Judge calibration ({cal.get('source', '')}): label agreement {_f(cal.get('agreement'), 3)} "
            f"{_ci(cal.get('agreement_ci95'))}, test-retest {_f(cal.get('retest'), 3)} "
            f"{_ci(cal.get('retest_ci95'))}, verdict: {cal.get('verdict', '–')}.",
        ]
    return out + [""]


def _section(title: str, dim: dict, rows: list[tuple[str, str | None]]) -> list[str]:
    out = ["", f"## {title}", ""]
    if dim.get("status") != "ok":
        return out + [f"Skipped: {dim.get('reason', 'not run')}"]
    out += ["| | |", "|---|---|"]
    for name, key in rows:
        if key is None:
            value = f"{dim.get('win', 0)} / {dim.get('tie', 0)} / {dim.get('loss', 0)}"
        elif key == "ci95":
            value = _ci(dim.get(key))
        elif isinstance(dim.get(key), dict):  # a rate with its interval
            value = f"{_f(dim[key].get('rate'), 3)} {_ci(dim[key].get('ci95'))} (n={dim[key].get('n')})"
        else:
            value = _f(dim.get(key), 3)
        out.append(f"| {name} | {value} |")
    return out


def write_all(
    out: Path, info: dict, dims: dict, notes: list[str], details: list[dict], trust: dict | None = None
) -> dict:
    both = measured(dims)
    result = {
        "info": info,
        "metrics": {k: v["value"] for k, v in both.items()},
        "intervals": {k: v["ci95"] for k, v in both.items()},
        "sizes": {k: v["n"] for k, v in both.items()},
        "trust": trust or {},
        "dimensions": dims,
        "notes": notes,
    }
    (out / "eval.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    write_jsonl_atomic(out / "details.jsonl", details)
    draw(
        {info["label"]: result["metrics"]},
        out / "eval.png",
        title=f"{info['label']} - {info['inputs']['character']}",
    )
    (out / "eval.md").write_text(markdown(result), encoding="utf-8")
    return result
