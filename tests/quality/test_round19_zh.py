"""Round 19, Chinese side: mechanisms for the misses of trainA/trainB/heldout8 (scene narration with
no speaker, second-person narration of the user, acknowledgements, role frames, help-desk classes).
Lines written for these tests (other characters, other words); each mechanism has caught lines and
hard negatives that must stay."""

import pytest

from factory.quality.generic import generic_statement
from factory.quality.length import too_short, zh_acknowledgement
from factory.quality.scene_zh import scene_narration
from factory.quality.second_person import narrates_user
from tests.quality.lines import line_rules

ZH, ZH_ALIASES = "沈青禾", ("青禾", "沈姑娘")


def rules(line: str) -> set[str]:
    return line_rules(line, ZH, "zh", ZH_ALIASES)


# --- scene narration: no speaker in the line, clause after clause depicted ---------------------------
SCENE = [
    "雨停了，巷口的石板还湿着，一个挑担的货郎慢慢走了过来。",  # aspect + an indefinite newcomer
    "渡口边上雾气弥漫，船夫正在解缆，几只水鸟掠过江面。",  # a place, a progressive, a newcomer
    "那跛脚的更夫敲了敲梆子，街上顿时冷清下来。",  # distal epithet, reduplicated action, directional
    "镜头拉远，整座城池笼罩在暮色之中。",  # the camera's frame
    "（场景：深夜的码头，汽笛声远远传来。）",  # a stage heading
    "她揉了揉眼睛，把药碗轻轻推到你手边，半晌没有开口。",  # 你 only as the object, 她 acts
    "暮色沉沉，山门外只剩一盏风灯，小道士扫着落叶。",  # vivid reduplication, a durative
    "城楼上升起一面黑旗，守军纷纷拔刀。",  # presentative: place, verb, an indefinite newcomer
]
SCENE_KEPT = [
    "我小时候，巷口总有个货郎挑着担子走过来。",  # the speaker's own past
    "师兄练了一夜的剑，到现在还没歇着。",  # named by the speaker's relation to him
    "听说城东着了火，烧了好几间铺子。",  # hearsay
    "雨停了，你快回去吧，路上当心。",  # talk to the user
    "这院子里的梅花，开了又谢，谢了又开。",  # the speaker's here (这)
    "药熬好了，够你喝三天的。",  # a judgement of enough, the user addressed
    "风萧萧兮易水寒，壮士一去兮不复还",  # verse, no closing stop
    "那天下着大雪，父亲站在门口，一句话也没说。",  # a memory, a relation
    # news reported by a character: perfective 了 and complements, no mark of a scene unfolding
    "水缸见了底，米也吃完了。",
    "货送到了，账房收下了银票。",
    "大雨下了两天，官道全冲垮了。",
    "官兵退了二十里，在山脚扎了营。",
    "（擦了擦汗）且慢，让我再算算。",  # a stage direction beside speech
]


@pytest.mark.parametrize("line", SCENE)
def test_scene_narration_is_narrator(line: str) -> None:
    assert scene_narration(line) is not None
    assert "selfname.narrator" in rules(line)


@pytest.mark.parametrize("line", SCENE_KEPT)
def test_speech_with_a_speaker_is_not_scene(line: str) -> None:
    assert scene_narration(line) is None


def test_reference_entry_about_a_person_is_narration() -> None:
    assert scene_narration("沈括，北宋科学家，钱塘人，著有《梦溪笔谈》。") is not None
    assert scene_narration("在下沈括，钱塘人，平生只爱算学。") is None  # a self-introduction


def test_own_name_in_scene_is_left_to_the_selfname_check() -> None:
    assert scene_narration("青禾今日又去了药铺，抓了三副药。", frozenset({"青禾"})) is None


def test_third_person_stage_with_sound_word_is_narrator() -> None:
    assert "selfname.narrator" in rules("他哈哈一笑，把折扇往腰间一插，大步出了门。")


# --- second person: the user's actions told ----------------------------------------------------------
TOLD = [
    "你低着头把钥匙塞给我，转身就走。",  # idiom with aspect, transfer to the speaker
    "于是你收下了银子，第二天一早便启程回乡。",  # story connective + aspect
    "你被那声巨响惊得跌坐在地，脸色煞白。",  # 被, V得 as one word
    "你拉开抽屉，一封泛黄的信掉了出来。",  # bounded action, a newcomer in a later clause
    "你慌忙起身，砰的一声撞翻了茶几。",  # an onomatopoeia of the told event
]
TALK = [
    "你看看，你看看，这账又算错了。",  # tentative imperative
    "你不用急着还钱，先把病养好。",  # deontic: advice
    "你准是又偷喝了我的酒。",  # an epistemic guess
    "你长高了。",  # a remark
    "你来得正好，坐下陪我喝一杯。",  # V得 as a remark, an invitation
    "你把门关上，外面风大。",  # a bounded action as an order, no newcomer answers it
    "你总算回来了，我找了你一整天。",  # the marks after 我 are the speaker's own clause
    "你把汤喝完了，我再走。",
    "你拿给我瞧瞧。",  # a handing-over asked for, not told
    "你被人骗了，那掌柜根本不识字。",
]


@pytest.mark.parametrize("line", TOLD)
def test_user_narrated(line: str) -> None:
    assert narrates_user(line, "zh") is not None


@pytest.mark.parametrize("line", TALK)
def test_talk_to_user_kept(line: str) -> None:
    assert narrates_user(line, "zh") is None


# --- acknowledgements -----------------------------------------------------------------------------------
@pytest.mark.parametrize("line", ["懂了。", "嗯，明白了。", "清楚啦", "没问题。"])
def test_acknowledgement_is_too_short(line: str) -> None:
    assert zh_acknowledgement(line, "zh")
    assert too_short(line, "zh", 4)


@pytest.mark.parametrize("line", ["知道了", "准了。", "退下。", "明白人不说糊涂话。"])
def test_verdicts_and_sentences_are_not_acknowledgements(line: str) -> None:
    assert not zh_acknowledgement(line, "zh")


# --- role frames and script labels -------------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "下面由我扮演药王谷的沈青禾，陪你聊聊草药。",
        "作为药王谷传人沈青禾，我来讲讲这味药。",
        "由我来扮演一个郎中，你说说哪里不舒服。",
        "沈青禾（角色）：这药得趁热喝。",
        "【沈青禾】：把手伸出来。",
        "[角色：沈青禾] 你又熬夜了？",
        "从现在开始，我就是沈青禾。",
    ],
)
def test_role_frames(line: str) -> None:
    assert "selfname.role_announce" in rules(line)


@pytest.mark.parametrize(
    "line",
    [
        "我这辈子当过很多角色：女儿、徒弟、郎中。",  # 角色 in a sentence, no label
        "我扮演过戏里的小旦，那是年轻时候的事了。",  # the speaker's past performing
        "作为药王谷的弟子，我不能见死不救。",  # an identity, not the character's own name
    ],
)
def test_role_words_in_character_kept(line: str) -> None:
    assert "selfname.role_announce" not in rules(line)


# --- help desk and policy classes ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "需要我帮您把这些药方整理成表格吗？",
        "我可以为你做一个详细的梳理。",
        "希望这份清单能帮到你，祝你早日康复！",
        "亲亲，这边建议您先领券再下单哦。",
        "感谢您对中医养生的关注！",
        "欢迎随时向我咨询。",
        "这是一个非常有深度的哲学问题！",
        "不好意思，这超出了我能回答的范围。",
        "这个话题有些敏感，我们换个话题吧。",
    ],
)
def test_help_desk_and_policy(line: str) -> None:
    found = rules(line)
    assert found & {"blacklist.assistant_tone", "blacklist.refusal", "tone.assistant", "tone.refusal"}, found


@pytest.mark.parametrize(
    "line",
    [
        "好问题。我也想了很多年。",  # praise without the help desk's classification
        "有事随时找我，药铺后门一直开着。",  # a character's open door
        "这是个好问题，可惜我答不上来。",
        "谢谢你还记得我。",
        "需要我帮你把那泼皮赶出去吗？",  # an offer in the scene, not a service
        "希望这包草药能帮到你，路上当心。",  # a gift, not the reply as content
        "这桩案子太敏感，衙门里没人敢碰。",  # sensitive in the story, no topic switched
        "我来扮演山贼，你扮演捕快，咱们排一出戏。",  # a game inside the story
        "为你详细说说这把锁的机关：先左转三圈。",
    ],
)
def test_in_character_kindness_kept(line: str) -> None:
    assert not rules(line) & {"blacklist.assistant_tone", "blacklist.refusal"}


# --- generic statements: balance, denied absolutes, everyone's duties ---------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "读书和练武都同样重要，关键在于找到属于自己的平衡点。",
        "善恶有时并非绝对，换个角度想，也许就释然了。",
        "一个团队的成功离不开每位成员的付出，彼此信任才能走得更远。",
        "无论贫富贵贱，生命都值得尊重。",
        "夫妻相处，多一点体谅，少一点计较。",
    ],
)
def test_generic_shapes(line: str) -> None:
    assert generic_statement(line, "zh") is not None


@pytest.mark.parametrize(
    "line",
    [
        "无论如何，今夜必须把粮草运过江。",  # an order, 无论如何 is "at any rate"
        "多一点盐，少一点糖，这汤就对味了。",  # a recipe, not virtues
        "你和阿宝都很重要，我一个也舍不得。",  # the speaker's own case
        "我这人，说话从来就很绝对。",
    ],
)
def test_generic_hard_negatives(line: str) -> None:
    assert generic_statement(line, "zh") is None


# --- illeism spoken to someone: a vocative opening, a promise in the speaker's now, a question answered
@pytest.mark.parametrize(
    "line",
    [
        "娘，青禾以后一定好好吃饭，不让您操心了。",  # a vocative opens the line
        "青禾今晚再熬一锅，给大伙暖暖身子。",  # name + speaker's now + commitment
        "沈青禾是什么人？就是我，城南药铺的坐堂郎中。",  # the question answered as 我
    ],
)
def test_spoken_illeism_kept(line: str) -> None:
    assert "selfname.third_person" not in rules(line)


@pytest.mark.parametrize(
    "line",
    [
        "沈青禾今天又去了药铺，抓了三副药。",  # 又: a told event, not a promise
        "沈青禾背起药箱，出了城门。",
        "掌柜的说，沈青禾昨夜没有回来。",
    ],
)
def test_told_third_person_still_caught(line: str) -> None:
    assert rules(line) & {"selfname.third_person", "selfname.narrator"}
