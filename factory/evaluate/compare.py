"""`factory eval compare A B ...`: the flat metrics of several evals side by side (base / SFT / DPO).

Each value after the first column is tested against the first: with both 95% intervals known,
the difference is inside the noise when |a - b| <= 1.96 * sqrt(se_a^2 + se_b^2), each se read
back from its interval (half-width / 1.96). Such cells are marked `~`, so a table of small evals
does not pass off noise as progress.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from factory.evaluate.chart import draw

LOWER_IS_BETTER = {
    "offline.assistant_tone",
    "offline.self_name",
    "offline.refusal",
    "interviews.dodge_rate",
    "consistency.order_disagreement",
    "pairwise.order_disagreement",
    "knowledge.obvious_violations",
}


def load_eval(path: Path) -> dict:
    path = Path(path)
    f = path / "eval.json" if path.is_dir() else path
    if not f.is_file():
        raise ValueError(f"compare: no eval.json at {path}")
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
        return {
            "label": data["info"]["label"],
            "metrics": data["metrics"],
            "path": str(f),
            "character": data["info"]["inputs"]["character"],
            "intervals": data.get("intervals", {}),
            "trusted": data.get("trust", {}).get("ok", True),
        }
    except (json.JSONDecodeError, KeyError) as exc:
        raise ValueError(f"compare: {f} is not an eval.json ({exc})") from None


def inside_noise(a: float | None, a_ci, b: float | None, b_ci) -> bool | None:
    """True when b differs from a by less than the noise of both; None when an interval is missing."""
    if a is None or b is None or not a_ci or not b_ci:
        return None
    se = math.hypot((a_ci[1] - a_ci[0]) / (2 * 1.96), (b_ci[1] - b_ci[0]) / (2 * 1.96))
    return abs(a - b) <= 1.96 * se


def noise_marks(evals: list[dict]) -> dict[str, list[bool | None]]:
    """Per metric, for each eval after the first: is its difference from the first inside the noise?"""
    keys = sorted({k for e in evals for k in e["metrics"]}, key=_order)
    base = evals[0]
    return {
        k: [
            inside_noise(
                base["metrics"].get(k),
                base.get("intervals", {}).get(k),
                e["metrics"].get(k),
                e.get("intervals", {}).get(k),
            )
            for e in evals[1:]
        ]
        for k in keys
    }


def table(evals: list[dict]) -> str:
    labels = _unique([e["label"] for e in evals])
    marks = noise_marks(evals)
    lines = ["| metric | " + " | ".join(labels) + " | better |", "|---|" + "---|" * len(labels) + "---|"]
    for k, noise in marks.items():
        vals = [e["metrics"].get(k) for e in evals]
        cells = ["–" if v is None else f"{v:.3f}" for v in vals]
        cells[1:] = [c + (" ~" if n else "") for c, n in zip(cells[1:], noise, strict=True)]
        lines.append(
            f"| {k} | " + " | ".join(cells) + f" | {'lower' if k in LOWER_IS_BETTER else _better(k)} |"
        )
    if any(any(v is not None for v in n) for n in marks.values()):
        lines += ["", f"`~`: the difference from {labels[0]} is inside the noise (95% intervals of both)."]
    untrusted = [lab for lab, e in zip(labels, evals, strict=True) if not e.get("trusted", True)]
    if untrusted:
        lines += ["", f"Not trustworthy (too few readable judge verdicts): {', '.join(untrusted)}."]
    return "\n".join(lines) + "\n"


def _better(key: str) -> str:
    if key == "consistency.fool_rate":
        return "closer to 0.5"
    return "higher" if key != "offline.mean_chars" else ""


def _order(key: str) -> tuple[int, str]:
    prefix = ("rubric.", "memory.", "knowledge.", "consistency.", "pairwise.", "interviews.", "offline.")
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
        (out / "compare.json").write_text(
            json.dumps(
                {
                    "runs": [{**e, "label": lab} for e, lab in zip(evals, labels, strict=True)],
                    "inside_noise_vs_first": noise_marks(evals),
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        runs = {
            lab: {k: v for k, v in e["metrics"].items() if k != "offline.mean_chars"}
            for e, lab in zip(evals, labels, strict=True)
        }
        draw(runs, out / "compare.png", title="Comparison")
    return md, evals
