"""Second-person narration: the character's line tells what the user does, feels or says.

A character talks *to* the user ("你别怕", "You think I'd cheat you?"); a line that narrates the
user ("你吓得腿一软，扑通一声跪了下来", "You tremble as you step across the threshold") takes the
user's turn. The difference is grammatical, not lexical, and this module reads it from structure:

- Chinese (jieba's tags): a declarative sentence opened by 你/您 whose verbs carry the marks of
  narration — aspect 了 inside the sentence (not the sentence-final 了 of a remark: 你长高了),
  the result complement V得, a reduplicated verb (点点头, 想了想), a sudden change 一+V/A (一暖,
  一软), a place of the body or mind (心里, 手中). Two marks make narration; one is how a remark
  sounds (你猜得没错, 你心里清楚).
- English: a sentence opened by "You" / "Your <body part>" with a bare present verb (not an
  auxiliary, modal or verb of thinking) that goes on like narration — "and <verb>", "as …", a
  manner adverb, a verb of bodily reaction — and is no question, exclamation or address ("…, lad").
Both also take the reporting frame before a quote ("你连忙拱手说：", "You laugh and say,").
"""

from __future__ import annotations

import re

from factory.quality import zh
from factory.quality.mixed_en import main_clause, past_told_back, tells_for_user, user_adjunct, user_turn
from factory.quality.second_person_zh import STORY_NEXT, before_report, felt_on_body, own_clauses, told_marks
from factory.quality.user_inner_en import inner_told
from factory.quality.user_turn_en import (
    generic_you,
    instruction_of_use,
    passive_reaction,
    say_frame,
    self_turn,
)

_ZH_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
# 你 opening the sentence, or after a connective that moves a story on (于是你…, 然后你…)
# (the classical 君 and 汝 too, when the tagger keeps them a word of their own: not 君子, 汝等)
_ZH_OPEN = re.compile(rf"^\s*(?:[（(]?\s*)?(?:{STORY_NEXT})?(你|您|君|汝)(?!们)")
_ZH_YOU = ("你", "您", "君", "汝")
# A guess, question, request, condition or future: talk to the user, not narration of the user
_ZH_NOT_NARRATION = re.compile(
    r"[？?吧吗呢]|一定|肯定|是不是|也许|大概|要(?!了)|别|会|可以|请(?!求|教|示)|如果|若|要是|倘若|假如|可曾|难道|得了|莫"
    r"|不必|不用|何必|只管|尽管|准是|八成|多半|想必|怕是|兴许"
    # going somewhere to try a thing (去看看, 来尝尝): the tentative of an invitation
    r"|[去来]([\u4e00-\u9fff])\1(?=[，,。！!？?]|$)"
)
_ZH_REPORT = re.compile(r"^\s*(你|您)[^。！？「“\n]{1,30}?(?:(说|道|问|答|喊|叫|吟)道?|了)[：:]\s*$")
_REDUP = re.compile(r"^(.)\1|^(.)了\2$|^(.)一\3$")
_ZH_BODY = frozenset({"s", "f"})
# Measure words: 一遍, 一次, 一声 count an action (你再说一遍试试), they are not a sudden change (一暖, 一软)
_MEASURE = frozenset("遍次回趟声句下眼口个番阵把顿步")
# Adverbs that sequence events in a story (the closed class of narration, not of talk to someone)
_ZH_SEQUENCE = frozenset(
    {
        "果然",
        "顿时",
        "登时",
        "霎时",
        "随即",
        "忍不住",
        "不由得",
        "不由",
        "连忙",
        "赶忙",
        "立刻",
        "立时",
        "终于",
        # the narrator knowing how the user acts unseen or how long: 默默跟着, 沉默良久, 不由自主
        "默默",
        "悄悄",
        "良久",
        "不由自主",
    }
)
# Adverbs made with 一 that say how, not that something suddenly changed
_ZH_PLAIN_YI = frozenset(
    {
        "一直",
        "一起",
        "一向",
        "一再",
        "一概",
        "一律",
        "一共",
        "一同",
        "一齐",
        "一道",
        "一块",
        "一定",
        "一味",
        "一旦",
        "一度",
        "一时",
        "一般",
        "一经",
        "一边",
        "一贯",
        "一心",
        "一样",
        "一并",
        "一早",
        "一下",
        "一面",
    }
)

_EN_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")
_EN_OPEN = re.compile(
    r"^\s*(?:you|ye|thou|your (?:hands?|eyes|cheeks|face|heart|voice|knees|legs|fingers|breath|lips)) "
    r"(?:\w+ly |now |then |at once )?(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.I,
)
# What may come before the subject of a narrated sentence: "And" carrying the story on, and after
# the subject a vocative in apposition ("And you, my dear client, now tell …"); not "Then you …",
# which opens a consequence or the next step of an instruction ("Then you stay close")
_EN_LEAD = re.compile(r"^\s*and\s+(?=(?:you|ye|thou)\b)", re.I)
_EN_APPOSED = re.compile(r"^(\s*(?:you|ye|thou)),\s*[^,.!?;]{1,30},\s*", re.I)
# Archaic second person singular: "thou tremblest", "thou sayest" (the verb without -est is the stem)
_EN_THOU_VERB = re.compile(r"^(?P<stem>[a-z]{3,}?)e?st$|^(?P<stem2>[a-z]{3,}?)eth$")
# Verbs of assent and submission: "You agree …", "Ye yield …" narrate the user's decision
_ASSENT_VERBS = (
    "agree agrees consent consents obey obeys comply complies relent relents yield yields surrender "
)
_ASSENT_VERBS += "surrenders submit submits"
_EN_ASSENT_VERB = frozenset(_ASSENT_VERBS.split())
# An ultimatum or a rule ("…, or you don't walk at all"): a disjunction is no event that happened
_EN_DISJUNCTION = re.compile(r"\bor (?:else|you|ye|thou)\b", re.I)
# A free participial adjunct after the verb ("…, clutching your purse"), the way a story goes on
_EN_ADJUNCT = re.compile(r",\s*(?:too \w+ to \w+|\w{3,}ing)\b", re.I)
# The user's compliance told in a clause of its own: "…, which you gladly do", "and you meekly obey"
_EN_COMPLY = re.compile(
    r"\b(?:which|and|then)\s+(?:you|ye|thou)\s+(?:gladly|willingly|meekly|obediently|dutifully|eagerly|"
    r"reluctantly|happily|promptly|sheepishly|humbly|readily)\s+[a-z]+",
    re.I,
)
# The character's guess about the user, said as a guess ("You blush, I daresay"): no narration
_EN_GUESS = re.compile(
    r"\b(?:I (?:know|bet|suppose|expect|imagine|daresay|reckon|wager|think)|I'm sure|surely|perhaps|maybe|"
    r"probably|no doubt)\b",
    re.I,
)
# An involuntary reaction told for the user: "You can't help smiling", "You cannot help but blush"
_EN_CANT_HELP = re.compile(
    r"^\s*(?:you|ye|thou) (?:can't|cannot|can not|couldn't|could not) help (?:but )?(?P<verb>[a-z]+)\b", re.I
)
# The story's sequencer before "you said": the character telling the user's lines in a story
# ("Then you said, …"), not quoting them back to the user ("You said, …", "But you said …")
_EN_TOLD_SAY = re.compile(
    r"^\s*(?:and\s+)?then\s+(?:you|ye|thou)\s+(?:\w+\s+){0,3}?(?:said|say|says|sayest|asked|replied|cried)"
    r"\b[,:]?\s*$",
    re.I,
)
# Auxiliaries, modals, be/have and verbs of thinking or seeming: "You are…", "You think…", "You look like…"
_NOT_VERBS = (
    "are were was be been is am have has had do does did will would shall should can could may might must "
    "ought need dare never always really just think know believe mean guess suppose look seem sound "
    "appear want wish like love hate remind make owe deserve understand see say said tell told ask asked "
    "call called fool idiot there lot two all "
    "art wast wert hast hadst hath dost doth didst shalt wilt canst couldst wouldst shouldst mayst mightst"
)
_EN_NOT_NARRATIVE_VERB = frozenset(_NOT_VERBS.split())
# Verbs of bodily reaction and movement: with one of them, "You <verb> …" narrates the user at once
_BODY_VERBS = (
    "nod nods shake shakes tremble trembles gasp gasps blush blushes grip grips laugh laughs smile smiles "
    "sigh sighs frown frowns shiver shivers step steps lean leans reach reaches stare stares glance glances "
    "hesitate hesitates swallow swallows flinch flinches wince winces grin grins shrug shrugs bow bows kneel "
    "kneels clench clenches raise raises lower lowers feel feels gulp gulps stumble stumbles freeze freezes "
    "turn turns blink blinks recoil recoils bite bites pale pales shudder shudders cringe cringes squirm squirms "
    "sob sobs weep weeps"
)
_EN_BODY_VERB = frozenset(_BODY_VERBS.split())
# A second bare verb chained on (…and say nothing): a sequence of the user's actions
_EN_CHAINED = re.compile(r"\band (?!(I|we|you|he|she|they|it|that|this|the|a|an|my|your)\b)[a-z]+\b", re.I)
_EN_GOES_ON = re.compile(r"\b(and|as|while|then) (you |your )?[a-z]+\b|\b\w+ly\b", re.I)
_EN_ADDRESS = re.compile(
    r",\s*(?:[A-Z][a-z]+|(?i:lad|lass|boy|girl|sir|madam|ma'am|man|friend|child|dear|darling|my \w+))\s*[,.!?;—]?\s*$"
)
# A comparison or a habit is a remark about the user ("You walk in as if you own the place")
# ("every" counts times, "every time", "every morning"; "every head turns" is a subject, no habit)
_EN_NOT_EVENT = re.compile(
    r"\bas (if|though)\b|\b(always|never|often|usually|sometimes|whenever|each time)\b"
    r"|\bevery(?:\s+single)?\s+(?:time|day|night|morning|evening|week|month|year|hour|minute|season|\w+day)\b",
    re.I,
)
_EN_REPORT = re.compile(
    r"^\s*you\s+[^.!?\"“\n]{2,40}?\b(say|said|ask|asked|reply|replied|whisper|cry)\b[,:]?\s*$", re.I
)


def narrates_user(text: str, language: str, narration: bool = False) -> str | None:
    """The sentence of `text` (one speech or narration segment) that narrates the user, or None."""
    if re.search(r"[\u4e00-\u9fff]", text) and language.startswith("zh"):
        return _zh(text, narration)
    if not language.startswith("zh"):
        return _en(text, narration)
    return None


def _zh(text: str, narration: bool) -> str | None:
    if narration and _ZH_REPORT.match(text):
        return text.strip()[:80]
    for sentence in _ZH_SENTENCE.findall(text):
        if not _ZH_OPEN.match(sentence) or _talk_cue(before_report(sentence)):
            continue
        ws = [w for w in zh.words(sentence) if w.text.strip()]
        at = next((i for i, w in enumerate(ws) if w.text in _ZH_YOU), None)
        if at is None:
            continue  # 君子, 汝等: the character was no pronoun of its own
        ws = ws[at:]
        if len(ws) > 2 and ws[1].text in ("这", "那") and ws[2].tag.startswith("n"):
            continue  # 你这字写得…: the listener's thing pointed at and judged, a remark to the user
        ws = own_clauses(ws)
        marks = told_marks(sentence, ws)
        for k, w in enumerate(ws[1:], 1):
            nxt = ws[k + 1] if k + 1 < len(ws) else None
            if w.text == "了" and nxt is not None and nxt.tag != "x":
                marks += 1  # aspect 了 inside the sentence (跪了下来), not the final 了 of a remark
            elif w.tag == "ud" and k > 1 and (ws[k - 1].tag.startswith("v") or felt_on_body(ws, k)):
                marks += 1  # 吓得…: a result complement; 紧张得手心冒汗: a feeling shown on the body
            elif (
                w.tag.startswith("v")
                and len(w.text) >= 2
                and _REDUP.match(w.text)
                and not (len(w.text) == 2 and k == 1 and nxt is not None and nxt.tag == "x")
            ):
                marks += 1  # 点点头, 看了看 (not the tentative imperative 你看看，…)
            elif w.tag.startswith("v") and nxt is not None and nxt.text == "了" and k + 2 < len(ws):
                if ws[k + 2].text == w.text:
                    marks += 1  # 想了想
            elif (
                w.text.startswith("一")
                and len(w.text) == 2
                and w.tag in ("a", "v", "m")
                and k > 1
                and w.text[1] not in _MEASURE
            ):
                marks += 1  # 一暖, 一软: a sudden change
            elif w.tag in _ZH_BODY and k == 1:
                marks += 1  # 你心里…, 你手中…
            elif w.text in _ZH_SEQUENCE or w.text in zh.NARRATIVE_FRAME:
                marks += 1  # 果然, 顿时, 忍不住: adverbs that order events in a story
            elif (
                w.tag == "uz"
                and k > 1
                and ws[k - 1].tag.startswith("v")
                and nxt is not None
                and nxt.tag != "x"
            ):
                marks += 1  # 读着读着…: the durative aspect inside a sentence (not 你等着)
            elif w.tag.startswith("l") and len(w.text) >= 3 and w.text[1] in "着了":
                marks += 1  # 红着脸, 红了脸: an idiom carrying the aspect of narration
            elif (
                nxt is not None and nxt.text == "了" and k + 2 < len(ws) and ws[k + 2].text.startswith(w.text)
            ):
                marks += 1  # 点了点头: V了V whatever the tagger calls the first V
            elif w.tag == "d" and len(w.text) == 2 and w.text[0] == "一" and w.text not in _ZH_PLAIN_YI:
                marks += 1  # 一动, 一怔: a sudden change the tagger reads as an adverb
            elif w.tag == "m" and w.text == "一" and nxt is not None and nxt.tag in ("a", "v"):
                marks += 1
            elif _staged(ws, k):
                marks += 1  # 你被…, 跪在地上, 认真地看, …，脸上露出: an event staged in a scene
        if _chain(ws):
            marks += 1  # 你跪在地上，浑身发抖，不敢抬头: one subject through a chain of actions
        if marks >= 2:
            return sentence.strip()[:80]
    return None


def _talk_cue(s: str) -> bool:
    """A cue of talk to the user (_ZH_NOT_NARRATION) in `s`; the modal 要 or 会 only as a word of its
    own, not bound in another word (要求, 机会, 宴会), which has no modality."""
    bound = None
    for m in _ZH_NOT_NARRATION.finditer(s):
        if m.group(0) not in ("要", "会"):
            return True
        if bound is None:
            bound, at = set(), 0
            for w in zh.words(s):
                if len(w.text) >= 2 and (w.text[0] in "要会" or w.tag.startswith("n")):
                    bound.update(range(at, at + len(w.text)))
                at += len(w.text)
        if m.start() not in bound:
            return True
    return False


def _chain(ws: list[zh.Word]) -> bool:
    """Three or more clauses, each with a verb and none with a subject of its own: one subject (你)
    doing one thing after another, the way a story goes on."""
    clauses: list[list[zh.Word]] = [[]]
    for w in ws:
        if w.text in ("，", ","):
            clauses.append([])
        elif w.tag != "x":
            clauses[-1].append(w)
    clauses = [c for c in clauses if c]
    return len(clauses) >= 3 and all(
        any(w.tag.startswith(("v", "i")) for w in c) and (k == 0 or c[0].tag not in ("r", "nr"))
        for k, c in enumerate(clauses)
    )


def _staged(ws: list[zh.Word], k: int) -> bool:
    """Word k stages an event: the passive or disposal right after 你 (你被…迷住, 你把…), a verb placed
    somewhere (跪在地上), a manner adverbial with 地 (认真地看), a place of the body opening a later
    clause (…，脸上露出笑容), or clause-internal 了 with the sentence going on (迷住了，不由得…)."""
    w, prev = ws[k], ws[k - 1]
    nxt = ws[k + 1] if k + 1 < len(ws) else None
    if k == 1 and w.text in ("被", "把"):
        return True
    if w.text == "在" and prev.tag.startswith("v") and nxt is not None and nxt.tag in ("s", "f"):
        return True
    if w.tag == "uv" and w.text == "地" and prev.tag.startswith(("a", "ad", "d", "z")):
        return True
    if k > 1 and w.tag in _ZH_BODY and prev.text in ("，", ","):
        return True
    return w.text == "了" and nxt is not None and nxt.text in ("，", ",") and k + 2 < len(ws)


def _en(text: str, narration: bool) -> str | None:
    if narration and (
        _EN_REPORT.match(text) or _EN_TOLD_SAY.match(text) or say_frame(text) or self_turn(text)
    ):
        return text.strip()[:80]
    turn = user_turn(text)
    if turn:
        return turn
    for sentence in _EN_SENTENCE.findall(text):
        s = sentence.strip()
        if inner_told(s):
            return s[:80]  # the user's compulsion or feeling stated, their body trailing their act
        if (
            s.endswith(("?", "!"))
            or _EN_NOT_EVENT.search(main_clause(s))
            or _EN_DISJUNCTION.search(s)
            or _EN_GUESS.search(s)
            or instruction_of_use(text, s)
        ):
            continue
        if _EN_COMPLY.search(s) and not re.search(r"\b(if|when|unless|whenever)\b", s, re.I):
            return s[:80]
        if _EN_ADDRESS.search(s.rstrip(".;")):
            continue
        if tells_for_user(s) or passive_reaction(s, _EN_BODY_VERB | _EN_ASSENT_VERB):
            return s[:80]
        helpless = _EN_CANT_HELP.match(s)
        if helpless and _reaction(helpless.group("verb").lower()):
            return s[:80]
        m = _EN_OPEN.match(_EN_APPOSED.sub(r"\1 ", _EN_LEAD.sub("", s), count=1))
        if not m:
            continue
        verb, rest = _en_verb(m.group("verb").lower(), s), m.group("rest")
        if (
            verb in _EN_NOT_NARRATIVE_VERB
            or verb.endswith(("ed", "'d"))
            or past_told_back(verb)
            or not rest.strip(" ,.;")
        ):
            continue
        reacts = verb in _EN_BODY_VERB or verb in _EN_ASSENT_VERB
        if rest.lstrip().startswith((",", "—", "-")) and not reacts:
            continue  # "You fool, …": an epithet ("You hesitate, then …" is a verb going on)
        if (
            re.match(r"\s+(me|us)\b", rest, re.I)
            and not _EN_CHAINED.search(rest)
            and not _EN_ADJUNCT.search(rest)
        ):
            continue  # "You make me laugh": a remark about us; "You hand me X and say nothing" narrates
        if not reacts and not _EN_CHAINED.search(rest) and generic_you(text, rest):
            continue  # "You open a shop and the buyer haggles. Hold firm.": an example drawn for advice
        if reacts or _EN_GOES_ON.search(rest) or _EN_ADJUNCT.search(rest) or user_adjunct(rest):
            return s[:80]
    return None


def _reaction(verb: str) -> bool:
    """A verb of bodily reaction, bare or in -ing (smiling -> smile, grinning -> grin)."""
    if verb in _EN_BODY_VERB:
        return True
    if not verb.endswith("ing"):
        return False
    stem = verb[:-3]
    return any(
        v in _EN_BODY_VERB for v in (stem, stem + "e", stem[:-1] if stem[-2:-1] == stem[-1:] else stem)
    )


def _en_verb(verb: str, sentence: str) -> str:
    """The stem of an archaic verb after "thou" (tremblest -> tremble, sayest -> say), else the verb."""
    if not re.search(r"\bthou\b", sentence, re.I):
        return verb
    m = _EN_THOU_VERB.match(verb)
    if not m:
        return verb
    stem = m.group("stem") or m.group("stem2")
    return stem if stem in _EN_BODY_VERB | _EN_ASSENT_VERB or stem in _EN_NOT_NARRATIVE_VERB else stem + "e"
