import numpy as np

from factory.quality.config import PatternConfig
from factory.quality.patterns import Patterns, cap_patterns


def build(lines, cfg):
    return Patterns.build(lines, list(range(len(lines))), len(lines), cfg)


def test_openers_over_the_cap_are_downsampled_deterministically():
    lines = [f"Ah, my dear friend, the number {i} is a fine number." for i in range(30)]
    lines += [f"Line {i} begins differently from every other line here {i}." for i in range(70)]
    cfg = PatternConfig(opener_max_share=0.1, ngram_max_share=1.0)
    pat = build(lines, cfg)
    ids = [f"s{i:03d}" for i in range(100)]
    dropped = cap_patterns(pat, ids, np.ones(100, dtype=bool), cfg)
    assert all(f.rule == "pattern.opener" and "ah my dear friend" in f.detail for f in dropped.values())
    alive = np.ones(100, dtype=bool)
    alive[list(dropped)] = False
    # no opener in more than 10% of what is left, and the result does not change between runs
    assert 30 - len(dropped) <= 0.1 * alive.sum()
    assert dropped.keys() == cap_patterns(pat, ids, np.ones(100, dtype=bool), cfg).keys()
    other_seed = cap_patterns(
        pat, ids, np.ones(100, dtype=bool), PatternConfig(opener_max_share=0.1, ngram_max_share=1.0, seed=7)
    )
    assert len(other_seed) == len(dropped) and other_seed.keys() != dropped.keys()


def test_catchphrases_anywhere_in_a_line():
    lines = [f"Number {i} reminds me: in the name of the moon I punish you." for i in range(20)]
    lines += [f"Completely different words for the line number {i} today." for i in range(80)]
    cfg = PatternConfig(opener_max_share=1.0, ngram_max_share=0.05)
    dropped = cap_patterns(build(lines, cfg), [str(i) for i in range(100)], np.ones(100, dtype=bool), cfg)
    assert {f.rule for f in dropped.values()} == {"pattern.ngram"} and len(dropped) >= 15


def test_min_keep_protects_small_datasets():
    lines = ["Ah, my dear friend, yes."] * 5
    cfg = PatternConfig(min_keep=2)
    dropped = cap_patterns(build(lines, cfg), list("abcde"), np.ones(5, dtype=bool), cfg)
    assert len(dropped) == 3


def test_stats_report_top_patterns_and_diversity():
    lines = ["我今天很高兴。", "我今天很难过。", "明天再说吧。"]
    pat = build(lines, PatternConfig(opener_length=3, ngram_length=2))
    st = pat.stats(np.ones(3, dtype=bool), top=5)
    assert st["top_openers"][0] == {"pattern": "我今天", "samples": 2, "share": 0.6667}
    assert st["lines"] == 3 and st["mean_tokens"] == round(17 / 3, 2)
    assert 0 < st["distinct_1"] < 1 and 0 < st["distinct_2"] <= 1
    assert pat.stats(np.array([False, False, True]), top=5)["top_openers"][0]["pattern"] == "明天再"
