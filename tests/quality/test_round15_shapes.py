"""Shapes the gate reads by structure since round 15, each with lines written for these tests."""

import pytest

from factory.quality import self_name_violation
from factory.quality.blacklist import default_blacklist
from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from factory.quality.gate import line_findings
from factory.quality.markdown import markdown

ZH, ZH_ALIASES = "关羽", ("关云长", "云长", "关二爷")
EN, EN_ALIASES = "Ivanhoe", ("Wilfred",)


def format_rules(line: str, language: str) -> list[str]:
    return [f.rule for f in check_line(line, language, [ZH if language == "zh" else EN], FormatConfig())]


def rules(line: str, language: str) -> list[str]:
    name, aliases = (ZH, ZH_ALIASES) if language == "zh" else (EN, EN_ALIASES)
    return [f.rule for f in line_findings(line, name, language, default_blacklist(), aliases)]


def kind(line: str, language: str) -> str | None:
    name, aliases = (ZH, ZH_ALIASES) if language == "zh" else (EN, EN_ALIASES)
    v = self_name_violation(line, name, language, aliases)
    return v.kind if v else None


# --- list / markdown structure by line shape, whatever the enumerator


@pytest.mark.parametrize(
    "line",
    [
        "某的兵器：\n① 青龙偃月刀\n② 赤兔马",
        "行军要诀：\n· 粮草先行\n· 夜不卸甲",
        "Ⅰ. 温酒斩华雄\nⅡ. 过五关",
        "第一步 扎营\n第二步 探路",
        "| 战役 | 结果 |\n| 白马 | 胜 |",
        "| Foe | Fate |\n|---|---|",
        "> 酒且斟下\n> 某去便来",
        "a) Sharpen the lance\nb) Mount the horse",
        "Step 1: saddle up.\nStep 2: ride.",
        "破敌之法：第一步，断其粮道；第二步，夺其营寨；第三步，追其残部。",
    ],
)
def test_list_shapes_are_formatting_not_truncation(line):
    assert markdown(line)
    found = format_rules(line, "zh" if any("\u4e00" <= c <= "\u9fff" for c in line) else "en")
    assert "format.markdown" in found and "format.truncated" not in found


@pytest.mark.parametrize(
    "line",
    [
        "I rode north.\nI came back alone.",  # a Latin I opening lines is a pronoun, not a Roman numeral
        "A knight came.\nA squire followed.",
        "第一次见大哥，第二次见三弟，都在那一年。",  # two ordinals of one unit in speech
        "Say it > twice.",
    ],
)
def test_speech_is_not_a_list(line):
    assert markdown(line) is None


# --- the two bugs: a refrain ending on a pronoun; 一遍 as a measure word


def test_a_refrain_is_whole_even_when_it_ends_on_a_pronoun():
    assert "format.truncated" not in format_rules("Hold her, hold her, hold her", "en")
    assert "format.truncated" in format_rules("Hold her close, he cried, and then he kissed her", "en")


def test_a_measure_word_is_not_a_narrated_reaction():
    assert "format.speaks_for_user" not in format_rules("你再骂一句试试！", "zh")
    assert "format.speaks_for_user" not in format_rules("你敢再碰一次试试！", "zh")
    assert "format.speaks_for_user" in format_rules("你心头一软，默默垂下了头。", "zh")


# --- role announcements as a frame


@pytest.mark.parametrize(
    "line, language",
    [
        ("站在关羽的立场，我会说：某宁死不降。", "zh"),
        ("我此刻的身份是关云长，下面都用他的口吻。", "zh"),
        ("好的，切换到武圣模式！", "zh"),
        ("若由关羽本人来作答，大概是一句话：忠义。", "zh"),
        ("Stepping into Ivanhoe's shoes: the lists at Ashby were mine.", "en"),
        ("From Ivanhoe's point of view, the Templar was the worst of them.", "en"),
        ("Switching to knight mode — have at thee!", "en"),
        ("Roleplaying Ivanhoe now. Rowena, I have returned.", "en"),
    ],
)
def test_role_frames(line, language):
    assert kind(line, language) == "role_announce"


@pytest.mark.parametrize(
    "line, language",
    [
        ("站在城楼上看，敌营的灯火一片。", "zh"),
        ("From the castle's point of view, the siege was hopeless.", "en"),
    ],
)
def test_perspective_without_the_name_is_speech(line, language):
    assert kind(line, language) is None


# --- zh hedges by structure, statements only


@pytest.mark.parametrize(
    "line",
    [
        "骑兵步兵，各有各的用处，关键看怎么调度。",
        "刀与枪并无优劣之分，顺手的便是好的。",
        "忠与孝之间，需要找到一个平衡点。",
        "将与相，各自有各自的难处。",
    ],
)
def test_zh_hedge_frames(line):
    assert "tone.generic" in rules(line, "zh")


@pytest.mark.parametrize(
    "line",
    [
        "兄弟之间，哪有什么高下之分！",  # shouted: a position taken
        "忠奸岂能一概而论？",  # a rhetorical question argues
    ],
)
def test_zh_frames_shouted_or_asked_are_positions(line):
    assert "tone.generic" not in rules(line, "zh")


def test_en_balance_frame():
    assert "tone.generic" in rules(
        "Courage and caution both have their place, and striking a balance is wise.", "en"
    )


# --- en assistant openers by discourse position


@pytest.mark.parametrize(
    "line",
    [
        "Sure! Below is a short account of the tournament at Ashby.",
        "Absolutely! Let's dive into the siege of Torquilstone.",
        "What an excellent question about the Templars.",
        "Here's a quick summary of my return from the Crusade.",
    ],
)
def test_en_assistant_openers(line):
    assert "tone.assistant" in rules(line, "en")


@pytest.mark.parametrize(
    "line",
    [
        "Certainly, Rowena. Here is the ring you lost.",  # a vocative: the scene
        "Of course! Here's my sword, take it.",  # a thing presented, not a text
    ],
)
def test_assent_in_the_scene_is_speech(line):
    assert "tone.assistant" not in rules(line, "en")


# --- epithets as the narrator; humble self-naming as speech


@pytest.mark.parametrize(
    "line, language",
    [
        ("这红脸大汉提起大刀，一刀斩了过去。", "zh"),
        ("The wounded knight lowered his lance and sighed.", "en"),
    ],
)
def test_epithet_narrator(line, language):
    assert kind(line, language) == "narrator"


@pytest.mark.parametrize(
    "line, language",
    [
        ("这红脸大汉，便是我的二哥。", "zh"),  # a first person: the character speaks of someone
        ("The wounded knight beside me groaned.", "en"),
    ],
)
def test_epithet_with_a_speaker_is_speech(line, language):
    assert kind(line, language) is None


@pytest.mark.parametrize("line", ["云长此生，只认大哥一人。", "云长不过是个寻常武夫，当不得如此夸赞。"])
def test_zh_humble_or_vowing_self_naming_is_speech(line):
    assert kind(line, "zh") is None


def test_zh_encyclopedic_self_naming_still_caught():
    assert kind("关羽是三国时期蜀汉的名将，以忠义著称。", "zh") == "third_person"


# --- refusals of the exchange by referral


@pytest.mark.parametrize(
    "line, language",
    [
        ("此事超出了我的能力范围，还请咨询相关专业人士。", "zh"),
        ("I can't offer medical advice; please consult a licensed physician.", "en"),
    ],
)
def test_referral_refusals(line, language):
    assert any(r in ("tone.refusal", "blacklist.refusal") for r in rules(line, language))
