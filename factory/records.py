"""Record types that flow between stages, and the JSONL helpers that persist them.

Every record has a stable content-hash id and says where it came from, so a re-run can find
what exists and a reader can trace any sample back to its profile text.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from factory.engine.types import RunAborted

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


class DiskFull(RunAborted):
    """A write hit ENOSPC: what was written before stays whole, and a later run resumes from it."""


def disk_full(path: Path) -> DiskFull:
    return DiskFull(f"{path}: no space left on device; free space and run again to resume")


def _lines(records: Iterable[BaseModel | dict]) -> list[str]:
    out = []
    for rec in records:
        if isinstance(rec, BaseModel):
            out.append(rec.model_dump_json(exclude_none=False))
        else:
            out.append(json.dumps(rec, ensure_ascii=False))
    return out


def append_text(path: Path, text: str) -> None:
    """Append in whole: on a failed write (disk full) the file is cut back to where it was, so
    no torn line is left behind, and ENOSPC becomes a one-line DiskFull naming the file."""
    data = text.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as exc:
        raise disk_full(path) if exc.errno == errno.ENOSPC else exc from None
    try:
        start = os.lseek(fd, 0, os.SEEK_END)
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(fd, view) :]
        except OSError as exc:
            try:
                os.ftruncate(fd, start)
            except OSError:
                pass  # prepare() cuts a torn tail on the next run anyway
            raise disk_full(path) if exc.errno == errno.ENOSPC else exc from None
    finally:
        os.close(fd)


def append_jsonl(path: Path, records: Iterable[BaseModel | dict]) -> int:
    """Append whole lines, so a killed process leaves at most one torn last line."""
    lines = _lines(records)
    if not lines:
        return 0
    append_text(path, "\n".join(lines) + "\n")
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
                raise ValueError(
                    f"{where}: not UTF-8 text (byte {exc.start + 1}); is this a JSONL file?"
                ) from None
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


def read_user_records(
    path: Path, model: type[R], *, torn_tail_ok: bool = False, what: str | None = None
) -> list[R]:
    """Every line of a user's (or a run's) JSONL as `model`; the first invalid one is an error naming
    file, line and field (`what`, e.g. "sample", is added as "(not a sample)")."""
    from pydantic import ValidationError

    out = []
    for n, obj in iter_user_jsonl(path, torn_tail_ok=torn_tail_ok):
        try:
            out.append(model.model_validate(obj))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err.get("loc", ())) or "record"
            tail = f" (not a {what})" if what else ""
            raise ValueError(f"{path}:{n}: {field}: {err.get('msg', 'invalid')}{tail}") from None
    return out


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


TMP_SUFFIX = ".tmp"


def write_atomic(path: Path, text: str) -> None:
    """Replace a file in one step through a temp file of our own (unique per process, same
    directory), so readers never see half of it and two writers never share a temp name.

    On disk full the old file stays as it was and the temp file is removed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    except OSError as exc:
        raise disk_full(path) if exc.errno == errno.ENOSPC else exc from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 would change the file's mode on every rewrite
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise disk_full(path) from None
        raise


def write_jsonl_atomic(path: Path, records: Iterable[BaseModel | dict]) -> int:
    """Rewrite a JSONL file in one step (see write_atomic)."""
    lines = _lines(records)
    write_atomic(path, "".join(line + "\n" for line in lines))
    return len(lines)


def is_own_temp(path: Path) -> bool:
    """A temp file write_atomic (or an older factory) left behind when its process was killed."""
    name = path.name
    return name.endswith(TMP_SUFFIX) and (
        name.startswith(".") or name.endswith(".jsonl.tmp") or name == "run.tmp"
    )


def dedupe_sorted(objs: Iterable[dict]) -> list[dict]:
    """One record per id, ordered by id: what a finished stage file looks like, however it was reached."""
    seen: dict[str, dict] = {}
    for obj in objs:
        seen.setdefault(obj["id"], obj)
    return [seen[k] for k in sorted(seen)]
