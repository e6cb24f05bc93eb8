"""The role talked about as a role, without its name: 我的角色应该表现出担忧 / （以上是我作为夜市摊主角色
的回应） / 我想她会对孩子说：… / 我将扮演一位出租车司机.

role_announce.py finds the character's own name in a performance frame and role_frame_zh.py a 的-
description before a stance; a new writer names neither. What stays is the shape of talk about a
performance: the word 角色 in the speaker's own frame (我的角色, 作为…角色, 角色的回应), a line the
character *would* say introduced by a colon (…会说：…), projected rather than spoken, and the speaker
announcing a part it will perform (我将扮演一位…). A life's roles told in the past (我这一生扮演过很多
角色) or denied (我可不会扮演谁) are the character's own talk: no aspect 过 and no negation here.
"""

from __future__ import annotations

import re

# 角色 in the speaker's frame: its own part (我的角色), the frame 作为…角色, the part's reply (角色的回应)
_ROLE_WORD = re.compile(
    r"我的角色|角色的(?:回应|回答|回复|台词|身份|设定)|(?:作为|身为)[^，,。！？!?]{0,16}角色(?!们)"
)
# a projected line: (我想)她会(对孩子)说：… / 所以我会说：… — what would be said, announced by a colon
# (after reasoning about the part: 所以, 我想; 他要是问起，我会说：不知道 is a plan in the scene)
_WOULD_SAY = re.compile(
    r"(?:所以|因此|我想|我觉得|我认为|想必|大概|应该)[^，,。！？!?：:“”]{0,4}"
    r"(?:我|他|她)[^，,。！？!?：:“”]{0,6}会(?:对[^，,。！？!?：:]{1,6})?说\s*[：:]"
)
# the speaker announcing the part it will perform: 我将扮演一位…, 我来扮演一个…
_WILL_PLAY = re.compile(r"我(?:将|会|来|要|现在)?(?:扮演|饰演)(?:一位|一个|一名|一下)")
_NOT = re.compile(r"[不没别未]\S{0,2}(?:扮演|饰演)|扮演过")


def role_meta(text: str) -> str | None:
    """The span of `text` that talks about the role as a part performed, or None."""
    for pattern in (_ROLE_WORD, _WOULD_SAY, _WILL_PLAY):
        m = pattern.search(text)
        if m and not (pattern is _WILL_PLAY and _NOT.search(text)):
            return m.group(0)
    return None
