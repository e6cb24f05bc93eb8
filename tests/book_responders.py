"""Deterministic fake-model answers for the book route, read off the chunk in the prompt.

`extract_reply` plays a faithful extractor that answers by number: one plot per scene (its first
and last paragraph), one turn per spoken line (speaker: the script's cue, else the first cast name
in the paragraph; action: the paragraph's first narration sentence), paragraphs without quotes or
names as environment. `hallucinating_extract_reply` is the same with some lines retyped as invented
quotes, some pointing past the passage's lines, and the second plot's paragraphs made up. The profile and boundary replies echo the story they are given.
"""

from __future__ import annotations

import json
import re

CAST = {"en": ["Mara", "Tobias", "Edda", "Hale"], "zh": ["阿宁", "陈舟", "姑母", "周先生"]}
_QUOTE = re.compile(r"[\"“]([^\"”\n]*)[\"”]")
_SENT = re.compile(r"[^.!?。！？]+[.!?。！？]+[\"”’]?")
_MIND = re.compile(r"think|thought|felt|worried|ashamed|心想|想|心里|担心|惭愧")
_BREAK = re.compile(r"^\s*(?:[*＊]\s*){3,}\s*$", re.M)
INVENTED = {
    "en": "The ferry sails for Lisbon at first light, and I shall be on it.",
    "zh": "明天一早我就坐船去南洋，再也不回来了。",
}


def _lang(text: str) -> str:
    return "zh" if re.search(r"[\u4e00-\u9fff]{6}", text) else "en"


def _passage(prompt: str) -> list[list[tuple[int, str]]]:
    """The numbered passage as scenes of (number, paragraph), split at the unnumbered breaks."""
    m = re.search(r'"""\n(.*?)\n"""', prompt, re.S)
    scenes: list[list[tuple[int, str]]] = [[]]
    for para in re.split(r"\n\s*\n", m.group(1) if m else ""):
        if n := re.match(r"\[(\d+)\] (.*)", para, re.S):
            scenes[-1].append((int(n.group(1)), n.group(2)))
        elif _BREAK.match(para):
            scenes.append([])
    return [s for s in scenes if s]


def _line_marks(para: str) -> tuple[str, list[tuple[int, str]]]:
    """The paragraph without its L<n> marks, and the (line number, script cue or "") marked in it."""
    marks = [  # a block cue alone on its line (NELL), or an inline one (NELL: / 秋棠：)
        (int(n), (block or inline or "").strip())
        for n, block, inline in re.findall(
            r"(?:^|(?<=\s))L(\d+) (?:([A-Z][A-Z .'\-]*)$|([A-Z][A-Z .'\-]*|[\u4e00-\u9fff]{1,6})\s*[:：])?",
            para,
            re.M,
        )
    ]
    return re.sub(r"(?:^|(?<=\s))L\d+ ", "", para, flags=re.M), marks


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.findall(text) if s.strip()]


def _narration(para: str) -> str:
    rest = _QUOTE.sub(" ", para)
    return next((s for s in _sentences(rest) if len(s) > 12), "")


def scene_plot(scene: list[tuple[int, str]], lang: str) -> dict:
    text = "\n\n".join(_line_marks(p)[0] for _, p in scene)
    sents = _sentences(text)
    cast = [n for n in CAST[lang] if n in text or n.upper() in text]
    turns, env = [], []
    for k, marked in scene:
        para, marks = _line_marks(marked)
        speaker = next((n for n in sorted(CAST[lang], key=para.find) if n in para), None)
        for line, cue in marks:
            who = cue.title() if cue else speaker
            if who:
                turns.append(
                    {
                        "line": line,
                        "speaker": who,
                        "action": "" if cue else _narration(para),
                        "thought": next(
                            (x for x in _sentences(_QUOTE.sub(" ", para)) if _MIND.search(x)), ""
                        ),
                    }
                )
        if not marks and speaker is None and not _QUOTE.search(para):
            env.append(k)
    return {
        "first_paragraph": scene[0][0],
        "last_paragraph": scene[-1][0],
        "summary": " ".join(sents[:1] + sents[-1:]),
        "characters": [
            {"name": n, "state": f"{n} is here", "motivation": f"{n} wants the lamp lit"} for n in cast
        ],
        "conversations": [{"scenario": sents[0] if sents else "", "turns": turns, "environment": env}],
    }


def extract_reply(body: dict, hallucinate: bool = False) -> str:
    prompt = body["messages"][-1]["content"]
    lang = _lang(prompt)
    plots = [scene_plot(s, lang) for s in _passage(prompt)]
    lines = max((n for s in _passage(prompt) for _, p in s for n, _ in _line_marks(p)[1]), default=0)
    if hallucinate:
        for p in plots:
            for k, t in enumerate(p["conversations"][0]["turns"]):
                if t.get("line") and k % 4 == 1:  # a quote retyped, and made up
                    t["line"], t["speech"] = 0, INVENTED[lang]
                elif t.get("line") and k % 4 == 3:  # a line the passage does not have
                    t["line"] = lines + 40
        if len(plots) > 1:
            plots[1]["first_paragraph"] = 999
    return "```json\n" + json.dumps({"plots": plots}, ensure_ascii=False) + "\n```"


def hallucinating_extract_reply(body: dict) -> str:
    return extract_reply(body, hallucinate=True)


def profile_reply(body: dict, leak: str = "") -> str:
    prompt = body["messages"][-1]["content"]
    story = prompt.split("\n\n")[1] if "\n\n" in prompt else ""
    return json.dumps(
        {"profile": f"You are someone who lived this: {story.replace(chr(10), ' ')} {leak}"},
        ensure_ascii=False,
    )


def boundary_reply(body: dict, leak: str = "") -> str:
    prompt = body["messages"][-1]["content"]
    who = re.search(r"(?:one exchange: |写一轮对话：)(\S+?)(?: asks |向)", prompt)
    asker = who.group(1) if who else ""
    if _lang(prompt) == "zh":
        return json.dumps(
            {
                "question": f"你听说后来那件事了吗？我是{asker}。",
                "answer": f"{asker}，什么事？我可没听说过，你别吓唬我。",
            },
            ensure_ascii=False,
        )
    return json.dumps(
        {
            "question": f"{asker} here. Have you heard what is going to happen?",
            "answer": f"Going to happen, {asker}? I know nothing of that. The lamp is lit, and that is all.{leak}",
        }
    )


def book_responder(extract=extract_reply, leak: str = "", answer_leak: str = ""):
    """One responder for the whole route, choosing by what the prompt asks."""

    def respond(body: dict) -> str:
        prompt = body["messages"][-1]["content"]
        if "List the plots" in prompt or "按顺序列出" in prompt:
            return extract(body)
        if "Write the profile" in prompt or "人物小传" in prompt:
            return profile_reply(body, leak)
        if "NOT happened yet" in prompt or "尚未发生" in prompt:
            return boundary_reply(body, answer_leak)
        return '{"ok": 1}'

    return respond
