"""The gate's rules: stable names, what each means, and the precedence that picks a sample's reason.

A rejected sample is reported under the first rule (in this order) that rejected it; the others
it also broke are listed in its `also` field, so per-rule counts add up to the rejected total.
"""

from __future__ import annotations

from dataclasses import dataclass

RULES: dict[str, str] = {
    "format.invalid_record": "input line is not a valid sample record",
    "format.duplicate_id": "another input sample has the same id",
    "format.empty_turn": "a turn has no text",
    "format.no_target_turn": "no trainable line of the target character",
    "format.broken_markup": "unbalanced brackets/quotes, template or chat-template debris",
    "format.markdown": "assistant formatting: markdown headings, bold labels or list items on their own lines",
    "format.truncated": "a character line stops mid-sentence",
    "format.wrong_language": "a character line is not in the dataset's language",
    "format.speaks_for_user": "the character writes the user's lines or actions",
    "blacklist.assistant_tone": "assistant/AI tone in a character line",
    "blacklist.refusal": "a content-policy refusal instead of the character's own answer",
    "blacklist.hedging": "hedging filler in a character line",
    "blacklist.preachy": "preaching in a character line",
    "blacklist.custom": "a recipe-added blacklist entry",
    "tone.generic": "a generic hedge or sermon addressed to everyone, anchored in no one in the scene",
    "tone.assistant": "talks about the exchange as a service ('your question', 'more information', 为您解答)",
    "tone.refusal": "declines to produce content or cites a policy, instead of refusing in the scene",
    "selfname.role_announce": "announces the role ('As <name>, I ...')",
    "selfname.third_person": "talks about the character by name, from outside",
    "selfname.narrator": "narrator voice in a speech turn",
    "selfname.judge": "the judge model says the line is not spoken from inside the character",
    "format.too_short": "too many character lines below the minimum length",
    "learned.classifier": "the learned second opinion (an n-gram model) says the line is not in character",
    "dedup.exact_sample": "same normalised text as a kept sample",
    "dedup.near_sample": "near-duplicate of a kept sample",
    "dedup.line": "most character lines repeat lines of kept samples",
    "pattern.opener": "downsampled: line opener over its share cap",
    "pattern.ngram": "downsampled: phrase over its share cap",
}
ORDER = {name: i for i, name in enumerate(RULES)}
# The failure family of each rule (what a reader of the report asks: how much assistant tone?).
FAMILY: dict[str, str] = {
    "format.invalid_record": "record",
    "format.duplicate_id": "record",
    "format.empty_turn": "record",
    "format.no_target_turn": "record",
    "format.broken_markup": "markup",
    "format.markdown": "list/markdown formatting",
    "format.truncated": "truncation",
    "format.wrong_language": "wrong language",
    "format.speaks_for_user": "speaks for the user",
    "blacklist.assistant_tone": "assistant tone",
    "blacklist.refusal": "refusal",
    "blacklist.hedging": "hedging / preaching",
    "blacklist.preachy": "hedging / preaching",
    "blacklist.custom": "recipe blacklist",
    "tone.generic": "hedging / preaching",
    "tone.assistant": "assistant tone",
    "tone.refusal": "refusal",
    "selfname.role_announce": "role announcement",
    "selfname.third_person": "third-person self-reference",
    "selfname.narrator": "narrator voice",
    "selfname.judge": "third-person self-reference",
    "format.too_short": "too short",
    "learned.classifier": "learned second opinion",
    "dedup.exact_sample": "duplicates",
    "dedup.near_sample": "duplicates",
    "dedup.line": "duplicates",
    "pattern.opener": "over-frequent patterns",
    "pattern.ngram": "over-frequent patterns",
}
ALWAYS_REJECT = ("format.invalid_record", "format.duplicate_id")


@dataclass(frozen=True)
class Finding:
    """One rule firing on one sample: where (message index) and the offending text."""

    rule: str
    detail: str
    span: str = ""
    turn: int | None = None
    duplicate_of: str | None = None

    def as_dict(self) -> dict:
        out = {"rule": self.rule, "detail": self.detail, "span": self.span, "turn": self.turn}
        if self.duplicate_of is not None:
            out["duplicate_of"] = self.duplicate_of
        return out


def primary(findings: list[Finding]) -> Finding:
    return min(findings, key=lambda f: ORDER.get(f.rule, len(ORDER)))
