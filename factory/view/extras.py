"""The rest of a run worth seeing: gate histograms, cards, preference pairs, eval and compare results."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from factory.records import iter_jsonl

CARD_FIELDS = (
    "name",
    "occupation",
    "gender",
    "age",
    "personality",
    "speaking_style",
    "background",
    "scenario",
    "first_message",
    "catchphrases",
    "source",
)
TEXT_CHARS = 1200
PNG_BYTES = 3_000_000  # a chart larger than this is named, not embedded


def _clip(text: object, n: int = TEXT_CHARS) -> str:
    s = "" if text is None else (", ".join(map(str, text)) if isinstance(text, list) else str(text))
    return s if len(s) <= n else s[:n] + " …"


def patterns(report: dict) -> dict:
    """The opener and phrase histograms the gate computed, before and after it."""
    p = report.get("patterns") or {}
    if not p:
        return {}
    keep = ("samples", "lines", "distinct_1", "distinct_2", "mean_tokens", "top_openers", "top_phrases")
    out: dict = {
        side: {k: p[side].get(k) for k in keep}
        for side in ("before", "after")
        if isinstance(p.get(side), dict)
    }
    caps = (report.get("config") or {}).get("patterns") or {}
    out["downsampled"] = p.get("downsampled")
    out["caps"] = {k: v for k, v in caps.items() if k.endswith(("_share", "_length"))}
    return out


def rule_table(report: dict) -> list[dict]:
    return [
        {
            "rule": r,
            "description": v.get("description", ""),
            "action": v.get("action", ""),
            "rejected": v.get("rejected", 0),
            "flagged": v.get("flagged", 0),
            "hits": v.get("hits", 0),
        }
        for r, v in (report.get("rules") or {}).items()
    ]


def cards(run: Path, cap: int) -> tuple[list[dict], int]:
    sessions: dict[str, int] = {}
    for s in iter_jsonl(run / "sessions.jsonl"):
        sessions[s.get("card_id")] = sessions.get(s.get("card_id"), 0) + 1
    out, n = [], 0
    for c in iter_jsonl(run / "cards.jsonl"):
        n += 1
        if len(out) < cap:
            out.append(
                {
                    "id": c.get("id"),
                    "sessions": sessions.get(c.get("id"), 0),
                    "language": c.get("language") or "",
                    **{k: _clip(c.get(k)) for k in CARD_FIELDS if c.get(k) not in (None, "", [])},
                }
            )
    return out, n


def pairs(run: Path, cap: int) -> tuple[list[dict], int]:
    out, n = [], 0
    for p in iter_jsonl(run / "preferences.jsonl"):
        n += 1
        if len(out) >= cap:
            continue
        prompt = [m for m in p.get("prompt") or [] if isinstance(m, dict) and m.get("role") != "system"]
        labels = p.get("labels") or {}
        out.append(
            {
                "id": p.get("id"),
                "kind": p.get("rejected_kind") or "",
                "type": labels.get("type", ""),
                "language": labels.get("language", ""),
                "character": labels.get("character", ""),
                "context": [
                    {"role": m.get("role"), "name": m.get("name"), "content": _clip(m.get("content"))}
                    for m in prompt[-4:]
                ],
                "chosen": _clip((p.get("chosen") or {}).get("content")),
                "rejected": _clip((p.get("rejected") or {}).get("content")),
            }
        )
    return out, n


def _png(path: Path) -> str | None:
    if not path.is_file() or path.stat().st_size > PNG_BYTES:
        return None
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def evals(run: Path) -> dict:
    """RUN/eval/*/eval.json (metrics, notes, chart) and any compare.json beside them."""
    out: dict = {"evals": [], "compares": []}
    root = run / "eval"
    if not root.is_dir():
        return out
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        ev = _read_json(d / "eval.json")
        if ev is not None and isinstance(ev.get("metrics"), dict):
            info = ev.get("info") or {}
            out["evals"].append(
                {
                    "label": info.get("label") or d.name,
                    "folder": d.name,
                    "metrics": ev["metrics"],
                    "notes": [str(n) for n in ev.get("notes") or []],
                    "chart": _png(d / "eval.png"),
                }
            )
        cmp = _read_json(d / "compare.json")
        if cmp is not None and isinstance(cmp.get("runs"), list):
            out["compares"].append(
                {
                    "folder": d.name,
                    "chart": _png(d / "compare.png"),
                    "runs": [
                        {"label": r.get("label"), "metrics": r.get("metrics") or {}}
                        for r in cmp["runs"]
                        if isinstance(r, dict)
                    ],
                }
            )
    return out
