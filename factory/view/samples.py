"""Samples with their gate verdict: kept (with flags), rejected (rule, explanation, the span located)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from factory.records import iter_jsonl

SYSTEM_CHARS = 2000  # of a sample's system prompt (persona cards run long)
MESSAGE_CHARS = 4000


def _locate(span: str, messages: list[dict], turn: int | None) -> dict | None:
    """Where the finding's span sits: its own turn first, then any message. The gate reports some
    spans normalised (lowercase, punctuation gone), so the fallback matches the words in order."""
    if not span or not span.strip():
        return None
    order = (
        ([turn] if isinstance(turn, int) and 0 <= turn < len(messages) else [])
        + [i for i, m in enumerate(messages) if m.get("role") == "assistant"]
        + list(range(len(messages)))
    )
    words = re.findall(r"\w+", span)
    loose = re.compile(r"\W+".join(map(re.escape, words)), re.I) if words else None
    for pattern in (re.compile(re.escape(span.strip()), re.I), loose):
        if pattern is None:
            continue
        for i in dict.fromkeys(order):
            m = pattern.search(str(messages[i].get("content") or ""))
            if m:
                return {"message": i, "start": m.start(), "end": m.end()}
    return None


def _clip(text: object, n: int) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[:n] + f" … [{len(s) - n} more characters]"


def _entry(obj: dict, status: str, verdict: dict | None, explain: dict[str, str]) -> dict:
    labels = obj.get("labels") or {}
    kind = str(obj.get("type") or "?")
    messages = [
        {
            "role": m.get("role"),
            "name": m.get("name"),
            "train": bool(m.get("train")),
            "content": _clip(m.get("content"), MESSAGE_CHARS),
        }
        for m in obj.get("messages") or []
        if isinstance(m, dict)
    ]
    e = {
        "id": obj.get("id"),
        "type": kind.split(":")[0],
        "subtype": kind.split(":", 1)[1] if ":" in kind else "",
        "archetype": labels.get("archetype") or "",
        "language": obj.get("language") or "",
        "character": obj.get("character") or "",
        "status": status,
        "system": _clip(obj.get("system"), SYSTEM_CHARS),
        "messages": messages,
        "labels": {k: v for k, v in labels.items() if isinstance(v, (str, int, float, bool)) and v != ""},
    }
    flags = ((obj.get("quality") or {}).get("gate") or {}).get("flags") or []
    if status == "kept" and flags:
        e["flags"] = [
            {
                "rule": f.get("rule"),
                "detail": f.get("detail"),
                "span": f.get("span"),
                "explanation": explain.get(f.get("rule"), ""),
                "mark": _locate(f.get("span") or "", messages, f.get("turn")),
            }
            for f in flags
        ]
    if verdict is not None:
        rule = verdict.get("rule") or ""
        e.update(
            rule=rule,
            detail=verdict.get("detail") or "",
            span=verdict.get("span") or "",
            explanation=explain.get(rule, ""),
            also=verdict.get("also") or [],
            duplicate_of=verdict.get("duplicate_of") or "",
            mark=_locate(verdict.get("span") or "", messages, verdict.get("turn")),
        )
    return e


def collect_samples(run: Path, explain: dict[str, str], cap: int) -> tuple[list[dict], dict]:
    """Every sample once, kept first, then rejected, then ungated; at most `cap` per (type, verdict)."""
    seen: set = set()
    shown: list[dict] = []
    total: Counter = Counter()
    taken: Counter = Counter()

    def add(obj: dict, status: str, verdict: dict | None = None) -> None:
        sid = obj.get("id")
        if sid in seen:
            return
        seen.add(sid)
        key = (str(obj.get("type") or "?").split(":")[0], status)
        total[key] += 1
        if taken[key] < cap:
            taken[key] += 1
            shown.append(_entry(obj, status, verdict, explain))

    for obj in iter_jsonl(run / "kept.jsonl"):
        add(obj, "kept")
    unreadable = []  # the gate's format.invalid_record: no sample to show, only why
    for rej in iter_jsonl(run / "rejected.jsonl"):
        if isinstance(rej.get("sample"), dict):
            add(rej["sample"], "rejected", rej)
        elif len(unreadable) < cap:
            unreadable.append({"id": rej.get("id"), "rule": rej.get("rule"), "detail": rej.get("detail")})
    gated = (run / "kept.jsonl").exists() or (run / "rejected.jsonl").exists()
    for obj in iter_jsonl(run / "samples.jsonl"):
        add(obj, "not gated" if not gated else "not in gate output")
    counts = {
        "total": sum(total.values()),
        "shown": len(shown),
        "cap": cap,
        "unreadable": unreadable,
        "capped": sorted(
            f"{t} {s}: {taken[(t, s)]} of {n}" for (t, s), n in total.items() if n > taken[(t, s)]
        ),
    }
    return shown, counts
