"""What an export reads from a run directory: the samples (gated unless asked otherwise) and the pairs.

Every line must be a record, or the export stops with file:line: a corrupt line is never dropped
quietly. Only the files stages append to (samples, preferences) may end in a torn line from a kill.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from factory.quality.config import QualityConfig
from factory.records import Pair, Sample, read_user_records

if TYPE_CHECKING:  # the Recipe is assembled from the stages, which import this module
    from factory.recipe import Recipe

__all__ = ["GateNotRun", "NothingToExport", "has_gate", "load_pairs", "load_samples"]


class NothingToExport(ValueError):
    """The run has no samples yet (or none survived the gate)."""


class GateNotRun(ValueError):
    """The recipe gates its samples but kept.jsonl is not there yet."""


def has_gate(recipe: Recipe | None) -> bool:
    """No recipe means the defaults, and the default recipe gates."""
    cfg = recipe.quality if recipe is not None else QualityConfig()
    return cfg is not None and cfg.enabled


def load_samples(run_dir: Path, gated: bool = True) -> tuple[list[Sample], str]:
    """kept.jsonl; samples.jsonl only where no gate is expected (`gated=False`)."""
    kept, raw = run_dir / "kept.jsonl", run_dir / "samples.jsonl"
    if kept.exists():
        return read_user_records(kept, Sample), kept.name  # written whole by the gate
    if raw.exists():
        if gated:
            raise GateNotRun(
                f"{kept}: missing: the recipe has a quality gate and it has not run on this run's "
                "samples; run the gate (`factory run RECIPE` resumes the run and gates it), "
                "or pass --ungated to export the samples as they are"
            )
        return read_user_records(raw, Sample, torn_tail_ok=True), raw.name
    raise NothingToExport(f"{run_dir}: no kept.jsonl or samples.jsonl to export (run `factory run` first)")


def load_pairs(run_dir: Path) -> list[Pair]:
    path = run_dir / "preferences.jsonl"
    return read_user_records(path, Pair, torn_tail_ok=True) if path.exists() else []
