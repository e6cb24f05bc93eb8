"""Export files -> rows: which file a dir means, both SFT shapes, DPO pairs, errors that name the line."""

from __future__ import annotations

import json

import pytest

from factory.train.data import conversation, find_files, load_dpo, load_sft

from .conftest import write_jsonl

pytestmark = pytest.mark.train

ROW = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}


def test_dir_prefers_train_split_and_finds_eval(tmp_path):
    exp = tmp_path / "run" / "export"
    for name in ("openai.jsonl", "openai.train.jsonl", "openai.eval.jsonl", "dpo.jsonl"):
        write_jsonl(exp / name, [ROW])
    assert find_files([tmp_path / "run"], "sft") == [exp / "openai.train.jsonl"]
    assert find_files([exp], "sft", "eval") == [exp / "openai.eval.jsonl"]
    assert find_files([exp], "dpo") == [exp / "dpo.jsonl"]
    assert find_files([exp], "dpo", "eval") == []
    assert find_files([exp / "openai.jsonl"], "sft") == [exp / "openai.jsonl"]  # files pass through


def test_sharegpt_only_export_and_missing_data(tmp_path):
    write_jsonl(tmp_path / "sharegpt.jsonl", [{"conversations": [{"from": "human", "value": "Hi"}]}])
    assert find_files([tmp_path], "sft") == [tmp_path / "sharegpt.jsonl"]
    with pytest.raises(FileNotFoundError, match="holds no dpo"):
        find_files([tmp_path], "dpo")
    with pytest.raises(FileNotFoundError, match="no such file"):
        find_files([tmp_path / "nope.jsonl"], "sft")


def test_both_shapes_normalise_to_messages():
    share = {
        "system": "You are Anna.",
        "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello."}],
    }
    assert conversation(share, "x") == [
        {"role": "system", "content": "You are Anna."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello."},
    ]
    openai = {
        "messages": [
            {
                "role": "assistant",
                "content": [{"type": "text", "text": "Karl: "}, {"type": "text", "text": "Hm."}],
                "weight": 0,
            }
        ]
    }
    assert conversation(openai, "x") == [{"role": "assistant", "content": "Karl: Hm.", "weight": 0}]


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "not JSON"),
        ('{"messages": [{"role": "tool", "content": "x"}]}', "unsupported role 'tool'"),
        ('{"messages": [{"role": "user", "content": "x", "weight": 2}]}', "weight must be 0 or 1"),
        ('{"text": "x"}', "expected `messages`"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "openai.jsonl"
    path.write_text(json.dumps(ROW) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"openai.jsonl:2: .*{message}"):
        load_sft([path])


def test_dpo_pairs(tmp_path):
    path = write_jsonl(
        tmp_path / "dpo.jsonl",
        [
            {
                "prompt": [
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "K: Yo.", "weight": 0},
                ],
                "chosen": [{"role": "assistant", "content": "Hello."}],
                "rejected": "As an AI...",
            },
        ],
    )
    [row] = load_dpo([path])
    assert row["prompt"][1] == {"role": "assistant", "content": "K: Yo."}
    assert row["rejected"] == [{"role": "assistant", "content": "As an AI..."}]
    write_jsonl(path, [{"prompt": [], "chosen": "a"}])
    with pytest.raises(ValueError, match="dpo.jsonl:1: missing `rejected`"):
        load_dpo([path])
