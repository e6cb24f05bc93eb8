"""Training data from the export: find the files, read the rows, normalise them to one message shape.

SFT: OpenAI messages (`{"messages": [{"role", "content", "weight"?}]}`) or ShareGPT
(`{"conversations": [{"from", "value"}], "system"?}`). DPO: TRL conversational
(`{"prompt": [messages], "chosen": [assistant], "rejected": [assistant]}`). `data` may name files,
an export dir or a run dir (its `export/`); in a dir the train split wins over the whole file, and
the matching `*.eval.jsonl` becomes the eval set unless one is configured.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from factory.records import iter_user_jsonl

SFT_NAMES = ("openai", "sharegpt")
ROLES = {
    "system": "system",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "gpt": "assistant",
    "model": "assistant",
    "bot": "assistant",
}


def _in_dir(d: Path, stems: tuple[str, ...], split: str) -> Path | None:
    if (d / "export").is_dir() and not any((d / f"{s}.jsonl").exists() for s in stems):
        d = d / "export"
    for stem in stems:
        for name in (f"{stem}.train.jsonl", f"{stem}.jsonl") if split == "train" else (f"{stem}.eval.jsonl",):
            if (d / name).is_file():
                return d / name
    return None


def find_files(paths: list[Path], kind: str, split: str = "train") -> list[Path]:
    """Resolve export/run dirs to their JSONL file for `kind` ("sft"/"dpo"); files pass through."""
    stems = SFT_NAMES if kind == "sft" else ("dpo",)
    out = []
    for p in paths:
        if p.is_dir():
            found = _in_dir(p, stems, split)
            if found is None and split == "train":
                want = " or ".join(f"{s}[.train].jsonl" for s in stems)
                raise FileNotFoundError(f"data: {p} holds no {want} (nor export/ with one)")
            if found is not None:
                out.append(found)
        elif split == "train":
            if not p.is_file():
                raise FileNotFoundError(f"data: no such file or directory: {p}")
            out.append(p)
    return out


def read_jsonl(path: Path) -> Iterator[tuple[str, dict]]:
    for n, row in iter_user_jsonl(path):
        yield f"{path}:{n}", row


def _text(content: Any, where: str) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # OpenAI content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    raise ValueError(f"{where}: message content must be text")


def _message(m: Any, where: str) -> dict[str, Any]:
    if not isinstance(m, dict):
        raise ValueError(f"{where}: each message must be an object")
    role = ROLES.get(str(m.get("role", m.get("from", ""))).lower())
    if role is None:
        raise ValueError(
            f"{where}: unsupported role {m.get('role', m.get('from'))!r} (system, user, assistant)"
        )
    out = {"role": role, "content": _text(m.get("content", m.get("value")), where)}
    if "weight" in m:
        if m["weight"] not in (0, 1):
            raise ValueError(f"{where}: weight must be 0 or 1")
        out["weight"] = int(m["weight"])
    return out


def conversation(row: dict, where: str) -> list[dict[str, Any]]:
    """One SFT row (OpenAI or ShareGPT) as [{"role", "content", "weight"?}]."""
    if isinstance(row.get("messages"), list):
        return [_message(m, where) for m in row["messages"]]
    if isinstance(row.get("conversations"), list):
        msgs = [_message(m, where) for m in row["conversations"]]
        if row.get("system") and not (msgs and msgs[0]["role"] == "system"):
            msgs.insert(0, {"role": "system", "content": _text(row["system"], where)})
        return msgs
    raise ValueError(f"{where}: expected `messages` (OpenAI) or `conversations` (ShareGPT)")


def load_sft(files: list[Path]) -> list[list[dict[str, Any]]]:
    return [conversation(row, where) for f in files for where, row in read_jsonl(f)]


def _turns(value: Any, where: str, key: str) -> list[dict[str, Any]]:
    if isinstance(value, str):
        return [{"role": "user" if key == "prompt" else "assistant", "content": value}]
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}: `{key}` must be a non-empty message list")
    return [{k: v for k, v in _message(m, where).items() if k != "weight"} for m in value]


def load_dpo(files: list[Path]) -> list[dict[str, list[dict[str, Any]]]]:
    """TRL conversational preference rows: prompt messages, chosen and rejected assistant turns."""
    rows = []
    for f in files:
        for where, row in read_jsonl(f):
            missing = [k for k in ("prompt", "chosen", "rejected") if k not in row]
            if missing:
                raise ValueError(f"{where}: missing `{missing[0]}` (need prompt, chosen, rejected)")
            rows.append({k: _turns(row[k], where, k) for k in ("prompt", "chosen", "rejected")})
    return rows
