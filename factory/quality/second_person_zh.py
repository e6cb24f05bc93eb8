"""Chinese second-person narration: marks of a told event beyond the word-by-word reading.

second_person.py reads 你-sentences word by word (aspect 了, V得, reduplication, 一+V...). These are
the marks that need the sentence's shape: the clauses in which 你 still acts (a later clause with a
subject of its own is someone else's), a story connective opening the sentence (于是你…), the user's
words quoted after a reporting frame, 把/被 after an adverbial of manner, a handing-over to the
speaker told to its end (塞给我，…; not 拿给我看看, which asks), a bounded action answered by a
newcomer in the scene (你推开门，一股霉味…; alone, 你把刀放下 is an order), the result after 被/把,
an onomatopoeia, an idiom of manner with 地, serial verbs joined by 而 (再拜而去), and a part of
the body opening a later clause.
"""

from __future__ import annotations

import re

from factory.quality import zh

STORY_NEXT = r"于是|然后|接着|随后|紧接着|后来|当下"
# Parts of the body and the face: opening a later clause they show the user's reaction (…，手指发颤)
_ZH_BODY_PART = frozenset(
    [
        "手",
        "手指",
        "手心",
        "脸",
        "脸色",
        "脸上",
        "眼",
        "眼神",
        "眼睛",
        "眼眶",
        "眼里",
        "嘴",
        "嘴角",
        "嘴唇",
        "额头",
        "膝盖",
        "腿",
        "双腿",
        "心",
        "心里",
        "声音",
        "肩膀",
        "后背",
    ]
)
# A bounded action by its directional or resultative complement (推开, 掏出, 接过, 跪下)
_ZH_RESULT = re.compile(r"^.(?:开|出|过|下|起|住|上|回|走|掉)$")
# The user's words handed over by a reporting verb and a colon (你终于承认了：“…”, …，说：“…”,
# 感动地说：“…”): a bare 你说：“…” is how a character quotes the user back, so 说 needs a clause or a
# manner before it (the quotation may have been cut off as a speech segment)
_ZH_QUOTE_FRAME = re.compile(r"^[^“「：:]{1,20}(?:[了道]|[，,地]说)[：:]\s*(?:[“「]|$)")
# Verbs that report the user's own words or vows when they open a later clause (…，发誓…)
ZH_REPORTING = frozenset({"说", "道", "发誓", "答应", "保证", "表示", "喊道", "说道", "问道"})


def own_clauses(ws: list[zh.Word]) -> list[zh.Word]:
    """The words up to the first clause with a subject of its own (…，我等了你三天; …，那人…): the
    marks of narration count only where 你 is still the one acting."""
    for k, w in enumerate(ws[1:], 1):
        if ws[k - 1].text in ("，", ",") and w.tag == "r" and w.text not in ("你", "您"):
            return ws[:k]
    return ws


def told_marks(sentence: str, ws: list[zh.Word]) -> int:
    """Marks of a told event that the word-by-word reading misses: the user's words quoted after a
    reporting frame, 把/被 after an adverbial of manner (你悄悄把…), a transfer to the speaker
    (递给我, 塞给我), a bounded action (推开, 掏出), the result after 被/把, an onomatopoeia, an
    idiom of manner with 地, and a later clause opened by a part of the body (…，手指发颤) or a newcomer to the scene (…，一股霉味…)."""
    marks = int(bool(_ZH_QUOTE_FRAME.match(sentence))) + int(
        bool(re.match(rf"^\s*(?:{STORY_NEXT})", sentence))
    )
    seen_pba = seen_give = seen_result = attitude = seen_later = newcomer = result = reaction = reported = (
        False
    )
    for k, w in enumerate(ws[1:], 1):
        prev = ws[k - 1]
        nxt = ws[k + 1] if k + 1 < len(ws) else None
        if 1 < k <= 3 and w.text in ("把", "被") and prev.tag in ("d", "z", "l", "ad"):
            seen_pba = True
        after = ws[k + 2] if k + 2 < len(ws) else None
        if (
            nxt is not None
            and nxt.text == "我"
            and (w.text == "给" or w.text.endswith("给"))
            and (after is None or after.tag == "x")
        ):  # 塞给我，…: a handing-over told; 拿给我看看 asks for one
            seen_give = True
        if w.tag.startswith("v") and _ZH_RESULT.match(w.text):
            seen_result = True
        if (
            w.tag.startswith("v")
            and len(w.text) == 2
            and w.text[1] == "得"
            and any(x.text in ("被", "把") for x in ws[1:k])
        ):
            result = True  # 你被…震得…: the passive or disposal, then what it did (not 你来得正好)
        if k > 1 and w.tag == "o":
            result = True  # 扑通, 砰: the sound of a told event
        if (w.text == "而" and prev.tag.startswith("v") and nxt is not None and nxt.tag.startswith("v")) or (
            w.tag in ("i", "l") and w.text[-2:] in ("而去", "而来", "而出", "而入", "而起", "而逃")
        ):
            result = True  # 再拜而去, 拂袖而去: the classical narrative's serial verbs joined by 而
        if w.text.startswith("地") and prev.tag.startswith(("i", "l", "a")):
            result = True  # 千恩万谢地…, 激动地站: a manner (jieba may glue 地 to the verb)
        if w.text == "地" and prev.tag.startswith("v") and nxt is not None and nxt.tag.startswith("v"):
            result = True  # 感动地说: a feeling as the manner of a told act
        if k == 1 and len(w.text) == 3 and w.text[1] in "着了":
            attitude = True  # 低着头, 红了眼: an attitude with its aspect, whatever the tag
        if prev.text in ("，", ","):
            reported = reported or w.text in ZH_REPORTING  # …，发誓…: the user's words told
            reaction = reaction or _idiom_clause(ws, k)  # …，泪流满面，…: the user's reaction shown
        if prev.text in ("，", ","):
            newcomer = newcomer or (
                w.tag == "m"
                and w.text.startswith("一")
                and len(w.text) == 2
                and not (nxt is not None and nxt.tag == "m")  # 一日三次: a rate, no newcomer
            )
            seen_later = seen_later or w.text in _ZH_BODY_PART or newcomer
    # a bounded action (推开) is how an order sounds too (你把刀放下): it tells only when the scene
    # answers it with a newcomer of its own (…，一股霉味扑面而来)
    return (
        marks
        + seen_pba
        + seen_give
        + (seen_result and newcomer)
        + attitude
        + seen_later
        + result
        + reaction
        + reported
    )


def felt_on_body(ws: list[zh.Word], k: int) -> bool:
    """Word k is 得 after an adjective or adverb (jieba a / b / ad) and before a part of the body (紧张得手心冒汗): the
    user's inner state told as a fact by what the body does (你高兴得太早 judges, it shows no body)."""
    nxt = ws[k + 1] if k + 1 < len(ws) else None
    return ws[k - 1].tag in ("a", "b", "ad") and nxt is not None and nxt.text in _ZH_BODY_PART


def _idiom_clause(ws: list[zh.Word], k: int) -> bool:
    """Word k is a four-character idiom that makes a clause alone (…，泪流满面，…): a reaction shown."""
    nxt = ws[k + 1] if k + 1 < len(ws) else None
    return ws[k].tag in ("i", "l") and len(ws[k].text) == 4 and (nxt is None or nxt.tag == "x")


def before_report(sentence: str) -> str:
    """The sentence up to a later clause opened by a reporting verb (…，发誓回去后要…): what the
    user is told to have said is no modality of the speaker's."""
    at, ws = 0, zh.words(sentence)
    for prev, w in zip(ws, ws[1:], strict=False):
        at += len(prev.text)
        if prev.text in ("，", ",") and w.text in ZH_REPORTING:
            return sentence[:at]  # a whole word: 说话 is no report
    return sentence
