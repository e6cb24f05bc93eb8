"""EGOS Organize + Summarize: fit the conversation into one prompt within a token budget.

The system prompt carries the persona (card or retrieved passages) and a running scene summary;
the user prompt carries the recent turns as quoted lines. When the estimate goes over budget,
the oldest turns are folded into the summary (helper model, temperature 0, cached), so a fact
told long before the window is still in front of the model when it is asked about.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from factory import prompts
from factory.chat.settled import Settled
from factory.engine import Engine, Request
from factory.lang import lang_key, pick
from factory.quote_style import fold
from factory.sources.chunking import estimate_tokens

SUMMARY_HEAD = {"en": "What happened earlier in this conversation:", "zh": "此前对话的经过："}
PASSAGES_HEAD = {"en": "What you remember that matters now:", "zh": "你此刻想起的往事："}
BASE = {"en": "You are {name}. Stay in character.", "zh": "你是{name}。请始终以{name}的身份说话。"}


def system_prompt(character: str, language: str, card: str | None, summary: str, passages: list[str]) -> str:
    lang = lang_key(language)
    parts = [card.strip() if card else BASE[lang].format(name=character)]
    if passages:
        parts.append(PASSAGES_HEAD[lang] + "\n" + "\n".join(f"- {p}" for p in passages))
    if summary:
        parts.append(SUMMARY_HEAD[lang] + "\n" + summary)
    return "\n\n".join(parts)


@dataclass
class Window:
    """The turns still shown verbatim, plus the summary of those folded away."""

    character: str
    language: str
    turns: list[tuple[str, str]] = field(default_factory=list)
    summary: str = ""
    folded: int = 0  # turns folded into the summary so far
    summaries: int = 0  # summarize calls that succeeded
    settled: Settled = field(default_factory=lambda: Settled(None), repr=False)

    def cost(self, system: str) -> int:
        return estimate_tokens(system) + estimate_tokens(fold(self.turns, self.character, self.language))

    async def fit(self, budget: int, keep_recent: int, system_for, helper: Engine | None) -> None:
        """Fold the oldest turns away until the prompt fits (the newest turn always stays)."""
        while len(self.turns) > 1 and self.cost(system_for(self.summary)) > budget:
            keep = max(1, keep_recent if len(self.turns) > keep_recent else len(self.turns) // 2)
            if keep > 1 and self.turns[-keep][0] == "assistant":
                keep -= 1  # the window starts with a user turn, as chat templates expect
            old, self.turns = self.turns[:-keep], self.turns[-keep:]
            self.folded += len(old)
            if helper is not None:
                self.summary = await self._summarize(helper, old)

    async def _summarize(self, helper: Engine, old: list[tuple[str, str]]) -> str:
        lang = lang_key(self.language)
        messages = prompts.render(
            "egos_summarize",
            lang,
            character=self.character,
            summary=self.summary or pick(lang, "(none)", "（无）"),
            lines=fold(old, self.character, self.language),
        )
        req = Request(id="summary", messages=messages, stage="summarize", params={"temperature": 0})
        key = self.settled.key("summary", helper, req)
        text = self.settled.get(key)
        if text is None:
            [res] = await helper.run([req])
            text = str(res.value).strip() if res.ok and res.value else ""
            if res.ok or res.error in ("truncated", "parse"):  # the model's answer, not a lost connection
                self.settled.put(key, text)
        if not text:  # keep what we had; the turns are gone either way
            return self.summary
        self.summaries += 1
        return text
