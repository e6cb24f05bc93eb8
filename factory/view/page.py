"""Gather a run into one JSON document and write it into the HTML template: RUN/view.html."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

from factory.recipe import RecipeError
from factory.run.rundir import MARKER
from factory.secrets import scrub_obj
from factory.view import extras
from factory.view.funnel import funnel
from factory.view.samples import collect_samples

DEFAULT_CAP = 300  # samples per (type, verdict); cards and pairs
_SLOT = "__FACTORY_VIEW_DATA__"
_SUMMARY_KEYS = (
    "name",
    "character",
    "language",
    "started_at",
    "wall_time_s",
    "requests",
    "cache_hits",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "limit",
    "shard",
)


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise RecipeError(f"{path}: not readable JSON ({exc})") from None
    return data if isinstance(data, dict) else {}


def collect(run: Path, cap: int = DEFAULT_CAP) -> dict:
    """Everything the page shows, from the files a run leaves behind (any of them may be missing)."""
    if not run.is_dir():
        raise RecipeError(f"{run}: no such run directory")
    if not (run / MARKER).exists():
        raise RecipeError(f"{run}: not a factory run directory (no {MARKER})")
    info = _json(run / "run.json")
    report = _json(run / "quality" / "report.json")
    explain = {
        r: v.get("description", "") for r, v in (report.get("rules") or {}).items() if isinstance(v, dict)
    }
    samples, sample_counts = collect_samples(run, explain, cap)
    cards, n_cards = extras.cards(run, cap)
    pairs, n_pairs = extras.pairs(run, cap)
    endpoint = info.get("endpoint") or {}
    return {
        "run": {
            **{k: info.get(k) for k in _SUMMARY_KEYS if info.get(k) is not None},
            "model": endpoint.get("model"),
            "path": str(run),
            "has_run_json": bool(info),
        },
        "funnel": funnel(run, info),
        "samples": samples,
        "sample_counts": sample_counts,
        "rules": extras.rule_table(report),
        "patterns": extras.patterns(report),
        "cards": cards,
        "cards_total": n_cards,
        "pairs": pairs,
        "pairs_total": n_pairs,
        "cap": cap,
        **extras.evals(run),
    }


def embed(data: dict) -> str:
    """JSON that is safe inside <script type="application/json">: no `</script>`, no `<!--`."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def render(data: dict) -> str:
    """The template with its stylesheet, script and data inlined: one file, nothing to fetch."""
    files = resources.files("factory.view")
    page = files.joinpath("template.html").read_text(encoding="utf-8")
    for slot, name in (("__FACTORY_VIEW_CSS__", "view.css"), ("__FACTORY_VIEW_JS__", "view.js")):
        page = page.replace(slot, files.joinpath(name).read_text(encoding="utf-8"), 1)
    return page.replace(_SLOT, embed(data), 1)  # last: the data may contain the other slots' names


def build_view(run: Path, out: Path | None = None, cap: int = DEFAULT_CAP) -> Path:
    """Write the page (atomically: a reader never sees half a file); returns its path."""
    run = Path(run)
    out = Path(out) if out is not None else run / "view.html"
    html = render(scrub_obj(collect(run, cap)))  # a key that slipped into a reply stays off the page
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out)
    return out
