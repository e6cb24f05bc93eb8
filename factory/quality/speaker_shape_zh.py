"""Two shapes of a speaker's line that a narrator's scene lacks, for factory/quality/scene_zh.py.

Ordered steps: a line that lists what to do, one bare verb phrase after another, ordered
by 先 … 再 / 然后 / 接着 / 最后 (先检查燃料，再检查护盾). That is the speaker instructing someone, not a
narrator depicting: a narrator's sequence has a subject or an aspect mark on its verbs (他先推开了门).
A recent-past report: the line opens on 刚才, a time measured from the moment of speaking
(刚才那人进来时脸都白了) — the speaker reporting; a narrator's time is the story's (钟声刚刚响过 and
比刚才 keep the word inside the clause, after its subject). Read by jieba's parts of speech; no
phrase of any line is listed.

An interjection standing as its own clause (……唉，不说了) is the speaker's voice breaking in; a stage
direction in the third person (他摇了摇头，…) has none. The interjections are a closed class (jieba
does not always tag them e once an ellipsis comes before), listed as a class, not from any line.
"""

from __future__ import annotations

from factory.quality import zh

_FIRST = frozenset({"先", "首先", "第一"})
_NEXT = frozenset({"再", "然后", "接着", "最后", "之后", "其次", "随后"})
_ASPECT = frozenset({"uz", "ul", "ug"})


def ordered_steps(ws_by_clause: list[list[zh.Word]]) -> bool:
    """True when the first clause opens on 先 + a verb, with no subject before it, and a later
    clause opens on 再 / 然后 / 最后 …, the steps' verbs bare of aspect (了, 着, 过)."""
    if len(ws_by_clause) < 2 or not ws_by_clause[0]:
        return False
    head = ws_by_clause[0]
    if head[0].text not in _FIRST or len(head) < 2 or not head[1].tag.startswith("v"):
        return False
    steps = [ws for ws in ws_by_clause[1:] if ws and ws[0].text in _NEXT]
    if not steps:
        return False
    return not any(w.tag in _ASPECT for ws in [head, *steps] for w in ws)


_RECENT = frozenset({"刚才"})  # 刚刚 also opens a story's time (刚刚入夜，…)


def recent_report(ws_by_clause: list[list[zh.Word]]) -> bool:
    """True when the line's first word is 刚才: time counted from the speaker's now."""
    return bool(ws_by_clause and ws_by_clause[0]) and ws_by_clause[0][0].text in _RECENT


# The closed class of Chinese interjections (sighs, grunts, calls): a clause of one of them is talk
_INTERJECTION = frozenset("唉哎嗯哼啊哦呀咦嗨喂呸嘿噢哟嗐咳")


def interjection_clause(text: str) -> bool:
    """True when some clause of `text` is one interjection alone (唉，…): someone talking."""
    for c in zh.clauses(text):
        ws = [w for w in zh.words(c) if w.text.strip() and w.tag != "x"]
        if len(ws) == 1 and (ws[0].tag == "e" or all(ch in _INTERJECTION for ch in ws[0].text)):
            return True
    return False
