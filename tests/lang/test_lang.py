"""factory/lang/: script first, the shipped fastText model for Latin-script lines, names."""

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
    assert name_variants("Ludwig van Beethoven", ["Louis"]) == [
        "Ludwig van Beethoven",
        "Beethoven",
        "Ludwig",
        "Louis",
    ]
    assert name_variants("诸葛亮", ["孔明"]) == ["诸葛亮", "孔明"]


def test_mixing_labels_general_rows_by_detected_language(tmp_path):
    """A general row used to be zh as soon as it held one Han character."""
    from factory.export.mixing import load_general

    path = tmp_path / "general.jsonl"
    path.write_text(
        '{"instruction": "Who wrote 静夜思?", "output": "Li Bai (李白) wrote it in the Tang dynasty."}\n'
        '{"instruction": "静夜思是谁写的？", "output": "是唐代诗人李白写的。"}\n',
        encoding="utf-8",
    )
    assert [s.language for s in load_general(path)] == ["en", "zh"]


def test_character_names_are_the_speaker_names_and_with_mentions_every_name_part():
    from factory.lang import character_names

    # who a speaker label must be: name, aliases, a Western family name alone; stripped, once each
    assert character_names(" Ludwig van Beethoven ", ["Louis", "Beethoven", " "]) == [
        "Ludwig van Beethoven",
        "Louis",
        "Beethoven",
    ]
    assert character_names("苏轼", ["苏东坡", "东坡居士"]) == ["苏轼", "苏东坡", "东坡居士"]
    assert character_names("Cher", None) == ["Cher"]
    # how a line can mention the character: every meaningful part too, longest first
    assert character_names("路德维希·凡·贝多芬", ["贝多芬"], mentions=True) == [
        "路德维希·凡·贝多芬",
        "路德维希",
        "贝多芬",
    ]
    assert character_names("Jean-Paul Sartre", ["J.P."], mentions=True) == [
        "Jean-Paul Sartre",
        "Sartre",
        "J.P.",
        "Jean",
        "Paul",
    ]
    # the gate's names include every speaker name, so generator and gate agree on who the character is
    for name, aliases in (
        ("Ludwig van Beethoven", ["Louis"]),
        ("诸葛亮", ["孔明", "卧龙先生"]),
        ("Mr. Darcy", []),
    ):
        assert set(character_names(name, aliases)) <= set(name_variants(name, aliases))


def test_the_one_han_range_covers_every_cjk_block_and_nothing_else():
    from factory.lang import HAN_RE, has_han, script_counts

    edges = "\u3400\u4db5\u4e00\u9fff\uf900\ufaff\U00020000\U0002a6d6\U0002f800\U00030000\U000323af"  # Ext-A, URO,
    assert len(HAN_RE.findall(edges)) == len(edges)  # compatibility, Ext-B, compatibility supplement, Ext-G/H
    assert script_counts(edges) == {"Han": len(edges), "Latin": 0}
    for (
        ch
    ) in "\u33ff\u3000\u3001\u3002\uff0c\uff1a\uff08\u300c\u3042\u30a2\uac00Aé":  # CJK symbols and full-width
        assert not has_han(ch), hex(ord(ch))  # punctuation, kana, hangul and Latin are not Han


def test_punctuation_and_words_per_language():
    from factory.lang import aside, is_zh, join_list, lang_key, pick, punctuation, word

    assert [lang_key(c) for c in ("zh", "zh-CN", "zh-Hant", "en", "en-GB", "fr")] == [
        "zh",
        "zh",
        "zh",
        "en",
        "en",
        "en",
    ]
    assert is_zh("zh-TW") and not is_zh("en") and pick("zh-CN", "Overview", "概述") == "概述"
    zh, en = punctuation("zh"), punctuation("en")
    assert (zh.colon, zh.list_sep, zh.clause_sep, zh.space) == ("：", "、", "；", "")  # full-width, no spaces
    assert (en.colon, en.list_sep, en.clause_sep, en.space) == (": ", ", ", "; ", " ")
    assert join_list(["李白", "杜甫"], "zh") + aside("诗人", "zh") == "李白、杜甫（诗人）"
    assert join_list(["Li Bai", "Du Fu"], "en") + aside("poets", "en") == "Li Bai, Du Fu (poets)"
    assert aside("", "zh") == "" and word("narrator", "zh") == "旁白" and word("user", "en-US") == "User"


def test_detect_language_on_mixed_text_and_among_the_dataset_languages():
    from factory.lang import LANGUAGES, detect_language

    assert detect_language("我今天去了Starbucks，买了一杯latte。") == "zh"  # Latin words in a Chinese line
    assert (
        detect_language("We had tea with 王先生 at the 茶馆 on Sunday afternoon.") == "en"
    )  # Han names in English
    assert detect_language("Je ne sais pas pourquoi vous me parlez ainsi, monsieur.") == "fr"
    assert detect_language("Je ne sais pas pourquoi vous me parlez ainsi, monsieur.", among=LANGUAGES) == "en"
    assert detect_language("……！", among=LANGUAGES) == "en" and detect_language("……！") is None
    assert detect_language("朕意已决，明日早朝宣旨。", among=LANGUAGES) == "zh"


def test_prompts_are_read_from_the_folder_of_the_language_key():
    from factory import prompts

    values = {"character": "苏轼", "line": "苏轼说：好。"}
    zh, en = (
        prompts.render("selfname_judge", "zh", **values),
        prompts.render("selfname_judge", "en", **values),
    )
    assert zh != en
    assert prompts.render("selfname_judge", "zh-CN", **values) == zh  # was: no such file prompts/zh-CN/...
    assert prompts.render("selfname_judge", "en-GB", **values) == en
