"""Format and length: the per-sample checks that need no model and no view of the whole dataset.

Target lines are the messages with role "assistant" and train=True (other characters in a
multi-party scene are assistant messages with train=False or user messages with a `name`).
"""

from __future__ import annotations

import re

from factory import lang
from factory.quality.config import FormatConfig
from factory.quality.foreign_sentence import foreign_sentence
from factory.quality.language_check import wrong_language, wrong_script
from factory.quality.length import too_short
from factory.quality.markdown import markdown
from factory.quality.rules import Finding
from factory.quality.second_person import narrates_user
from factory.quality.text import count_tokens, segments
from factory.quality.truncation import END_OK, emphatic_de, ends_open, parallel_clauses, unbalanced
from factory.records import Sample

_DEBRIS = re.compile(
    r"\{\{\s*(user|char|name|bot)\s*\}\}|<\s*/?\s*(user|char|bot)\s*>|\[(USER|CHAR|NAME)\]|<\|[a-z_]+\|>"
    r"|\[/?INST\]|</?s>|<<SYS>>|```|\"(role|content)\"\s*:|^\s*[\[{]\s*\"|\\n",
    re.I,
)
_YOU_ACTION = re.compile(r"^\s*(你|您|you\b)", re.I)
# The character writing the user's words: 你…说： / "You nod and say, ..." (something between: a bare
# 你说：“…” / "You said, '…'" quotes what the user said, to the user)
_YOU_SAY = re.compile(
    r"^\s*(?:你|您)[^。！？「“\n]{2,30}?(?:说|道|问|答|喊)道?[：:]"
    r"|^\s*you\s+[^.!?\"“\n]{2,40}?\b(?:say|said|ask|asked|reply|replied)\b[,:]?\s*[\"“]",
    re.I,
)
# An interview script: question and answer labels on their own lines (问：…\n答：…, Q: …\nA: …)
_QA_LABELS = re.compile(r"^\s*(问|答|Q|A|Question|Answer)\s*[:：]", re.M | re.I)
# A speaker label opening a sentence inside a Chinese reply (…我就讲。用户：李哥…): the script of an
# exchange run into one line, the user's turn written by the character
_ZH_INLINE_LABEL = re.compile(r"(?<=[。！？!?…])\s*([^\s。！？!?，,：:“”「」（）()]{1,8})\s*[：:](?=\S)")
_ZH_OPENING_LABEL = re.compile(r"^\s*([^\s。！？!?，,：:“”「」（）()]{1,8})\s*[：:](?=\S)")
# 你 as the subject of a reporting frame read as a label (你终于承认了：“…”, 你低声道：“…”): the
# narrator hands the user's words over; a bare 你说： or 你记住了： is talk to the user
_ZH_YOU_REPORTED = re.compile(
    r"(?:你|您)(?:\S{1,4}(?:说|问|答|喊|叫|承认|坦白|回答)|\S{0,4}(?:说|问|答|喊|叫)道|\S{0,4}(?:承认|坦白|回答)了)"
)
# The user's inner reaction narrated in the character's speech (你听完沉默了许久): 你 opening a
# clause with a word of the narrative frame, in a statement (no question, guess or request)
_ZH_YOU_FRAME = re.compile(
    r"(?:^|[，,。！？!?\s])(你|您)[^，,。！？!?]{0,6}(听完|听罢|闻言|见状|不禁|不由得|默默|缓缓|终于|忍不住|暗自|心想|暗想)"
)
_ZH_NOT_NARRATION = re.compile(r"[？?吧吗呢]|一定|肯定|是不是|也许|大概|要|别|会|可以|请")


def target_turns(sample: Sample) -> list[int]:
    return [i for i, m in enumerate(sample.messages) if m.role == "assistant" and m.train]


def check_format(
    sample: Sample, language: str, names: list[str], cfg: FormatConfig, others: set[str] | None = None
) -> list[Finding]:
    """Format findings for one sample (empty turns, markup, truncation, language, user, length)."""
    out: list[Finding] = []
    for i, m in enumerate(sample.messages):
        if m.role != "system" and not m.content.strip():
            out.append(Finding("format.empty_turn", f"{m.role} turn {i} is empty", "", i))
        elif m.role != "system":
            d = _DEBRIS.search(m.content)
            if d:
                out.append(
                    Finding(
                        "format.broken_markup", f"template/markup debris in {m.role} turn {i}", d.group(0), i
                    )
                )
    targets = target_turns(sample)
    if not targets:
        out.append(Finding("format.no_target_turn", "no assistant message with train=true"))
        return out
    labels = {x.lower() for x in cfg.user_labels} | {o.lower() for o in (others or set())}
    own = {n.lower() for n in names}
    short = []
    min_len = cfg.min_length.get(language, 0)
    end_len = cfg.end_punct_min_length.get(language, 0)
    for i in targets:
        text = sample.messages[i].content
        if not text.strip():
            continue
        out.extend(_line_findings(text, i, language, labels - own, cfg, end_len, own))
        if too_short(text, language, min_len):
            short.append(i)
    if short and len(short) / len(targets) > cfg.max_short_share:
        i = short[0]
        out.append(
            Finding(
                "format.too_short",
                f"{len(short)} of {len(targets)} character lines shorter than {min_len} tokens",
                sample.messages[i].content.strip()[:80],
                i,
            )
        )
    return out


def check_line(text: str, language: str, names: list[str], cfg: FormatConfig) -> list[Finding]:
    """Format findings for one character line on its own: a DPO `chosen` reply must pass them too."""
    if not text.strip():
        return [Finding("format.empty_turn", "the line is empty", "", 0)]
    own = {n.lower() for n in names}
    labels = {x.lower() for x in cfg.user_labels} - own
    out = _line_findings(text, 0, language, labels, cfg, cfg.end_punct_min_length.get(language, 0), own)
    min_len = cfg.min_length.get(language, 0)
    if too_short(text, language, min_len):
        out.append(
            Finding(
                "format.too_short",
                f"shorter than {min_len} tokens or only a backchannel",
                text.strip()[:80],
                0,
            )
        )
    d = _DEBRIS.search(text)
    if d:
        out.append(Finding("format.broken_markup", "template/markup debris", d.group(0), 0))
    return out


def _line_findings(
    text: str,
    i: int,
    language: str,
    user_labels: set[str],
    cfg: FormatConfig,
    end_len: int,
    own_labels: set[str] = frozenset(),
) -> list[Finding]:
    out = []
    md = markdown(text)
    if md:
        out.append(Finding("format.markdown", "formatted like an assistant's answer", md, i))
    bad = unbalanced(text)
    why = ends_open(text, language)
    if md and (bad or why):  # a list item ends without a full stop; it is the list that is wrong
        bad = why = None
    elif bad and bad[0] > 0 and text.rstrip()[-1:] not in END_OK - {'"', "*"}:
        out.append(Finding("format.truncated", f"unclosed {bad[1]} at the end", text.strip()[-40:], i))
    elif bad:
        out.append(Finding("format.broken_markup", f"unbalanced {bad[1]}", text.strip()[:80], i))
    elif why:
        out.append(Finding("format.truncated", why, text.strip()[-40:], i))
    elif (
        not md
        and end_len
        and count_tokens(text) >= end_len
        and text.rstrip()[-1:] not in END_OK
        and not _is_symbol(text.rstrip()[-1:])
        and not parallel_clauses(text, lang.is_zh(language))
        and not (lang.is_zh(language) and emphatic_de(text.rstrip()))
    ):
        out.append(
            Finding("format.truncated", "a long line without closing punctuation", text.strip()[-40:], i)
        )
    wrong = wrong_script(text, language, cfg.min_language_share) or wrong_language(text, language)
    if not wrong and language == "en":
        switched = foreign_sentence(text)
        wrong = f"a whole sentence in another script: {switched[:40]}" if switched else None
    if wrong:
        out.append(Finding("format.wrong_language", wrong, text.strip()[:80], i))
    script = _script(text, own_labels)
    if script:
        out.append(Finding("format.speaks_for_user", script, text.strip()[:80], i))
        return out
    inline = _ZH_INLINE_LABEL.search(text) if lang.HAN_RE.search(text) else None
    while inline is not None and inline.group(1).lower() not in user_labels:
        inline = _ZH_INLINE_LABEL.search(text, inline.end())
    if inline is not None:
        out.append(
            Finding(
                "format.speaks_for_user", "writes a line for the user inside the reply", inline.group(0), i
            )
        )
        return out
    for seg in segments(text):
        if seg.kind == "speech" and lang.HAN_RE.search(seg.text):
            m = _ZH_YOU_FRAME.search(seg.text)
            sentence = m and re.split(r"[。！？!?]", seg.text[m.start() :], maxsplit=1)[0]
            if m and not _ZH_NOT_NARRATION.search(sentence):
                out.append(
                    Finding("format.speaks_for_user", "narrates the user's reaction", sentence[:80], i)
                )
                break
        if seg.kind == "label" and _ZH_YOU_REPORTED.fullmatch(seg.text):
            out.append(Finding("format.speaks_for_user", "writes the user's words", seg.text, i))
            break
        if seg.kind == "label" and seg.text.lower() in user_labels:
            out.append(Finding("format.speaks_for_user", f"writes a line for {seg.text!r}", seg.text, i))
            break
        if seg.kind == "action" and _YOU_ACTION.match(seg.text):
            out.append(Finding("format.speaks_for_user", "acts for the user", seg.text.strip()[:80], i))
            break
        if seg.kind == "speech" and _YOU_SAY.match(seg.text):
            out.append(Finding("format.speaks_for_user", "writes the user's words", seg.text.strip()[:80], i))
            break
        if seg.kind in ("speech", "narration"):
            told = narrates_user(seg.text, language, narration=seg.kind == "narration")
            if told:
                out.append(Finding("format.speaks_for_user", "narrates what the user does or says", told, i))
                break
    return out


def _script(text: str, own: set[str]) -> str | None:
    """Why a line is a script with several speakers (the character writing the others' lines too)."""
    if len(_QA_LABELS.findall(text)) >= 2:
        return "writes an interview: question and answer labels"
    if lang.HAN_RE.search(text) and _alternating_turns(text):
        return "writes both sides of an exchange: two labels taking turns"
    labels = {seg.text.lower() for seg in segments(text) if seg.kind == "label"}
    if labels and lang.HAN_RE.search(text):  # 领航员：…。舰长：…: a second speaker's label inside the line
        labels |= {m.group(1).lower() for m in _ZH_INLINE_LABEL.finditer(text)}
    if len(labels) >= 2 and labels & own:
        others = sorted(labels - own)
        return f"writes a script: its own label and {others[0]!r}" if others else None
    return None


def _alternating_turns(text: str) -> bool:
    """Two labels taking turns, run into one Chinese line (问：…答：…问：…, 甲：…乙：…甲：…): the
    turns of two speakers, whoever they are, written by one; a list of headings never comes back to
    one it has left."""
    opening = _ZH_OPENING_LABEL.match(text)
    seq = ([opening.group(1)] if opening else []) + [m.group(1) for m in _ZH_INLINE_LABEL.finditer(text)]
    return len(seq) >= 3 and len(set(seq)) == 2 and all(a != b for a, b in zip(seq, seq[1:], strict=False))


def _is_symbol(ch: str) -> bool:
    """Emoji and other symbols end a line as well as punctuation does."""
    return bool(ch) and ord(ch) >= 0x2190 and not re.match(r"[\w\u3000-\u303f\uff00-\uffef]", ch)
