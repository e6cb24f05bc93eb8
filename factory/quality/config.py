"""Recipe block of the quality gate (`quality:` in a recipe, or a YAML file for `factory gate --config`).

Every rule has an action: reject (default), flag (kept, noted in the sample's `quality.gate.flags`)
or off. Rule names are listed in factory/quality/rules.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from factory.quality.rules import ALWAYS_REJECT, RULES
from factory.recipe.errors import Strict

Action = Literal["reject", "flag", "off"]


class BlacklistEntry(Strict):
    """One blacklist entry: a phrase (or regex) no in-character line may contain."""

    pattern: str = Field(
        min_length=1, description="The phrase, matched case-insensitively (a regex with `regex: true`)."
    )
    regex: bool = Field(
        False, description="Read `pattern` as a regular expression (checked when the recipe loads)."
    )
    language: Literal["zh", "en", "any"] = Field("any", description="The data language it applies to.")
    category: Literal["assistant_tone", "refusal", "hedging", "preachy", "custom"] = Field(
        "custom",
        description="The family it reports under (`category:NAME` in `remove` drops a whole family).",
    )
    source: str = Field(
        "",
        exclude=True,
        description="Where the entry is written (file:line): filled in for "
        "entries read from blacklist files, shown by `factory gate --explain`; not a recipe key.",
    )

    @model_validator(mode="after")
    def _compiles(self) -> BlacklistEntry:
        """A bad regex fails when the recipe loads, not when the gate first meets it."""
        if self.regex:
            try:
                re.compile(self.pattern, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"bad regex {self.pattern!r}: {exc}") from None
        return self


class BlacklistConfig(Strict):
    """The phrases that mark a line as out of character (assistant tone, refusals, hedging, preaching)."""

    defaults: bool = Field(
        True, description="Start from the shipped lists (factory/quality/blacklists/{zh,en,any}.txt)."
    )
    add: list[BlacklistEntry | str] = Field(
        default_factory=list,
        description="More entries: a bare string is a "
        "literal phrase, else `{pattern, regex, language, category}`.",
    )
    # default entries to drop: the pattern as written in factory/quality/blacklists/*.txt, or "category:NAME"
    remove: list[str] = Field(
        default_factory=list,
        description="Shipped entries to drop: the pattern as written "
        "in the list file, or `category:NAME` for a whole family.",
    )
    files: list[Path] = Field(
        default_factory=list,
        description=(
            "More blacklist files, read after the shipped ones (with `defaults: false`, instead of them): one "
            "FAMILY<tab>PATTERN a line, `re:` before a regex (format: factory/quality/blacklists/README.txt). A file "
            "named zh*.txt or en*.txt applies to that language, any other to all; relative paths are from the recipe."
        ),
    )


class SelfNameConfig(Strict):
    """The check that the character does not talk about itself in the third person, by name."""

    mode: Literal["heuristic", "judge"] = Field(
        "heuristic",
        description="heuristic: name patterns decide; "
        "judge: the judge model decides every line (needs a judge).",
    )
    aliases: list[str] = Field(
        default_factory=list, description="More names the character goes by (besides character.aliases)."
    )
    # heuristic mode + a judge endpoint: ask the judge about this many lines and report agreement
    judge_sample: int = Field(
        0,
        ge=0,
        le=1_000_000,
        description="In heuristic mode with a judge: ask it about "
        "this many lines and report the agreement (0: none).",
    )
    seed: int = Field(
        0, description="Seed of the judged line sample; left unset it follows the recipe's `seed`."
    )


class FormatConfig(Strict):
    """Format rules: length, end punctuation, script share and speaker labels of the character's lines."""

    # a character line needs this many tokens (zh: Han characters, en: words); a reply that is only a
    # backchannel ("嗯。", "Yes.") is short whatever its length, so a terse "不可！" or "Never!" can stay
    min_length: dict[str, int] = Field(
        default_factory=lambda: {"zh": 2, "en": 1},
        description="Tokens a "
        "character line needs, per language (zh: Han characters, en: words; 0-10000); "
        "a backchannel-only reply is short at any length.",
    )
    max_short_share: float = Field(
        0.34, ge=0, le=1, description="Reject a sample when more of its lines are short."
    )
    # lines at least this long must end in punctuation or closing markup (0: do not check)
    end_punct_min_length: dict[str, int] = Field(
        default_factory=lambda: {"zh": 15, "en": 8},
        description="Lines "
        "at least this long (per language, 0-10000) must end in punctuation "
        "or closing markup; 0: do not check.",
    )
    min_language_share: float = Field(
        0.5, ge=0, le=1, description="Share of a line's letters that must be in the expected script."
    )
    user_labels: list[str] = Field(
        default_factory=lambda: [
            "user",
            "用户",
            "human",
            "玩家",
            "player",
            "you",
            "你",
            "您",
            "{{user}}",
            "<user>",
            "对方",
        ],
        description="Speaker labels meaning the user: a character line with one (`User: ...`) speaks for the user.",
    )

    @field_validator("min_length", "end_punct_min_length")
    @classmethod
    def _languages(cls, v: dict[str, int]) -> dict[str, int]:
        bad = [k for k, n in v.items() if k not in ("zh", "en") or not 0 <= n <= 10_000]
        if bad:
            raise ValueError(f"keys must be zh/en with values from 0 to 10000, got {bad[0]!r}")
        return v


class DedupConfig(Strict):
    """Near-duplicate samples and lines: MinHash LSH candidates, verified with rapidfuzz."""

    sample_threshold: float = Field(
        90.0, ge=0, le=100, description="rapidfuzz ratio at or above which two whole samples are duplicates."
    )
    line_threshold: float = Field(85.0, ge=0, le=100, description="The same for single character lines.")
    line_min_length: int = Field(
        5, ge=1, le=10_000, description="Shorter lines are left to the length and pattern rules."
    )
    line_max_share: float = Field(
        0.5, ge=0, le=1, description="Reject a sample when more of its lines repeat lines elsewhere."
    )
    num_perm: int = Field(128, ge=8, le=1024, description="MinHash permutations (a multiple of `bands`).")
    bands: int = Field(32, ge=1, le=1024, description="LSH bands: more bands find more candidate pairs.")
    shingle: int = Field(2, ge=1, le=8, description="Tokens per shingle.")
    workers: int = Field(1, ge=1, le=64, description="Threads for hashing and rapidfuzz.")

    @model_validator(mode="after")
    def _bands(self) -> DedupConfig:
        if self.num_perm % self.bands:
            raise ValueError(f"num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})")
        return self


class PatternConfig(Strict):
    """Over-frequent openers and catchphrases: samples over a pattern's cap are downsampled."""

    opener_length: int = Field(4, ge=1, le=100, description="Tokens that make a line's opener.")
    opener_max_share: float = Field(
        0.02, gt=0, le=1, description="Most samples (a share) one opener may start."
    )
    ngram_length: int = Field(6, ge=2, le=100, description="Tokens of a repeated phrase (catchphrase).")
    ngram_max_share: float = Field(
        0.05, gt=0, le=1, description="Most samples (a share) one phrase may appear in."
    )
    min_keep: int = Field(
        2, ge=1, le=1_000_000, description="A cap never goes below this many samples (small datasets)."
    )
    top: int = Field(10, ge=1, le=1000, description="Patterns listed in the report.")
    seed: int = Field(
        0, description="Seed of which samples stay under a cap; left unset it follows the recipe's `seed`."
    )


class LearnedConfig(Strict):
    """The learned second opinion (factory/quality/learned.py): a small n-gram model over each line."""

    enabled: bool = Field(
        True,
        description="Run the shipped classifier on every character line; over its threshold the line "
        "breaks `learned.classifier` (its probability in the detail). On by default: leave-one-split-out "
        "cross-validation on the benchmark says it adds detection within the false-positive goal.",
    )
    threshold: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="Probability at or above which a line is bad; unset: the threshold cross-validation "
        "chose for the shipped model (factory/quality/learned_model.json).",
    )


class QualityConfig(Strict):
    """The quality gate: which samples are kept, flagged or rejected, and why (quality/report.md)."""

    enabled: bool = Field(
        True, description="false: the block stays but the gate does not run (export takes every sample)."
    )
    rules: dict[str, Action] = Field(
        default_factory=dict,
        description="Action per rule name, e.g. "
        "`{format.too_short: flag}` (names: factory/quality/rules.py); unlisted: reject.",
    )
    blacklist: BlacklistConfig = Field(
        default_factory=BlacklistConfig, description="The out-of-character phrase lists."
    )
    selfname: SelfNameConfig = Field(
        default_factory=SelfNameConfig, description="The third-person self-naming check."
    )
    format: FormatConfig = Field(default_factory=FormatConfig, description="The format rules.")
    dedup: DedupConfig = Field(default_factory=DedupConfig, description="Near-duplicate samples and lines.")
    patterns: PatternConfig = Field(
        default_factory=PatternConfig, description="Over-frequent openers and catchphrases."
    )
    learned: LearnedConfig = Field(
        default_factory=LearnedConfig, description="The learned second opinion on each line."
    )
    examples: int = Field(3, ge=0, le=50, description="Examples per rule in the report.")

    def check_paths(self, base: Path, key: str = "quality") -> None:
        """The recipe's own blacklist files exist (made absolute against the recipe's folder)."""
        from factory.quality.blacklist import resolve_files  # it imports this module
        from factory.recipe.errors import RecipeError

        try:
            resolve_files(self.blacklist, base, f"{key}.blacklist.files")
        except ValueError as exc:
            raise RecipeError(str(exc)) from None

    def follow_seed(self, seed: int) -> None:
        """The gate's sampled checks follow the recipe's seed unless the recipe seeds them itself."""
        for sub in (self.patterns, self.selfname):
            if "seed" not in sub.model_fields_set:
                sub.seed = seed

    @field_validator("rules", mode="before")
    @classmethod
    def _yaml_off(cls, v):
        """YAML reads a bare `off` as false (and `on` as true): take them as meant."""
        if isinstance(v, dict):
            return {k: ("off" if a is False else "reject" if a is True else a) for k, a in v.items()}
        return v

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, v: dict[str, str]) -> dict[str, str]:
        for name, action in v.items():
            if name not in RULES:
                raise ValueError(f"unknown rule {name!r} (see factory/quality/rules.py)")
            if name in ALWAYS_REJECT and action != "reject":
                raise ValueError(f"rule {name!r} can only reject")
        return v

    def action(self, rule: str) -> Action:
        return self.rules.get(rule, "reject")
