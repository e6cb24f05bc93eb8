"""Secrets never reach disk or prompts: masking, credential-free URLs, and where `${VAR}` may expand."""

from __future__ import annotations

import pytest

from factory import secrets
from factory.recipe import BackendConfig, RecipeError, load_recipe
from factory.recipe.env import interpolate
from factory.run.endpoint import Overrides, resolve

GOOD = "name: anna\ncharacter:\n  name: Anna Keller\n  profile: {file: profile.md}\n"


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch):
    """Each test starts with nothing registered and no secret-looking variables of the machine."""
    monkeypatch.setattr(secrets, "_registered", set())
    for name in list(__import__("os").environ):
        if secrets._SECRET_NAME.search(name):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HF_TOKEN_PATH", "/nonexistent/token")


def test_scrub_masks_registered_values_and_secret_named_variables(monkeypatch):
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-deepseek-1234567")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_abcdefghijkl")
    monkeypatch.setenv("DB_PASSWORD", "correct-horse-battery")
    monkeypatch.setenv("GREETING", "hello-there-world")  # not a secret by name
    secrets.register("registered-value-99")
    secrets.register("short")  # under MIN_LEN: masking it would mask ordinary words
    text = (
        "key sk-deepseek-1234567 tok ghp_abcdefghijkl pw correct-horse-battery "
        "reg registered-value-99 short hello-there-world"
    )
    assert secrets.scrub(text) == "key *** tok *** pw *** reg *** short hello-there-world"


def test_a_secret_containing_another_is_masked_whole():
    secrets.register("abcdefgh")
    secrets.register("abcdefgh-and-more")
    assert secrets.scrub("x abcdefgh-and-more y abcdefgh") == "x *** y ***"


def test_scrub_obj_walks_keys_lists_and_tuples_and_leaves_other_values():
    secrets.register("sk-in-a-key-000")
    obj = {"sk-in-a-key-000": ["a sk-in-a-key-000 b", ("sk-in-a-key-000",)], "n": 3, "none": None, "f": 1.5}
    assert secrets.scrub_obj(obj) == {"***": ["a *** b", ["***"]], "n": 3, "none": None, "f": 1.5}


def test_find_secret_names_the_value_for_refusing_an_upload(monkeypatch):
    monkeypatch.setenv("MY_SERVICE_API_KEY", "sk-service-abcdef")
    monkeypatch.setenv("HF_TOKEN", "hf_abcdefghijklmn")
    assert secrets.find_secret("data sk-service-abcdef data") == "sk-service-abcdef"
    assert secrets.find_secret("token hf_abcdefghijklmn") == "hf_abcdefghijklmn"
    assert secrets.find_secret("nothing here") is None


@pytest.mark.parametrize(
    "url,clean",
    [
        ("https://user:pass-1234567@host.example/v1", "https://host.example/v1"),
        ("https://user@host.example:8443/v1", "https://host.example:8443/v1"),
        (
            "https://h.example/v1?api_key=abcdefgh123&api-version=2024-06-01",
            "https://h.example/v1?api-version=2024-06-01",
        ),
        ("https://h.example/v1?token=abcdefgh123&sig=abcdefgh456", "https://h.example/v1"),
        ("user:pass-1234567@host.example/v1", "host.example/v1"),  # no scheme
        ("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"),
        (
            "https://host.example/v1/@handle",
            "https://host.example/v1/@handle",
        ),  # an @ in the path is not userinfo
    ],
)
def test_strip_credentials(url, clean):
    assert secrets.strip_credentials(url) == clean


def test_strip_credentials_registers_what_it_drops():
    secrets.strip_credentials("https://me:pass-1234567@h.example/v1?key=query-secret-99")
    assert secrets.scrub("pass-1234567 query-secret-99") == "*** ***"
    assert secrets.strip_credentials(None) is None and secrets.strip_credentials("") == ""


def test_register_environment_takes_the_keys_factory_reads(tmp_path):
    token = tmp_path / "token"
    token.write_text("hf_stored_by_login_123\n")
    env = {"OPENAI_API_KEY": "sk-openai-abcdef", "HF_TOKEN_PATH": str(token)}
    secrets.register_environment(env)  # a dict, not os.environ: the name pattern alone would miss these
    assert secrets.scrub("sk-openai-abcdef hf_stored_by_login_123") == "*** ***"


def test_keys_a_recipe_brings_are_registered_at_load(write_recipe, monkeypatch):
    monkeypatch.setenv("MY_CRED", "cred-from-an-oddly-named-var")  # its name says nothing about secrets
    path = write_recipe(
        GOOD + "backend: {api_key: '${MY_CRED}', base_url: 'http://127.0.0.1:9/v1'}\n"
        "judge: {api_key: literal-judge-key-123, base_url: 'http://127.0.0.1:9/v1', model: j}\n"
        "preferences: {kinds: [self_sampled], self_sampled: {base_url: 'http://127.0.0.1:9/v1',"
        " model: m, api_key: self-sampled-key-456}}\n"
    )
    load_recipe(path)
    assert (
        secrets.scrub("cred-from-an-oddly-named-var literal-judge-key-123 self-sampled-key-456")
        == "*** *** ***"
    )


def test_resolve_registers_the_key_it_uses():
    s = resolve(BackendConfig(), Overrides(), env={"OPENAI_API_KEY": "sk-from-env-dict-1"})
    assert s.api_key == "sk-from-env-dict-1" and secrets.scrub(s.api_key) == "***"


def test_interpolation_only_in_endpoint_fields():
    env = {"K": "sk-value-123456", "U": "http://127.0.0.1:9/v1"}
    data = {
        "backend": {"api_key": "${K}", "base_url": "${U}", "model": "${M:-fallback}"},
        "judge": {"api_key": "pre-${K}"},
        "preferences": {"self_sampled": {"base_url": "${U}"}},
    }
    got = interpolate(data, env)
    assert got["backend"] == {
        "api_key": "sk-value-123456",
        "base_url": "http://127.0.0.1:9/v1",
        "model": "fallback",
    }
    assert (
        got["judge"]["api_key"] == "pre-sk-value-123456"
        and got["preferences"]["self_sampled"]["base_url"] == env["U"]
    )
    for bad, field in [
        ({"character": {"name": "${K}"}}, "character.name"),
        ({"scenes": {"types": ["a", "${K}"]}}, "scenes.types[1]"),
        ({"backend": {"kind": "${K}"}}, "backend.kind"),
        ({"quality": {"blacklist": {"add": [{"pattern": "${K}"}]}}}, "quality.blacklist.add[0].pattern"),
    ]:
        with pytest.raises(ValueError) as exc:
            interpolate(bad, env)
        msg = str(exc.value)
        assert msg.startswith(f"{field}: ${{K}} is not allowed here") and "api_key, base_url and model" in msg
        assert "sk-value" not in msg


def test_a_recipe_cannot_put_an_environment_variable_into_a_prompt(write_recipe, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-very-secret-value")
    path = write_recipe(GOOD.replace("name: Anna Keller", "name: 'Anna ${AWS_SECRET_ACCESS_KEY}'"))
    with pytest.raises(
        RecipeError, match=r"^character.name: \$\{AWS_SECRET_ACCESS_KEY\} is not allowed here"
    ):
        load_recipe(path)
    path = write_recipe(
        GOOD, profile="# Life\nAnna ${AWS_SECRET_ACCESS_KEY} lived.\n"
    )  # profile text: not expanded
    from factory.sources.profile import load_file_profile

    assert (
        "${AWS_SECRET_ACCESS_KEY}" in load_file_profile("Anna", load_recipe(path).character.profile.file).text
    )


@pytest.mark.parametrize(
    "url", ["https://user:pw-123456@api.example/v1", "https://api.example/v1?api_key=sk-123456"]
)
def test_credentials_in_a_base_url_are_refused_with_advice(write_recipe, url):
    with pytest.raises(RecipeError) as exc:
        load_recipe(write_recipe(GOOD + f"backend: {{base_url: '{url}', model: m}}\n"))
    assert str(exc.value).startswith("backend.base_url: ") and "api_key" in str(exc.value)
    assert "123456" not in str(exc.value)
    with pytest.raises(RecipeError, match="^--base-url: .*api_key"):
        resolve(BackendConfig(), Overrides(base_url=url), env={})
    with pytest.raises(RecipeError, match="^OPENAI_BASE_URL: .*api_key"):
        resolve(BackendConfig(), Overrides(), env={"OPENAI_BASE_URL": url})
