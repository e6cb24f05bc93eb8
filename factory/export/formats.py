"""One row builder per target format, and the LLaMA-Factory dataset_info entry that reads it.

Rows carry only the keys their trainer expects (OpenAI's fine-tuning API rejects unknown keys);
which sample a row came from is kept in export/split.json instead.
"""

from __future__ import annotations

from collections.abc import Callable

from factory.export.convert import Dialogue, PairDialogue

SHAREGPT_TAGS = {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt"}
OPENAI_TAGS = {
    "role_tag": "role",
    "content_tag": "content",
    "user_tag": "user",
    "assistant_tag": "assistant",
    "system_tag": "system",
}
_SHAREGPT_ROLE = {"user": "human", "assistant": "gpt"}


def sharegpt_row(d: Dialogue) -> dict:
    return {
        "conversations": [{"from": _SHAREGPT_ROLE[r], "value": c} for r, c, _ in d.messages()],
        "system": d.system,
    }


def alpaca_row(d: Dialogue) -> dict:
    msgs = [c for _, c, _ in d.messages()]
    pairs = [[msgs[i], msgs[i + 1]] for i in range(0, len(msgs) - 1, 2)]
    instruction, output = pairs[-1]
    return {
        "instruction": instruction,
        "input": "",
        "output": output,
        "system": d.system,
        "history": pairs[:-1],
    }


def openai_row(d: Dialogue) -> dict:
    """Every assistant message has `weight` (OpenAI reads it); convert.build leaves context off the assistant
    side, so it is 1 in every role-play row: LLaMA-Factory and TRL read this file too and ignore it."""
    messages: list[dict] = [{"role": "system", "content": d.system}] if d.system else []
    for role, content, train in d.messages():
        m = {"role": role, "content": content}
        if role == "assistant":
            m["weight"] = 1 if train else 0
        messages.append(m)
    return {"messages": messages}


def _prompt_messages(p: PairDialogue) -> list[dict]:
    d = p.prompt
    sys = [{"role": "system", "content": d.system}] if d.system else []
    return sys + [{"role": r, "content": c} for r, c, _ in d.messages()]


def trl_dpo_row(p: PairDialogue) -> dict:
    """TRL's conversational preference shape (DPOTrainer applies the chat template itself)."""
    return {
        "prompt": _prompt_messages(p),
        "chosen": [{"role": "assistant", "content": p.chosen}],
        "rejected": [{"role": "assistant", "content": p.rejected}],
    }


def dpo_alpaca_row(p: PairDialogue) -> dict:
    msgs = [c for _, c, _ in p.prompt.messages()]
    history = [[msgs[i], msgs[i + 1]] for i in range(0, len(msgs) - 1, 2)]
    return {
        "instruction": msgs[-1],
        "input": "",
        "chosen": p.chosen,
        "rejected": p.rejected,
        "system": p.prompt.system,
        "history": history,
    }


def dpo_sharegpt_row(p: PairDialogue) -> dict:
    """Odd-length conversation ending with the human turn; chosen/rejected are message objects."""
    conv = [{"from": _SHAREGPT_ROLE[r], "value": c} for r, c, _ in p.prompt.messages()]
    return {
        "conversations": conv,
        "chosen": {"from": "gpt", "value": p.chosen},
        "rejected": {"from": "gpt", "value": p.rejected},
        "system": p.prompt.system,
    }


def openai_pref_row(p: PairDialogue) -> dict:
    """OpenAI's preference fine-tuning (DPO) shape."""
    return {
        "input": {"messages": _prompt_messages(p)},
        "preferred_output": [{"role": "assistant", "content": p.chosen}],
        "non_preferred_output": [{"role": "assistant", "content": p.rejected}],
    }


# file stem -> (sft | pair, row builder, what it is for)
FILES: dict[str, tuple[str, Callable, str]] = {
    "sharegpt": ("sft", sharegpt_row, "ShareGPT (LLaMA-Factory `formatting: sharegpt`)"),
    "alpaca": ("sft", alpaca_row, "Alpaca with history (LLaMA-Factory default formatting)"),
    "openai": (
        "sft",
        openai_row,
        "OpenAI chat fine-tuning messages, `weight` on assistant turns; factory train sft",
    ),
    "dpo": ("pair", trl_dpo_row, "TRL conversational preference (prompt/chosen/rejected); factory train dpo"),
    "dpo_alpaca": ("pair", dpo_alpaca_row, "LLaMA-Factory ranking, Alpaca shape"),
    "dpo_sharegpt": ("pair", dpo_sharegpt_row, "LLaMA-Factory ranking, ShareGPT shape"),
    "dpo_openai": ("pair", openai_pref_row, "OpenAI preference fine-tuning"),
}
FORMAT_FILES = {
    "sharegpt": ["sharegpt"],
    "alpaca": ["alpaca"],
    "openai": ["openai"],
    "dpo": ["dpo", "dpo_alpaca", "dpo_sharegpt", "dpo_openai"],
}


def llamafactory_entry(stem: str, file_name: str) -> dict | None:
    """dataset_info.json entry; None for shapes LLaMA-Factory cannot read (TRL / OpenAI preference)."""
    if stem == "sharegpt":
        return {
            "file_name": file_name,
            "formatting": "sharegpt",
            "columns": {"messages": "conversations", "system": "system"},
            "tags": dict(SHAREGPT_TAGS),
        }
    if stem == "alpaca":
        return {
            "file_name": file_name,
            "formatting": "alpaca",
            "columns": {
                "prompt": "instruction",
                "query": "input",
                "response": "output",
                "system": "system",
                "history": "history",
            },
        }
    if stem == "openai":
        return {
            "file_name": file_name,
            "formatting": "sharegpt",
            "columns": {"messages": "messages"},
            "tags": dict(OPENAI_TAGS),
        }
    if stem == "dpo_alpaca":
        return {
            "file_name": file_name,
            "formatting": "alpaca",
            "ranking": True,
            "columns": {
                "prompt": "instruction",
                "query": "input",
                "chosen": "chosen",
                "rejected": "rejected",
                "system": "system",
                "history": "history",
            },
        }
    if stem == "dpo_sharegpt":
        return {
            "file_name": file_name,
            "formatting": "sharegpt",
            "ranking": True,
            "columns": {
                "messages": "conversations",
                "chosen": "chosen",
                "rejected": "rejected",
                "system": "system",
            },
            "tags": dict(SHAREGPT_TAGS),
        }
    return None
