"""Assistant formatting: markdown structure and lists, the shape of an answer rather than of speech."""

from __future__ import annotations

import re

from factory import lang

# Assistant formatting: markdown headings, bold labels, list items on their own lines
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S", re.M)
_MD_BOLD = re.compile(r"\*\*[^*\n]{1,60}\*\*")
_MD_ITEM = re.compile(
    r"^\s*(?:[-*•+]\s+|\d{1,2}[.、)）]\s*|[一二三四五六七八九十]{1,3}[、．]\s*|[（(][一二三四五六七八九十\d]{1,2}[)）]\s*)\S",
    re.M,
)
# A list written inline, the way an assistant numbers tips in one paragraph: "1. 东坡肉 2. 东坡鱼",
# "1) Jane is kind; 2) Mary…". Speech counts in words (一来…二来, first… second…), not in digits.
_INLINE_ITEM = re.compile(r"(?:^|[\s：:，,；;])([1-9])\s?[.、)）](?!\d)\s*\S")
# Sequencers of a tips list (首先…其次…最后, firstly… secondly… finally) introduced as advice
_ZH_SEQUENCE = re.compile(r"首先|其次|再次|然后|此外|最后|第[一二三四五]点")
_ZH_ADVICE = re.compile(r"建议|方法|技巧|步骤|几点|要点|小贴士|窍门|可以试试|你可以|您可以")
_EN_SEQUENCE = re.compile(
    r"\b(firstly|secondly|thirdly|lastly|finally|additionally|furthermore|step \d)\b", re.I
)
_EN_ADVICE = re.compile(
    r"\b(tips?|steps?|advice|suggest(ions?)?|recommend(ations?)?|strateg(y|ies)|ways to)\b", re.I
)


def markdown(text: str) -> str | None:
    """Why a line is formatted like an assistant's answer (markdown structure), or None."""
    m = _MD_HEADING.search(text) or _MD_BOLD.search(text)
    if m:
        return m.group(0).strip()
    items = _MD_ITEM.findall(text)
    if len(items) >= 2 and "\n" in text:
        return f"{len(items)} list items"
    return inline_list(text)


def inline_list(text: str) -> str | None:
    """A numbered list run into one paragraph (1. … 2. …), or tips in sequence introduced as advice."""
    numbers = [int(m.group(1)) for m in _INLINE_ITEM.finditer(text)]
    if any(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False)):
        return f"{len(numbers)} numbered items inline"
    zh = bool(lang.HAN_RE.search(text))
    seq, advice = (_ZH_SEQUENCE, _ZH_ADVICE) if zh else (_EN_SEQUENCE, _EN_ADVICE)
    steps = {m.group(0).lower() for m in seq.finditer(text)}
    if len(steps) >= 3 and advice.search(text):
        return f"tips in sequence ({', '.join(sorted(steps))})"
    return None
