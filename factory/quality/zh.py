"""Chinese words and parts of speech (jieba's posseg, offline), with the character's names known.

The self-name and truncation checks ask grammatical questions of a Chinese line — is the name
the subject of a clause, does the line stop on a word that needs a continuation — that a list of
example phrases cannot answer for lines it has not seen. jieba's HMM and dictionary (shipped in
the package) give words and ICTCLAS tags (v verb, d adverb, p preposition, c conjunction, r pronoun,
nr person name, x punctuation, ...). The character's names are added to jieba's dictionary (the
process-wide one; nothing else here uses jieba) at run time so that 黛玉 or 东坡居士 come out as one
`nr` word (东坡肉 stays a dish).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from factory.lang import has_han

CLAUSE_END = re.compile(r"[，,。！？!?；;：:\n…]+")
# Words of Chinese narration that frame a character's inner reaction from outside (X心想, X闻言,
# X不禁…): after the character's name they make it the subject of narration whatever the tagger
# makes of them (jieba tags 心想 a noun). A closed class of the narrative register, not example lines.
NARRATIVE_FRAME = frozenset(
    {
        "心想",
        "暗想",
        "心道",
        "暗道",
        "暗自",
        "不禁",
        "不觉",
        "闻言",
        "见状",
        "听罢",
        "听了",
        "听后",
        "心头",
        "心下",
        "暗暗",
    }
)
# Time words written with a demonstrative (jieba tags them r like 这个): after a name they open the
# predicate (东坡这时已喝得半醉), they do not point at the name (X这个号).
TIME_DEICTIC = frozenset(
    {"这时", "此时", "那时", "这时候", "那时候", "此刻", "这会儿", "那会儿", "当时", "彼时"}
)
# The character proclaiming its own presence (齐天大圣在此, 俺老孙来也): the name is its own herald.
SELF_PROCLAIM = frozenset({"在此", "来也", "到此", "驾到", "在这里", "在这儿", "在此处"})
# The speaker's relation to the people named (what the speaker calls them), a closed class of
# kinship and address: a narrator names people from outside (老者, 那女子), never as 师父 or 皇上.
ADDRESS_TERM = re.compile(
    r"父亲|母亲|爹|娘(?!子)|爷爷|奶奶|姐姐|妹妹|哥哥|弟弟|姐夫|嫂子|叔|婶|舅|姨|师父|师傅|师兄|师姐|师妹|师弟"
    r"|皇上|万岁|陛下|殿下|娘娘|主公|主子|老爷|夫人|大人|公子|姑娘|小姐|官人|相公|施主|客官|列位|诸位|各位|义父|义母"
)
# Words of the speaker's now with which a promise is made (小骨以后一定…, 陵容今日再唱一遍)
SPEAKER_NOW = frozenset(
    {"今日", "今天", "今儿", "今晚", "今夜", "以后", "往后", "日后", "从今以后", "从今往后", "这就", "现在"}
)
COMMITMENT = frozenset({"一定", "定", "必", "必定", "再", "要", "愿", "会", "就", "便"})
_NAME_FREQ = 200_000  # high enough that jieba keeps a name whole, low enough that a dictionary word wins
_lock = threading.Lock()


@dataclass(frozen=True)
class Word:
    text: str
    tag: str  # ICTCLAS tag; "x" for punctuation and spaces


@functools.cache
def _tokenizer():
    import jieba
    import jieba.posseg  # its module-level tagger: a second one would load the dictionary again (~3 s)

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.dt


_known: set[str] = set()
# The general dictionary's tag of each name before add_names made it `nr`: a name that the
# dictionary already knows as a plain noun (舰长, 师父) is a title or rank, not a proper name
_base_tag: dict[str, str | None] = {}


def add_names(names: Iterable[str]) -> None:
    """Teach the tokenizer the character's names (Han ones; once each)."""
    new = [n for n in names if n not in _known and has_han(n)]
    if not new:
        return
    tok = _tokenizer()
    with _lock:
        for n in new:
            _base_tag[n] = tok.word_tag_tab.get(n)
            tok.tokenizer.add_word(n, _NAME_FREQ, "nr")
            _known.add(n)
    _cut.cache_clear()


def dictionary_tag(word: str) -> str | None:
    """The general dictionary's tag of `word`, as it was before any name was added."""
    if word in _known:
        return _base_tag.get(word)
    return _tokenizer().word_tag_tab.get(word)


def is_title(name: str) -> bool:
    """Whether the character's name `name` is a common noun of the general dictionary (a rank or
    job: 舰长, 掌门), which the character holds rather than is called by (作为舰长 is its duty)."""
    return _base_tag.get(name) == "n"


@functools.lru_cache(maxsize=8192)
def _cut(text: str) -> tuple[Word, ...]:
    with _lock:
        return tuple(Word(w.word, w.flag) for w in _tokenizer().cut(text))


def words(text: str) -> list[Word]:
    return list(_cut(text))


def clauses(text: str) -> list[str]:
    """Pieces between commas, stops and colons (dashes and quotes do not end a clause)."""
    return [c for c in CLAUSE_END.split(text) if c.strip()]


def join_names(ws: list[Word], names: frozenset[str]) -> list[Word]:
    """The words with a name the tagger split (零 - 9 for 零-9) joined back into one name word."""
    out, i = [], 0
    while i < len(ws):
        text, found = ws[i].text, 0
        for j in range(i + 1, min(len(ws), i + 4)):
            text += ws[j].text
            if not any(n.startswith(text) for n in names):
                break
            if text in names:
                found = j - i
        if found:
            out.append(Word("".join(w.text for w in ws[i : i + found + 1]), "nr"))
            i += found + 1
        else:
            out.append(ws[i])
            i += 1
    return out
