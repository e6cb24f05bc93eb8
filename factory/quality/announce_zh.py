"""Chinese announcement frames that are the character's own speech, not a role named as a role.

Two frames of `role_announce.announce_patterns` have in-scene readings decided by grammar:
- 作为/身为 + a name that is a title (舰长, 掌门: a common noun of the general dictionary, see
  `zh.is_title`): the character speaks of the office it holds and its duty ("身为掌门，我不能
  退"); with a proper name (作为X，我…) it names the role it plays.
- a switch into a mode with a 把/将 object before the verb in the same clause: the speaker
  switches a thing (把引擎切到备用模式), not its own persona.
"""

from __future__ import annotations

import re

from factory.quality import zh

_FRAME = re.compile(r"^(作为|身为)")
_SWITCH = re.compile(r"(切换|转换|切|进入|开启|启动)(成|到|为|至)?[^，,。！？!?\s]{0,8}?模式$")


# what a role's announcer goes on to do: answer the user (作为X，我来回答你)
_SELF = frozenset({"自己", "我", "自身", "本人"})
_ANSWER = re.compile(r"^[^，,。！？!?]{0,6}?(回答|回应|作答|解答)")


def own_speech(text: str, m: re.Match, names: frozenset[str], character: str) -> bool:
    """Whether announcement match `m` in `text` (a line of `character`) is the character in its scene."""
    said = m.group(0)
    if _FRAME.match(said):
        # a title held, never a part of the character's own name (星河 of 陆星河 is a given name)
        named = [n for n in names if n in said]
        titles = [n for n in named if zh.is_title(n) and n not in character]
        return bool(named) and len(titles) == len(named) and not _ANSWER.search(text[m.end() :])
    if _SWITCH.search(said):
        before = text[: m.start()]
        if not before.strip() or re.search(r"[，,。！？!?；;：:\n]\s*$", before):
            return False
        ws = [w for w in zh.words(zh.clauses(before)[-1]) if w.text.strip()]
        # 把/将 and a thing after it; 把自己切换成…模式 is the speaker's own persona
        return any(
            w.text in ("把", "将") and (nxt.tag.startswith("n") or nxt.tag == "eng") and nxt.text not in _SELF
            for w, nxt in zip(ws, ws[1:], strict=False)
        )
    return False
