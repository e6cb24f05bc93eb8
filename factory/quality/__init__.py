"""The quality gate: finds the known failures of synthetic role-play data, removes or downsamples
them, and reports exactly what it did (every input sample ends up kept or rejected with a reason).

Stable API (other areas import these; names and signatures do not change):

    assistant_tone_hits(text, language=None, blacklist=None) -> list[Hit]
        Blacklisted assistant-tone / hedging / preachy phrases in one line ([] when clean).
        Hit(category, pattern, span, start). language "zh" | "en" | None (both lists).
    self_name_violation(text, character, language=None, aliases=()) -> Violation | None
        Whether one line of `character` is not spoken from inside the character: role
        announcement, third person by name, narrator voice. Violation(kind, detail, span).
        Actions in （…） / *…* are exempt.
    segments(line) -> list[Segment]
        A line split into label / speech / action / narration (the zh and en conventions).
    run_gate(samples, config=None, character=None, language=None, judge=None) -> GateResult
        The whole gate on a list of `Sample`s; GateResult(kept, rejected, report).
        `await run_gate_async(...)` inside an event loop (the pipeline stage does).
    write_outputs(result, out_dir) -> kept.jsonl, rejected.jsonl, report.md, report.json
    near_duplicates(texts, LshParams(...)) -> DedupResult
        MinHash LSH + rapidfuzz clusters over many short texts (labels = smallest index).
    RULES: rule name -> meaning, in the precedence order used to pick a sample's reason.

Recipe block: `quality:` (factory/quality/config.py). Pipeline stage: factory/stages/quality.py.
CLI: `factory gate SAMPLES.jsonl --out DIR [--character NAME] [--language zh|en] [--config quality.yaml]
[--judge-base-url URL [--judge-sample N]] [--explain ID]` (an endpoint alone judges 200 lines to measure
the heuristic; --explain prints every rule that fired on one sample, spans marked: quality/explain.py).
Blacklists are data (quality/blacklists/*.txt); shapes no list names are read by structure:
generic statements (quality/generic.py), talk about the exchange as a service or a content refusal
(quality/exchange.py), the name as a clause's subject (quality/selfname.py), the user's actions
narrated in the second person (quality/second_person.py). Chinese grammar comes
from jieba (quality/zh.py); languages and scripts from factory/lang/. Accuracy: benchmarks/gate_accuracy.py.

Exports are loaded lazily so that `factory.recipe` (which imports the config) stays light.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "assistant_tone_hits": "blacklist",
    "Blacklist": "blacklist",
    "Hit": "blacklist",
    "default_entries": "blacklist",
    "self_name_violation": "selfname",
    "Violation": "selfname",
    "segments": "text",
    "Segment": "text",
    "name_variants": "text",
    "run_gate": "gate",
    "run_gate_async": "gate",
    "GateResult": "gate",
    "write_outputs": "report",
    "render_markdown": "report",
    "near_duplicates": "dedup",
    "LshParams": "dedup",
    "DedupResult": "dedup",
    "RULES": "rules",
    "Finding": "rules",
    "QualityConfig": "config",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'factory.quality' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"factory.quality.{module}"), name)
    globals()[name] = value
    return value
