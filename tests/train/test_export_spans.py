"""Which tokens each trainer labels on the rows the export writes: the replies meant, never context.

The samples are the export tests' run (multi-party scenes, a character who speaks first, persona
sessions that open with the card's greeting) plus sessions with two trained replies. Each target is
tokenized the way its trainer does: LLaMA-Factory's sharegpt / alpaca converters and supervised
encoding with its `qwen` template (reproduced here: LLaMA-Factory is not installed), TRL's
SFTTrainer with `assistant_only_loss` (the installed trl), and `factory train`'s own masks.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from factory.records import Message, Sample, append_jsonl

from ..export.conftest import samples

pytestmark = pytest.mark.train

GREETING = "Welcome, traveller!"
IGNORE = -100
QWEN_DEFAULT_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."


def two_reply_session(i: int) -> Sample:
    M = Message
    return Sample(
        id=f"smp-two-{i}",
        type="persona_session",
        character="Mira",
        language="en",
        system="You are Mira, a bard.",
        messages=[
            M(role="assistant", content=GREETING),
            M(role="user", content=f"Sing for me? ({i})"),
            M(role="assistant", content="A song about the sea, then.", train=True),
            M(role="user", content="Another?"),
            M(role="assistant", content=f"Only if you pay, {i}.", train=True),
        ],
        source_ids=[f"ses-two-{i}", "card-9"],
        labels={"session_id": f"ses-two-{i}", "card_id": "card-9"},
    )


def all_samples() -> list[Sample]:
    return samples() + [two_reply_session(i) for i in range(3)]


def meant(ss: list[Sample]) -> Counter:
    """Each run of consecutive trained character lines, up to the last one: what should be learned."""
    out: Counter = Counter()
    for s in ss:
        run: list[str] = []
        for m in s.messages:
            if m.role == "assistant" and m.train:
                run.append(m.content)
                continue
            if run:
                out["\n".join(run)] += 1
            run = []
        if run:
            out["\n".join(run)] += 1
    return out


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    from factory.export.exporter import export_run

    run = tmp_path_factory.mktemp("spans") / "run"
    run.mkdir()
    (run / ".factory-run").write_text("factory run directory\n")
    append_jsonl(run / "kept.jsonl", all_samples())
    export_run(run, log=lambda m: None)
    return run / "export"


def rows(export: Path, stem: str) -> list[dict]:
    out = []
    for name in (f"{stem}.jsonl", f"{stem}.eval.jsonl"):
        if (export / name).exists():
            out += [json.loads(line) for line in (export / name).read_text().splitlines()]
    return out


def spans(tok, ids: list[int], trained: list[bool]) -> list[str]:
    out, cur = [], []
    for i, t in zip(ids, trained, strict=True):
        if t:
            cur.append(i)
        elif cur:
            out.append(tok.decode(cur))
            cur = []
    if cur:
        out.append(tok.decode(cur))
    return out


def test_expected_spans_are_the_replies_not_the_greeting():
    want = meant(all_samples())
    # 24 scenes x 2 replies, the first speaker's 2 runs, 3 protection, 3 + 3 x 2 persona replies
    assert sum(want.values()) == 48 + 2 + 3 + 3 + 6
    assert GREETING not in want


# -- LLaMA-Factory (0.9.x) ------------------------------------------------------------------------


def lf_sharegpt(row: dict, entry: dict) -> tuple[str, list[dict]] | None:
    """SharegptDatasetConverter: system from a leading system-tagged message or the system column;
    roles must alternate user / assistant and end on the assistant (else the row is skipped)."""
    tags, cols = entry["tags"], entry["columns"]
    msgs = row[cols["messages"]]
    system = ""
    if tags.get("system_tag") and msgs and msgs[0][tags["role_tag"]] == tags["system_tag"]:
        system, msgs = msgs[0][tags["content_tag"]], msgs[1:]
    elif cols.get("system"):
        system = row[cols["system"]]
    accept = ((tags["user_tag"],), (tags["assistant_tag"],))
    out = []
    for i, m in enumerate(msgs):
        if m[tags["role_tag"]] not in accept[i % 2]:
            return None
        out.append({"role": "user" if i % 2 == 0 else "assistant", "content": m[tags["content_tag"]]})
    return (system, out) if out and len(out) % 2 == 0 else None


def lf_alpaca(row: dict, entry: dict) -> tuple[str, list[dict]]:
    """AlpacaDatasetConverter: history pairs, then prompt + "\\n" + query, then the response."""
    cols = entry["columns"]
    msgs = []
    for q, a in row.get(cols["history"]) or []:
        msgs += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    query = [row[c] for c in (cols["prompt"], cols["query"]) if row.get(c)]
    msgs += [
        {"role": "user", "content": "\n".join(query)},
        {"role": "assistant", "content": row[cols["response"]]},
    ]
    return row.get(cols["system"]) or "", msgs


def lf_qwen_encode(tok, system: str, msgs: list[dict]) -> tuple[list[int], list[int]]:
    """Template `qwen` + SupervisedDatasetProcessor (train_on_prompt and mask_history off): every
    (user, assistant) pair's source is ignored and its target labelled; each slot is tokenized alone."""
    ids, labels = [], []
    for k in range(0, len(msgs), 2):
        source = f"<|im_start|>user\n{msgs[k]['content']}<|im_end|>\n<|im_start|>assistant\n"
        if k == 0:
            source = f"<|im_start|>system\n{system or QWEN_DEFAULT_SYSTEM}<|im_end|>\n" + source
        target = f"{msgs[k + 1]['content']}<|im_end|>\n"
        s, t = (tok.encode(x, add_special_tokens=False) for x in (source, target))
        ids += s + t
        labels += [IGNORE] * len(s) + t
    return ids, labels


@pytest.mark.parametrize("stem", ["sharegpt", "alpaca", "openai"])
def test_llamafactory_labels_only_the_meant_replies(export, qwen_tok, stem):
    info = json.loads((export / "dataset_info.json").read_text())
    entry = next(e for e in info.values() if e["file_name"] == f"{stem}.jsonl")
    got: Counter = Counter()
    for row in rows(export, stem):
        conv = lf_alpaca(row, entry) if entry["formatting"] == "alpaca" else lf_sharegpt(row, entry)
        assert conv is not None, f"LLaMA-Factory would skip {row}"
        ids, labels = lf_qwen_encode(qwen_tok, *conv)
        got.update(spans(qwen_tok, ids, [x != IGNORE for x in labels]))
    assert got == Counter({f"{k}<|im_end|>\n": v for k, v in meant(all_samples()).items()})
    assert not any(GREETING in s for s in got)


# -- TRL ------------------------------------------------------------------------------------------


def test_trl_assistant_only_loss_labels_only_the_meant_replies(export, tiny_base, tmp_path):
    from datasets import load_dataset
    from transformers import AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    files = [str(export / n) for n in ("openai.jsonl", "openai.eval.jsonl") if (export / n).exists()]
    ds = load_dataset("json", data_files={"train": files})["train"]
    trainer = SFTTrainer(
        model=str(tiny_base),
        train_dataset=ds,
        args=SFTConfig(
            output_dir=str(tmp_path), assistant_only_loss=True, report_to="none", use_cpu=True, bf16=False
        ),
    )
    tok = AutoTokenizer.from_pretrained(tiny_base)
    got: Counter = Counter()
    assert len(trainer.train_dataset) == len(ds)  # none dropped as fully masked
    for ex in trainer.train_dataset:  # trl 1.x builds `labels` from the assistant masks
        # its qwen2.5 training template labels the newline after the header and after <|im_end|> too
        got.update(s.strip("\n") for s in spans(tok, ex["input_ids"], [x != IGNORE for x in ex["labels"]]))
    assert got == Counter({f"{k}<|im_end|>": v for k, v in meant(all_samples()).items()})


# -- OpenAI weights / factory train ---------------------------------------------------------------


def test_openai_weights_and_factory_masks(export, qwen_tok):
    from factory.train.data import conversation
    from factory.train.masks import encode_conversation

    got: Counter = Counter()
    for row in rows(export, "openai"):
        assert all(m.get("weight", 1) == 1 for m in row["messages"]), row  # no context on the assistant side
        enc = encode_conversation(qwen_tok, conversation(row, "x"))
        got.update(spans(qwen_tok, enc.input_ids, [bool(x) for x in enc.assistant_masks]))
    assert got == Counter({f"{k}<|im_end|>": v for k, v in meant(all_samples()).items()})
