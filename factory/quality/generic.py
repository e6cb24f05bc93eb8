"""Generic statements: a hedge or a sermon addressed to everyone, which no one in a scene says.

A blacklist of phrases catches the hedges it lists and few others (benchmarks/gate_accuracy.py,
heldout2). This check looks for the *shape* instead, one sentence at a time, from three small
word classes: a generic person (每个人, 大家, 不同的人, everyone, people, each of us), a norm
(应该, 一定要, 学会, should, must, it's important, remember) and relativity (不同, 取决于, 对错,
different, depends, subjective, valid). Two of the three make a generic statement — unless the
sentence is anchored in the scene by a first-person singular speaker (我, 朕, I, my) or by a
vocative ("…, Watson."), which is how a character's own advice or command sounds.
"""

from __future__ import annotations

import re

from factory.lang import is_zh

_ZH_PERSON = re.compile(
    r"每个人|每一个人|人人都|大家(都|要|应该|一定)|我们(每个人|大家|都应该|都要|应该|要|必须|一定要)"
    r"|任何人|不同的人|有的人|别人的看法|身边的(人|朋友)|自己的(心态|生活|梦想|选择|价值|感受)"
)
_ZH_NORM = re.compile(
    r"应该|应当|必须|一定要|学会|重要的是|非常重要|关键(在于|是)|不必太|千万(不要|别)|希望(每个人|大家)"
    r"|要懂得|要珍惜|要正确|要理性|要保持|要注意|要好好|要积极|要勇敢|很正常|才是王道"
)
_ZH_RELATIVE = re.compile(
    r"不同|不一样|因人而异|取决于|对错|好坏|标准|利弊|有利有弊|一概而论|看情况|相对|客观|全面|适量|适度"
)
_ZH_ANCHOR = re.compile(r"我(?!们)|朕|吾|本宫|老夫|在下|亮")
_EN_PERSON = re.compile(
    r"\b(everyone|everybody|each of us|all of us|we all|people|anyone|different people|each person"
    r"|every person|each other|one another|individuals?|humanity|future generations)\b"
    r"|\byour (own )?(safety|health|wellbeing|well-being|dreams|goals|passions|partner|feelings)\b"
    r"|\blet'?s all\b",
    re.I,
)
_EN_NORM = re.compile(
    r"\b(should|must|need to|ought to|it'?s (important|essential|vital|crucial|key)|it is "
    r"(important|essential|vital|crucial)|always|never give up|remember|let'?s|deserves?|"
    r"ha(s|ve) the right|is key|the key)\b",
    re.I,
)
_EN_RELATIVE = re.compile(
    r"\b(different(ly)?|unique|depends?|depending|subjective|var(y|ies)|valid|right or wrong"
    r"|their own|personal|perspectives?|merits?|others would|one-size)\b",
    re.I,
)
_EN_ANCHOR = re.compile(
    r"\b(I|I'm|I've|I'll|I'd|(?i:me|my|mine))\b|,\s*[A-Z][a-z]+\s*[,.!?;—]|^[A-Z][a-z]+,\s"
)
_SENTENCES = re.compile(r"[^。！？!?.;；]+[。！？!?.;；]*")


def generic_statement(text: str, language: str) -> str | None:
    """The first generic sentence of `text`, or None."""
    zh = is_zh(language)
    person, norm, relative, anchor = (
        (_ZH_PERSON, _ZH_NORM, _ZH_RELATIVE, _ZH_ANCHOR)
        if zh
        else (_EN_PERSON, _EN_NORM, _EN_RELATIVE, _EN_ANCHOR)
    )
    for sentence in _SENTENCES.findall(text):
        s = sentence.strip()
        if not s or anchor.search(s):
            continue
        if sum(bool(rx.search(s)) for rx in (person, norm, relative)) >= 2:
            return s[:80]
    return None
