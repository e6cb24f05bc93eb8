"""Quick honest CV for the learned model: hold out each of the newest writer-honest splits whole.

For heldout9/10/11 in turn: train on every other split but the newest unseen one (the training-only
splits included), score the held-out one,
and report the classifier alone and OR'd with the rules, per language. The rules are in-sample on
every tuned split (tuned on them afterwards), so the OR gate is also reported with *frozen* rules:
verdicts of the gate as it stood before that split was seen, given as --frozen DIR with
frozen_<split>.json ({case id: bool}), made by running that commit's gate on the split.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/learn_cv.py --frozen /tmp/frozen --threshold 0.9

The frozen verdicts: `git archive C factory benchmarks | tar -x -C /tmp/old_C`, copy today's
benchmarks/data over it, and in /tmp/old_C run gate_accuracy's gate_cases on load(split) with the
learned model off, writing {case id: bool(findings)}. The commits that added each split, before the
gate was tuned on it: heldout9 e1f8497, heldout10 2090f5a, heldout11 47657e4.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_gate_model as tgm  # noqa: E402
from gate_accuracy import load  # noqa: E402

from factory.quality.learned import Spec  # noqa: E402

HELD = ["heldout9", "heldout10", "heldout11"]


def data_with_ids(lang: str, cache: Path | None) -> dict:
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    data = tgm.dataset(lang)
    for s, d in data.items():
        d["ids"] = [c.id for c in load(s) if c.language == lang]
    if cache:
        cache.write_bytes(pickle.dumps(data))
    return data


def run(
    lang: str, data: dict, spec, l2: float, frozen: Path | None, ths: list[float], pos_w=1.0, caught_w=1.0
) -> dict:
    feats = {s: [tgm.features(t, spec) for t in d["texts"]] for s, d in data.items()}
    out = {}
    for held in HELD:
        tr = [s for s in data if s != held]
        y = np.concatenate([data[s]["y"] for s in tr])
        caught = np.concatenate([data[s]["rules"] for s in tr])
        sw = np.where(y == 1, pos_w, 1.0) * np.where((y == 1) & caught, caught_w, 1.0)
        w, b = tgm.train([x for s in tr for x in feats[s]], y, spec.bits, l2, weight=sw)
        p = tgm.predict(feats[held], w, b)
        d = data[held]
        fr = None
        if frozen:
            fz = json.loads((frozen / f"frozen_{held}.json").read_text())
            fr = np.array([fz[i] for i in d["ids"]])
        rows = {}
        for th in ths:
            c = p >= th
            row = {"cls": tgm.rates(c, d["y"]), "or_now": tgm.rates(c | d["rules"], d["y"])}
            if fr is not None:
                row["or_frozen"] = tgm.rates(c | fr, d["y"])
                row["frozen"] = tgm.rates(fr, d["y"])
            rows[th] = row
        out[held] = rows
    return out


def show(lang: str, name: str, res: dict) -> None:
    print(f"\n{lang} {name}")
    for held, rows in res.items():
        for th, r in rows.items():
            cells = "  ".join(f"{k} {v[0]:.3f}/{v[1]:.3f}" for k, v in r.items())
            print(f"  {held:10} th={th:.2f}  {cells}")


def at_fp(res: dict, max_fp: float = 0.015) -> tuple[float, dict]:
    """The lowest threshold whose classifier FP, pooled over the held-out splits, is <= max_fp."""
    for th in sorted(next(iter(res.values()))):
        fps = [rows[th]["cls"][1] for rows in res.values()]
        if np.mean(fps) <= max_fp:
            return th, {h: rows[th] for h, rows in res.items()}
    raise ValueError("no threshold")


def summary(lang: str, name: str, res: dict) -> None:
    th, rows = at_fp(res)
    print(f"{lang} {name}  th={th:.2f}")
    for held, r in rows.items():
        cells = "  ".join(f"{k} {v[0]:.3f}/{v[1]:.3f}" for k, v in r.items() if k != "frozen")
        print(f"    {held:10} {cells}")
    m = {k: np.mean([r[k][0] for r in rows.values()]) for k in ("cls", "or_frozen")}
    print(f"    mean det: cls {m['cls']:.3f}  or_frozen {m['or_frozen']:.3f}", flush=True)


THS = [round(t, 2) for t in np.arange(0.5, 0.985, 0.01)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frozen", type=Path, required=True, help="folder of frozen_<split>.json")
    ap.add_argument("--lang", default="en", choices=["en", "zh"])
    ap.add_argument("--spec", default="2,5,1,16,1,1", help="ngram_min,ngram_max,words,bits,shape,func")
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--threshold", type=float, action="append", default=[])
    ap.add_argument("--caught-weight", type=float, default=1.0, help="weight of bad lines the rules catch")
    ap.add_argument("--cache", type=Path, help="pickle of the dataset (the rules' verdicts take a while)")
    args = ap.parse_args()
    v = [int(x) for x in args.spec.split(",")]
    spec = Spec(v[0], v[1], bool(v[2]), v[3], *(bool(x) for x in v[4:]))
    data = data_with_ids(args.lang, args.cache)
    res = run(
        args.lang,
        data,
        spec,
        args.l2,
        args.frozen,
        sorted({*THS, *args.threshold}),
        caught_w=args.caught_weight,
    )
    summary(args.lang, f"{spec} l2={args.l2:g}", res)
    for th in args.threshold:
        show(args.lang, f"at threshold {th}", {h: {th: rows[th]} for h, rows in res.items()})


if __name__ == "__main__":
    main()
