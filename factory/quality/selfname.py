"""Is a line spoken from inside the character? The self-name check, as heuristics.

The field's test: replace every first-person 我 / I / me / my in the line with the character's
name; if the sentence still reads naturally, it was not spoken from inside the character. These
heuristics catch the shapes that test exposes, without a model:

- role_announce: "作为贝多芬，我…", "As Beethoven, I …", "以贝多芬的身份", "in character".
- third_person: the character's name as the subject of speech ("贝多芬觉得…", "Beethoven smiled"),
  unless the line is naming itself ("我叫贝多芬", "I am Beethoven", "they say Beethoven is mad").
- narrator: narration around quoted speech that speaks of 他/她/he/she or a speech verb
  ("他低声说：「…」"), or a speech line that is a stage direction in the third person
  ("He turns to the window." with no I/you anywhere).
Actions in （…） / *…* are exempt: describing the character from outside is what they are for.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from factory.quality.text import Segment, name_variants, segments

_ZH_PRED = (
    "觉得|认为|想着|想到|想|心想|说道|说|知道|明白|感到|感觉|看着|望着|看向|望向|走向|走到|走|站起|站|坐|"
    "笑着|笑了|微笑|笑|点头|摇头|低头|抬头|叹|皱眉|皱|沉默|停顿|转身|回答|回应|相信|希望|喜欢|讨厌|从不|"
    "从来|一直|总是|曾经|正在|已经|不会|不想|不能|不愿|是个|是一个|的心|的脸|的眼|的手|的声音|的目光|的内心")
_ZH_SELF_BEFORE = re.compile(r"(我叫|我是|我就是|我便是|叫我|称我|名叫|我乃|本人|在下|咱|我|说|认为|觉得|以为|称|骂|叫|喊)\s*$")
_EN_VERBS = (
    r"is|was|has|had|does|did|will|would|can|could|must|never|always|thinks?|thought|feels?|felt|knows?|"
    r"knew|believes?|believed|says?|said|smiles?|smiled|nods?|nodded|looks?|looked|turns?|turned|sighs?|"
    r"sighed|laughs?|laughed|walks?|walked|stands?|stood|sits?|sat|wants?|wanted|doesn'?t|didn'?t|won'?t|"
    r"isn'?t|wasn'?t|hates?|hated|loves?|loved|likes?|liked|wonders?|wondered|pauses?|paused|frowns?|"
    r"frowned|shrugs?|shrugged|replies|replied|answers?|answered|leans?|leaned|glances?|glanced|gazes?|"
    r"gazed|whispers?|whispered|murmurs?|murmured|raises?|raised|clenches|clenched|grins?|grinned")
_EN_BODY = r"heart|mind|eyes|face|hands|voice|thoughts|gaze|lips|brow|fingers|expression"
_EN_SELF_BEFORE = re.compile(
    r"(\b(i am|i'm|i’m|me|call me|named|name is|am|as|of|say|says|said|think|thinks|call|calls|called|that|"
    r"know|knows|the)\s*,?\s*)$", re.I)
_EN_SELF_AFTER = re.compile(r"^\s*(is my name|is me|here|speaking|at your service)\b", re.I)
_ZH_SELF_AFTER = re.compile(r"^(就是我|便是我|是我|本人|我)")

_ZH_STAGE = re.compile(
    r"^(他|她)(缓缓|慢慢|轻轻|默默|微微|静静|忽然|突然|猛地|不禁|又|再次|沉默片刻后?)?地?"
    r"(抬起|抬头|低下|低头|转身|转过|看着|望着|看向|望向|笑|微笑|点头|摇头|叹|皱|走|站|坐|握|拿起|放下|闭上|"
    r"睁开|沉默|停顿|说|开口|回答|喃喃|凝视|注视)")
_EN_STAGE = re.compile(
    r"^(he|she)\s+(\w+ly\s+)?(turns|looks|smiles|sighs|nods|shakes|walks|stands|sits|leans|glances|gazes|"
    r"frowns|shrugs|laughs|pauses|whispers|says|replies|murmurs|raises|lowers|closes|opens|takes|puts|picks|"
    r"steps|reaches|clenches|folds|crosses|stares|grins|chuckles|turned|looked|smiled|sighed|nodded|shook|"
    r"walked|stood|sat|leaned|glanced|gazed|frowned|shrugged|laughed|paused|whispered|said|replied|"
    r"murmured|raised|lowered|closed|opened|took|put|picked|stepped|reached|clenched|folded|crossed|stared|"
    r"grinned|chuckled)\b", re.I)
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2}")
_ZH_PERSON = re.compile(r"[我你您咱俺]")
_EN_PERSON = re.compile(r"\b(I|I'm|I've|I'll|I'd|me|my|mine|myself|we|us|our|you|your|yours)\b", re.I)
_NARR_ZH = re.compile(r"(他|她)|(说道|问道|答道|喊道|叹道|笑道|说：|道：|说:|道:)")
_NARR_EN = re.compile(r"\b(he|she|his|her|him)\b|\b(said|says|asked|asks|replied|replies|whispered|"
                      r"murmured|muttered|exclaimed)\b", re.I)


@dataclass(frozen=True)
class Violation:
    kind: str  # role_announce | third_person | narrator
    detail: str
    span: str


@functools.lru_cache(maxsize=256)
def _patterns(character: str, aliases: tuple[str, ...]) -> dict[str, re.Pattern]:
    names = name_variants(character, aliases)
    alt = "|".join(re.escape(n) for n in names)
    return {
        "announce_zh": re.compile(rf"(作为|身为|以)\s*({alt})\s*(本人|自己)?\s*(的身份|这个角色|的角色|[，,:：]|\s*我)"
                                  rf"|扮演\s*({alt})|(进入|保持|跳出)角色"),
        "announce_en": re.compile(
            rf"\bas (?:{alt})\s*,|\b(speaking|answering|responding|replying|acting|writing) as (?:{alt})\b"
            rf"|\b(i am|i'm|i’m) (playing|role-?playing|portraying) (?:{alt})\b|\b(?:{alt}) would (say|respond|reply)\b"
            rf"|\b(stay|staying|remain|break|breaking|out of) (in )?character\b|\bas the character\b"
            rf"|\brole-?play(ing)? as\b", re.I),
        "name_zh": re.compile(rf"({alt})(先生|大人|老师)?\s*({_ZH_PRED})"),
        "name_en": re.compile(rf"\b({alt})\b(?:\s+(?:\w+ly)\s+|\s+)(?i:({_EN_VERBS}))\b|\b({alt})['’]s (?i:{_EN_BODY})\b"),
    }


def _third_person(seg: Segment, pats: dict[str, re.Pattern], zh: bool) -> Violation | None:
    rx = pats["name_zh" if zh else "name_en"]
    for m in rx.finditer(seg.text):
        before = seg.text[:m.start()]
        if zh:
            if _ZH_SELF_BEFORE.search(before[-4:]) or _ZH_SELF_AFTER.match(seg.text[m.end(1):]):
                continue
        else:
            if _EN_SELF_BEFORE.search(before[-24:]) or _EN_SELF_AFTER.match(seg.text[m.end(1):]):
                continue
        return Violation("third_person", f"speaks of the character by name in a {seg.kind} part", m.group(0))
    return None


def self_name_violation(text: str, character: str, language: str | None = None,
                        aliases: tuple[str, ...] | list[str] = ()) -> Violation | None:
    """The first way `text` (one line of `character`) is not spoken from inside, or None.

    language "zh" / "en" picks the pattern set; None decides per segment by its script.
    """
    if not text or not character:
        return None
    pats = _patterns(character, tuple(aliases))
    segs = segments(text)
    spoken = [s for s in segs if s.kind in ("speech", "narration")]
    has_cjk, has_latin = bool(_CJK.search(text)), bool(_LATIN.search(text))
    for rx, needed in ((pats["announce_zh"], has_cjk), (pats["announce_en"], has_latin)):
        m = rx.search(text) if needed else None
        if m:
            return Violation("role_announce", "announces the role instead of speaking from it", m.group(0))
    for seg in spoken:
        zh = _is_zh(seg.text, language)
        found = _third_person(seg, pats, zh)
        if found:
            return found
    for seg in spoken:
        zh = _is_zh(seg.text, language)
        if seg.kind == "narration":
            m = (_NARR_ZH if zh else _NARR_EN).search(seg.text)
            if m:
                return Violation("narrator", "narration outside the quoted speech", seg.text.strip()[:80])
        else:
            m = (_ZH_STAGE if zh else _EN_STAGE).match(seg.text.strip())
            speech_all = " ".join(s.text for s in spoken)
            if m and not (_ZH_PERSON if zh else _EN_PERSON).search(speech_all):
                return Violation("narrator", "a third-person stage direction as speech", seg.text.strip()[:80])
    return None


def _is_zh(text: str, language: str | None) -> bool:
    if language in ("zh", "en"):
        return language == "zh"
    return bool(_CJK.search(text))
