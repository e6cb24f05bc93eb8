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

_ZH_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
# 你 opening the sentence, or after a connective that moves a story on (于是你…, 然后你…)
_ZH_STORY_NEXT = r"于是|然后|接着|随后|紧接着|后来|当下"
_ZH_OPEN = re.compile(rf"^\s*(?:[（(]?\s*)?(?:{_ZH_STORY_NEXT})?(你|您)(?!们)")
# A guess, question, request, condition or future: talk to the user, not narration of the user
_ZH_NOT_NARRATION = re.compile(
    r"[？?吧吗呢]|一定|肯定|是不是|也许|大概|要|别|会|可以|请(?!求|教|示)|如果|若|要是|倘若|假如|可曾|难道|得了|莫"
    r"|不必|不用|何必|只管|尽管|准是|八成|多半|想必|怕是|兴许"
)
_ZH_REPORT = re.compile(r"^\s*(你|您)[^。！？「“\n]{1,30}?(?:(说|道|问|答|喊|叫|吟)道?|了)[：:]\s*$")
# Parts of the body and the face: opening a later clause they show the user's reaction (…，手指发颤)
_ZH_BODY_PART = frozenset(
    [
        "手",
        "手指",
        "手心",
        "脸",
        "脸色",
        "脸上",
        "眼",
        "眼神",
        "眼睛",
        "眼眶",
        "眼里",
        "嘴",
        "嘴角",
        "嘴唇",
        "额头",
        "膝盖",
        "腿",
        "双腿",
        "心",
        "心里",
        "声音",
        "肩膀",
        "后背",
    ]
)
# A bounded action by its directional or resultative complement (推开, 掏出, 接过, 跪下)
_ZH_RESULT = re.compile(r"^.(?:开|出|过|下|起|住|上|回|走|掉)$")
# The user's words handed over by a reporting verb and a colon (你终于承认了：“…”)
_ZH_QUOTE_FRAME = re.compile(r"^[^“「：:]{1,20}[了道][：:]\s*[“「]")
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
    r"^\s*(?:you|your (?:hands?|eyes|cheeks|face|heart|voice|knees|legs|fingers|breath|lips)) "
    r"(?:\w+ly )?(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.I,
)
# Auxiliaries, modals, be/have and verbs of thinking or seeming: "You are…", "You think…", "You look like…"
_NOT_VERBS = (
    "are were was be been is am have has had do does did will would shall should can could may might must "
    "ought need dare never always really just think know believe mean guess suppose look seem sound "
    "appear want wish like love hate remind make owe deserve understand see say said tell told ask asked "
    "call called fool idiot there lot two all"
)
_EN_NOT_NARRATIVE_VERB = frozenset(_NOT_VERBS.split())
# Verbs of bodily reaction and movement: with one of them, "You <verb> …" narrates the user at once
_BODY_VERBS = (
    "nod nods shake shakes tremble trembles gasp gasps blush blushes grip grips laugh laughs smile smiles "
    "sigh sighs frown frowns shiver shivers step steps lean leans reach reaches stare stares glance glances "
    "hesitate hesitates swallow swallows flinch flinches wince winces grin grins shrug shrugs bow bows kneel "
    "kneels clench clenches raise raises lower lowers feel feels gulp gulps stumble stumbles freeze freezes "
    "turn turns blink blinks recoil recoils bite bites pale pales"
)
_EN_BODY_VERB = frozenset(_BODY_VERBS.split())
# A second bare verb chained on (…and say nothing): a sequence of the user's actions
_EN_CHAINED = re.compile(r"\band (?!(I|we|you|he|she|they|it|that|this|the|a|an|my|your)\b)[a-z]+\b", re.I)
_EN_GOES_ON = re.compile(r"\b(and|as|while|then) (you |your )?[a-z]+\b|\b\w+ly\b", re.I)
_EN_ADDRESS = re.compile(
    r",\s*(?:[A-Z][a-z]+|(?i:lad|lass|boy|girl|sir|madam|ma'am|man|friend|child|dear|darling|my \w+))\s*[,.!?;—]?\s*$"
)
# A comparison or a habit is a remark about the user ("You walk in as if you own the place")
_EN_NOT_EVENT = re.compile(
    r"\bas (if|though)\b|\b(every|always|never|often|usually|sometimes|whenever|each time)\b", re.I
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
        if not _ZH_OPEN.match(sentence) or _ZH_NOT_NARRATION.search(sentence):
            continue
        ws = [w for w in zh.words(sentence) if w.text.strip()]
        ws = ws[next((i for i, w in enumerate(ws) if w.text in ("你", "您")), 0) :]
        ws = _own_clauses(ws)
        marks = _zh_told_marks(sentence, ws)
        for k, w in enumerate(ws[1:], 1):
            nxt = ws[k + 1] if k + 1 < len(ws) else None
            if w.text == "了" and nxt is not None and nxt.tag != "x":
                marks += 1  # aspect 了 inside the sentence (跪了下来), not the final 了 of a remark
            elif w.tag == "ud" and k > 1 and ws[k - 1].tag.startswith("v"):
                marks += 1  # 吓得…: a result complement
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


def _own_clauses(ws: list[zh.Word]) -> list[zh.Word]:
    """The words up to the first clause with a subject of its own (…，我等了你三天; …，那人…): the
    marks of narration count only where 你 is still the one acting."""
    for k, w in enumerate(ws[1:], 1):
        if ws[k - 1].text in ("，", ",") and w.tag == "r" and w.text not in ("你", "您"):
            return ws[:k]
    return ws


def _zh_told_marks(sentence: str, ws: list[zh.Word]) -> int:
    """Marks of a told event that the word-by-word reading misses: the user's words quoted after a
    reporting frame, 把/被 after an adverbial of manner (你悄悄把…), a transfer to the speaker
    (递给我, 塞给我), a bounded action (推开, 掏出), the result after 被/把, an onomatopoeia, an
    idiom of manner with 地, and a later clause opened by a part of the body (…，手指发颤) or a newcomer to the scene (…，一股霉味…)."""
    marks = int(bool(_ZH_QUOTE_FRAME.match(sentence))) + int(
        bool(re.match(rf"^\s*(?:{_ZH_STORY_NEXT})", sentence))
    )
    seen_pba = seen_give = seen_result = attitude = seen_later = newcomer = result = False
    for k, w in enumerate(ws[1:], 1):
        prev = ws[k - 1]
        nxt = ws[k + 1] if k + 1 < len(ws) else None
        if 1 < k <= 3 and w.text in ("把", "被") and prev.tag in ("d", "z", "l", "ad"):
            seen_pba = True
        after = ws[k + 2] if k + 2 < len(ws) else None
        if (
            nxt is not None
            and nxt.text == "我"
            and (w.text == "给" or w.text.endswith("给"))
            and (after is None or after.tag == "x")
        ):  # 塞给我，…: a handing-over told; 拿给我看看 asks for one
            seen_give = True
        if w.tag.startswith("v") and _ZH_RESULT.match(w.text):
            seen_result = True
        if (
            w.tag.startswith("v")
            and len(w.text) == 2
            and w.text[1] == "得"
            and any(x.text in ("被", "把") for x in ws[1:k])
        ):
            result = True  # 你被…震得…: the passive or disposal, then what it did (not 你来得正好)
        if k > 1 and w.tag == "o":
            result = True  # 扑通, 砰: the sound of a told event
        if w.text.startswith("地") and prev.tag.startswith(("i", "l")):
            result = True  # 千恩万谢地…: an idiom of manner (jieba may glue 地 to the verb)
        if k == 1 and len(w.text) == 3 and w.text[1] in "着了":
            attitude = True  # 低着头, 红了眼: an attitude with its aspect, whatever the tag
        if prev.text in ("，", ","):
            newcomer = newcomer or (w.tag == "m" and w.text.startswith("一") and len(w.text) == 2)
            seen_later = seen_later or w.text in _ZH_BODY_PART or newcomer
    # a bounded action (推开) is how an order sounds too (你把刀放下): it tells only when the scene
    # answers it with a newcomer of its own (…，一股霉味扑面而来)
    return marks + seen_pba + seen_give + (seen_result and newcomer) + attitude + seen_later + result


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
    if narration and _EN_REPORT.match(text):
        return text.strip()[:80]
    for sentence in _EN_SENTENCE.findall(text):
        s = sentence.strip()
        if s.endswith(("?", "!")) or _EN_ADDRESS.search(s.rstrip(".;")) or _EN_NOT_EVENT.search(s):
            continue
        m = _EN_OPEN.match(s)
        if not m:
            continue
        verb, rest = m.group("verb").lower(), m.group("rest")
        if verb in _EN_NOT_NARRATIVE_VERB or verb.endswith(("ed", "'d")) or not rest.strip(" ,.;"):
            continue
        if rest.lstrip().startswith((",", "—", "-")):
            continue  # "You fool, …": an epithet
        if re.match(r"\s+(me|us)\b", rest, re.I) and not _EN_CHAINED.search(rest):
            continue  # "You make me laugh": a remark about us; "You hand me X and say nothing" narrates
        if verb in _EN_BODY_VERB or _EN_GOES_ON.search(rest):
            return s[:80]
    return None
