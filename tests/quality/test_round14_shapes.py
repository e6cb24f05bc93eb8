"""Shapes the gate reads by structure since round 14, each with lines written for these tests."""

import pytest

from factory.quality import self_name_violation
from factory.quality.blacklist import default_blacklist
from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from factory.quality.gate import line_findings
from factory.quality.generic import generic_statement
from factory.quality.length import is_filler, too_short
from factory.quality.second_person import narrates_user

ZH, ZH_ALIASES = "项羽", ("项籍", "西楚霸王", "霸王")
EN, EN_ALIASES = "Robin Hood", ("Robin",)


def format_rules(line: str, language: str, names=(ZH,)) -> list[str]:
    return [f.rule for f in check_line(line, language, list(names), FormatConfig())]


def tone_rules(line: str, language: str) -> list[str]:
    found = line_findings(line, ZH if language == "zh" else EN, language, default_blacklist(), ())
    return [f.rule for f in found if f.rule.startswith(("tone.", "blacklist."))]


# --- second-person narration: the line tells what the user does


@pytest.mark.parametrize(
    "line, language",
    [
        ("你愣了一愣，手里的酒碗差点掉在地上。", "zh"),
        ("你咬了咬牙，跟着我冲进了敌阵。", "zh"),
        ("你眼中一亮，终于露出了笑容。", "zh"),
        ("You swallow hard and take a step back from the fire.", "en"),
        ("Your fingers tremble as you untie the purse.", "en"),
        ("You shiver in the cold wind and pull your cloak tighter.", "en"),
    ],
)
def test_narrating_the_user_speaks_for_the_user(line, language):
    assert narrates_user(line, language)
    assert "format.speaks_for_user" in format_rules(line, language, (ZH if language == "zh" else EN,))


@pytest.mark.parametrize(
    "line, language",
    [
        ("你猜得没错，我正是从江东来的。", "zh"),  # one mark: a remark on the user's guess
        ("你长高了不少，都快认不出来了。", "zh"),  # the final 了 of a remark
        ("你别怕，跟紧我就是了。", "zh"),  # a request
        ("你若是肯降，我饶你不死。", "zh"),  # a condition
        ("你心里清楚，这一仗输不得。", "zh"),
        ("You think the sheriff will find us here?", "en"),
        ("You walk into my forest as if you owned it.", "en"),  # a comparison: a remark
        ("You shiver like a wet cat, friend.", "en"),  # said to the user, named
        ("You make me laugh.", "en"),
        ("You never know who rides through Sherwood.", "en"),
        ("You said the abbot was a fair man. You were wrong.", "en"),  # the user's words recalled
    ],
)
def test_talking_to_the_user_is_not_narrating_the_user(line, language):
    assert narrates_user(line, language) is None


def test_the_reporting_frame_before_a_quote_is_narration_of_the_user():
    assert "format.speaks_for_user" in format_rules("你慌忙抱拳说：“霸王息怒！”我冷笑一声。", "zh")
    assert "format.speaks_for_user" in format_rules('You grin and say, "Lead the way." So I do.', "en", (EN,))
    assert "format.speaks_for_user" not in format_rules("你说：“我不去。”——每次都是这句话。", "zh")


# --- quoted spans are other people's words; self-proclamation; time words after the name


@pytest.mark.parametrize(
    "line, language",
    [
        ("「力拔山兮气盖世，项羽一怒天下惊」，这歌说的就是我。", "zh"),
        ("街上的童谣唱“霸王过江来”，我听了只是笑。", "zh"),
        ("西楚霸王在此，谁敢上前！", "zh"),
        ('The ballad says "Robin steals from the rich" — and so I do.', "en"),
    ],
)
def test_the_name_in_a_quotation_or_a_proclamation_is_no_third_person(line, language):
    names = (ZH, ZH_ALIASES) if language == "zh" else (EN, EN_ALIASES)
    v = self_name_violation(line, names[0], language, names[1])
    assert v is None or v.kind != "third_person"


def test_a_time_word_after_the_name_still_makes_it_the_subject():
    v = self_name_violation("项羽此时已杀红了眼，提戟便冲。", ZH, "zh", ZH_ALIASES)
    assert v is not None and v.kind == "third_person"


def test_in_the_role_of_needs_the_name_and_a_pronoun_after_another_name_is_that_person():
    assert (
        self_name_violation("In the role of outlaw I have no rival in England.", EN, "en", EN_ALIASES) is None
    )
    assert self_name_violation("In the role of Robin Hood, I would say: shoot!", EN, "en", EN_ALIASES)
    line = 'Marian said, "Come home safe." She says that every time, and she means it.'
    assert self_name_violation(line, EN, "en", EN_ALIASES) is None
    v = self_name_violation('He laughed and said, "Come home safe."', EN, "en", EN_ALIASES)
    assert v is not None and v.kind == "narrator"


# --- assistant talk without an exchange noun; changing the subject; in-scene service


@pytest.mark.parametrize(
    "line, language",
    [
        ("我只是一个基于大数据训练的问答程序，并不会骑马。", "zh"),
        ("亲，我随时在线，有事尽管找我。", "zh"),
        ("如有错误之处，还望海涵，这段史料我再核对一下。", "zh"),
        ("I'm simply a text-based simulation, so I can't actually draw a bow.", "en"),
        ("I was built to answer questions about medieval England.", "en"),
        ("So good to hear from you! What would you like to learn about Sherwood?", "en"),
        ("This account is for entertainment purposes and may not be accurate.", "en"),
    ],
)
def test_assistant_talk_by_structure(line, language):
    assert "tone.assistant" in tone_rules(line, language) or any(
        r == "blacklist.assistant_tone" for r in tone_rules(line, language)
    )


@pytest.mark.parametrize(
    "line, language",
    [
        ("这个问题有点敏感，咱们聊点别的吧。", "zh"),
        ("Let's switch the topic to something more appropriate.", "en"),
    ],
)
def test_changing_the_subject_for_proprietys_sake_is_a_refusal(line, language):
    assert "tone.refusal" in tone_rules(line, language)


@pytest.mark.parametrize(
    "line, language",
    [
        ("换个话题吧，说这些伤心事做什么。", "zh"),  # a deflection in the scene, no propriety named
        ("Is there anything else I can pour you, my lord? More ale?", "en"),
        ("I'd be happy to help you over the wall, if you'll hold my bow.", "en"),
        ("This bow was built to shoot a furlong.", "en"),
    ],
)
def test_in_scene_service_and_deflection_stay(line, language):
    assert tone_rules(line, language) == []


# --- backchannels, whole one-word replies, verse


@pytest.mark.parametrize("line", ["嗯嗯嗯嗯。", "好的好的好的", "哈哈。", "呵呵呵"])
def test_doubled_backchannels_are_backchannels_zh(line):
    assert is_filler(line, "zh")


@pytest.mark.parametrize("line", ["Hahaha.", "Yes, yes, yes.", "Mm."])
def test_doubled_backchannels_are_backchannels_en(line):
    assert is_filler(line, "en")


def test_a_one_word_verdict_that_ends_as_a_sentence_is_whole():
    assert not too_short("斩。", "zh", 2)
    assert too_short("酒", "zh", 2)  # a bare noun without its stop (a lone verb is a command: round 17)


@pytest.mark.parametrize(
    "line, language",
    [
        ("大风起兮，云飞扬", "zh"),
        ("力拔山兮气盖世，时不利兮骓不逝", "zh"),
        ("天长地久有时尽，此恨绵绵无绝期", "zh"),
        ("Over the hills, under the oaks, into the green of the wood", "en"),
        ("Run, Robin, run, Robin, run, Robin", "en"),
    ],
)
def test_verse_without_a_final_stop_is_not_cut_off(line, language):
    assert "format.truncated" not in format_rules(line, language, (ZH if language == "zh" else EN,))


@pytest.mark.parametrize(
    "line, language",
    [
        ("那年我在乌江边上，亭长撑着船，对我说", "zh"),
        ("We rode out at dawn, the sheriff close behind, and by noon we could not", "en"),
    ],
)
def test_prose_cut_off_is_still_cut_off(line, language):
    assert "format.truncated" in format_rules(line, language, (ZH if language == "zh" else EN,))


# --- hedges by structure


@pytest.mark.parametrize(
    "line",
    [
        "Whether to fight or to flee is a matter each of us settles alone.",
        "Archery suits some men and bores others to tears.",
        "It really depends.",
        "Courage is personal, and nobody can define it for you.",
    ],
)
def test_hedges_without_the_listed_phrases(line):
    assert generic_statement(line, "en")


def test_a_characters_own_choice_is_no_hedge():
    assert generic_statement("Whether I fight or flee is my own affair, Sheriff.", "en") is None
