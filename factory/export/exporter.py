"""A run directory -> export/: every format, split and mixed, with dataset_info.json and a card.

Reads kept.jsonl (the gate's survivors; samples.jsonl only for a recipe without a gate, or when
asked), and preferences.jsonl for pairs. The folder is built beside its place and swapped in whole,
so an interrupted export leaves the previous one and is simply redone.
Each SFT format gets the same rows in the same order, so the formats differ only in shape.
`<format>.jsonl` is the training split (what a trainer picks up by default); `.train.jsonl`
and `.eval.jsonl` are the split files (eval only when the eval split has rows: an empty JSONL
does not load with `datasets`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import json
import random
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from factory.export import mixing, quote
from factory.export.config import ExportConfig, MixConfig, SplitConfig
from factory.export.convert import Dialogue, Options, PairDialogue, pair_dialogue, sample_dialogue
from factory.export.folder import Staged
from factory.export.formats import FILES, FORMAT_FILES, llamafactory_entry, openai_row, trl_dpo_row
from factory.export.inputs import NothingToExport, has_gate, load_pairs, load_samples
from factory.export.split import pair_side, side_index, split_samples
from factory.export.tokens import counter, pair_stats, reused, sft_stats
from factory.records import DiskFull, Pair, Sample, write_jsonl_atomic
from factory.run.rundir import MARKER as RUN_MARKER

if TYPE_CHECKING:  # the Recipe is assembled from the stages, which import this module
    from factory.recipe import Recipe

MANIFEST = "export.json"
OWNED = ("*.jsonl", "dataset_info.json", "README.md", MANIFEST, "split.json", "recipe.yaml")


def _owned_name(name: str) -> bool:
    """A file an export writes (a `.jsonl.tmp`: one that exports before the atomic folder left behind)."""
    return any(fnmatch.fnmatch(name, pat) for pat in (*OWNED, "*.jsonl.tmp"))


@dataclass
class Settings:
    formats: list[str]
    options: Options
    license: str = "cc-by-sa-4.0"
    tags: list[str] = field(default_factory=list)


def settings_for(
    recipe: Recipe | None,
    formats: list[str] | None = None,
    system: str | None = None,
    style: str | None = None,
    others: str | None = None,
) -> Settings:
    cfg = (recipe.export if recipe is not None else None) or ExportConfig()
    opts = Options(system=system or cfg.system, others=others or cfg.others, style=style or cfg.style)
    chosen = cfg.resolved_formats() if formats is None else ExportConfig(formats=formats).resolved_formats()
    if (
        formats is None
        and "formats" not in cfg.model_fields_set
        and recipe is not None
        and not _makes_pairs(recipe)
    ):
        # a recipe that makes no preference pairs did not ask for DPO files: nothing to note
        chosen = [f for f in chosen if f != "dpo"]
    return Settings(chosen, opts, cfg.license, list(cfg.tags))


def _makes_pairs(recipe: Recipe) -> bool:
    return recipe.preferences is not None and recipe.preferences.enabled


def _ours(out: Path, run_dir: Path) -> bool:
    """An export folder we wrote: it has our manifest; or it is the run's own export/ holding only our
    files (what an export killed before this version wrote its manifest left behind)."""
    if (out / MANIFEST).exists():
        return True
    if out.resolve() != (run_dir / "export").resolve() or not (run_dir / RUN_MARKER).exists():
        return False
    return all(f.is_file() and _owned_name(f.name) for f in out.iterdir())


def _carry_foreign(old: Path, new: Path) -> None:
    """What a user put into an export folder of ours (notes, a training config) stays in the new one."""
    if not (old / MANIFEST).is_file():
        return
    for f in old.iterdir():
        if _owned_name(f.name) or (new / f.name).exists():
            continue
        with _naming(old / f.name):
            if f.is_dir() and not f.is_symlink():
                shutil.copytree(f, new / f.name, symlinks=True)
            else:
                shutil.copy2(f, new / f.name, follow_symlinks=False)


@contextlib.contextmanager
def _naming(path: Path):
    """A failed write (a full disk above all) says which file it was writing."""
    try:
        yield
    except DiskFull:  # written in the hidden build folder: name the file as it will be
        raise ExportWriteError(f"{path}: no space left on device") from None
    except OSError as exc:
        why = (exc.strerror or type(exc).__name__).lower() if exc.errno else str(exc)
        raise ExportWriteError(f"{path}: {why}") from None


class ExportWriteError(ValueError):
    """Writing the export failed (disk full, permissions); the previous export is still in place."""


def card_prompt_counts(samples: list[Sample]) -> dict[str, int]:
    """Samples carrying each part of an imported card's own prompt (persona `labels.card`): the rows
    have no room for labels, so an ablation reads them here; empty without persona samples."""
    cards = [s.labels["card"] for s in samples if isinstance(s.labels.get("card"), dict)]
    if not cards:
        return {}
    return {
        "samples": len(cards),
        "system_prompt": sum(bool(c.get("system_prompt")) for c in cards),
        "post_history": sum(bool(c.get("post_history")) for c in cards),
        "depth_prompt": sum(bool(c.get("depth_prompt")) for c in cards),
        "lorebook": sum(bool(c.get("lorebook_entries")) for c in cards),
        "alternate_greeting": sum(str(c.get("greeting", "")).startswith("alternate") for c in cards),
    }


def _subtype_counts(samples: list[Sample], eval_ids: set[str]) -> tuple[dict, dict]:
    by_type: dict[str, Counter] = {}
    protection: dict[str, Counter] = {}
    for s in samples:
        side = "eval" if s.id in eval_ids else "train"
        by_type.setdefault(s.type.split(":")[0], Counter())[side] += 1
        if s.type.startswith("protection:"):
            protection.setdefault(s.type.split(":", 1)[1], Counter())[side] += 1
    return (
        {k: dict(v) for k, v in sorted(by_type.items())},
        {k: dict(v) for k, v in sorted(protection.items())},
    )


def _dialogues(samples: list[Sample], opts: Options) -> tuple[list[Dialogue], int]:
    out, skipped = [], 0
    for s in samples:
        d = sample_dialogue(s, opts if s.type != "general" else Options(opts.system, opts.others, "standard"))
        if d is None:
            skipped += 1
            continue
        out.extend(quote.fold(d) if opts.style == "quote" and s.type != "general" else [d])
    return out, skipped


def _pairs(pairs: list[Pair], opts: Options) -> tuple[list[PairDialogue], int]:
    out, skipped = [], 0
    for p in pairs:
        pd = pair_dialogue(p, opts)
        if pd is None:
            skipped += 1
            continue
        out.append(quote.fold_pair(pd) if opts.style == "quote" else pd)
    return out, skipped


def write_formats(
    out: Path,
    name: str,
    formats: list[str],
    sft: dict[str, list[Dialogue]],
    pairs: dict[str, list[PairDialogue]],
    shown: Path | None = None,
) -> dict[str, dict]:
    """`<stem>.jsonl` (= train), `.train.jsonl`, `.eval.jsonl` (if any rows) and dataset_info.json.
    `shown`: the folder errors name (the final one, while `out` is its build folder)."""
    shown = shown or out
    files: dict[str, dict] = {}
    info: dict[str, dict] = {}
    for fmt in formats:
        for stem in FORMAT_FILES[fmt]:
            kind, build, _ = FILES[stem]
            rows = {
                side: [build(x) for x in (pairs if kind == "pair" else sft)[side]]
                for side in ("train", "eval")
            }
            variants = [("", "train"), (".train", "train")] + ([(".eval", "eval")] if rows["eval"] else [])
            for suffix, side in variants:
                fname = f"{stem}{suffix}.jsonl"
                with _naming(shown / fname):
                    write_jsonl_atomic(out / fname, rows[side])
                files[fname] = {"stem": stem, "format": fmt, "split": side, "rows": len(rows[side])}
                entry = llamafactory_entry(stem, fname)
                if entry is not None:
                    info[f"{name}_{stem}{suffix.replace('.', '_')}"] = entry
    _write(out, shown, "dataset_info.json", json.dumps(info, ensure_ascii=False, indent=2) + "\n")
    return files


def _write(out: Path, shown: Path, name: str, text: str) -> None:
    with _naming(shown / name):
        (out / name).write_text(text, encoding="utf-8")


def export_run(
    run_dir: Path,
    *,
    recipe: Recipe | None = None,
    settings: Settings | None = None,
    out: Path | None = None,
    generators: list[str] | None = None,
    strict: bool = False,
    ungated: bool = False,
    log: Callable[[str], None] = print,
) -> dict:
    """Write the export folder; returns its manifest (also written as export/export.json).

    The folder is built beside `out` and swapped in whole: `out` is the old export or the new one.
    `ungated`: export samples.jsonl although the recipe gates and the gate has not run."""
    run_dir = Path(run_dir)
    settings = settings or settings_for(recipe)
    opts = settings.options
    out = Path(out) if out else run_dir / "export"
    samples, source = load_samples(run_dir, gated=has_gate(recipe) and not ungated)
    if not samples:
        raise NothingToExport(f"{run_dir / source}: no samples to export")
    split_cfg = (recipe.split if recipe is not None else None) or SplitConfig()
    seed = split_cfg.seed if split_cfg.seed is not None else (recipe.seed if recipe else 0)
    roleplay = [s for s in samples if s.type != "general"]
    split = split_samples(
        roleplay, split_cfg.eval_share, seed, split_cfg.held_out_characters, split_cfg.min_train
    )
    train_d, skipped = _dialogues([s for s in samples if split.side(s.id) == "train"], opts)
    eval_d, skipped_eval = _dialogues([s for s in roleplay if split.side(s.id) == "eval"], opts)
    notes = [split.note] if split.note else []

    mix_cfg = (recipe.mix if recipe is not None else None) or MixConfig()
    parts = []
    if mix_cfg.general:
        n_rp = sum(1 for d in train_d if d.type != "general")
        general, parts = mixing.general_rows(mix_cfg, recipe, n_rp, seed, lambda s: _dialogues([s], opts)[0])
        train_d += general
        notes += [
            f"general data {p.source} has {p.available} rows, repeated to reach {p.wanted}"
            for p in parts
            if p.repeated
        ]
    random.Random(seed).shuffle(train_d)
    eval_d.sort(key=lambda d: d.id)

    formats = list(settings.formats)
    raw_pairs = {p.id: p for p in load_pairs(run_dir)}
    pairs, pairs_skipped = _pairs(list(raw_pairs.values()), opts)
    if "dpo" in formats and not pairs:
        if strict:
            raise ValueError(
                f"{run_dir}: no preference pairs (preferences.jsonl); enable `preferences:` "
                "in the recipe, or export without dpo"
            )
        formats.remove("dpo")
        notes.append("no preference pairs in this run: dpo files not written")
    by_group = side_index(roleplay, split)
    pair_split: dict[str, list[PairDialogue]] = {"train": [], "eval": []}
    for p in pairs:
        pair_split[pair_side(raw_pairs[p.id], by_group)].append(p)

    name = recipe.name if recipe else run_dir.name
    split_doc = {
        "train": sorted({d.id.split("#")[0] for d in train_d if d.type != "general"}),
        "eval": sorted({d.id.split("#")[0] for d in eval_d}),
        "pairs": {k: sorted(p.id for p in v) for k, v in pair_split.items()},
        "held_out_characters": split.held_out,
    }
    by_type, protection = _subtype_counts(roleplay, split.eval_ids)
    pair_models = {
        str(p.labels.get(k)) for p in raw_pairs.values() for k in ("generator", "judge") if p.labels.get(k)
    }
    manifest = {
        "name": name,
        "character": recipe.character.name if recipe else (roleplay[0].character if roleplay else ""),
        "languages": sorted({d.language for d in train_d + eval_d}),
        "source": source,
        "style": opts.style,
        "system": opts.system,
        "others": opts.others,
        "formats": formats,
        "files": {},
        "license": settings.license,
        "tags": settings.tags,
        "counts": {
            "samples": len(samples),
            "by_type": by_type,
            "protection": protection,
            "rows": {"train": len(train_d), "eval": len(eval_d)},
            "general_rows": sum(1 for d in train_d if d.type == "general"),
            "skipped_no_target": skipped + skipped_eval,
            "skipped_pairs": pairs_skipped,
            "pairs": {k: len(v) for k, v in pair_split.items()},
            "pairs_by_kind": dict(sorted(Counter(p.rejected_kind for p in pairs).items())),
            **({"card_prompt": c} if (c := card_prompt_counts(roleplay)) else {}),
        },
        "split": {
            "eval_share": split_cfg.eval_share,
            "groups": split.groups,
            "eval_groups": split.eval_groups,
            "held_out_characters": split.held_out,
            "seed": seed,
        },
        "mix": [vars(p) for p in parts],
        "tokens": {},  # counted once the files are written: an unchanged export reuses its figures
        "generators": sorted({g for g in [*(generators or []), *pair_models] if g}),
        "quote": {"stop": quote.STOP, "reply_prefix": quote.reply_prefix("<Name>")}
        if opts.style == "quote"
        else None,
        "notes": notes,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    from factory.export.card import finish  # recipe copy, provenance and README.md

    with _naming(out), Staged(out, lambda o: _ours(o, run_dir)) as tmp:
        manifest["files"] = write_formats(
            tmp, name, formats, {"train": train_d, "eval": eval_d}, pair_split, shown=out
        )
        _write(tmp, out, "split.json", json.dumps(split_doc, ensure_ascii=False, indent=1) + "\n")
        manifest["tokens"] = reused(out, tmp, MANIFEST, bool(pairs)) or {
            "tokenizer": counter()[1],
            "sft": {
                side: sft_stats(openai_row(d) for d in ds)
                for side, ds in (("train", train_d), ("eval", eval_d))
            },
            "pairs": pair_stats(trl_dpo_row(p) for p in pairs) if pairs else None,
        }
        try:
            finish(tmp, run_dir, recipe, manifest)
        except OSError:
            with _naming(out / ("README.md" if (tmp / "README.md").exists() else "recipe.yaml")):
                raise
        _carry_foreign(out, tmp)
        _write(tmp, out, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    for n in notes:
        log(f"export: note: {n}")
    return manifest
