"""Format and length: the per-sample checks that need no model and no view of the whole dataset.

Target lines are the messages with role "assistant" and train=True (other characters in a
multi-party scene are assistant messages with train=False or user messages with a `name`).
"""

from __future__ import annotations

import re

from factory import lang
from factory.quality import zh
from factory.quality.config import FormatConfig
from factory.quality.rules import Finding
from factory.quality.second_person import narrates_user
from factory.quality.text import count_tokens, script_counts, segments, spoken_text
from factory.records import Sample

_PAIRS = [("（", "）"), ("(", ")"), ("「", "」"), ("『", "』"), ("【", "】"), ("“", "”")]
_DEBRIS = re.compile(
    r"\{\{\s*(user|char|name|bot)\s*\}\}|<\s*/?\s*(user|char|bot)\s*>|\[(USER|CHAR|NAME)\]|<\|[a-z_]+\|>"
    r"|\[/?INST\]|</?s>|<<SYS>>|```|\"(role|content)\"\s*:|^\s*[\[{]\s*\"|\\n",
    re.I,
)
_END_OK = set("。！？!?.…~～」』”\"）)*】]'’—–-♪") | {"\u2026"}
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
_YOU_ACTION = re.compile(r"^\s*(你|您|you\b)", re.I)
# The character writing the user's words: 你…说： / "You nod and say, ..." (something between: a bare
# 你说：“…” / "You said, '…'" quotes what the user said, to the user)
_YOU_SAY = re.compile(
    r"^\s*(?:你|您)[^。！？「“\n]{2,30}?(?:说|道|问|答|喊)道?[：:]"
    r"|^\s*you\s+[^.!?\"“\n]{2,40}?\b(?:say|said|ask|asked|reply|replied)\b[,:]?\s*[\"“]",
    re.I,
)
# An interview script: question and answer labels on their own lines (问：…\n答：…, Q: …\nA: …)
_QA_LABELS = re.compile(r"^\s*(问|答|Q|A|Question|Answer)\s*[:：]", re.M | re.I)
# The user's inner reaction narrated in the character's speech (你听完沉默了许久): 你 opening a
# clause with a word of the narrative frame, in a statement (no question, guess or request)
_ZH_YOU_FRAME = re.compile(
    r"(?:^|[，,。！？!?\s])(你|您)[^，,。！？!?]{0,6}(听完|听罢|闻言|见状|不禁|不由得|默默|缓缓|终于|忍不住|暗自|心想|暗想)"
)
_ZH_NOT_NARRATION = re.compile(r"[？?吧吗呢]|一定|肯定|是不是|也许|大概|要|别|会|可以|请")
# Assistant formatting: markdown headings, bold labels, list items on their own lines
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S", re.M)
_MD_BOLD = re.compile(r"\*\*[^*\n]{1,60}\*\*")
_MD_ITEM = re.compile(
    r"^\s*(?:[-*•+]\s+|\d{1,2}[.、)）]\s*|[一二三四五六七八九十]{1,3}[、．]\s*|[（(][一二三四五六七八九十\d]{1,2}[)）]\s*)\S",
    re.M,
)
# A list written inline, the way an assistant numbers tips in one paragraph: "1. 东坡肉 2. 东坡鱼",
# "1) Jane is kind; 2) Mary…". Speech counts in words (一来…二来, first… second…), not in digits.
_INLINE_ITEM = re.compile(r"(?:^|[\s：:，,；;])([1-9])\s?[.、)）](?!\d)\s*\S")
# Sequencers of a tips list (首先…其次…最后, firstly… secondly… finally) introduced as advice
_ZH_SEQUENCE = re.compile(r"首先|其次|再次|然后|此外|最后|第[一二三四五]点")
_ZH_ADVICE = re.compile(r"建议|方法|技巧|步骤|几点|要点|小贴士|窍门|可以试试|你可以|您可以")
_EN_SEQUENCE = re.compile(
    r"\b(firstly|secondly|thirdly|lastly|finally|additionally|furthermore|step \d)\b", re.I
)
_EN_ADVICE = re.compile(
    r"\b(tips?|steps?|advice|suggest(ions?)?|recommend(ations?)?|strateg(y|ies)|ways to)\b", re.I
)
# Chinese words after which a clause cannot stop (ICTCLAS: preposition, conjunction, adverb,
# structural particle 的/地/得/着), and, on longer lines, a verb or pronoun left without its object.
_ZH_OPEN_TAGS = ("p", "c", "d", "uj", "uv", "ud", "uz")
_ZH_OPEN_TAGS_LONG = ("v", "r")
_ZH_FINAL = ("了", "吧", "呢", "啊", "呀", "嘛", "罢", "哦", "啦", "么", "吗", "哉", "矣", "也", "耳", "乎")
_ZH_OPEN_MIN_HAN = 4  # shorter lines say too little ("算了", "也罢")
_ZH_OPEN_LONG_HAN = 8
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
    },
}
_FILLER_SPLIT = re.compile(r"[\W_]+")
_REPEATED = re.compile(r"(.{1,3}?)\1+")
_EN_OPEN_WORDS = frozenset({"never", "not", "only", "just", "near", "very", "who", "which", "whom", "whose"})
_ZH_PERSONAL = re.compile(r"[我你您他她它咱俺]")
_VERSE_SPLIT = re.compile(r"[，,、；;]")
_WHOLE_REPLY_END = ("！", "!", "。", ".", "？", "?", "…")
MODEL_MIN_CONFIDENCE = 0.8  # a Latin-script line the language model gives another language with this much
MODEL_MIN_WORDS = 4
# English function words: a line where they are a quarter of the words is English without asking the
# model (the common case, and the model is a third of the format checks' time)
_EN_FUNCTION = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "my",
        "your",
        "his",
        "her",
        "our",
        "their",
        "me",
        "him",
        "us",
        "them",
        "this",
        "that",
        "not",
        "no",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "could",
        "shall",
        "should",
        "what",
        "who",
    }
)
_EN_WORD = re.compile(r"[A-Za-z']+")
EXPECTED_SCRIPT = lang.SCRIPTS
_MIN_LETTERS = 6  # fewer letters say nothing about the language ("OK!", "嗯嗯")
# Japanese shares Han with Chinese; kana tells them apart. Japanese prose is ~60-80% kana (kanji-dense
# text ~40%); a Chinese line borrows one kana (の) or a short quoted phrase at most.
_KANA_MAKES_JAPANESE = 0.3


def target_turns(sample: Sample) -> list[int]:
    return [i for i, m in enumerate(sample.messages) if m.role == "assistant" and m.train]


def _unbalanced(text: str) -> tuple[int, str] | None:
    """(opens - closes, the pair) for the first pair that does not balance."""
    for a, b in _PAIRS:
        d = text.count(a) - text.count(b)
        if d:
            return d, a + b
    for q in ("*", '"'):
        if text.count(q) % 2:
            return 1, q
    return None


def _ends_open(text: str, language: str) -> str | None:
    """Why a line looks cut off, or None."""
    t = text.rstrip()
    if not t:
        return None
    if t[-1] in _DANGLING:
        return f"ends with {t[-1]!r}"
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
    return None


def _zh_open_end(t: str) -> str | None:
    """A Chinese line without final punctuation that stops on a word needing a continuation."""
    if t[-1] in _END_OK or not lang.HAN_RE.match(t[-1]) or t.endswith(_ZH_FINAL):
        return None
    han = len(lang.HAN_RE.findall(t))
    if han < _ZH_OPEN_MIN_HAN:
        return None
    if parallel_clauses(t, True):
        return None
    clause = zh.words(zh.clauses(t)[-1])
    last = clause[-1]
    if _emphatic_de(t):
        return None  # 是…的: the emphatic construction ends on 的 (希望是本无所谓有，无所谓无的)
    tags = _ZH_OPEN_TAGS + (_ZH_OPEN_TAGS_LONG if han >= _ZH_OPEN_LONG_HAN else ())
    if last.tag.startswith(tags) or last.text in ("是", "在"):
        return f"stops on {last.text!r} ({last.tag}) without punctuation"
    return None


def _emphatic_de(t: str) -> bool:
    if not t.endswith("的") or "是" not in t:
        return False
    ws = zh.words(t)
    return bool(ws) and ws[-1].text == "的" and any(w.text == "是" for w in ws[:-1])


def parallel_clauses(text: str, is_zh: bool) -> bool:
    """Verse or a refrain: short clauses in parallel (对酒当歌，人生几何; "love her, love her"), which end
    without a stop and are whole. zh: two or more clauses of 2-7 Han, two of them of one length;
    en: three or more phrases of at most 7 words, or the last one repeating an earlier one."""
    parts = [p.strip().lower() for p in _VERSE_SPLIT.split(text) if p.strip()]
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
    sizes = [len(p.split()) for p in parts]
    last = parts[-1].split()[-1] if parts[-1].split() else ""
    return (
        len(parts) >= 3
        and all(n <= 7 for n in sizes)
        and last not in _EN_FUNCTION
        and last not in _EN_DANGLING_END
        and last not in _EN_OPEN_WORDS
    )


def too_short(text: str, language: str, min_len: int) -> bool:
    """Too short to teach anything: a backchannel at any length, or under `min_len` tokens unless it
    ends as a sentence (呸！, 准。, Never!: a one-word command, verdict or curse is a whole reply)."""
    if is_filler(text, language):
        return True
    return count_tokens(text) < min_len and not text.rstrip().endswith(_WHOLE_REPLY_END)


def is_filler(text: str, language: str) -> bool:
    """A reply that only acknowledges ("嗯。", "Hm.", "Yes", doubled: 好的好的, 哈哈哈, "Yes, yes."):
    too short whatever its length."""
    words = [w.lower() for w in _FILLER_SPLIT.split(text) if w]
    fillers = _FILLERS.get(language, set())
    if lang.is_zh(language) and len(words) == 1 and _unit(words[0]) not in fillers:
        words = [w.text for w in zh.words(words[0])]
    return bool(words) and all(w in fillers or _unit(w) in fillers or _unit(w) * 2 in fillers for w in words)


def _unit(word: str) -> str:
    """The repeated unit of a doubled word (好的好的 -> 好的, 哈哈哈 -> 哈, haha -> ha), else the word."""
    m = _REPEATED.fullmatch(word)
    return m.group(1) if m else word


def markdown(text: str) -> str | None:
    """Why a line is formatted like an assistant's answer (markdown structure), or None."""
    m = _MD_HEADING.search(text) or _MD_BOLD.search(text)
    if m:
        return m.group(0).strip()
    items = _MD_ITEM.findall(text)
    if len(items) >= 2 and "\n" in text:
        return f"{len(items)} list items"
    return inline_list(text)


def inline_list(text: str) -> str | None:
    """A numbered list run into one paragraph (1. … 2. …), or tips in sequence introduced as advice."""
    numbers = [int(m.group(1)) for m in _INLINE_ITEM.finditer(text)]
    if any(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False)):
        return f"{len(numbers)} numbered items inline"
    zh = bool(lang.HAN_RE.search(text))
    seq, advice = (_ZH_SEQUENCE, _ZH_ADVICE) if zh else (_EN_SEQUENCE, _EN_ADVICE)
    steps = {m.group(0).lower() for m in seq.finditer(text)}
    if len(steps) >= 3 and advice.search(text):
        return f"tips in sequence ({', '.join(sorted(steps))})"
    return None


def check_format(
    sample: Sample, language: str, names: list[str], cfg: FormatConfig, others: set[str] | None = None
) -> list[Finding]:
    """Format findings for one sample (empty turns, markup, truncation, language, user, length)."""
    out: list[Finding] = []
    for i, m in enumerate(sample.messages):
        if m.role != "system" and not m.content.strip():
            out.append(Finding("format.empty_turn", f"{m.role} turn {i} is empty", "", i))
        elif m.role != "system":
            d = _DEBRIS.search(m.content)
            if d:
                out.append(
                    Finding(
                        "format.broken_markup", f"template/markup debris in {m.role} turn {i}", d.group(0), i
                    )
                )
    targets = target_turns(sample)
    if not targets:
        out.append(Finding("format.no_target_turn", "no assistant message with train=true"))
        return out
    labels = {x.lower() for x in cfg.user_labels} | {o.lower() for o in (others or set())}
    own = {n.lower() for n in names}
    short = []
    min_len = cfg.min_length.get(language, 0)
    end_len = cfg.end_punct_min_length.get(language, 0)
    for i in targets:
        text = sample.messages[i].content
        if not text.strip():
            continue
        out.extend(_line_findings(text, i, language, labels - own, cfg, end_len, own))
        if too_short(text, language, min_len):
            short.append(i)
    if short and len(short) / len(targets) > cfg.max_short_share:
        i = short[0]
        out.append(
            Finding(
                "format.too_short",
                f"{len(short)} of {len(targets)} character lines shorter than {min_len} tokens",
                sample.messages[i].content.strip()[:80],
                i,
            )
        )
    return out


def check_line(text: str, language: str, names: list[str], cfg: FormatConfig) -> list[Finding]:
    """Format findings for one character line on its own: a DPO `chosen` reply must pass them too."""
    if not text.strip():
        return [Finding("format.empty_turn", "the line is empty", "", 0)]
    own = {n.lower() for n in names}
    labels = {x.lower() for x in cfg.user_labels} - own
    out = _line_findings(text, 0, language, labels, cfg, cfg.end_punct_min_length.get(language, 0), own)
    min_len = cfg.min_length.get(language, 0)
    if too_short(text, language, min_len):
        out.append(
            Finding(
                "format.too_short",
                f"shorter than {min_len} tokens or only a backchannel",
                text.strip()[:80],
                0,
            )
        )
    d = _DEBRIS.search(text)
    if d:
        out.append(Finding("format.broken_markup", "template/markup debris", d.group(0), 0))
    return out


def _line_findings(
    text: str,
    i: int,
    language: str,
    user_labels: set[str],
    cfg: FormatConfig,
    end_len: int,
    own_labels: set[str] = frozenset(),
) -> list[Finding]:
    out = []
    md = markdown(text)
    if md:
        out.append(Finding("format.markdown", "formatted like an assistant's answer", md, i))
    bad = _unbalanced(text)
    why = _ends_open(text, language)
    if md and (bad or why):  # a list item ends without a full stop; it is the list that is wrong
        bad = why = None
    elif bad and bad[0] > 0 and text.rstrip()[-1:] not in _END_OK - {'"', "*"}:
        out.append(Finding("format.truncated", f"unclosed {bad[1]} at the end", text.strip()[-40:], i))
    elif bad:
        out.append(Finding("format.broken_markup", f"unbalanced {bad[1]}", text.strip()[:80], i))
    elif why:
        out.append(Finding("format.truncated", why, text.strip()[-40:], i))
    elif (
        not md
        and end_len
        and count_tokens(text) >= end_len
        and text.rstrip()[-1:] not in _END_OK
        and not _is_symbol(text.rstrip()[-1:])
        and not parallel_clauses(text, lang.is_zh(language))
        and not (lang.is_zh(language) and _emphatic_de(text.rstrip()))
    ):
        out.append(
            Finding("format.truncated", "a long line without closing punctuation", text.strip()[-40:], i)
        )
    wrong = wrong_script(text, language, cfg.min_language_share) or wrong_language(text, language)
    if wrong:
        out.append(Finding("format.wrong_language", wrong, text.strip()[:80], i))
    script = _script(text, own_labels)
    if script:
        out.append(Finding("format.speaks_for_user", script, text.strip()[:80], i))
        return out
    for seg in segments(text):
        if seg.kind == "speech" and lang.HAN_RE.search(seg.text):
            m = _ZH_YOU_FRAME.search(seg.text)
            sentence = m and re.split(r"[。！？!?]", seg.text[m.start() :], maxsplit=1)[0]
            if m and not _ZH_NOT_NARRATION.search(sentence):
                out.append(
                    Finding("format.speaks_for_user", "narrates the user's reaction", sentence[:80], i)
                )
                break
        if seg.kind == "label" and seg.text.lower() in user_labels:
            out.append(Finding("format.speaks_for_user", f"writes a line for {seg.text!r}", seg.text, i))
            break
        if seg.kind == "action" and _YOU_ACTION.match(seg.text):
            out.append(Finding("format.speaks_for_user", "acts for the user", seg.text.strip()[:80], i))
            break
        if seg.kind == "speech" and _YOU_SAY.match(seg.text):
            out.append(Finding("format.speaks_for_user", "writes the user's words", seg.text.strip()[:80], i))
            break
        if seg.kind in ("speech", "narration"):
            told = narrates_user(seg.text, language, narration=seg.kind == "narration")
            if told:
                out.append(Finding("format.speaks_for_user", "narrates what the user does or says", told, i))
                break
    return out


def _script(text: str, own: set[str]) -> str | None:
    """Why a line is a script with several speakers (the character writing the others' lines too)."""
    if len(_QA_LABELS.findall(text)) >= 2:
        return "writes an interview: question and answer labels"
    labels = {seg.text.lower() for seg in segments(text) if seg.kind == "label"}
    if len(labels) >= 2 and labels & own:
        others = sorted(labels - own)
        return f"writes a script: its own label and {others[0]!r}" if others else None
    return None


def wrong_script(text: str, language: str, min_share: float) -> str | None:
    """Why a line is not in the dataset's script, naming the script found, or None.

    Letters of every script count, so a Russian, Korean or Arabic line fails as surely as a Chinese one
    in an English dataset, while a stray foreign name stays under the share that `min_share` allows.
    """
    expected = EXPECTED_SCRIPT.get(language)
    if expected is None:
        return None
    counts = script_counts(text)
    total = sum(counts.values())
    if total < _MIN_LETTERS:
        return None
    kana = counts.get("Kana", 0) / total
    if lang.is_zh(language) and kana >= _KANA_MAKES_JAPANESE:
        return f"Japanese ({kana:.0%} of letters are kana), expected Han"
    share = counts.get(expected, 0) / total
    if share >= min_share:
        return None
    found = max((k for k in counts if k != expected), key=counts.__getitem__)
    name = "Japanese kana" if found == "Kana" else found
    return f"mostly {name} ({counts[found] / total:.0%} of letters), expected {expected} ({share:.0%})"


def wrong_language(text: str, language: str) -> str | None:
    """A line in the right script but another language (French in an English set), or None.

    The language model (factory/lang/) must be sure and the line long enough: a character's
    "Ach, Gott im Himmel!" inside English speech stays English.
    """
    if language != "en":
        return None  # Chinese: script decides (Han, kana, hangul), see wrong_script
    speech = spoken_text(text) or text
    words = [w.lower() for w in _EN_WORD.findall(speech)]
    if len(words) < MODEL_MIN_WORDS or sum(w in _EN_FUNCTION for w in words) * 4 >= len(words):
        return None
    g = lang.guess(speech)
    if g is None or g.by != "model" or g.language == "en" or g.confidence < MODEL_MIN_CONFIDENCE:
        return None
    return f"reads as {g.language} ({g.confidence:.0%} sure), expected en"


def _is_symbol(ch: str) -> bool:
    """Emoji and other symbols end a line as well as punctuation does."""
    return bool(ch) and ord(ch) >= 0x2190 and not re.match(r"[\w\u3000-\u303f\uff00-\uffef]", ch)
