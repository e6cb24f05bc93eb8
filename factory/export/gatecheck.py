"""The quality gate's line checks, applied to a preference pair's chosen reply.

A `chosen` reply teaches the model what to prefer, so it must pass what a kept line passes, as the
recipe configures the gate: its blacklist (entries added and removed), the character's aliases for
the self-name check, the format checks (truncated, too short, wrong language, ...) and each rule's
action (only rules that reject block a reply). factory.quality owns the rules; this only applies them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from factory.lang import LANGUAGES, character_names
from factory.quality.blacklist import Blacklist
from factory.quality.config import QualityConfig
from factory.quality.formatting import check_line
from factory.quality.rules import Finding, primary
from factory.quality.text import detect_language


@dataclass
class GateCheck:
    config: QualityConfig
    blacklist: Blacklist
    aliases: tuple[str, ...]

    @property
    def note(self) -> str:
        """Why chosen replies go unchecked, or "" when they are checked."""
        return "" if self.config.enabled else "quality.enabled is false: chosen replies are not gated"

    def findings(self, text: str, character: str, language: str) -> list[Finding]:
        """Every rule the reply breaks whose action is reject."""
        if not self.config.enabled:
            return []
        from factory.quality.gate import line_findings  # numpy and the gate: when a reply is checked

        lang = language[:2] if language[:2] in LANGUAGES else detect_language(text)
        found = check_line(
            text, lang, character_names(character, self.aliases, mentions=True), self.config.format
        )
        found += line_findings(text, character, lang, self.blacklist, self.aliases)
        return [f for f in found if self.config.action(f.rule) == "reject"]

    def problem(self, text: str, character: str, language: str) -> str | None:
        """Why this reply may not be `chosen` (the first rule by the gate's precedence), or None."""
        found = self.findings(text, character, language)
        if not found:
            return None
        first = primary(found)
        return f"{first.rule}: {first.detail}" + (f" ({first.span[:60]!r})" if first.span else "")


def load(config: QualityConfig | None = None, aliases: Sequence[str] = ()) -> GateCheck:
    """The checks as the recipe's `quality:` block and character aliases configure the gate."""
    cfg = config or QualityConfig()
    return GateCheck(cfg, Blacklist.from_config(cfg.blacklist), tuple(aliases) + tuple(cfg.selfname.aliases))
