"""Round 19, Chinese mixed replies (trainC's shape): an in-character opening, then the failure in the
same reply. Lines written for these tests (other characters, other words); each mechanism has
caught lines and hard negatives that must stay."""

import pytest

from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from factory.quality.markdown import inline_list
from factory.quality.scene_mixed_zh import (
    character_narrated_after_speech,
    scene_after_speech,
    speech_tag_after_speech,
    user_in_scene,
)
from factory.quality.second_person import narrates_user
from factory.quality.text import segments
from tests.quality.lines import line_rules

ZH, ZH_ALIASES = "沈青禾", ("青禾", "沈姑娘")


def rules(line: str) -> set[str]:
    return line_rules(line, ZH, "zh", ZH_ALIASES)


def told_user(line: str) -> bool:
    """The format check's reading: each speech or narration segment asked whether it narrates the user."""
    return any(
        narrates_user(s.text, "zh", narration=s.kind == "narration")
        for s in segments(line)
        if s.kind in ("speech", "narration")
    )


# --- speech first, then an outside narrator's scene closing the reply -------------------------------
SCENE_AFTER = [
    "开船喽！江面上雾气弥漫，几只水鸟掠过船头，船夫正在解缆。",
    "都进来吧。院子里的桂花开着，一个小丫鬟提着灯笼慢慢走了过来。",
    "好。天边的晚霞渐渐暗了下去，巷口亮着一盏昏黄的风灯。",
    "快跑！山谷里回荡着狼嚎，远处的火把一闪一闪，马蹄声越来越近。",
    "我在听。书房里弥漫着墨香，烛光映在她苍白的脸上，窗外下着细雨。",
    "到了！风越刮越紧，檐下的灯笼一盏一盏暗了下去，巷子里只剩狗叫。",  # a growing change
]
SCENE_AFTER_KEPT = [
    "你问我苦不苦？苦过。可苦久了，心里只剩一件事：把药铺撑下去。",  # the speaker explains
    "（醒木一拍）诸位！且说那书生走进庙里，只见一盏孤灯摇摇晃晃。",  # a storyteller's frame
    "别怕。外头下着雨，你先在这儿歇着吧。",  # the here-and-now told to the user
    "那年我十二岁。我跟着师父走街串巷，挑着药箱卖膏药。",  # the speaker's own past
    "水缸见底了！米也吃完了，柴也烧光了。",  # news reported, no scene unfolding
    "（叹气）罢了。我再去熬一碗。",  # a stage direction beside speech
    "别急。日子越过越好，我心里踏实得很。",  # the speaker's own growing change
    "好。这几年药材品种繁多，价钱也贵。",  # a state described, nothing unfolding
]


@pytest.mark.parametrize("line", SCENE_AFTER)
def test_scene_after_speech_is_narrator(line: str) -> None:
    assert scene_after_speech(line) is not None
    assert "selfname.narrator" in rules(line)


@pytest.mark.parametrize("line", SCENE_AFTER_KEPT)
def test_speech_then_speaker_talk_is_kept(line: str) -> None:
    assert scene_after_speech(line) is None
    assert "selfname.narrator" not in rules(line)


# --- speech first, then the user narrated: the reaction, the words or the vow told for them -----------
USER_AFTER = [
    "茶来了！你端起茶碗，感动地说：“掌柜的，这茶真香！”",  # a feeling as manner, the words quoted
    "尝尝这桂花糕。你咬了一口，连声称赞，又拿了两块。",  # aspect inside, a chain of acts
    "这封信你收好。你双手捧过信，热泪盈眶，发誓一定要替我送到。",  # a reaction, then a vow reported
    "上马吧！你翻身上马，说：“师父，我跟你走！”",  # a later clause reports the user's words
]
USER_AFTER_KEPT = [
    "你说：“我不怕。”可你的手怎么在抖？",  # the user quoted back, a question
    "你要是答应，就点点头。",  # a condition
    "你答应过我，要替我照看师妹。",  # the speaker's memory of a promise
    "你这人，说话从来不过脑子，总得罪人。",  # 说话 is no report of words
    "你放心地去吧，家里有我。",  # an encouragement
    "我把药方给你了。你拿去抓药，一日三次，饭后服。",  # instructions
]


@pytest.mark.parametrize("line", USER_AFTER)
def test_user_narrated_after_speech(line: str) -> None:
    assert told_user(line)


@pytest.mark.parametrize("line", USER_AFTER_KEPT)
def test_talk_to_user_after_speech_kept(line: str) -> None:
    assert not told_user(line)


# --- a role frame inside the reply, after or before an in-character line -----------------------------
ROLE_FRAME = [
    "药已经煎好了。好的，接下来我会继续保持沈青禾的语气和你聊。",  # keeping the voice as a role
    "我将以江南药铺坐堂的沈青禾的身份回答：这病得慢慢调。",  # an identity frame with an epithet
    "好啦，我现在就是城南药铺的沈青禾了！客官请坐。",  # a switch into the role, epithet first
]
ROLE_FRAME_KEPT = [
    "我就是城南药铺的沈青禾，你找我有事？",  # self-naming
    "我以沈家的名义担保，这药没毒。",  # an oath in a family's name
    "我现在是沈家药铺的掌柜，说话算数。",  # a rank, no role
    "师父让我保持沈家的规矩，不能乱收钱。",  # keeping a rule, not a voice
]


@pytest.mark.parametrize("line", ROLE_FRAME)
def test_role_frame_inside_reply(line: str) -> None:
    assert "selfname.role_announce" in rules(line)


@pytest.mark.parametrize("line", ROLE_FRAME_KEPT)
def test_role_words_in_character_kept(line: str) -> None:
    assert "selfname.role_announce" not in rules(line)


# --- an assistant's closer after an in-character answer ------------------------------------------------
CLOSER = [
    "脉象平稳，无大碍。要是还想听药铺里别的趣事，随时来问我。",  # the tale offered as a menu
    "脉象平稳，无大碍。我很乐意为你介绍更多江南草药的相关知识。",  # more of a topic rationed
    "药方写好了，一日两次。很高兴为你提供帮助！",  # help provided as a service
]
CLOSER_KEPT = [
    "想吃桂花糕了，随时来药铺找我。",  # an in-character offer
    "我给你讲讲更多的事，你可别说出去。",  # a confidence
    "我为你备了一间厢房，住多久都行。",  # a room provided, no service
    "还想听？那就再讲一段，别的可不讲了。",  # the story told on, in the scene
]


@pytest.mark.parametrize("line", CLOSER)
def test_assistant_closer_after_answer(line: str) -> None:
    assert rules(line) & {"tone.assistant", "blacklist.assistant_tone"}


@pytest.mark.parametrize("line", CLOSER_KEPT)
def test_in_character_offer_kept(line: str) -> None:
    assert not rules(line) & {"tone.assistant", "blacklist.assistant_tone"}


# --- a sermon after an in-character opening ------------------------------------------------------------
SERMON = [
    "这符咒可灵了！当然，符咒并无科学依据，大家要以科学的态度看待民间信仰。",  # the viewing frame
    "对门绸缎庄压价，俺不怕。价格竞争是正常现象，公平竞争有利于整个行业的繁荣。",  # editorial verdicts
]
SERMON_KEPT = [
    "发烧是正常现象，别担心，睡一觉就好。",  # a doctor's reassurance, one verdict
    "我以平常心对待这些闲话，随他们说去。",  # the speaker's own attitude
    "多喝这碗汤，有利于你伤口长好。",  # good for the listener's wound, no field
]


@pytest.mark.parametrize("line", SERMON)
def test_sermon_after_speech(line: str) -> None:
    assert "tone.generic" in rules(line)


@pytest.mark.parametrize("line", SERMON_KEPT)
def test_own_advice_kept(line: str) -> None:
    assert "tone.generic" not in rules(line)


# --- a list of tips after a greeting: bullets run on without their line breaks --------------------------
INLINE_BULLETS = [
    "药铺的规矩我说三条：• 不赊账 • 不卖假药 • 不问来历。",
    "出门记得带上！★ 雨伞 ★ 干粮 ★ 盘缠。",
    "客官，本店招牌：✅ 桂花糕 ✅ 杏仁酥 ✅ 酸梅汤！",
]
INLINE_BULLETS_KEPT = [
    "这药吃三天，一天三次，饭后吃，忌生冷。",  # a list spoken in prose
    "我认识约翰·史密斯、玛丽·安和彼得·潘，都是好人。",  # the name interpunct
    "好药只有一味：耐心。",  # one thing announced
]


@pytest.mark.parametrize("line", INLINE_BULLETS)
def test_inline_bullets_zh(line: str) -> None:
    assert inline_list(line) is not None


@pytest.mark.parametrize("line", INLINE_BULLETS_KEPT)
def test_prose_list_kept(line: str) -> None:
    assert inline_list(line) is None


# --- a script run into the reply: the user's turn written after a sentence end --------------------------
INLINE_SCRIPT = [
    "那年的事，你想听我就说。用户：沈姑娘，你后来嫁人了吗？沈青禾：没有。",
    "好，我答你。玩家：那药方灵不灵？青禾：灵。",
]
INLINE_SCRIPT_KEPT = [
    "我问他一句。他说：不知道。",  # a report of someone else's words
    "记住两件事。一：别赊账；二：别多嘴。",  # counted points, no speaker
    "药方在此。用法：每日一剂。",  # a heading word
]


def _format_rules(line: str) -> set[str]:
    return {f.rule for f in check_line(line, "zh", [ZH, *ZH_ALIASES], FormatConfig())}


@pytest.mark.parametrize("line", INLINE_SCRIPT)
def test_inline_user_label(line: str) -> None:
    assert "format.speaks_for_user" in _format_rules(line)


@pytest.mark.parametrize("line", INLINE_SCRIPT_KEPT)
def test_inline_colon_without_user_kept(line: str) -> None:
    assert "format.speaks_for_user" not in _format_rules(line)


# --- the user as the camera: 你 enters, then the scene that opens before them --------------------------
USER_SCENE = [
    "先喝口茶。你推门走进药铺，只见柜台后坐着一位老先生，几个伙计正在碾药。",
    "你登上城楼，只见远处烽烟四起，一队骑兵正向城门疾驰而来。",
    "你推开窗子，江面烟波浩渺，几条渔船在雾里慢慢划着。",  # a noun and its state in an idiom
]
USER_SCENE_KEPT = [
    "你看，外面下着雪，路上结着冰，今天就别走了。",  # the scene told to the user, here and now
    "你要是走进那片林子，只见满地白骨，可别怪我没提醒。",  # a condition, a warning
    "你推开那扇门？门后头早就空了。",  # a question
]


@pytest.mark.parametrize("line", USER_SCENE)
def test_user_enters_a_scene(line: str) -> None:
    assert user_in_scene(line) is not None


@pytest.mark.parametrize("line", USER_SCENE_KEPT)
def test_scene_told_to_user_kept(line: str) -> None:
    assert user_in_scene(line) is None


# --- hard negatives that a mixed reading must keep: a self-address, an invitation to go and look -------
def test_name_called_twice_is_a_vocative() -> None:
    assert "selfname.third_person" not in rules("青禾啊青禾，我总这么劝自己，你就是太心软。")
    assert "selfname.third_person" in rules("青禾收拾好药箱，独自出门去了。")


def test_invitation_to_go_and_look_is_talk() -> None:
    assert not told_user("你到后院去看看，井边上晾着的，都是我今早采的药。")
    assert told_user("你走到后院，看了看井边晾着的草药，满意地点点头。")


# --- the narrator's speech tag after a spoken line (说罢，…) --------------------------------------------
SPEECH_TAG = [
    "这药一日三服，不可断。说罢，她将药包塞进竹篮，掀帘而去。",
    "走吧。话音刚落，门外便传来一阵急促的马蹄声。",
]
SPEECH_TAG_KEPT = [
    "我只说一遍。说完，你就走吧。",  # spoken to the listener
    "说着，他就哭了？我不信。",  # a question, the speaker doubting
    "他说罢，我才明白过来。",  # not the sentence's opening, and the speaker's own telling
    "我娘常说：“药苦，病才走。”说罢，她就把药碗推了过来。",  # someone else's words quoted, then told
]


@pytest.mark.parametrize("line", SPEECH_TAG)
def test_speech_tag_after_speech(line: str) -> None:
    assert speech_tag_after_speech(line) is not None
    assert "selfname.narrator" in rules(line)


@pytest.mark.parametrize("line", SPEECH_TAG_KEPT)
def test_speech_done_spoken_kept(line: str) -> None:
    assert speech_tag_after_speech(line) is None


# --- the user's words handed over by a frame read as a label; a list of tips announced ------------------
def test_user_reporting_frame_label() -> None:
    assert "format.speaks_for_user" in _format_rules("你低声道：“沈姑娘，药钱我明日再还。”我摆摆手。")
    assert "format.speaks_for_user" in _format_rules("你终于坦白了：“那包药是我换的。”")
    assert "format.speaks_for_user" not in _format_rules("你记住了：这药不能空腹吃。")
    assert "format.speaks_for_user" not in _format_rules("你说：我该信谁？")


def test_tips_announced_with_a_hope_of_helping() -> None:
    assert "tone.assistant" in rules("以下是煎药时需要注意的几个要点，希望能帮到你。")
    assert "tone.assistant" not in rules("以下是我师父留下的方子，你收好。")


# --- the character narrated in the stage direction's present after its own line ------------------------
CHAR_NARRATED = [
    "药钱不收了！她提起药箱走出门去，晚风吹起她的衣角，渐渐消失在巷子尽头。",
    "回去吧。她放下茶盏，起身走到窗前，望向远处的山。",
]
CHAR_NARRATED_KEPT = [
    "别等了。他收拾好包袱走了，留下一封信，再也没回来。",  # a report: perfective, negation
    "你放心。他每天天不亮就起来，挑水劈柴，走到镇上去卖药。",  # a habit
    "听我说。我提起药箱走出门去，拐进巷子，敲开了李家的门。",  # the speaker's own telling
    "他会走出来的，放下那些事，活成他自己。",  # the speaker's stance (会)
]


@pytest.mark.parametrize("line", CHAR_NARRATED)
def test_character_narrated_after_speech(line: str) -> None:
    assert character_narrated_after_speech(line) is not None
    assert "selfname.narrator" in rules(line)


@pytest.mark.parametrize("line", CHAR_NARRATED_KEPT)
def test_report_of_someone_kept(line: str) -> None:
    assert character_narrated_after_speech(line) is None


# --- a name the tagger splits (零-9 as 零 - 9) is still the name ------------------------------------------
def _robot_rules(line: str) -> set[str]:
    return line_rules(line, "零-9", "zh", ("零号",))


def test_split_name_as_subject() -> None:
    assert "selfname.third_person" in _robot_rules(
        "零-9是一台第三代巡逻机器人，出厂于2101年，主要任务为巡夜。"
    )
    assert "selfname.third_person" not in _robot_rules("我是零-9，第三代巡逻机器人。")
    assert "selfname.third_person" not in _robot_rules("零-9是我的编号，你可以这么叫我。")
