"""EGOS Extract: who the character is, as a static card or as passages retrieved per turn.

Static: the profile is summarised once (helper model, temperature 0, cached) into a short
persona card that becomes the system prompt. Dynamic: the profile is cut into paragraph-sized
passages and the few that best match the recent turns (BM25 on words, or character bigrams for
Chinese) are added to the system prompt each turn, so a small context still sees the facts the
conversation is about.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

from factory import prompts
from factory.chat.settled import Settled
from factory.engine import Engine, Request
from factory.lang import HAN_RE, has_han, lang_key
from factory.records import iter_jsonl
from factory.sources.chunking import estimate_tokens
from factory.sources.profile import load_file_profile

_WORD = re.compile(r"[a-z0-9]{3,}")
_STOP_WORDS = (
    "the and for with that this was were are you your his her him she they them from have had "
    "what when where who why how not but all any can did does into its our out than then there"
)
_STOP = frozenset(_STOP_WORDS.split(" "))


def load_passages(
    run_dir: Path | None = None, profile: Path | None = None, character: str = "", max_tokens: int = 120
) -> list[str]:
    """Paragraph-sized profile passages from a run's chunks.jsonl or from a profile file."""
    texts: list[str] = []
    if run_dir is not None:
        texts = [c.get("text", "") for c in iter_jsonl(Path(run_dir) / "chunks.jsonl")]
    if not texts and profile is not None:
        texts = [s.text for s in load_file_profile(character or "character", profile).sections]
    out: list[str] = []
    for text in texts:
        for para in (p.strip() for p in re.split(r"\n\s*\n", text)):
            if para:
                out.extend(_pieces(para, max_tokens))
    return out


def _pieces(para: str, max_tokens: int) -> list[str]:
    if estimate_tokens(para) <= max_tokens:
        return [para]
    out, buf = [], ""
    for s in re.split(r"(?<=[.!?。！？])\s*", para):
        if buf and estimate_tokens(buf + s) > max_tokens:
            out.append(buf.strip())
            buf = ""
        buf += s + ("" if has_han(s[-1:]) else " ")
    if buf.strip():
        out.append(buf.strip())
    return out


def _stem(word: str) -> str:
    """Crude suffix stripping, enough that "bake" finds "bakes" and "open" finds "opened"."""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    low = text.lower()
    words = [_stem(w) for w in _WORD.findall(low) if w not in _STOP]
    cjk = "".join(HAN_RE.findall(low))
    return words + [cjk[i : i + 2] for i in range(len(cjk) - 1)]


class Retriever:
    """BM25 over passages; small and dependency-free (a profile has hundreds of passages, not millions)."""

    def __init__(self, passages: list[str], k1: float = 1.5, b: float = 0.75):
        self.passages = passages
        self.docs = [Counter(terms(p)) for p in passages]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = sum(self.lengths) / len(self.lengths) if self.lengths else 0.0
        df = Counter(t for d in self.docs for t in d)
        n = len(passages)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.k1, self.b = k1, b

    def search(self, query: str, k: int = 2) -> list[str]:
        q = set(terms(query))
        scored = []
        for i, doc in enumerate(self.docs):
            s = 0.0
            for t in q & doc.keys():
                tf = doc[t]
                s += (
                    self.idf[t]
                    * tf
                    * (self.k1 + 1)
                    / (tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / (self.avg or 1)))
                )
            if s > 0:
                scored.append((-s, i))
        return [self.passages[i] for _, i in sorted(scored)[:k]]


def profile_excerpt(passages: list[str], max_chars: int = 12000) -> str:
    """The profile, or evenly spaced passages of it when it is longer than `max_chars`."""
    total = sum(len(p) for p in passages)
    if total <= max_chars:
        return "\n\n".join(passages)
    step = total / max_chars
    picked, budget = [], max_chars
    for i in range(0, len(passages), max(1, round(step))):
        if len(passages[i]) > budget:
            break
        picked.append(passages[i])
        budget -= len(passages[i])
    return "\n\n".join(picked)


async def extract_card(
    engine: Engine, character: str, language: str, passages: list[str], settled: Settled | None = None
) -> str:
    """The static persona card (second person, plain text) from the profile.

    A card cut off by max_tokens is kept up to its last whole sentence and, like any card,
    recorded in `settled`: the next chat with the same cache talks to the same character
    instead of asking again (the engine would re-ask a truncated reply on every run).
    """
    if not passages:
        raise ValueError("--persona static: no profile text (give --run with chunks.jsonl or --profile FILE)")
    messages = prompts.render(
        "egos_extract", lang_key(language), character=character, profile=profile_excerpt(passages)
    )
    req = Request(id="extract", messages=messages, stage="extract", params={"temperature": 0})
    settled = settled or Settled(None)
    key = settled.key("card", engine, req)
    card = settled.get(key)
    if card is not None:
        return card
    [res] = await engine.run([req])
    text = str(res.value) if res.ok else _whole_sentences(res.text or "") if res.error == "truncated" else ""
    if not text.strip():
        raise ValueError(
            f"persona extraction failed: {res.error or 'empty reply'} {res.detail or ''}".strip()
        )
    settled.put(key, text.strip())
    return text.strip()


def _whole_sentences(text: str) -> str:
    """A card cut off by max_tokens is still a card: keep it up to its last finished sentence."""
    ends = [text.rfind(p) for p in (". ", ".\n", "。", "！", "？", "! ", "? ")]
    end = max(ends)
    return text[: end + 1] if end > 0 else text


def run_identity(run_dir: Path) -> tuple[str | None, str | None]:
    """(character, language) of a run: run.json first, then the chunks' character."""
    import json

    info: dict = {}
    path = Path(run_dir) / "run.json"
    if path.is_file():
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            info = {}
    character = info.get("character")
    if not character:
        character = next((c.get("character") for c in iter_jsonl(Path(run_dir) / "chunks.jsonl")), None)
    return character, info.get("language")
