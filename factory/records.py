"""Record types that flow between stages, and the JSONL helpers that persist them.

Every record has a stable content-hash id and says where it came from, so a re-run can find
what exists and a reader can trace any sample back to its profile text.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Mode = Literal["speech", "thought", "action", "narration"]
Role = Literal["system", "user", "assistant"]


def make_id(prefix: str, *parts: Any) -> str:
    """A short, stable id from the things that define a record (never from model output order)."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return f"{prefix}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str


class Chunk(Record):
    character: str
    text: str
    period: str = ""
    source: str  # wikipedia:LANG:TITLE#Section | file:PATH
    index: int = 0


class Scene(Record):
    chunk_ids: list[str]
    kind: Literal["experience", "protection"] = "experience"
    subtype: str | None = None
    type: str
    location: str
    time: str
    participants: list[str]
    background: str
    question: str | None = None  # protection scenes: what the character is confronted with


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    speaker: str
    mode: Mode = "speech"
    text: str


class Interaction(Record):
    scene_id: str
    chunk_ids: list[str] = Field(default_factory=list)
    turns: list[Turn]


class Card(Record):
    name: str
    gender: str = ""
    age: str = ""
    height: str = ""
    nickname: str = ""
    self_reference: str = ""
    occupation: str = ""
    personality: str = ""
    background: str = ""
    relationships: str = ""
    speaking_style: str = ""
    catchphrases: list[str] = Field(default_factory=list)
    education_work: str = ""
    example_dialogues: list[list[dict[str, str]]] = Field(default_factory=list)
    scenario: str = ""
    first_message: str = ""
    language: str = "en"
    seed: dict[str, str] = Field(default_factory=dict)
    source: str = "synthetic"
    extra: dict[str, Any] = Field(default_factory=dict)


class Probe(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fact: str
    planted_turn: int
    asked_turn: int
    answer_hint: str = ""


class Session(Record):
    card_id: str
    user_archetype: str
    turns: list[Turn]
    probes: list[Probe] = Field(default_factory=list)


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role
    content: str
    train: bool = False
    name: str | None = None  # the speaker, when a role stands for several people


class Sample(Record):
    type: str  # experience | protection:<subtype> | persona_session | general
    character: str
    language: str
    system: str
    messages: list[Message]
    source_ids: list[str] = Field(default_factory=list)
    labels: dict[str, Any] = Field(default_factory=dict)
    quality: dict[str, Any] = Field(default_factory=dict)


class Pair(Record):
    prompt: list[Message]
    chosen: Message
    rejected: Message
    rejected_kind: str
    source_ids: list[str] = Field(default_factory=list)
    labels: dict[str, Any] = Field(default_factory=dict)


R = TypeVar("R", bound=BaseModel)


def append_jsonl(path: Path, records: Iterable[BaseModel | dict]) -> int:
    """Append whole lines and flush, so a killed process leaves at most one torn last line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for rec in records:
        if isinstance(rec, BaseModel):
            lines.append(rec.model_dump_json(exclude_none=False))
        else:
            lines.append(json.dumps(rec, ensure_ascii=False))
    if not lines:
        return 0
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
        fh.flush()
    return len(lines)


def iter_jsonl(path: Path) -> Iterator[dict]:
    """Yield parsed lines; a torn final line (from a kill mid-write) is skipped, not fatal."""
    if not path.exists():
        return
    with path.open("r", encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                return  # torn tail
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


MAX_LINE = 64 * 1024 * 1024  # one JSONL record; past this a "line" is a binary blob, not a mistake to show


def iter_user_jsonl(path: Path, *, torn_tail_ok: bool = False) -> Iterator[tuple[int, dict]]:
    """(line number, object) per line of a file a user hands us; unlike iter_jsonl, a bad line is
    an error that names file and line, because here it is a mistake to fix, not a torn write.

    A UTF-8 BOM is accepted; bytes that are not UTF-8 and over-long lines are errors (memory stays
    bounded). `torn_tail_ok`: a last line without its newline (a kill mid-append) is skipped.
    """
    with path.open("rb") as fh:
        n = 0
        while raw := fh.readline(MAX_LINE + 1):
            n += 1
            where = f"{path}:{n}"
            if len(raw) > MAX_LINE:
                raise ValueError(f"{where}: line longer than {MAX_LINE // 2**20} MiB (not a JSONL file?)")
            torn = not raw.endswith(b"\n")
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"{where}: not UTF-8 text (byte {exc.start + 1}); is this a JSONL file?") from None
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                if torn and torn_tail_ok:
                    return
                cut = "; the last line has no newline (cut short?)" if torn else ""
                raise ValueError(f"{where}: not JSON ({exc.msg}){cut}") from None
            if not isinstance(row, dict):
                raise ValueError(f"{where}: each line must be a JSON object, got {type(row).__name__}")
            yield n, row


def read_jsonl(path: Path, model: type[R]) -> list[R]:
    return [model.model_validate(obj) for obj in iter_jsonl(path)]


def repair_jsonl(path: Path) -> None:
    """Cut a torn last line so later appends start on a fresh line."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with path.open("r+b") as fh:
            fh.truncate(cut)


def write_jsonl_atomic(path: Path, records: Iterable[BaseModel | dict]) -> int:
    """Rewrite a file in one step (temp file + rename) so readers never see half of it."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    if tmp.exists():
        tmp.unlink()
    n = append_jsonl(tmp, records)
    if n == 0:
        tmp.write_text("", encoding="utf-8")
    os.replace(tmp, path)
    return n


def dedupe_sorted(objs: Iterable[dict]) -> list[dict]:
    """One record per id, ordered by id: what a finished stage file looks like, however it was reached."""
    seen: dict[str, dict] = {}
    for obj in objs:
        seen.setdefault(obj["id"], obj)
    return [seen[k] for k in sorted(seen)]
