import numpy as np
import pytest

from factory.quality.dedup import LshParams, components, near_duplicates


def test_exact_and_near_clusters_keep_the_smallest_index():
    texts = [
        "The river was quiet that night, and I could hear the old mill turning.",  # 0
        "I have never trusted a man who claps before the music ends.",  # 1
        "the river was quiet that night and i could hear the old mill turning",  # 2: exact after normalising
        "The river was quiet that night, and I could hear the old mill still turning.",  # 3: near
        "我今天写了一首新的奏鸣曲，你想听听吗？",  # 4
        "我今天写了一首新的奏鸣曲，你想不想听听？",  # 5: near
        "窗外的雪下了一整夜，我一个字也没有写出来。",  # 6
    ]
    res = near_duplicates(texts, LshParams(threshold=85))
    assert res.labels.tolist() == [0, 1, 0, 0, 4, 4, 6]
    assert res.duplicates().tolist() == [2, 3, 5]
    assert res.is_exact(2) and not res.is_exact(3)


def test_threshold_is_respected():
    a = "I shall write the ninth symphony before the winter is over, whatever they say."
    b = "I shall finish a new quartet before the spring comes, whatever the critics say."
    assert near_duplicates([a, b], LshParams(threshold=85)).labels.tolist() == [0, 1]
    assert near_duplicates([a, a + " Truly."], LshParams(threshold=85)).labels.tolist() == [0, 0]


def test_many_random_lines_with_planted_copies():
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(3000)]
    base = [" ".join(rng.choice(words, size=14)) for _ in range(2000)]
    texts = base + [t.replace(t.split()[3], "zz", 1) for t in base[:300]]
    res = near_duplicates(texts, LshParams(threshold=85, workers=2))
    assert (res.labels[2000:] == np.arange(300)).mean() >= 0.97
    assert (res.labels[:2000] == np.arange(2000)).all()


def test_components_follow_chains():
    labels = components(6, np.array([0, 3, 4]), np.array([1, 4, 5]))
    assert labels.tolist() == [0, 0, 2, 3, 3, 3]


def test_empty_and_blank_inputs():
    assert near_duplicates([]).labels.tolist() == []
    res = near_duplicates(["", "...", "a real line of text here"])
    assert res.labels.tolist() == [0, 0, 2]  # blank after normalising: the same (empty) text


def test_bands_must_divide_permutations():
    with pytest.raises(ValueError):
        LshParams(num_perm=100, bands=32)
