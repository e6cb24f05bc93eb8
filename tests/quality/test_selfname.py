import pytest

from factory.quality import self_name_violation

ZH = "路德维希·凡·贝多芬"
EN = "Ludwig van Beethoven"


@pytest.mark.parametrize(
    "line, kind",
    [
        ("作为贝多芬，我认为音乐是灵魂。", "role_announce"),
        ("以贝多芬的身份来说，这首曲子太轻浮了。", "role_announce"),
        ("贝多芬觉得这首曲子还不够好。", "third_person"),
        ("（放下乐谱）贝多芬从不向贵族低头。", "third_person"),
        ("他低声说：「你来了。」", "narrator"),
        ("「你来了。」他说。", "narrator"),
        ("他缓缓抬起头，看着窗外。", "narrator"),
    ],
)
def test_zh_violations(line, kind):
    v = self_name_violation(line, ZH, "zh")
    assert v is not None and v.kind == kind and v.span


@pytest.mark.parametrize(
    "line",
    [
        "我叫贝多芬，你呢？",
        "我就是贝多芬。",
        "他们都说贝多芬疯了，可我不在乎。",
        "（贝多芬低头看着乐谱）这里还要改。",  # actions may describe the character from outside
        "贝多芬：「你来了。」",  # a speaker label is a convention, not narration
        "他来了，你快走吧。",  # speech about someone else
        "你来了。坐吧。",
    ],
)
def test_zh_lines_spoken_from_inside(line):
    assert self_name_violation(line, ZH, "zh") is None


@pytest.mark.parametrize(
    "line, kind",
    [
        ("As Beethoven, I believe music is the soul.", "role_announce"),
        ("Stay in character? I do not understand you.", "role_announce"),
        ("Beethoven thinks this piece is not good enough.", "third_person"),
        ("Ludwig smiled warmly at her.", "third_person"),
        ("Beethoven's heart ached at the sound.", "third_person"),
        ('He smiled. "Hello."', "narrator"),
        ('"Hello," he said.', "narrator"),
        ("He turns to the window, his eyes dark.", "narrator"),
    ],
)
def test_en_violations(line, kind):
    v = self_name_violation(line, EN, "en")
    assert v is not None and v.kind == kind


@pytest.mark.parametrize(
    "line",
    [
        "I am Beethoven, and who are you?",
        "Call me Beethoven.",
        "Beethoven is my name.",
        "They say Beethoven is mad.",
        "*Beethoven looks at the score* This needs work.",
        "He is late again, you know.",
        "Come, sit with me.",
    ],
)
def test_en_lines_spoken_from_inside(line):
    assert self_name_violation(line, EN, "en") is None


def test_aliases_count_as_names():
    assert self_name_violation("老贝觉得不行。", ZH, "zh") is None
    assert self_name_violation("老贝觉得不行。", ZH, "zh", aliases=["老贝"]).kind == "third_person"


def test_language_none_decides_by_script():
    assert self_name_violation("Beethoven thinks so.", EN).kind == "third_person"
    assert self_name_violation("贝多芬觉得不行。", ZH).kind == "third_person"


SU = ("苏轼", ["苏东坡", "东坡", "子瞻"])


@pytest.mark.parametrize(
    "line, kind",
    [
        ("苏轼是北宋著名的文学家、书法家。", "third_person"),  # the copula: an encyclopedia entry
        ("东坡听了这话，心中一阵感慨。", "third_person"),  # narrating the character's own reaction
        ("子瞻心中暗想，这人倒也有趣。", "third_person"),
        ("当年苏东坡被贬黄州，日子过得很苦。", "third_person"),  # a time word before the subject
        ("我扮演的苏轼会说：人生如逆旅。", "role_announce"),
        ("以下是苏东坡可能给出的回答：此心安处是吾乡。", "role_announce"),
        ("用东坡的口吻来说，这不过是一场雨。", "role_announce"),
        ("她低着头，半晌不说话。", "narrator"),  # a stage direction whose verb no list had
    ],
)
def test_zh_subject_by_part_of_speech(line, kind):
    v = self_name_violation(line, SU[0], "zh", SU[1])
    assert v is not None and v.kind == kind, v


@pytest.mark.parametrize(
    "line",
    [
        "我叫苏轼，字子瞻，号东坡居士。",
        "东坡肉？那是杭州百姓给起的名字。",  # the name inside another word
        "世人都说苏东坡是个乐天派，其实我夜里也睡不着。",  # the name as the object of 说
        "子瞻二字，是父亲给我取的。",
        "苏轼是我的本名，东坡是我的号。",  # the character speaking of its own name
        "我父亲常说：「读书要读到骨子里去。」",  # the character quoting someone
        "先帝托孤时说：「君可自取。」",
    ],
)
def test_zh_self_naming_and_quoting_pass(line):
    assert self_name_violation(line, SU[0], "zh", SU[1]) is None


@pytest.mark.parametrize(
    "line, kind",
    [
        ("Playing the role of Beethoven, I would say that music is a revelation.", "role_announce"),
        ("Here is how Beethoven might respond: silence!", "role_announce"),
        ("Beethoven considered the question carefully.", "third_person"),  # a verb no list had
        ("Ludwig's tired eyes closed.", "third_person"),
        ("She holds the glowing vial up to the lamp.", "narrator"),
    ],
)
def test_en_new_shapes(line, kind):
    v = self_name_violation(line, EN, "en")
    assert v is not None and v.kind == kind, v


@pytest.mark.parametrize(
    "line",
    [
        'My father used to say, "Ludwig, you will amount to nothing." He was wrong.',
        'Prince Lichnowsky said, "Play for my guests," and I walked out.',
        "The papers write that Beethoven is deaf. They are right.",
        "Beethoven sonatas are not for beginners, young man.",
    ],
)
def test_en_quoting_and_reporting_pass(line):
    assert self_name_violation(line, EN, "en") is None


XIANG = ("项羽", ["项籍", "西楚霸王"])


@pytest.mark.parametrize(
    "line, kind",
    [
        ("项羽一世英雄，到头来却落得乌江自刎。", "third_person"),  # a topic; its comment in the next clause
        ("项羽原名项籍，下相人。", "third_person"),  # an encyclopedia's apposition
        ("项羽心想，这人倒有几分胆色。", "third_person"),  # the narrative frame (jieba tags 心想 a noun)
        ("我来饰演项羽：力拔山兮气盖世！", "role_announce"),
        ("现在开始角色扮演，我是项羽。", "role_announce"),
    ],
)
def test_zh_topic_apposition_frame_and_acting(line, kind):
    v = self_name_violation(line, XIANG[0], "zh", XIANG[1])
    assert v is not None and v.kind == kind, v


@pytest.mark.parametrize(
    "line",
    [
        "项羽二字，天下谁人不知？",
        "人都说项羽有勇无谋，我偏不服。",
        "项羽？我就是。",
        "西楚霸王，一个名号罢了，你叫我什么都行。",  # the sentence speaks to someone
    ],
)
def test_zh_naming_itself_still_passes(line):
    assert self_name_violation(line, XIANG[0], "zh", XIANG[1]) is None


NEMO = ("Captain Nemo", ["Nemo"])


@pytest.mark.parametrize(
    "line, kind",
    [
        ("Nemo, weary of the world, retreated into the depths.", "third_person"),  # name, aside, verb
        ("In my portrayal of Captain Nemo, I keep the ocean close.", "role_announce"),
        ("Pretending to be Nemo: the sea is everything.", "role_announce"),
    ],
)
def test_en_appositive_and_acting(line, kind):
    v = self_name_violation(line, NEMO[0], "en", NEMO[1])
    assert v is not None and v.kind == kind, v


@pytest.mark.parametrize(
    "line, character",
    [
        ("The crew swore Nemo had sunk a warship. Let them talk.", NEMO),  # reported speech
        ("The papers printed Nemo was dead.", NEMO),
        ("Nemo is Nemo, sir, and the sea is his only country.", NEMO),  # illeism spoken to someone
        ("Lady Catherine thinks Eliza Bennet has no manners.", ("Elizabeth Bennet", ["Eliza"])),  # whole name
    ],
)
def test_en_reported_vocative_and_whole_names_pass(line, character):
    assert self_name_violation(line, character[0], "en", character[1]) is None
