import pytest

from factory.quality.config import FormatConfig
from factory.quality.formatting import check_format
from factory.records import Message, Sample

from .conftest import sample

NAMES = ["贝多芬"]


def rules(s: Sample, language: str = "zh", others=None, **cfg) -> list[str]:
    return [f.rule for f in check_format(s, language, NAMES, FormatConfig(**cfg), others)]


def test_a_clean_line_passes():
    assert rules(sample("a", "我今天写了一首新的奏鸣曲，你想听听吗？")) == []


@pytest.mark.parametrize(
    "line, rule",
    [
        ("好。", "format.too_short"),
        ("嗯", "format.too_short"),
        ("音乐是我唯一的语言，", "format.truncated"),
        ("我今天去了维也纳，因为", "format.truncated"),
        ("（他低头看着乐谱，手指", "format.truncated"),
        ("我今天去了维也纳的剧院听了一场非常精彩的音乐会然后和朋友们一起", "format.truncated"),
        ("我今天（笑）去了维也纳）。", "format.broken_markup"),
        ("你好，{{user}}，请坐。", "format.broken_markup"),
        ("<|im_start|>assistant 你好", "format.broken_markup"),
        ("Music is the only language I truly speak.", "format.wrong_language"),
        ("好吧。\n用户：那我们走吧。", "format.speaks_for_user"),
        ("（你点了点头，跟着我走出门）好，走吧。", "format.speaks_for_user"),
    ],
)
def test_zh_line_problems(line, rule):
    assert rule in rules(sample("a", line))


@pytest.mark.parametrize(
    "line, rule",
    [
        ("Yes.", "format.too_short"),
        ("I went to Vienna and met the", "format.truncated"),
        ("I went to Vienna last winter and met the old prince who never paid me", "format.truncated"),
        ("*You nod and follow me outside.* Good, let us go.", "format.speaks_for_user"),
        ("Fine.\nUser: Then let's go.", "format.speaks_for_user"),
        ("我今天去了维也纳，见到了老朋友。", "format.wrong_language"),
    ],
)
def test_en_line_problems(line, rule):
    assert rule in rules(sample("a", line, language="en"), "en")


@pytest.mark.parametrize(
    "line",
    [
        "我只是——",  # an interrupted line is a device, not a truncation
        "好啊……",
        "*smiles* Of course, my friend. Sit down.",
        "I am Beethoven and I will not bow 🎵",
    ],
)
def test_endings_that_are_fine(line):
    language = "en" if line.isascii() or "🎵" in line else "zh"
    assert "format.truncated" not in rules(sample("a", line, language=language), language)


def test_other_participants_are_users_too():
    s = sample("a", "好吧。\n莫扎特：那我们走吧。")
    assert "format.speaks_for_user" not in rules(s)
    assert "format.speaks_for_user" in rules(s, others={"莫扎特"})


def test_one_short_line_among_several_is_allowed():
    s = sample("a", "好。", "我今天写了一首新的奏鸣曲。", "你想听听吗？我可以弹给你听。")
    assert "format.too_short" not in rules(s)
    assert "format.too_short" in rules(s, max_short_share=0.2)


def test_empty_turn_and_no_target_turn():
    s = Sample(
        id="e",
        type="experience",
        character="贝多芬",
        language="zh",
        system="",
        messages=[
            Message(role="user", content="  "),
            Message(role="assistant", content="你好。", train=False),
        ],
    )
    assert rules(s) == ["format.empty_turn", "format.no_target_turn"]


def test_user_turns_are_not_length_checked():
    assert rules(sample("a", "我今天写了一首新的奏鸣曲。", user="嗯")) == []


FOREIGN = {  # line, the script the detail must name
    "ja": ("私は昨日、友達と一緒に東京へ行きました。とても楽しかったです。", "Japanese"),
    "ko": ("어제 친구와 함께 비엔나에 갔어요. 정말 즐거웠어요.", "Hangul"),
    "ru": ("Вчера я ходил в театр с другом, это было прекрасно.", "Cyrillic"),
    "ar": ("ذهبت إلى المسرح مع صديقي أمس، وكان رائعا جدا.", "Arabic"),
}


def wrong_language(line: str, language: str, **cfg) -> list[str]:
    s = sample("a", line, language=language)
    found = check_format(s, language, NAMES, FormatConfig(**cfg))
    return [f.detail for f in found if f.rule == "format.wrong_language"]


@pytest.mark.parametrize("language, expected", [("en", "Latin"), ("zh", "Han")])
@pytest.mark.parametrize("lang", sorted(FOREIGN))
def test_a_line_in_another_script_names_it(lang, language, expected):
    line, script = FOREIGN[lang]
    [detail] = wrong_language(line, language)
    assert f"expected {expected}" in detail
    assert script in detail


@pytest.mark.parametrize(
    "line, language",
    [
        ("我昨天在剧院见到了Mozart先生，他笑了笑，什么也没说。", "zh"),  # an English name
        ("我们今天去吃寿司和刺身吧，我请客，顺便拍几张写真。", "zh"),  # Japanese loanwords in kanji
        ("今天中午吃了一份鳗鱼饭の便当，味道还不错。", "zh"),  # one stray kana
        ("我在莫斯科认识了一个叫Дмитрий的朋友，他很会下棋。", "zh"),  # a Cyrillic name
        ("I met Дмитрий at the station yesterday; he only nodded and walked on.", "en"),
        ("Zoë and Björn played the sonata for Mr. Łukasz in Kraków.", "en"),
    ],
)
def test_a_foreign_name_or_loanword_is_not_the_wrong_language(line, language):
    assert wrong_language(line, language) == []


def test_mixed_zh_en_keeps_the_share_threshold():
    line = "Today I went to 维也纳 and met 老朋友 again."
    assert wrong_language(line, "en") == []
    [detail] = wrong_language(line, "zh")
    assert detail.startswith("mostly Latin")
    assert wrong_language(line, "zh", min_language_share=0.1) == []


@pytest.mark.parametrize(
    "line, language",
    [
        ("关于养生，我有以下几点建议：\n1. 早睡早起\n2. 多吃蔬菜", "zh"),
        ("治国方略：\n一、严明法纪\n二、发展农桑", "zh"),
        ("**我的诗作**\n《葬花吟》", "zh"),
        ("## My research\n\nI discovered radium.", "en"),
        ("Key facts:\n- White\n- Huge", "en"),
    ],
)
def test_markdown_is_assistant_formatting(line, language):
    found = check_format(sample("a", line, language=language), language, NAMES, FormatConfig())
    assert found[0].rule == "format.markdown" and "format.truncated" not in [f.rule for f in found]


@pytest.mark.parametrize(
    "line, language",
    [
        ("我有三怕：一怕秋风，二怕冷雨，三怕人散。", "zh"),  # a list spoken in character
        ("Three rules for you: practise, listen, and never play for fools.", "en"),
        ("*bows* At your service.", "en"),  # single asterisks are an action
    ],
)
def test_lists_in_speech_are_not_markdown(line, language):
    assert "format.markdown" not in rules(sample("a", line, language=language), language)


@pytest.mark.parametrize(
    "line",
    [
        "我这身子一向不好，每到秋天就",
        "你若想学琴，先练音阶，然后再",
        "那年我离开维也纳，一路向东，走到了一个叫",
    ],
)
def test_zh_line_stopping_on_an_open_word(line):
    assert "format.truncated" in rules(sample("a", line))


@pytest.mark.parametrize("line", ["罢了罢了", "随便你吧", "知道了", "也无风雨也无晴", "明月何曾是两乡"])
def test_zh_complete_lines_without_punctuation(line):
    assert "format.truncated" not in rules(sample("a", line))


def test_backchannels_are_too_short_terse_lines_are_not():
    assert "format.too_short" in rules(sample("a", "嗯嗯"))
    assert "format.too_short" in rules(sample("a", "好的。"))
    assert "format.too_short" in rules(sample("a", "Okay.", language="en"), "en")
    assert "format.too_short" not in rules(sample("a", "不可！"))
    assert "format.too_short" not in rules(sample("a", "Never!", language="en"), "en")


def test_another_latin_language_is_wrong_code_switching_is_not():
    assert "format.wrong_language" in rules(
        sample("a", "Je ne sais pas pourquoi vous me parlez ainsi.", language="en"), "en"
    )
    assert "format.wrong_language" not in rules(
        sample("a", "Ach, Gott im Himmel! You have ruined the andante.", language="en"), "en"
    )


def test_writing_the_users_words_in_speech():
    assert "format.speaks_for_user" in rules(sample("a", "你点了点头，说：先生说得对。"))
    assert "format.speaks_for_user" not in rules(sample("a", "你坐下，听我慢慢说。"))


@pytest.mark.parametrize(
    "line, language",
    [
        ("我给你推荐三本书：1. 史记 2. 汉书 3. 资治通鉴。", "zh"),  # a numbered list run inline
        ("My advice: 1) rise early, 2) walk daily, 3) eat little.", "en"),
        ("想学好书法，建议你首先临帖，其次读帖，最后再自己创作。", "zh"),  # tips in sequence, as advice
    ],
)
def test_inline_lists_and_sequenced_tips(line, language):
    assert "format.markdown" in rules(sample("a", line, language=language), language)


@pytest.mark.parametrize(
    "line, language",
    [
        ("一来天色已晚，二来路途遥远，你还是住下吧。", "zh"),  # a list in words, spoken
        ("首先你得活着，其次你得吃饭，最后才轮得到音乐。", "zh"),  # sequence, no advice framing
        ("I was born in 1770. In 1792 I went to Vienna.", "en"),
    ],
)
def test_spoken_enumerations_pass(line, language):
    assert "format.markdown" not in rules(sample("a", line, language=language), language)


@pytest.mark.parametrize(
    "line",
    [
        "贝多芬：你好。\n莫扎特：你也好。",  # a script: its own label and another speaker's
        "问：你为何耳聋？\n答：天意如此。",  # an interview
        "你听罢默默低下了头，我也不再多说。",  # the user's reaction narrated
    ],
)
def test_writing_the_other_side(line):
    assert "format.speaks_for_user" in rules(sample("a", line))


@pytest.mark.parametrize("line", ["你听完一定很生气吧？", "贝多芬：你来了。"])
def test_guessing_the_user_or_one_label_passes(line):
    assert "format.speaks_for_user" not in rules(sample("a", line))


def test_an_exclamation_is_not_too_short_a_backchannel_is():
    assert "format.too_short" not in rules(sample("a", "滚！"))
    assert "format.too_short" in rules(sample("a", "嗯！"))


def test_shi_de_ends_a_clause():
    assert "format.truncated" not in rules(sample("a", "我本来是不想来的"))
    assert "format.truncated" in rules(sample("a", "我本来不想来的"))
