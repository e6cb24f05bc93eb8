"""Dedup at scale: 1,000,000 character lines (zh + en) with planted near-duplicate clusters.

Reports pair precision/recall against the planted clusters, wall time and peak memory for the
gate's MinHash-LSH + rapidfuzz pass on all lines, and for the same pass and a naive rapidfuzz
all-pairs pass on a 20,000-line subset. Each measured pass runs in its own process so its peak
RSS is its own.

    .venv/bin/python benchmarks/dedup.py              # the full run (~2 minutes on 2 cores)
    .venv/bin/python benchmarks/dedup.py --lines 100000 --subset 5000   # a quick look

Pairs are counted inside clusters (connected components) for every method alike: a planted
pair is found when both lines end up in the same cluster; a found pair is right when both
lines were planted in the same cluster.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factory.quality.dedup import LshParams, components, near_duplicates  # noqa: E402
from factory.quality.tokens import normalize, normalize_many  # noqa: E402

ZH_CHARS = (
    "的一是不了人我在有他这为之大来以个中上们到说时地也子就道要出会可你对生能而那得于着下自之年过发后作"
    "里用家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军"
    "者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美"
    "相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场"
    "件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思"
    "王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞"
    "风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流"
    "备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九"
    "增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅"
    "考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底"
)
EN_COMMON = [
    "the",
    "be",
    "to",
    "of",
    "and",
    "a",
    "in",
    "that",
    "have",
    "i",
    "it",
    "for",
    "not",
    "on",
    "with",
    "he",
    "as",
    "you",
    "do",
    "at",
    "this",
    "but",
    "his",
    "by",
    "from",
    "they",
    "we",
    "say",
    "her",
    "she",
    "or",
    "an",
    "will",
    "my",
    "one",
    "all",
    "would",
    "there",
    "their",
    "what",
    "so",
    "up",
    "out",
    "if",
    "about",
    "who",
    "get",
    "which",
    "go",
    "me",
    "when",
    "make",
    "can",
    "like",
    "time",
    "no",
    "just",
    "him",
    "know",
    "take",
    "people",
    "into",
    "year",
    "your",
    "good",
    "some",
    "could",
    "them",
    "see",
    "other",
    "than",
    "then",
    "now",
    "look",
    "only",
    "come",
    "its",
    "over",
    "think",
    "also",
    "back",
    "after",
    "use",
    "two",
    "how",
    "our",
    "work",
    "first",
    "well",
    "way",
    "even",
    "new",
    "want",
    "because",
    "any",
    "these",
    "give",
    "day",
    "most",
    "us",
    "music",
    "friend",
    "heart",
    "night",
    "letter",
    "city",
    "river",
    "war",
    "child",
    "never",
    "always",
    "still",
    "again",
    "old",
    "hand",
    "house",
    "mother",
    "father",
    "life",
    "world",
    "home",
    "thing",
    "little",
    "great",
    "long",
    "young",
    "right",
    "place",
    "small",
    "large",
    "next",
    "early",
    "late",
    "hard",
    "free",
    "sure",
    "true",
    "dear",
    "poor",
    "rich",
    "strong",
    "quiet",
    "warm",
    "cold",
    "dark",
    "bright",
    "kind",
]
ZH_TAILS = "。！？"
EN_TAILS = ".!?"
ZH_INTERJ = ["嗯，", "唉，", "哈，", "哎，", "呵，"]
EN_INTERJ = ["Well, ", "Oh, ", "Ah, ", "Hm, ", "Look, "]


class Vocab:
    """Zipf-weighted vocabulary: a handful of words are everywhere, as in real dialogue."""

    def __init__(self, rng: np.random.Generator, zh: bool, size: int):
        if zh:
            chars = list(ZH_CHARS)
            words = list(
                dict.fromkeys(
                    chars[:200] + ["".join(rng.choice(chars, size=rng.integers(2, 4))) for _ in range(size)]
                )
            )
        else:
            syl = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
            made = ["".join(rng.choice(syl, size=rng.integers(1, 4))) for _ in range(size)]
            words = list(dict.fromkeys(EN_COMMON + made))
        self.words = np.array(words, dtype=object)
        ranks = np.arange(1, len(words) + 1)
        p = 1.0 / ranks**1.05
        self.p = p / p.sum()
        self.zh = zh

    def draw(self, rng: np.random.Generator, k: int) -> list[str]:
        return self.words[rng.choice(len(self.words), size=k, p=self.p)].tolist()

    def render(self, words: list[str], commas: list[int], tail: str, prefix: str = "") -> str:
        sep = "" if self.zh else " "
        comma = "，" if self.zh else ","
        parts = [w + comma if i in commas else w for i, w in enumerate(words)]
        text = sep.join(parts)
        if not self.zh:
            text = text[:1].upper() + text[1:]
        return prefix + text + tail


def background(rng: np.random.Generator, vocab: Vocab, n: int) -> list[str]:
    lo, hi = (10, 26) if vocab.zh else (8, 22)
    lengths = rng.integers(lo, hi, size=n)
    flat = vocab.draw(rng, int(lengths.sum()))
    tails = rng.choice(list(ZH_TAILS if vocab.zh else EN_TAILS), size=n)
    out, pos = [], 0
    for k, tail in zip(lengths.tolist(), tails.tolist(), strict=True):
        words = flat[pos : pos + k]
        pos += k
        commas = set(rng.choice(k - 1, size=min(2, k // 6), replace=False).tolist()) if k > 6 else set()
        out.append(vocab.render(words, commas, tail))
    return out


def variant(
    rng: np.random.Generator, vocab: Vocab, words: list[str], commas: set[int], tail: str, threshold: float
) -> str:
    """An edited copy (1-3 word edits, punctuation, an interjection, case) that still clears the threshold."""
    base = normalize(vocab.render(words, commas, tail))
    for attempt in range(12):
        w, c, t, prefix, case = list(words), set(commas), tail, "", False
        for _ in range(int(rng.integers(1, 4 if attempt < 6 else 2))):
            op = rng.choice(["sub", "del", "ins", "punct", "prefix", "case"])
            i = int(rng.integers(0, len(w)))
            if op == "sub":
                w[i] = vocab.draw(rng, 1)[0]
            elif op == "del" and len(w) > 4:
                del w[i]
                c = {j - (j > i) for j in c if j != i}
            elif op == "ins":
                w.insert(i, vocab.draw(rng, 1)[0])
                c = {j + (j >= i) for j in c}
            elif op == "punct":
                t = rng.choice(list(ZH_TAILS if vocab.zh else EN_TAILS))
                c ^= {i}
            elif op == "prefix":
                prefix = rng.choice(ZH_INTERJ if vocab.zh else EN_INTERJ)
            else:
                case = True
        text = vocab.render(w, c, t, prefix)
        if case and not vocab.zh:
            text = text.upper() if rng.random() < 0.3 else text.lower()
        if fuzz.ratio(base, normalize(text)) >= threshold + 2:
            return text
    return vocab.render(words, commas, "…")


def make_corpus(n: int, seed: int, threshold: float, cluster_share: float = 0.15):
    """n lines, half zh half en; ~cluster_share of them in planted clusters of 2-6 near-copies."""
    rng = np.random.default_rng(seed)
    vocabs = [Vocab(rng, True, 6000), Vocab(rng, False, 6000)]
    lines: list[str] = []
    groups: list[int] = []
    in_clusters = 0
    gid = 0
    while in_clusters < n * cluster_share:
        vocab = vocabs[gid % 2]
        k = int(rng.integers(12, 24) if vocab.zh else rng.integers(10, 20))
        words = vocab.draw(rng, k)
        commas = {int(rng.integers(1, k - 1))}
        tail = rng.choice(list(ZH_TAILS if vocab.zh else EN_TAILS))
        size = int(rng.integers(2, 7))
        lines.append(vocab.render(words, commas, tail))
        lines.extend(variant(rng, vocab, words, commas, tail, threshold) for _ in range(size - 1))
        groups.extend([gid] * size)
        in_clusters += size
        gid += 1
    rest = n - len(lines)
    for vocab, m in ((vocabs[0], rest // 2), (vocabs[1], rest - rest // 2)):
        lines.extend(background(rng, vocab, m))
    groups.extend(range(gid, gid + rest))
    order = rng.permutation(len(lines))
    return [lines[i] for i in order.tolist()], np.asarray(groups, dtype=np.int64)[order], gid


def pair_metrics(pred: np.ndarray, truth: np.ndarray) -> dict:
    """Pair precision/recall of a clustering against planted clusters (contingency counts)."""

    def pairs(counts: np.ndarray) -> int:
        return int((counts * (counts - 1) // 2).sum())

    _, joint = np.unique(pred.astype(np.int64) * (int(truth.max()) + 1) + truth, return_counts=True)
    tp = pairs(joint)
    found = pairs(np.unique(pred, return_counts=True)[1])
    planted = pairs(np.unique(truth, return_counts=True)[1])
    return {
        "planted_pairs": planted,
        "found_pairs": found,
        "true_pairs": tp,
        "precision": tp / found if found else 1.0,
        "recall": tp / planted if planted else 1.0,
    }


def naive(lines: list[str], threshold: float, workers: int) -> np.ndarray:
    """rapidfuzz ratio on every pair (row blocks), then the same clustering."""
    norm = normalize_many(lines)
    left, right = [], []
    block = 1000
    for lo in range(0, len(norm), block):
        scores = process.cdist(
            norm[lo : lo + block],
            norm,
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            workers=workers,
            dtype=np.uint8,
        )
        i, j = np.nonzero(scores)
        i = i + lo
        keep = j > i
        left.append(i[keep])
        right.append(j[keep])
    return components(len(norm), np.concatenate(left), np.concatenate(right))


def peak_mb() -> float:
    """Peak RSS of this process since it started (VmHWM; ru_maxrss would include the parent at fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args: argparse.Namespace) -> None:
    lines = Path(args.worker).read_text(encoding="utf-8").split("\n")
    truth = np.load(args.worker + ".npy")
    rss_before = peak_mb()
    t0 = time.perf_counter()
    extra = {}
    if args.method == "naive":
        labels = naive(lines, args.threshold, args.workers)
    else:
        res = near_duplicates(lines, LshParams(threshold=args.threshold, workers=args.workers))
        labels = res.labels
        extra = {
            "candidates": res.candidates,
            "verified": res.verified,
            "timings": {k: round(v, 2) for k, v in res.timings.items()},
        }
    wall = time.perf_counter() - t0
    peak = peak_mb()
    print(
        json.dumps(
            {
                "lines": len(lines),
                "wall_s": wall,
                "peak_mb": peak,
                "rss_before_mb": rss_before,
                **pair_metrics(labels, truth),
                **extra,
            }
        )
    )


def measure(path: Path, method: str, args: argparse.Namespace) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        str(path),
        "--method",
        method,
        "--threshold",
        str(args.threshold),
        "--workers",
        str(args.workers),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--subset", type=int, default=20_000)
    ap.add_argument("--threshold", type=float, default=85.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--method", default="lsh", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return

    t0 = time.perf_counter()
    lines, groups, clusters = make_corpus(args.lines, args.seed, args.threshold)
    gen_s = time.perf_counter() - t0
    rng = np.random.default_rng(args.seed + 1)
    chosen = set()
    count = np.bincount(groups)
    total = 0
    for g in rng.permutation(len(count)).tolist():  # whole clusters, so planted pairs stay whole
        if total >= args.subset:
            break
        chosen.add(g)
        total += int(count[g])
    sub = [i for i, g in enumerate(groups.tolist()) if g in chosen][: args.subset]
    zh = sum(1 for s in lines if "\u4e00" <= s[-2:-1] <= "\u9fff")
    print(
        f"corpus: {len(lines):,} lines ({zh:,} zh), {clusters:,} planted clusters, generated in {gen_s:.1f}s",
        flush=True,
    )

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        full, small = Path(tmp) / "full.txt", Path(tmp) / "subset.txt"
        full.write_text("\n".join(lines), encoding="utf-8")
        np.save(str(full) + ".npy", groups)
        small.write_text("\n".join(lines[i] for i in sub), encoding="utf-8")
        np.save(str(small) + ".npy", groups[sub])
        del lines
        for label, path, method in (
            ("MinHash LSH + rapidfuzz", full, "lsh"),
            ("MinHash LSH + rapidfuzz", small, "lsh"),
            ("naive rapidfuzz all-pairs", small, "naive"),
        ):
            r = measure(path, method, args)
            rows.append((label, r))
            print(f"  done: {label} on {r['lines']:,} lines in {r['wall_s']:.1f}s", flush=True)

    print()
    print("| method | lines | planted pairs | found pairs | precision | recall | wall s | peak MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, r in rows:
        print(
            f"| {label} | {r['lines']:,} | {r['planted_pairs']:,} | {r['found_pairs']:,} | "
            f"{r['precision']:.4f} | {r['recall']:.4f} | {r['wall_s']:.1f} | {r['peak_mb']:.0f} |"
        )
    big = rows[0][1]
    naive_r = rows[2][1]
    scale = (args.lines / naive_r["lines"]) ** 2
    print()
    print(
        f"LSH on {big['lines']:,}: {big['candidates']:,} candidate pairs, {big['verified']:,} verified; "
        f"stage seconds {big['timings']}; RSS before the pass {big['rss_before_mb']:.0f} MB"
    )
    print(f"naive all-pairs extrapolated to {args.lines:,} lines: ~{naive_r['wall_s'] * scale / 3600:.0f} h")
    ok = big["precision"] >= 0.95 and big["recall"] >= 0.95 and big["wall_s"] < 120 and big["peak_mb"] < 4096
    print(f"goal (P,R >= 0.95, < 120 s, < 4 GB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
