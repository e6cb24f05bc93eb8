"""The learned model's line shape: closed classes, so two lines built alike share their tokens
whatever their words, and a line of other persons or another mood does not."""

from factory.quality.learned import NAME_MARK, Spec, features
from factory.quality.line_shape import shape_tokens


def test_two_narrations_in_other_words_have_one_shape():
    a = shape_tokens("the rain lashed the windows of the cottage.", NAME_MARK)
    b = shape_tokens("the dust filled the corners of the saloon.", NAME_MARK)
    assert a == b
    assert "no-P1" in a and "no-P2" in a


def test_persons_questions_and_length_change_the_shape():
    narrated = set(shape_tokens("the rain lashed the windows of the cottage.", NAME_MARK))
    spoken = set(shape_tokens("did you see the rain lash my windows?", NAME_MARK))
    assert "no-P1" not in spoken and "no-P2" not in spoken and "has-?" in spoken
    assert "len<=1" in shape_tokens("quite.", NAME_MARK)
    assert narrated != spoken


def test_chinese_keeps_persons_and_punctuation_and_collapses_words():
    a = shape_tokens("夜深了，灯还亮着，一个身影在廊下踱步。", NAME_MARK)
    b = shape_tokens("雨停了，街上空无一人，远处传来钟声。", NAME_MARK)
    assert a == b
    c = shape_tokens("我今晚不走了，你先回去吧。", NAME_MARK)
    assert "P1" in c and "P2" in c and "no-P3" in c


def test_shape_adds_features_only_when_asked():
    text = "the rain lashed the windows."
    plain = set(features(text, Spec(2, 5, True, 16)).tolist())
    shaped = set(features(text, Spec(2, 5, True, 16, shape=True)).tolist())
    assert plain < shaped
