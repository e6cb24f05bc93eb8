"""A role framed by its description: 作为一个九十年代下海经商的老板，我认为… / 我作为仙侠世界中的
剑灵X，此刻的心情是….

The reply describes the role from outside (a 的-phrase that sets it in an era or a fictional world, or
that ends on the character's own name) and then states an opinion or a feeling about it, as an answer
about a role rather than speech from inside it. The noun phrase is read with jieba's tags, not matched
against a list of roles. A role held in the scene is named by its relation (作为你的师父，我…) or
bare (作为长子，我…): no 的-description, or a pronoun inside it, and the frame stays speech.
"""

from __future__ import annotations

import re

from factory.quality import zh

# 作为 / 身为 (optionally after 我) up to the first comma: the frame and its noun phrase
_FRAME = re.compile(
    r"(?:^|[。！？!?；;\n])\s*我?\s*(作为|身为)([^，,。！？!?；;\n]{4,30})[，,]([^。！？!?\n]{0,30})"
)
# The opinion or the feeling stated right after the frame (我认为, 我觉得, 此刻的心情是)
_STANCE = re.compile(
    r"^\s*(?:我|本人)?\s*(?:认为|觉得|看来|想说|的看法|的观点|的感受)|心情(?:是|很|十分|非常)"
)
# Words that set a role in a time or a made-up world: the outside view of a character sheet
_SETTING = frozenset(
    {"世界", "时代", "年代", "朝代", "故事", "小说", "剧中", "游戏", "设定", "宇宙", "江湖", "世纪"}
)

# Agent suffixes closing a person noun that the tagger may read as an idiom (拾荒者, 守墓人)
_AGENT = ("者", "人", "家", "员", "师", "手")


def role_frame(text: str, names: frozenset[str]) -> str | None:
    """The frame of `text` that describes the role from outside and then gives a stance, or None."""
    for m in _FRAME.finditer(text):
        if not _STANCE.search(m.group(3)):
            continue
        ws = [w for w in zh.join_names(zh.words(m.group(2)), names) if w.text.strip()]
        if not ws or not any(w.text == "的" for w in ws) or any(w.tag == "r" for w in ws):
            continue  # 作为长子 / 作为你的师父: a bare role or a relation, held in the scene
        if not (ws[-1].tag.startswith("n") or ws[-1].text.endswith(_AGENT)):
            continue  # the phrase must end on its head noun (老板, 剑灵, the name; 拾荒者 read as an idiom)
        setting = any(
            w.text in _SETTING or w.text.endswith(("年代", "世纪", "时代")) or w.tag == "t" for w in ws
        )
        if setting or ws[-1].text in names:
            return m.group(0).strip("。！？!?；;\n ")
    return None
