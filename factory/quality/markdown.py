"""Assistant formatting: markdown structure and lists, the shape of an answer rather than of speech."""

from __future__ import annotations

import re

from factory import lang

# Assistant formatting: markdown headings, bold labels, list items on their own lines
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S", re.M)
_MD_BOLD = re.compile(r"\*\*[^*\n]{1,60}\*\*")
# A list item is a line that opens with an enumerator, whatever its kind: a bullet (- * • · ▪ ◦ ● ■ ◆ ►),
# a number (1. 1、 1) 1）), a circled or parenthesised number (① ⑴ (1) （一）), a Chinese numeral (一、),
# a Roman numeral (Ⅰ. IV.), a letter (a) b.) or an ordinal step (第一步, 第二条, Step 1:)
_NUM = "一二三四五六七八九十"
_ENUMERATOR = (
    r"(?:[-*•+·▪◦●○■□◆◇►▶]\s*"
    r"|\d{1,2}[.、)）:：]\s*"
    r"|[\u2460-\u2473\u2474-\u2487\u2776-\u277f\u3251-\u325f]\s*"
    rf"|[（(][{_NUM}\d]{{1,2}}[)）]\s*"
    rf"|[{_NUM}]{{1,3}}[、．.]\s*"
    r"|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]{1,3}[.、)）]?\s*|(?:IX|IV|V?I{1,3}|V|X)[.、)）]\s*"
    r"|[a-hA-H][.)）]\s+"
    rf"|第[{_NUM}\d]{{1,2}}[步条点招式项章节][，,：:、\s]*"
    r"|(?i:step)\s*\d{1,2}\s*[:：.)-]\s*)"
)
_MD_ITEM = re.compile(rf"^\s*{_ENUMERATOR}\S", re.M)
# A table: rows between pipes, or the |---|---| rule under its header; a quote block: lines opening with >
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$", re.M)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$", re.M)
_QUOTE_LINE = re.compile(r"^\s*>\s?\S", re.M)
# Ordinal steps run inline (第一步，…；第二步，…；第三步，…): three in a row with one unit
_ZH_ORDINAL = re.compile(rf"第([{_NUM}])([步条点招项])")
# A list written inline, the way an assistant numbers tips in one paragraph: "1. 东坡肉 2. 东坡鱼",
# "1) Jane is kind; 2) Mary…". Speech counts in words (一来…二来, first… second…), not in digits.
_INLINE_ITEM = re.compile(r"(?:^|[\s：:，,；;])([1-9])\s?[.、)）](?!\d)\s*\S")
# A table or a bullet list whose line breaks were lost: the |---| rule or rows of pipes inside one
# line, or one bullet opening three capitalised items in a row ("• No guns • No drinking • Pay up");
# a hyphen only counts after a colon that introduces the list (speech uses " - " as a pause)
_INLINE_TABLE_RULE = re.compile(r"\|\s*:?-{3,}:?\s*\|")
_INLINE_CELLS = re.compile(r"\|(?:[^|\n]{1,40}\|){5,}")
_INLINE_BULLET = re.compile(r"(?:^|\s)([•*·▪◦●■◆►])\s+[A-Z0-9\u4e00-\u9fff]")
# Chinese runs its items on without spaces (概括如下：• 吃… • 住…) and often bullets them with check
# marks or stars (✅ 不撒谎 ✅ 不逃学): a bullet may follow the Chinese punctuation that ends the lead-in
_ZH_INLINE_BULLET = re.compile(r"(?:^|[\s：:，,。；;！!？?])([•*·▪◦●■◆►✅✔☑★☆✨👉🔹🔸])\s*[0-9\u4e00-\u9fff]")
_INLINE_DASH_LIST = re.compile(r"[:：]\s*-\s+[A-Z](?:[^-\n]+\s-\s+[A-Z]){2,}")
# Sequencers of a tips list (首先…其次…最后, firstly… secondly… finally) introduced as advice
_ZH_SEQUENCE = re.compile(r"首先|其次|再次|然后|此外|最后|第[一二三四五]点")
# advice words, a count of steps (三步, 几步) and a summary pointing back at the line (以上就是)
_ZH_ADVICE = re.compile(
    r"建议|方法|技巧|步骤|几点|要点|小贴士|窍门|可以试试|你可以|您可以|[一二三四五六七八九十几两]步|以上(就)?是|上述"
)
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
    if "\n" in text:
        rule = _TABLE_RULE.search(text)
        if rule or len(_TABLE_ROW.findall(text)) >= 2:
            return "a table" + (f" ({rule.group(0).strip()})" if rule else "")
        if len(_QUOTE_LINE.findall(text)) >= 2:
            return "a quote block (lines opening with >)"
        items = _MD_ITEM.findall(text)
        if len(items) >= 2:
            return f"{len(items)} list items"
    return inline_list(text)


def inline_list(text: str) -> str | None:
    """A numbered list run into one paragraph (1. … 2. …), a table or bullet list without its line
    breaks, or tips in sequence introduced as advice."""
    if _INLINE_TABLE_RULE.search(text) or _INLINE_CELLS.search(text):
        return "a table written on one line"
    bullet = _ZH_INLINE_BULLET if lang.HAN_RE.search(text) else _INLINE_BULLET
    bullets = [m.group(1) for m in bullet.finditer(text)]
    if any(bullets.count(b) >= 3 for b in set(bullets)) or _INLINE_DASH_LIST.search(text):
        return "a bullet list written on one line"
    numbers = [int(m.group(1)) for m in _INLINE_ITEM.finditer(text)]
    if any(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False)):
        return f"{len(numbers)} numbered items inline"
    ordinals = [(_NUM.index(m.group(1)), m.group(2)) for m in _ZH_ORDINAL.finditer(text)]
    if any(
        a[1] == b[1] == c[1] and b[0] == a[0] + 1 and c[0] == b[0] + 1
        for a, b, c in zip(ordinals, ordinals[1:], ordinals[2:], strict=False)
    ):
        return f"{len(ordinals)} ordinal steps inline (第…{ordinals[0][1]})"
    zh = bool(lang.HAN_RE.search(text))
    seq, advice = (_ZH_SEQUENCE, _ZH_ADVICE) if zh else (_EN_SEQUENCE, _EN_ADVICE)
    steps = {m.group(0).lower() for m in seq.finditer(text)}
    if len(steps) >= 3 and advice.search(text):
        return f"tips in sequence ({', '.join(sorted(steps))})"
    return None
