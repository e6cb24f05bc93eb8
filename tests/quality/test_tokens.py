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
