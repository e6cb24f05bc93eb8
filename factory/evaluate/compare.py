"""`factory eval compare A B ...`: the flat metrics of several evals side by side (base / SFT / DPO)."""

from __future__ import annotations

import json
from pathlib import Path

from factory.evaluate.chart import draw

LOWER_IS_BETTER = {"offline.assistant_tone", "offline.self_name", "offline.refusal", "interviews.dodge_rate"}


def load_eval(path: Path) -> dict:
    path = Path(path)
    f = path / "eval.json" if path.is_dir() else path
    if not f.is_file():
        raise ValueError(f"compare: no eval.json at {path}")
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
        return {"label": data["info"]["label"], "metrics": data["metrics"], "path": str(f),
                "character": data["info"]["inputs"]["character"]}
    except (json.JSONDecodeError, KeyError) as exc:
        raise ValueError(f"compare: {f} is not an eval.json ({exc})") from None


def table(evals: list[dict]) -> str:
    labels = _unique([e["label"] for e in evals])
    keys = sorted({k for e in evals for k in e["metrics"]}, key=_order)
    lines = ["| metric | " + " | ".join(labels) + " | better |", "|---|" + "---|" * len(labels) + "---|"]
    for k in keys:
        vals = [e["metrics"].get(k) for e in evals]
        cells = ["–" if v is None else f"{v:.3f}" for v in vals]
        lines.append(f"| {k} | " + " | ".join(cells) + f" | {'lower' if k in LOWER_IS_BETTER else _better(k)} |")
    return "\n".join(lines) + "\n"


def _better(key: str) -> str:
    if key == "consistency.fool_rate":
        return "closer to 0.5"
    return "higher" if key != "offline.mean_chars" else ""


def _order(key: str) -> tuple[int, str]:
    prefix = ("rubric.", "memory.", "consistency.", "pairwise.", "interviews.", "offline.")
    return next((i for i, p in enumerate(prefix) if key.startswith(p)), len(prefix)), key


def _unique(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def compare(paths: list[Path], out: Path | None = None) -> tuple[str, list[dict]]:
    evals = [load_eval(p) for p in paths]
    md = table(evals)
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        labels = _unique([e["label"] for e in evals])
        (out / "compare.md").write_text("# Comparison\n\n![chart](compare.png)\n\n" + md, encoding="utf-8")
        (out / "compare.json").write_text(json.dumps(
            {"runs": [{**e, "label": lab} for e, lab in zip(evals, labels, strict=True)]}, ensure_ascii=False, indent=2),
            encoding="utf-8")
        runs = {lab: {k: v for k, v in e["metrics"].items() if k != "offline.mean_chars"} for e, lab in zip(evals, labels, strict=True)}
        draw(runs, out / "compare.png", title="Comparison")
    return md, evals
