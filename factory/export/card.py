"""The dataset card (export/README.md): Hub metadata, what is inside, where it came from, how to train.

Provenance comes from the run: run.json (written by the pipeline after the stages; absent on a
first `factory run`, so the recipe itself is the fallback), quality/report.json from the gate,
and a copy of the recipe with any literal secret blanked out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:  # the Recipe is assembled from the stages, which import this module
    from factory.recipe import Recipe


_SECRET_KEY = r"(?:api_key|apikey|api-key|token|hf_token|secret|password)"
_SECRET_LINE = re.compile(rf"^(\s*-?\s*{_SECRET_KEY}\s*:\s*)(?!\$\{{)(?![\"']?\$\{{)(\S.*)$", re.M | re.I)
_SECRET_FLOW = re.compile(rf"(\b{_SECRET_KEY}\s*:\s*)(?![\"']?\$\{{)([^,}}\s][^,}}]*)", re.I)


def redact(text: str) -> str:
    """A literal key in a recipe must not travel to the Hub; `${ENV}` references are fine."""
    text = _SECRET_LINE.sub(r"\1<redacted>", text)
    return _SECRET_FLOW.sub(r"\1<redacted>", text)


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


def _size_category(n: int) -> str:
    for limit, label in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
    ):
        if n < limit:
            return label
    return "1M<n<10M"


def finish(out: Path, run_dir: Path, recipe: Recipe | None, manifest: dict) -> None:
    """Fill provenance into the manifest, copy the recipe, write README.md."""
    run_json = _read_json(run_dir / "run.json") or {}
    model = (run_json.get("endpoint") or {}).get("model")
    if model:
        manifest["generators"] = sorted({*manifest["generators"], model})
    src = recipe.source_path if recipe is not None and recipe.source_path else None
    if src is None and run_json.get("recipe") and Path(run_json["recipe"]).is_file():
        src = Path(run_json["recipe"])
    if src is not None and src.is_file():
        from factory.export.runinfo import recipe_as_run  # with the `--set` items that ran

        sets = recipe._sets if recipe is not None else (run_json.get("cli") or {}).get("set") or []
        (out / "recipe.yaml").write_text(redact(recipe_as_run(src, sets)), encoding="utf-8")
    rhash = recipe.hash if recipe is not None else run_json.get("recipe_hash")
    manifest["recipe"] = {
        "name": manifest["name"],
        "file": src.name if src else None,
        "hash": rhash,
        "copied": (out / "recipe.yaml").exists(),
    }
    manifest["quality"] = _read_json(run_dir / "quality" / "report.json")
    (out / "README.md").write_text(render(manifest), encoding="utf-8")


def metadata(m: dict) -> dict:
    stems = []
    for info in m["files"].values():
        if info["stem"] not in stems:
            stems.append(info["stem"])
    configs = []
    for stem in stems:
        files = [{"split": "train", "path": f"{stem}.train.jsonl"}]
        if f"{stem}.eval.jsonl" in m["files"]:
            files.append({"split": "eval", "path": f"{stem}.eval.jsonl"})
        cfg = {"config_name": stem, "data_files": files}
        if not configs:
            cfg["default"] = True
        configs.append(cfg)
    rows = m["counts"]["rows"]["train"] + m["counts"]["rows"]["eval"]
    tags = ["role-play", "character", "synthetic", "sft", "llama-factory", "trl", *m.get("tags", [])]
    if "dpo" in m["formats"]:
        tags.append("dpo")
    return {
        "license": m["license"],
        "language": m["languages"] or ["en"],
        "task_categories": ["text-generation"],
        "tags": list(dict.fromkeys(tags)),
        "size_categories": [_size_category(rows)],
        "pretty_name": f"{m['character']} role-play ({m['name']})",
        "configs": configs,
    }


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def _quality(report: dict | None) -> list[str]:
    """What the gate did, in the numbers a dataset user cares about (no timings, no config dump)."""
    if not report:
        return ["No quality report in this run (quality/report.json); the samples were exported as written."]
    if not all(isinstance(report.get(k), int) for k in ("input", "kept", "rejected")):
        return [
            "quality/report.json is not a report of the quality gate; its numbers are not summarised here."
        ]
    lines = [
        f"The gate checked {report['input']} samples: {report['kept']} kept "
        f"({report.get('flagged', 0)} of them with flags), {report['rejected']} rejected.",
        "",
    ]
    lines += _rule_rows(report) + _dedup_lines(report) + _diversity(report) + _selfname(report)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _rule_rows(report: dict) -> list[str]:
    """Each sample is counted once, under the first rule that rejected it."""
    rules = {k: v for k, v in (report.get("rules") or {}).items() if v.get("rejected") or v.get("flagged")}
    if not rules:
        return []
    return [
        *_table(
            ["rule", "meaning", "rejected", "flagged"],
            [
                [k, v.get("description", ""), v.get("rejected", 0), v.get("flagged", 0)]
                for k, v in rules.items()
            ],
        ),
        "",
    ]


def _dedup_lines(report: dict) -> list[str]:
    d = report.get("dedup") or {}
    out = []
    s = d.get("sample") or {}
    if s.get("enabled"):
        dup = s.get("duplicates", {})
        out.append(
            f"- duplicate samples removed: {dup.get('dedup.exact_sample', 0)} exact, "
            f"{dup.get('dedup.near_sample', 0)} near (MinHash LSH, verified by edit ratio)"
        )
    ln = d.get("line") or {}
    if ln.get("enabled"):
        out.append(
            f"- samples removed because most of their lines repeat kept lines: {ln.get('samples_removed', 0)}"
        )
    p = report.get("patterns") or {}
    if "downsampled" in p:
        out.append(f"- samples downsampled for over-used openers and phrases: {p['downsampled']}")
    return [*out, ""] if out else []


def _diversity(report: dict) -> list[str]:
    p = report.get("patterns") or {}
    b, a = p.get("before") or {}, p.get("after") or {}
    rows = [
        [k.replace("_", "-"), b[k], a[k]]
        for k in ("samples", "distinct_1", "distinct_2")
        if k in b and k in a
    ]
    if not rows:
        return []
    return [
        "Character lines before and after the gate (distinct-n: unique n-grams / all n-grams):",
        "",
        *_table(["", "before", "after"], rows),
        "",
    ]


def _selfname(report: dict) -> list[str]:
    sn = report.get("selfname") or {}
    ag = sn.get("agreement")
    if not ag:
        return []
    how = "estimated on a stratified sample" if ag.get("estimated") else "on every line"
    return [
        f"Self-name heuristic against a judge model ({how}, {ag.get('judged', 0)} lines): "
        f"precision {ag.get('precision')}, recall {ag.get('recall')}.",
        "",
    ]


def _tokens(t: dict) -> list[str]:
    rows = []
    for side, st in t["sft"].items():
        for what in ("per_row", "trained"):
            s = st[what]
            if s["rows"]:
                rows.append(
                    [
                        f"sft {side}",
                        what.replace("_", " "),
                        s["rows"],
                        s["total"],
                        s["mean"],
                        s["median"],
                        s["p95"],
                        s["max"],
                    ]
                )
    for what, s in (t.get("pairs") or {}).items():
        rows.append(["pairs", what, s["rows"], s["total"], s["mean"], s["median"], s["p95"], s["max"]])
    return [
        f'Counted with the {t["tokenizer"]}; "trained" counts only the replies with weight 1.',
        "",
        *_table(["set", "what", "rows", "total", "mean", "median", "p95", "max"], rows),
    ]


def _training(m: dict) -> list[str]:
    name = m["name"]
    sft = next((f"{name}_{s}" for s in ("sharegpt", "openai", "alpaca") if f"{s}.jsonl" in m["files"]), None)
    dpo = f"{name}_dpo_sharegpt" if "dpo_sharegpt.jsonl" in m["files"] else None
    ev = f"{name}_sharegpt_eval" if "sharegpt.eval.jsonl" in m["files"] else None
    out = [
        "### LLaMA-Factory",
        "",
        "Point `dataset_dir` at this folder (it holds `dataset_info.json`) and use `template: qwen`:",
        "",
        "```yaml",
        "model_name_or_path: Qwen/Qwen2.5-7B-Instruct",
        "template: qwen",
        "stage: sft",
        "do_train: true",
        "finetuning_type: lora",
        "dataset_dir: path/to/this/folder",
        f"dataset: {sft}",
    ]
    out += [f"eval_dataset: {ev}"] if ev else []
    out += ["cutoff_len: 4096", f"output_dir: saves/{name}-sft", "```", ""]
    if dpo:
        out += [
            "Then preference training on the SFT adapter: `stage: dpo`, `dataset: "
            + dpo
            + "`, `pref_beta: 0.1`.",
            "",
        ]
    out += [
        "### TRL",
        "",
        "```python",
        "from datasets import load_dataset",
        "from trl import SFTConfig, SFTTrainer",
        "",
        'sft = load_dataset("json", data_files={"train": "openai.train.jsonl"})["train"]',
        'SFTTrainer(model="Qwen/Qwen2.5-7B-Instruct", train_dataset=sft,',
        "           args=SFTConfig(assistant_only_loss=True)).train()",
    ]
    if dpo:
        out += [
            "",
            "from trl import DPOConfig, DPOTrainer",
            'pairs = load_dataset("json", data_files={"train": "dpo.train.jsonl"})["train"]',
            'DPOTrainer(model="path/to/sft-model", train_dataset=pairs, args=DPOConfig(beta=0.1)).train()',
        ]
    out += [
        "```",
        "",
        'From the Hub, each format is a config: `load_dataset("OWNER/NAME", "openai")`.',
        "",
        "Every assistant turn in these files is a reply to learn: context (a card's greeting, other "
        "characters' lines) sits in the system prompt or on the user side, so LLaMA-Factory, TRL's "
        "`assistant_only_loss` and OpenAI fine-tuning all train the same replies. Tested with trl 1.16 "
        "(from 1.1 on it adds the `{% generation %}` markers to Qwen2.5's template itself).",
        "",
        "### factory train",
        "",
        "```bash",
        "factory train sft --model Qwen/Qwen2.5-0.5B-Instruct --data RUN_DIR --output-dir out/sft",
        "factory train dpo --model out/sft --data RUN_DIR --output-dir out/dpo",
        "```",
        "",
        "`sft` reads `openai.train.jsonl` (or `openai.jsonl`), `dpo` reads `dpo.train.jsonl`; both evaluate "
        "on the matching `.eval.jsonl`. `factory eval` uses the eval split (`openai.eval.jsonl`, ids in "
        "`split.json`).",
    ]
    return out


def render(m: dict) -> str:
    c = m["counts"]
    head = "---\n" + yaml.safe_dump(metadata(m), sort_keys=False, allow_unicode=True) + "---\n"
    lines = [
        f"# {m['character']}: role-play training data",
        "",
        f"Generated by factory from the recipe `{m['name']}`: in-character dialogue for {m['character']} "
        f"({', '.join(m['languages'])}), exported as {', '.join(m['formats'])}.",
        "",
        "## Files",
        "",
        "`<format>.jsonl` is the training split (the same rows as `<format>.train.jsonl`); "
        "`<format>.eval.jsonl` holds the eval split (written only when it has rows). "
        "`dataset_info.json` describes every file LLaMA-Factory can read.",
        "",
    ]
    from factory.export.formats import FILES

    lines += _table(
        ["file", "split", "rows", "what"],
        [[f, i["split"], i["rows"], FILES[i["stem"]][2]] for f, i in sorted(m["files"].items())],
    )
    if "dpo" in m["formats"]:
        lines += [
            "",
            "`dpo.jsonl` (TRL) and `dpo_openai.jsonl` (OpenAI) hold the same pairs as "
            "`dpo_sharegpt.jsonl` / `dpo_alpaca.jsonl`, in shapes LLaMA-Factory does not read, so "
            "`dataset_info.json` points LLaMA-Factory at the latter two.",
        ]
    lines += [
        "",
        f"Style: **{m['style']}**; system prompt: **{m['system']}**; other characters: in the "
        f"**{m['others']}** side.",
    ]
    if m.get("quote"):
        lines += [
            "",
            'Quote style (EGOS): the user turn holds the whole history as lines `Me: "..."` / '
            '`<Name>: "..."`; the reply is `<Name>: "..."`. At inference prefill `<Name>: "` and stop '
            f"at the closing quote `{m['quote']['stop']}`."
            + (
                " General instruction rows stay in the standard shape." if m["counts"]["general_rows"] else ""
            ),
        ]
    lines += ["", "## Contents", "", "Samples by type (role-play; before quote-style expansion):", ""]
    lines += _table(
        ["type", "train", "eval"], [[t, v.get("train", 0), v.get("eval", 0)] for t, v in c["by_type"].items()]
    )
    if c["protection"]:
        lines += ["", "Protection samples by subtype:", ""]
        lines += _table(
            ["subtype", "train", "eval"],
            [[t, v.get("train", 0), v.get("eval", 0)] for t, v in c["protection"].items()],
        )
    lines += [
        "",
        f"Rows: {c['rows']['train']} train ({c['general_rows']} of them general instruction data), "
        f"{c['rows']['eval']} eval. Samples without a training reply skipped: {c['skipped_no_target']}.",
    ]
    if c["pairs_by_kind"]:
        lines += [
            "",
            f"Preference pairs: {c['pairs']['train']} train, {c['pairs']['eval']} eval. "
            "Chosen is a kept in-character reply; rejected comes from:",
            "",
        ]
        lines += _table(["rejected_kind", "pairs"], [[k, v] for k, v in c["pairs_by_kind"].items()])
    s = m["split"]
    lines += [
        "",
        "## Splits",
        "",
        f"Eval share {s['eval_share']}, seed {s['seed']}: {s['eval_groups']} of "
        f"{s['groups']} scene/session/card groups are in eval; a group never straddles the split."
        + (
            f" Held-out characters (eval only): {', '.join(s['held_out_characters'])}."
            if s["held_out_characters"]
            else ""
        ),
    ]
    if m["mix"]:
        lines += ["", "## Mixed general data", ""]
        lines += _table(
            ["source", "ratio", "rows added", "source rows"],
            [[p["source"], p["ratio"], p["wanted"], p["available"]] for p in m["mix"]],
        )
        lines += ["", "Ratios are shares of the final training rows; the eval split is role-play only."]
    lines += [
        "",
        "## Quality gate",
        "",
        *_quality(m.get("quality")),
        "",
        "## Tokens",
        "",
        *_tokens(m["tokens"]),
    ]
    r = m["recipe"]
    lines += [
        "",
        "## Provenance",
        "",
        f"- generator model(s): {', '.join(m['generators']) or 'unknown'}",
        f"- recipe: `{r['file'] or m['name']}`" + (" (copied as `recipe.yaml`)" if r["copied"] else ""),
        f"- recipe hash: `{r['hash'] or 'unknown'}`",
        f"- exported from `{m['source']}` at {m['created_at']}",
    ]
    if m["notes"]:
        lines += ["", "Notes:", *[f"- {n}" for n in m["notes"]]]
    lines += ["", "## How to train", "", *_training(m), ""]
    return head + "\n".join(lines)
