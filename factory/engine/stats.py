"""Accounting: requests, cache hits, tokens, failures and cost, per stage."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class StageStats:
    total: int = 0
    done: int = 0
    ok: int = 0
    requests: int = 0
    cache_hits: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    failures: Counter = field(default_factory=Counter)
    retries: Counter = field(default_factory=Counter)
    discarded: int = 0  # asked ahead for an upstream record its maker dropped in the end (per_record)
    started: float = field(default_factory=time.monotonic)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "done": self.done,
            "ok": self.ok,
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "failures": dict(self.failures),
            "retries": dict(self.retries),
            **({"discarded": self.discarded} if self.discarded else {}),
        }


@dataclass
class Prices:
    """US dollars per million tokens; zero means unknown/free."""

    input_per_million: float = 0.0
    output_per_million: float = 0.0

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        return (tokens_in * self.input_per_million + tokens_out * self.output_per_million) / 1e6


class Accounting:
    def __init__(self, prices: Prices | None = None):
        self.stages: dict[str, StageStats] = {}
        self.prices = prices or Prices()

    def stage(self, name: str) -> StageStats:
        if name not in self.stages:
            self.stages[name] = StageStats()
        return self.stages[name]

    def tokens(self) -> tuple[int, int]:
        """(prompt, completion) tokens over every stage."""
        return sum(x.tokens_in for x in self.stages.values()), sum(x.tokens_out for x in self.stages.values())

    def totals(self) -> dict:
        s = list(self.stages.values())
        tin = sum(x.tokens_in for x in s)
        tout = sum(x.tokens_out for x in s)
        failures: Counter = Counter()
        for x in s:
            failures.update(x.failures)
        return {
            "requests": sum(x.requests for x in s),
            "cache_hits": sum(x.cache_hits for x in s),
            "tokens_in": tin,
            "tokens_out": tout,
            "cost_usd": round(self.prices.cost(tin, tout), 6),
            "failures": dict(failures),
        }


def _add(into: StageStats, part: StageStats) -> None:
    into.total += part.total
    into.done += part.done
    into.ok += part.ok
    into.requests += part.requests
    into.cache_hits += part.cache_hits
    into.tokens_in += part.tokens_in
    into.tokens_out += part.tokens_out
    into.failures.update(part.failures)
    into.retries.update(part.retries)
    into.discarded += part.discarded
    into.started = min(into.started, part.started)


class CombinedAccounting:
    """Several engines' books read as one (generation + a separate judge): a stage's numbers are
    summed, each engine's cost is priced at its own rates. Read-only: engines write to their own."""

    def __init__(self, *parts: Accounting):
        self.parts = list({id(p): p for p in parts}.values())  # the same books twice count once

    def stage(self, name: str) -> StageStats:
        merged = StageStats()
        for p in self.parts:
            if name in p.stages:
                _add(merged, p.stages[name])
        return merged

    @property
    def stages(self) -> dict[str, StageStats]:
        names = dict.fromkeys(n for p in self.parts for n in p.stages)
        return {n: self.stage(n) for n in names}

    def totals(self) -> dict:
        out: dict = {"requests": 0, "cache_hits": 0, "tokens_in": 0, "tokens_out": 0, "cost_usd": 0.0}
        failures: Counter = Counter()
        for p in self.parts:
            t = p.totals()
            for k in out:
                out[k] += t[k]
            failures.update(t["failures"])
        out["cost_usd"] = round(out["cost_usd"], 6)
        return {**out, "failures": dict(failures)}
