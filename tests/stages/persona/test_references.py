"""Reference lines: the most related lines of the same character come from other sessions (or its
card's example dialogue) only, and never repeat what the sample already says."""

import pytest

from factory.recipe import load_recipe
from factory.records import Card, Interaction, Message, Probe, Sample, Session, Turn, append_jsonl
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.stages.persona.persona_samples import build_sample
from factory.stages.persona.references import BM25, reference_lines, tokens

RECIPE = """\
name: refs
language: en
character: {name: Anna Keller, aliases: [Anna], profile: {file: profile.md}}
cards: {count: 0}
sessions: {}
references: {k: 2, method: METHOD}
"""
MIRA = Card(
    id="card-mira",
    name="Mira Holt",
    occupation="lighthouse keeper",
    personality="stoic",
    first_message="*wipes the lens* Late again.",
)


def session(sid, pairs, card_id="card-mira"):
    turns = []
    for user, reply in pairs:
        turns += [
            Turn(speaker="user", text=user),
            Turn(speaker="Mira Holt", mode="action", text="looks out"),
            Turn(speaker="Mira Holt", text=reply),
        ]
    return Session(
        id=sid,
        card_id=card_id,
        user_archetype="curious_fan",
        turns=turns,
        probes=[Probe(fact="x", planted_turn=0, asked_turn=3)] if len(pairs) > 1 else [],
    )


SESSIONS = [
    session(
        "ses-1",
        [
            ("How do you keep the lamp burning?", "The lamp drinks oil every night, a gallon at least."),
            ("Are you lonely?", "Lonely? The gulls talk more than you."),
        ],
    ),
    # the same line, word for word, in another session: it is the target, so it must not come back
    session(
        "ses-2", [("Does the lamp need much oil?", "The lamp drinks oil every night, a gallon at least.")]
    ),
    session("ses-3", [("Where does the oil come from?", "Oil for the lamp comes by boat on Tuesdays.")]),
    session("ses-4", [("Do you like music?", "I whistle sea shanties when the fog rolls in.")]),
    session(
        "ses-5",
        [("How is the lamp lit?", "Another keeper's line about the lamp and oil.")],
        card_id="card-other",
    ),
]


def make_ctx(write_recipe, tmp_path, cards, sessions, method="bm25", k=2) -> RunContext:
    recipe = load_recipe(write_recipe(RECIPE.replace("METHOD", method).replace("k: 2", f"k: {k}")))
    run = RunDir(tmp_path / "run").prepare()
    append_jsonl(run.stage_file("cards"), cards)
    append_jsonl(run.stage_file("sessions"), sessions)
    return RunContext(recipe=recipe, run=run)


@pytest.fixture
def ctx(write_recipe, tmp_path, request):
    return make_ctx(write_recipe, tmp_path, [MIRA], SESSIONS, getattr(request, "param", "bm25"))


def sample_of_ses1():
    s = build_sample(MIRA, SESSIONS[0], None, "full")
    assert s is not None
    return s


@pytest.mark.parametrize("ctx", ["bm25", "fuzz"], indirect=True)
def test_references_come_from_other_sessions_and_skip_the_target(ctx):
    s = sample_of_ses1()
    (out,) = reference_lines(ctx, [s])
    refs = out.labels["references"]
    assert len(refs) == 2
    assert all(r["source"] != "ses-1" for r in refs)  # never the sample's own session
    assert all("drinks oil" not in r["text"] for r in refs)  # never the target line, even copied elsewhere
    assert all("Another keeper" not in r["text"] for r in refs)  # never another character's line
    assert refs[0]["text"] == "Oil for the lamp comes by boat on Tuesdays."  # the most related one first
    assert out.system.startswith(s.system) and "Reference dialogue: things Mira Holt has said" in out.system
    assert "Mira Holt: Oil for the lamp comes by boat on Tuesdays." in out.system
    assert out.messages == s.messages and out.id == s.id


def test_no_references_block_leaves_samples_alone(ctx):
    ctx.recipe.references = None
    s = sample_of_ses1()
    assert reference_lines(ctx, [s]) == [s]


def test_recipe_character_lines_come_from_other_interactions_and_scenes(ctx):
    def inter(iid, scene, lines):
        return Interaction(id=iid, scene_id=scene, turns=[Turn(speaker=w, text=t) for w, t in lines])

    append_jsonl(
        ctx.run.stage_file("interactions"),
        [
            inter(
                "int-1",
                "scn-1",
                [("Karl", "The tower clock stopped again."), ("Anna Keller", "Then fetch my tools.")],
            ),
            inter(
                "int-2",
                "scn-1",
                [("Karl", "The clock?"), ("Anna", "The tower clock wants a new escapement.")],
            ),
            inter(
                "int-3",
                "scn-2",
                [
                    ("Mayor", "Can the tower clock be saved?"),
                    ("Anna", "Every clock can be saved, if someone cares."),
                    ("Anna Keller", "I think of the tower clock as a stubborn old patient."),
                ],
            ),
        ],
    )
    s = Sample(
        id="smp-exp",
        type="experience",
        character="Anna Keller",
        language="en",
        system="You are Anna Keller.",
        messages=[
            Message(role="user", content="The tower clock stopped again.", name="Karl"),
            Message(role="assistant", content="Then fetch my tools.", train=True),
        ],
        source_ids=["int-1", "scn-1"],
    )
    (out,) = reference_lines(ctx, [s])
    sources = [r["source"] for r in out.labels["references"]]
    assert sources and set(sources) <= {"int-3", "scn-2"}  # int-2 shares the scene, so it is left out
    assert "Mayor: Can the tower clock be saved?" in out.system
    other = s.model_copy(update={"character": "Karl"})
    assert reference_lines(ctx, [other]) == [other]  # no lines for someone else


def test_bm25_ranks_shared_rare_words_first():
    docs = [tokens(t) for t in ("the lamp and the oil", "gulls and fog", "oil boat tuesday lamp")]
    scores = BM25(docs).scores(tokens("when does the oil boat come"))
    assert max(scores, key=scores.get) == 2 and 1 not in scores
    assert tokens("灯塔的油") == ["灯", "塔", "的", "油", "灯塔", "塔的", "的油"]


def test_a_card_with_one_session_quotes_its_own_example_dialogue(write_recipe, tmp_path):
    """per_card: 1: no other session exists, so the card's examples are the pool, best match first."""
    examples = [
        [
            {"role": "user", "text": "Who are you?"},
            {"role": "char", "text": "*tips cap* The keeper, {{user}}."},
        ],
        [
            {"role": "user", "text": "Is the lamp hard work?"},
            {"role": "char", "text": "The lamp eats oil and sleep, in that order."},
        ],
        [
            {"role": "user", "text": "Anything else?"},  # a copy of the trained reply: never offered
            {"role": "char", "text": "Lonely? The gulls talk more than you."},
        ],
    ]
    card = MIRA.model_copy(update={"example_dialogues": examples})
    ctx = make_ctx(write_recipe, tmp_path, [card], SESSIONS[:1])
    s = build_sample(card, SESSIONS[0], None, "short")
    assert s is not None
    (out,) = reference_lines(ctx, [s])
    refs = out.labels["references"]
    assert [r["text"] for r in refs] == [
        "The lamp eats oil and sleep, in that order.",
        "The keeper, the user.",
    ]
    assert {r["source"] for r in refs} == {"card-mira#example"}  # never the greeting: it opens the sample
    assert (
        "User: Is the lamp hard work?\nMira Holt: The lamp eats oil and sleep, in that order." in out.system
    )


def test_chinese_retrieval_uses_character_bigrams(write_recipe, tmp_path):
    docs = [tokens(t) for t in ("塔上的灯", "灯塔很高")]  # the same characters; only the second has the word
    scores = BM25(docs).scores(tokens("灯塔"))
    assert scores[1] > scores[0] > 0
    card = Card(
        id="card-zh",
        name="米拉",
        personality="沉默",
        language="zh",
        first_message="（擦着镜片）又迟到了。",
        example_dialogues=[
            [{"role": "user", "text": "你喜欢音乐吗？"}, {"role": "char", "text": "起雾时我吹口哨。"}]
        ],
    )
    sessions = [
        Session(
            id=sid,
            card_id="card-zh",
            user_archetype="curious_fan",
            turns=[Turn(speaker="user", text=u), Turn(speaker="米拉", text=r)],
        )
        for sid, u, r in (
            ("ses-a", "灯塔的灯怎么一直亮着？", "每晚都要添油。"),
            ("ses-b", "塔上冷吗？", "风大，灯也晃。"),
            ("ses-c", "灯塔用的油从哪里来？", "灯塔的油每周二坐船运来。"),
        )
    ]
    ctx = make_ctx(write_recipe, tmp_path, [card], sessions, k=1)
    s = build_sample(card, sessions[0], None, "full")
    assert s is not None
    (out,) = reference_lines(ctx, [s])
    assert out.labels["references"] == [{"source": "ses-c", "text": "灯塔的油每周二坐船运来。"}]
    assert "参考对话：米拉在别处说过的话" in out.system and "米拉：灯塔的油每周二坐船运来。" in out.system
