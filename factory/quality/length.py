"""Length: replies too short to teach anything (backchannels, a few tokens without a closing stop)."""

from __future__ import annotations

import re

from factory import lang
from factory.quality import zh
from factory.quality.text import count_tokens

# Backchannels: replies that only acknowledge, a closed class (not "Never!" or "准奏。")
_FILLERS = {
    "zh": {
        "嗯",
        "嗯嗯",
        "哦",
        "噢",
        "喔",
        "哈",
        "哈哈",
        "呵呵",
        "好",
        "好的",
        "是",
        "是的",
        "对",
        "对的",
        "行",
        "唔",
        "啊",
        "哎",
        "诶",
        "好吧",
        "嗯哼",
    },
    "en": {
        "yes",
        "no",
        "ok",
        "okay",
        "hm",
        "hmm",
        "oh",
        "ah",
        "aye",
        "indeed",
        "yeah",
        "yep",
        "nope",
        "sure",
        "right",
        "mm",
        "uh",
        "um",
        "oui",
        "alright",
        "fine",
        "ha",
        "mhm",
        # round 19: more of the same closed class of assent and acknowledgement
        "yup",
        "noted",
        "cool",
        "so",
        "k",
        "kk",
        "ay",
        "arr",
        "understood",
        "agreed",
        "gotcha",
        "quite",
    },
}
# Lexicalised backchannels of two words ("of course", "I see"): each word alone says something else
_EN_BACKCHANNEL_PAIRS = frozenset(
    {
        ("of", "course"),
        ("all", "right"),
        ("i", "see"),
        ("got", "it"),
        ("very", "well"),
        ("sure", "thing"),
        ("fair", "enough"),
        ("uh", "huh"),
        ("mm", "hmm"),
        ("i", "understand"),
    }
)
# Words that only soften or pace a backchannel ("Okay then.", "Indeed so."), never one on their own
_EN_BACKCHANNEL_GLUE = frozenset({"then", "well", "now"})
_FILLER_SPLIT = re.compile(r"[\W_]+")
# jieba's interjection and onomatopoeia tags (呸, 嘿嘿; not the modal particle y: 也罢 is a verdict)
_ZH_INTERJECTION_TAGS = frozenset({"e", "o"})
# English interjections and terms of address, closed classes (no tagger reads them)
_EN_INTERJECTION = frozenset(
    [
        "bah",
        "pah",
        "pooh",
        "pshaw",
        "humph",
        "hmph",
        "harrumph",
        "ugh",
        "eh",
        "huh",
        "ahem",
        "tut",
        "phew",
        "whew",
        "meh",
        "oho",
        "aha",
        "alas",
        "er",
        "erm",
        "hey",
        "oi",
        "gosh",
        "golly",
        "egad",
        "zounds",
        "fie",
        "sir",
        "madam",
        "miss",
        "master",
        "mister",
        "captain",
        "doctor",
        "father",
        "mother",
    ]
)
# Sounds jieba tags as verbs (哼 hum, 咳 cough, 喂 hello, 切 scoff): alone they react, they command nothing
_ZH_SOUND_VERBS = frozenset({"哼", "咳", "喂", "切", "嘘", "呸", "哎", "啐"})
# Chinese acknowledgements of receipt or understanding, and assent (知道, 明白, 收到, 可以): like a
# backchannel they only confirm the last turn, a closed class of the service register's replies
_ZH_ACK = frozenset(
    {"知道", "晓得", "明白", "了解", "收到", "懂", "清楚", "可以", "没问题", "ok", "这样", "那好", "好嘞"}
    # the same assent in other registers: classical 然/可, Cantonese 系, Sichuan 要得, northern 得/中/成
    | {"然", "可", "系", "要得", "得", "中", "成"}
)
_ZH_ACK_DROP = frozenset({"ul", "y", "uj", "x"})  # 了, 呢/啦, 的 (OK的), punctuation
_REPEATED = re.compile(r"(.{1,3}?)\1+")
_WHOLE_REPLY_END = ("！", "!", "。", ".", "？", "?", "…")


def too_short(text: str, language: str, min_len: int) -> bool:
    """Too short to teach anything: a backchannel at any length, or under `min_len` tokens unless it
    ends as a sentence (呸！, 准。, Never!: a one-word command, verdict or curse is a whole reply)."""
    if is_filler(text, language) or lone_interjection(text, language) or zh_acknowledgement(text, language):
        return True
    if text.strip() and not re.search(r"\w", text):
        return True  # ……, ...: punctuation alone, a silence with nothing in it to learn
    if lone_command(text, language):
        return False
    return count_tokens(text) < min_len and not text.rstrip().endswith(_WHOLE_REPLY_END)


def zh_acknowledgement(text: str, language: str) -> bool:
    """A Chinese reply made only of acknowledgements and backchannels (晓得了。, 嗯，可以。, 收到。),
    closed by a stop or joined to a backchannel. A bare unpunctuated 知道了 stays: a curt dismissal
    as a whole reply, like 算了 (the length rules decide it as before)."""
    if not lang.is_zh(language):
        return False
    t = text.strip()
    if not t or len(t) > 8:
        return False
    core = re.sub(r"[^\w]|[了啦呢]+$", "", t.lower())
    lead = next((f for f in sorted(_FILLERS["zh"], key=len, reverse=True) if core.startswith(f)), "")
    if (core in _ZH_ACK or lead and core[len(lead) :] in _ZH_ACK) and t.endswith(_WHOLE_REPLY_END):
        return True  # 没问题。, 哦，那好。 (the tagger splits them)
    ws = [w for w in zh.words(t.lower()) if w.text.strip() and w.tag not in _ZH_ACK_DROP]
    units = [_unit(w.text) for w in ws]
    if not units or not all(u in _ZH_ACK or u in _FILLERS["zh"] for u in units):
        return False
    softened = any(w.tag == "y" for w in zh.words(t.lower()))  # 呢, 啦: a particle only softens
    if not any(u in _ZH_ACK for u in units) and not softened:
        return False
    return t.endswith(_WHOLE_REPLY_END) or len(units) > 1 or softened


def lone_command(text: str, language: str) -> bool:
    """One Chinese verb on its own (滚, 走, 闪): an imperative, a whole reply with or without its "！"
    (a backchannel verb such as 行 or 是 is a filler and never gets here)."""
    if not lang.is_zh(language):
        return False
    t = text.strip()
    if not t or len(t) > 4:
        return False
    ws = [w for w in zh.words(t) if w.text.strip()]
    return len(ws) == 1 and ws[0].tag == "v" and ws[0].text not in _ZH_SOUND_VERBS


def is_filler(text: str, language: str) -> bool:
    """A reply that only acknowledges ("嗯。", "Hm.", "Yes", doubled: 好的好的, 哈哈哈, "Yes, yes."):
    too short whatever its length."""
    words = [w.lower() for w in _FILLER_SPLIT.split(text) if w]
    fillers = _FILLERS.get(language, set())
    if lang.is_zh(language) and len(words) == 1 and _unit(words[0]) not in fillers:
        ws = zh.words(words[0])
        # a modal particle after a backchannel (行吧, 好啊, 对呀) softens it, it adds nothing
        words = [w.text for w in (ws[:-1] if len(ws) > 1 and ws[-1].tag == "y" else ws)]
    if not lang.is_zh(language):
        words = _en_units(words)
        core = [w for w in words if w not in _EN_BACKCHANNEL_GLUE]
        if not core or any(w in _EN_BACKCHANNEL_GLUE for w in words[:1]):
            return False  # "Well, well", "Now then": a glue word leads, so it is not a backchannel
        words = core
    return bool(words) and all(w in fillers or _unit(w) in fillers or _unit(w) * 2 in fillers for w in words)


def _en_units(words: list[str]) -> list[str]:
    """English words with each lexicalised pair ("of course", "got it") read as one filler unit."""
    out: list[str] = []
    k = 0
    while k < len(words):
        if tuple(words[k : k + 2]) in _EN_BACKCHANNEL_PAIRS:
            out.append("yes")  # the pair works as one assent word
            k += 2
        else:
            out.append(words[k])
            k += 1
    return out


def lone_interjection(text: str, language: str) -> bool:
    """One interjection, sound or term of address, not exclaimed ("Bah.", "Sir?", "嘿嘿。"): it reacts
    or calls, it says nothing; exclaimed (呸！, "Bah!") it is a whole reply of its own."""
    t = text.strip()
    if not t or t.endswith(("!", "！")):
        return False
    words = [w for w in _FILLER_SPLIT.split(t) if w]
    if len(words) != 1:
        return False
    if lang.is_zh(language):
        ws = [w for w in zh.words(words[0]) if w.text.strip()]
        # 哼。: a sound the tagger reads as a verb is still a grunt when it is not exclaimed
        return len(ws) == 1 and (ws[0].tag in _ZH_INTERJECTION_TAGS or ws[0].text in _ZH_SOUND_VERBS)
    return words[0].lower() in _EN_INTERJECTION


def _unit(word: str) -> str:
    """The repeated unit of a doubled word (好的好的 -> 好的, 哈哈哈 -> 哈, haha -> ha), else the word."""
    m = _REPEATED.fullmatch(word)
    return m.group(1) if m else word
