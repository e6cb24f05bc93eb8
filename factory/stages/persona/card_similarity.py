"""Which card drafts are too close to a card already kept, and how diverse the kept set is.

Similarity is rapidfuzz's token_sort_ratio over the descriptive fields (not the name: two
"Mira"s with different lives are fine, two grumpy lighthouse keepers with the same backstory
are not). Selection walks drafts in a fixed order (fixed cards first, then ids, round by round),
so it is a pure function of what is on disk and a resumed run selects the same cards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from factory.records import Card

DESCRIPTIVE = (
    "occupation",
    "personality",
    "background",
    "relationships",
    "speaking_style",
    "scenario",
    "education_work",
)


def card_key(card: Card) -> str:
    return " | ".join(str(getattr(card, f)) for f in DESCRIPTIVE).lower()


@dataclass
class Selection:
    kept: list[Card] = field(default_factory=list)
    too_similar: dict[str, tuple[Card, Card, float]] = field(
        default_factory=dict
    )  # id -> (draft, near, score)
    missing: list[str] = field(default_factory=list)  # ids with no draft at all


def select(
    fixed: Iterable[Card], drafts: dict[tuple[str, int], Card], ids: list[str], rounds: int, threshold: float
) -> Selection:
    """Keep every fixed card, then each draft not too similar to any card kept before it."""
    from rapidfuzz import fuzz, process  # imported when cards are compared, not with the recipe

    sel = Selection(kept=list(fixed))
    keys = [card_key(c) for c in sel.kept]
    pending = sorted(ids)
    for r in range(rounds + 1):
        later = []
        for cid in pending:
            draft = drafts.get((cid, r))
            if draft is None:
                if r == 0:
                    sel.missing.append(cid)
                else:
                    later.append(cid)
                continue
            key = card_key(draft)
            hit = (
                process.extractOne(key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=threshold)
                if keys
                else None
            )
            if hit is not None:
                sel.too_similar[cid] = (draft, sel.kept[hit[2]], float(hit[1]))
                later.append(cid)
            else:
                sel.too_similar.pop(cid, None)
                sel.kept.append(draft)
                keys.append(key)
        pending = later
    return sel


def diversity(cards: list[Card], synthetic: list[Card]) -> dict:
    """Figures for run.json: distinct seed tuples, values per axis, pairwise similarity of the kept cards."""
    tuples = {tuple(sorted(c.seed.items())) for c in synthetic}
    axes: dict[str, set[str]] = {}
    for c in synthetic:
        for k, v in c.seed.items():
            axes.setdefault(k, set()).add(v)
    out = {
        "distinct_seed_tuples": len(tuples),
        "distinct_values_per_axis": {k: len(v) for k, v in sorted(axes.items())},
        "max_pairwise_similarity": None,
        "mean_pairwise_similarity": None,
        "most_similar_pair": None,
    }
    if len(cards) >= 2:
        import numpy as np
        from rapidfuzz import fuzz, process

        keys = [card_key(c) for c in cards]
        m = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=1)
        iu = np.triu_indices(len(cards), k=1)
        vals = m[iu]
        best = int(np.argmax(vals))
        out.update(
            max_pairwise_similarity=round(float(vals[best]), 1),
            mean_pairwise_similarity=round(float(vals.mean()), 1),
            most_similar_pair=[cards[iu[0][best]].id, cards[iu[1][best]].id],
        )
    return out
