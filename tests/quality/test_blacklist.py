import pytest

from factory.quality import assistant_tone_hits
from factory.quality.blacklist import Blacklist
from factory.quality.config import BlacklistConfig


@pytest.mark.parametrize(
    "text, language, category",
    [
        ("作为一个AI，我没有个人观点。", "zh", "assistant_tone"),
        ("希望对你有所帮助！", "zh", "assistant_tone"),
        ("这个问题因人而异。", "zh", "hedging"),
        ("我们应该尊重每一种选择。", "zh", "preachy"),
        ("As an AI language model, I cannot feel emotions.", "en", "assistant_tone"),
        ("Well, that depends on the individual.", "en", "hedging"),
        ("抱歉，我无法回答这个问题。", "zh", "refusal"),
        ("I'm sorry, but I cannot fulfill that request.", "en", "refusal"),
        ("I'm unable to help with that.", "en", "refusal"),  # the contraction once slipped through the regex
        ("It's important to remember that everyone matters.", "en", "preachy"),
        ("I asked ChatGPT about it.", "zh", "assistant_tone"),  # language-neutral entries apply everywhere
    ],
)
def test_defaults_catch_each_category(text, language, category):
    hits = assistant_tone_hits(text, language)
    assert hits and hits[0].category == category and hits[0].span in text


@pytest.mark.parametrize(
    "text, language",
    [
        ("我今天写了一首新的奏鸣曲。", "zh"),
        ("我没有意见，你决定吧。", "zh"),
        ("Overall, the concert went well and the hall was full.", "en"),
        ("We must all leave before the storm.", "en"),
        (
            "It depends on the tempo, you fool! An allegro is not a march.",
            "en",
        ),  # a concrete answer, not a hedge
        ("我没有什么可以帮你的，我只是一个写文章的人。", "zh"),
        ("I will not play for a room of chattering princes.", "en"),  # a refusal in character
    ],
)
def test_ordinary_speech_is_clean(text, language):
    assert assistant_tone_hits(text, language) == []


def test_literal_entries_respect_word_boundaries():
    bl = Blacklist.from_config(BlacklistConfig(defaults=False, add=["over"]))
    assert bl.hits("It is over.", "en") and not bl.hits("He wore overalls.", "en")


def test_recipe_adds_and_removes():
    cfg = BlacklistConfig(
        add=[
            {"pattern": r"亲爱的用户", "language": "zh"},
            {"pattern": r"\bmy liege\b", "regex": True, "category": "custom"},
        ],
        remove=["因人而异", "category:preachy"],
    )
    bl = Blacklist.from_config(cfg)
    assert bl.hits("亲爱的用户，你好", "zh")[0].category == "custom"
    assert bl.hits("Yes, my liege.", "en")[0].category == "custom"
    assert bl.hits("这个问题因人而异。", "zh") == []
    assert bl.hits("我们应该尊重每一种选择。", "zh") == []
    assert bl.hits("作为一个AI，我不知道。", "zh")  # the rest of the defaults stay


def test_bad_regex_is_a_one_line_error():
    with pytest.raises(ValueError, match="bad regex"):
        Blacklist.from_config(BlacklistConfig(add=[{"pattern": "(", "regex": True}]))


def test_shipped_lists_are_data_files_with_families():
    from factory.quality.blacklist import BLACKLIST_DIR, default_entries

    entries = default_entries()
    assert {e.language for e in entries} == {"zh", "en", "any"}
    assert {e.category for e in entries} == {"assistant_tone", "refusal", "hedging", "preachy"}
    hit = assistant_tone_hits("希望对你有所帮助！", "zh")[0]
    path, line = hit.source.split(":")
    assert path == "zh.txt" and BLACKLIST_DIR.joinpath(path).read_text(encoding="utf-8").splitlines()[
        int(line) - 1
    ].endswith(hit.pattern)


def test_recipe_files_extend_or_replace_the_defaults(tmp_path):
    extra = tmp_path / "en.court.txt"
    extra.write_text(
        "# court manners\ncustom\tyour grace\nrefusal\tre:\\bnot permitted to say\\b\n", encoding="utf-8"
    )
    both = Blacklist.from_config(BlacklistConfig(files=[extra]))
    assert [h.category for h in both.hits("Yes, your grace. I hope this helps.", "en")] == [
        "custom",
        "assistant_tone",
    ]
    assert both.hits("Yes, your grace.", "zh") == []  # an en*.txt file is English only
    only = Blacklist.from_config(BlacklistConfig(defaults=False, files=[extra]))
    assert (
        only.hits("I hope this helps.", "en") == []
        and only.hits("I am not permitted to say.", "en")[0].source == "en.court.txt:3"
    )


def test_a_bad_blacklist_file_names_file_and_line(tmp_path):
    bad = tmp_path / "zh.txt"
    bad.write_text("assistant_tone\t有什么可以帮你\nrudeness\t滚\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"zh.txt:2: expected FAMILY<tab>PATTERN"):
        Blacklist.from_config(BlacklistConfig(files=[bad]))


def test_recipe_paths_resolve_from_the_recipe(tmp_path):
    from factory.recipe import RecipeError, load_recipe

    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    (tmp_path / "profile.md").write_text("A clockmaker.", encoding="utf-8")
    (tmp_path / "en.mine.txt").write_text("custom\tclockwork heart\n", encoding="utf-8")
    text = (
        (root / "recipes" / "beethoven.yaml")
        .read_text(encoding="utf-8")
        .replace("file: profiles/beethoven.md", "file: profile.md")
        .split("\nquality:")[0]
    )
    (tmp_path / "r.yaml").write_text(
        text + "\nquality:\n  blacklist:\n    files: [en.mine.txt]\n", encoding="utf-8"
    )
    recipe = load_recipe(tmp_path / "r.yaml")
    assert recipe.quality.blacklist.files == [tmp_path / "en.mine.txt"]
    (tmp_path / "r.yaml").write_text(
        text + "\nquality:\n  blacklist:\n    files: [nope.txt]\n", encoding="utf-8"
    )
    with pytest.raises(RecipeError, match="quality.blacklist.files: no such file"):
        load_recipe(tmp_path / "r.yaml")
