"""The whole gate: accounting, order independence, actions, and what each step removes."""

import random

import pytest

from factory.quality import run_gate
from factory.quality.config import QualityConfig
from factory.records import Message, Sample

from .conftest import sample

GOOD = [
    "我今天写了一首新的奏鸣曲，你想听听吗？",
    "窗外的雪下了一整夜，我一个字也没有写出来。",
    "维也纳的冬天总是让我想起波恩的河水。",
    "那些贵族只知道鼓掌，却从来听不懂音乐。",
    "我的耳朵越来越不听使唤了，可是旋律还在我心里。",
    "你来得正好，帮我把这页乐谱抄一遍。",
]
BAD = {
    "b1": ("作为一个AI，我没有个人观点。", "blacklist.assistant_tone"),
    "b2": ("贝多芬觉得这首曲子还不够好。", "selfname.third_person"),
    "b3": ("好。", "format.too_short"),
    "b4": ("音乐是我唯一的语言，", "format.truncated"),
    "b5": ("他低声说：「你来了。」", "selfname.narrator"),
}


@pytest.fixture
def dataset():
    good = [sample(f"g{i}", line) for i, line in enumerate(GOOD)]
    bad = [sample(sid, line) for sid, (line, _) in BAD.items()]
    dups = [sample("z1", GOOD[0]), sample("z2", GOOD[1].replace("一整夜", "一整个晚上"))]
    return good + bad + dups


def test_every_sample_is_kept_or_rejected_with_a_reason(dataset):
    res = run_gate(dataset)
    kept = {s.id for s in res.kept}
    rejected = {r["id"]: r for r in res.rejected}
    assert kept == {f"g{i}" for i in range(len(GOOD))}
    assert kept.isdisjoint(rejected) and len(kept) + len(rejected) == len(dataset)
    for sid, (_, rule) in BAD.items():
        assert rejected[sid]["rule"] == rule and rejected[sid]["span"]
    assert rejected["z1"]["rule"] == "dedup.exact_sample" and rejected["z1"]["duplicate_of"] == "g0"
    assert rejected["z2"]["rule"] == "dedup.near_sample" and rejected["z2"]["duplicate_of"] == "g1"
    assert all(r["sample"]["id"] == r["id"] for r in res.rejected)  # nothing lost: the sample travels along
    rep = res.report
    assert rep["balanced"] and rep["input"] == len(dataset) and rep["kept"] + rep["rejected"] == rep["input"]
    assert sum(v["rejected"] for v in rep["rules"].values()) == rep["rejected"]
    assert rep["rules"]["blacklist.assistant_tone"]["examples"][0]["id"] == "b1"


def test_result_does_not_depend_on_input_order(dataset):
    first = run_gate(dataset)
    shuffled = list(dataset)
    random.Random(3).shuffle(shuffled)
    second = run_gate(shuffled)
    assert [s.id for s in first.kept] == [s.id for s in second.kept]
    assert [(r["id"], r["rule"]) for r in first.rejected] == [(r["id"], r["rule"]) for r in second.rejected]


def test_checks_apply_to_the_target_characters_lines_only():
    s = Sample(
        id="u",
        type="experience",
        character="贝多芬",
        language="zh",
        system="",
        messages=[
            Message(role="user", content="你是AI吗？作为一个AI你怎么看？"),
            Message(
                role="assistant", name="莫扎特", content="嗯", train=False
            ),  # another character, not trained
            Message(role="assistant", content="什么AI？我只听得懂音乐，你说的话我一句也不明白。", train=True),
        ],
    )
    assert [x.id for x in run_gate([s]).kept] == ["u"]


def test_flag_and_off_actions(dataset):
    cfg = QualityConfig(
        rules={"format.too_short": "flag", "selfname.third_person": "off"}, learned={"enabled": False}
    )  # the learned second opinion would reject 好。 too
    res = run_gate(dataset, cfg)
    kept = {s.id: s for s in res.kept}
    assert kept["b3"].quality["gate"]["flags"][0]["rule"] == "format.too_short"
    assert "b2" in kept and kept["b2"].quality["gate"]["flags"] == []
    assert res.report["flagged"] == 1 and res.report["rules"]["format.too_short"]["flagged"] == 1


def test_secondary_rules_are_listed():
    res = run_gate([sample("x", "作为一个AI，贝多芬觉得因人而异")])
    r = res.rejected[0]
    assert r["rule"] == "format.truncated" or r["rule"].startswith("blacklist.")
    assert "selfname.third_person" in r["also"] and "blacklist.hedging" in r["also"]


def test_duplicate_ids_and_invalid_records_are_accounted_for():
    a = sample("same", GOOD[0])
    b = sample("same", GOOD[1])
    res = run_gate([a, b], invalid=[("line-3", "samples.jsonl line 3: not JSON")])
    assert [s.messages[1].content for s in res.kept] == [GOOD[0]]
    assert sorted(r["rule"] for r in res.rejected) == ["format.duplicate_id", "format.invalid_record"]
    assert res.report["input"] == 3 and res.report["balanced"]


def test_line_level_duplicates_in_multi_turn_samples():
    repeated = "我今天写了一首新的奏鸣曲，可惜维也纳没有人愿意听。"
    s1 = sample("m1", repeated, GOOD[1], GOOD[2])
    s2 = sample(
        "m2", "你来得正好，快坐下来听我弹这一段。", repeated
    )  # half its lines repeat: kept at share 0.5
    s3 = sample(
        "m3",
        repeated.replace("可惜", "只是"),
        "我的朋友，这首曲子写给你，希望你会喜欢。",
        GOOD[1].replace("一整夜", "整整一夜"),
    )  # 2 of 3 lines repeat kept lines
    res = run_gate([s1, s2, s3])
    assert [s.id for s in res.kept] == ["m1", "m2"]
    assert res.rejected[0]["rule"] == "dedup.line" and res.rejected[0]["duplicate_of"] == "m1"


def test_a_line_repeated_inside_one_sample_counts():
    line = "我今天写了一首新的奏鸣曲，可惜维也纳没有人愿意听。"
    res = run_gate([sample("loop", line, line, line)])
    assert res.rejected[0]["rule"] == "dedup.line"


def test_pattern_caps_hold_for_the_kept_dataset():
    same = [f"哈哈哈哈，第{i}次来维也纳的时候，我才{10 + i}岁，那年冬天的风很冷。" for i in range(40)]
    other = [
        f"{a}{b}的时候，我总会想起{c}。"
        for a in "春夏秋冬"
        for b in ("清晨", "黄昏", "深夜")
        for c in ("波恩的河", "母亲的歌", "老师的琴", "窗外的树", "远方的海")
    ]
    samples = [sample(f"p{i:02d}", line) for i, line in enumerate(same)]
    samples += [sample(f"q{i:02d}", line) for i, line in enumerate(other)]
    cfg = QualityConfig(
        patterns={"opener_max_share": 0.1, "ngram_max_share": 1.0},
        rules={"dedup.near_sample": "off", "dedup.line": "off"},
    )
    res = run_gate(samples, cfg)
    dropped = [r for r in res.rejected if r["id"].startswith("p")]
    assert all(r["rule"] == "pattern.opener" and "哈哈哈哈" in r["span"] for r in dropped)
    kept_same = sum(1 for s in res.kept if s.id.startswith("p"))
    assert kept_same <= 0.1 * len(res.kept) and kept_same >= 0.1 * len(res.kept) - 1
    pats = res.report["patterns"]
    assert pats["before"]["top_openers"][0] == {"pattern": "哈哈哈哈", "samples": 40, "share": 0.4}
    assert pats["after"]["top_openers"][0]["share"] <= 0.1
    assert pats["downsampled"] == len(dropped)


def test_english_dataset_with_explicit_character(make_sample):
    lines = [
        "I wrote a new sonata today; would you like to hear it?",
        "As Beethoven, I say music is the soul.",
        "As an AI language model, I cannot compose.",
    ]
    samples = [
        make_sample(f"e{i}", line, character="Ludwig van Beethoven", language="en", user="Hello!")
        for i, line in enumerate(lines)
    ]
    res = run_gate(samples, character="Ludwig van Beethoven", language="en")
    assert [s.id for s in res.kept] == ["e0"]
    assert {r["id"]: r["rule"] for r in res.rejected} == {
        "e1": "selfname.role_announce",
        "e2": "blacklist.assistant_tone",
    }


def test_judge_mode_without_a_judge_is_an_error():
    with pytest.raises(ValueError, match="judge"):
        run_gate([sample("a", GOOD[0])], QualityConfig(selfname={"mode": "judge"}))


def test_empty_input():
    res = run_gate([])
    assert res.kept == [] and res.rejected == [] and res.report["balanced"] and res.report["input"] == 0


def test_near_duplicate_chain_names_the_member_it_matched():
    """A~B and B~C above the threshold, A~C below: C goes with A's group but is reported against B."""
    a = "窗外的雪下了一整夜，我一个字也没有写出来，只好坐在炉边发呆。"
    b = a.replace("一整夜", "一整个晚上")
    c = b.replace("只好坐在炉边发呆", "只能坐在火炉旁边发呆")
    res = run_gate(
        [sample("c3", c), sample("a1", a), sample("b2", b)], QualityConfig(dedup={"sample_threshold": 95})
    )
    assert [s.id for s in res.kept] == ["a1"]  # the smallest id survives the whole group
    rejected = {r["id"]: r for r in res.rejected}
    assert rejected["b2"]["detail"] == "near-duplicate of a1 (ratio 96, threshold 95)"
    assert rejected["c3"]["rule"] == "dedup.near_sample" and rejected["c3"]["duplicate_of"] == "a1"
    assert (
        rejected["c3"]["detail"] == "near-duplicate of b2 (ratio 97, threshold 95); its group is kept as a1"
    )


def test_report_counts_rejections_per_failure_family(dataset):
    from factory.quality.report import render_markdown

    res = run_gate(
        dataset + [sample("b6", "抱歉，我无法回答这个问题。"), sample("b7", "以下是建议：\n1. 早睡\n2. 早起")]
    )
    fam = res.report["by_family"]
    assert fam["assistant tone"]["rejected"] == 1 and fam["refusal"]["rejected"] == 1
    assert fam["third-person self-reference"]["rejected"] == 1 and fam["narrator voice"]["rejected"] == 1
    assert fam["list/markdown formatting"]["rejected"] == 1 and fam["duplicates"]["rejected"] == 2
    assert sum(v["rejected"] for v in fam.values()) == res.report["rejected"]
    assert "## Failure families" in render_markdown(res.report) and "| refusal | 1 | 0 |" in render_markdown(
        res.report
    )
    # every finding kept per sample (the learned second opinion agrees on this one)
    assert {f.rule for f in res.findings["b7"]} == {"format.markdown", "learned.classifier"}
