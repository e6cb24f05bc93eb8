"""Over-frequent patterns: the same opener or catchphrase in a large share of samples.

Openers are the first N tokens of a character line; phrases are any run of M tokens. Each is
counted once per sample (document frequency). A pattern over its cap (share of samples, never
below `min_keep`) is downsampled: the samples that carry it are ranked by a seeded hash of their
id and only the first `cap` stay. Rounds repeat until no pattern exceeds its cap of the samples
that remain, so the promise holds for the final dataset, not just the input.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from factory.quality.config import PatternConfig
from factory.quality.rules import Finding
from factory.quality.tokens import Tokens, ngrams, tokenize


@dataclass
class PatternIndex:
    """(sample, pattern) incidence for one pattern kind, sorted by pattern hash."""

    hashes: np.ndarray  # pattern hash per incidence
    samples: np.ndarray  # sample index per incidence
    tok: Tokens
    n: int  # tokens per pattern
    _uniq: np.ndarray  # distinct pattern hashes (sorted)
    _first: np.ndarray  # ... and the first token of one occurrence of each

    def text(self, h: int) -> str:
        """The words of a pattern, from one of its occurrences (made only for patterns shown)."""
        k = int(np.searchsorted(self._uniq, np.uint64(h)))
        f = int(self._first[k])
        return self.tok.span(f, f + self.n - 1)

    def frequencies(self, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(pattern hashes, number of alive samples carrying each), most frequent first."""
        keep = alive[self.samples]
        h = self.hashes[keep]
        if not len(h):
            return h, np.zeros(0, dtype=np.int64)
        uniq, counts = np.unique(h, return_counts=True)
        order = np.lexsort((uniq, -counts))
        return uniq[order], counts[order]


def _index(tok: Tokens, line_sample: np.ndarray, n: int, openers: bool) -> PatternIndex:
    grams, owner, first = ngrams(tok, n, short="skip")
    if openers:
        line_first = np.searchsorted(tok.owner, np.arange(len(tok.texts)))
        sel = first == line_first[owner]
        grams, owner, first = grams[sel], owner[sel], first[sel]
    samples = line_sample[owner]
    order = np.lexsort((samples, grams))
    grams, samples, first = grams[order], samples[order], first[order]
    uniq = np.ones(len(grams), dtype=bool)
    uniq[1:] = (grams[1:] != grams[:-1]) | (samples[1:] != samples[:-1])
    grams, samples, first = grams[uniq], samples[uniq], first[uniq]
    new = np.ones(len(grams), dtype=bool)
    new[1:] = grams[1:] != grams[:-1]
    return PatternIndex(grams, samples, tok, n, grams[new], first[new])


@dataclass
class Patterns:
    """Target lines of a set of samples, tokenised once, with opener and phrase indexes."""

    n_samples: int
    tok: Tokens
    line_sample: np.ndarray
    openers: PatternIndex
    phrases: PatternIndex

    @classmethod
    def build(cls, lines: list[str], line_sample: list[int], n_samples: int, cfg: PatternConfig) -> Patterns:
        tok = tokenize(lines)
        ls = np.asarray(line_sample, dtype=np.int64)
        return cls(
            n_samples,
            tok,
            ls,
            _index(tok, ls, cfg.opener_length, True),
            _index(tok, ls, cfg.ngram_length, False),
        )

    def stats(self, alive: np.ndarray, top: int) -> dict:
        """Top patterns, distinct-1/2 and mean length over the alive samples' lines."""
        n = int(alive.sum())
        line_alive = alive[self.line_sample] if len(self.line_sample) else np.zeros(0, dtype=bool)
        tok_alive = line_alive[self.tok.owner] if len(self.tok.owner) else np.zeros(0, dtype=bool)
        uni = self.tok.hashes[tok_alive]
        bi, bowner, _ = ngrams(self.tok, 2, short="skip")
        bi = bi[line_alive[bowner]] if len(bowner) else bi
        lines = int(line_alive.sum())

        def top_of(index: PatternIndex) -> list[dict]:
            h, c = index.frequencies(alive)
            return [
                {"pattern": index.text(x), "samples": int(k), "share": round(k / n, 4) if n else 0.0}
                for x, k in zip(h[:top].tolist(), c[:top].tolist(), strict=True)
            ]

        return {
            "samples": n,
            "lines": lines,
            "distinct_1": round(len(np.unique(uni)) / len(uni), 4) if len(uni) else 0.0,
            "distinct_2": round(len(np.unique(bi)) / len(bi), 4) if len(bi) else 0.0,
            "mean_tokens": round(len(uni) / lines, 2) if lines else 0.0,
            "top_openers": top_of(self.openers),
            "top_phrases": top_of(self.phrases),
        }


def _rank(ids: list[str], seed: int) -> np.ndarray:
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(f"{seed}:{i}".encode(), digest_size=8).digest(), "big") for i in ids),
        dtype=np.uint64,
        count=len(ids),
    )


def cap_patterns(
    pat: Patterns,
    ids: list[str],
    alive: np.ndarray,
    cfg: PatternConfig,
    rules: tuple[str, ...] | list[str] = ("pattern.opener", "pattern.ngram"),
) -> dict[int, Finding]:
    """Downsample samples until no opener/phrase is in more than its share; returns index -> finding."""
    alive = alive.copy()
    rank = _rank(ids, cfg.seed)
    dropped: dict[int, Finding] = {}
    for _ in range(20):
        changed = False
        for rule, index, share, what in (
            ("pattern.opener", pat.openers, cfg.opener_max_share, "opener"),
            ("pattern.ngram", pat.phrases, cfg.ngram_max_share, "phrase"),
        ):
            if rule not in rules:
                continue
            n = int(alive.sum())
            cap = max(cfg.min_keep, math.floor(share * n))
            hashes, counts = index.frequencies(alive)
            for h, c in zip(hashes.tolist(), counts.tolist(), strict=True):
                if c <= cap:
                    break
                carriers = index.samples[index.hashes == np.uint64(h)]
                carriers = carriers[alive[carriers]]
                if len(carriers) <= cap:
                    continue
                extra = carriers[np.argsort(rank[carriers], kind="stable")][cap:]
                text = index.text(h)
                for s in extra.tolist():
                    dropped[s] = Finding(
                        rule,
                        f"{what} «{text}» in {c} of {n} samples ({c / n:.1%}); cap {cap} ({share:.1%})",
                        text,
                    )
                alive[extra] = False
                changed = True
        if not changed:
            break
    return dropped
