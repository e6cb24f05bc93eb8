"""Every bad recipe gets one line naming the field, exit code 2, and no traceback."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from factory.cli import main
from factory.recipe import RecipeError, load_recipe

GOOD = """\
name: anna
language: en
character:
  name: Anna Keller
  profile: {file: profile.md}
"""


def invoke(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_good_recipe_validates_and_resolves_paths(write_recipe):
    path = write_recipe(GOOD)
    r = load_recipe(path)
    assert r.character.profile.file == (path.parent / "profile.md").resolve()
    res = invoke("validate", path)
    assert res.exit_code == 0 and "ok:" in res.output


def test_validate_names_the_stages_the_recipe_will_run(write_recipe):
    res = invoke("validate", write_recipe(GOOD + "interactions: null\ncards: {count: 2}\nsessions: {}\n"))
    line = next(x for x in res.output.splitlines() if x.startswith("stages: "))
    stages = line.removeprefix("stages: ").split(" -> ")
    assert stages[:2] == ["chunks", "scenes"] and "interactions" not in stages
    assert stages.index("cards") < stages.index("sessions") < stages.index("samples")


@pytest.mark.parametrize(
    "body,expected",
    [
        (GOOD + "scenes: {per_chunk: 0}\n", "scenes.per_chunk: must be >= 1"),
        (GOOD + "scenes: {per_chunk: -3}\n", "scenes.per_chunk: must be >= 1"),
        (GOOD + "scenes: {per_chunck: 3}\n", "scenes.per_chunck: unknown key"),
        (GOOD + "sceens: {}\n", "sceens: unknown key"),
        (GOOD + "scenes: {per_chunk: many}\n", "scenes.per_chunk: Input should be a valid integer"),
        (GOOD.replace("language: en", "language: fr"), "language: unknown language 'fr'"),
        (GOOD.replace("profile.md", "missing.md"), "character.profile.file: no such file"),
        (GOOD + "backend: {concurrency: 0}\n", "backend.concurrency: must be >= 1"),
        (
            GOOD + "backend: {api_key: '${FACTORY_TEST_UNSET_VAR}'}\n",
            "backend.api_key: environment variable FACTORY_TEST_UNSET_VAR is not set",
        ),
        (GOOD + "character: [\n", "YAML syntax error"),
        ("- just\n- a list\n", "top level must be a mapping"),
        (GOOD.replace("  name: Anna Keller\n", ""), "character.name: required"),
    ],
)
def test_bad_recipes_fail_in_one_line(write_recipe, body, expected):
    path = write_recipe(body)
    with pytest.raises(RecipeError) as exc:
        load_recipe(path)
    assert expected in str(exc.value)
    res = invoke("validate", path)
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]


def test_env_interpolation_keeps_secret_out_of_dumps(write_recipe, monkeypatch):
    monkeypatch.setenv("FACTORY_TEST_KEY", "sk-very-secret")
    r = load_recipe(
        write_recipe(GOOD + "backend: {api_key: '${FACTORY_TEST_KEY}', base_url: 'http://x/v1'}\n")
    )
    assert r.backend.api_key.get_secret_value() == "sk-very-secret"
    assert "sk-very-secret" not in r.model_dump_json() and "sk-very-secret" not in repr(r)


def test_missing_recipe_file(tmp_path):
    res = invoke("validate", tmp_path / "nope.yaml")
    assert res.exit_code == 2 and "no such recipe file" in res.output


def test_existing_foreign_output_dir_is_never_touched(write_recipe, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    path = write_recipe(GOOD + f"output_dir: {foreign}\n")
    res = invoke("run", path, "--quiet")
    assert res.exit_code == 2 and "not a factory run directory" in res.output
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.tex"]


def test_validate_refuses_a_foreign_output_dir_as_run_would(write_recipe, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    path = write_recipe(GOOD + f"output_dir: {foreign}\n")
    res = invoke("validate", path)
    assert res.exit_code == 2 and res.output.strip().splitlines() == [
        f"error: output_dir: {foreign} exists and is not a factory run directory (refusing to overwrite)"
    ]
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.tex"]
    empty, ours = tmp_path / "empty", tmp_path / "ours"
    empty.mkdir()
    ours.mkdir()
    (ours / ".factory-run").write_text("factory run directory\n")
    (ours / "scenes.jsonl").write_text("")
    for ok_dir in (empty, ours, tmp_path / "not-yet"):
        assert invoke("validate", path, "--out", ok_dir).exit_code == 0
    assert not (tmp_path / "not-yet").exists() and list(empty.iterdir()) == []  # validate writes nothing


def test_real_process_prints_no_traceback(write_recipe):
    path = write_recipe(GOOD + "scenes: {per_chunk: 0}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "factory", "validate", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.strip() == "error: scenes.per_chunk: must be >= 1"


def test_set_overrides_values_before_validation(write_recipe):
    path = write_recipe(GOOD)
    r = load_recipe(path, ["scenes.per_chunk=3", "backend.temperature=0.2", "chunks.max_tokens=200"])
    assert r.scenes.per_chunk == 3 and r.backend.temperature == 0.2 and r.chunks.max_tokens == 200
    with pytest.raises(RecipeError, match="scenes.per_chunk: must be >= 1"):
        load_recipe(path, ["scenes.per_chunk=0"])
    with pytest.raises(RecipeError, match="expected KEY.PATH=VALUE"):
        load_recipe(path, ["scenes.per_chunk"])
    with pytest.raises(RecipeError, match="scenes.per_chunks: unknown key"):
        load_recipe(path, ["scenes.per_chunks=2"])
