"""Exact and near-duplicate clusters over many short texts: MinHash LSH, verified with rapidfuzz.

1. Exact: texts that normalise to the same string share one id (a dict, no hashing collisions).
2. Near: MinHash signatures of token shingles (numpy, a batch of texts at a time), banded; texts
   whose band keys are equal become candidate pairs (a sort per band, no Python dict per text).
3. Verify: only candidate pairs are scored with rapidfuzz's `ratio` on the normalised strings;
   pairs at or above the threshold are joined into clusters (connected components).

The representative of a cluster is its smallest input index, so a caller that passes texts in a
stable order (the gate: sample id order) gets the same survivor whatever order the data came in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from factory.quality.tokens import U64, ngrams, normalize_many, tokenize

_KEY = U64(0x2545F4914F6CDD1D)


@dataclass
class LshParams:
    threshold: float = 85.0  # rapidfuzz ratio (0-100) a candidate pair needs to count as a duplicate
    num_perm: int = 128
    bands: int = 32
    shingle: int = 2  # tokens per shingle (Han characters or words)
    seed: int = 0
    batch: int = 8192  # texts per MinHash batch (bounds memory)
    workers: int = 1  # threads for hashing and rapidfuzz

    def __post_init__(self) -> None:
        if self.num_perm % self.bands:
            raise ValueError(f"dedup: num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})")


@dataclass
class DedupResult:
    labels: np.ndarray  # per input text: index of its cluster's representative (smallest index)
    normalized: list[str]
    exact_of: np.ndarray  # per input: first index with the same normalised text
    candidates: int = 0
    verified: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    # per input: smallest index it was verified against (-1: none). Clusters are transitive, so a
    # member may sit below the threshold with its representative; this is what it really matched.
    partner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def duplicates(self) -> np.ndarray:
        """Indices that are not their cluster's representative (what a dedup pass removes)."""
        return np.flatnonzero(self.labels != np.arange(len(self.labels)))

    def is_exact(self, i: int) -> bool:
        return self.exact_of[i] == self.exact_of[self.labels[i]]

    def match(self, i: int) -> int:
        """A text that `i` itself duplicates (its exact twin, else a verified neighbour), for reports."""
        if self.exact_of[i] != i:
            return int(self.exact_of[i])
        j = int(self.partner[i]) if len(self.partner) else -1
        return j if j >= 0 else int(self.labels[i])


def _perm_params(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**32, size=num_perm, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    return a, b


def band_keys(texts: Sequence[str], p: LshParams) -> tuple[np.ndarray, np.ndarray]:
    """(keys[bands, n] uint64, has_shingles[n] bool) for normalised texts."""
    a, b = _perm_params(p.num_perm, p.seed)
    rows = p.num_perm // p.bands
    keys = np.zeros((p.bands, len(texts)), dtype=U64)
    has = np.zeros(len(texts), dtype=bool)

    def one(lo: int) -> None:
        tok = tokenize(texts[lo : lo + p.batch], normalized=True)
        grams, owner, _ = ngrams(tok, p.shingle, short="unigrams")
        if not len(grams):
            return
        s32 = (grams >> U64(32)).astype(np.uint32)
        bounds = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        who = owner[bounds]
        sig = np.empty((len(who), p.num_perm), dtype=np.uint32)
        vals = np.empty_like(s32)
        for c in range(p.num_perm):  # one permutation at a time: 1-D reduceat is the fast path
            np.multiply(s32, a[c], out=vals)
            vals += b[c]
            sig[:, c] = np.minimum.reduceat(vals, bounds)
        sig3 = sig.reshape(len(who), p.bands, rows).astype(U64)
        key = sig3[:, :, 0]
        for j in range(1, rows):
            key = key * _KEY + sig3[:, :, j]
        keys[:, lo + who] = key.T
        has[lo + who] = True

    starts = range(0, len(texts), p.batch)
    if p.workers > 1:
        with ThreadPoolExecutor(p.workers) as pool:
            list(pool.map(one, starts))
    else:
        for lo in starts:
            one(lo)
    return keys, has


# Seam: who computes the signatures (factory/run/ray_executor.py sets Ray tasks on shards for a run)
SIGNATURES: ContextVar[Callable[[Sequence[str], LshParams], tuple[np.ndarray, np.ndarray]]] = ContextVar(
    "dedup_signatures", default=band_keys
)


def candidate_pairs(keys: np.ndarray, has: np.ndarray, workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) that share a band bucket: neighbours in each bucket plus each member with its first.

    keys is [bands, n]. Per band: a plain sort finds the key values seen twice, and only the texts
    holding those values (few) are argsorted, which is much cheaper than argsorting all n.
    """
    n = keys.shape[1]
    idx = np.flatnonzero(has)

    def one(band: int) -> list[np.ndarray]:
        k = keys[band] if len(idx) == n else keys[band, idx]
        ks = np.sort(k)
        dup = np.unique(ks[1:][ks[1:] == ks[:-1]])
        if not len(dup):
            return []
        pos = np.minimum(np.searchsorted(dup, k), len(dup) - 1)
        sel = np.flatnonzero(dup[pos] == k)
        order = sel[np.argsort(k[sel], kind="stable")]
        ks, members = k[order], idx[order]
        same = ks[1:] == ks[:-1]
        chain = members[:-1][same] * n + members[1:][same]  # neighbours in the bucket
        run_start = np.r_[True, ~same]
        first = members[np.maximum.accumulate(np.where(run_start, np.arange(len(ks)), 0))]
        star = ~run_start & (first != np.r_[members[0], members[:-1]])  # not already a neighbour pair
        return [chain, first[star] * n + members[star]]

    bands = range(keys.shape[0])
    if workers > 1:  # numpy sorts release the GIL
        with ThreadPoolExecutor(workers) as pool:
            found = [a for part in pool.map(one, bands) for a in part]
    else:
        found = [a for b in bands for a in one(b)]
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pairs = np.unique(np.concatenate(found).astype(np.int64))
    return pairs // n, pairs % n


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components by min-label propagation with pointer jumping; label = smallest member."""
    labels = np.arange(n)
    if not len(left):
        return labels
    while True:
        m = np.minimum(labels[left], labels[right])
        new = labels.copy()
        np.minimum.at(new, left, m)
        np.minimum.at(new, right, m)
        while True:  # pointer jumping: follow labels to their root
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def verify(
    norm: Sequence[str], left: np.ndarray, right: np.ndarray, threshold: float, workers: int = 1
) -> np.ndarray:
    """Mask of candidate pairs whose rapidfuzz ratio reaches the threshold."""
    if not len(left):
        return np.zeros(0, dtype=bool)
    a = [norm[i] for i in left.tolist()]
    b = [norm[j] for j in right.tolist()]
    scores = process.cpdist(a, b, scorer=fuzz.ratio, workers=workers, dtype=np.float32)
    return scores >= threshold


def _partners(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per index, the smallest index it was verified against (-1: none): deterministic, near the survivor."""
    out = np.full(n, n, dtype=np.int64)
    np.minimum.at(out, left, right)
    np.minimum.at(out, right, left)
    out[out == n] = -1
    return out


def near_duplicates(
    texts: Sequence[str], params: LshParams | None = None, normalized: bool = False
) -> DedupResult:
    """Cluster texts into exact + near duplicates; see the module docstring for the method."""
    p = params or LshParams()
    t0 = time.perf_counter()
    norm = list(texts) if normalized else normalize_many(texts)
    first: dict[str, int] = {}
    exact_of = np.fromiter(
        (first.setdefault(t, i) for i, t in enumerate(norm)), dtype=np.int64, count=len(norm)
    )
    uniq_idx = np.fromiter(first.values(), dtype=np.int64, count=len(first))  # increasing
    uniq = [norm[i] for i in uniq_idx.tolist()]
    t1 = time.perf_counter()
    keys, has = SIGNATURES.get()(uniq, p)
    has &= np.fromiter((len(t) > 0 for t in uniq), dtype=bool, count=len(uniq))
    t2 = time.perf_counter()
    left, right = candidate_pairs(keys, has, p.workers)
    del keys
    t3 = time.perf_counter()
    ok = verify(uniq, left, right, p.threshold, p.workers)
    t4 = time.perf_counter()
    comp = components(len(uniq), left[ok], right[ok])
    partner = _partners(len(norm), uniq_idx[left[ok]], uniq_idx[right[ok]])
    # unique k is input index uniq_idx[k]; both orders agree, so the smallest unique is the smallest input
    labels = uniq_idx[comp][np.searchsorted(uniq_idx, exact_of)]
    t5 = time.perf_counter()
    return DedupResult(
        labels=labels,
        normalized=norm,
        exact_of=exact_of,
        candidates=len(left),
        verified=int(ok.sum()),
        partner=partner,
        timings={
            "normalize": t1 - t0,
            "minhash": t2 - t1,
            "bands": t3 - t2,
            "verify": t4 - t3,
            "cluster": t5 - t4,
        },
    )
