"""Chinese scene marks of the describer's register, read by jieba's parts of speech for
factory/quality/scene_zh.py: a thing shown moving with no object (车帘来回晃荡), a directional
complement split round its object (抬起头来), a noun likened to a noun (夜色如墨), and a place filled
with one state (车厢里一片寂静). Each is one clause's shape; none lists a phrase of any line.
"""

from __future__ import annotations

from factory.quality import zh


def subject_then_action(ws: list[zh.Word]) -> bool:
    """A noun subject, then only adverbials and verbs, closing on a two-character verb (旗帜迎风
    飘扬): a thing shown moving, with no object, modal or person."""
    if len(ws) < 3 or not ws[0].tag.startswith("n") or ws[0].tag.startswith("nr"):
        return False
    last = ws[-1]
    return last.tag == "v" and len(last.text) == 2 and all(w.tag.startswith(("v", "d")) for w in ws[1:-1])


def simile(ws: list[zh.Word]) -> bool:
    """A clause that is only a noun likened to a noun (夜色如墨, 月光似水): the describer's simile."""
    return (
        len(ws) == 3
        and ws[0].tag == "n"
        and ws[1].text in ("如", "似", "若", "宛如", "犹如", "好似")
        and ws[2].tag == "n"
    )


def split_direction(ws: list[zh.Word]) -> bool:
    """A verb, its object, then 来/去 closing the clause: a directional complement split around
    the object (抬起头来, 掏出钱来), the shape of an action told."""
    return (
        len(ws) >= 3
        and ws[-1].text in ("来", "去")
        and ws[-2].tag.startswith("n")
        and ws[-3].tag.startswith("v")
    )


def expanse_state(ws: list[zh.Word]) -> bool:
    """一片/一阵 + an adjective or state closing the clause (一片死寂, 一阵骚动): an expanse filled."""
    return (
        len(ws) >= 2
        and ws[-2].tag == "m"
        and ws[-2].text in ("一片", "一阵")
        and ws[-1].tag.startswith(("a", "z", "v", "i"))
    )


def sound_modifier(ws: list[zh.Word], i: int) -> bool:
    """The onomatopoeia at `i` modifies a predicate after it in its clause (轮子咯吱作响, 锅里咕嘟
    咕嘟地翻滚): a sound depicted, the describer's. An onomatopoeia alone or opening its clause
    (哈哈，…) is someone laughing or calling out: talk."""
    if ws[i].tag != "o" or i + 1 >= len(ws):
        return False
    j = i + 1
    while j < len(ws) and ws[j].tag == "o":
        j += 1  # 咕嘟 咕嘟: a repeated sound, split by the tagger
    rest = ws[j:]
    if rest and rest[0].text == "地":
        rest = rest[1:]
    return bool(rest) and rest[0].tag.startswith(("v", "n", "a", "i", "l")) and i > 0
