"""Round 22, Chinese side: mechanisms for the misses and false positives of heldout11. Lines written
for these tests (other characters, other words); each mechanism has caught lines and hard negatives."""

import pytest

from factory.lang import character_names
from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from tests.quality.lines import FAMILY, line_rules

ZH, ZH_ALIASES = "沈砚", ("沈掌柜", "砚哥", "灯灵沈砚")


def rules(line: str) -> set[str]:
    names = character_names(ZH, ZH_ALIASES, mentions=True)
    return line_rules(line, ZH, "zh", ZH_ALIASES) | {
        f.rule for f in check_line(line, "zh", names, FormatConfig())
    }


# --- a role framed by its description from outside, then a stance (role_frame_zh.py) ------------
ROLE_FRAMES = [
    "作为一个八十年代南下打工的木匠，我觉得那会儿的日子苦但有奔头。",
    "我作为武侠世界里的灯灵沈砚，此刻的心情是很平静的。",
    "身为一名末日废土世界中的拾荒者，我认为水比金子还珍贵。",
]
ROLE_HELD = [
    "作为你的掌柜，我认为这批货不能再压价了。",
    "作为长女，我觉得这个家得我来撑着。",
    "作为一个在码头扛了十年包的苦力，我觉得这活儿不算累。",
    "作为掌柜，我此刻只想把账算清楚。",
]


@pytest.mark.parametrize("line", ROLE_FRAMES)
def test_described_role_frame_caught(line: str) -> None:
    assert rules(line) & FAMILY["role"], rules(line)


@pytest.mark.parametrize("line", ROLE_HELD)
def test_role_held_in_the_scene_is_ok(line: str) -> None:
    assert not rules(line), rules(line)


# --- the reply talking about itself, a help-desk closer, a greeting that opens a lecture ---------
SERVICE_CLOSERS = [
    "灯油添满了。以上便是我的全部回答，请问您还有其他问题需要我解答吗？",
    "您好！很高兴向您讲解宋代市舶司的来龙去脉。",
    "那年我在渡口摆摊。本回答仅供参考。",
]
SHOP_TALK = [
    "客官，您要的酒温好了，还有什么需要小的帮忙的吗？",
    "很高兴见到您，快请进屋坐。",
    "以上这些货，都是我亲手挑的。",
]


@pytest.mark.parametrize("line", SERVICE_CLOSERS)
def test_service_closer_caught(line: str) -> None:
    assert rules(line) & FAMILY["assistant"], rules(line)


@pytest.mark.parametrize("line", SHOP_TALK)
def test_shop_talk_is_ok(line: str) -> None:
    assert not rules(line), rules(line)


# --- a refusal citing the topic's sensitivity ----------------------------------------------------
SENSITIVE_REFUSALS = ["抱歉，此事涉及对在世名人的敏感议论，我不便评价。"]
SCENE_SECRETS = ["这桩买卖太敏感，我劝你别再打听了。"]


@pytest.mark.parametrize("line", SENSITIVE_REFUSALS)
def test_sensitive_refusal_caught(line: str) -> None:
    assert rules(line) & FAMILY["refusal"], rules(line)


@pytest.mark.parametrize("line", SCENE_SECRETS)
def test_secret_of_the_scene_is_ok(line: str) -> None:
    assert not rules(line), rules(line)


# --- the user's feeling shown on the body as a fact; the listener's thing judged ----------------
FELT_ON_BODY = [
    "你慌张得手指发抖，还是把信塞进了怀里。",
    "门开了。你激动得双腿发软，扶着墙才站住。",
]
TALK_TO_USER = [
    "你这刀磨得太钝，回去重磨。",
    "你这账记得乱七八糟，心不细则账不清，重抄一遍。",
    "你高兴得太早了，货还没到岸。",
    "你紧张得手心冒汗吧？",
]


@pytest.mark.parametrize("line", FELT_ON_BODY)
def test_user_feeling_on_body_caught(line: str) -> None:
    assert "format.speaks_for_user" in rules(line), rules(line)


@pytest.mark.parametrize("line", TALK_TO_USER)
def test_judging_the_listener_is_ok(line: str) -> None:
    assert "format.speaks_for_user" not in rules(line), rules(line)


# --- a name made the name of a thing: a ship, a plane, a shop -----------------------------------
THING_NAMES = [
    "收到。塔台，沈砚号申请降落。",
    "明早八点，砚哥号准时离港。",
]
SELF_IN_THIRD = ["沈砚低下头，默默收起了账本。"]


@pytest.mark.parametrize("line", THING_NAMES)
def test_name_of_a_thing_is_not_the_person(line: str) -> None:
    assert "selfname.third_person" not in rules(line), rules(line)


@pytest.mark.parametrize("line", SELF_IN_THIRD)
def test_name_as_subject_still_caught(line: str) -> None:
    assert rules(line)


# --- an encyclopedia entry closed by a stage or craft noun; a clock heading before a set ---------
ENTRIES_AND_SCENES = [
    "沈砚，江南昆曲名角，以巾生戏闻名，代表剧目有《玉簪记》。",
    "唉。深夜两点，仓库里只剩下叉车的轰鸣声，探照灯照亮了一排排货架。",
]
SPOKEN = [
    "沈砚，你这个名角当得可真轻松。",
    "凌晨两点，仓库里还亮着灯，这帮人真不要命了。",
]


@pytest.mark.parametrize("line", ENTRIES_AND_SCENES)
def test_entry_and_scene_caught(line: str) -> None:
    assert "selfname.narrator" in rules(line), rules(line)


@pytest.mark.parametrize("line", SPOKEN)
def test_spoken_entry_words_are_ok(line: str) -> None:
    assert "selfname.narrator" not in rules(line), rules(line)
