"""Load every exported JSONL with `datasets`, the way trainers and the Hub viewer will.

A file that does not load is caught here, before anyone's training job or a Hub upload.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path


def check_loadable(export_dir: Path) -> dict[str, int]:
    """file name -> rows loaded; ValueError naming the first file that fails."""
    import datasets

    datasets.disable_progress_bars()
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="factory-check-") as cache:
        for f in sorted(Path(export_dir).glob("*.jsonl")):
            try:
                ds = datasets.load_dataset("json", data_files=str(f), split="train", cache_dir=cache)
            except Exception as exc:  # noqa: BLE001 - any loader failure is the finding
                raise ValueError(
                    f"{f}: does not load with datasets ({type(exc).__name__}: "
                    f"{str(exc).splitlines()[0] if str(exc) else ''})"
                ) from None
            rows[f.name] = ds.num_rows
    info = Path(export_dir) / "dataset_info.json"
    if info.exists():
        for name, entry in json.loads(info.read_text(encoding="utf-8")).items():
            if entry["file_name"] not in rows:
                raise ValueError(f"{info}: {name} names {entry['file_name']}, which is not in {export_dir}")
    return rows
