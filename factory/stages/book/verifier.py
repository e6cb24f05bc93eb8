"""Checking one chunk's extraction against the chunk, and recording each failure as it goes.

The model answers by number where it can: a turn names a spoken line (`line`, found by the reader),
a plot its first and last paragraph. Then the speech is the book's own words by construction and
what is checked is the number: in the chunk, inside the plot's paragraphs, not used twice, and in
a script said by the line's cue. What the model writes itself (action, thought, environment, the
summary) must be carried by the narration's words. A model that retypes quotes or citations
instead is checked as before: fuzzy-matched against the chunk's quoted spans and sentences.
"""

from __future__ import annotations

import re

from factory.lang import has_han
from factory.records import make_id
from factory.run.context import RunContext
from factory.sources.book import SCENE_BREAK
from factory.stages.book.lines import narration, paragraphs, tagged
from factory.stages.book.records import BookChunk, BookTurn, Conversation, Plot, PlotCharacter, SpokenLine
from factory.stages.book.verify import (
    Check,
    check_citation,
    check_narration,
    check_speaker,
    check_speech,
    content_words,
)
from factory.stages.shared.markup import strip_wrappers
from factory.stages.shared.parsing import text_field

NAME = "book_extract"
ENVIRONMENT = {"environment", "env", "narrator", "narration", "setting", "scene"}
ENVIRONMENT |= {"环境", "旁白", "场景", "描写"}
_SENT = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+[\"”’」]?|$)")


def number(value: object) -> int | None:
    """An index as the model wrote it (3, "3", "L3", "¶3"); None when there is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and (m := re.fullmatch(r"\s*[L¶#]?\s*(\d{1,4})\s*", value)):
        return int(m.group(1))
    return None


def sentences(para: str) -> list[str]:
    return [s.strip() for s in _SENT.findall(para) if s.strip()] or [para.strip()]


class Verifier:
    def __init__(self, ctx: RunContext, chunk: BookChunk) -> None:
        self.ctx, self.chunk, self.cfg = ctx, chunk, ctx.recipe.book
        self.paras = paragraphs(chunk.text)
        self.scene_of: list[int] = []  # each paragraph's scene within the chunk
        for k, part in enumerate(chunk.text.split(SCENE_BREAK.strip())):
            self.scene_of += [k] * len(paragraphs(part))

    def fail(self, where: str, reason: str, detail: str) -> None:
        self.ctx.run.record_failure(
            NAME,
            make_id("vrf", self.chunk.id, where, detail),
            reason,
            f"{self.chunk.id} {where}: {detail}"[:300],
        )

    def _narration(self, where: str, who: str, mode: str, value: str) -> str:
        """The model's wording of the narration, or "" (recorded) when the chunk does not carry it."""
        if not value or not content_words(value):
            return ""  # nothing said ("}, {"): nothing to keep
        check = check_narration(value, self.chunk.text, self.cfg.narration_share)
        if check.ok:
            return value
        self.fail(where, check.reason, f"{who} {mode} {value!r} ({check.score})")
        return ""

    def _line(self, raw: dict, speaker: str, used: set[int], where: str) -> SpokenLine | None:
        k = number(raw.get("line"))
        lines = self.chunk.lines
        if k is None or k == 0:
            return None
        reason = ""
        if not 1 <= k <= len(lines):
            reason, detail = "line_not_in_chunk", f"L{k} of {len(lines)}"
        elif k in used:
            reason, detail = "line_repeated", f"L{k}"
        elif lines[k - 1].cue and speaker and self.cfg.canonical(lines[k - 1].cue).lower() != speaker.lower():
            reason, detail = "speaker_not_cue", f"L{k} is {lines[k - 1].cue}'s, not {speaker}'s"
        if reason:
            self.fail(where, reason, detail)
            raise LookupError(reason)
        used.add(k)
        return lines[k - 1]

    def turn(self, raw: object, used: set[int], where: str) -> tuple[int, BookTurn] | None:
        """(the paragraph it is at, the verified turn), or None; -1: a place the model did not say."""
        if not isinstance(raw, dict):
            return None
        raw = {str(k).lower(): v for k, v in raw.items()}
        speaker = text_field(raw, "speaker", "name", "character", limit=80)
        free = {
            k: strip_wrappers(text_field(raw, k, limit=800))
            for k in ("speech", "action", "thought", "environment")
        }
        if speaker.lower() in ENVIRONMENT or (not speaker and free["environment"] and not raw.get("line")):
            return self._environment(raw, free, where)
        try:
            line = self._line(raw, self.cfg.canonical(speaker) if speaker else "", used, where)
        except LookupError:
            return None
        if line is not None and not speaker and line.cue:
            speaker = line.cue  # a script says who speaks
        if not speaker:
            return None
        speaker = self.cfg.canonical(speaker)
        if not check_speaker(speaker, self.chunk.text, self.cfg.aliases.get(speaker, [])).ok:
            self.fail(where, "speaker_not_in_text", speaker)
            return None
        if line is not None and not (reason := self._attribution(line, speaker)).ok:
            self.fail(where, reason.reason, f"L{self.chunk.lines.index(line) + 1}: {speaker}")
            return None
        speech = line.text if line is not None else free["speech"]
        if line is None and speech:  # retyped rather than numbered: it must match a quoted span
            check = check_speech(speech, self.chunk.text, self.cfg.quote_threshold)
            if not check.ok:
                self.fail(where, check.reason, f"{speaker}: {speech!r} ({check.score})")
                return None
            speech = re.sub(r"[,，、]\s*$", "。" if has_han(speech) else ".", speech)  # "…," she said
        action = self._narration(where, speaker, "action", free["action"])
        if line is not None and line.parenthetical and not action:
            action = line.parenthetical  # a script's (beat) is the action of its line
        thought = self._narration(where, speaker, "thought", free["thought"])
        if not (speech or action or thought):
            return None
        at = line.paragraph if line is not None else -1
        return at, BookTurn(speaker=speaker, speech=speech, action=action, thought=thought)

    def _attribution(self, line: SpokenLine, speaker: str) -> Check:
        """Who may say a prose line: someone the line's scene names, and the one its speech tag
        ("Mara said", "阿宁说") names where the paragraph has one."""
        if line.cue:
            return Check(True, 100.0)
        aliases = self.cfg.aliases.get(speaker, [])
        scene = self.scene_of[line.paragraph] if line.paragraph < len(self.scene_of) else 0
        text = "\n\n".join(p for p, s in zip(self.paras, self.scene_of, strict=False) if s == scene)
        if not check_speaker(speaker, text, aliases).ok:
            return Check(False, 0.0, "speaker_not_in_scene")
        names = {n: self.cfg.aliases.get(n, []) for n in self.chunk.cast}
        tags = tagged(self.paras[line.paragraph], names)
        if tags and speaker not in tags:
            return Check(False, 0.0, "speaker_not_tagged")
        return Check(True, 100.0)

    def _environment(self, raw: dict, free: dict, where: str) -> tuple[int, BookTurn] | None:
        """The surroundings: a paragraph by number (its narration), or the model's words for it."""
        k = number(raw.get("paragraph"))
        text = free["environment"] or free["action"] or free["speech"]
        if text:
            check = check_narration(text, self.chunk.text, self.cfg.narration_share)
            if not check.ok:
                self.fail(where, check.reason, f"environment {text!r} ({check.score})")
                return None
            at = k - 1 if k and 1 <= k <= len(self.paras) else -1
            return at, BookTurn(speaker="environment", environment=text)
        if k is None:
            return None
        if not 1 <= k <= len(self.paras):
            self.fail(where, "paragraph_not_in_chunk", f"¶{k} of {len(self.paras)}")
            return None
        if any(line.paragraph == k - 1 for line in self.chunk.lines):
            self.fail(where, "environment_is_speech", f"¶{k} holds a spoken line")
            return None
        told = narration(self.paras[k - 1])[:400]
        return (k - 1, BookTurn(speaker="environment", environment=told)) if told else None

    def _span(self, raw: dict, i: int) -> tuple[range, str, str] | None:
        """The plot's paragraphs and its first and last sentence, by number or as cited."""
        a, b = number(raw.get("first_paragraph")), number(raw.get("last_paragraph"))
        n = len(self.paras)
        if a is not None and b is not None:
            if not (1 <= a <= n and 1 <= b <= n):
                self.fail(f"plot{i}", "plot_citation_not_in_text", f"¶{a}-¶{b} of {n}")
                return None
            if a > b:
                self.fail(f"plot{i}", "plot_citation_out_of_order", f"¶{a}-¶{b}")
                return None
            return range(a - 1, b), sentences(self.paras[a - 1])[0], sentences(self.paras[b - 1])[-1]
        first = text_field(raw, "first_sentence", "first", "start", limit=400)
        last = text_field(raw, "last_sentence", "last", "end", limit=400)
        cite = check_citation(first, last, self.chunk.text, self.cfg.citation_threshold)
        if not cite.ok:
            self.fail(f"plot{i}", cite.reason, f"{first!r} .. {last!r} ({cite.score})")
            return None
        return range(n), first, last

    def _people(self, raw: dict, where: str) -> list[PlotCharacter]:
        people = []
        for p in raw.get("characters") or []:
            if not isinstance(p, dict):
                continue
            p = {str(k).lower(): v for k, v in p.items()}
            name = self.cfg.canonical(text_field(p, "name", limit=80))
            known = name and check_speaker(name, self.chunk.text, self.cfg.aliases.get(name, [])).ok
            if known and all(x.name != name for x in people):
                state, want = (
                    self._narration(where, name, k, text_field(p, k, limit=300))
                    for k in ("state", "motivation")
                )
                people.append(PlotCharacter(name=name, state=state, motivation=want))
        return people

    def _conversation(self, conv: dict, where: str) -> tuple[list[tuple[int, BookTurn]], str]:
        """The verified turns, each at its paragraph, in the book's order; and the scenario."""
        used: set[int] = set()
        raws = list(conv.get("turns") or [])
        placed = [t for k, r in enumerate(raws) if (t := self.turn(r, used, f"{where}/turn{k}")) is not None]
        for k, n in enumerate(conv.get("environment") or []):  # the surroundings, by paragraph
            if (
                t := self._environment(
                    {"paragraph": n},
                    dict.fromkeys(("environment", "action", "speech"), ""),
                    f"{where}/env{k}",
                )
            ) is not None:
                placed.append(t)
        turns, at = [], -1
        for here, t in placed:  # a turn without a place stays after the one before
            at = here if here >= 0 else at
            turns.append((at, t))
        turns.sort(key=lambda x: x[0])
        scenario = text_field(conv, "scenario", "setting", limit=400)
        return turns, self._narration(where, "scene", "scenario", scenario)

    def plot(self, raw: dict, i: int) -> Plot | None:
        """A plot: cited (by paragraph numbers or sentences), its conversations verified turn by
        turn. By number, its extent is the cited paragraphs and those of its verified lines, so its
        first and last sentence are those of what it holds."""
        cfg, c = self.cfg, self.chunk
        cited = self._span(raw, i)
        if cited is None:
            return None
        span, first, last = cited
        numbered = number(raw.get("first_paragraph")) is not None
        summary = text_field(raw, "summary", limit=1200)
        people = self._people(raw, f"plot{i}")
        convs = []
        for j, conv in enumerate(raw.get("conversations") or []):
            if not isinstance(conv, dict):
                continue
            placed, scenario = self._conversation(conv, f"plot{i}/conv{j}")
            turns = [t for _, t in placed]
            if len(turns) < cfg.min_turns or all(t.speaker == "environment" for t in turns):
                self.fail(f"plot{i}/conv{j}", "conversation_too_short", f"{len(turns)} verified turns")
                continue
            ats = [a for a, _ in placed if a >= 0]
            if numbered and ats:
                span = range(min(span.start, *ats), max(span.stop, max(ats) + 1))
            for t in turns:  # a speaker the model left out of the plot's people is present all the same
                if t.speaker != "environment" and all(p.name != t.speaker for p in people):
                    people.append(PlotCharacter(name=t.speaker))
            convs.append(Conversation(scenario=scenario, turns=turns))
        if numbered:
            first, last = sentences(self.paras[span.start])[0], sentences(self.paras[span.stop - 1])[-1]
        summary = self._narration(f"plot{i}", "plot", "summary", summary) or " … ".join(
            dict.fromkeys((first, last))
        )
        return Plot(
            id=make_id("plt", c.id, i),
            chunk_ids=[c.id],
            chapter=c.chapter,
            position=c.index * 100 + i,
            summary=summary,
            first_sentence=first,
            last_sentence=last,
            characters=people,
            conversations=convs,
        )
