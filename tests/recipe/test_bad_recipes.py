"""Hostile or broken recipes: each one is a single `error:` line naming the field, exit 2, nothing run.

Every case here was accepted (or crashed) before the recipe got its path rule, bounds, `${VAR}`
rule and strict YAML reader; the shipped and test recipes must still load.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.recipe import RecipeError, load_recipe

REPO = Path(__file__).resolve().parents[2]
PROFILE = "# Early years\nAnna was born in 1850 in a river town.\n\n# Later years\nShe opened a workshop.\n"
HEAD = "name: anna\nlanguage: en\n"
CHAR = "character:\n  name: Anna Keller\n  profile: {file: profile.md}\n"
GOOD = HEAD + CHAR


def _with(extra: str) -> str:
    return GOOD + textwrap.dedent(extra)


def _profile(spec: str) -> str:
    return HEAD + f"character:\n  name: Anna Keller\n  profile: {{file: {spec}}}\n"


BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + GOOD
)

# (id, recipe text, extra files {relative path: text | bytes | "<dir>" | "-> target"}, must be in the error)
CASES: list[tuple[str, str, dict, str]] = [
    # paths leave the recipe's folder
    ("profile-dotdot-passwd", _profile("../../../../../../../../etc/passwd"), {}, "character.profile.file:"),
    ("profile-absolute-outside", _profile("{outside}"), {}, "character.profile.file:"),
    ("profile-symlink-out", _profile("link.md"), {"link.md": "-> {outside}"}, "character.profile.file:"),
    ("profile-dotdot-sibling", _profile("../outside.md"), {}, "character.profile.file:"),
    ("output-dir-outside", _with("output_dir: ../elsewhere\n"), {}, "output_dir:"),
    (
        "model-path-outside",
        _with("backend: {local: {model_path: /etc/passwd}}\n"),
        {},
        "backend.local.model_path:",
    ),
    ("cards-import-outside", _with("cards: {count: 1, import: ['{outside}']}\n"), {}, "cards.import[0]:"),
    (
        "mix-path-outside",
        _with("mix: {general: [{path: /etc/passwd, ratio: 0.1}]}\n"),
        {},
        "mix.general[0].path:",
    ),
    # profiles that are no text
    ("profile-empty", GOOD, {"profile.md": ""}, "character.profile.file:"),
    ("profile-whitespace", GOOD, {"profile.md": "  \n\t\n   \n"}, "character.profile.file:"),
    (
        "profile-binary",
        GOOD,
        {"profile.md": b"GGUF\x00\x00\x01\x00" + bytes(range(256))},
        "character.profile.file:",
    ),
    (
        "profile-latin1",
        GOOD,
        {"profile.md": "# Life\nCaf\u00e9 cr\u00e8me\n".encode("latin-1")},
        "character.profile.file:",
    ),
    ("profile-only-headings", GOOD, {"profile.md": "# One\n## Two\n"}, "character.profile.file:"),
    ("profile-directory", _profile("folder"), {"folder": "<dir>"}, "character.profile.file:"),
    ("profile-missing", _profile("missing.md"), {}, "character.profile.file:"),
    # counts without a bound
    ("scenes-total-1e9", _with("scenes: {total: 1000000000}\n"), {}, "scenes.total: must be <= 1000000"),
    (
        "scenes-per-chunk-times-chunks",
        _with("scenes: {per_chunk: 10000}\n"),
        {
            "profile.md": "".join(
                f"# Year {i}\nAnna worked on clock number {i} all year.\n" for i in range(200)
            )
        },
        "scenes.per_chunk: 10000 scenes for each of the profile's 200 chunks is 2000000, over the 1000000",
    ),
    ("scenes-per-chunk-huge", _with("scenes: {per_chunk: 100000000}\n"), {}, "scenes.per_chunk: must be <="),
    (
        "max-tokens-int-1e23",
        _with("backend: {max_tokens: 100000000000000000000000}\n"),
        {},
        "backend.max_tokens: must be <=",
    ),
    ("max-tokens-float-1e23", _with("backend: {max_tokens: 1.0e+23}\n"), {}, "backend.max_tokens:"),
    (
        "judge-max-tokens-huge",
        _with("judge: {base_url: 'http://127.0.0.1:9/v1', model: m, max_tokens: 99999999}\n"),
        {},
        "judge.max_tokens: must be <=",
    ),
    ("n-ctx-huge", _with("backend: {local: {n_ctx: 1000000000}}\n"), {}, "backend.local.n_ctx: must be <="),
    ("cards-count-huge", _with("cards: {count: 1000000000}\n"), {}, "cards.count: must be <="),
    (
        "sessions-per-card-huge",
        _with("cards: {count: 2}\nsessions: {per_card: 1000}\n"),
        {},
        "sessions.per_card: must be <=",
    ),
    (
        "interaction-turns-huge",
        _with("interactions: {max_turns: 1000}\n"),
        {},
        "interactions.max_turns: must be <=",
    ),
    (
        "interactions-max-tokens-huge",
        _with("interactions: {max_tokens: 500000000}\n"),
        {},
        "interactions.max_tokens: must be <=",
    ),
    (
        "grounding-max-tokens-huge",
        _with("grounding: {max_tokens: 500000000}\n"),
        {},
        "grounding.max_tokens: must be <=",
    ),
    (
        "chunks-max-tokens-huge",
        _with("chunks: {max_tokens: 500000000}\n"),
        {},
        "chunks.max_tokens: must be <=",
    ),
    (
        "max-pairs-huge",
        _with("preferences: {max_pairs: 1000000000000}\n"),
        {},
        "preferences.max_pairs: must be <=",
    ),
    (
        "judge-sample-huge",
        _with("quality: {selfname: {judge_sample: 1000000000}}\n"),
        {},
        "quality.selfname.judge_sample: must be <=",
    ),
    ("timeout-huge", _with("backend: {timeout: 1.0e+12}\n"), {}, "backend.timeout: must be <="),
    ("seed-huge", _with("seed: 1000000000000000000000000000000\n"), {}, "seed: must be <="),
    ("negative-concurrency", _with("backend: {concurrency: -1}\n"), {}, "backend.concurrency: must be >= 1"),
    # endpoints
    ("base-url-not-a-url", _with("backend: {base_url: not-a-url}\n"), {}, "backend.base_url:"),
    ("base-url-ftp", _with("backend: {base_url: 'ftp://example.com/v1'}\n"), {}, "backend.base_url:"),
    (
        "base-url-credentials",
        _with("backend: {base_url: 'https://user:hunter2pass@example.com/v1'}\n"),
        {},
        "backend.base_url:",
    ),
    (
        "judge-url-key-in-query",
        _with("judge: {base_url: 'https://example.com/v1?api_key=abcdefgh123', model: m}\n"),
        {},
        "judge.base_url:",
    ),
    (
        "self-sampled-url-bad",
        _with("preferences: {kinds: [self_sampled], self_sampled: {base_url: nope, model: m}}\n"),
        {},
        "preferences.self_sampled.base_url:",
    ),
    (
        "wikipedia-lang-host",
        HEAD + "character:\n  name: Anna\n  profile: {wikipedia: {title: Anna, lang: 'evil.com/#'}}\n",
        {},
        "character.profile.wikipedia.lang:",
    ),
    (
        "wikipedia-lang-traversal",  # the language names the cache file under <run>/sources/
        HEAD + "character:\n  name: Anna\n  profile: {wikipedia: {title: Anna, lang: '../../../x'}}\n",
        {},
        "character.profile.wikipedia.lang:",
    ),
    # blocks that do nothing
    ("sessions-without-cards", _with("sessions: {per_card: 2}\n"), {}, "sessions:"),
    # YAML itself
    ("yaml-alias-bomb", BOMB, {}, "recipe.yaml:2:"),
    (
        "yaml-alias",
        "base: &b {name: Anna}\n" + HEAD + "character:\n  <<: *b\n  profile: {file: profile.md}\n",
        {},
        "recipe.yaml:5:",
    ),
    ("yaml-duplicate-key", GOOD + "name: other\n", {}, "recipe.yaml:6: duplicate key 'name'"),
    (
        "yaml-duplicate-key-deep",
        _with("scenes:\n  per_chunk: 2\n  per_chunk: 3\n"),
        {},
        "recipe.yaml:8: duplicate key",
    ),
    (
        "yaml-top-list",
        "# a list, not a recipe\n- name: anna\n",
        {},
        "recipe.yaml:2: top level must be a mapping",
    ),
    ("yaml-top-scalar", "just words\n", {}, "recipe.yaml:1: top level must be a mapping"),
    ("yaml-empty", "", {}, "recipe.yaml: top level must be a mapping"),
    ("yaml-two-documents", GOOD + "---\n" + GOOD, {}, "recipe.yaml:"),
    ("yaml-deep-nesting", GOOD + "tags: " + "[" * 5000 + "]" * 5000 + "\n", {}, "recipe.yaml:6:"),
    ("yaml-not-utf8", GOOD.encode() + b"# caf\xe9\n", {}, "recipe.yaml: not a UTF-8 text file"),
    ("yaml-huge", GOOD + "# " + "x" * 3_000_000 + "\n", {}, "recipe.yaml: "),
    ("yaml-syntax", GOOD + "scenes: [\n", {}, "YAML syntax error"),
    # ${VAR} outside the fields that may hold one
    ("env-in-name", GOOD.replace("name: Anna Keller", "name: '${HOME}'"), {}, "character.name:"),
    ("env-in-profile-file", _profile("'${HOME}/profile.md'"), {}, "character.profile.file:"),
    ("env-in-scene-types", _with("scenes: {types: ['${FACTORY_TEST_SECRET}']}\n"), {}, "scenes.types[0]:"),
    ("env-in-export-tags", _with("export: {tags: ['${PATH}']}\n"), {}, "export.tags[0]:"),
    ("env-whole-block", _with("backend: '${FACTORY_TEST_SECRET}'\n"), {}, "backend:"),
    ("env-unset-api-key", _with("backend: {api_key: '${FACTORY_TEST_UNSET_VAR}'}\n"), {}, "backend.api_key:"),
    # plain wrong values
    ("unknown-key-deep", _with("quality: {dedup: {bandz: 4}}\n"), {}, "quality.dedup.bandz: unknown key"),
    ("unknown-language", GOOD.replace("language: en", "language: fr"), {}, "language: unknown language 'fr'"),
    ("wrong-type-list", _with("scenes: {types: conversation}\n"), {}, "scenes.types:"),
    ("wrong-type-int", _with("scenes: {per_chunk: lots}\n"), {}, "scenes.per_chunk:"),
    (
        "bad-regex",
        _with("quality: {blacklist: {add: [{pattern: '(unclosed', regex: true}]}}\n"),
        {},
        "quality.blacklist.add.0: bad regex",
    ),
    ("unknown-subtype", _with("protection: {quotas: {time_travel: 1}}\n"), {}, "protection.quotas"),
    ("name-dots", GOOD.replace("name: anna", "name: '..'"), {}, "name:"),
    ("name-slash", GOOD.replace("name: anna", "name: ../../x"), {}, "name:"),
]


def _materialise(tmp_path: Path, body: str | bytes, files: dict) -> Path:
    folder = tmp_path / "recipes"
    folder.mkdir()
    outside = tmp_path / "outside.md"
    outside.write_text("# Secret\nThe neighbour's diary, outside the recipe's folder.\n", encoding="utf-8")
    (folder / "profile.md").write_text(PROFILE, encoding="utf-8")
    for rel, content in files.items():
        p = folder / rel
        if content == "<dir>":
            p.mkdir()
        elif isinstance(content, str) and content.startswith("-> "):
            p.unlink(missing_ok=True)
            p.symlink_to(content[3:].format(outside=outside))
        elif isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    path = folder / "recipe.yaml"
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body.replace("{outside}", str(outside)), encoding="utf-8")
    return path


def test_there_are_at_least_forty_distinct_cases():
    assert len({c[0] for c in CASES}) == len({(c[1], repr(c[2])) for c in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize("body,files,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_recipe_is_one_line_exit_2_naming_the_field(tmp_path, monkeypatch, body, files, expected):
    monkeypatch.setenv("FACTORY_TEST_SECRET", "sk-test-do-not-leak-0123")
    monkeypatch.delenv("FACTORY_TEST_UNSET_VAR", raising=False)
    monkeypatch.chdir(tmp_path)
    path = _materialise(tmp_path, body, files)
    with pytest.raises(RecipeError) as exc:
        load_recipe(path)
    assert expected in str(exc.value) and "\n" not in str(exc.value)
    assert "sk-test-do-not-leak" not in str(exc.value)
    for cmd in (
        ["validate", str(path)],
        ["run", str(path), "--quiet", "--limit", "1", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"],
    ):
        res = CliRunner().invoke(main, cmd)
        lines = res.stderr.strip().splitlines()
        assert res.exit_code == 2, (cmd[0], res.output)
        assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], lines
        assert "Traceback" not in res.output and "sk-test-do-not-leak" not in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outside.md", "recipes"]  # nothing written


@pytest.mark.parametrize(
    "case",
    ["profile-dotdot-passwd", "profile-binary", "yaml-alias-bomb", "env-in-name", "base-url-not-a-url"],
)
def test_real_processes_print_one_line(tmp_path, case):
    _, body, files, expected = next(c for c in CASES if c[0] == case)
    path = _materialise(tmp_path, body, files)
    for cmd in (
        ["validate", str(path)],
        ["run", str(path), "--quiet", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "factory", *cmd], capture_output=True, text=True, timeout=120, cwd=tmp_path
        )
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
        assert proc.stderr.startswith("error: ") and expected in proc.stderr


@pytest.mark.parametrize("path", sorted((REPO / "recipes").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_recipes_still_load(path):
    r = load_recipe(path)
    assert r.character.profile.file is None or r.character.profile.file.is_relative_to(path.parent.resolve())


def test_paths_given_on_the_command_line_are_the_users_choice(tmp_path):
    path = _materialise(tmp_path, GOOD, {})
    outside = tmp_path / "outside.md"
    r = load_recipe(path, [f"character.profile.file={outside}"])
    assert r.character.profile.file == outside.resolve()
    r = load_recipe(path, ["character.profile.file=../outside.md"])  # relative: to the recipe's folder
    assert r.character.profile.file == outside.resolve()
    with pytest.raises(RecipeError, match="character.profile.file: .* is empty"):
        (tmp_path / "blank.md").write_text("\n")
        load_recipe(path, [f"character.profile.file={tmp_path / 'blank.md'}"])
    # --set of another key does not make the recipe's own outside path acceptable
    path.write_text(_profile(str(outside)), encoding="utf-8")
    with pytest.raises(RecipeError, match="character.profile.file: .*outside the recipe's folder"):
        load_recipe(path, ["scenes.per_chunk=2"])


def test_a_symlink_inside_the_folder_to_a_file_inside_is_fine(tmp_path):
    path = _materialise(tmp_path, _profile("alias.md"), {"alias.md": "-> profile.md"})
    assert load_recipe(path).character.profile.file == (path.parent / "profile.md").resolve()


def test_the_error_says_how_to_pass_an_outside_path(tmp_path):
    path = _materialise(tmp_path, _profile("../outside.md"), {})
    with pytest.raises(RecipeError) as exc:
        load_recipe(path)
    assert "--set character.profile.file=" in str(exc.value)
    path.write_text(_with("output_dir: /tmp/elsewhere\n"), encoding="utf-8")
    with pytest.raises(RecipeError, match="--out"):
        load_recipe(path)


@pytest.mark.parametrize("lang", ["en", "zh", "simple", "zh-yue", "be-x-old", "zh-min-nan"])
def test_real_wikipedia_language_codes_are_accepted(tmp_path, lang):
    body = HEAD + f"character:\n  name: Anna\n  profile: {{wikipedia: {{title: Anna, lang: {lang}}}}}\n"
    assert load_recipe(_materialise(tmp_path, body, {})).character.profile.wikipedia.lang == lang


def test_large_but_real_runs_still_fit(tmp_path):
    path = _materialise(
        tmp_path,
        _with("""\
        scenes: {total: 1000000, per_chunk: 1000}
        cards: {count: 100000}
        sessions: {per_card: 20, max_turns: 40}
        backend: {max_tokens: 131072, local: {n_ctx: 131072}, timeout: 3600}
        preferences: {max_pairs: 1000000}
        """),
        {},
    )
    r = load_recipe(path)
    assert r.scenes.total == 1_000_000 and r.cards.count == 100_000 and r.backend.max_tokens == 131072
