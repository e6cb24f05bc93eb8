"""Run directories with hand-written samples and pairs, shaped like the generator stages write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factory.records import Message, Pair, Sample, append_jsonl, make_id

CHAR = "Anna Keller"
SYSTEM = "I want you to act like Anna Keller, a clockmaker in a river town in 1880."


def M(role: str, content: str, train: bool = False, name: str | None = None) -> Message:
    return Message(role=role, content=content, train=train, name=name)


def scene_sample(i: int, scene: str, kind: str = "experience") -> Sample:
    return Sample(
        id=make_id("smp", scene, i),
        type=kind,
        character=CHAR,
        language="en",
        system=SYSTEM,
        messages=[
            M("user", f"Good morning, Anna. ({scene}/{i})", name="Karl"),
            M("user", "The tower clock stopped again.", name="Marie"),
            M("assistant", f"Then bring me the escapement, Karl. ({i})", train=True),
            M("user", "Can you fix it today?", name="Karl"),
            M("assistant", "By noon, if the spring holds.", train=True),
            M("user", "Thank you.", name="Karl"),
        ],
        source_ids=[make_id("itr", scene, i), scene, "chk-0001"],
        labels={"scene_id": scene},
    )


def samples() -> list[Sample]:
    out = [scene_sample(i, f"scn-{i // 2:03d}") for i in range(24)]  # two samples per scene
    out.append(
        Sample(
            id="smp-first-speaker",
            type="experience",
            character=CHAR,
            language="en",
            system=SYSTEM,
            messages=[
                M("assistant", "Who left the door open?", train=True),
                M("user", "I did, madam.", name="Apprentice"),
                M("assistant", "Close it.", train=True),
                M("assistant", "(She sighs.) The dust!", train=True),
            ],
            source_ids=["itr-x", "scn-x"],
            labels={"scene_id": "scn-x"},
        )
    )
    for sub in ("modern_knowledge", "modern_knowledge", "identity"):
        n = len(out)
        out.append(
            Sample(
                id=f"smp-prot-{n}",
                type=f"protection:{sub}",
                character=CHAR,
                language="en",
                system=SYSTEM,
                messages=[
                    M("user", "What do you think of smartphones?", name="Visitor"),
                    M("assistant", "Smart what? I know springs and gears, sir.", train=True),
                ],
                source_ids=[f"itr-p{n}", f"scn-p{n}"],
                labels={"scene_id": f"scn-p{n}"},
            )
        )
    for s, card in (("ses-1", "card-1"), ("ses-2", "card-1"), ("ses-3", "card-2")):
        out.append(
            Sample(
                id=f"smp-{s}",
                type="persona_session",
                character="Mira",
                language="en",
                system="You are Mira, a bard.",
                messages=[
                    M("assistant", "Welcome, traveller!", train=False),
                    M("user", "Sing for me?"),
                    M("assistant", "A song about the sea, then.", train=True),
                ],
                source_ids=[s, card],
                labels={"session_id": s, "card_id": card},
            )
        )
    out.append(
        Sample(
            id="smp-notarget",
            type="experience",
            character=CHAR,
            language="en",
            system=SYSTEM,
            messages=[M("user", "Hello?", name="Karl"), M("assistant", "Hm.", train=False)],
            source_ids=["scn-y"],
            labels={"scene_id": "scn-y"},
        )
    )
    return out


def pairs(ss: list[Sample]) -> list[Pair]:
    out = []
    picks = (
        (ss[0], "assistant_tone"),
        (ss[5], "out_of_character"),
        (ss[25], "self_sampled"),
        (ss[24], "assistant_tone"),
    )  # the last one's prompt ends with the character: not exportable
    for s, kind in picks:
        cut = max(i for i, m in enumerate(s.messages) if m.train)
        prompt = [M("system", s.system)] + s.messages[:cut]
        out.append(
            Pair(
                id=make_id("pair", s.id, kind),
                prompt=prompt,
                chosen=s.messages[cut],
                rejected=M("assistant", "As an AI language model, I'd be happy to help!"),
                rejected_kind=kind,
                source_ids=[s.id],
                labels={
                    "sample_id": s.id,
                    "character": s.character,
                    "language": s.language,
                    "type": s.type,
                    **s.labels,
                    "generator": "scripted-model",
                },
            )
        )
    return out


def gate_report(ss: list[Sample]) -> dict:
    """A real report of the quality gate over these samples plus three it must reject."""
    from factory.quality import run_gate

    bad = [
        Sample(
            id=f"smp-bad-{i}",
            type="experience",
            character=CHAR,
            language="en",
            system=SYSTEM,
            messages=[M("user", "What do you make of it?", name="Karl"), M("assistant", line, train=True)],
        )
        for i, line in enumerate(
            [
                "As an AI language model, I have no opinion on clocks.",
                "Anna Keller smiled and put the spring back in its case.",
                "Smart what? I know springs and gears, sir.",
            ]
        )
    ]
    return run_gate([*ss, *bad]).report


@pytest.fixture
def run_dir(tmp_path) -> Path:
    """A finished run: kept.jsonl, preferences.jsonl, run.json, quality report, recipe."""
    run = tmp_path / "run"
    run.mkdir()
    (run / ".factory-run").write_text("factory run directory\n")
    ss = samples()
    append_jsonl(run / "kept.jsonl", ss)
    append_jsonl(run / "preferences.jsonl", pairs(ss))
    (run / "quality").mkdir()
    (run / "quality" / "report.json").write_text(json.dumps(gate_report(ss)))
    (run / "run.json").write_text(
        json.dumps({"name": "anna", "recipe_hash": "abc123def456", "endpoint": {"model": "gen-model-x"}})
    )
    return run
