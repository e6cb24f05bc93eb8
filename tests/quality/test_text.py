import pytest

from factory.quality.text import count_tokens, detect_language, name_variants, segments, spoken_text


def kinds(line):
    return [(s.kind, s.text) for s in segments(line)]


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "贝多芬：「你来了。」（他放下笔）",
            [("label", "贝多芬"), ("speech", "你来了。"), ("action", "他放下笔")],
        ),
        ("他低声说：「你来了。」", [("narration", "他低声说："), ("speech", "你来了。")]),
        ("你所谓的“音乐”不过如此。", [("speech", "你所谓的“音乐”不过如此。")]),
        ('*puts down the pen* "You came."', [("action", "puts down the pen"), ("speech", "You came.")]),
        ('You call that "music"? *scoffs*', [("speech", 'You call that "music"? '), ("action", "scoffs")]),
        ('"Hello," he said.', [("speech", "Hello,"), ("narration", " he said.")]),
        ("我告诉你：这不对。", [("speech", "我告诉你：这不对。")]),
        (
            "User: hi\nBeethoven: hello",
            [("label", "User"), ("speech", "hi"), ("label", "Beethoven"), ("speech", "hello")],
        ),
    ],
)
def test_segments_follow_the_conventions(line, expected):
    assert kinds(line) == expected


def test_spoken_text_drops_actions_and_labels():
    assert spoken_text("贝多芬：（叹气）「算了。」") == "算了。"


def test_lengths_and_language():
    assert count_tokens("好的。") == 2 and count_tokens("Yes, sir.") == 2 and count_tokens("我是Ludwig") == 3
    assert detect_language("我今天很好") == "zh" and detect_language("I am fine, 谢谢") == "en"


def test_name_variants_skip_particles_and_keep_longest_first():
    assert name_variants("Ludwig van Beethoven") == ["Ludwig van Beethoven", "Beethoven", "Ludwig"]
    assert name_variants("路德维希·凡·贝多芬") == ["路德维希·凡·贝多芬", "路德维希", "贝多芬"]
