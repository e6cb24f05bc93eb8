"""Reading judges robustly, and the statistics every dimension reports.

A judgment is parsed from its LAST score/verdict marker (reasoning comes first and may mention
other numbers); anything out of range or missing is a ParseError, so the engine retries it on
its small parse budget and, if still unreadable, it is counted as unparsable, never guessed.
"""

from __future__ import annotations

import math
import re
import statistics

from factory.engine import ParseError

_NUM = r"(\d+(?:\.\d+)?)"
_SCORE = re.compile(rf"(?:score|rating|评分|分数|得分)[\s*_]*[:：=]?[\s*_]*{_NUM}(?:\s*/\s*7)?", re.I)
_JSON_SCORE = re.compile(rf"\"score\"\s*:\s*\"?{_NUM}")
_BARE = re.compile(rf"^[\s*_#]*{_NUM}\s*(?:/\s*7)?[\s*_.]*$")
# prose judges: "I'd give it a 5 out of 7", "5/7", "打5分" (a "满分7分" aside is not a score)
_OUT_OF = re.compile(rf"{_NUM}\s*(?:/|out of)\s*7\b|(?<!满分){_NUM}\s*分(?!之)", re.I)
_FULL_MARKS = re.compile(r"[（(]?\s*满分\s*7\s*分\s*[)）]?")
# Student t 0.975 quantiles for df 1..30 (no scipy here); the normal 1.96 beyond
_T975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)


def parse_score(text: str, low: int = 1, high: int = 7) -> float:
    """The score a judge gave: the last `Score: N` (or 评分：N, {"score": N}); failing those the
    last "N out of 7" / "N/7" / "N分", or a bare last line."""
    if not text or not text.strip():
        raise ParseError("empty judgment")
    found = [m for pat in (_SCORE, _JSON_SCORE) for m in pat.finditer(text)]
    if not found:
        found = list(_OUT_OF.finditer(_FULL_MARKS.sub(" ", text)))
    if found:
        last = max(found, key=lambda m: m.start())
        value = float(next(g for g in last.groups() if g is not None))
    else:
        last = text.strip().splitlines()[-1]
        m = _BARE.match(last)
        if not m:
            raise ParseError(f"no score in judgment: {text[-80:]!r}")
        value = float(m.group(1))
    if not low <= value <= high:
        raise ParseError(f"score {value:g} outside {low}-{high}")
    return value


def parse_choice(text: str, labels: tuple[str, ...], options: dict[str, str]) -> str:
    """The last `<label>: <option>` in a judgment, mapped through `options` (case-insensitive)."""
    if not text or not text.strip():
        raise ParseError("empty judgment")
    keys = sorted(options, key=len, reverse=True)
    pat = re.compile(
        rf"(?:{'|'.join(map(re.escape, labels))})[\s*_]*[:：][\s*_\"“]*(?:answer|line|response|option|回答|台词|选项)?\s*({'|'.join(map(re.escape, keys))})(?![a-z])",
        re.I,
    )
    hits = list(pat.finditer(text))
    if not hits:
        raise ParseError(f"no {labels[0]} in judgment: {text[-80:]!r}")
    return options[hits[-1].group(1).lower()]


def wilson(successes: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a proportion (ties may count as half a success)."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def rate(hits: float, n: int) -> dict:
    lo, hi = wilson(hits, n)
    return {"rate": round(hits / n, 4) if n else None, "n": n, "ci95": [round(lo, 4), round(hi, 4)]}


def t975(df: int) -> float:
    return _T975[df - 1] if 1 <= df <= len(_T975) else 1.96


def mean_ci(values: list[float], digits: int = 3) -> dict:
    """Mean, sd and a Student-t 95% interval (one value: the interval is unknown, None)."""
    n = len(values)
    if not n:
        return {"mean": None, "sd": None, "ci95": None, "n": 0}
    mean = statistics.fmean(values)
    if n == 1:
        return {"mean": round(mean, digits), "sd": None, "ci95": None, "n": 1}
    sd = statistics.stdev(values)
    half = t975(n - 1) * sd / math.sqrt(n)
    return {
        "mean": round(mean, digits),
        "sd": round(sd, digits),
        "ci95": [round(mean - half, digits), round(mean + half, digits)],
        "n": n,
    }


def parsed_share(parsed: int, unparsable: int, failed: int, as_json: int | None = None) -> dict:
    """How many judgments gave a readable verdict, with its interval: the trust check reads this."""
    total = parsed + unparsable + failed
    r = rate(parsed, total)
    out = {
        "total": total,
        "parsed": parsed,
        "unparsable": unparsable,
        "failed": failed,
        "share": r["rate"],
        "ci95": r["ci95"],
    }
    if as_json is not None:
        out["as_json"] = as_json
    return out


def score_stats(
    scores: list[float], unparsable: int = 0, failed: int = 0, as_json: int | None = None
) -> dict:
    """Mean with a t 95% interval, the 1-7 histogram, and what was not scored."""
    n = len(scores)
    out: dict = {
        "n": n,
        "unparsable": unparsable,
        "failed": failed,
        "mean": None,
        "ci95": None,
        "sd": None,
        "histogram": {str(k): sum(1 for s in scores if round(s) == k) for k in range(1, 8)},
        "parsed": parsed_share(n, unparsable, failed, as_json),
    }
    if n:
        m = mean_ci(scores)
        out.update(mean=m["mean"], sd=m["sd"], ci95=m["ci95"])
    return out
