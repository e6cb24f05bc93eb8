"""A real run to view: `factory run` against the scripted server with every stage the viewer shows.

Experiences + protection (tests/responders.py), persona cards + sessions (tests/persona_responders.py),
the gate, preference pairs and export, all through the real pipeline; one character reply in a few
scripts is written in an assistant's voice so the gate has a blacklisted span to show.
"""

from __future__ import annotations

import json
import textwrap
import zlib
from pathlib import Path

from factory.recipe import load_recipe
from factory.run.pipeline import run_recipe
from tests import persona_responders, responders

TONE = "Great question! As an AI assistant, I'd be happy to help."
OOC = "I read all about it on the internet last week."
ZH_TONE = "作为一个AI助手，我很乐意为您提供帮助！"

PROFILE_EN = """\
# Early years
Anna Keller was born in 1850 in a river town. Her father repaired clocks and taught her the trade.

# Later years
Anna opened her own workshop in 1880 and trained six apprentices. She died in 1921.
"""

PROFILE_ZH = """\
## 眉山少年
苏轼生于眉州眉山，父亲苏洵，母亲程氏，弟弟苏辙。兄弟二人自小一同读书，感情极深。

## 黄州东坡
乌台诗案后，苏轼被贬黄州，在城东坡地开荒耕种，自号东坡居士，写下《赤壁赋》。
"""


def _judge_rank(body: dict) -> str:
    return json.dumps({"ranking": ["A", "B", "C"]})


def responder(body: dict) -> str:
    """Route a request to the scripted answer for its task."""
    system = body["messages"][0]["content"] if body["messages"] else ""
    text = " ".join(m.get("content", "") for m in body["messages"])
    if "generic AI assistant" in system:
        return ZH_TONE if responders._lang(text) == "zh" else TONE
    if "breaks character" in system:
        return f'"{OOC}"'
    if any(
        k in text
        for k in ("Seed attributes of the new character", "Material about", "Write a session of exactly")
    ):
        return persona_responders.route(body)
    reply = responders.route(body)
    if '"turns"' in text and zlib.crc32(text.encode()) % 7 == 1:
        return reply[: len(reply) // 2]  # cut off mid-JSON: the stage records a parse failure
    if '"turns"' in text and '"question"' not in text and zlib.crc32(text.encode()) % 3 == 0:
        turns = json.loads(reply)["turns"]
        zh = responders._lang(text) == "zh"
        turns[-1]["text"] = (
            "这取决于天气。总而言之，我们都应该尊重匠人。"
            if zh
            else "It really depends. In conclusion, it's important to remember the craft."
        )
        reply = json.dumps({"turns": turns}, ensure_ascii=False)
    return reply


def recipe_text(base_url: str, language: str = "en", cards: bool = True) -> str:
    name, char = ("anna", "Anna Keller") if language == "en" else ("sushi", "苏轼")
    aliases = "[Anna]" if language == "en" else "[苏东坡, 子瞻]"
    body = f"""\
        name: {name}
        language: {language}
        character: {{name: {char}, aliases: {aliases}, profile: {{file: profile-{language}.md}}}}
        protection: {{share: 0.5}}
        backend: {{base_url: "{base_url}", model: scripted, max_retries: 0, parse_retries: 0}}
        chunks: {{max_tokens: 200, min_tokens: 5}}
        scenes: {{per_chunk: 6, per_request: 3}}
        preferences: {{kinds: [assistant_tone, out_of_character], max_pairs: 6}}
"""
    if cards:  # a custom entry flagged, not rejected: kept samples carry a flag to show
        body += """\
        quality: {rules: {blacklist.custom: flag}, blacklist: {add: ["What about you?"]}}
        cards: {count: 4, detail: short, examples: 1}
        sessions: {per_card: 1, min_turns: 4, max_turns: 4, pushback_share: 0.25}
"""
    return textwrap.dedent(body)


def build_run(root: Path, base_url: str, language: str = "en", cards: bool = True) -> Path:
    """Run the whole pipeline into root/<language>; returns the run directory."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"profile-{language}.md").write_text(
        PROFILE_EN if language == "en" else PROFILE_ZH, encoding="utf-8"
    )
    recipe = root / f"recipe-{language}.yaml"
    recipe.write_text(recipe_text(base_url, language, cards), encoding="utf-8")
    out = root / f"run-{language}"
    run_recipe(load_recipe(recipe), out=out, progress=False, log=lambda m: None)
    return out


def add_evals(run: Path) -> None:
    """`factory eval` twice (labels base and sft) against a scripted model, then `factory eval compare`."""
    from click.testing import CliRunner

    from factory.cli import main
    from factory.testing.openai_server import ScriptedServer

    with ScriptedServer(responder=lambda body: "*nods* The springs hold well this spring, friend.") as srv:
        for label in ("base", "sft"):
            res = CliRunner().invoke(
                main,
                [
                    "eval",
                    "--model",
                    srv.base_url,
                    "--model-name",
                    "m",
                    "--run",
                    str(run),
                    "--label",
                    label,
                    "--questions",
                    "1",
                    "--interviews",
                    "0",
                ],
            )
            assert res.exit_code == 0, res.output
    res = CliRunner().invoke(
        main,
        [
            "eval",
            "compare",
            str(run / "eval" / "base"),
            str(run / "eval" / "sft"),
            "--out",
            str(run / "eval" / "compare"),
        ],
    )
    assert res.exit_code == 0, res.output
