"""What `factory chat` does, without click: build the session, then read lines and answer them."""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from factory.chat.endpoints import Endpoints, Role
from factory.chat.persona import Retriever, extract_card, load_passages, run_identity
from factory.chat.runtime import ChatSession
from factory.chat.settled import Settled
from factory.chat.speaker import Speaker
from factory.engine import RequestCache
from factory.quote_style import ME, lang_key, line

QUIT = {"/quit", "/exit", "/q"}


@dataclass
class ChatOptions:
    model_spec: str = "local"
    model_name: str | None = None
    model_key_env: str = "OPENAI_API_KEY"
    helper_spec: str = "local"
    helper_name: str | None = None
    helper_key_env: str = "OPENAI_API_KEY"
    run_dir: Path | None = None
    profile: Path | None = None
    character: str | None = None
    language: str | None = None
    persona: str = "static"  # static | dynamic
    style: str = "quote"
    prefill: str = "auto"
    budget: int = 1536
    keep_recent: int = 4
    summarize: bool = True
    temperature: float = 0.7
    max_tokens: int = 256
    cache: Path | None = None


def identity(opts: ChatOptions) -> tuple[str, str]:
    character, language = run_identity(opts.run_dir) if opts.run_dir else (None, None)
    character = opts.character or character
    if not character:
        raise ValueError("--character: not given and the run does not name one")
    return character, opts.language or language or "en"


async def build_session(opts: ChatOptions, endpoints: Endpoints, log: Callable[[str], None]) -> ChatSession:
    character, language = identity(opts)
    model = endpoints.engine(
        Role(
            "--model",
            opts.model_spec,
            opts.model_name,
            opts.model_key_env,
            params={"temperature": opts.temperature, "max_tokens": opts.max_tokens},
            concurrency=1,
            parse_retries=0,
        )
    )
    helper = endpoints.engine(
        Role(
            "--helper",
            opts.helper_spec,
            opts.helper_name,
            opts.helper_key_env,
            params={"temperature": 0, "max_tokens": 400},
            concurrency=1,
            # temperature 0: asking a cut-off card or summary again would cut it at the same place
            parse_retries=0,
        )
    )
    passages = load_passages(opts.run_dir, opts.profile, character)
    settled = Settled(endpoints.cache)
    card, retriever = None, None
    if opts.persona == "static":
        card = await extract_card(helper, character, language, passages, settled)
    elif passages:
        retriever = Retriever(passages)
    else:
        log("(no profile passages: the character has only its name to go on)")
    speaker = Speaker(model, style=opts.style, prefill=opts.prefill, stage="chat")
    return ChatSession(
        speaker,
        character,
        language,
        card=card,
        retriever=retriever,
        helper=helper,
        budget=opts.budget,
        keep_recent=opts.keep_recent,
        summarize=opts.summarize,
        log=log,
        settled=settled,
    )


def loading_note(opts: ChatOptions) -> str:
    """What the first half minute of silence is (the local server loads, the card is extracted)."""
    local = [s for s in {opts.model_spec, opts.helper_spec} if s == "local" or s.endswith(".gguf")]
    steps = ["starting the local model (llama.cpp, about half a minute on 2 CPU cores)"] if local else []
    if opts.persona == "static":
        steps.append("reading the profile into a persona card")
    return f"Getting ready: {' and '.join(steps) or 'connecting'}..."


def read_line(ask: Callable[[str], str | None], prompt: str) -> str | None:
    """The user's line, read on the main thread with Python's own Ctrl-C handling.

    asyncio.run's SIGINT handler only cancels the main task, and a line read in a worker thread
    keeps waiting for Enter; here Ctrl-C interrupts the read itself and ends the chat (None).
    Nothing else runs between turns, so blocking the event loop for the read costs nothing.
    """
    try:
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread (tests calling run_chat from a thread)
        previous = None
    try:
        return ask(prompt)
    except KeyboardInterrupt:
        return None
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


async def run_chat(
    opts: ChatOptions,
    script: list[str] | None,
    echo: Callable[[str], None],
    ask: Callable[[str], str | None],
    log: Callable[[str], None] = print,
) -> ChatSession:
    """Answer every script line (or terminal line until /quit or EOF); prints quote-style lines."""
    cache = RequestCache(opts.cache) if opts.cache else None
    endpoints = Endpoints(cache, log_dir=opts.cache.parent if opts.cache else None, log=log)
    try:
        if script is None:
            log(loading_note(opts))
        session = await build_session(opts, endpoints, log)
        me = ME[lang_key(session.language)]
        if script is None:
            log(f"Talking to {session.character}. /quit or Ctrl-D to leave.")
        pending = list(script) if script is not None else None
        while True:
            if pending is not None:
                if not pending:
                    break
                text = pending.pop(0)
                echo(line(me, text))
            else:
                text = read_line(ask, f"{me}: ")
                if text is None or text.strip() in QUIT:
                    if text is None:
                        log(f"\n(the chat with {session.character} is over)")
                    break
                if not text.strip():
                    continue
            reply = await session.say(text.strip())
            if reply is not None:
                echo(line(session.character, reply))
        return session
    finally:
        await endpoints.close()
        if cache is not None:
            cache.close()
