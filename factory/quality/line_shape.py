"""The shape of a line, for the learned model: what carries across characters and vocabularies.

Character n-grams learn words; a narrator's prose, a backchannel or an assistant's cadence is also
a *shape*: who the line's persons are (no I, no you; he / she), how it is built (a determiner, a
noun, a past tense; a question), how long it is. Each word becomes its closed class (persons,
determiners, auxiliaries, negation, wh-words, the name mark) or a coarse morphological class
(-ed, -ing, -ly, -s, other), punctuation stays itself; the tokens are class 1-3-grams plus flags
for the whole line. Chinese lines keep their persons (我 / 你 / 他) and punctuation as classes.
Closed classes only: no list here names an example phrase.
"""

from __future__ import annotations

import re

_EN_CLASSES = {
    "P1": "i me my mine myself i'm i've i'll i'd we us our ours ourselves we're we've we'll",
    "P2": "you your yours yourself yourselves you're you've you'll you'd ye thou thee thy thine y'all",
    "P3": "he she him her his hers himself herself they them their theirs themselves it its he's she's",
    "DET": "the a an this that these those some every each any",
    "AUX": "is was are were am be been being has had have do does did will would can could shall should "
    "may might must",
    "NEG": "not no never nothing nobody none don't doesn't didn't can't won't isn't wasn't aren't weren't "
    "couldn't wouldn't shouldn't ain't",
    "WH": "what why how who whom whose where when which",
    "CONJ": "and but or so yet because if though although while as then",
    "PREP": "of in on at to for with from by about into over under through between after before",
}
EN_CLASS = {w: c for c, ws in _EN_CLASSES.items() for w in ws.split()}
EN_TOKEN = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")
_ZH_CLASSES = {
    "P1": "我吾朕俺咱余",
    "P2": "你您汝尔",
    "P3": "他她它",
}
_ZH_CLASS = {ch: c for c, chars in _ZH_CLASSES.items() for ch in chars}
_ZH_PUNCT = set("，。！？、；：…—“”「」『』（）《》,.!?;:()\"'*")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _en_class(tok: str, mark: str) -> str:
    if tok == mark:
        return "NAME"
    if tok in EN_CLASS:
        return EN_CLASS[tok]
    if not tok[0].isalnum():
        return tok
    if tok.isdigit():
        return "NUM"
    for suffix, cls in (("ing", "ING"), ("ed", "ED"), ("ly", "LY"), ("s", "S")):
        if len(tok) > len(suffix) + 2 and tok.endswith(suffix):
            return cls
    return "W"


def _zh_class(ch: str, mark: str) -> str:
    if ch == mark:
        return "NAME"
    if ch in _ZH_CLASS:
        return _ZH_CLASS[ch]
    if ch in _ZH_PUNCT:
        return ch
    if _HAN.match(ch):
        return "H"
    return "L" if ch.isalpha() else "O"


def _length_bucket(n: int) -> str:
    return next(f"len<={b}" for b in (1, 2, 3, 5, 8, 13, 21, 10**9) if n <= b)


def shape_tokens(text: str, mark: str) -> list[str]:
    """Class 1-3-grams (with line start / end) and line flags of a normalised line."""
    zh = len(_HAN.findall(text)) * 2 > len(text.replace(" ", ""))
    if zh:
        classes = [_zh_class(ch, mark) for ch in text if not ch.isspace()]
        # runs of Han collapse to one token: the shape is persons and punctuation between words
        classes = [c for k, c in enumerate(classes) if not (c == "H" and k and classes[k - 1] == "H")]
        words = len(_HAN.findall(text)) // 2
    else:
        classes = [_en_class(t, mark) for t in EN_TOKEN.findall(text)]
        words = sum(c[0].isalpha() for c in classes)
    seq = ["^", *classes, "$"]
    grams = [" ".join(seq[k : k + n]) for n in (1, 2, 3) for k in range(len(seq) - n + 1)]
    present = set(classes)
    flags = [
        _length_bucket(words),
        *(f"no-{p}" for p in ("P1", "P2", "P3", "NAME") if p not in present),
        *(f"has-{q}" for q in ("?", "？", "!", "！") if q in present),
    ]
    return grams + flags
