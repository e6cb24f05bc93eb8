"""Is a line spoken from inside the character? The self-name check, without a model.

The field's test: replace every first-person 我 / I / me / my in the line with the character's
name; if the sentence still reads naturally, it was not spoken from inside the character. The
shapes that test exposes:

- role_announce: the role named as a role (factory/quality/role_announce.py).
- third_person: the character's name as the *subject of a clause*. Chinese is read with jieba's
  part-of-speech tagger (factory/quality/zh.py), the names added to its dictionary: a name that
  opens a clause and is followed by a predicate (anything but a pronoun, measure, particle or the
  end of the clause; 的 + noun + more) is a subject; one that follows a verb (我叫X, 人家叫我X, 都说X…), follows 我
  (我诸葛亮), is followed by a demonstrative or a measure (X这个号, X二字), or shares its clause
  with a first-person pronoun (X是我的笔名) is the character naming itself. English: the name
  followed by a verb form (auxiliary, -ed, -s, irregular past) or by a possessive body part,
  unless the words before it name or report ("I am", "call me", "they say", "that").
- narrator: the character told in the third person by a narrator (factory/quality/narration.py);
  English scene-setting prose with no speech in it (factory/quality/scene_en.py). The English
  name-as-subject exemptions for a speaker's own illeism are in factory/quality/illeism_en.py.
Actions in （…） / *…* may describe the character from outside by name or pronoun, as a script's
stage directions do; only an epithet as their actor ("（长老合掌）") is a narrator's prose
(factory/quality/action_voice.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from factory.lang import HAN_RE, character_names
from factory.lang.names import ZH_SELF_TERMS
from factory.quality import zh
from factory.quality.action_voice import epithet_action
from factory.quality.announce_zh import own_speech
from factory.quality.epithet import epithet_subject
from factory.quality.illeism_en import HEARSAY, narrated_despite_creed, spoken_name
from factory.quality.manner_zh import manner_after_speech
from factory.quality.mixed_en import narrated_tail
from factory.quality.narration import (
    EN_BODY,
    EN_FIRST,
    EN_VERB,
    QUOTED,
    ZH_FIRST_RE,
    is_zh_text,
    mask,
    narrator_violation,
)
from factory.quality.role_announce import announce_patterns
from factory.quality.role_frames import described_frame
from factory.quality.scene_action_en import scene_action
from factory.quality.scene_en import scene_narration
from factory.quality.scene_mixed_zh import (
    character_narrated_after_speech,
    scene_after_speech,
    speech_tag_after_speech,
    user_in_scene,
)
from factory.quality.scene_zh import scene_narration as scene_narration_zh
from factory.quality.speech_then_past_en import speech_then_past
from factory.quality.stage_third_zh import third_person_stage
from factory.quality.text import Segment, segments
from factory.quality.title_epithet_zh import title_epithet

# Chinese: tags (ICTCLAS) after a clause-opening name that make it no subject (a demonstrative, a
# measure, a particle, punctuation), and those that may stand before the subject in its clause
# (conjunction, adverb, time word).
_ZH_NOT_PREDICATE = ("r", "x", "m", "q", "y", "e", "u", "w")  # X这个号, X二字, X啊
_ZH_BEFORE_SUBJECT = ("c", "d", "t")
_ZH_PREDICATE = ("v", "d", "a", "p", "l", "i", "z")
_ZH_FIRST = {"我", "我们", "咱们", "余", *ZH_SELF_TERMS}
_ZH_COUNT = re.compile(r"[一二三四五六七八九十两百千\d]+[个]?")
_ZH_POINTING = frozenset({"这个", "这", "那个", "那"})
# Person nouns a demonstrative turns into "that person" (X这个人, X这丫头): a closed class
_ZH_PERSON_HEAD = frozenset({"人", "家伙", "丫头", "小子", "女人", "男人", "老头", "孩子", "东西", "货"})
_ZH_PERSON_ANY = re.compile(r"[我你您咱俺朕吾他她]|本人|在下|老夫|本宫")
_ZH_FAME = re.compile(r"^(?:之|的)(?:名|名号|名声|大名|威名|美名|盛名|名头)(?!字)")
_ZH_SPEAKER_ANY = re.compile(r"[我你您咱俺朕吾]|本人|在下|老夫|本宫")  # first and second person only
# A name called twice around an interjection (X啊X, X呀X): the lament's vocative
_ZH_NAME_CALLED = re.compile(r"(.{1,4})[啊呀哇哟](\1)")
_ZH_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")

_EN_SELF_BEFORE = re.compile(
    r"(\b(i am|i'm|i’m|me|call me|named|name is|am|as|of|say|says|said|think|thinks|call|calls|called|that|"
    r"know|knows|the|write|writes|wrote|tell|tells|told)\s*,?\s*)$",
    re.I,
)
_EN_CAPS_BEFORE = re.compile(
    r"(?:\b(?:Mr|Mrs|Miss|Ms|Dr|Count|Captain|Prince|Madame|Sir|Lady|[A-Z][a-z]+)\.?\s+)+$"
)
# A reporting verb shortly before the name: what follows is someone's words about the character
_EN_REPORTED = re.compile(
    r"\b(said|says|say|told|tell|tells|wrote|write|writes|thought|think|thinks|believed?|believes|claimed?"
    r"|claims|whispered?|whispers|swore|swear|heard|hear|insisted|declared|announced|printed|reported|knew)"
    r"\b(\s+[\w'’]+){0,2}\s*,?\s*$",
    re.I,
)
_EN_VOCATIVE = re.compile(
    r",\s*(?:[A-Z][a-z]+|(?i:man|sir|madam|ma'am|boy|lad|friend|old sport|darling|dear|sweetheart|kid|child|girl|love|my (dear|friend|boy|girl|lad|lady|lord|love)))\s*(?:[,.!?;—]|$)"
)
_EN_NEG_QUANT = re.compile(
    r"^\s+((to|for|of|before|from|with|at|on)\s+)?(no|nothing|nobody|none|no one|naught|nought)\b", re.I
)
_EN_SELF_AFTER = re.compile(r"^\s*(is my name|is me|here|speaking|at your service)\b", re.I)
# The auxiliaries of a habit or a creed (X never forgets, X doesn't do apologies), not a narrated event
_EN_PRESENT = re.compile(r"does|doesn'?t|don'?t|never|always|can'?t|won'?t|will", re.I)
_EN_NOT_VERB_AFTER = re.compile(
    r"^\s+(are|were|have|of)\b", re.I
)  # "Beethoven sonatas are ...": a plural noun


@dataclass(frozen=True)
class Violation:
    kind: str  # role_announce | third_person | narrator
    detail: str
    span: str


# A reference book's life dates after the name, "X (1702–1771) was …": the entry's register, never speech
_LIFE_DATES = r"(?:\s*\((?:born |b\. |c\. |ca\. |d\. )?\d{3,4}\s*(?:[–—-]\s*(?:c\. )?\d{0,4})?\))?"


@functools.lru_cache(maxsize=256)
def _patterns(character: str, aliases: tuple[str, ...]) -> dict:
    names = character_names(character, aliases, mentions=True)
    zh.add_names(names)
    alt = "|".join(re.escape(n) for n in names)
    return {
        "names": frozenset(names),
        **announce_patterns(alt),
        # "Elizabeth, hearing this, could not…", "Beethoven, deaf and ailing, continued…": the name opens
        # the sentence, an aside follows, then a verb — narration about the character
        "name_en_appositive": re.compile(
            rf"(?:^|[.!?]\s+)(?:{alt}),\s(?!you\b|I\b)[^.!?;]{{2,60}}?,\s+(?:\w+ly\s+)?(?:{EN_VERB}|could|went|began)\b"
        ),
        "name_en": re.compile(
            rf"\b({alt})\b{_LIFE_DATES}(?:\s+(?:\w+ly)\s+|\s+)({EN_VERB})\b|\b({alt})['’]s (?:\w+ )?(?:{EN_BODY})\b"
        ),
    }


# The speaker's own life as the topic (a proximal deictic: 此生, 今生, not the encyclopedia's 一生), and a
# humbling copula (不过是个寻常女子, 只是一介书生): illeism in a vow or in modesty
_ZH_OWN_LIFE = frozenset({"此生", "今生", "今世", "这辈子", "这一生", "此番", "今番"})
_ZH_HUMBLE = re.compile(
    r"(不过|只是|无非|只不过|原不过|本是|乃)(是)?(个|一个|一介)?(寻常|普通|平凡|区区|一介|小小|凡|俗|粗|弱)"
)


# Suffixes that make a name the name of a thing (a ship or plane 号, a vessel 舰 / 轮, a shop 堂 / 记 / 斋)
_ZH_THING_SUFFIX = frozenset({"号", "舰", "轮", "堂", "记", "斋", "牌", "馆"})


def _zh_subject(text: str, names: frozenset[str]) -> str | None:
    """The clause of `text` whose subject is one of `names`, or None."""
    if not any(n in text for n in names):
        return None  # the tagger runs only on lines that name the character
    if _zh_vocative_opening(text):
        return None  # 师父，小骨以后…: illeism said to someone in the scene, not narration
    sentences = _ZH_SENTENCE.findall(text)
    for i, sentence in enumerate(sentences):
        if sentence.rstrip().endswith(("！", "!")):
            continue  # an exclamation: illeism in a vow or a boast (…，X枉为男儿！), not narration
        if sentence.rstrip().endswith(("？", "?")) and ZH_FIRST_RE.search("".join(sentences[i + 1 :])):
            continue  # X是谁？…就是我: the speaker asks about its own name and answers as 我
        prev_last = None
        parts = zh.clauses(sentence)
        tagged = [[w for w in zh.words(c) if w.text.strip()] for c in parts]
        for k, ws in enumerate(tagged):
            if k and ZH_FIRST_RE.search("".join(parts[:k])):
                break  # 哥哥要我做什么，X都去做: the sentence already spoke as 我, the name is illeism
            twice = _ZH_NAME_CALLED.fullmatch(parts[k].strip())
            if twice and twice.group(1) in names:
                prev_last = ws[-1].text if ws else None
                continue  # 建民啊建民: the name called twice with 啊, a vocative (to oneself), no subject
            verdict = _zh_clause_subject(ws, names, prev_last)
            if not verdict and _zh_pointed_topic(ws, names) and not _ZH_SPEAKER_ANY.search(sentence):
                # X这人吧，…他都要…: the person pointed at, then picked up by 他 — about X, from outside
                verdict = any(w.tag.startswith(_ZH_PREDICATE) for later in tagged[k + 1 :] for w in later)
            if verdict is None and not _ZH_SPEAKER_ANY.search(sentence):
                # the name with only nouns after it: a topic whose comment follows in the next
                # clauses of the sentence (苏轼一生宦海沉浮，却始终…), in a sentence addressed to no one;
                # a later 他/她 picks the name up from outside (X…，他不想…), it speaks for no one
                verdict = any(w.tag.startswith(_ZH_PREDICATE) for later in tagged[k + 1 :] for w in later)
            if verdict and _zh_promise(ws, names):
                verdict = False  # 陵容今日再唱一遍: the name makes a promise in the speaker's now
            if verdict:
                return parts[k].strip()
            prev_last = ws[-1].text if ws else None
    return None


def _zh_pointed_topic(ws: list[zh.Word], names: frozenset[str]) -> bool:
    """The clause opens on the name and a demonstrative person noun (X这人, X那家伙) or the name's
    renown (X之名, X的威名): a topic. X的名字 stays the name as a word."""
    ws = zh.join_names(ws, names)
    if len(ws) < 2 or ws[0].text not in names:
        return False
    after = "".join(w.text for w in ws[1:4])  # the tagger may glue 这人 into one word
    if _ZH_FAME.match(after):
        return True  # X之名，响彻…: the name's renown as the topic, spread among others
    return any(after.startswith(p + h) for p in _ZH_POINTING for h in _ZH_PERSON_HEAD)


def _zh_vocative_opening(text: str) -> bool:
    """The line opens by calling the listener (师父，…, 姐姐，…): a term of address alone before the
    first comma, so what follows is said to that person."""
    first = zh.clauses(text)[0].strip() if zh.clauses(text) else ""
    return bool(first) and bool(zh.ADDRESS_TERM.fullmatch(first)) and text.strip()[len(first) :][:1] in "，,"


def _zh_promise(ws: list[zh.Word], names: frozenset[str]) -> bool:
    """The name, then a word of the speaker's now (今日, 以后), then a word of commitment (一定, 再)."""
    for i, w in enumerate(ws[:-2]):
        if w.text in names and ws[i + 1].text in zh.SPEAKER_NOW and ws[i + 2].text in zh.COMMITMENT:
            return True
    return False


def _zh_clause_subject(ws: list[zh.Word], names: frozenset[str], prev_last: str | None) -> bool | None:
    """True: a name is the clause's subject; False: it is not; None: a name opens it, only nouns follow."""
    ws = zh.join_names(ws, names)
    if any(w.text in _ZH_FIRST for w in ws):
        return False  # "鲁迅是我的笔名", "我诸葛亮岂能…": the character speaks of its name
    i = 0
    while i < len(ws) and ws[i].text not in names and ws[i].tag.startswith(_ZH_BEFORE_SUBJECT):
        i += 1  # 当年 / 其实 / 而 may open the clause before its subject
    if i + 1 < len(ws) and ws[i].text in ("这", "那") and ws[i + 1].text in names:
        i += 1  # 那X拔出宝刀: a demonstrative points at the name from outside, as a narrator does
    if i == len(ws) or ws[i].text not in names or ws[i].text == prev_last:
        return False  # no name opens the clause, or it is picked up from the clause before (称卧龙，卧龙…)
    rest = ws[i + 1 :]
    if rest and rest[0].text in _ZH_THING_SUFFIX:
        return False  # 飞燕号请求起飞, 春和堂: the name given to a plane, a ship or a shop, not the person
    if rest and (rest[0].tag.startswith(("s", "f")) or rest[0].text in zh.NARRATIVE_FRAME):
        return True  # X心中 / X心想 / X闻言: the inside of the character, seen from outside
    if len(rest) > 1 and rest[0].tag == "n" and rest[1].text in names:
        return True  # X原名Y, X字Y: an encyclopedia's apposition
    if rest and (rest[0].text in _ZH_OWN_LIFE or _ZH_HUMBLE.match("".join(w.text for w in rest[:4]))):
        return False  # 素贞此生只愿…, 宝钗不过是个寻常女子: a vow or modesty, the self-naming of speech
    if len(rest) > 1 and rest[0].text in _ZH_POINTING and rest[1].text in _ZH_PERSON_HEAD:
        # X这个人 / X这家伙: the person pointed at from outside is the topic (X这个名字 stays a word)
        rest = rest[2:]
        return True if any(w.tag.startswith(_ZH_PREDICATE) for w in rest) else None
    # X二字, X三个字, X三兄弟: a numeral (and its measure) makes a phrase about the name, the name used
    # as a word (not 一生, a span of time)
    counted = bool(rest) and rest[0].tag.startswith(("m", "q")) and _ZH_COUNT.fullmatch(rest[0].text)
    for _ in range(2):  # a title or a span of time between: X先生…, X一生…
        if len(rest) > 1 and rest[0].tag in ("n", "m", "t") and rest[0].text not in names:
            if rest[1].text == "得":
                return True  # X气得跺脚: a word before the complement 得 is a verb, whatever its tag
            rest = rest[1:]
    if not rest:
        return False  # the name alone: a vocative or an answer ("孔明。")
    nxt = rest[0]
    if nxt.text == "的":
        return len(rest) > 2 and rest[1].tag.startswith(("n", "s"))  # X的眼圈又红了, X的心里… (not: X的诗)
    if nxt.text in zh.TIME_DEICTIC and len(rest) > 1:
        rest = rest[1:]  # X这时已…: a time word, not a demonstrative of the name
        nxt = rest[0]
    if "".join(w.text for w in rest[:2]) in zh.SELF_PROCLAIM:
        return False  # 齐天大圣在此, X来也: the character announcing its own arrival
    if nxt.text in names or nxt.tag.startswith(_ZH_NOT_PREDICATE):
        return False
    if any(w.tag.startswith(_ZH_PREDICATE) for w in rest):
        return True
    return (
        False if counted else None
    )  # only nouns: a noun phrase (X文集), or a topic whose comment comes later


def _third_person(seg: Segment, pats: dict, is_zh: bool) -> Violation | None:
    if is_zh:
        clause = _zh_subject(seg.text, pats["names"])
        if clause:
            return Violation(
                "third_person",
                f"the character's name is the subject of a clause in a {seg.kind} part",
                clause[:80],
            )
        return None
    for m in pats["name_en"].finditer(seg.text):
        before = _EN_CAPS_BEFORE.sub("", seg.text[: m.start()])  # the whole name: "Eliza Bennet was"
        name_end = m.end(1) if m.group(1) else m.end(3)
        if _EN_SELF_BEFORE.search(before[-24:]) or _EN_SELF_AFTER.match(seg.text[name_end:]):
            continue
        if _EN_REPORTED.search(before):
            continue  # "Mrs. Reed told everyone Jane was…": the name inside reported speech
        if spoken_name(seg.text, before, name_end):
            continue  # hearsay answered, an echo question, "a <Name>", "All right, X…" (illeism_en.py)
        if m.group(2) and m.group(2).endswith("s") and _EN_NOT_VERB_AFTER.match(seg.text[m.end(2) :]):
            continue
        if _EN_VOCATIVE.search(seg.text):
            continue  # "Ahab is Ahab, man!": illeism spoken to someone in the scene, not narration
        if (
            m.group(2)
            and _EN_NEG_QUANT.match(seg.text[m.end(2) :])
            and not narrated_despite_creed(seg.text, m.group(2), m.end(2))
        ):
            continue  # "X fears no man", "X is no name": a creed or a boast in the present, illeism
        if m.group(2) and _EN_PRESENT.fullmatch(m.group(2)) and EN_FIRST.search(seg.text, m.end()):
            continue  # "Tony Stark doesn't do apologies. Kidding. I do them badly": illeism, then I
        return Violation("third_person", f"speaks of the character by name in a {seg.kind} part", m.group(0))
    m = pats["name_en_appositive"].search(seg.text)
    if (
        m
        and not _EN_VOCATIVE.search(seg.text)
        and not EN_FIRST.search(seg.text)
        and not HEARSAY.search(seg.text)
    ):
        return Violation(
            "third_person", f"the character's name opens a narrated sentence in a {seg.kind} part", m.group(0)
        )
    return None


def _identity_contrast(text: str, m: re.Match, names: frozenset[str]) -> bool:
    """ "As Peter, I get detention" after "When I'm Spider-Man, …": the speaker sets two of its own names
    against each other (a double life, a title and a person), which no announcement of a role does."""
    said = m.group(0)
    if not said.lower().startswith("as "):
        return False
    other = [n for n in names if n not in said and not any(n in o or o in n for o in names if o in said)]
    return any(
        re.search(rf"\b(I'm|I am|I was|I'm just|as)\s+(?:the\s+)?{re.escape(n)}\b", text, re.I) for n in other
    )


def self_name_violation(
    text: str, character: str, language: str | None = None, aliases: tuple[str, ...] | list[str] = ()
) -> Violation | None:
    """The first way `text` (one line of `character`) is not spoken from inside, or None.

    language "zh" / "en" picks the pattern set; None decides per segment by its script.
    """
    if not text or not character:
        return None
    pats = _patterns(character, tuple(aliases))
    segs = segments(text)
    spoken = [s for s in segs if s.kind in ("speech", "narration")]
    has_cjk, has_latin = bool(HAN_RE.search(text)), bool(re.search(r"[A-Za-z]{2}", text))
    for rx, needed in ((pats["announce_zh"], has_cjk), (pats["announce_en"], has_latin)):
        found = rx.finditer(text) if needed else ()
        if rx is pats["announce_zh"]:  # 身为舰长，我…: the office held; 把X切到…模式: a thing switched
            found = (m for m in found if not own_speech(text, m, pats["names"], character))
        m = next(iter(found), None)
        if m and not _identity_contrast(text, m, pats["names"]):
            return Violation("role_announce", "announces the role instead of speaking from it", m.group(0))
    frame = described_frame(text, pats["names"], language, has_latin, has_cjk)
    if frame:  # by a description or as a part played (role_frames.py)
        return Violation("role_announce", *frame)
    # the character's names that are a title it holds (舰长), never a part of its own name (星河)
    titles = frozenset(n for n in pats["names"] if zh.is_title(n) and n not in character)
    for seg in segs:
        actor = (
            epithet_action(seg.text, pats["names"], is_zh_text(seg.text, language), titles)
            if seg.kind == "action"
            else None
        )
        if actor:
            return Violation("narrator", "a stage direction whose actor is a descriptive epithet", actor)
    quoted = any(s.kind == "narration" for s in spoken)  # then every speech segment is a quotation
    for seg in spoken:
        if quoted and seg.kind == "speech":
            continue  # 「…木兰当户织」，唱的就是我: other people's words about the character
        unquoted = Segment(seg.kind, QUOTED.sub(mask, seg.text), seg.start)
        found = _third_person(unquoted, pats, is_zh_text(seg.text, language))
        if found:
            return found
    first = spoken[0] if spoken else None
    titled = (
        title_epithet(first.text, pats["names"], character)
        if first and is_zh_text(first.text, language)
        else None
    )
    if titled:
        return Violation("third_person", "the character described under its own title", titled)
    if first is not None and first.kind == "narration" or len(spoken) == 1:
        framed = spoken[0].kind == "narration" and len(spoken) > 1
        told = epithet_subject(spoken[0].text, is_zh_text(spoken[0].text, language), framed=framed)
        later = " ".join(s.text for s in spoken[1:] if s.kind == "narration")
        if told and framed and (ZH_FIRST_RE if is_zh_text(later, language) else EN_FIRST).search(later):
            told = None  # 'The Spanish captain cried "¡Piedad!" and I showed him none': I tell of someone
        if told:
            return Violation(
                "narrator", "a descriptive epithet for the character as the narrated subject", told
            )
    narr = narrator_violation(text, segs, pats["names"], language)
    if narr is None and not is_zh_text(text, language):
        narr = (
            scene_narration(segs, pats["names"]) or narrated_tail(segs, pats["names"]) or scene_action(segs)
        )
        told = None if narr else speech_then_past(text)  # "Here, drink this. She pressed …"
        narr = ("speech, then the speaker's actions told in the past", told) if told else narr
    elif narr is None:
        names = pats["names"]
        scene = (
            scene_narration_zh(text, names)
            or scene_after_speech(text, names)
            or user_in_scene(text, names)
            or speech_tag_after_speech(text)
            or character_narrated_after_speech(text)
            or manner_after_speech(text)
            or third_person_stage(text)
        )
        narr = ("an outside narrator's scene: no speaker, depicted actions", scene) if scene else None
    return Violation("narrator", *narr) if narr else None
