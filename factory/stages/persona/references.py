"""Post-processor: reference lines (RAG) in the system prompt.

For each sample, the character's own lines from *other* sessions / interactions (and, for a
persona card, the card's example dialogue and first message) that best match what the user says
in this one are put in the system prompt as reference dialogue, so a model learns to borrow a
voice from retrieved lines without copying them. A line never comes from the sample's own
session, interaction or scene, and never is (or sits inside) one of the sample's replies:
otherwise the model would learn to copy the answer out of its prompt.
Retrieval is BM25 (an inverted index; words for English, characters and bigrams for Chinese) or
rapidfuzz; no embedding model is needed offline.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from factory.lang import HAN_RE, WORDS, character_names, lang_key, punctuation
from factory.recipe.errors import Strict
from factory.records import Card, Sample, iter_jsonl
from factory.run.context import RunContext
from factory.stages.persona.card_render import macros, split_action


class ReferencesConfig(Strict):
    """Lines the character said elsewhere, retrieved into each sample's system prompt as reference dialogue."""

    k: int = Field(3, ge=1, le=20, description="Reference lines per sample.")
    method: Literal["bm25", "fuzz"] = Field("bm25", description="Retrieval: BM25, or rapidfuzz similarity.")
    sources: list[Literal["sessions", "interactions"]] = Field(
        default_factory=lambda: ["sessions", "interactions"],
        min_length=1,
        description="Where lines come from: sessions (and the cards' own lines), interactions "
        "(the character's script lines); never the sample's own.",
    )
    max_chars: int = Field(
        300, ge=20, le=100_000, description="A longer reference line is cut to this many characters."
    )


HEADER = {
    "en": "Reference dialogue: things {name} has said elsewhere (keep this voice; do not repeat them):",
    "zh": "参考对话：{name}在别处说过的话（保持这种口吻，不要照搬）：",
}
USER = WORDS["user"]
_WORD = re.compile(r"[a-z0-9']+")
_STOPWORDS = (
    "a an the and or but of to in on at for with is are was were be been i you he she it we they me my "
    "your his her its our their this that what do does did not no so as by from have has had"
)
STOP = frozenset(_STOPWORDS.split(" "))


@dataclass(frozen=True)
class Line:
    text: str
    before: str  # the line it answered, for display and matching
    before_speaker: str
    origins: frozenset[str]  # session / interaction / scene ids it belongs to


def tokens(text: str) -> list[str]:
    low = text.lower()
    out = [w for w in _WORD.findall(low) if w not in STOP]
    cjk = HAN_RE.findall(low)
    return out + cjk + [a + b for a, b in zip(cjk, cjk[1:], strict=False)]


class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.lengths = [len(d) for d in docs]
        self.avg = (sum(self.lengths) / len(docs)) if docs else 1.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, d in enumerate(docs):
            for term, tf in Counter(d).items():
                self.postings[term].append((i, tf))
        n = len(docs)
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}

    def scores(self, query: list[str]) -> dict[int, float]:
        out: dict[int, float] = defaultdict(float)
        for term in set(query):
            for i, tf in self.postings.get(term, ()):
                norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / max(self.avg, 1e-9))
                out[i] += self.idf[term] * tf * (self.k1 + 1) / norm
        return out


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[*（）()\"“”'‘’]", " ", text).lower().split())


def _spoken(text: str, card: Card) -> str:
    """The words of a card line (`*tips hat* Hello.` -> `Hello.`), as session lines keep actions apart."""
    return split_action(macros(text, card), card.language)[1].strip()


def card_lines(card: Card) -> list[Line]:
    """The card's own voice: its example-dialogue replies and its first message.

    They are candidates for every sample of the card, not only a fallback when it has no other
    sessions: with `sessions.per_card: 1` they are all there is, and with more sessions BM25 ranks
    them with the session lines, so adding a session never swaps the pool wholesale. They are not
    left out when the full card (examples included) is the system prompt: the reference block then
    stays the same across `sessions.system_prompt` modes, which is that ablation's point. The first
    message opens every persona sample, so `pick` drops it there as a line the sample already has.
    """
    out: list[Line] = []
    for block in card.example_dialogues:
        before = ""
        for m in block:
            words = _spoken(m.get("text", ""), card)
            if m.get("role") == "user":
                before = macros(m.get("text", ""), card)
            elif words:
                out.append(Line(words, before, "user", frozenset([f"{card.id}#example"])))
    first = _spoken(card.first_message, card)
    if first:
        out.append(Line(first, "", "user", frozenset([f"{card.id}#first_message"])))
    return out


def build_pools(ctx: RunContext, sources: Iterable[str]) -> dict[tuple[str, str], list[Line]]:
    """("card", card_id) -> that card's lines in sessions and on the card; ("char", name) -> the recipe
    character's in interactions."""
    pools: dict[tuple[str, str], list[Line]] = defaultdict(list)
    if "sessions" in sources:
        for c in iter_jsonl(ctx.run.stage_file("cards")):
            card = Card.model_validate(c)
            pools[("card", card.id)].extend(card_lines(card))
        for s in iter_jsonl(ctx.run.stage_file("sessions")):
            before = ""
            for t in s["turns"]:
                if t["speaker"] == "user":
                    before = t["text"]
                elif t["mode"] == "speech":
                    pools[("card", s["card_id"])].append(
                        Line(t["text"], before, "user", frozenset([s["id"]]))
                    )
    if "interactions" in sources:
        names = character_names(ctx.character, ctx.recipe.character.aliases)
        for it in iter_jsonl(ctx.run.stage_file("interactions")):
            before, who = "", ""
            origins = frozenset(x for x in (it.get("id"), it.get("scene_id")) if x)
            for t in it.get("turns", []):
                if t.get("mode", "speech") != "speech":
                    continue
                if t.get("speaker") in names:
                    pools[("char", ctx.character)].append(Line(t["text"], before, who, origins))
                else:
                    before, who = t.get("text", ""), t.get("speaker", "")
    return pools


class Retriever:
    def __init__(self, lines: list[Line], method: str):
        self.lines, self.method = lines, method
        self.docs = [f"{ln.before} {ln.text}" for ln in lines]
        self.bm25 = BM25([tokens(d) for d in self.docs]) if method == "bm25" else None

    def ranked(self, query: str) -> Iterator[int]:
        """Line indices, best first (ties by position); lines sharing no word with the query come last."""
        if self.bm25 is not None:
            s = self.bm25.scores(tokens(query))
            yield from sorted(s, key=lambda i: (-s[i], i))
            yield from (i for i in range(len(self.lines)) if i not in s)
            return
        from rapidfuzz import fuzz, process  # imported when lines are retrieved, not with the recipe

        hits = process.extract(query, self.docs, scorer=fuzz.token_set_ratio, limit=None)
        yield from (i for _, _, i in sorted(hits, key=lambda h: (-h[1], h[2])))


def _excluded(sample: Sample) -> set[str]:
    ids = set(sample.source_ids)
    for key in ("session_id", "interaction_id", "scene_id"):
        if isinstance(sample.labels.get(key), str):
            ids.add(sample.labels[key])
    return ids


def is_target(line: str, targets: list[str]) -> bool:
    from rapidfuzz import fuzz

    n = _norm(line)
    return any(n and (n in t or fuzz.ratio(n, t) >= 90) for t in targets)


def pick(sample: Sample, retriever: Retriever, k: int) -> list[Line]:
    """The k best lines that come from elsewhere and say nothing the sample's character already says
    in it: trained replies (copying the answer) and untrained ones such as the greeting (no news)."""
    excluded = _excluded(sample)
    targets = [_norm(m.content) for m in sample.messages if m.role == "assistant"]
    query = " ".join(m.content for m in sample.messages if m.role == "user")
    out: list[Line] = []
    seen: set[str] = set()
    for i in retriever.ranked(query):
        line = retriever.lines[i]
        if line.origins & excluded or _norm(line.text) in seen or is_target(line.text, targets):
            continue
        out.append(line)
        seen.add(_norm(line.text))
        if len(out) == k:
            break
    return out


def render(lines: list[Line], name: str, language: str, max_chars: int) -> str:
    lang = lang_key(language)
    colon = punctuation(lang).colon
    blocks = []
    for ln in lines:
        who = USER[lang] if ln.before_speaker in ("", "user") else ln.before_speaker
        head = f"{who}{colon}{ln.before[:max_chars]}\n" if ln.before else ""
        blocks.append(f"{head}{name}{colon}{ln.text[:max_chars]}")
    return HEADER[lang].format(name=name) + "\n" + "\n\n".join(blocks)


def reference_lines(ctx: RunContext, samples: list[Sample]) -> list[Sample]:
    """POSTPROCESS entry: samples with reference dialogue appended to their system prompt."""
    cfg = ctx.recipe.references
    if cfg is None:
        return samples
    pools = build_pools(ctx, cfg.sources)
    retrievers: dict[tuple[str, str], Retriever] = {}
    out = []
    for s in samples:
        key = ("card", s.labels["card_id"]) if s.labels.get("card_id") else ("char", ctx.character)
        if key[0] == "char" and s.character not in character_names(
            ctx.character, ctx.recipe.character.aliases
        ):
            out.append(s)
            continue
        if key not in retrievers:
            retrievers[key] = Retriever(pools.get(key, []), cfg.method)
        lines = pick(s, retrievers[key], cfg.k)
        if not lines:
            out.append(s)
            continue
        block = render(lines, s.character, s.language, cfg.max_chars)
        labels = {
            **s.labels,
            "references": [{"source": sorted(ln.origins)[0], "text": ln.text} for ln in lines],
        }
        out.append(s.model_copy(update={"system": f"{s.system}\n\n{block}".strip(), "labels": labels}))
    return out
