"""Round 22, Chinese: a help desk's closing sentence after an in-character opening (service_close_zh.py):
an open offer of more service as the last sentence, the speaker providing the addressee a service, a
conditional offer, the service apologising for itself, a pointer to a list that never comes, the
counsellor's validation. Lines written for these tests, with hard negatives for each mechanism."""

import pytest

from factory.quality.length import too_short
from factory.quality.manner_zh import manner_after_speech
from factory.quality.role_meta_zh import role_meta
from factory.quality.scene_mixed_zh import scene_after_speech, user_in_scene
from factory.quality.second_person import narrates_user
from factory.quality.service_close_zh import service_close
from factory.quality.stage_third_zh import third_person_stage
from tests.quality.lines import ALL, FAMILY, line_rules

NAME = "柳青禾"

CLOSERS = [
    "这盆兰花三天浇一次水就够了。还有什么需要我帮忙的吗？",
    "船票给您买好了。还有哪些我能为您效劳的，尽管开口～",
    "剑谱在第三层书架上。如果你还需要关于剑法修炼的更多建议，我随时可以提供帮助。",
    "我能够为您提供一些参考意见。",
    "实在抱歉给您带来困扰，我会努力完善我的回复。",
    "酿酒嘛，讲究的是火候，你可以参考以下几点。",
    "我明白你的心情，这确实是一个令人头疼的问题。",
    "别急，我们可以一起来分析一下有什么办法。",
]

IN_SCENE = [
    # the open question first, then concrete offers of the scene: care, not a help desk
    "还有什么我能为你做的吗？想喝水，想翻身，都叫我一声。",
    "你还有什么要带的？伞、干粮，都塞进包袱里。",
    "我给你带了两个馒头，趁热吃。",
    "要我帮你把柴劈了吗？",
    "这事让我头疼了好几天，你别再添乱了。",
    "以下犯上，是要挨板子的！",
    "我们可以一起去集市，顺便看看你娘。",
    "如果你需要钱，就跟爹说，别去借。",
]


@pytest.mark.parametrize("line", CLOSERS)
def test_service_closer_caught(line: str) -> None:
    assert service_close(line)
    assert line_rules(line, NAME, "zh") & FAMILY["assistant"]


@pytest.mark.parametrize("line", IN_SCENE)
def test_scene_offer_kept(line: str) -> None:
    assert service_close(line) is None
    assert not line_rules(line, NAME, "zh") & ALL


USER_TOLD = [
    # the user's unseen manner or duration told by the speaker (默默, 良久, 不由自主) with another mark
    "你沉默良久，终于点了点头。",
    "你默默低下头，忍不住红了眼圈。",
    "你不由自主地后退一步，顿时脸色发白。",
]

USER_ADDRESSED = [
    "你别总是默默干活，累了就歇一歇。",
    "你悄悄告诉我，是谁干的？",
    "你想了良久，还是想不明白吗？",
]


@pytest.mark.parametrize("line", USER_TOLD)
def test_user_manner_told(line: str) -> None:
    assert narrates_user(line, "zh")


@pytest.mark.parametrize("line", USER_ADDRESSED)
def test_user_manner_addressed(line: str) -> None:
    assert narrates_user(line, "zh") is None


MANNER_TOLD = [
    "茶凉了，再续一杯？她一边说一边提起铜壶，热气扑上她的脸。",
    "都坐好！他稳稳地推开舱门，冷风灌进船舱。",
]

MANNER_REPORTED = [
    # done (了), denied, or the speaker's stance: someone reported, not a scene narrated
    "别提了。他狠狠地骂了我一顿，连饭都没让吃。",
    "你放心。他不会轻易地放弃的。",
    "我跟你说。他从来没有好好地听过谁的话。",
    "哼！他总是慢吞吞地干活。",
]


@pytest.mark.parametrize("line", MANNER_TOLD)
def test_manner_after_speech_caught(line: str) -> None:
    assert manner_after_speech(line)


@pytest.mark.parametrize("line", MANNER_REPORTED)
def test_manner_reported_kept(line: str) -> None:
    assert manner_after_speech(line) is None


ROLE_META = [
    "雨下大了。我的角色此时应该显得焦急，于是开口催促。",
    "快进来坐！（这是我作为客栈掌柜角色的回答）",
    "换作是那位老郎中，我想他会对病人说：先把药喝了。",
    "我来扮演一名退伍老兵，回答你的问题。",
]

ROLE_TALK = [
    "我这一生扮演过好几种角色：女儿、妻子、母亲。",
    "我才不会扮演什么好人。",
    "他要是问起，我会说：不知道。",
    "你在戏里是什么角色？",
]


@pytest.mark.parametrize("line", ROLE_META)
def test_role_meta_caught(line: str) -> None:
    assert role_meta(line)
    assert "selfname.role_announce" in line_rules(line, NAME, "zh")


@pytest.mark.parametrize("line", ROLE_TALK)
def test_role_talk_kept(line: str) -> None:
    assert role_meta(line) is None
    assert not line_rules(line, NAME, "zh") & ALL


@pytest.mark.parametrize("line", ["然。", "系。", "要得。", "中。", "咳。", "……", "。。。"])
def test_bare_assent_or_silence_too_short(line: str) -> None:
    assert too_short(line, "zh", 2)


@pytest.mark.parametrize("line", ["斩。", "咳！", "成交！", "不可！", "然则何如？", "……你走吧。"])
def test_whole_short_reply_kept(line: str) -> None:
    assert not too_short(line, "zh", 2)


HEDGED_TOPIC = [
    "该不该退婚？这个话题很复杂，需要从不同层面去考虑。",
    "说到底，养老是一个复杂的问题，需要社会各界一起想办法。",
]

CASE_IN_SCENE = [
    # a case of the scene judged complex, the speaker's own duty: no question as a topic
    "这伤口情况复杂，得赶紧缝针。",
    "这局棋复杂得很，你先别落子。",
    "你换个位置看看，从左边那个角度，能看见塔尖。",
]


@pytest.mark.parametrize("line", HEDGED_TOPIC)
def test_complex_topic_hedge(line: str) -> None:
    assert line_rules(line, NAME, "zh") & FAMILY["hedging"]


@pytest.mark.parametrize("line", CASE_IN_SCENE)
def test_case_in_scene_kept(line: str) -> None:
    assert not line_rules(line, NAME, "zh") & ALL


STAGE_THIRD = [
    "药熬好了。*她端起瓷碗，轻轻吹了吹，递到床前。*",
    "*他把缰绳往树上一拴，大步走进客栈。* 小二，上酒！",
]

STAGE_OWN = [
    "*端起瓷碗吹了吹* 趁热喝。",
    "*我把缰绳往树上一拴* 小二，上酒！",
    "*他们*都走了，就剩咱俩。",
    "我那个朋友（他姓王）前天来过。",
]


@pytest.mark.parametrize("line", STAGE_THIRD)
def test_third_person_stage_caught(line: str) -> None:
    assert third_person_stage(line)
    assert "selfname.narrator" in line_rules(line, NAME, "zh")


@pytest.mark.parametrize("line", STAGE_OWN)
def test_own_stage_kept(line: str) -> None:
    assert third_person_stage(line) is None


SPOKEN_TAIL = [
    # an invitation performed to the listener, the listener pointed at the scene: speech, no narrator
    "客官来啦！楼上请，雅间都收拾好了。",
    "可算到了？欢迎欢迎，屋子小，凑合着歇。",
    "你瞧河边那几只白鹭，站得一动不动，跟雕出来的一样。",
]

NARRATED_TAIL = [
    "你踏进山门，只见古松参天，石阶上青苔斑驳。",
]


@pytest.mark.parametrize("line", SPOKEN_TAIL)
def test_spoken_tail_kept(line: str) -> None:
    assert scene_after_speech(line) is None and user_in_scene(line) is None
    assert "selfname.narrator" not in line_rules(line, NAME, "zh")


@pytest.mark.parametrize("line", NARRATED_TAIL)
def test_user_walks_into_scene_caught(line: str) -> None:
    assert user_in_scene(line)
