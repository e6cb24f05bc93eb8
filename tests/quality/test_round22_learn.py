"""Round 22, learned model: function-word n-grams keep a line's frame and drop its content words,
so two narrators in other words share features, and speech to someone does not share theirs."""

import numpy as np

from factory.quality.function_words import function_tokens
from factory.quality.learned import NAME_MARK, Spec, features, load


def test_two_narrations_in_other_words_share_their_frame():
    a = function_tokens("she turned to the window and sighed.", NAME_MARK)
    b = function_tokens("she walked to the door and smiled.", NAME_MARK)
    assert a == b
    assert "^ she ED to" in a


def test_irregular_past_and_name_have_their_own_forms():
    toks = function_tokens(f"{NAME_MARK} took the lantern from the hook.", NAME_MARK)
    assert "NAME PAST the W" in toks and "^ NAME PAST" in toks


def test_speech_to_someone_keeps_other_persons():
    spoken = set(function_tokens("could you hand me that lantern she left, please?", NAME_MARK))
    narrated = set(function_tokens("she handed him the lantern.", NAME_MARK))
    assert "you" in spoken and "me" in spoken and "?" in spoken
    assert "^ could you" in spoken
    assert "she" in spoken and not spoken & {"^ she", "^ she ED"}
    assert "^ she ED him" in narrated


def test_function_words_add_features_only_when_asked():
    text = "she turned to the window."
    plain = set(features(text, Spec(2, 5, True, 16, shape=True)).tolist())
    framed = set(features(text, Spec(2, 5, True, 16, shape=True, func=True)).tolist())
    assert plain < framed


def test_shipped_model_loads_with_its_spec():
    models = load()
    assert set(models) == {"zh", "en"}
    for m in models.values():
        assert m.weights.dtype == np.float32 and len(m.weights) == 1 << m.spec.bits
