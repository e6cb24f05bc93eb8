from factory.quality.tokens import ngrams, normalize, normalize_many, tokenize


def test_normalize_folds_width_case_and_punctuation():
    assert normalize("  Hello,  WORLD!! ") == "hello world"
    assert normalize("Ｆｕｌｌ　ｗｉｄｔｈ１２３") == "full width123"
    assert normalize("你好，世界。「嗨」") == "你好 世界 嗨"
    assert normalize_many(["a\nb", "", "x_y"]) == ["a b", "", "x y"]


def test_chinese_by_character_english_by_word():
    tok = tokenize(["我爱音乐", "I love music", "混合 mixed 文本"])
    spans = [tok.span(i, i) for i in range(len(tok.hashes))]
    assert spans == ["我", "爱", "音", "乐", "i", "love", "music", "混", "合", "mixed", "文", "本"]
    assert tok.counts.tolist() == [4, 3, 5]
    # equal tokens hash equally wherever they are
    assert tok.hashes[4] != tok.hashes[5] and tokenize(["love"]).hashes[0] == tok.hashes[5]


def test_ngrams_stay_inside_one_text():
    tok = tokenize(["a b c", "d e", "f"])
    grams, owner, first = ngrams(tok, 2)
    assert owner.tolist() == [0, 0, 1]
    assert [tok.span(f, f + 1) for f in first.tolist()] == ["a b", "b c", "d e"]
    grams, owner, _ = ngrams(tok, 3, short="unigrams")
    assert sorted(set(owner.tolist())) == [0, 1, 2]  # every non-empty text gets a shingle


def test_the_packed_word_table_is_what_unicodedata_says():
    """The shipped table must classify every code point as unicodedata does (identical results)."""
    import unicodedata

    import numpy as np
    import pytest

    from factory.quality import tokens

    slow = tokens.word_table_from_unicodedata()
    assert np.array_equal(tokens.unpack_table(tokens.pack_table(slow)), slow)
    if unicodedata.unidata_version != tokens._PACKED_VERSION:
        pytest.skip(
            f"packed for Unicode {tokens._PACKED_VERSION}, this Python has {unicodedata.unidata_version}"
        )
    assert tokens.pack_table(slow) == tokens._PACKED
    assert np.array_equal(tokens._word_table(), slow)
    assert slow[ord("é")] and slow[ord("\u0301")] and slow[ord("٣")] and not slow[ord("，")]
