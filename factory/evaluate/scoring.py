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


def parse_score(text: str, low: int = 1, high: int = 7) -> float:
    """The score a judge gave: the last `Score: N` (or 评分：N, {"score": N}, or a bare last line)."""
    if not text or not text.strip():
        raise ParseError("empty judgment")
    found = [m for pat in (_SCORE, _JSON_SCORE) for m in pat.finditer(text)]
    if found:
        value = float(max(found, key=lambda m: m.start()).group(1))
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
    pat = re.compile(rf"(?:{'|'.join(map(re.escape, labels))})[\s*_]*[:：][\s*_\"“]*(?:answer|line|response|option|回答|台词|选项)?\s*({'|'.join(map(re.escape, keys))})(?![a-z])",
                     re.I)
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


def score_stats(scores: list[float], unparsable: int = 0, failed: int = 0) -> dict:
    """Mean with a normal-approximation 95% interval, the 1-7 histogram, and what was not scored."""
    n = len(scores)
    out: dict = {"n": n, "unparsable": unparsable, "failed": failed, "mean": None, "ci95": None, "sd": None,
                 "histogram": {str(k): sum(1 for s in scores if round(s) == k) for k in range(1, 8)}}
    if n:
        mean = statistics.fmean(scores)
        sd = statistics.stdev(scores) if n > 1 else 0.0
        half = 1.96 * sd / math.sqrt(n)
        out.update(mean=round(mean, 3), sd=round(sd, 3), ci95=[round(mean - half, 3), round(mean + half, 3)])
    return out
