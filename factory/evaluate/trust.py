"""Whether an eval's judged numbers can be trusted: readable verdicts per dimension.

A dimension whose judgments are mostly unparsable or failed (a chatty judge, a dead endpoint)
must not print a number a user would put in a paper; nor may one where the two orders of a
pairwise test never agreed. `check` lists each such dimension on one line; the CLI fails on
any unless the user accepts partial results.
"""

from __future__ import annotations

DEFAULT_LIMIT = 0.2  # at most this share of a dimension's judgments may be unparsable or failed


def judged_parts(dims: dict) -> list[tuple[str, dict]]:
    """(name, summary) of every judged (sub-)dimension that ran; rubrics count one by one."""
    parts = []
    for name, d in dims.items():
        if d.get("status") != "ok":
            continue
        if name == "rubrics":
            parts += [(f"rubrics.{k}", v) for k, v in d.items() if isinstance(v, dict) and "parsed" in v]
        elif isinstance(d.get("parsed"), dict):
            parts.append((name, d))
    return parts


def check(dims: dict, limit: float = DEFAULT_LIMIT) -> dict:
    problems, shares = [], {}
    for name, d in judged_parts(dims):
        p = d["parsed"]
        shares[name] = {
            k: p.get(k) for k in ("share", "ci95", "total", "parsed", "unparsable", "failed", "as_json")
        }
        if not p["total"]:
            continue
        bad = p["unparsable"] + p["failed"]
        if bad > limit * p["total"]:
            parts = [f"{p[k]} {k}" for k in ("unparsable", "failed") if p[k]]
            problems.append(f"{name}: {bad}/{p['total']} judgments without a verdict ({', '.join(parts)})")
        elif p["parsed"] and d.get("verdicts", p["parsed"]) == 0:
            problems.append(f"{name}: no verdict: the two orders disagreed on all {p['parsed'] // 2} items")
    return {"ok": not problems, "max_unreadable": limit, "problems": problems, "parsed_share": shares}


def one_line(trust: dict) -> str:
    return (
        f"untrustworthy eval: {'; '.join(trust['problems'])} "
        f"(limit {trust['max_unreadable']:.0%} per dimension)"
    )
