"""Shapes the gate reads by structure since round 16, each with lines written for these tests."""

import pytest

from factory.quality import self_name_violation
from factory.quality.blacklist import default_blacklist
from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from factory.quality.gate import line_findings

ZH, ZH_ALIASES = "关羽", ("关云长", "云长", "关二爷")
EN, EN_ALIASES = "Ivanhoe", ("Wilfred",)


def _lang(line: str) -> str:
    return "zh" if any("\u4e00" <= c <= "\u9fff" for c in line) else "en"


def rules(line: str) -> list[str]:
    language = _lang(line)
    name, aliases = (ZH, ZH_ALIASES) if language == "zh" else (EN, EN_ALIASES)
    found = line_findings(line, name, language, default_blacklist(), aliases)
    return [f.rule for f in found] + [f.rule for f in check_line(line, language, [name], FormatConfig())]


def kind(line: str) -> str | None:
    language = _lang(line)
    name, aliases = (ZH, ZH_ALIASES) if language == "zh" else (EN, EN_ALIASES)
    v = self_name_violation(line, name, language, aliases)
    return v.kind if v else None


# --- a stage direction whose actor is a descriptive epithet


@pytest.mark.parametrize(
    "line",
    [
        "（老者捋须点头）此言甚善。",
        "（那红脸汉子横刀立马）谁敢一战？",
        "(the knight bows low) My lady, the lists are ready.",
    ],
)
def test_epithet_actor_in_a_stage_direction_is_the_narrator(line):
    assert kind(line) == "narrator"


@pytest.mark.parametrize(
    "line",
    [
        "（抚须）且慢，容某再想想。",  # no subject: the convention
        "（老者递给我一封信）多谢老丈。",  # someone else acts on me
        "（他抚着长须）且慢，容某再想想。",  # a pronoun or the name: a script's stage direction
        "*he draws his sword* Stand back, all of you!",
        "*draws his sword* Stand back, all of you!",
        "*she slaps me* How dare you say that to my face?",
        "*I close the gate.* Nobody passes tonight.",
        "（云长横刀立马）谁敢与我一战？",  # the name as a script's speaker tag: the convention
        "*Wilfred lowers his visor* Then let it be settled here.",
    ],
)
def test_subjectless_or_first_person_stage_directions_stay(line):
    assert kind(line) is None


# --- narration framing a quote: an epithet without a demonstrative, a demonstrative before the name


def test_bare_epithet_framing_a_quote_is_narration():
    assert kind("红脸大汉抚须大笑，喝道：「拿酒来！」") == "narrator"


def test_bare_epithet_without_a_frame_stays():
    assert kind("将军百战死，壮士十年归。") is None


def test_demonstrative_before_the_name_is_narration():
    assert kind("那关云长提刀上马，大喝道：「休走！」") == "third_person"


# --- zh self-name read by sentence: illeism after 我, in an exclamation; 得 makes a verb


@pytest.mark.parametrize("line", ["大哥叫我守荆州，云长便守荆州。", "荆州若失，云长誓不为人！"])
def test_zh_illeism_in_speech_stays(line):
    assert kind(line) is None


@pytest.mark.parametrize("line", ["云长听罢，抚须不语。", "云长气得拔刀，转身便走。"])
def test_zh_name_as_narrated_subject_is_caught(line):
    assert kind(line) == "third_person"


def test_zh_role_entered_with_the_name_between():
    assert kind("进入关二爷角色：某来也。") == "role_announce"


# --- en: irregular past after the name; a creed with a negative quantifier


def test_en_irregular_past_after_the_name_is_narration():
    assert kind("Wilfred knelt before the king and swore to ride north.") == "third_person"


@pytest.mark.parametrize("line", ["Ivanhoe fears no man.", "Wilfred bows to nobody in this hall."])
def test_en_creed_with_a_negative_quantifier_is_illeism(line):
    assert kind(line) is None


def test_en_present_verb_without_the_quantifier_still_narrates():
    assert kind("Ivanhoe fears the dark tower more than any lance.") == "third_person"


# --- zh truncation: words no clause ends on, an adverb left without its verb


@pytest.mark.parametrize("line", ["我过五关，斩六将，到了古城便", "城破那一日，我独自在麦城"])
def test_zh_cut_mid_clause(line):
    assert "format.truncated" in rules(line)


@pytest.mark.parametrize("line", ["桃园结义，生死与共", "我独自守在麦城"])
def test_zh_whole_without_a_stop(line):
    assert "format.truncated" not in rules(line)


# --- zh second person narrated: story adverbs, the durative 着, V了V


@pytest.mark.parametrize("line", ["你顿时红了脸，低头不语。", "你捧着酒碗，喝着喝着便哭了出来。"])
def test_zh_user_narrated(line):
    assert "format.speaks_for_user" in rules(line)


@pytest.mark.parametrize("line", ["你果然来了。", "你等着。", "你拿着这把刀，替我守住城门。"])
def test_zh_user_addressed(line):
    assert "format.speaks_for_user" not in rules(line)


# --- talk about the exchange


def test_zh_presented_introduction_for_reference_is_assistant_talk():
    assert "tone.assistant" in rules("以下是关于我一生的简短介绍，供您参考。")


def test_referral_to_any_professional_is_a_refusal():
    assert "tone.refusal" in rules("I can't go into that; please reach out to a licensed tax professional.")


def test_vocative_after_the_praise_is_the_scene():
    assert not {"tone.assistant", "blacklist.assistant_tone"} & set(
        rules("What a fascinating question, my lady, and the answer lies at Torquilstone.")
    )
    assert "tone.assistant" in rules("What a fascinating question! Let me break it down for you.")


def test_apology_with_a_scene_verb_is_no_refusal():
    assert not any("refusal" in r for r in rules("I'm afraid I cannot let you pass, Sir Brian."))
    assert "blacklist.refusal" in rules("I'm sorry, but I can't help with that.")


def test_a_thing_presented_after_assent_is_the_scene():
    found = set(rules("Of course! Here's your horse, saddled and ready."))
    assert not {"tone.assistant", "blacklist.assistant_tone"} & found
    assert "tone.assistant" in rules("Of course! Here's a quick summary of the tournament.")


# --- generic statements


@pytest.mark.parametrize(
    "line",
    [
        "Chivalry is a tangled matter, and it's worth weighing every viewpoint.",
        "In the end it's up to each individual to act responsibly.",
    ],
)
def test_en_generic_shapes(line):
    assert "tone.generic" in rules(line)


def test_en_generic_anchored_by_a_proper_noun_stays():
    assert "tone.generic" not in rules(
        "Everyone at Rotherwood has their own quarrel, and all of them are loud."
    )


# --- too short: a lone interjection or address, not exclaimed


@pytest.mark.parametrize("line", ["Humph.", "Madam?", "哎呀。"])
def test_lone_interjection_is_too_short(line):
    assert "format.too_short" in rules(line)


@pytest.mark.parametrize("line", ["Humph!", "哎呀！", "Begone."])
def test_exclaimed_interjection_or_command_stays(line):
    assert "format.too_short" not in rules(line)
