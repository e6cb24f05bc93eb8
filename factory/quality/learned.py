"""A learned second opinion: logistic regression over hashed character n-grams, per language.

The rules catch the phrasings they were written from; a model over n-grams weighs many weak
cues at once (an assistant's cadence, a narrator's tense, a sermon's words) and may carry to
phrasings no rule names. It is family-agnostic: it says "not a line a character would speak"
with a probability, and the gate reports it under its own rule (`learned.classifier`).

Inference needs only numpy: the weights ship in learned_model.npz (trained by
benchmarks/train_gate_model.py on the benchmark's tuned splits; learned_model.json says on what,
when, at which commit, and the cross-validated figures). The character's names are replaced by
one mark before hashing, so "<name>是…" is one feature for every character. With `shape`, the
line's shape is hashed too: closed word classes (person, determiner, auxiliary) and their n-grams,
and flags (no first person, a question, the length), which carry across vocabularies
(factory/quality/line_shape.py).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from factory.quality.function_words import function_tokens
from factory.quality.line_shape import shape_tokens

if TYPE_CHECKING:
    import numpy as np

MODEL_PATH = Path(__file__).with_name("learned_model.npz")
NAME_MARK = "\ue000"  # a private-use character: the character's name, whichever it was
_START, _END = "\x02", "\x03"
_WORD = re.compile(r"[a-z0-9']+|" + NAME_MARK)
_P, _MIX = 1_000_003, 0x9E3779B97F4A7C15


@dataclass(frozen=True)
class Spec:
    """The features of one language's model."""

    ngram_min: int
    ngram_max: int
    words: bool  # word unigrams and bigrams too (en)
    bits: int  # 2**bits hashed buckets
    shape: bool = False  # word-class n-grams and line flags too (factory/quality/line_shape.py)
    func: bool = False  # function-word 1-4-grams too, en (factory/quality/function_words.py)


def normalise(text: str, names: Sequence[str], language: str) -> str:
    """The character's names as one mark (longest first), English lowercased, whitespace collapsed."""
    for n in sorted((n for n in names if n), key=len, reverse=True):
        text = text.replace(n, NAME_MARK)
    text = " ".join(text.split())
    return text.lower() if language == "en" else text


def features(text: str, spec: Spec) -> np.ndarray:
    """The distinct hashed buckets of a normalised line (deterministic across processes)."""
    import numpy as np

    cps = np.frombuffer((_START + text + _END).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts = []
    p = np.uint64(_P)
    for n in range(spec.ngram_min, spec.ngram_max + 1):
        m = len(cps) - n + 1
        if m <= 0:
            break
        h = np.full(m, np.uint64(n), dtype=np.uint64)
        for k in range(n):
            h = h * p + cps[k : k + m]
        parts.append(h)
    if spec.words:
        words = _WORD.findall(text)
        toks = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
        parts.append(np.array([zlib.crc32(b"w" + t.encode()) for t in toks], dtype=np.uint64))
    if spec.shape:
        toks = shape_tokens(text, NAME_MARK)
        parts.append(np.array([zlib.crc32(b"s" + t.encode()) for t in toks], dtype=np.uint64))
    if spec.func:
        toks = function_tokens(text, NAME_MARK)
        parts.append(np.array([zlib.crc32(b"f" + t.encode()) for t in toks], dtype=np.uint64))
    if not parts:
        return np.zeros(0, dtype=np.int64)
    h = np.concatenate(parts) * np.uint64(_MIX)
    return np.unique((h >> np.uint64(64 - spec.bits)).astype(np.int64))


@dataclass(frozen=True)
class LangModel:
    spec: Spec
    weights: np.ndarray  # float32, 2**bits
    bias: float
    threshold: float

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        """P(bad) per normalised line; a line's features weigh 1/sqrt(their count) (length-neutral)."""
        import numpy as np

        out = np.empty(len(texts), dtype=np.float64)
        for k, t in enumerate(texts):
            idx = features(t, self.spec)
            z = self.weights[idx].sum(dtype=np.float64) / np.sqrt(max(len(idx), 1)) + self.bias
            out[k] = z
        return 1.0 / (1.0 + np.exp(-out))


@lru_cache(maxsize=4)
def load(path: Path = MODEL_PATH) -> dict[str, LangModel]:
    """language -> its model, read once per process."""
    import numpy as np

    with np.load(path) as z:
        out = {}
        for lang in ("zh", "en"):
            s = z[f"{lang}_spec"]
            spec = Spec(*(int(v) for v in s[:4]), *(bool(v) for v in s[4:]))  # type: ignore[arg-type]
            out[lang] = LangModel(
                spec,
                z[f"{lang}_weights"].astype(np.float32),
                float(z[f"{lang}_bias"]),
                float(z[f"{lang}_threshold"]),
            )
        return out


# a whole line in brackets or asterisks: an action or thought turn, not speech
_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)|［[^［］]*］|\[[^\[\]]*\]|\*[^*]+\*")
_LEFTOVER = re.compile(r"[\s.,!?;:。，、！？；：…—\-\"'“”「」『』]*")


def is_stage_direction(text: str) -> bool:
    """Nothing but bracketed action or thought: the model abstains, for it learned from spoken
    replies only, and a script's action turns (（放下手中的笔）, *sighs*) are their own channel."""
    rest = _BRACKETED.sub("", text)
    return rest != text and _LEFTOVER.fullmatch(rest) is not None


def learned_scores(
    lines: Sequence[tuple[str, Sequence[str], str]], threshold: float | None = None
) -> list[tuple[float, bool]]:
    """(probability, over the threshold) per (text, names, language); lines in another language,
    and stage directions, (0, False)."""
    models = load()
    out: list[tuple[float, bool]] = [(0.0, False)] * len(lines)
    for lang, m in models.items():
        at = [k for k, (t, _, lg) in enumerate(lines) if lg == lang and not is_stage_direction(t)]
        if not at:
            continue
        probs = m.proba([normalise(lines[k][0], lines[k][1], lang) for k in at])
        cut = m.threshold if threshold is None else threshold
        for k, p in zip(at, probs, strict=True):
            out[k] = (float(p), bool(p >= cut))
    return out
