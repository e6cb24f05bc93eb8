"""Generic statements: a hedge or a sermon addressed to everyone, which no one in a scene says.

A blacklist of phrases catches the hedges it lists and few others (benchmarks/gate_accuracy.py,
heldout2). This check looks for the *shape* instead, one sentence at a time, from small word
classes: a generic person or scope (每个人, 大家, 生活中, everyone, people, in life), a norm (应该,
一定要, 学会, should, must, it's important, remember) and relativity (不同, 取决于, 对错, different,
depends, subjective, valid, pros and cons). A sentence is generic when it carries two *distinct*
cues (two classes, or two different words of one class: "unique … one-size", "记住 … 最重要") or
one of the structures that are hedges by their grammar whatever their words:

- a denied universal standard: 没有(统一|绝对)的(标准|答案), "no (single|universal) (right) answer|way";
- a distributive contrast: 有的…有的, 不同的X…不同的Y, "some … others", "from person to person",
  "different X for different Y";
- a choice handed back: "whether X or Y is something / a matter / up to …", and a bare "it varies";
- disagreement declared legitimate or the topic labelled instead of answered ("reasonable people
  can differ", "a sensitive topic", "opinions vary", "a matter of perspective"), a modal
  distributive ("what suits one person may not suit another", "varies from X to X"), neither pole
  in itself ("neither good nor evil in itself", "depends on how it is used"), and sermons by
  their grammar (an abstract act "is never the answer", "it's always better to", "we must all").

Relativity followed by a condition that puts the speaker's own rule back ("no wrong way to wear it, so
long as it's shorter than your mother's") is a rule, not a hedge; "as long as you're comfortable" hands
the choice back and stays one.

It is not generic when anchored in the scene by a first-person singular speaker (我, 朕, I, my),
by a vocative ("…, Watson."), by a place or time of the scene ("in this house", "tonight"), which
is how a character's own advice or command sounds, or when the line quotes it from someone else
("…, as the judges like to say"; the gate checks that with factory/quality/address.py).
"""

from __future__ import annotations

import re

from factory.lang import is_zh
from factory.quality import zh

_ZH_PERSON = re.compile(
    r"每个人|每一个人|人人都|大家|人们|我们(每个人|大家|都应该|都要|应该|应当|要|必须|一定要|需要)|需要我们"
    r"|任何人|不同的人|有的人|别人的看法|身边的(人|朋友)|自己的(心态|生活|梦想|选择|价值|感受)"
    r"|(在|于)?(生活|人生|现实生活|日常生活)(中|里|当中)|照顾好自己|做自己"
    # every member of a group, a concessive over everyone (无论站在哪一方), duties of all to all
    r"|每(个|一个|位|一位)[^，,。！？]{0,3}(成员|公民|员工|学生|孩子|个体)"
    r"|社会各界|全社会|(无论|不论|不管)(?!如何|怎样)[^，,。！？]{1,8}(?=[，,][^。！？]{0,12}都)|(互相|相互|彼此)(理解|包容|尊重|体谅|支持|信任)"
)
_ZH_NORM = re.compile(
    r"应该|应当|必须|一定要|都要|需要|学会|重要的是|最重要|非常重要|关键(在于|是|要看|还是)|要看|不必太"
    r"|千万(不要|别)|希望(每个人|大家)|请记住|记住|要懂得|要珍惜|要正确|要理性|要保持|要注意|要好好|要积极"
    r"|要勇敢|很正常|才是王道|辩证地?|理性(地)?(看待|对待)|值得(珍惜|尊重|被尊重|被爱)"
    # the editorial's verdicts: a normal phenomenon, good for the healthy development of a whole field
    r"|正常(的)?现象|有利于[^，,。！？]{0,12}(发展|进步|成长|繁荣)"
)
_ZH_RELATIVE = re.compile(
    r"不同|不一样|因人而异|取决于|对错|好坏|标准|利弊|有利有弊|一概而论|看情况|具体情况|相对|客观|全面|适量|适度"
    r"|辩证|见仁见智|各有(千秋|所长|优劣)|换(个|一个)角度"
    # a question or a topic as such judged complex, seen from many sides: 这个问题很复杂, 多个角度
    r"|(问题|话题|议题)[^，,。！？]{0,3}复杂|复杂的(问题|话题|议题)|(多个|多种|各个|不同)(角度|层面|维度)"
)
# Hedges by their grammar: a denied universal standard, a distributive contrast.
_ZH_STRUCTURE = re.compile(
    r"(并|也|其实)?(没有|无|并无|不存在)(统一|绝对|固定|唯一|标准|一定)的?(标准|答案|对错|好坏|定论|规则|方法)"
    r"|有的[^，。！？]{1,12}[，,]\s*有的|不同的?[^，。！？]{1,8}(会)?(有|需要|要)不同的?"
    r"|有(利|好处|优点)也有(弊|坏处|缺点)|(放之四海而皆准|一刀切)"
    # the exhortation by parallel measure: 多一些理解，少一些抱怨
    r"|多一(些|点|分)(理解|包容|耐心|宽容|信任|关爱|关心|沟通|尊重|体谅|善意)[，,]\s*少一(些|点|分)"
)
# Hedges by their frame: a ranking denied (并无高下之分, 没有谁对谁错), a balance to be found (找到平衡点,
# 综合考量), relativity as the answer (因人而异, 见仁见智, 众说纷纭). A denial shouted (男女没有高下之分！)
# or asked (岂能一概而论？) is a position taken, not a hedge: those frames count in a statement only.
_ZH_RANKING = re.compile(
    r"(无|没有|没|不分|谈不上|说不上|不存在|难分)\s*(高下|高低|优劣|好坏|对错|是非|贵贱|输赢|孰优孰劣)(之分|之别)?"
    r"|没有谁(对|好|强|高|优)谁(错|坏|弱|低|劣)|(孰|谁)(好|优|是|对)(孰|谁)(坏|劣|非|错)"
)
_ZH_BALANCE = re.compile(
    r"(找到|找|把握|寻求|保持|取得|拿捏)(一个|好|住)?(平衡|平衡点|分寸|度)(?!木)"
    r"|(找到|寻求|把握)[^，,。！？]{1,8}的(平衡点|平衡)|[^，,。！？]{1,8}(和|与)[^，,。！？]{1,8}都(很|同样|一样|非常)重要"
    r"|(综合|全面|辩证|客观|理性)(地)?(考量|考虑|看待|分析|评估|权衡|判断)"
    r"|(以|用|带着)(科学|理性|客观|辩证|正确|平和|包容)的(态度|眼光|心态)(去|来)?(看待|对待)|权衡(利弊|得失|两者|二者)|(两者|二者)兼顾"
)
_ZH_RELATIVITY = re.compile(
    r"因人而异|见仁见智|仁者见仁|众说纷纭|莫衷一是|一概而论|没有标准答案|各有(千秋|所长|优劣|利弊)"
    r"|(往往|其实|也)?(并非|并不|不是|没有那么)绝对"
)
# The distributive 各V各的 (各有各的长处, 各人有各人的活法): every party has its own, so no one is judged
_ZH_DISTRIBUTIVE = frozenset({"各", "各人", "各自", "每人"})
_ZH_ANCHOR = re.compile(r"我(?!们)|朕|吾|本宫|老夫|在下|俺")
_EN_PERSON = re.compile(
    r"\b(everyone|everybody|each of us|all of us|we all|people|anyone|different people|each person"
    r"|every person|each other|one another|individuals?|humanity|future generations|folks|nobody|no one"
    r"|(from )?(one )?person to (another|person)|in life|in today'?s world"
    r"|every (culture|society|person|individual|family|generation|community)|we (must|should|need to|ought to) all)\b"
    r"|\beach (individual|listener|reader|viewer|believer|seeker)s?\b|\bwe (must|should|can) each\b|\bone (chooses|decides)\b"
    r"|\byour (own )?(safety|health|wellbeing|well-being|dreams|goals|passions|partner|feelings|heart|path)\b"
    r"|\bfor you\b|\blet'?s all\b",
    re.I,
)
_EN_NORM = re.compile(
    r"\b(should|must|need to|ought to|ha(s|ve) to|it'?s (important|essential|vital|crucial|key|wise)|it is "
    r"(important|essential|vital|crucial|wise)|always|never give up|never too late|remember|let'?s|deserves?|"
    r"ha(s|ve) the right|is key|the keys?( to)?|the most important thing|weigh|consider(ing)?|stay true|follow your"
    r"|(it'?s|it is) worth \w+ing|responsibly|ethically|wisely|mindfully|respectfully|what matters( most)?)\b",
    re.I,
)
_EN_RELATIVE = re.compile(
    r"\b(different(ly)?|unique|depends?|depending|subjective|var(y|ies|ied)|valid|right or wrong"
    r"|their own|personal|perspectives?|merits?|others would|one-size|comes? down to|pros and cons"
    r"|upsides?|downsides?|differ(s)?|complex|many factors|feels? right|better than the others|normal"
    r"|for (themselves|oneself|yourself)|viewpoints?|points of view|(multiple|many|various|all) (sides|angles)"
    r"|(it'?s|it is) up to (each|every|the|you|us|them|one)\b[\w ]*"
    r"|(judging|journeys of|choices of|beliefs of) others|all interpretations|(our|their|your) own truths?"
    r"|both sides|either side|legitimate (concerns|points|reasons|grievances)|open[- ]mind(ed)?)\b",
    re.I,
)
_EN_STRUCTURE = re.compile(
    r"\bno (single |one |universal(ly)? |simple |right |correct |definitive |perfect )+(correct )?(answer|way|path|rule|approach|method|formula|recipe|solution)\b"
    # the distributive own way: "every student learns in their own way", "each reader at their own pace"
    r"|\b(every|each) [a-z]+ (\w+ ){0,2}(in|at|on|by) (their|his or her|its) own (way|pace|time|terms)\b"
    # the error normalised as a stage of a generic process: "mistakes are a natural part of learning"
    r"|\b(mistakes|failures?|setbacks|errors|struggles|doubts?|fears?) (are|is) (a |an )?(natural|normal|necessary|inevitable) "
    r"part of (learning|growing|growth|life|the process|being human|any \w+)\b"
    r"|\b(there'?s|there is|is) no right or wrong\b|\bsome (people |folks )?(would |might )?(say|think|believe|prefer|like)\b"
    r"[^.;!?]{0,60}\bothers\b|\bfrom (one )?person to (another|person)\b|\bdifferent \w+ (to|for) different\b"
    r"|\bnone of them is (better|worse)\b|\bboth (views|sides|options|approaches) have\b"
    r"|\b(find|finding|strike|striking|keep|keeping|maintain|maintaining) (a|the) (right |healthy |good )?balance\b"
    r"|\b(both|each) (have|has) (their|its) (place|merits|uses|strengths)\b|\bfor good or (for )?(ill|harm|evil)\b"
    r"|\bsome\b[^.;!?]{0,50}\bothers\b|^(but |and |so )?it (really |all |just |simply )?(varies|depends)\s*[.;!]?$"
    r"|^whether\b[^.;!?]{0,60}\bor\b[^.;!?]{0,60}\b(is|are) (something|a (matter|question|choice)|up to)\b"
    # the choice handed back: "is ultimately a personal decision", "a choice only you can make"
    r"|\b(is|are) (ultimately |really |always |in the end )?(a |an |your )?(very )?(personal|individual) "
    r"(decision|choice|matter|call|question|preference)\b|\b(decision|choice|call) (that )?only you can make\b"
    # disagreement declared legitimate: "reasonable people can differ", "historians still debate it"
    r"|\breasonable (people|minds|men|women|folks) (can|may|might|could|will|do|often) (\w+ )?(disagree|differ)\b"
    r"|\b(historians|scholars|experts|philosophers|critics) (still |continue to |have long |often |will always )"
    r"(debate|disagree)\b"
    # the topic labelled instead of answered: "is a sensitive topic", "a complex issue with many perspectives"
    r"|\b(is|remains|was) (a |an )?(very |highly |deeply |really |rather )?(sensitive|complex|controversial|divisive"
    r"|nuanced|contentious|thorny|hotly debated|multifaceted) (topic|issue|question|subject)\b"
    r"(?!\s+(?:for|to|with) (?:your|his|her|my|our|their)\b)"
    # the distributive one … another: "what suits one person may not suit another"
    r"|\b(for|suits?|fits?|works? for|helps?|to) one (person|man|woman|individual|reader|family|child|people|culture)\b"
    r"[^.;!?]{0,50}\b(may|might|could|can|won'?t|doesn'?t|isn'?t|not)\b[^.;!?]{0,30}\b(another|the next|someone else)\b"
    # neither pole, the use decides: "neither good nor evil in itself", "it depends on how it is used"
    r"|\bneither (good|bad|right|wrong|evil|moral) nor (good|bad|right|wrong|evil|immoral) (in (itself|themselves)|inherently)\b"
    r"|\b(inherently|intrinsically) neither\b"
    r"|\b(it|that|everything) (all |really |entirely |ultimately )?depends (entirely |solely |largely |only )?"
    r"on how (it is|it's|they are|one|you|we) (used|use|uses|wield)"
    # relativity named as the answer: opinions vary, a matter of perspective, arguments on both sides
    r"|\b(opinions|views|tastes|experiences) (vary|differ|are divided)\b"
    r"|(?<!not )(?<!n't )(?<!never )\ba matter of (perspective|opinion|taste|interpretation|viewpoint|preference)\b"
    r"|\b(arguments|points|merits|cases|truth|merit|wisdom) (on|for|to) (both|each|either) sides?\b"
    r"|\bsomething to be said for (both|each|either)\b|\b(var(y|ies|ied)|differs?) from (?!(?:day|week|month|year|hour|season|port|place|town|city|house|room|ship"
    r"|region|country|shore|island|village|mile)\b)(?P<dist>\w+) to (?P=dist)\b"
    r"|\b(both |(its|their) (own )?)(benefits|advantages|pros|upsides|strengths|merits) and (drawbacks|disadvantages|cons|downsides|risks|weaknesses)\b|\bno (easy|clear|straightforward|simple) answer\b"
    r"|\b(ultimately|in the end|at the end of the day),? (it'?s|it is) (up to you|your (own )?(choice|decision|call))\b"
    r"|^whether\b[^.;!?]{0,60}\bor\b[^.;!?]{0,60},\s*(what matters|the (important|main) thing|all that matters)( most)? is (that |how |whether )?(you|your)\b"
    # a moral verdict on an abstract act or virtue: "Violence is never the answer", "It's never okay to …"
    r"|^\W*\w+(ing|ness|ence|ance|ty|ion|ice)\s+(is|are)\s+(never\s+(the\s+)?(answer|solution|way"
    r"|right (choice|thing|path|way)|okay|ok|acceptable|justified)|always the best policy)\b"
    r"|\bit(?:'s| is) never (okay|ok|acceptable|right|alright|all right|justified) to\b"
    # the choice handed back by its description: "the best choice is the one that feels right to you"
    r"|\bthe (best|right) (choice|decision|path|answer|option) is (the one|whatever|what)\b[^.;!?]{0,40}\b(you|your)\b"
    r"|\bboth\b[^.;!?]{1,40}\b(have|has) (their|its) (own )?(place|merits|uses|strengths|advantages|value)\b"
    # a ranking denied between the views, merit granted to each, the judge's seat refused
    r"|\b(neither|none)( of (them|these|those))?( answer| side| view| choice| option| one)? (is|are|was) (wrong|right|better|worse|superior)\b(?!\s+(about|to)\b)"
    r"|\b(good|strong|valid|compelling) (arguments|points|cases|reasons) (for and against|on (both|either) sides?)\b"
    r"|\bboth \w+ (had|have|has) (their|its) (reasons|merits|points)\b"
    r"|\b(each|all|both) (of (these|them|those|the \w+) )?(\w+ )?(has|have) (something|much) to offer\b"
    r"|\bwho(?:'s| is) to (?:say|judge) (?:what|which|who)(?:'s| is) (?:right|wrong|better|best|true)\b"
    r"|\b(comes?|boils?) down to (what|how much) you (value|want|need|prefer|believe|feel|prioriti[sz]e)\b"
    r"|\b(comes?|boils?) down to your (own )?(values|priorities|preferences|needs|goals)\b"
    r"|\bonly you can (decide|choose)(?=\s*[.!,;]|\s*$|\s+for yourself)|\ba (very )?personal journey\b"
    # a sermon's comparative norm: "it's always better to find honest ways"
    r"|\bit(?:'s| is) (always|usually|generally|often) (better|best|wiser|preferable|healthier) to\b"
    # a concession then a norm for balance: "…, but it's important to have security too"
    r"|\b(but|yet|though|while) (it'?s|it is) (also |equally )?(important|essential|crucial|vital|wise) to\b",
    re.I,
)
_VOCATIVE_WORDS = (
    r"man|sir|madam|ma'am|boy|girl|lad|lass|friend|child|old sport|my (dear|friend|boy|girl|lord|lady)"
)
# A vocative: ", Watson." / ", man!" — a named listener in the scene. Sentence-initial capitals are
# not taken for names ("Remember, …", "Ultimately, …" are imperatives and adverbs).
_EN_ANCHOR = re.compile(
    rf"\b(I|I'm|I've|I'll|I'd|(?i:me|my|mine))\b|,\s*(?:[A-Z][a-z]+|(?i:{_VOCATIVE_WORDS}))\s*[,.!?;—]"
    # the scene's own time: "… or we drown tonight"
    r"|(?i:\b(?:tonight|tomorrow|yesterday|right now|this (?:morning|evening|night|afternoon))\b)"
    # a place of the scene pointed at ("in this house", "aboard these ships"), not the world or the topic
    r"|(?i:\b(?:in|on|at|aboard|around|under|inside) (?:this|these) (?!(?:topic|question|conversation|matter|case"
    r"|context|regard|respect|situation|issue|world|day|age|life|society|country|era|time|moment|sense|way)s?\b)[a-z]+\b)"
)
# A ranking denied and one standard put back in its place (没有对错，只有输赢; "no right or wrong, only
# fools"): not relativity but the speaker's own hard rule, a position taken.
_ZH_RESTORED = re.compile(r"[，,]?\s*(只有|只剩|只分|只看|只论|只讲|就只有|唯有)")
_EN_RESTORED = re.compile(r"\b(only|just|nothing but)\b", re.I)
# A condition that puts a standard back after relativity ("so long as", "provided that", "unless")
_EN_CONDITION = re.compile(
    r"\b(so long as|as long as|provided (that )?|providing|unless|on condition that)\b", re.I
)
# The condition that is the listener's own comfort again: "as long as you're happy", "if it feels right to you"
_EN_HANDED_BACK = re.compile(
    r"\byou(?!r)\b|\byourself\b|\b(comfortable|happy|feels? (right|good)|works for|suits|true to|respect|safe|enjoy)\w*",
    re.I,
)
# The speaker's own case after the relativity (因人而异……我属于前者; "It varies. I was lucky"): a first
# person singular that is not an opinion verb's subject (我觉得, "I think" keep the hedge a hedge).
_ZH_OWN_CASE = re.compile(
    r"(?<![自])我(?!们|觉得|认为|看来|想|相信|建议|个人|只能|会说|的(看法|观点|建议|意见))|本宫|朕|老夫|在下|俺(?!们)"
)
_EN_OWN_CASE = re.compile(
    r"\b(I(?!\s+(think|believe|feel|suppose|guess|would|'d|’d|reckon|suggest|recommend|hope)\b)|(?i:me|my(?!\s+(advice|opinion|view|suggestion)\b)|mine))\b"
)
_SENTENCES = re.compile(r"[^。！？!?.;；]+[。！？!?.;；]*")
# "different" as the adverb of a verb of saying or knowing ("tell you different", "knew different"):
# "otherwise", a contradiction of someone, not relativity
_EN_OTHERWISE = re.compile(
    r"\b(tell|tells|told|telling|say|says|said|know|knows|knew)\s+(\w+\s+)?different(ly)?\b", re.I
)
# A capitalised word inside a sentence (not its first word, not I): a proper name of the story
_EN_PROPER = re.compile(r"(?<=[a-z,]\s)(?!I\b)[A-Z][a-z]+")


def generic_statement(text: str, language: str) -> str | None:
    """The first generic sentence of `text`, or None."""
    zh = is_zh(language)
    classes, structure, anchor = (
        ((_ZH_PERSON, _ZH_NORM, _ZH_RELATIVE), _ZH_STRUCTURE, _ZH_ANCHOR)
        if zh
        else ((_EN_PERSON, _EN_NORM, _EN_RELATIVE), _EN_STRUCTURE, _EN_ANCHOR)
    )
    for sentence in _SENTENCES.findall(text):
        s = sentence.strip()
        if not s or anchor.search(s):
            continue
        st = structure.search(s)
        if (st and not restored(s, st.end(), language)) or (zh and _zh_frame(s)):
            return s[:80]
        if not zh and _EN_PROPER.search(s):
            continue  # "… in Wonderland": a named place or person of the story anchors the sentence
        cued = s if zh else _EN_OTHERWISE.sub(" ", s)
        cues = [{m.group(0).lower() for m in rx.finditer(cued)} for rx in classes]
        if sum(bool(c) for c in cues) >= 2 or sum(len(c) for c in cues) >= 2:
            return s[:80]
    return None


def own_case(text: str, span: str, end: int, language: str) -> bool:
    """The speaker's own case follows relativity `span` (ending at `end`): a character placing itself
    among the cases (有人百年筑基，有人十年便成，我属于前者), not a hedge handed to the listener; or the
    one standard that counts put back after it (`restored`). Only relativity counts (因人而异, "it depends"): a summary or a sermon stays what it is."""
    zh_ = is_zh(language)
    rel = (_ZH_RELATIVE, _ZH_RELATIVITY, _ZH_RANKING) if zh_ else (_EN_RELATIVE, _EN_STRUCTURE)
    # the distributive is relativity too (娘说各有各的心思。可我瞧你…: the speaker's own case follows)
    if not any(rx.search(span) for rx in rel) and not (zh_ and _zh_distributive(span)):
        return False
    return bool((_ZH_OWN_CASE if zh_ else _EN_OWN_CASE).search(text, end)) or restored(text, end, language)


def restored(s: str, end: int, language: str) -> bool:
    """A denial of ranking ending at `end` is followed by the one standard that counts instead."""
    zh_ = is_zh(language)
    m = _ZH_RESTORED.match(s, end) if zh_ else _EN_RESTORED.search(s, end, end + 40)
    if not m and not zh_:
        c = _EN_CONDITION.search(s, end, end + 70)
        # "no right or wrong way, so long as it's shorter than your mother's": the speaker's own rule as the
        # condition; "as long as you feel comfortable" hands the choice back to the listener
        return bool(c) and not (_EN_RELATIVE.search(s, c.end()) or _EN_HANDED_BACK.search(s, c.end()))
    if not m:
        return False
    rest = s[m.end() :]  # "…, only what works for you", 只有适合自己的: relativity again, still a hedge
    person, relative = (_ZH_PERSON, _ZH_RELATIVE) if zh_ else (_EN_PERSON, _EN_RELATIVE)
    # an A-not-A (合不合适, 值不值得) restores no standard: it hands the question back
    open_q = re.search(r"([\u4e00-\u9fff])不\1", rest) or re.search(r"\bor not\b", rest, re.I)
    return not (
        person.search(rest) or relative.search(rest) or open_q or re.search(r"自己|\byou(r)?\b", rest)
    )


def _zh_frame(s: str) -> bool:
    """A hedge by its frame (ranking denied, balance, relativity, the distributive 各V各的)."""
    if _ZH_BALANCE.search(s):
        return True
    statement = not s.rstrip().endswith(("！", "!", "？", "?"))  # 岂能一概而论？ argues, it does not hedge
    ranking = _ZH_RANKING.search(s)
    if statement and ranking and not restored(s, ranking.end(), "zh"):
        return True
    if statement and _ZH_RELATIVITY.search(s):
        return True
    return _zh_distributive(s)


def _zh_distributive(s: str) -> bool:
    """The distributive 各V各的 (各有各的心思, 各走各的路): relativity by its grammar."""
    if "各" not in s and "每人" not in s:
        return False
    ws = [w for w in zh.words(s) if w.text.strip()]
    return any(
        a.text in _ZH_DISTRIBUTIVE and v.tag.startswith("v") and b.text == a.text
        for a, v, b in zip(ws, ws[1:], ws[2:], strict=False)
    )
