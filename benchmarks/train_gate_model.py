"""Train the gate's learned second opinion (factory/quality/learned.py) on the tuned splits only.

Leave-one-split-out cross-validation picks, per language, the n-gram range, the L2 strength and
the probability threshold: each tuned split in turn is "a split never seen", the model is trained
on the others and scored on it. The rules are scored on the same lines, so the table says what
"rules OR classifier" adds. The newest split (the round's unseen one) is never read here.
Pure numpy (full-batch Adam on the logistic loss, fixed seed-free start at zero: deterministic).

    .venv/bin/python benchmarks/train_gate_model.py            # CV table only
    .venv/bin/python benchmarks/train_gate_model.py --write    # + ship learned_model.npz/.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gate_accuracy import DATA, SPLITS, TRAIN_ONLY, gate_cases, load  # noqa: E402

from factory.lang import character_names  # noqa: E402
from factory.quality.config import QualityConfig  # noqa: E402
from factory.quality.learned import MODEL_PATH, Spec, features, normalise  # noqa: E402

TUNED = SPLITS[:-1]
MAX_FP = 0.05  # the OR gate's false-positive rate on every held-out split must stay within the goal
# The classifier's own false positives, pooled: the rules are in-sample on every tuned split (about 0
# there), while on an unseen split they have had 0.01-0.10 of their own; the model gets a small share
MAX_CLASSIFIER_FP = 0.015
GRID = {
    "zh": [Spec(1, 3, False, 16), Spec(1, 3, False, 16, shape=True)],
    # function-word 1-4-grams (factory/quality/function_words.py) carry a frame to new writers' words; with them
    # 2**17 buckets (fewer collisions among the added n-grams: one more catch each on heldout10/11 in CV)
    "en": [Spec(2, 5, True, 16, shape=True), Spec(2, 5, True, 17, shape=True, func=True)],
}
L2 = [3e-5, 1e-4, 3e-4]
THRESHOLDS = [round(t, 2) for t in np.arange(0.5, 0.96, 0.05)]


def design(idx: list[np.ndarray], bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    rows = np.concatenate([np.full(len(x), k, dtype=np.int64) for k, x in enumerate(idx)])
    cols = np.concatenate(idx)
    vals = np.concatenate([np.full(len(x), 1 / np.sqrt(max(len(x), 1))) for x in idx])
    return rows, cols, vals, 1 << bits


def train(
    idx: list[np.ndarray],
    y: np.ndarray,
    bits: int,
    l2: float,
    steps: int = 400,
    weight: np.ndarray | None = None,
) -> tuple:
    """Full-batch Adam on the (per-line weighted) mean logistic loss + l2/2 |w|^2; starts at zero,
    so deterministic."""
    rows, cols, vals, d = design(idx, bits)
    n = len(y)
    sw = np.ones(n) if weight is None else weight * (n / weight.sum())
    w, b = np.zeros(d), 0.0
    mw, vw, mb, vb = np.zeros(d), np.zeros(d), 0.0, 0.0
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        z = np.bincount(rows, weights=w[cols] * vals, minlength=n) + b
        g = (1 / (1 + np.exp(-z)) - y) * sw
        gw = np.bincount(cols, weights=g[rows] * vals, minlength=d) / n + l2 * w
        gb = g.mean()
        mw = b1 * mw + (1 - b1) * gw
        vw = b2 * vw + (1 - b2) * gw * gw
        mb = b1 * mb + (1 - b1) * gb
        vb = b2 * vb + (1 - b2) * gb * gb
        c1, c2 = 1 - b1**t, 1 - b2**t
        w -= lr * (mw / c1) / (np.sqrt(vw / c2) + eps)
        b -= lr * (mb / c1) / (np.sqrt(vb / c2) + eps)
    return w.astype(np.float32), float(b)


def predict(idx: list[np.ndarray], w: np.ndarray, b: float) -> np.ndarray:
    z = np.array([w[x].sum(dtype=np.float64) / np.sqrt(max(len(x), 1)) + b for x in idx])
    return 1 / (1 + np.exp(-z))


def dataset(lang: str) -> dict:
    """Per tuned split: normalised texts, labels and the rules' verdicts (default gate, learned off)."""
    chars = json.loads((DATA / "characters.json").read_text(encoding="utf-8"))
    cfg = QualityConfig().model_copy(
        update={"learned": QualityConfig().learned.model_copy(update={"enabled": False})}
    )
    out = {}
    for split in [*TUNED, *TRAIN_ONLY]:
        cases = [c for c in load(split) if c.language == lang]
        found = gate_cases(cases, cfg) if split in TUNED else {c.id: [] for c in cases}
        texts = [
            normalise(
                c.text,
                character_names(chars[c.character]["name"], chars[c.character]["aliases"], mentions=True),
                lang,
            )
            for c in cases
        ]
        out[split] = {
            "texts": texts,
            "y": np.array([c.verdict == "bad" for c in cases], dtype=float),
            "rules": np.array([bool(found[c.id]) for c in cases]),
        }
    return out


def rates(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    bad, ok = y == 1, y == 0
    return float(pred[bad].mean()), float(pred[ok].mean())


def loso(data: dict, spec: Spec, l2: float) -> np.ndarray:
    """Out-of-split probabilities for every line, split order as in `data`."""
    feats = {s: [features(t, spec) for t in d["texts"]] for s, d in data.items()}
    out = []
    for held in TUNED:  # the training-only splits are always on the training side
        tr = [s for s in data if s != held]
        w, b = train(
            [x for s in tr for x in feats[s]], np.concatenate([data[s]["y"] for s in tr]), spec.bits, l2
        )
        out.append(predict(feats[held], w, b))
    return np.concatenate(out)


def choose(lang: str, data: dict) -> dict:
    held = {s: data[s] for s in TUNED}
    y = np.concatenate([d["y"] for d in held.values()])
    rules = np.concatenate([d["rules"] for d in held.values()])
    best = None
    for spec in GRID[lang]:
        for l2 in L2:
            p = loso(data, spec, l2)
            for th in THRESHOLDS:
                det, fp = rates(rules | (p >= th), y)
                own_det, own_fp = rates(p >= th, y)
                worst = max(rates(r["or"], r["y"])[1] for r in _splits(held, p, th))
                # the rules are in-sample on every tuned split (OR detection about 1.0 for every
                # choice), so the classifier's own out-of-split detection decides: it is what
                # carries to a new writer's lines the rules were never tuned on
                if (
                    worst <= MAX_FP
                    and own_fp <= MAX_CLASSIFIER_FP
                    and (best is None or own_det > best["own_det"] + 1e-9)
                ):
                    best = {
                        "spec": spec,
                        "l2": l2,
                        "threshold": th,
                        "p": p,
                        "or": (det, fp),
                        "own_det": own_det,
                    }
            print(f"  {lang} {spec} l2={l2:g} done", file=sys.stderr)
    assert best is not None
    return best


def _splits(data: dict, p: np.ndarray, th: float) -> list[dict]:
    out, at = [], 0
    for d in data.values():
        n = len(d["y"])
        out.append({"y": d["y"], "or": d["rules"] | (p[at : at + n] >= th)})
        at += n
    return out


def table(lang: str, data: dict, best: dict) -> dict:
    """Per split and pooled: rules alone, classifier alone, rules OR classifier (detection, FP)."""
    th, p = best["threshold"], best["p"]
    data = {s: data[s] for s in TUNED}
    rows, at = {}, 0
    for s, d in [*data.items(), ("pooled", None)]:
        if d is None:
            y = np.concatenate([d["y"] for d in data.values()])
            r = np.concatenate([d["rules"] for d in data.values()])
            ps = p
        else:
            y, r, ps = d["y"], d["rules"], p[at : at + len(d["y"])]
            at += len(d["y"])
        c = ps >= th
        rows[s] = {"rules": rates(r, y), "classifier": rates(c, y), "or": rates(r | c, y)}
    return rows


def print_table(lang: str, rows: dict, best: dict) -> None:
    print(f"\n{lang}: {best['spec']}, l2={best['l2']:g}, threshold {best['threshold']}")
    print(f"  {'held-out split':15} {'rules det/FP':>14} {'classifier':>14} {'rules OR cls':>14}")
    for s, r in rows.items():
        cells = "".join(f"   {r[k][0]:.3f}/{r[k][1]:.3f}" for k in ("rules", "classifier", "or"))
        print(f"  {s:15}{cells}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--write", action="store_true", help=f"train on every tuned split and write {MODEL_PATH.name}"
    )
    args = ap.parse_args()
    arrays, manifest = {}, {"trained_on": [*TUNED, *TRAIN_ONLY], "never_seen": SPLITS[-1], "languages": {}}
    for lang in ("zh", "en"):
        data = dataset(lang)
        best = choose(lang, data)
        rows = table(lang, data, best)
        print_table(lang, rows, best)
        spec = best["spec"]
        feats = [features(t, spec) for d in data.values() for t in d["texts"]]
        w, b = train(feats, np.concatenate([d["y"] for d in data.values()]), spec.bits, best["l2"])
        arrays[f"{lang}_spec"] = np.array(
            [spec.ngram_min, spec.ngram_max, int(spec.words), spec.bits, int(spec.shape), int(spec.func)]
        )
        arrays[f"{lang}_weights"] = w.astype(np.float16)
        arrays[f"{lang}_bias"] = np.array(b)
        arrays[f"{lang}_threshold"] = np.array(best["threshold"])
        manifest["languages"][lang] = {
            "features": f"char {spec.ngram_min}-{spec.ngram_max}-grams"
            + (" + word 1-2-grams" if spec.words else "")
            + (" + line shape" if spec.shape else "")
            + (" + function-word 1-4-grams" if spec.func else ""),
            "buckets": 1 << spec.bits,
            "l2": best["l2"],
            "threshold": best["threshold"],
            "lines": len(feats),
            "leave_one_split_out": {
                s: {k: [round(x, 3) for x in v] for k, v in r.items()} for s, r in rows.items()
            },
        }
    if args.write:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout
        manifest["date"] = datetime.date.today().isoformat()
        manifest["git_commit"] = commit.strip()
        manifest["trainer"] = "benchmarks/train_gate_model.py"
        np.savez_compressed(MODEL_PATH, **arrays)
        MODEL_PATH.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
