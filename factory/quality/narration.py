"""Narrator voice: the line tells the character from outside in the third person.

- narration around quoted speech in the third person (他/她/he/she), when the narration has no
  first person ("他低声说：「…」" but not "我父亲常说：「…」他走了。") and the pronoun is not someone
  else: another person named before it, or the character's own name after it in its sentence or in
  the quotation it introduces (binding: "He told them Wentworth was cruel", 他说：“拉拉，…”: a pronoun
  and a name of the same sentence are two people, so the pronoun is the one talking to or about the
  character);
- a speech line that is a stage direction (他/she + a verb, her cheeks + a verb; 只见他…) with no
  I/you anywhere;
- a reply that is nothing but a stage direction in the third person ("*She grabs the rifle.*",
  "（她猛地起身）"): no speech and no first person, so a narrator tells what the character does.
  Beside speech ("(She sighs.) The dust!") the same action is a script's stage direction and stays.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from factory.lang import HAN_RE, LANGUAGES, LATIN_RE, is_zh
from factory.quality import zh
from factory.quality.epithet import EN_IRREGULAR
from factory.quality.speaker_shape_zh import interjection_clause
from factory.quality.text import Segment

EN_AUX = (
    r"is|was|has|had|does|did|will|would|can|could|must|shall|should|may|might|never|always|"
    r"isn'?t|wasn'?t|doesn'?t|didn'?t|won'?t|can'?t|couldn'?t|hasn'?t|hadn'?t"
)
EN_VERB = rf"(?:{EN_AUX}|{EN_IRREGULAR}|[a-z]+ed|[a-z]*[^su'\W]s)"  # -s, not -ss / -us / -'s
EN_BODY = (
    r"heart|mind|eyes?|face|hands?|voice|thoughts|gaze|lips|brow|fingers|expression|jaw|cheeks|shoulders"
)
_ZH_THIRD = {"他", "她"}
# The narrator's "one sees / one hears" (只见他身形一晃): a pronoun after it is the narrated subject
_ZH_NARRATOR_OPENER = re.compile(r"^\s*(只见|但见|却见|只听|但听|却说|再看)")
_ZH_PERSON = re.compile(r"[我你您咱俺朕吾]")
_NARR_ZH = re.compile(r"他|她")
ZH_FIRST_RE = re.compile(r"[我朕吾咱俺]|本人|在下|老夫|本宫")
_EN_STAGE = re.compile(
    rf"^(?:(?:he|she)\s+(\w+ly\s+)?|(?:his|her)\s+(?:{EN_BODY})\s+)({EN_IRREGULAR}|[a-z]+ed|[a-z]*[^su'\W]s)\b",
    re.I,
)
# The present of having and being ("She has no French", "He is a brute"): a person described, which
# a speaker does of a rival; a stage direction shows an act ("She sighs", "He grabs the rifle")
_EN_STATIVE = frozenset({"has", "is", "knows", "owns", "lacks", "seems", "deserves", "wants", "needs"})
_EN_PERSON = re.compile(r"\b(I|I'm|I've|I'll|I'd|me|my|mine|myself|we|us|our|you|your|yours)\b", re.I)
EN_FIRST = re.compile(r"\b(I|I'm|I've|I'll|I'd|(?i:me|my|mine|myself|we|us|our))\b")
# Speech addressed to someone (a question, an exclamation, a name called): "He has written, Elinor!"
# tells the listener of a third person; a stage direction addresses no one
_EN_ADDRESSED = re.compile(r"[?!]|,\s*[A-Z][a-z]+\s*[.!?]")
# The speaker's own here and now ("He sleeps now, poor soul"): a narrator's scene is not pointed at
_EN_HERE_NOW = re.compile(r"\b(now|here|today|tonight)\b", re.I)
_NARR_EN = re.compile(r"\b(he|she|his|her|him)\b", re.I)
_SENTENCE_END = re.compile(r"[。！？!?\n]|[.;](?=\s|$)")
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|《[^》]*》|\"[^\"\n]*\"")
_EN_OTHER_SUBJECT = re.compile(rf"(?:^|[.!?]\s+|\s)([A-Z][a-z]+)\s+(?:\w+ly\s+)?(?:{EN_VERB})\b")
_EN_DETERMINED = re.compile(r"\b(?:the|a|an)\s+$", re.I)
_EN_NOT_NAME = frozenset({"The", "This", "That", "These", "Those", "It", "There", "Then", "And", "But", "So"})


def narrator_violation(
    text: str, segs: Sequence[Segment], names: frozenset[str], language: str | None
) -> tuple[str, str] | None:
    """(detail, span) of the first narrator-voice part of `text`, or None."""
    spoken = [s for s in segs if s.kind in ("speech", "narration")]
    if not spoken:
        return _lone_action(segs, language)
    speech_all = " ".join(s.text for s in spoken)
    narration = " ".join(s.text for s in spoken if s.kind == "narration")
    quotes = " ".join(s.text for s in spoken if s.kind == "speech")
    for seg in spoken:
        zh_ = is_zh_text(seg.text, language)
        if seg.kind == "narration":
            first = ZH_FIRST_RE if zh_ else EN_FIRST
            pron = (_NARR_ZH if zh_ else _NARR_EN).search(seg.text)
            if (
                pron
                and not first.search(narration)
                and not _other_antecedent(QUOTED.sub(mask, text[: seg.start + pron.start()]), names, zh_)
                and not _named_apart(seg.text[pron.end() :], quotes, names, zh_)
            ):
                return "narration outside the quoted speech", seg.text.strip()[:80]
        else:
            stage = _zh_stage(seg.text) if zh_ else _en_stage(seg.text)
            if (
                stage
                and not (_ZH_PERSON if zh_ else _EN_PERSON).search(speech_all)
                and not (not zh_ and (_EN_ADDRESSED.search(speech_all) or _EN_HERE_NOW.search(speech_all)))
                and not _named_apart(seg.text.strip()[1:], "", names, zh_)
            ):
                return "a third-person stage direction as speech", seg.text.strip()[:80]
    return None


def _en_stage(text: str) -> bool:
    """he / she (or their body) and a verb of an act opening the speech: a stage direction."""
    m = _EN_STAGE.match(text.strip())
    return bool(m) and m.group(2).lower() not in _EN_STATIVE


def _lone_action(segs: Sequence[Segment], language: str | None) -> tuple[str, str] | None:
    """A reply made only of actions, the first one told of 他/她/he/she with no I/you in any."""
    acts = [s for s in segs if s.kind == "action" and s.text.strip()]
    if not acts or any(s.kind not in ("action", "label") for s in segs):
        return None
    t = acts[0].text.strip()
    zh_ = is_zh_text(t, language)
    if any((_ZH_PERSON if zh_ else _EN_PERSON).search(s.text) for s in acts):
        return None
    if _zh_stage(t) if zh_ else _EN_STAGE.match(t):
        return "a reply that is only a stage direction in the third person", t[:80]
    return None


def _named_apart(after: str, quotes: str, names: frozenset[str], zh_: bool) -> bool:
    """The character's name follows the pronoun in its sentence, or is in the quotation the narration
    introduces: the pronoun is someone else (a name and a pronoun of one sentence are two people)."""
    end = _SENTENCE_END.search(after)
    scope = (after[: end.start()] if end else after) + " " + quotes
    if zh_:
        return any(n in scope for n in names if HAN_RE.search(n))
    return any(re.search(rf"\b{re.escape(n)}\b", scope) for n in names if not HAN_RE.search(n))


def _zh_stage(text: str) -> bool:
    """他/她 opening a line (after 只见, 但见…), then a predicate: a stage direction in the third person."""
    t = text.strip()
    opener = _ZH_NARRATOR_OPENER.match(t)
    if opener:
        t = t[opener.end() :]
        if t.startswith(tuple(_ZH_THIRD)):
            return True
    if not t.startswith(tuple(_ZH_THIRD)):
        return False
    ws = [w for w in zh.words(t) if w.text.strip()]
    if len(ws) < 2 or ws[0].text not in _ZH_THIRD or interjection_clause(t):
        return False  # ……唉，不说了: an interjection alone is the speaker's voice, no stage direction
    return ws[1].tag.startswith(("v", "d", "l", "i", "p", "a", "q", "z", "o"))  # z, o: 嘻嘻一笑, 哈哈一笑


def mask(m: re.Match) -> str:
    """A quoted span keeps its length, loses its words: a title or a headline names the character
    as other people do ("Madame Curie steals a husband", 《X传》), not the character itself."""
    return m.group(0)[0] + "…" * (len(m.group(0)) - 2) + m.group(0)[-1]


def _other_antecedent(before: str, names: frozenset[str], zh_: bool) -> bool:
    """Someone other than the character is named as a subject before the pronoun: 他/she is that one."""
    if zh_:
        return any(w.tag == "nr" and w.text not in names for w in zh.words(before))
    return any(
        m.group(1) not in _EN_NOT_NAME
        and m.group(1) not in names
        and not _EN_DETERMINED.search(before[: m.start(1)])  # "the Englishwoman": a description, no name
        for m in _EN_OTHER_SUBJECT.finditer(before)
    )


def is_zh_text(text: str, language: str | None) -> bool:
    if language in LANGUAGES:
        return is_zh(language)
    return bool(HAN_RE.search(text)) and len(HAN_RE.findall(text)) >= len(LATIN_RE.findall(text)) * 0.3
