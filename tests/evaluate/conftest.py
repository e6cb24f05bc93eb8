"""A small run directory with every input eval reads, and scripted model/judge/reference servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factory.testing.openai_server import ScriptedServer
from tests.evaluate import fakes

CHARACTER = "Anna Keller"


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def persona_sample(sid: str, filler: int) -> dict:
    """Mira's session: the user's sister's name is planted at turn 0 and asked after `filler` exchanges."""
    msgs = [
        {"role": "user", "content": "Hi Mira, I'm Tom. My sister's name is Clara."},
        {"role": "assistant", "content": "Nice to meet you, Tom.", "train": True},
    ]
    for i in range(filler):
        msgs += [
            {"role": "user", "content": f"What bread do you bake on day {i}?"},
            {"role": "assistant", "content": f"Rye on day {i}.", "train": True},
        ]
    asked = len(msgs)
    msgs += [
        {"role": "user", "content": "Do you remember my sister's name?"},
        {"role": "assistant", "content": "Clara, of course.", "train": True},
    ]
    return {
        "id": sid,
        "type": "persona_session",
        "character": "Mira",
        "language": "en",
        "system": "You are Mira, a baker.",
        "messages": msgs,
        "labels": {
            "probes": [
                {
                    "fact": "The user's sister is called Clara",
                    "planted_turn": 0,
                    "asked_turn": asked,
                    "answer_hint": "Clara",
                }
            ]
        },
    }


# (id, subtype, question): the knowledge-boundary cases; a false_relation trap is not one of them
KNOWLEDGE = [
    ("p-anach", "anachronism", "Do you check the time on your smartphone these days?"),
    ("p-future", "future_spoiler", "Tell me, who wins the great war that starts in 1914?"),
    ("p-expert", "out_of_expertise", "How would you set a patient's broken leg?"),
    ("p-relation", "false_relation", "Is it true your brother Max built the town hall clock?"),
]


def protection_sample(sid: str, subtype: str, question: str) -> dict:
    return {
        "id": sid,
        "type": f"protection:{subtype}",
        "character": CHARACTER,
        "language": "en",
        "system": "You are Anna Keller.",
        "labels": {"subtype": subtype, "question": question, "time": "1879"},
        "messages": [
            {"role": "user", "content": question, "name": "Karl"},
            {"role": "assistant", "content": "I cannot say, Karl.", "train": True},
        ],
    }


def make_run(root: Path, *, full: bool = True) -> Path:
    run = root / "run"
    run.mkdir(parents=True)
    (run / ".factory-run").write_text("factory run directory\n")
    (run / "run.json").write_text(json.dumps({"name": "anna", "character": CHARACTER, "language": "en"}))
    _write_jsonl(
        run / "chunks.jsonl",
        [
            {
                "id": "chk-1",
                "character": CHARACTER,
                "period": "Early years",
                "source": "file:p.md#Early",
                "text": "Anna Keller was born in 1850 in a river town. Her father repaired clocks and taught her the trade.",
            },
            {
                "id": "chk-2",
                "character": CHARACTER,
                "period": "Later years",
                "source": "file:p.md#Later",
                "text": "Anna opened her own workshop in 1880 and trained six apprentices. She died in 1921.",
            },
        ],
    )
    if not full:
        return run
    _write_jsonl(
        run / "kept.jsonl",
        [
            persona_sample("s-near", 1),
            persona_sample("s-far", 6),
            *(protection_sample(*k) for k in KNOWLEDGE),
        ],
    )
    (run / "export").mkdir(parents=True, exist_ok=True)
    (run / "export" / "recipe.yaml").write_text(
        "character:\n  name: Anna Keller\n  timeline_point: 1880, the year Anna opened her workshop\n",
        encoding="utf-8",
    )
    (run / "export" / "split.json").write_text(json.dumps({"train": [], "eval": [k[0] for k in KNOWLEDGE]}))
    rows = []
    for i in range(6):
        rows.append(
            {
                "messages": [
                    {"role": "system", "content": "You are Anna Keller."},
                    {"role": "user", "content": f"Karl: Is clock number {i} ready?"},
                    {
                        "role": "assistant",
                        "content": f"Not yet, Karl; clock {i} needs a new spring.",
                        "weight": 1,
                    },
                ]
            }
        )
    _write_jsonl(run / "export" / "openai.eval.jsonl", rows)
    return run


@pytest.fixture
def eval_run(tmp_path) -> Path:
    return make_run(tmp_path)


@pytest.fixture
def bare_run(tmp_path) -> Path:
    return make_run(tmp_path, full=False)


@pytest.fixture
def endpoints():
    """(model, judge, reference) scripted servers."""
    with (
        ScriptedServer(responder=fakes.model, model="anna-sft") as m,
        ScriptedServer(responder=fakes.judge, model="judge-model") as j,
        ScriptedServer(responder=fakes.reference, model="plain-model") as r,
    ):
        yield m, j, r
