"""Shared by the gate-round tests: the rules the line checks find, and the tone families by rule."""

from factory.quality.blacklist import default_blacklist
from factory.quality.gate import line_findings

# Which rules answer for each tone family (a line caught under either rule of its family counts)
FAMILY = {
    "assistant": {"blacklist.assistant_tone", "tone.assistant"},
    "refusal": {"blacklist.refusal", "tone.refusal"},
    "hedging": {"blacklist.hedging", "blacklist.preachy", "tone.generic"},
    "role": {"selfname.role_announce"},
}
ALL = set().union(*FAMILY.values())


def line_rules(line: str, name: str, language: str, aliases: tuple[str, ...] = ()) -> set[str]:
    """Every rule the gate's tone and self-name checks find in one line of `name`."""
    return {f.rule for f in line_findings(line, name, language, default_blacklist(), aliases)}
