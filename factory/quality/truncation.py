"""Truncation: whether a character line was cut off (a dangling word, an open pair, no final stop)
or is whole without a stop (verse, a refrain, the emphatic 是…的)."""

from __future__ import annotations

import re

from factory import lang
from factory.quality import zh
from factory.quality.language_check import EN_FUNCTION

_PAIRS = [("（", "）"), ("(", ")"), ("「", "」"), ("『", "』"), ("【", "】"), ("“", "”")]
END_OK = set("。！？!?.…~～」』”\"）)*】]'’—–-♪") | {"\u2026"}
_DANGLING = set("，,、；;：:（(「『“‘")
_ZH_DANGLING_END = (
    "因为",
    "所以",
    "如果",
    "虽然",
    "但是",
    "而且",
    "并且",
    "以及",
    "或者",
    "还有",
    "和",
    "与",
    "及",
    "或",
    "把",
    "被",
    "从",
    "向",
    "给",
    "让",
)
_EN_DANGLING_END = {
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "to",
    "of",
    "with",
    "my",
    "your",
    "in",
    "on",
    "for",
    "that",
    "because",
    "if",
    "when",
    "than",
    "as",
    "at",
    "by",
    "from",
    "into",
    "his",
    "her",
}
_LAST_WORD = re.compile(r"([A-Za-z']+)\s*$")
# Chinese words after which a clause cannot stop (ICTCLAS: preposition, conjunction, adverb,
# structural particle 的/地/得/着), and, on longer lines, a verb or pronoun left without its object.
_ZH_OPEN_TAGS = ("p", "c", "d", "uj", "uv", "ud", "uz")
_ZH_OPEN_TAGS_LONG = ("v", "r")
# Words no clause ends on, verse included: a preposition, a conjunction (倘若), a one-character
# adverb (便, 不, 就); a longer "adverb" at the end of verse is jieba misreading a noun (无绝期)
_ZH_NEVER_FINAL = ("p", "c", "d")
_ZH_PREDICATE_TAGS = ("v", "a", "i", "l", "z")
_ZH_FINAL = ("了", "吧", "呢", "啊", "呀", "嘛", "罢", "哦", "啦", "么", "吗", "哉", "矣", "也", "耳", "乎")
_ZH_VERNACULAR = re.compile(r"[这那哪][个些]|[的了着们呢吧]|什么|怎么|没有")
_ZH_CLASSICAL = re.compile(r"[之乎矣哉吾汝乃者焉兮其亦]")
_ZH_OPEN_MIN_HAN = 4  # shorter lines say too little ("算了", "也罢")
_ZH_OPEN_LONG_HAN = 8
_EN_OPEN_WORDS = frozenset({"never", "not", "only", "just", "near", "very", "who", "which", "whom", "whose"})
# Degree adverbs that only modify what follows them ("so very", "quite"); "so", "too", "more" can
# close a clause ("I told you so", "me too") and are left out
_EN_DEGREE = frozenset({"very", "quite", "extremely", "terribly", "awfully", "incredibly", "frightfully"})
_ZH_PERSONAL = re.compile(r"[我你您他她它咱俺]")
# A phrase opened by a subordinator or a sequencer starts a clause of prose that must go on to its
# predicate ("because the men in my family", "and then my family"); verse juxtaposes its phrases
# ("boats against the current", "and a bottle of rum") and never subordinates them
_EN_PROSE_OPENER = re.compile(r"^(?:and |but |or )?(?:because|although|though|unless|until|whereas|then)\b")
_VERSE_SPLIT = re.compile(r"[，,、；;]")


def unbalanced(text: str) -> tuple[int, str] | None:
    """(opens - closes, the pair) for the first pair that does not balance."""
    for a, b in _PAIRS:
        d = text.count(a) - text.count(b)
        if d:
            return d, a + b
    for q in ("*", '"'):
        if text.count(q) % 2:
            return 1, q
    return None


def ends_open(text: str, language: str) -> str | None:
    """Why a line looks cut off, or None."""
    t = text.rstrip()
    if not t:
        return None
    if t[-1] in _DANGLING:
        return f"ends with {t[-1]!r}"
    if refrain(t):
        return None  # "Love her, love her, love her": the last word repeats a whole phrase, nothing is cut
    if lang.is_zh(language):
        for w in _ZH_DANGLING_END:
            if t.endswith(w):
                return f"ends with the connective {w!r}"
        why = _zh_open_end(t)
        if why:
            return why
    m = _LAST_WORD.search(t)
    if m and m.group(1).lower() in _EN_DANGLING_END:
        return f"ends with {m.group(1)!r}"
    if m and m.group(1).lower() in _EN_DEGREE and t[-1] not in END_OK:
        return f"stops on the degree word {m.group(1)!r}, its adjective cut off"
    return None


def _zh_open_end(t: str) -> str | None:
    """A Chinese line without final punctuation that stops on a word needing a continuation."""
    if t[-1] in END_OK or not lang.HAN_RE.match(t[-1]):
        return None
    if t.endswith(_ZH_FINAL) and not (t.endswith("也") and _vernacular(t)):
        return None
    han = len(lang.HAN_RE.findall(t))
    if han < _ZH_OPEN_MIN_HAN:
        return None
    clause = [w for w in zh.words(zh.clauses(t)[-1]) if w.text.strip()]
    if not clause:
        return None
    last = clause[-1]
    if last.tag.startswith(_ZH_NEVER_FINAL) and (last.tag[0] != "d" or len(last.text) == 1):
        return f"stops on {last.text!r} ({last.tag}) without punctuation"  # verse too: 便 / 不 / 倘若 end nothing
    # after 有/是 comes a noun phrase: a bare numeral there lost its measure and noun (必有一…: 一劫)
    idiom = any((zh.dictionary_tag(t[-k:]) or "")[:1] in ("i", "l") for k in (3, 4))
    if (
        last.text in ("一", "两", "几")
        and len(clause) > 1
        and clause[-2].tag.startswith("v")
        and clause[-2].text.endswith(("有", "是"))
        and not idiom
    ):
        return f"stops on the numeral {last.text!r} without its measure word"
    if parallel_clauses(t, True):
        return None
    if emphatic_de(t):
        return None  # 是…的: the emphatic construction ends on 的 (希望是本无所谓有，无所谓无的)
    tags = _ZH_OPEN_TAGS + (_ZH_OPEN_TAGS_LONG if han >= _ZH_OPEN_LONG_HAN else ())
    if last.tag.startswith(tags) or last.text in ("是", "在"):
        return f"stops on {last.text!r} ({last.tag}) without punctuation"
    if han >= _ZH_OPEN_LONG_HAN and _adverb_without_verb(clause):
        return "an adverb with no predicate after it (the verb was cut off)"
    return None


def _vernacular(t: str) -> bool:
    """A line in the vernacular (那个人, 的, 了, 着) with no classical function word: its final 也 is
    the adverb "also" whose predicate was cut off (说话也…), not the classical particle (吾不知也)."""
    return bool(_ZH_VERNACULAR.search(t)) and not _ZH_CLASSICAL.search(t)


def _adverb_without_verb(clause: list[zh.Word]) -> bool:
    """我独自在渌水亭: the last clause has an adverb (d) and no predicate after it, only a place or
    an object: the adverb modifies a verb the line never reached."""
    idx = [k for k, w in enumerate(clause) if w.tag.startswith("d")]
    if not idx or idx[-1] == len(clause) - 1:
        return False
    after = clause[idx[-1] + 1 :]
    return any(w.tag.startswith("p") for w in after) and not any(
        w.tag.startswith(_ZH_PREDICATE_TAGS) or w.text in ("是", "在", "有") and not w.tag.startswith("p")
        for w in after
    )


def emphatic_de(t: str) -> bool:
    if not t.endswith("的") or "是" not in t:
        return False
    ws = zh.words(t)
    return bool(ws) and ws[-1].text == "的" and any(w.text == "是" for w in ws[:-1])


def _parts(text: str) -> list[str]:
    return [p.strip().lower() for p in _VERSE_SPLIT.split(text) if p.strip()]


def refrain(text: str) -> bool:
    """The last clause repeats an earlier one (love her, love her; 归去，归去): whole, however it ends."""
    parts = _parts(text)
    return len(parts) >= 2 and parts[-1] in parts[:-1]


def parallel_clauses(text: str, is_zh: bool) -> bool:
    """Verse or a refrain: short clauses in parallel (对酒当歌，人生几何; "love her, love her"), which end
    without a stop and are whole. zh: two or more clauses of 2-7 Han, two of them of one length;
    en: three or more phrases of at most 7 words, or the last one repeating an earlier one."""
    parts = _parts(text)
    if len(parts) < 2:
        return False
    if parts[-1] in parts[:-1]:
        return True
    if is_zh:
        sizes = [len(lang.HAN_RE.findall(p)) for p in parts]
        if not (all(2 <= n <= 7 for n in sizes) and sizes[-1] in sizes[:-1]):
            return False
        last = [w for w in zh.words(parts[-1]) if w.text.strip()]
        return not any(
            w.tag.startswith("u") or _ZH_PERSONAL.search(w.text) for w in last
        )  # a clause with a personal pronoun or a particle is prose (…百姓们都叫它)
    if any(_EN_PROSE_OPENER.match(p) for p in parts):
        return False
    sizes = [len(p.split()) for p in parts]
    last = parts[-1].split()[-1] if parts[-1].split() else ""
    return (
        len(parts) >= 3
        and all(n <= 7 for n in sizes)
        and last not in EN_FUNCTION
        and last not in _EN_DANGLING_END
        and last not in _EN_OPEN_WORDS
    )
