"""`factory gate --explain ID`: why the gate kept or dropped one sample, with the matched spans.

Every rule that fired is listed (the one that decided first), each with the character line it
fired on and the matched text marked «like this», so a reader can check the gate's reasoning
against the line itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from factory.quality.gate import GateResult
from factory.quality.rules import RULES, Finding
from factory.records import Sample


def check_id(sample_id: str, samples: Sequence[Sample], invalid: Sequence[tuple[str, str]]) -> None:
    """Fail before any work when the id to explain is not in the input."""
    ids = {s.id for s in samples} | {rid for rid, _ in invalid}
    if sample_id not in ids:
        raise ValueError(f"--explain: no sample with id {sample_id!r} in the input ({len(ids)} samples)")


def _mark(text: str, span: str) -> str:
    line = text.strip().replace("\n", "\\n")
    if span and span in line:
        return line.replace(span, f"«{span}»", 1)
    return line


def explain(result: GateResult, sample_id: str) -> str:
    """Human-readable lines: the verdict, then each finding with its rule, detail and marked line."""
    rejected = next((r for r in result.rejected if r["id"] == sample_id), None)
    kept = next((s for s in result.kept if s.id == sample_id), None)
    if rejected is None and kept is None:
        raise ValueError(f"--explain: no sample with id {sample_id!r} in the input")
    if rejected is not None and rejected["sample"] is None:  # a line that was no sample at all
        return f"{sample_id}: rejected by format.invalid_record: {rejected['detail']}"
    sample = kept or Sample.model_validate(rejected["sample"])
    findings = result.findings.get(sample_id, [])
    if rejected is not None:
        head = f"{sample_id}: rejected by {rejected['rule']} ({RULES.get(rejected['rule'], '')})"
        decisive = next((f for f in findings if f.rule == rejected["rule"]), None)
    else:
        flags = sample.quality.get("gate", {}).get("flags", [])
        head = f"{sample_id}: kept" + (f", flagged by {', '.join(f['rule'] for f in flags)}" if flags else "")
        decisive = None
    out = [head]
    ordered = ([decisive] if decisive else []) + [f for f in findings if f is not decisive]
    for f in ordered:
        out.append(_finding_line(f, sample, f is decisive))
    if not findings:
        out.append("  no rule fired on this sample")
    return "\n".join(out)


def _finding_line(f: Finding, sample: Sample, decisive: bool) -> str:
    where = ""
    if f.turn is not None and 0 <= f.turn < len(sample.messages):
        where = f"\n      turn {f.turn}: {_mark(sample.messages[f.turn].content, f.span)}"
    elif f.span:
        where = f"\n      «{f.span}»"
    dup = f" (duplicate of {f.duplicate_of})" if f.duplicate_of else ""
    return f"  {'*' if decisive else '-'} {f.rule}: {f.detail}{dup}{where}"
