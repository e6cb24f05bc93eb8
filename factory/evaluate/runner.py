"""`factory eval`: every dimension for one model, written to eval.json / eval.md / eval.png.

Dimensions run in data order (questions -> answers -> interviews -> judges -> memory ->
consistency -> pairwise -> offline). A dimension whose input or endpoint is missing is
skipped with its reason, never faked. Every call goes through the engine with one request
cache in the output directory, so a re-run (or a re-render after a parser fix) is free.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from factory.chat.endpoints import Endpoints, Role
from factory.chat.organize import BASE
from factory.chat.speaker import Speaker
from factory.engine import RequestCache
from factory.evaluate import report
from factory.evaluate.calibration import brief, calibrate, load_set
from factory.evaluate.inputs import describe, load_run
from factory.evaluate.questions import lang, write_questions
from factory.evaluate.steps import STEPS, Ctx
from factory.evaluate.trust import DEFAULT_LIMIT, check

DIMENSIONS = tuple(name for name, _, _ in STEPS)


@dataclass
class EvalOptions:
    run_dir: Path
    model: str = "local"
    judge: str | None = None
    reference: str | None = None
    out: Path | None = None
    model_name: str | None = None
    judge_name: str | None = None
    reference_name: str | None = None
    model_key_env: str = "OPENAI_API_KEY"
    judge_key_env: str = "OPENAI_API_KEY"
    reference_key_env: str = "OPENAI_API_KEY"
    label: str | None = None
    style: str = "standard"  # how the model under test is prompted: standard | quote
    reference_style: str = "standard"
    prefill: str = "auto"
    system: str | None = None
    questions: int = 5  # per topic
    interviews: int = 4
    rounds: int = 5
    probes: int = 40
    exchanges: int = 30
    knowledge: int = 40  # knowledge-boundary cases at most
    temperature: float = 0.0
    max_tokens: int = 300
    judge_max_tokens: int = 700
    concurrency: int = 8
    skip: frozenset[str] = field(default_factory=frozenset)
    max_unreadable: float = DEFAULT_LIMIT  # share of a dimension's judgments allowed without a verdict
    calibration: str | None = None  # None | "run" (calibrate the judge here) | a calibration.json path


def _read_calibration(spec: str | None) -> dict | None:
    if spec is None or spec == "run":
        return None
    path = Path(spec)
    if not path.is_file():
        raise ValueError(
            f"--calibration: no such file: {path} (write one with `factory eval calibrate`, or say `run`)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "verdict" not in data:
            raise ValueError("no verdict")
    except ValueError as exc:
        raise ValueError(f"--calibration: {path}: not a calibration.json ({exc})") from None
    return data


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60] or "model"


async def evaluate(opts: EvalOptions, log: Callable[[str], None] = print) -> tuple[dict, Path]:
    started = time.monotonic()
    if unknown := set(opts.skip) - set(DIMENSIONS):
        raise ValueError(
            f"--skip: unknown dimension(s) {', '.join(sorted(unknown))}; choose from {', '.join(DIMENSIONS)}"
        )
    prior = _read_calibration(opts.calibration)
    inputs = load_run(opts.run_dir)
    character, language = inputs.character, inputs.language
    notes = list(inputs.notes)
    endpoints = Endpoints(None, log=log)
    cache = None
    try:
        model = endpoints.engine(
            Role(
                "--model",
                opts.model,
                opts.model_name,
                opts.model_key_env,
                {"temperature": opts.temperature, "max_tokens": opts.max_tokens},
                opts.concurrency,
                parse_retries=0,
            )
        )
        judge_e = (
            endpoints.engine(
                Role(
                    "--judge",
                    opts.judge,
                    opts.judge_name,
                    opts.judge_key_env,
                    {"temperature": 0, "max_tokens": opts.judge_max_tokens},
                    opts.concurrency,
                )
            )
            if opts.judge
            else None
        )
        ref_e = (
            endpoints.engine(
                Role(
                    "--reference",
                    opts.reference,
                    opts.reference_name,
                    opts.reference_key_env,
                    {"temperature": opts.temperature, "max_tokens": opts.max_tokens},
                    opts.concurrency,
                    parse_retries=0,
                )
            )
            if opts.reference
            else None
        )
        label = opts.label or model.settings.model
        out = Path(opts.out) if opts.out else Path(opts.run_dir) / "eval" / slug(label)
        if out.is_dir() and any(out.iterdir()) and not (out / "cache.sqlite").exists():
            raise ValueError(f"--out: {out} exists and is not an eval directory (refusing to write into it)")
        out.mkdir(parents=True, exist_ok=True)
        cache = RequestCache(out / "cache.sqlite")
        endpoints.set_output(cache, out)
        speaker = Speaker(model, style=opts.style, prefill=opts.prefill, stage="model")
        system = opts.system if opts.system is not None else BASE[lang(language)].format(name=character)
        ctx = Ctx(opts, inputs, speaker, judge_e, ref_e, system)
        if judge_e is None:
            notes.append(
                "no --judge: fixed questions used; interviews, rubrics, fool rate and pairwise skipped"
            )

        calibration = None
        if judge_e is not None and opts.calibration == "run":
            log("eval: judge calibration")
            items, digest = load_set()
            summary, rows = await calibrate(judge_e, items, digest)
            (out / "calibration.json").write_text(
                json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            calibration = brief(summary, "calibration.json (run with this eval)")
        elif judge_e is not None and prior is not None:
            calibration = brief(prior, str(opts.calibration))
            if prior.get("judge", {}).get("model") != judge_e.settings.model:
                notes.append(
                    f"--calibration was measured on judge {prior.get('judge', {}).get('model')!r}, "
                    f"not on this eval's judge {judge_e.settings.model!r}"
                )
        elif judge_e is not None:
            notes.append(
                "the judge is not calibrated: `factory eval calibrate --judge URL`, then --calibration FILE "
                "(or --calibration run)"
            )
        if calibration is not None and calibration["verdict"] != "fit":
            notes.append(f"judge calibration: not fit ({'; '.join(calibration['reasons'])})")

        log("eval: questions and single-turn answers")
        ctx.questions, qnotes = await write_questions(
            judge_e, character, language, inputs.chunks, opts.questions
        )
        notes += qnotes
        ctx.answers = {a.conversation.id: a for a in await speaker.answer(ctx.conversations())}
        details = [
            {
                "kind": "single",
                "id": q.id,
                "topic": q.topic,
                "question": q.text,
                "answer": ctx.answers[q.id].text,
                "error": ctx.answers[q.id].error,
                "truncated": ctx.answers[q.id].truncated,
            }
            for q in ctx.questions
        ]
        dims: dict[str, dict] = {}
        for name, step, blocker in STEPS:
            reason = "--skip" if name in opts.skip else blocker(ctx)
            if reason:
                dims[name] = {"status": "skipped", "reason": reason}
                continue
            log(f"eval: {name}")
            dims[name], rows = await step(ctx)
            details += [{"kind": name, **r} for r in rows]

        info = {
            "label": label,
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "endpoints": endpoints.described,
            "style": opts.style,
            "system": system,
            "inputs": describe(inputs),
            "settings": {
                "questions_per_topic": opts.questions,
                "interviews": opts.interviews,
                "rounds": opts.rounds,
                "temperature": opts.temperature,
            },
            "requests": {
                role: e.accounting.totals()
                for role, e in (("model", model), ("judge", judge_e), ("reference", ref_e))
                if e is not None
            },
            "wall_time_s": round(time.monotonic() - started, 2),
        }
        trust = {**check(dims, opts.max_unreadable), "calibration": calibration}
        info["calibration"] = calibration
        result = report.write_all(out, info, dims, notes, details, trust)
        return result, out
    finally:
        await endpoints.close()
        if cache is not None:
            cache.close()
