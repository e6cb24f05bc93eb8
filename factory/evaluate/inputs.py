"""What a run directory offers the evaluation; every input is optional and its absence is noted.

Files are read as plain dicts (not strict records) so eval keeps working while sibling stages
add fields. Probe turn numbers index the session's turns (= a sample's non-system messages).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from factory.chat.persona import run_identity
from factory.evaluate.boundary import KnowledgeCase, load_cases
from factory.quality.config import QualityConfig
from factory.records import iter_jsonl


@dataclass
class ProbeCase:
    id: str
    character: str
    system: str
    turns: list[tuple[str, str]]  # history up to and including the question (ends with user)
    fact: str
    hint: str
    distance: int  # turns between planting the fact and asking for it


@dataclass
class Exchange:
    """A held-out dialogue cut before one real line of the character."""

    id: str
    system: str
    turns: list[tuple[str, str]]
    real: str


@dataclass
class RunInputs:
    path: Path
    character: str
    language: str
    chunks: list[dict] = field(default_factory=list)
    probes: list[ProbeCase] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    exchanges_from: str = ""
    notes: list[str] = field(default_factory=list)
    quality: QualityConfig = field(
        default_factory=QualityConfig
    )  # the run's gate settings, for offline checks
    aliases: tuple[str, ...] = ()
    knowledge: list[KnowledgeCase] = field(default_factory=list)  # held-out protection scenes about knowledge


def _samples(run: Path) -> list[dict]:
    for name in ("kept.jsonl", "samples.jsonl"):
        rows = list(iter_jsonl(run / name))
        if rows:
            return rows
    return []


def _turns(messages: list[dict]) -> tuple[str, list[tuple[str, str]]]:
    system = "\n\n".join(m.get("content", "") for m in messages if m.get("role") == "system")
    turns = []
    for m in messages:
        role, text = m.get("role"), str(m.get("content", ""))
        if role == "user" and m.get("name") and not text.startswith(f"{m['name']}:"):
            text = f"{m['name']}: {text}"  # another speaker, named as the export names them
        if role in ("user", "assistant"):
            turns.append((role, text))
    return system, turns


def _probe_cases(
    sample_id: str, character: str, system: str, turns: list[tuple[str, str]], probes: list[dict]
) -> list[ProbeCase]:
    out = []
    for i, p in enumerate(probes):
        asked, planted = int(p.get("asked_turn", -1)), int(p.get("planted_turn", -1))
        cut = min(asked, len(turns) - 1)
        while cut >= 0 and turns[cut][0] != "user":
            cut -= 1
        if cut < 0 or planted < 0 or planted >= cut:
            continue
        out.append(
            ProbeCase(
                f"{sample_id}#p{i}",
                character,
                system,
                turns[: cut + 1],
                str(p.get("fact", "")),
                str(p.get("answer_hint", "")),
                max(1, asked - planted),
            )
        )
    return out


def _eval_ids(run: Path) -> set[str] | None:
    """Sample ids the export held out (export/split.json), or None when there was no export."""
    try:
        return set(json.loads((run / "export" / "split.json").read_text(encoding="utf-8"))["eval"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _probes_from_samples(samples: list[dict], held_out: set[str] | None, notes: list[str]) -> list[ProbeCase]:
    """Probes of persona samples, preferring those the export held out of training."""
    with_probes = [s for s in samples if (s.get("labels") or {}).get("probes")]
    unseen = [s for s in with_probes if held_out is not None and s.get("id") in held_out]
    if with_probes and not unseen:
        notes.append(
            "memory probes come from samples that may have been trained on (none held out in export/split.json)"
        )
    out: list[ProbeCase] = []
    for s in unseen or with_probes:
        head = [{"role": "system", "content": s["system"]}] if s.get("system") else []
        system, turns = _turns(head + list(s.get("messages", [])))
        out.extend(
            _probe_cases(s.get("id", "sample"), s.get("character", ""), system, turns, s["labels"]["probes"])
        )
    return out


def _probes_from_sessions(run: Path) -> list[ProbeCase]:
    cards = {c.get("id"): c for c in iter_jsonl(run / "cards.jsonl")}
    out = []
    for s in iter_jsonl(run / "sessions.jsonl"):
        card = cards.get(s.get("card_id"), {})
        name = card.get("name") or ""
        system = " ".join(
            x
            for x in (
                f"You are {name}." if name else "",
                card.get("personality", ""),
                card.get("background", ""),
            )
            if x
        )
        turns = [
            ("assistant" if t.get("speaker") == name else "user", str(t.get("text", "")))
            for t in s.get("turns", [])
        ]
        out.extend(_probe_cases(s.get("id", "session"), name, system, turns, s.get("probes") or []))
    return out


def _eval_rows(run: Path) -> tuple[list[dict], str]:
    export = run / "export"
    files = sorted(export.glob("*.eval.jsonl")) if export.is_dir() else []
    files.sort(key=lambda f: f.name != "openai.eval.jsonl")
    for f in files:
        rows = [r for r in iter_jsonl(f) if isinstance(r.get("messages"), list)]
        if rows:
            return rows, f"export/{f.name}"
    return [], ""


def _exchanges(rows: list[dict], character: str) -> list[Exchange]:
    out = []
    for k, row in enumerate(rows):
        msgs = row["messages"]
        targets = [i for i, m in enumerate(msgs) if m.get("role") == "assistant" and m.get("weight", 1)]
        if not targets:
            continue
        t = targets[-1]
        system, turns = _turns(msgs[:t])
        if turns and turns[-1][0] == "user" and str(msgs[t].get("content", "")).strip():
            out.append(Exchange(row.get("id", f"row{k}"), system, turns, str(msgs[t]["content"]).strip()))
    return out


def gate_settings(path: Path, notes: list[str]) -> tuple[QualityConfig, tuple[str, ...]]:
    """The run's `quality:` block and character aliases, from the recipe copy export wrote.

    Eval's tone and self-name rates should count what this run's gate counts (its added and
    removed blacklist entries, the character's other names), not the defaults.
    """
    copy = path / "export" / "recipe.yaml"
    if not copy.is_file():
        return QualityConfig(), ()
    try:
        data = yaml.safe_load(copy.read_text(encoding="utf-8")) or {}
        quality = QualityConfig.model_validate(data.get("quality") or {})
        aliases = tuple(str(a) for a in ((data.get("character") or {}).get("aliases") or []))
    except (yaml.YAMLError, ValidationError, AttributeError) as exc:
        notes.append(
            f"{copy}: unreadable ({type(exc).__name__}); offline checks use the default gate settings"
        )
        return QualityConfig(), ()
    return quality, aliases


def load_run(path: Path) -> RunInputs:
    path = Path(path)
    if not path.is_dir():
        raise ValueError(f"--run: no such run directory: {path}")
    samples = _samples(path)
    character, language = run_identity(path)
    if not character or not language:
        own = [s for s in samples if s.get("type") != "persona_session"]
        if not character and own:
            character = Counter(s.get("character") for s in own).most_common(1)[0][0]
        if not language and samples:
            language = Counter(s.get("language") for s in samples).most_common(1)[0][0]
    if not character:
        raise ValueError(f"--run: {path} names no character (no run.json, chunks or samples)")
    inputs = RunInputs(path, character, language or "en", chunks=list(iter_jsonl(path / "chunks.jsonl")))
    inputs.quality, inputs.aliases = gate_settings(path, inputs.notes)
    if not language:
        inputs.notes.append("language not recorded in the run; assumed en")
    inputs.probes = _probes_from_samples(samples, _eval_ids(path), inputs.notes)
    inputs.knowledge = load_cases(path, samples, _eval_ids(path), inputs.notes)
    if not inputs.probes:
        inputs.probes = _probes_from_sessions(path)
        if inputs.probes:
            inputs.notes.append("memory probes come from sessions.jsonl (they may have been trained on)")
    rows, source = _eval_rows(path)
    if rows:
        inputs.exchanges, inputs.exchanges_from = _exchanges(rows, character), source
    else:
        own = [s for s in samples if s.get("character") == character and s.get("type") != "persona_session"]
        msgs = [
            {
                "messages": [{"role": "system", "content": s.get("system", "")}]
                + [{**m, "weight": 1 if m.get("train") else 0} for m in s.get("messages", [])]
            }
            for s in own
        ]
        inputs.exchanges = _exchanges(msgs, character)
        if inputs.exchanges:
            inputs.exchanges_from = "kept samples (no export/*.eval.jsonl: may overlap the training data)"
    return inputs


def describe(inputs: RunInputs) -> dict:
    return {
        "run": str(inputs.path),
        "character": inputs.character,
        "language": inputs.language,
        "chunks": len(inputs.chunks),
        "probes": len(inputs.probes),
        "exchanges": len(inputs.exchanges),
        "knowledge_cases": len(inputs.knowledge),
        "exchanges_from": inputs.exchanges_from,
    }
