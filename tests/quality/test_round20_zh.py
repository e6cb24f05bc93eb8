"""Round 20, Chinese side: mechanisms for the misses and false positives of heldout9 (a title the
character holds, a thing switched into a mode, reported relativity then the speaker's own case, the
establishing shot of a set, bound morphemes that carry no modality, help-desk refusals and offers,
an epithet on the character's own title, a second speaker's label inside the line). Lines written
for these tests (other characters, other words); each mechanism has caught lines and hard negatives."""

import pytest

from factory.quality import zh
from factory.quality.blacklist import default_blacklist
from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line, ends_open
from factory.quality.gate import line_findings
from factory.quality.generic import generic_statement
from factory.quality.scene_zh import scene_narration
from factory.quality.second_person import narrates_user

ZH, ZH_ALIASES = "秦铁山", ("秦掌门", "掌门", "铁山")


def rules(line: str) -> set[str]:
    found = line_findings(line, ZH, "zh", default_blacklist(), ZH_ALIASES)
    return {f.rule for f in found} | {
        f.rule for f in check_line(line, "zh", [ZH, *ZH_ALIASES], FormatConfig())
    }


def test_title_is_a_dictionary_noun_not_a_name() -> None:
    rules("掌门")  # the names are taught to the tokenizer
    assert zh.is_title("掌门")
    assert not zh.is_title("秦铁山") and not zh.is_title("秦掌门")


# --- 身为/作为 + a title held: the character's duty; + its name: a role announced -------------------
DUTY = [
    "身为掌门，我不能眼看着门下弟子去送死。",
    "作为掌门，我有责任护住这座山门。",
]
ANNOUNCED = [
    "作为秦铁山，我来讲讲这门功夫的来历。",  # the name itself
    "作为铁山，我想说两句。",  # a part of the own name, not a title
    "作为掌门，我来回答你这个问题。",  # the announcer goes on to answer the user
]


@pytest.mark.parametrize("line", DUTY)
def test_duty_of_a_title_is_no_announcement(line: str) -> None:
    assert "selfname.role_announce" not in rules(line)


@pytest.mark.parametrize("line", ANNOUNCED)
def test_name_frame_still_announces(line: str) -> None:
    assert "selfname.role_announce" in rules(line)


# --- a mode switch: a thing switched (把/将 + noun) vs the persona ---------------------------------
@pytest.mark.parametrize(
    "line", ["把炉子切换到保温模式，汤还得再炖一会儿。", "将阵法切换成防御模式，谁也别出去。"]
)
def test_thing_switched_into_a_mode_is_kept(line: str) -> None:
    assert "selfname.role_announce" not in rules(line)


@pytest.mark.parametrize("line", ["好，现在切换到掌门模式。", "我把自己切换成秦掌门模式了。"])
def test_persona_switched_into_a_mode_announces(line: str) -> None:
    assert "selfname.role_announce" in rules(line)


# --- a stage direction whose actor is the title held ---------------------------------------------
def test_title_as_actor_of_a_stage_direction_is_narration() -> None:
    assert "selfname.narrator" in rules("（掌门负手立在崖边，久久望着山下渐渐熄灭的灯火）")


@pytest.mark.parametrize("line", ["（铁山负手而立）走吧，天快黑了。", "（负手而立）走吧，天快黑了。"])
def test_name_or_no_actor_in_a_stage_direction_is_kept(line: str) -> None:
    assert "selfname.narrator" not in rules(line)


# --- reported relativity, then the speaker's own case --------------------------------------------
def test_distributive_then_own_case_is_kept() -> None:
    line = "爹说世上的人各有各的打算。可我看你呀，心眼实在得很。"
    assert "tone.generic" not in rules(line)


def test_distributive_alone_is_generic() -> None:
    assert generic_statement("世上的人各有各的打算，不必强求。", "zh") is not None


# --- the establishing shot of a set; 一V一V -------------------------------------------------------
SET = [
    "祠堂里香烟缭绕，族人跪拜在地，谁也不敢吭声。",
    "雷达屏上绿点一闪一闪，值班员盯紧了屏幕，谁都没有说话。",
]
SET_KEPT = [
    "院里桃花开了，你快来看吧！",  # the user addressed
    "城里失火了，烧了好几间铺子。",  # news reported
    "祠堂里香烟缭绕，我跪在地上，一动也不敢动。",  # the speaker in it
]


@pytest.mark.parametrize("line", SET)
def test_set_described_is_scene(line: str) -> None:
    assert scene_narration(line) is not None


@pytest.mark.parametrize("line", SET_KEPT)
def test_set_with_a_speaker_or_news_is_kept(line: str) -> None:
    assert scene_narration(line) is None


# --- 要/会 bound in another word carry no modality ----------------------------------------------
def test_user_assent_told_with_a_bound_yao_is_narration() -> None:
    assert narrates_user("你嘴上不说，却还是咬着牙接受了老夫的要求。", "zh") is not None


@pytest.mark.parametrize("line", ["你要答应了我，我就放你走。", "你会明白的。", "你错过这次机会，可别怪我。"])
def test_modal_yao_hui_is_talk(line: str) -> None:
    assert narrates_user(line, "zh") is None


# --- help-desk refusals and offers ----------------------------------------------------------------
REFUSED = [
    "抱歉，涉及真实人物的隐私，我无法随意揣测。",
    "抱歉，这件事我不便做出推测。",
    "这件事我没有办法回答，咱们换个话题吧。",
]
OFFERED = ["我来帮你简单梳理一下这段历史。", "下面是几部值得一看的武侠小说推荐。"]
KEPT = [
    "此事本掌门不便评论，你回去吧。",  # a refusal in the scene
    "这案子我没办法，只好换个法子再查。",  # no topic changed
    "我帮你把行李收拾一下，明早就走。",  # a thing of the scene, not a text
    "下面是我定的三条门规：不偷，不抢，不欺弱小。",  # the speaker's own rules
]


@pytest.mark.parametrize("line", REFUSED)
def test_policy_refusal_is_caught(line: str) -> None:
    assert rules(line) & {"tone.refusal", "blacklist.refusal", "blacklist.assistant_tone"}


@pytest.mark.parametrize("line", OFFERED)
def test_help_offer_is_caught(line: str) -> None:
    assert rules(line) & {"tone.assistant", "blacklist.assistant_tone"}


@pytest.mark.parametrize("line", KEPT)
def test_refusal_or_help_in_the_scene_is_kept(line: str) -> None:
    assert not rules(line) & {
        "tone.refusal",
        "tone.assistant",
        "blacklist.refusal",
        "blacklist.assistant_tone",
    }


# --- the inclusive sermon -------------------------------------------------------------------------
def test_inclusive_norm_is_generic() -> None:
    assert generic_statement("面对大自然，我们应当心怀敬畏，与万物和谐共处。", "zh") is not None


def test_own_norm_is_kept() -> None:
    assert generic_statement("这一仗，我应当早些出手的。", "zh") is None


# --- an epithet on the character's own title --------------------------------------------------------
def test_epithet_on_own_title_is_third_person() -> None:
    assert "selfname.third_person" in rules("这位年轻掌门性情孤傲，一生未尝败绩，江湖人称铁剑。")


@pytest.mark.parametrize(
    "line", ["这位掌门，我敬你一杯。", "那位秦掌门如今可好？", "这位姑娘生得真俊，你说是不是？"]
)
def test_title_epithet_with_a_speaker_or_the_name_is_kept(line: str) -> None:
    assert "selfname.third_person" not in rules(line)


# --- a second speaker's label inside the line -----------------------------------------------------
def test_two_labels_one_own_is_a_script() -> None:
    assert "format.speaks_for_user" in rules("弟子：禀报掌门，山门外有人求见。掌门：让他进来。")


@pytest.mark.parametrize("line", ["师父说过一句话。记住：剑在人在。", "弟子们都说掌门最疼小师妹。"])
def test_inline_colon_without_labels_is_kept(line: str) -> None:
    assert "format.speaks_for_user" not in rules(line)


# --- a bare numeral after 有/是: the measure word and noun were cut off ------------------------------
@pytest.mark.parametrize("line", ["老衲夜观星象，三日之内，这座城中必有一", "掌柜的说，后院柴房里还有两"])
def test_numeral_without_measure_is_truncated(line: str) -> None:
    assert ends_open(line, "zh") is not None


@pytest.mark.parametrize("line", ["这样的好苗子，百里挑一", "万法归一", "这碗面，天下第一"])
def test_numeral_closing_an_idiom_or_ordinal_is_kept(line: str) -> None:
    assert ends_open(line, "zh") is None


# --- a bare person noun acting as the first clause's subject ----------------------------------------
def test_person_noun_acting_opens_a_scene() -> None:
    assert scene_narration("汉子抹掉脸上的雨水，推开柴门，大步走了出去。") is not None


@pytest.mark.parametrize("line", ["公子稍等，茶马上就好了。", "姑娘请坐，喝杯茶暖暖身子。"])
def test_person_noun_as_vocative_is_kept(line: str) -> None:
    assert scene_narration(line) is None


# --- the name pointed at as a topic (X这人), then picked up by 他 -----------------------------------
def test_name_as_pointed_topic_is_third_person() -> None:
    line = "秦铁山这人吧，脾气倔，门里谁受了委屈他都要出头。"
    assert "selfname.third_person" in rules(line)


@pytest.mark.parametrize(
    "line",
    ["秦铁山这人吧，你别跟他计较。", "秦铁山这人吧，嘴硬心软，我最清楚。", "秦铁山这个名字，是师父起的。"],
)
def test_pointed_topic_with_a_speaker_or_the_name_as_word_is_kept(line: str) -> None:
    assert "selfname.third_person" not in rules(line)


# --- declining to say more, then changing the topic ------------------------------------------------
def test_topic_withheld_then_changed_is_refusal() -> None:
    assert "tone.refusal" in rules("这件事我就不多谈了，咱们换个话题吧。")


@pytest.mark.parametrize("line", ["不多说了，换个地方喝酒去！", "这一招我不多讲，你自己去悟。"])
def test_saying_no_more_without_changing_topic_is_kept(line: str) -> None:
    assert "tone.refusal" not in rules(line)


# --- the name's renown as the topic ----------------------------------------------------------------
@pytest.mark.parametrize(
    "line", ["秦铁山之名，早已传遍了整个江湖，无人不晓。", "秦铁山的威名，早已传遍大江南北。"]
)
def test_name_renown_as_topic_is_third_person(line: str) -> None:
    assert "selfname.third_person" in rules(line)


@pytest.mark.parametrize("line", ["我秦铁山之名，传遍江湖。", "秦铁山之名，你可听过？"])
def test_name_renown_said_by_the_speaker_or_asked_is_kept(line: str) -> None:
    assert "selfname.third_person" not in rules(line)


# --- the classical second person (君, 汝) and serial verbs joined by 而 -----------------------------
@pytest.mark.parametrize(
    "line", ["汝听罢默然良久，起身拂袖而去。", "君听罢大笑，长揖而去，从此再不提起此事。"]
)
def test_classical_you_narrated_is_caught(line: str) -> None:
    assert narrates_user(line, "zh") is not None


@pytest.mark.parametrize(
    "line",
    ["君子闻之，再拜而去，不复言此事。", "君且宽心，此事包在老夫身上。", "你若拂袖而去，我便追到天涯。"],
)
def test_classical_you_addressed_or_no_pronoun_is_kept(line: str) -> None:
    assert narrates_user(line, "zh") is None


# --- a final 也 in a vernacular line is the adverb with its predicate cut off ------------------------
def test_vernacular_final_ye_is_truncated() -> None:
    assert ends_open("师兄那个脾气，倔得很，做事也", "zh") is not None


@pytest.mark.parametrize("line", ["吾不知也", "此乃天意也", "妙哉妙哉，此计甚妙也"])
def test_classical_final_ye_is_kept(line: str) -> None:
    assert ends_open(line, "zh") is None


# --- a listed phrase mentioned (这句…) rather than used ---------------------------------------------
def test_listed_phrase_taken_up_as_words_is_kept() -> None:
    line = "我很乐意帮您！——嘿，这句可是我对着祖师爷发过誓的，句句当真。"
    assert "blacklist.assistant_tone" not in rules(line)


@pytest.mark.parametrize("line", ["我很乐意帮您！请问还有什么需要？", "我很乐意帮您！这话题太有意思了。"])
def test_listed_phrase_used_is_caught(line: str) -> None:
    assert "blacklist.assistant_tone" in rules(line)
