"""Samples and pairs -> strictly alternating dialogues, the one shape every format is written from.

Trainers want user/assistant/user/assistant...; scenes have several speakers. Here the target
character's lines become the assistant side and everyone else's lines (prefixed with their
names) the user side, or, for the lines that open a scene, the system prompt. Consecutive
same-side turns are merged, so the alternation holds whatever the scene looked like.

The character's own context lines (`train: false`, e.g. a persona card's greeting) never reach the
assistant side: trainers that read ShareGPT / Alpaca / messages (LLaMA-Factory, TRL's
assistant_only_loss) train every assistant turn and ignore a `weight`. Opening the dialogue, they
go into the system prompt under "The scene so far:" (standard style, a system prompt on); anywhere
else onto the user side, under the character's name, like another speaker's line. A system message
inside the chat (a card's depth prompt or post-history instructions) joins the user turn next to
it, so it keeps its place the way a text-completion front-end sends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from factory.lang import PUNCTUATION, lang_key
from factory.records import Message, Pair, Sample

SHORT_SYSTEM = {"en": "You are {name}. Stay in character.", "zh": "你是{name}。请始终以{name}的身份说话。"}
OPENER = {"en": "(The scene begins.)", "zh": "（场景开始。）"}
SCENE_HEADER = {"en": "The scene so far:", "zh": "此前的情景："}
COLON = {lg: p.colon for lg, p in PUNCTUATION.items()}


@dataclass
class Options:
    system: Literal["full", "short", "none"] = "full"
    others: Literal["user", "system"] = "user"
    style: Literal["standard", "quote"] = "standard"


@dataclass
class Part:
    speaker: str | None  # None: the user (or the character, on the assistant side)
    text: str


@dataclass
class Turn:
    role: Literal["user", "assistant"]
    parts: list[Part]
    train: bool = False
    opener: bool = False  # a placeholder user turn, added because the character spoke first
    context: bool = False  # the character's own line, given as context (not a training target)

    def content(self, language: str) -> str:
        colon = COLON.get(language, ": ")
        if self.role == "assistant":
            return "\n".join(p.text for p in self.parts)
        return "\n".join(
            f"{p.speaker}{colon}{p.text}" if p.speaker and not _prefixed(p) else p.text for p in self.parts
        )


@dataclass
class Dialogue:
    """system + turns starting with user; ends with an assistant turn unless it is a pair's prompt."""

    id: str
    type: str
    character: str
    language: str
    system: str
    turns: list[Turn]
    labels: dict = field(default_factory=dict)

    def messages(self) -> list[tuple[str, str, bool]]:
        return [(t.role, t.content(self.language), t.train) for t in self.turns]


def _prefixed(p: Part) -> bool:
    """The generator already wrote `Name: ...`; do not write the name twice."""
    return bool(p.speaker) and p.text.startswith((f"{p.speaker}:", f"{p.speaker}："))


def _to_system(t: Turn, opts: Options) -> bool:
    """A line opening the dialogue that goes into the system prompt (quote style folds context itself)."""
    if not (t.role == "user" and t.parts[0].speaker):
        return False
    return (t.context and opts.style == "standard") or (opts.others == "system" and not t.context)


def system_text(system: str, character: str, language: str, opts: Options, kind: str) -> str:
    if opts.system == "none":
        return ""
    if opts.system == "short" and kind != "general" and character:
        return SHORT_SYSTEM[lang_key(language)].format(name=character)
    return system


def is_character(m: Message, character: str) -> bool:
    return m.role == "assistant" and (m.train or not m.name or m.name == character)


def build(
    system: str,
    messages: list[Message],
    *,
    id: str,
    type: str,
    character: str,
    language: str,
    opts: Options,
    labels: dict | None = None,
    target: bool = True,
) -> Dialogue | None:
    """The alternating dialogue; with `target`, cut after the last training turn (None if there is none)."""
    lang = lang_key(language)
    sys_parts = [system_text(system, character, language, opts, type)]
    items: list[Turn] = []
    for m in messages:
        if m.role == "system":
            if opts.system != "none" and m.content.strip():
                if items:  # placed in the chat (a card's depth prompt, post-history instructions):
                    items.append(Turn("user", [Part(None, m.content.strip())]))  # it stays there
                else:
                    sys_parts.append(m.content.strip())
            continue
        if is_character(m, character) and m.train:
            items.append(Turn("assistant", [Part(None, m.content)], train=True))
        elif is_character(m, character):
            items.append(Turn("user", [Part(m.name or character or None, m.content)], context=True))
        else:
            items.append(Turn("user", [Part(m.name or None, m.content)]))
    if target:
        last = max((i for i, t in enumerate(items) if t.role == "assistant" and t.train), default=None)
        if last is None:
            return None
        items = items[: last + 1]
    if opts.system != "none":
        lead = 0
        while lead < len(items) and _to_system(items[lead], opts):
            lead += 1
        if lead:
            colon = COLON[lang]
            lines = [f"{t.parts[0].speaker}{colon}{t.parts[0].text}" for t in items[:lead]]
            sys_parts.append(SCENE_HEADER[lang] + "\n" + "\n".join(lines))
            items = items[lead:]
    turns: list[Turn] = []
    for t in items:
        if turns and turns[-1].role == t.role:
            turns[-1].parts.extend(t.parts)
            turns[-1].train = turns[-1].train or t.train
        else:
            turns.append(t)
    if (turns and turns[0].role == "assistant") or (not turns and not target):
        turns.insert(0, Turn("user", [Part(None, OPENER[lang])], opener=True))
    sys = "\n\n".join(p for p in sys_parts if p)
    return Dialogue(
        id=id,
        type=type,
        character=character,
        language=language,
        system=sys,
        turns=turns,
        labels=dict(labels or {}),
    )


def sample_dialogue(sample: Sample, opts: Options) -> Dialogue | None:
    return build(
        sample.system,
        sample.messages,
        id=sample.id,
        type=sample.type,
        character=sample.character,
        language=sample.language,
        opts=opts,
        labels=sample.labels,
    )


@dataclass
class PairDialogue:
    prompt: Dialogue  # ends with a user turn
    chosen: str
    rejected: str
    rejected_kind: str
    id: str


def pair_dialogue(pair: Pair, opts: Options) -> PairDialogue | None:
    """None when the prompt cannot end on the user side (the chosen line would merge into it)."""
    has_system = bool(pair.prompt) and pair.prompt[0].role == "system"
    system, msgs = (pair.prompt[0].content, pair.prompt[1:]) if has_system else ("", pair.prompt)
    character = pair.labels.get("character", "")
    prompt = build(
        system,
        msgs,
        id=pair.id,
        type=pair.labels.get("type", "pair"),
        character=character,
        language=pair.labels.get("language", "en"),
        opts=opts,
        labels=pair.labels,
        target=False,
    )
    if prompt is None or not prompt.turns or prompt.turns[-1].role != "user":
        return None
    return PairDialogue(prompt, pair.chosen.content, pair.rejected.content, pair.rejected_kind, pair.id)
