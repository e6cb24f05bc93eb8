"""The EGOS chat loop: Extract (card or passages), Generate (quote style), Organize, Summarize."""

from __future__ import annotations

from collections.abc import Callable

from factory.chat.organize import Window, system_prompt
from factory.chat.persona import Retriever
from factory.chat.settled import Settled
from factory.chat.speaker import Answer, Conversation, Speaker
from factory.engine import Engine


class ChatSession:
    """One conversation with the character; `await say(text)` returns its reply (None if none came)."""

    def __init__(
        self,
        speaker: Speaker,
        character: str,
        language: str,
        *,
        card: str | None = None,
        retriever: Retriever | None = None,
        helper: Engine | None = None,
        budget: int = 1536,
        keep_recent: int = 4,
        top_k: int = 2,
        summarize: bool = True,
        log: Callable[[str], None] = lambda _m: None,
        settled: Settled | None = None,
    ):
        self.speaker = speaker
        self.character = character
        self.language = language
        self.card = card
        self.retriever = retriever
        self.helper = helper if summarize else None
        self.budget = budget
        self.keep_recent = keep_recent
        self.top_k = top_k
        self.log = log
        self.settled = settled or Settled(None)
        self.window = Window(character, language, settled=self.settled)
        self.transcript: list[tuple[str, str]] = []
        self.last_system = ""

    def _passages(self) -> list[str]:
        if self.retriever is None:
            return []
        query = " ".join(t for _, t in self.window.turns[-3:])
        return self.retriever.search(query, self.top_k)

    async def say(self, text: str) -> str | None:
        self.transcript.append(("user", text))
        self.window.turns.append(("user", text))
        passages = self._passages()

        def system_for(summary: str) -> str:
            return system_prompt(self.character, self.language, self.card, summary, passages)

        before = self.window.folded
        await self.window.fit(self.budget, self.keep_recent, system_for, self.helper)
        if self.window.folded > before:
            self.log(f"(folded {self.window.folded - before} older turns into the scene summary)")
        self.last_system = system_for(self.window.summary)
        conv = Conversation(
            id=f"turn-{len(self.transcript)}",
            character=self.character,
            language=self.language,
            system=self.last_system,
            turns=list(self.window.turns),
        )
        ans = await self._answer(conv)
        if ans.text is None:
            self.log(f"(no reply: {ans.error})")
            self.window.turns.pop()  # keep the history well-formed: the user may try again
            self.transcript.pop()
            return None
        self.window.turns.append(("assistant", ans.text))
        self.transcript.append(("assistant", ans.text))
        return ans.text

    async def _answer(self, conv: Conversation) -> Answer:
        """The reply, or the one an earlier chat took for the same prompt (a cut-off one too)."""
        req = self.speaker.request(conv, "none")  # prefill is how it is asked, not what
        key = self.settled.key("reply", self.speaker.engine, req, extra=self.speaker.style)
        text = self.settled.get(key)
        if text is not None:
            return Answer(conv, text, cached=True)
        [ans] = await self.speaker.answer([conv])
        if ans.text is not None:
            self.settled.put(key, ans.text)
        return ans
