"""Scene scripts: the bounded schema we ask for, and a lenient reader for what comes back.

A script is a list of turns {speaker, mode, text}. The reader accepts JSON under odd keys, code
fences, prose around it, speaker names with mode hints ("Beethoven (thinking)"), markup inside
speech ("*bows* Good evening") and, when no JSON came at all, Character-LLM style lines
("Name (speaking): ..."). It refuses (ParseError, so the engine retries and then records the
reason) scripts that are truncated, too short, in the wrong language, without a spoken line by
the target character, or in which the character talks like an assistant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factory.engine import ParseError, extract_json
from factory.lang import HAN_RE, character_names, is_zh
from factory.records import Mode, Turn
from factory.stages.shared.markup import split_inline, strip_wrappers
from factory.stages.shared.parsing import bounded_string, lower_keys, text_field
from factory.stages.shared.people import NARRATOR, canonical

MODES: tuple[Mode, ...] = ("speech", "thought", "action", "narration")
_MODE_WORDS: dict[str, Mode] = {}
for _m, _words in {
    "speech": (
        "speech",
        "speak",
        "speaking",
        "say",
        "says",
        "said",
        "dialogue",
        "line",
        "talk",
        "spoken",
        "说",
        "说话",
        "对白",
        "台词",
        "话",
        "言语",
        "语言",
    ),
    "thought": (
        "thought",
        "thoughts",
        "think",
        "thinking",
        "inner",
        "inner thought",
        "monologue",
        "心想",
        "想法",
        "内心",
        "心理",
        "思考",
        "独白",
        "内心独白",
    ),
    "action": (
        "action",
        "act",
        "acting",
        "actions",
        "gesture",
        "movement",
        "behavior",
        "behaviour",
        "动作",
        "行为",
        "举动",
        "神态",
    ),
    "narration": (
        "narration",
        "narrate",
        "narrator",
        "description",
        "scene",
        "setting",
        "stage",
        "旁白",
        "叙述",
        "描写",
        "场景",
        "环境",
    ),
}.items():
    for _w in _words:
        _MODE_WORDS[_w] = _m  # type: ignore[assignment]

_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_DISCLAIMER = re.compile(
    r"\bas an? (?:ai|a\.i\.|artificial intelligence|language model|assistant|chatbot)\b"
    r"|\bi(?: am|'m) (?:just |only )?an? (?:ai|artificial intelligence|language model|chatbot|virtual assistant)\b"
    r"|\blanguage model\b|\bopenai\b|\bi (?:cannot|can't|can not) (?:role-?play|pretend to be)"
    r"|作为(?:一个|一名)?(?:AI|ai|人工智能|语言模型|助手)|我(?:只)?是(?:一个|一名)?(?:AI|ai|人工智能|语言模型|聊天机器人|虚拟助手)"
    r"|语言模型|人工智能助手",
    re.I,
)
_PLAIN_LINE = re.compile(r"^\s*(?:[-*•]\s+|\d+[.)]\s*)?([^:：\n]{1,60}?)\s*[:：]\s*(.+?)\s*$")
_JSONISH = re.compile(r'[{\[]\s*"|"\s*:\s*["\[{]')


def script_schema(speakers: list[str], min_turns: int, max_turns: int, max_chars: int) -> dict:
    """Bounded for llama.cpp's grammar: speakers from the scene, modes from the four channels."""
    speaker = {"type": "string", "enum": speakers} if speakers else bounded_string(60)
    turn = {
        "type": "object",
        "properties": {
            "speaker": speaker,
            "mode": {"type": "string", "enum": list(MODES)},
            "text": {**bounded_string(max_chars), "minLength": 1},
        },  # no empty lines to pad with
        "required": ["speaker", "mode", "text"],
    }
    return {
        "type": "object",
        "properties": {
            "turns": {"type": "array", "items": turn, "minItems": min_turns, "maxItems": max_turns}
        },
        "required": ["turns"],
    }


def mode_word(raw: str) -> Mode | None:
    return _MODE_WORDS.get(raw.strip().lower().strip("()（）[]"))


def in_language(text: str, language: str) -> bool:
    """zh text must carry Chinese; en text must not be mostly Chinese. Punctuation-only text passes."""
    cjk = len(HAN_RE.findall(text))
    latin = sum(len(w) for w in _LATIN_WORD.findall(text))
    if is_zh(language):
        return cjk > 0 or latin < 8
    return cjk <= max(2, latin // 3)


def is_disclaimer(text: str) -> bool:
    return bool(_DISCLAIMER.search(text))


def _items(text: str) -> list[dict]:
    try:
        data = extract_json(text)
    except ParseError:
        if _JSONISH.search(text or ""):
            raise ParseError("broken or truncated JSON script") from None
        return _plain_lines(text)
    if isinstance(data, dict):
        low = lower_keys(data)
        for key in ("turns", "script", "dialogue", "dialog", "interaction", "conversation", "lines", "scene"):
            if isinstance(low.get(key), list):
                data = low[key]
                break
            if isinstance(low.get(key), dict):  # {"scene": {"turns": [...]}}
                inner = lower_keys(low[key])
                if isinstance(inner.get("turns"), list):
                    data = inner["turns"]
                    break
        else:
            lists = [v for v in low.values() if isinstance(v, list)]
            data = lists[0] if len(lists) == 1 else [data]
    if not isinstance(data, list):
        raise ParseError("expected a list of turns")
    return [_turn_dict(x) for x in data if isinstance(x, (dict, str))]


def _turn_dict(x: dict | str) -> dict:
    if isinstance(x, str):  # "Name: text" inside a JSON list
        m = _PLAIN_LINE.match(x)
        return {"speaker": m.group(1), "text": m.group(2)} if m else {"speaker": "", "text": x}
    low = lower_keys(x)
    if (
        not any(k in low for k in ("speaker", "name", "character", "role", "who", "text", "content", "line"))
        and len(low) == 1
        and isinstance(next(iter(low.values())), str)
    ):
        ((k, v),) = x.items()  # {"Beethoven": "Hello"}
        return {"speaker": str(k), "text": v}
    return low


def _plain_lines(text: str) -> list[dict]:
    """Character-LLM style: `Name (speaking): ...`, `旁白：...`, `（起身）` lines."""
    out = []
    for line in (text or "").splitlines():
        s = line.strip()
        if not s:
            continue
        if (s[0] in "(（*[" and s[-1] in ")）*]") and len(s) > 2:
            out.append({"speaker": "narrator", "mode": "narration", "text": s})
            continue
        m = _PLAIN_LINE.match(s)
        if m:
            out.append({"speaker": m.group(1), "text": m.group(2)})
    if len(out) < 2:
        raise ParseError(f"no JSON and no script lines in reply: {(text or '')[:80]!r}")
    return out


@dataclass
class ScriptRules:
    character: str
    language: str
    participants: list[str]
    aliases: list[str] = field(default_factory=list)
    min_turns: int = 4
    max_turns: int = 12
    max_chars: int = 300


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [head.rfind(p) for p in ".!?。！？…"]
    end = max(ends)
    return head[: end + 1] if end > limit // 3 else head.rstrip() + "…"


def read_turns(text: str, rules: ScriptRules) -> list[Turn]:
    """The cleaned turns of a reply, or ParseError with the reason it cannot be kept."""
    names = character_names(rules.character, rules.aliases)
    turns: list[Turn] = []
    wrong_language = total = 0
    seen: set[tuple[str, str]] = set()
    for it in _items(text):
        raw_speaker = text_field(it, "speaker", "name", "character", "role", "who", "by", limit=120)
        body = text_field(
            it,
            "text",
            "content",
            "line",
            "utterance",
            "speech",
            "dialogue",
            "words",
            "value",
            limit=rules.max_chars * 4,
        )
        mode_raw = text_field(it, "mode", "type", "kind", "channel", limit=40)
        if not body:  # {"speaker": ..., "action": "bows"}
            field_mode = next((m for m in ("action", "thought", "narration") if text_field(it, m)), None)
            if field_mode is None:
                continue
            body, mode_raw = text_field(it, field_mode, limit=rules.max_chars * 4), mode_raw or field_mode
        total += 1
        speaker, hint = canonical(raw_speaker, rules.character, names, rules.participants)
        mode: Mode = mode_word(mode_raw) or hint or ("narration" if speaker == NARRATOR else "speech")
        if not speaker:
            if mode != "narration":
                continue
            speaker = NARRATOR
        if mode == "narration":
            speaker = NARRATOR
        parts = split_inline(body, rules.language) if mode == "speech" else [(mode, strip_wrappers(body))]
        for part_mode, part in parts:
            if part_mode == "thought" and speaker != rules.character:
                continue  # only the target character's mind is open to us
            part = _cut(part, rules.max_chars * 2)
            if not part:
                continue
            if not in_language(part, rules.language):
                wrong_language += 1
                continue
            if (speaker, part) in seen:
                continue  # small models loop; a repeated line adds nothing
            seen.add((speaker, part))
            turns.append(Turn(speaker=speaker, mode=part_mode, text=part))
    if total and wrong_language * 2 > total:
        raise ParseError(f"mixed languages: {wrong_language} of {total} turns are not in {rules.language}")
    turns = turns[: rules.max_turns]
    mine = [t for t in turns if t.speaker == rules.character]
    if not any(t.mode == "speech" for t in mine):
        raise ParseError(f"no spoken line by {rules.character}")
    bad = next((t for t in mine if is_disclaimer(t.text)), None)
    if bad is not None:
        raise ParseError(f"assistant disclaimer in {rules.character}'s line: {bad.text[:80]!r}")
    if len(turns) < rules.min_turns:
        raise ParseError(f"too short: {len(turns)} usable turns (need {rules.min_turns})")
    return turns


def script_parser(rules: ScriptRules):
    return lambda text: read_turns(text, rules)
