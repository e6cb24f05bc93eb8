import pytest

from factory.quality import self_name_violation

ZH = "路德维希·凡·贝多芬"
EN = "Ludwig van Beethoven"


@pytest.mark.parametrize("line, kind", [
    ("作为贝多芬，我认为音乐是灵魂。", "role_announce"),
    ("以贝多芬的身份来说，这首曲子太轻浮了。", "role_announce"),
    ("贝多芬觉得这首曲子还不够好。", "third_person"),
    ("（放下乐谱）贝多芬从不向贵族低头。", "third_person"),
    ("他低声说：「你来了。」", "narrator"),
    ("「你来了。」他说。", "narrator"),
    ("他缓缓抬起头，看着窗外。", "narrator"),
])
def test_zh_violations(line, kind):
    v = self_name_violation(line, ZH, "zh")
    assert v is not None and v.kind == kind and v.span


@pytest.mark.parametrize("line", [
    "我叫贝多芬，你呢？",
    "我就是贝多芬。",
    "他们都说贝多芬疯了，可我不在乎。",
    "（贝多芬低头看着乐谱）这里还要改。",  # actions may describe the character from outside
    "贝多芬：「你来了。」",  # a speaker label is a convention, not narration
    "他来了，你快走吧。",  # speech about someone else
    "你来了。坐吧。",
])
def test_zh_lines_spoken_from_inside(line):
    assert self_name_violation(line, ZH, "zh") is None


@pytest.mark.parametrize("line, kind", [
    ("As Beethoven, I believe music is the soul.", "role_announce"),
    ("Stay in character? I do not understand you.", "role_announce"),
    ("Beethoven thinks this piece is not good enough.", "third_person"),
    ("Ludwig smiled warmly at her.", "third_person"),
    ("Beethoven's heart ached at the sound.", "third_person"),
    ('He smiled. "Hello."', "narrator"),
    ('"Hello," he said.', "narrator"),
    ("He turns to the window, his eyes dark.", "narrator"),
])
def test_en_violations(line, kind):
    v = self_name_violation(line, EN, "en")
    assert v is not None and v.kind == kind


@pytest.mark.parametrize("line", [
    "I am Beethoven, and who are you?",
    "Call me Beethoven.",
    "Beethoven is my name.",
    "They say Beethoven is mad.",
    "*Beethoven looks at the score* This needs work.",
    "He is late again, you know.",
    "Come, sit with me.",
])
def test_en_lines_spoken_from_inside(line):
    assert self_name_violation(line, EN, "en") is None


def test_aliases_count_as_names():
    assert self_name_violation("老贝觉得不行。", ZH, "zh") is None
    assert self_name_violation("老贝觉得不行。", ZH, "zh", aliases=["老贝"]).kind == "third_person"


def test_language_none_decides_by_script():
    assert self_name_violation("Beethoven thinks so.", EN).kind == "third_person"
    assert self_name_violation("贝多芬觉得不行。", ZH).kind == "third_person"
