"""Round 21, Chinese side: mechanisms for the misses and false positives of heldout10. Lines written
for these tests (other characters, other words); each mechanism has caught lines and hard negatives."""

import pytest

from factory.lang import character_names
from factory.quality.blacklist import default_blacklist
from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from factory.quality.gate import line_findings

# a self-term (本王) listed among the aliases, as a user may do
ZH, ZH_ALIASES = "萧北辰", ("燕王", "王爷", "本王")


def rules(line: str) -> set[str]:
    names = character_names(ZH, ZH_ALIASES, mentions=True)
    found = line_findings(line, ZH, "zh", default_blacklist(), ZH_ALIASES)
    return {f.rule for f in found} | {f.rule for f in check_line(line, "zh", names, FormatConfig())}


# --- a self-term is the first person even when listed as an alias --------------------------------
def test_self_term_alias_is_not_a_name() -> None:
    names = character_names(ZH, ZH_ALIASES, mentions=True)
    assert "本王" not in names and "燕王" in names and "萧北辰" in names
    # a speaker label is still the character's (the stages' sense of the names)
    assert "本王" in character_names(ZH, ZH_ALIASES)


SELF_TERM_SPEECH = [
    "谁敢再踏进这道城门半步，本王便叫他有来无回。",
    "身为北境之主，本王许下的诺言，从不收回。",
    "本王累了，你们都退下吧。",
]
ANNOUNCED_WITH_SELF_TERM = [
    "作为北境藩王萧北辰，本王当然不会向朝廷低头。",
]
THIRD_PERSON = [
    "萧北辰冷笑一声，拂袖而去。",
]


@pytest.mark.parametrize("line", SELF_TERM_SPEECH)
def test_self_term_speech_is_ok(line: str) -> None:
    assert not rules(line), rules(line)


@pytest.mark.parametrize("line", ANNOUNCED_WITH_SELF_TERM + THIRD_PERSON)
def test_role_and_third_person_still_caught(line: str) -> None:
    assert rules(line)


# --- code-switching: short Latin runs with no English function word are words of a Chinese line ---
CODE_SWITCHED = [
    "Hi，Hi，大家先坐好，camera ready！",
    "Yes，yes，我这就改，deadline前一定交。",
]
ENGLISH_CLAUSES = [
    "慢着。We have to count the coins before anyone leaves the shop.",
    "住手！Put the sword down and step away from the gate.",
]
HANGUL_WITH_LOAN = ["好吧，OK，안녕하세요 감사합니다 여러분"]


@pytest.mark.parametrize("line", CODE_SWITCHED)
def test_code_switched_interjections_stay_chinese(line: str) -> None:
    assert "format.wrong_language" not in rules(line)


@pytest.mark.parametrize("line", ENGLISH_CLAUSES + HANGUL_WITH_LOAN)
def test_english_clause_or_other_script_is_wrong_language(line: str) -> None:
    assert "format.wrong_language" in rules(line)


# --- scene narration: a thing shown moving, a split directional complement, a place filled -------
SCENES = [
    "马车在山道上颠簸，车帘来回晃荡，车厢里一片寂静。",
    "排练厅里灯光忽明，众人齐齐抬起头来，窗外飘进一阵细雨。",
]
SCENE_AFTER_SPEECH = ["好，我这就出发。马车在山道上颠簸，车帘来回晃荡，车厢里一片寂静。"]
SPOKEN_NOT_SCENE = [
    "屋里一片漆黑，我什么也看不见，你快点灯。",
    "把头抬起来，看着我的眼睛说话。",
    "车帘来回晃荡，晃得我头都晕了。",
    "那天车厢里一片寂静，谁也没说话。",
]


@pytest.mark.parametrize("line", SCENES + SCENE_AFTER_SPEECH)
def test_scene_marks_caught(line: str) -> None:
    assert "selfname.narrator" in rules(line), rules(line)


@pytest.mark.parametrize("line", SPOKEN_NOT_SCENE)
def test_spoken_lines_with_scene_words_are_ok(line: str) -> None:
    assert "selfname.narrator" not in rules(line), rules(line)


# --- an encyclopedia entry: the name alone, then appositions closed by an agent suffix (…主, …师) ---
ENTRIES = ["萧北辰，大燕开国第三代藩主，骁勇善战，性情孤傲，为朝中诸臣所忌。"]
NOT_ENTRIES = [
    "萧北辰，你这个藩主当得可真窝囊。",
    "萧北辰，北境之主，今日便与你一决生死！",
]


@pytest.mark.parametrize("line", ENTRIES)
def test_entry_closed_by_office_caught(line: str) -> None:
    assert rules(line)


@pytest.mark.parametrize("line", NOT_ENTRIES)
def test_name_then_office_in_speech_not_an_entry(line: str) -> None:
    assert "selfname.narrator" not in rules(line), rules(line)


# --- a service's own rules cited after an in-character refusal -----------------------------------
POLICY_REFUSALS = ["休想！——不好意思，按照平台的内容准则，这类细节我不便展开。"]
CHARACTER_RULES = [
    "按祖宗家法，本王不能放你进宫。",
    "按安全规范，你得先戴好安全帽再进车间。",
]


@pytest.mark.parametrize("line", POLICY_REFUSALS)
def test_service_policy_refusal_caught(line: str) -> None:
    assert rules(line)


@pytest.mark.parametrize("line", CHARACTER_RULES)
def test_rules_of_the_story_world_are_ok(line: str) -> None:
    assert not rules(line), rules(line)


# --- two labels taking turns run into one line: both sides of an exchange written ----------------
TURNS = [
    "甲：今日天气如何？乙：晴空万里。甲：那便出城踏青。",
    "师：何为道？徒：道在脚下。师：再答。",
]
HEADINGS = [
    "其一：不可贪杯。其二：不可恋战。其三：不可轻敌。",
    "注意：城门酉时关闭。记住，过时不候。",
]


@pytest.mark.parametrize("line", TURNS)
def test_alternating_labels_caught(line: str) -> None:
    assert "format.speaks_for_user" in rules(line), rules(line)


@pytest.mark.parametrize("line", HEADINGS)
def test_headings_in_order_are_ok(line: str) -> None:
    assert "format.speaks_for_user" not in rules(line), rules(line)


# --- a simile of the set (月光似水) and an indefinite crowd (数十名兵丁) as depicted clauses -------
SIMILE_SCENES = ["天色如铅，数十名兵丁列队站定，无人出声。"]
SIMILE_SPOKEN = [
    "月光似水，我却怎么也睡不着。",
    "人生如梦，何必计较这些。",
]


@pytest.mark.parametrize("line", SIMILE_SCENES)
def test_simile_and_crowd_scene_caught(line: str) -> None:
    assert "selfname.narrator" in rules(line), rules(line)


@pytest.mark.parametrize("line", SIMILE_SPOKEN)
def test_simile_in_speech_is_ok(line: str) -> None:
    assert "selfname.narrator" not in rules(line), rules(line)


# --- the name as a topic picked up by 他/她 later in the sentence: told from outside --------------
TOPIC_PICKED_UP = ["萧北辰攥紧拳头，指节有些发白，他不愿让旁人看出自己的慌乱。"]
TOPIC_SPOKEN = [
    "萧北辰一生戎马，却从未让你们失望过。",
    "萧北辰这辈子，他谁也不服，我也一样。",
]


@pytest.mark.parametrize("line", TOPIC_PICKED_UP)
def test_name_topic_with_later_he_caught(line: str) -> None:
    assert "selfname.third_person" in rules(line), rules(line)


@pytest.mark.parametrize("line", TOPIC_SPOKEN)
def test_name_topic_in_speech_to_someone_is_not_third_person(line: str) -> None:
    assert "selfname.third_person" not in rules(line), rules(line)


# --- steps in sequence framed as a deliverable: a count of steps or a summary pointing back ------
STEP_LISTS = [
    "首先，备好干柴；其次，架起铁锅；最后，文火慢炖。这便是我的炖肉四步。",
    "首先，稳住马步；然后，沉肩坠肘；最后，一掌推出。\n以上就是这一招的全部诀窍。",
]
EVENTS_IN_ORDER = ["首先他骂了我一顿，然后摔门出去，最后连饭都没吃。"]


@pytest.mark.parametrize("line", STEP_LISTS)
def test_step_list_caught(line: str) -> None:
    assert "format.markdown" in rules(line), rules(line)


@pytest.mark.parametrize("line", EVENTS_IN_ORDER)
def test_events_told_in_order_are_ok(line: str) -> None:
    assert "format.markdown" not in rules(line), rules(line)
