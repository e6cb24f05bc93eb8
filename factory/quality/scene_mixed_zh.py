"""Chinese mixed replies: a spoken opening, then an outside narrator's scene closing the reply.

A model that drifts out of character often answers in a line or two of speech (推进抢救室！) and then
goes on as a narrator (急诊大厅里人来人往，…，护士们小跑着穿过走廊。). The scene test of scene_zh
reads the whole line and stops at the speaker of the opening; here it reads the reply's closing
sentences on their own. The tail must be a scene by itself and so must its first sentence (a short
answer such as 恨过。 cannot open one). A colon that announces no quotation (只剩一件事：活着回去) is the
speaker explaining, not a narrator showing, and a reply with a stage direction beside its speech
（醒木一拍）… is a storyteller's or a script's, where the speech decides the line.

The user can be the camera too: 你 walks in and the rest of the sentence is the scene that opens
before them (你踏入城门，只见街市上胡商云集，…). The 你-clause must be a statement (no question,
modal, condition or request, as second_person.py reads them) and what follows it a scene by itself.

The narrator's speech tag is a mark by itself: after a spoken sentence, one opening with the end of
speaking (说罢，…, 话音刚落，…, 言毕，…) hands the story back to a narrator, unless what follows speaks
as someone (我, 你, a question or an exclamation: 说完，你就走吧) or follows someone else's
words quoted (我娘常说：“…”说罢，…).

The character can be narrated too, in the stage direction's present (他转身走出营帐，夜风卷起他的披
风，…): after a spoken sentence, one whose subject is 他/她 and which runs three clauses or more of
bounded actions (a directional or result complement, V在/V到 + place) with no aspect 了 or 过 and no
negation. A character reporting what someone did marks it done (他转身走了，留下一封信，再也没回来),
and habits and the speaker's stance (每天, 总是, 会) are talk, as scene_zh reads them.
"""

from __future__ import annotations

import re

from factory.quality import zh
from factory.quality.scene_zh import _DIRECTIONAL, SPEAKER, STANCE, scene_narration
from factory.quality.second_person import _ZH_NOT_NARRATION as ZH_NOT_NARRATION

# A sentence with its closing punctuation (and a closing quotation mark that ends it)
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?…—]*[”」]?")
# A colon not followed by a quotation: the speaker announces an explanation
_EXPLAINING = re.compile(r"[：:](?!\s*[“「『\"])")
# 你 opening a sentence with a clause of its own (an action with its object or place), then the rest
_USER_CLAUSE = re.compile(r"^\s*(?:你|您)(?!们)([^，,。！？!?]{2,20})[，,](.+)$")
# The end of speaking opening a sentence: the narrator's tag after a character's words
_SPEECH_DONE = re.compile(r"^\s*(?:说罢|言罢|言毕|语毕|话音刚落|话音未落|说完|说着)[，,](.+)$")
# Verbs of leaving the stage, whatever the tagger calls them (消失 may come out a noun)
_EXIT = frozenset({"离去", "离开", "消失", "远去", "走远"})
# A verb and where it goes or stays (消失在…, 走到窗前, 望向远处): the tagger may split them
_TO_PLACE = frozenset({"在", "到", "向", "进", "往"})
# Habits told of someone (每天, 向来): the speaker's knowledge of a person, not a scene
_HABIT = frozenset({"每天", "天天", "常常", "经常", "一向", "向来", "往往", "每回", "每次", "平时", "通常"})
BESIDE = re.compile(r"[（(][^（）()]*[）)]|\*[^*]+\*")
# An invitation performed to the listener (里边请, 欢迎欢迎，…): the tail still speaks, no narrator
_INVITES = re.compile(r"(?:^|[，,。！？!?])\s*(?:欢迎|请)|请\s*(?:[，,。！？!?]|$)")
# 你看/你瞧/你听 + what is shown: the speaker points the listener at the scene (你看到… is told)
_POINTING = re.compile(r"^(?:看|瞧|听|瞅)(?![了着到见过完])")


def scene_after_speech(text: str, names: frozenset[str] = frozenset()) -> str | None:
    """The narrated tail of `text` when a spoken opening is followed by a narrator's scene, else None."""
    t = text.strip()
    if BESIDE.search(t):
        return None  # a script or a storyteller's frame: the stage direction is the narration allowed
    sentences = SENTENCE.findall(t)
    for k in range(1, len(sentences)):
        tail = "".join(sentences[k:]).strip()
        if _EXPLAINING.search(tail):
            return None
        if _INVITES.search(tail):
            return None
        if scene_narration(sentences[k], names) and scene_narration(tail, names):
            return tail[:80]
    return None


def user_in_scene(text: str, names: frozenset[str] = frozenset()) -> str | None:
    """The sentence of `text` in which the user enters a scene the narrator then shows, else None."""
    if BESIDE.search(text):
        return None
    for sentence in SENTENCE.findall(text.strip()):
        m = _USER_CLAUSE.match(sentence)
        if m and _POINTING.match(m.group(1)):
            continue
        if m and not ZH_NOT_NARRATION.search(m.group(1)) and scene_narration(m.group(2), names):
            return sentence.strip()[:80]
    return None


def speech_tag_after_speech(text: str) -> str | None:
    """The sentence of `text` that opens with the narrator's tag after a spoken one (说罢，…), else None."""
    sentences = SENTENCE.findall(text.strip())
    for before, sentence in zip(sentences, sentences[1:], strict=False):
        if re.search(r"[“「『\"]", before):
            continue  # 我娘常说：“…”说罢，…: the words quoted were someone else's, the speaker tells of them
        m = _SPEECH_DONE.match(sentence)
        if m and not SPEAKER.search(m.group(1)) and sentence.rstrip().endswith("。"):
            return sentence.strip()[:80]
    return None


def character_narrated_after_speech(text: str) -> str | None:
    """A 他/她 sentence of bounded actions in the narrative present after a spoken one, else None."""
    if BESIDE.search(text):
        return None
    for sentence in SENTENCE.findall(text.strip())[1:]:
        if not re.match(r"^\s*[他她](?!们)", sentence) or not sentence.rstrip().endswith("。"):
            continue
        if SPEAKER.search(sentence):
            continue
        parts = [c for c in zh.clauses(sentence) if c.strip()]
        tagged = [[w for w in zh.words(c) if w.text.strip() and w.tag != "x"] for c in parts]
        words = [w for ws in tagged for w in ws]
        if len(parts) < 3 or any(w.tag in ("ul", "ug") or w.text in ("了", "过") for w in words):
            continue  # perfective or experiential: a report of what was done
        if any(w.text in STANCE or w.text in _HABIT or w.text[:1] in "没不别未" for w in words):
            continue
        if not all(any(w.tag.startswith("v") or w.text in _EXIT for w in ws) for ws in tagged):
            continue
        bounded = sum(
            any(
                w.text in _EXIT
                or w.tag.startswith("v")
                and len(w.text) >= 2
                and bool(_DIRECTIONAL.search(w.text))
                or w.text in _TO_PLACE
                and k > 0
                and (ws[k - 1].tag.startswith("v") or ws[k - 1].text in _EXIT)
                for k, w in enumerate(ws)
            )
            for ws in tagged
        )
        if bounded >= 2:
            return sentence.strip()[:80]
    return None
