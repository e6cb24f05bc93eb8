"""Chinese scene narration: a line told by an outside narrator, with no speaker in it.

A character's line is spoken by someone to someone: it has a first or second person, a question or
an exclamation, a modal particle (吧, 呢), an interjection, the speaker's here-and-now (这儿, 今日),
a modal or a wish (要, 该, 能), a reported source (听说, 说), a memory (那天, 当年), or calls people
by the speaker's relation to them (师父, 姐姐, 皇上). A narrator's scene has none of these and
depicts, clause after clause, with at least one mark of events shown as they unfold: durative 着
(亮着), a progressive (正在吆喝), 一 + verb (一拍), a reduplicated verb (捋了捋), a vivid
reduplicated form (沉沉, 陆陆续续, 一片一片), a story adverb (顿时), a growing change (越下越大),
a presentative clause (天边裂开一道口子) or an indefinite newcomer (一个佝偻的身影…). Perfective 了 and complements count as depicted
clauses but cannot make a scene alone: that is how a character reports news (米缸见了底，柴也烧完了).
A stage direction beside speech （叹气）… is a script's, and the speech decides the line.
jieba's parts of speech (factory/quality/zh.py) read those marks; no phrase of any line is listed.

Two narrative frames need no count: the narrator's camera and stage heading (画面一转, 镜头,
只见 opening the line, （场景：…）, 故事发生在), and the encyclopedia entry about a person
(柳敬亭，明末著名艺人，江苏泰州人): a name alone as the first clause, then verbless noun phrases in
apposition, the register of a reference book, never of the person talking.
"""

from __future__ import annotations

import re

from factory.quality import zh
from factory.quality.epithet import ZH_HEAD
from factory.quality.scene_marks_zh import (
    expanse_state,
    simile,
    sound_modifier,
    split_direction,
    subject_then_action,
)
from factory.quality.speaker_shape_zh import ordered_steps, recent_report

_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"\n]*\"")
# Speech frame before a quotation (沉吟片刻道：“…”): the narrator hands over to the speaker
_SPEECH_FRAME = re.compile(r"[道说问喝叫][：:]?\s*$")
SPEAKER = re.compile(
    r"[我你您咱俺吾朕]|本(?:宫|王|座|官|府|阁|帅|尊|仙|姑娘|公子|少爷|小姐)|老(?:夫|子|娘|身|朽|衲|奴)"
    r"|贫(?:僧|道|尼)|在下|小(?:的|人|女子|生|可|老儿)|奴(?:才|婢|家)|洒家|寡人|妾身|臣妾|[？?！!～~]"
)
# Markers of someone talking (jieba tags y modal particle, e interjection) and words of the
# speaker's stance: modality, wishes, here-and-now deixis, memory and hearsay.
_TALK_TAGS = frozenset({"y", "e", "o"})
# The speaker's here and now (这回, 这宫里, 今儿) and judgements of enough (够, 够用): morphemes
_DEICTIC = ("这", "今", "够")
_PARTICLE_END = re.compile(r"[吧呢啊呀嘛哦啦哈哟咯嘞呗哇么喽]\s*$")
STANCE = frozenset(
    {
        "要",
        "该",
        "应该",
        "应当",
        "必须",
        "须",
        "能",
        "能够",
        "可以",
        "会",
        "别",
        "莫",
        "不必",
        "不要",
        "千万",
        "想",
        "希望",
        "但愿",
        "只愿",
        "这里",
        "这儿",
        "这边",
        "这会儿",
        "今日",
        "今天",
        "今儿",
        "今晚",
        "今夜",
        "如今",
        "现在",
        "眼下",
        "那天",
        "那年",
        "当年",
        "从前",
        "那时",
        "那时候",
        "曾",
        "曾经",
        "以前",
        "昨天",
        "昨夜",
        "昨晚",
        "记得",
        "小时候",
        "听说",
        "据说",
        "罢了",
        "其实",
        "也许",
        "大概",
        "恐怕",
        "总",
        "总是",
        "常",
        "常说",
        "可",
        "可是",
        "够",
        "世上",
        "世间",
        "世人",
        "天下",
        "人生",
        "凡事",
    }
)
# Aspect particles after a verb (jieba: uz 着, ul 了, ug 过) and directional complements
_ASPECT = frozenset({"uz", "ul", "ug"})
_DIRECTIONAL = re.compile(r"(?:起来|下来|过来|出来|上来|进来|回来|下去|过去|出去|起|出|下|开|住|满|掉|到)$")
# Adverbs that order or pace events in a story, and directional complements split off by the tagger
_STORY_ADVERB = frozenset({"顿时", "登时", "霎时", "随即", "忽然", "突然", "渐渐", "缓缓", "猛地", "蓦地"})
_DIRECTION_WORD = frozenset({"起来", "下来", "过来", "出来", "上来", "进来", "回来", "下去", "过去", "出去"})
_BESIDE = re.compile(r"[（(][^（）()]*[）)]|\*[^*]+\*")
_ASPECT_WORD = frozenset({"着", "了"})
_PROGRESSIVE = frozenset({"正", "正在", "在", "已", "已经"})  # in progress, or done: 已在秋爽斋坐定
_FRAME_VERB = frozenset({"道", "说", "问", "喝", "叫", "笑道", "说道", "问道"})
_CAMERA = re.compile(r"^[（(]?\s*(?:场景|画面|镜头|旁白|故事发生在|只见|但见|与此同时)")
# 越V越A: a change growing as one watches (雨越下越大)
_GROWING = re.compile(r"越[\u4e00-\u9fff]{1,2}越")
_MIN_DEPICTIVE = 2
# Agent suffixes: the morphemes that close a noun for a person by origin, trade, office or stage (名角, 歌手)
_AGENT_SUFFIX = (
    "人",
    "家",
    "者",
    "士",
    "官",
    "将",
    "主",
    "师",
    "帝",
    "王",
    "相",
    "僧",
    "侠",
    "客",
    "角",
    "手",
    "员",
    "匠",
    "星",
)


def scene_narration(text: str, names: frozenset[str] = frozenset()) -> str | None:
    """The line (a Chinese reply) when it is an outside narrator's scene or entry, else None."""
    t = text.strip()
    if not t or not t.endswith(("。", "）", ")", "*", "”", "」")):
        return None  # narrator's prose closes its sentences (a verse or a fragment need not)
    if _BESIDE.search(t) and _BESIDE.sub("", t).strip():
        return None  # （叹气）且慢…: a stage direction beside speech is a script's, the speech is the line
    told = _untalked(t)
    if told is None:
        return None
    cls = [c for c in zh.clauses(told) if c.strip("（）() ")]
    if _entry(cls):
        return t[:80]  # about the character too: an entry names its subject
    if any(n and n in told for n in names if n not in ("他", "她")):
        return None  # the character names itself: the self-name check's business
    if _CAMERA.match(told):
        return t[:80]
    ws_by_clause = [[w for w in zh.words(c) if w.text.strip()] for c in cls]
    if ordered_steps(ws_by_clause) or recent_report(ws_by_clause):
        return None  # 先检查燃料，再检查护盾 / 刚才那人…: the speaker instructing, or reporting
    if any(
        w.tag in _TALK_TAGS and not sound_modifier(ws, i) or w.text in STANCE or w.text.startswith(_DEICTIC)
        for ws in ws_by_clause
        for i, w in enumerate(ws)
    ) or any(_PARTICLE_END.search(c) for c in cls):
        return None
    if not any(w.tag.startswith(("n", "s")) or w.text in ("他", "她") for ws in ws_by_clause for w in ws):
        return None  # no participant and no place (寻寻觅觅，冷冷清清): a verse, not a scene
    if any(ws and ws[-1].text == "说" or (len(ws) > 1 and ws[-2].text == "说") for ws in ws_by_clause):
        return None  # X说了，…: hearsay reported by the speaker
    # a clause that hands a quotation over (沉吟片刻道：“…”) is the narrator's own act of telling
    marks = [
        _depictive(ws) or int(bool(ws and ws[-1].text in _FRAME_VERB and told != t)) for ws in ws_by_clause
    ]
    if marks and ws_by_clause and _establishing(ws_by_clause[0]):
        marks[0] = 2  # 殿内烛火摇曳，…: the line opens on the set, a place and what is in it
    if len(marks) > 2 and _clock_heading(ws_by_clause[0]) and _located(ws_by_clause[1]):
        marks[1] = (
            2  # 凌晨两点，办公室里只剩下…: a time heading, then the set it lights, a screenplay's opening
        )
    if marks and marks[0] == 1 and re.match(rf"^\s*(?:{ZH_HEAD})", cls[0]):
        marks[0] = 2  # 少年擦掉嘴角的血，…: a person noun for a name, acting (公子稍等 is no act told)
    depictive = sum(m > 0 for m in marks)
    scene = depictive >= _MIN_DEPICTIVE and depictive * 2 >= len(cls) and max(marks) == 2
    return t[:80] if scene else None


def _untalked(t: str) -> str | None:
    """The narration of `t` (quotations removed when a speech frame introduces them), or None when
    anything in it shows a speaker: person, address, question or exclamation."""
    out, last = [], 0
    for m in _QUOTED.finditer(t):
        before = t[last : m.start()]
        if not _SPEECH_FRAME.search(before) and zh.CLAUSE_END.search(m.group(0)):
            return None  # a sentence quoted without a narrator's frame: the speaker quotes it
        out.append(before + ("" if _SPEECH_FRAME.search(before) else "“”"))
        last = m.end()
    told = "".join(out) + t[last:]
    if SPEAKER.search(told) and not _only_object_you(told) or zh.ADDRESS_TERM.search(told):
        return None
    return told


def _only_object_you(told: str) -> bool:
    """你 only as an object or possessor (推到你面前, 看了看你的舌苔), never a subject, and no other
    person: the narrator shows a third party acting on the user."""
    if re.search(r"[我您咱俺吾朕？?！!～~]", told):
        return False
    for c in zh.clauses(told):
        ws = [w for w in zh.words(c) if w.text.strip()]
        for i, w in enumerate(ws):
            if w.text != "你":
                continue
            prev = ws[i - 1] if i else None
            if prev is None or not (prev.tag.startswith(("v", "p")) or prev.text in ("把", "给", "向", "朝")):
                return False
    return "他" in told or "她" in told


def _depictive(ws: list[zh.Word]) -> int:
    """How a clause shows an action or a state: 2 for the marks of a scene as it unfolds (durative
    着, progressive 正在, a state word, 一 + verb, a reduplicated verb, 一边, a story adverb, an
    indefinite newcomer), 1 for marks a report of news shares (perfective 了, 过, a directional or
    result complement, 已, a place opening the clause), 0 for none. A character reports what
    happened (米缸见了底，柴也烧完了); only a narrator shows it happening."""
    newcomer = bool(ws) and ws[0].tag == "m" and ws[0].text[:1] in "一几数" and len(ws[0].text) >= 2
    if newcomer and any(w.tag.startswith("v") for w in ws[1:]):
        return 2  # 一个佝偻的身影在廊下踱步: an indefinite participant brought on stage
    if _existential(ws) or any(_vivid(w.text) for w in ws):
        return 2
    if any(w.text in _STORY_ADVERB for w in ws) or _GROWING.search("".join(w.text for w in ws)):
        return 2  # 顿时, 渐渐, 越下越大: the story's own time
    weak = _located(ws) or any(w.text in _DIRECTION_WORD for w in ws)
    for i, w in enumerate(ws):
        nxt = ws[i + 1] if i + 1 < len(ws) else None
        before = ws[max(0, i - 3) : i]
        if nxt is not None and nxt.tag == "uz" and w.tag != "x":
            return 2  # 亮着, 端着
        if nxt is not None and nxt.tag in _ASPECT and w.tag != "x":
            weak = True  # 夜深了, 响过
        if w.text == "一边" and nxt is not None and nxt.tag.startswith("v"):
            return 2
        if nxt is not None and w.tag == "m" and nxt.text == w.text and len(w.text) >= 2:
            return 2  # 一片一片: a reduplicated measure, the vivid register
        if w.tag == "z" or w.tag in ("i", "l") and len(w.text) >= 3 and w.text[-1] == "着":
            return 2  # a state word; durative 着 glued into an idiom by the tagger (弥漫着, 闪烁着)
        if w.text == "在" and i and ws[i - 1].tag.startswith("v") and ws[-1].tag in ("f", "s", "n"):
            weak = True  # 洒在…上, 跪伏在地: an action placed somewhere
        if not w.tag.startswith("v"):
            continue
        if nxt is not None and nxt.tag == "ud" or len(w.text) == 2 and w.text[1] == "得":
            weak = True  # 逗得满堂前仰后合: an action and its result (jieba may keep V得 whole)
        if i and ws[i - 1].text == "一" or any(x.text in ("正", "正在") for x in before):
            return 2  # 一拍, 正播着
        if any(x.text in _PROGRESSIVE for x in before):
            weak = True  # 已在秋爽斋坐定, 在廊下
        if w.text[-1:] == "着" or nxt is not None and nxt.tag.startswith("v") and nxt.text == w.text:
            return 2  # 围坐着, 看看
        if nxt is not None and nxt.text == "了" and i + 2 < len(ws) and ws[i + 2].text == w.text:
            return 2  # 捋了捋
        if len(w.text) >= 2 and _DIRECTIONAL.search(w.text) or w.text[-1:] == "了":
            weak = True
        if i and ws[i - 1].tag in ("n", "s", "f") and i + 1 == len(ws) and len(w.text) == 2:
            weak = True  # 霓虹闪烁: a noun and its state closing the clause
    if len(ws) > 1 and ws[-1].tag in ("i", "l") and len(ws[-1].text) == 4 and ws[-2].tag.startswith("n"):
        weak = True  # 冰面一望无际: a noun and its state in an idiom, closing the clause
    if subject_then_action(ws) or split_direction(ws) or simile(ws):
        weak = True
    if _located(ws, states=True) and expanse_state(ws):
        return 2  # 殿中一片寂静: a place filled with one state, the set described
    return int(weak)


def _establishing(ws: list[zh.Word]) -> bool:
    """The establishing clause of a described set: a place word, then only a noun subject and its
    intransitive state closing the clause (院中桃花盛开, 殿内烛火摇曳) — a stage described, where a
    character reporting news names an event (城里失火了) or says who did it."""
    at = next((i for i, w in enumerate(ws[:2]) if w.tag in ("s", "f")), None)
    if at is None or len(ws) != at + 3:
        return False
    subject, state = ws[at + 1], ws[at + 2]
    return subject.tag == "n" and state.tag in ("v", "i", "l", "z") and len(state.text) >= 2


def _clock_heading(ws: list[zh.Word]) -> bool:
    """A clause that is only a time (凌晨两点, 深夜): the heading of a scene, no one talking in it."""
    return bool(ws) and all(w.tag in ("t", "m") for w in ws) and any(w.tag == "t" for w in ws)


def _vivid(word: str) -> bool:
    """A reduplicated descriptive form (沉沉, 陆陆续续, 冷冰冰): the vivid register of description."""
    n = len(word)
    return (
        (n == 2 and word[0] == word[1])
        or (n == 4 and word[0] == word[2] == "一" and word[1] == word[3])  # 一闪一闪: a repeated action
        or (n == 4 and word[0] == word[1] and word[2] == word[3])
        or (n == 3 and word[1] == word[2])
    )


def _existential(ws: list[zh.Word]) -> bool:
    """The presentative clause of a scene: a place, a verb of appearing or placing, an indefinite
    newcomer (天边裂开一道口子, 茶几上放着两杯咖啡). A place that modifies a noun (后院的鸡) is no
    setting."""
    at = next((i for i, w in enumerate(ws[:3]) if w.tag in ("s", "f")), None)
    if at is None or at + 1 < len(ws) and ws[at + 1].text == "的":
        return False
    rest = ws[at + 1 :]
    return any(
        v.tag.startswith("v")
        and (m.tag == "m" or m.text in _ASPECT_WORD and k + 2 < len(rest) and rest[k + 2].tag == "m")
        for k, (v, m) in enumerate(zip(rest, rest[1:], strict=False))
    )


def _located(ws: list[zh.Word], states: bool = False) -> bool:
    """A clause opened by a place (台上, 酒店里, 茶馆里) and completed by a predicate (with
    `states`, an adjective too): the scene's setting, told as a stage is described."""
    head = ws[:4]
    at = next((i for i, w in enumerate(head) if w.tag in ("s", "f")), None)
    if at is None or at == len(ws) - 1:
        return False
    tags = ("v", "i", "l", "z", "a") if states else ("v", "i", "l", "z")
    return any(w.tag.startswith(tags) for w in ws[at + 1 :])


def _entry(cls: list[str]) -> bool:
    """A name alone as the first clause, then verbless noun phrases (a reference book's apposition)."""
    if len(cls) < 3:
        return False
    head = [w for w in zh.words(cls[0]) if w.text.strip()]
    if len(head) != 1 or not head[0].tag.startswith("nr"):
        return False
    verbless = 0
    for c in cls[1:3]:
        ws = [w for w in zh.words(c) if w.text.strip()]
        if ws and ws[-1].tag.startswith("n") and not any(w.tag.startswith("v") for w in ws[:-1]):
            verbless += 1
    return verbless >= 1 and _nominal_end(cls[1:])


def _nominal_end(rest: list[str]) -> bool:
    """One appositive clause ends with a noun of origin, occupation or office: an agent suffix
    (…人, …家, …者, …士, …主 of 教主, …师, …帝) closes it."""
    return any(c.strip().endswith(_AGENT_SUFFIX) for c in rest)
