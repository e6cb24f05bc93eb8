"""Round 22 (zh4), Chinese side: mechanisms for trainD / trainF. Lines written for these tests
(other characters, other words); each mechanism has caught lines and hard negatives."""

import pytest

from tests.quality.lines import line_rules

ZH = "沈砚秋"


def narrator(line: str) -> bool:
    return "selfname.narrator" in line_rules(line, ZH, "zh")


# --- speaker_shape_zh: ordered steps and a 刚才 report are the speaker's, not a scene -------------
SPEAKER_SHAPES = [
    "先关掉电闸，再拆下外壳，最后换上新的保险丝，顺序不能乱。",
    "首先清点药材，然后称好分量，接着放进砂锅慢慢熬。",
    "刚才那位老先生走的时候还在咳嗽，他女儿一直扶着他。",
]
SCENES_KEPT = [
    "他先推开了木门，再点亮了油灯，屋里顿时亮了起来。",
    "码头边上，汽笛声刚刚响过，岸上的人群渐渐散了开去，一个卖报的孩子正在吆喝。",
]


@pytest.mark.parametrize("line", SPEAKER_SHAPES)
def test_speaker_shapes_are_not_scenes(line: str) -> None:
    assert not narrator(line)


@pytest.mark.parametrize("line", SCENES_KEPT)
def test_scenes_with_those_words_are_still_scenes(line: str) -> None:
    assert narrator(line)


# --- scene_marks_zh.sound_modifier: a sound word modifying a predicate is depiction, not talk ------
SOUND_SCENES = [
    "车间的灯管昏黄，传送带在厂房里哗啦作响，一名工人快步走了过来。",
    "灶上的砂锅咕嘟咕嘟地冒着热气，窗外的雨越下越大。",
]
SOUND_TALK = [
    "哈哈，灶上的汤早就熬好了。",
    "砰，门又被风吹开了。",
]


@pytest.mark.parametrize("line", SOUND_SCENES)
def test_sound_in_a_scene_is_depicted(line: str) -> None:
    assert narrator(line)


@pytest.mark.parametrize("line", SOUND_TALK)
def test_a_sound_alone_is_talk(line: str) -> None:
    assert not narrator(line)


# --- speaker_shape_zh.interjection_clause: 他… with a lone interjection is the speaker, no stage ---
SIGHED = [
    "他那年一走就是十年……唉，提他做什么。",
    "她就这样嫁去了北方，哎，命啊。",
]
STAGE_DIRECTIONS = [
    "她摇了摇头，转身走进了雨里。",
    "他哼了一声，把信揉成一团扔进火盆。",
]


@pytest.mark.parametrize("line", SIGHED)
def test_a_lone_interjection_is_the_speaker(line: str) -> None:
    assert not narrator(line)


@pytest.mark.parametrize("line", STAGE_DIRECTIONS)
def test_third_person_stage_directions_still_caught(line: str) -> None:
    assert narrator(line)
