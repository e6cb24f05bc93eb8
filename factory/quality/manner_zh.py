"""Chinese mixed replies: the character's manner narrated after its speech (要加葱吗？她一边说一边熟练地
翻动锅里的豆腐，…).

A spoken sentence, then a 他/她 sentence that tells how the act is done: an adverbial of manner
before its verb (熟练地翻动, 坚定地望着: jieba tags the 地 as `uv`,
or keeps it on a reduplicated adverb, 稳稳地) or speech going on with the act
(一边说一边…). A speaker reporting someone marks the act done (他狠狠地打了我) or denies it, so a
perfective or experiential aspect, a negation or the speaker's stance keeps the sentence talk;
here it is the stage direction's present, from outside the speaker. scene_mixed_zh.py reads the
same position by counting bounded actions; this reads the manner instead.
"""

from __future__ import annotations

import re

from factory.quality import zh
from factory.quality.scene_mixed_zh import BESIDE, SENTENCE
from factory.quality.scene_zh import SPEAKER, STANCE

_ALONG = re.compile(r"一边(?:说|讲|笑|念叨|嘟囔)[^，,。]{0,3}一边")
_MANNER_HEAD = ("a", "ad", "d", "z", "l", "i")


def manner_after_speech(text: str) -> str | None:
    """A 他/她 sentence after a spoken one that narrates the manner of an act in the present, else None."""
    if BESIDE.search(text):
        return None
    for sentence in SENTENCE.findall(text.strip())[1:]:
        s = sentence.strip()
        if not re.match(r"^[他她](?!们)", s) or not s.endswith("。") or SPEAKER.search(s):
            continue
        ws = [w for w in zh.words(s) if w.text.strip()]
        if any(
            w.tag in ("ul", "ug") or w.text in ("了", "过", "会", "要") or w.text[:1] in "没不别未"
            for w in ws
        ):
            continue  # done, denied or to come: a report of someone, not a scene
        if any(w.text in STANCE for w in ws):
            continue
        manner = any(
            0 < k < len(ws) - 1
            and ws[k + 1].tag.startswith("v")
            and (
                w.text == "地"
                and ws[k - 1].tag in _MANNER_HEAD
                or len(w.text) >= 3
                and w.text.endswith("地")
                and w.tag in _MANNER_HEAD  # 稳稳地, 慢吞吞地: the tagger keeps the 地 on the adverb
            )
            for k, w in enumerate(ws)
        )
        if manner or _ALONG.search(s):
            return s[:80]
    return None
