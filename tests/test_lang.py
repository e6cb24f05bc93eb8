"""factory/lang.py: script first, the shipped fastText model for Latin-script lines, names."""

from factory.lang import detect, guess, name_variants, script_counts, zh_or_en


def test_scripts_decide_cjk_languages():
    assert detect("朕意已决，明日早朝宣旨。") == "zh"
    assert detect("私はもう疲れました。") == "ja"  # Han + kana: Japanese, not Chinese
    assert detect("술 한 잔 더 하자!") == "ko"
    assert detect("我在仙台学医的时候，藤野先生连一个“の”字都不放过。") == "zh"  # one borrowed kana
    assert guess("朕意已决。").by == "script"


def test_the_model_tells_latin_languages_apart():
    assert detect("Je ne sais pas pourquoi vous me parlez ainsi, monsieur.") == "fr"
    assert detect("Ich habe keine Zeit für solche Dummheiten, gehen Sie nach Hause.") == "de"
    assert detect("Ach, Gott im Himmel! You have ruined the andante again.") == "en"  # code-switching
    g = guess("The game is afoot! Fetch your coat, we leave at once.")
    assert g.language == "en" and g.by == "model" and g.confidence > 0.5


def test_short_or_letterless_lines():
    assert guess("Oui.") is not None and guess("Oui.").by == "default"  # too short to tell: English
    assert detect("...!") is None and detect("") is None and detect("123") is None
    assert detect("I am fine, 谢谢") == "en" and zh_or_en("I am fine, 谢谢") == "en"
    assert zh_or_en("Thanks, 王先生, for the tea. It was excellent.") == "en"  # a Han name is not Chinese
    assert zh_or_en("我今天很好") == "zh" and zh_or_en("Bonjour à tous, mes amis.") == "en"


def test_script_counts_and_names():
    assert script_counts("Hi 你好 Привет") == {"Han": 2, "Latin": 2, "Cyrillic": 6}
    assert name_variants("Ludwig van Beethoven", ["Louis"]) == ["Ludwig van Beethoven", "Beethoven", "Ludwig",
                                                                 "Louis"]
    assert name_variants("诸葛亮", ["孔明"]) == ["诸葛亮", "孔明"]


def test_mixing_labels_general_rows_by_detected_language(tmp_path):
    """A general row used to be zh as soon as it held one Han character."""
    from factory.export.mixing import load_general

    path = tmp_path / "general.jsonl"
    path.write_text('{"instruction": "Who wrote 静夜思?", "output": "Li Bai (李白) wrote it in the Tang dynasty."}\n'
                    '{"instruction": "静夜思是谁写的？", "output": "是唐代诗人李白写的。"}\n', encoding="utf-8")
    assert [s.language for s in load_general(path)] == ["en", "zh"]
