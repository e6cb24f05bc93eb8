"""Train / eval split with no leakage: a scene, session or card lives on one side only.

Samples that share any scene_id, session_id or card_id label (or, lacking labels, a source
record other than a profile chunk) are one group; whole groups go to eval in a seeded hash
order until the eval share is reached, and only while train keeps `min_train` samples: a tiny
run (a demo, a smoke test) would otherwise lose half its samples to an eval set too small to
say anything. Held-out characters go to eval entirely, so eval can
measure a character the model never trained on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from factory.records import Pair, Sample

GROUP_LABELS = ("scene_id", "session_id", "card_id")
CHUNK_PREFIX = "chk-"  # profile chunks feed many scenes; sharing one is not leakage


def group_keys(sample: Sample) -> list[str]:
    keys = [f"{k}:{sample.labels[k]}" for k in GROUP_LABELS if sample.labels.get(k)]
    if not keys:
        keys = [f"src:{s}" for s in sample.source_ids if not s.startswith(CHUNK_PREFIX)]
    return keys or [f"id:{sample.id}"]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class Split:
    eval_ids: set[str] = field(default_factory=set)
    groups: int = 0
    eval_groups: int = 0
    held_out: list[str] = field(default_factory=list)
    note: str = ""

    def side(self, sample_id: str) -> str:
        return "eval" if sample_id in self.eval_ids else "train"


def split_samples(
    samples: list[Sample],
    eval_share: float,
    seed: int,
    held_out_characters: list[str] | None = None,
    min_train: int = 0,
) -> Split:
    held = set(held_out_characters or [])
    uf = _Union()
    for s in samples:
        keys = group_keys(s)
        for k in keys[1:]:
            uf.join(keys[0], k)
    members: dict[str, list[Sample]] = {}
    for s in samples:
        members.setdefault(uf.find(group_keys(s)[0]), []).append(s)
    out = Split(groups=len(members), held_out=sorted(held))
    forced = {g for g, ms in members.items() if any(m.character in held for m in ms)}
    for g in forced:
        out.eval_ids.update(m.id for m in members[g])
    rest = sorted(
        (g for g in members if g not in forced),
        key=lambda g: hashlib.sha256(f"{seed}|{g}".encode()).hexdigest(),
    )
    target = round(eval_share * len(samples)) if eval_share > 0 else 0
    if eval_share > 0 and target == 0 and len(samples) >= 2:
        target = 1
    taken = len(out.eval_ids)
    chosen: list[str] = []
    for g in rest[:-1] if len(rest) > 1 else []:  # always leave train at least one group
        if taken >= target:
            break
        size = len(members[g])
        if len(samples) - taken - size < min_train:  # train must keep its minimum
            continue
        if taken == 0 or taken + size <= max(target * 1.5, target + 1):
            chosen.append(g)
            taken += size
    for g in chosen:
        out.eval_ids.update(m.id for m in members[g])
    out.eval_groups = len(forced) + len(chosen)
    if target and not chosen and not forced:
        out.note = (
            "eval split is empty: all samples form one scene/session/card group"
            if len(rest) <= 1
            else f"eval split is empty: {len(samples)} samples, and train keeps at least "
            f"split.min_train ({min_train})"
        )
    return out


def pair_side(pair: Pair, by_group: dict[str, str]) -> str:
    """A pair goes where its sample went; failing that, where its scene/session/card went."""
    sid = pair.labels.get("sample_id") or (pair.source_ids[0] if pair.source_ids else "")
    if sid in by_group:
        return by_group[sid]
    for k in GROUP_LABELS:
        v = pair.labels.get(k)
        if v and f"{k}:{v}" in by_group:
            return by_group[f"{k}:{v}"]
    return "train"


def side_index(samples: list[Sample], split: Split) -> dict[str, str]:
    """sample id and group key -> side, for placing pairs."""
    idx: dict[str, str] = {}
    for s in samples:
        side = split.side(s.id)
        idx[s.id] = side
        for k in group_keys(s):
            idx.setdefault(k, side)
    return idx
