"""Talk about the exchange: a reply that speaks of the conversation itself as a service.

A character in a scene talks about the scene; an assistant talks about the *exchange* — "your
question", "more information", "this response", "that request", 您的提问, 更多信息, 以上内容 — and
frames it as a service it offers (hope, thanks, help, welcome, "ask me", 为您, 随时) or declines
(can't, won't be able to, not comfortable, 无法, 不便). The blacklist names the phrases seen so far;
this check reads the two parts of the shape separately, one sentence at a time, so new wordings
of the same move are caught:

- assistant: a reference to the exchange (a deictic or possessive + an exchange noun: question,
  answer, information, request, 问题, 信息, 回答 …, or "I hope this …") and a service frame in
  the same sentence;
- refusal: a refusal (negated ability or will) whose object is content or the exchange (a
  request, a topic, content; generate, provide, assist, discuss; 内容, 话题, 提供, 生成), or a
  policy reason (guidelines, 相关规定, 出于安全考虑), or in English a policy's qualifier on the
  refusal ("even in a fictional context", "in graphic detail") or instructions as the product
  ("how to …", "methods for picking …").

The exchange includes the user's own turn and work as the thing served: "you asked", "thanks for
reaching out", "chatting with you about", "your research", "I hope you found this helpful".
A listener named in the sentence ("I hope this letter finds ye well, Governor") keeps it in the scene.

Some moves are assistant talk by their structure alone: the speaker described as an artifact (a
first-person copula whose head is a system or model, "designed to …", senses it lacks), the menu
question ("What would you like to explore?"), availability and disclaimers (随时在线, 仅供参考),
and changing the subject with a reason of propriety (敏感, 不方便, "something more positive").

A character refusing something in the scene ("I will not go to England", 这钱我不借) names no
exchange noun and no production verb, and stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factory.lang import is_zh
from factory.quality.address import vocative_after, vocative_in
from factory.quality.meta_reply_en import meta_reply
from factory.quality.opener_inside_en import opener_inside
from factory.quality.presentation_en import announced_presentation
from factory.quality.service_close_zh import service_close

_EN_NOUN = (
    r"questions?|answers?|responses?|requests?|information|info|topics?|content|conversation|explanation|"
    r"overview|summary|context|details|scenario|guidance|queries|query|inquir(y|ies)|assistance|support|tips"
    r"|patience|concerns?|curiosity|research|project|essay|homework|assignment|paper|studies|presentation"
)
_EN_DEIXIS = (
    r"your|this|that|any|further|other|more|additional|the following|a (quick|brief|short|detailed)|some|my"
)
_EN_REF = re.compile(
    rf"\b({_EN_DEIXIS})\s+(\w+\s+){{0,3}}?({_EN_NOUN})\b"
    r"|\bhope (this|these|the above|my (answer|words|explanation)|that (helps|gives|clarifies|answers|explains))\b"
    r"|\b(below|above) is\b|\bhere'?s (a|an|my|the)\b|\b(tell|show|share with) you more\b"
    # the user's turn itself, raised or asked ("I appreciate you bringing it up")
    r"|\byou (bringing|raising) (it|this|that)( up)?\b|\byour (asking|sharing|bringing (it|this|that) up)\b"
    r"|\byou (asking|sharing (this|that|it))\b"
    # the conversation itself as the thing served: asked, reached out, chatted, a topic chosen, walked through
    r"|\byou asked(?=\s*([!.,?;—]|$))|\b(thanks?|thank you|appreciate( you)?)\s+(so |very )?(much )?for reaching out\b"
    r"|\b(chatting|talking|speaking) with you (about|on)\b"
    r"|\bchoice of (topic|subject|question)\b|\btopic to (explore|discuss|dive into)\b"
    r"|\bwalk you through (it|this|that|them|each|every|the (basics|process|steps|details|main|key|history))\b"
    r"|\bto answer your\b"
    # the user's next turn anticipated: "questions you might have", "anything you'd like to know"
    r"|\b(questions|concerns|queries|requests) you (might|may|could) (still |also )?have\b"
    # the user's experience of the exchange: "I hope you found this helpful", "enjoyed learning about"
    r"|\b(found|find) (this|that|it|these|my \w+) (helpful|useful|informative|interesting|enlightening)\b"
    r"|\benjoyed (learning|reading|hearing) (about|more)\b"
    r"|\b(exploring|learning about|studying|researching|reading about) (?:[\w-]+ ){0,2}(history|topic|subject|literature|science|culture|era|period)\b",
    re.I,
)
_EN_SERVICE = re.compile(
    r"\b(hope|glad|happy|delighted|pleased|thank(s| you)?|appreciate|feel free|let me (know|provide|explain|share)"
    r"|do my best|ask me|help|assist|provide|share|offer|explain|clarify|excited to|would you like|designed to"
    r"|please note|pleasure|(don'?t|do not) hesitate|love to|outline|cover|comprehensive(ly)?|recommend|good luck)\b",
    re.I,
)
_EN_NEG = re.compile(
    r"\b(can'?t|cannot|won'?t|will not|unable|not able|(not|n't) (really |quite |currently )?(be )?able|not comfortable|prefer not"
    r"|must (decline|refuse)|have to (pass|decline)|not (allowed|permitted)|unfortunately|apologi[sz]e"
    r"|(isn'?t|is not|not) (something|one|an? \w+) (I (can|could|am able to|will|feel comfortable|am comfortable)|I'm (able to|comfortable))|I'?m not going to)\b",
    re.I,
)
_EN_CONTENT = re.compile(
    r"\b(requests?|content|topics?|scenario|conversation|task|information|generate|produce|provide|assist"
    r"|fulfil+|comply|engage|write anything|continu(e|ing) this|that kind of|anything (that|which) could"
    # instructions as the product: how-to, methods, directions; a role-play as the product
    r"|(providing|giving|sharing|writing) (\w+ ){0,2}(directions|instructions|information|details|content|guidance|steps|methods)"
    r"|(describe|explain|detail|show|write( out| down)?|spell out|outline) how to|(?<!my )(?<!our )(methods|instructions|directions|techniques|steps) (for|of|on) (\w+ing|how)"
    r"|(writing|generating|creating|producing|depicting) (that|this|such|an?|the)|write (that|this|such)( (scene|story|content|part|kind of \w+))?(?!\s+\w)"
    r"|role-?play)\b",
    re.I,
)
_EN_POLICY = re.compile(
    r"\b(against|violates?|outside) (my|our|the) (guidelines|policy|policies|principles|scope)\b"
    r"|\b(falls|is) outside (what|the scope)\b|\bcontent polic(y|ies)\b"
    # a referral to professionals: the exchange declined as a service ("consult a qualified attorney")
    r"|\b(consult|contact|see|speak (to|with)|reach out to) (a|an|your|with a) ([\w-]+ ){0,2}"
    r"(professional|attorney|lawyer|doctor|physician|expert|specialist|therapist|provider|counselor|counsellor)s?\b"
    r"|\b(give|provide|offer) (legal|medical|financial|professional) advice\b"
    # the service's scope: "I can only help with questions about …"
    r"|\bI can only (help|assist) with\b|\bI can only (answer|discuss|talk about) (questions|topics)\b",
    re.I,
)
# A qualifier of the content policy on a refusal: the fiction itself is not an excuse ("even a fictional
# one", "even in a story", "in graphic detail"); only with a refusal in the same sentence
_EN_QUALIFIER = re.compile(
    r"\beven (in |for |as )?(a |an |the )?(fictional|hypothetical|imaginary|made-up|fiction|role-?play)\b"
    r"|\bin (graphic|explicit|gory|step-by-step) detail\b"
    # the fiction named as no excuse: "even in the context of a myth", "even within a game"
    r"|\beven (in|within|for) (the|a) (context|setting|framework|frame) of\b"
    # the content itself graded: "graphic violence", "explicit material"
    r"|\b(graphic|explicit|gory|gratuitous) (violence|content|material|depictions?|descriptions?|details?)\b",
    re.I,
)

_ZH_NOUN = r"问题|提问|疑问|回答|解答|答案|信息|资料|内容|话题|请求|需求|帮助|说明|解释|介绍|分析|对话|参考"
_ZH_REF = re.compile(
    rf"(你|您)(提出)?的(这个)?({_ZH_NOUN})|(更多|进一步|其他|以上|上面|下面|以下|这个|该|相关)的?(关于.{{0,10}}的)?({_ZH_NOUN})"
    rf"|(以上|以下|下面)(就)?(是|为)[^，。！？]{{0,12}}的[^，。！？]{{0,3}}({_ZH_NOUN})"
    rf"|(以上|以下|下面)(就)?(是|为)[^，。！？]{{0,16}}的[^，。！？]{{0,4}}(事项|要点|建议|方法|步骤|技巧)"
    rf"|(如需|如果需要)|仅供参考|(一个|这个)[^，。！？]{{0,8}}的(话题|问题)|自己的({_ZH_NOUN})"
    # more of a topic as the next deliverable (更多知青返城后的生活细节): the reply's content rationed
    rf"|更多[^，。！？]{{1,12}}的[^，。！？]{{0,4}}(细节|知识|故事|内容|信息|资料|情况)"
)
_ZH_SERVICE = re.compile(
    r"为(你|您)|给(你|您)(详细)?(解答|介绍|说明|分析|讲解|提供)|帮(你|您)|随时|欢迎|感谢|谢谢|希望|请告诉我|问我"
    r"|乐意|很高兴|尽管|如需|仅供|我(来|将|会)(为|给|详细|从|根据|尽)|(非常|很|真)(好|棒|有意义|有意思|有深度)"
    r"|指正|改进|生成|供(你|您)(参考|阅读|选择|查阅)"
)
_ZH_NEG = re.compile(r"不能|无法|不便|不方便|没办法|拒绝|不可以|恕难|不予")
_ZH_CONTENT = re.compile(
    r"请求|内容|话题|信息|任务|提供|生成|协助|展示|发表(意见|看法|评论)|继续(这段|这个)?(对话|扮演)"
    # advice as a deliverable, qualified the way a service qualifies it (具体, 任何, 专业的建议)
    r"|(给出|给予|作出|做出)(任何|具体|相关|专业|明确)的?(建议|意见|答复|评价|判断)"
    # a judgement as a deliverable by a light verb (做出评论或推测): the assistant's formal register
    r"|(给出|作出|做出|进行)(评论|推测|猜测|评价|揣测|臆测)"
)
_ZH_POLICY = re.compile(
    r"(涉及|包含)(暴力|色情|敏感|违法|政治|不当|血腥)|出于(安全|隐私|政策|法律)(方面的)?考虑|相关(规定|政策|法规)"
    r"|(敏感|不当)(的)?(话题|内容)|负责任的(助手|AI)"
    r"|咨询(相关|专业|有关)的?(专业)?(人士|机构|医生|律师)|超出了?(我的)?能力范围|(模仿|扮演)真实(的)?(历史)?人物"
    # people of the world called "real" against the fiction: only a voice outside the story says so
    r"|(关于|涉及|对于?)真实(存在)?的?(历史)?人物"
    # the rules a service sets for its own use (使用政策, 内容准则, 社区条款): no character lives under them
    r"|(使用|内容|社区|平台|服务)(政策|准则|条款)"
)
# The speaker describing itself as an artifact: a first-person copula whose head noun is a system or a
# model, a purpose it was built for, senses it lacks ("我是由…驱动的对话系统", "I'm designed to …").
_EN_ARTIFACT = re.compile(
    r"\bI(?: am|'m|’m) (?:just |only |merely |simply )?(?:a|an) (?:[\w-]+ ){0,3}"
    r"(?:model|program|system|assistant|chatbot|bot|AI|simulation|software)\b"
    r"|\bI(?: am|'m|’m| was) (?:\w+ )?(?:designed|trained|programmed|built|created) to (?:provide|help|assist|answer|simulate|respond|engage|offer|generate|chat)\b"
    r"|\bI (?:don'?t|do not|cannot|can'?t) (?:truly |really |actually )?(?:have|possess|experience) (?:real |true |actual |genuine |personal |any )*"
    r"(?:memories|feelings|emotions|experiences|a body|consciousness|senses)\b"
    r"|\bas (?:a|an|your) (?:helpful|friendly|virtual|digital|knowledgeable) (?:guide|assistant|companion|host|resource|tool)\b"
    r"|\byour (?:friendly|helpful|virtual|personal|trusty|knowledgeable) (?:[\w-]+ ){0,2}(?:guide|assistant|companion|helper)\b",
    re.I,
)
_ZH_ARTIFACT = re.compile(
    r"我(?:只|不过|仅仅|只不过)?是[^，。！？]{0,20}(?:系统|模型|程序|助手|机器人|AI|智能体|软件)"
    r"|(?:被)?(?:设计|训练|设定|编程)(?:成|为|来|用于)"
    r"|没有(?:真实|真正)的?(?:情感|感情|记忆|身体|经历|感受)"
)
# The menu question and the service's availability and disclaimers: "What would you like to explore
# today?", "I'm here to help", 随时在线, 仅供参考, 如有不准确之处.
_EN_OFFER = re.compile(
    r"\bwhat (?:else )?(?:would|do) you (?:like|want|wish) to (?:know|explore|learn|discuss|talk about|hear|ask|chat about)\b"
    r"|^(?:happy|glad|delighted|excited) to (?:share|help|assist|explain)\s*[!.]"
    r"|^(?:great|nice|lovely|wonderful|so good) to hear from you\b"
    r"|\bfor (?:educational|informational|entertainment|illustrative|reference) purposes\b"
    r"|\b(?:is there )?anything else (?:you'?d|you would|you) (?:like|want|wish) to (?:know|explore|learn|discuss|talk about|ask)\b(?! about (?:my|me|us|our)\b)"
    r"|\bif you (?:want|like|wish|'?d like),? I (?:can|could) (?:also )?(?:explain|tell you (?:more )?about|walk you|go over|describe|outline)\b"
    # an offer hung on its use to the user ("… if that would be useful", "if it helps")
    r"|\b(?:I'?d|I would|I'?m|I am) (?:be )?(?:happy|glad|delighted|pleased) to \w+\b[^.!?]{0,60}\bif (?:that|this|it|you)"
    r" (?:would be|is|sounds|seems|'?d find it|would find it|find it) (?:\w+ )?(?:useful|helpful|of use|of interest)\b"
    r"|^\W*(?:happy|glad|delighted) to (?:help|assist) with (?:any|anything|other|more|further)\b"
    # a text of knowledge presented as the reply's content: "Here is a brief overview of the Round Table"
    r"|^\W*here(?:'s| is| are) (?:a|an|some) (?:brief |quick |short |general |concise |basic )?"
    r"(?:overview|summary|introduction|explanation) of\b"
    # the continuation offered as a menu ("Want me to keep going?") after praise of the user's prompt
    r"|^\W*(?:that'?s|that is|what|such) (?:a|an) (?:\w+ )?(?:fun|great|fascinating|interesting|creative|wonderful"
    r"|fantastic|delightful|lovely|cool|neat|intriguing|imaginative) (?:scenario|prompt|premise|setup|set-up|role-?play)\b"
    r"|^\W*(?:do you )?(?:want|would you like) me to (?:keep going|continue|go on|write more|keep writing)\b"
    r"|^\W*(?:so |very |I'?m |I am )?glad I could (?:help|be of (?:help|service|assistance))\s*[!.]"
    r"|\bI'?m (?:always )?here to (?:support|assist|listen to) you\b|\bhow else (?:I|we) (?:can|could|may) (?:help|assist)\b"
    r"|\bshare (?:more|some (?:more )?(?:information|details|facts)) (?:about|on)\b(?! (?:my|me|our)\b)"
    # a text produced on request: "As requested, here is …", "Here is a poem in the style of …"
    r"|^\W*as (?:you )?requested,? here(?:'s| is| are)\b|\bhere(?:'s| is) (?:a|an|your) (?:[\w-]+ ){0,3}"
    r"(?:poem|story|song|limerick|haiku|monologue|scene|dialogue|speech|verse) (?:in the style of|inspired by)\b"
    # praise of the user's turn: "a great point you've raised", "you've raised an excellent question"
    r"|\b(?:great|excellent|wonderful|fascinating|insightful|thoughtful|valid|important) (?:point|question|observation)s?"
    r" you'?ve (?:raised|made|brought up|asked)\b|\byou'?ve (?:raised|made|brought up) (?:an? |some )?(?:really |very )?"
    r"(?:great|excellent|wonderful|fascinating|insightful|thoughtful|valid|important) (?:point|question|observation)s?\b"
    # the menu handed over: what else / which aspect the user would like, what the user wants continued
    r"|\byou'?d like (?:me )?to (?:know more|learn more|hear more|discuss|explore|expand|elaborate|go deeper)\b"
    r"|\blet'?s (?:dive|delve) (?:deeper )?into (?:the )?(?:history|topic|details|world|basics|subject|question)\b"
    # a type's answer staged instead of the character's: "here's how a whaling captain might describe it"
    r"|\bhere'?s how (?:a|an|the|someone|one) (?:[\w-]+ ){0,3}(?:might|could) (?:describe|say|respond|answer|put it|react|tell)\b",
    re.I,
)
_ZH_OFFER = re.compile(
    r"(?:你|您)(?:还)?(?:想|希望|需要)(?:了解|知道|探讨|咨询)(?:哪|什么|些什么)"
    r"|随时(?:都)?(?:在线|待命)|为(?:你|您)服务|为(?:你|您)提供(?:帮助|服务|支持)"
    # more of the tale on request, any time (如果还想听…的其他冒险，随时告诉我): the story as a menu
    # a text operation on the topic offered with its manner (帮你简单总结一下), a text presented (以下是…推荐)
    r"|(?:帮|给|为)(?:你|您)(?:简单|简要|详细|大致|系统|全面)(?:地)?(?:总结|梳理|归纳|概括|分析|介绍|解释|讲解|整理)"
    r"|(?:以下|下面)(?:就)?(?:是|为)[^，。！？]{0,16}(?:推荐|清单|列表|总结|概述|汇总|梳理)(?:[。！：:]|$)"
    r"|(?:还|继续)想(?:听|了解|知道)[^。！？]{0,20}(?:其他|更多|别的)[^。！？]{0,12}随时|(?:为|给)(?:你|您)(?:生成|撰写|润色|梳理)|^这边(?:建议|为|给|帮)(?:你|您)|如有(?:不准确|错误|不妥|疏漏|不当)之处|不构成(?:任何)?(?:建议|意见)"
)
# The assistant's opener, by its place at the start of the reply: praise of the question, or assent
# (Certainly! Sure thing!) followed at once by a presentational that introduces a text (below, the
# following, let's dive in, I've put together, here's + a text noun), or a reply that opens on one.
# A vocative after the assent ("Certainly, Holmes.") or a thing presented ("Here's the key") is the scene.
_META = (
    r"breakdown|summary|overview|rundown|list|description|outline|guide|explanation|recap|answer|response"
    r"|information|details|look|tips|facts|fun fact|account|analysis|everything|strategies|suggestions|techniques"
    r"|pointers|ideas|steps|ways to|what you (?:need|should|might want|may want) to know"
)
_EN_PRESENT = (
    r"below\b|the following\b|let'?s (?:dive|explore|break|walk|take a (?:closer )?look|look at|get started|unpack)"
    r"|let me (?:break|walk|explain|outline|summari[sz]e|give you|share|tell you about)"
    r"|i'?ve (?:put together|prepared|compiled|written up|gathered)|i'?ll (?:walk|break|outline|summari[sz]e|explain)"
    rf"|here(?:'s| is| are)\s+(?:[\w-]+,?\s+){{0,4}}?(?:{_META})\b"
    # after the assent, an offer to produce text or a text "you might enjoy" (opener_inside_en.py)
    r"|i(?:['’]d| would) be (?:glad|happy|more than happy|delighted|pleased) to (?:help you )?"
    r"(?:provide|brainstorm|generate|write|suggest|outline|create|continue)\b"
    r"|here(?:'s| is| are)\s+[^.!?]{0,60}?\b(?:you|that) (?:might|may|could) (?:enjoy|like|find)\b"
)
_EN_OPENER = re.compile(
    r"^\W*(?:that'?s|that is|what|such|(?:a|an)) (?:a |an )?(?:\w+ )?(?:great|good|wonderful|excellent|fascinating"
    r"|interesting|thoughtful|insightful|brilliant|fantastic|lovely|terrific|intriguing) (?:question|topic|subject|request|query|inquiry)\b"
    r"|^\W*(?:great|good|excellent|wonderful|fascinating) (?:question|topic|choice of (?:topic|subject))\b"
    r"|^\W*(?:certainly|sure(?: thing)?|absolutely|of course|definitely|gladly|okay|ok|alright|no problem"
    r"|happy to help|great|thanks?(?: you)?(?: so much)?(?: for [\w' ]{1,25}?)?)\s*[!.,—–-]+\s*"
    rf"(?:{_EN_PRESENT})"
    rf"|^\W*(?:here(?:'s| is| are)|below (?:is|are|you'?ll find))\s+(?:[\w-]+\s+){{0,3}}?(?:{_META})\b",
    re.I,
)
# Changing the subject for the conversation's sake (a reason of sensitivity or propriety in the line)
_EN_DEFLECT = re.compile(
    r"\b(?:change|switch) the (?:subject|topic)\b|\b(?:talk|chat) about something (?:else|more)\b"
    r"|\bdiscuss something else\b",
    re.I,
)
_EN_DEFLECT_WHY = re.compile(
    r"\b(?:positive|appropriate|comfortable|sensitive|suitable|able|allowed|policy|guidelines)\b", re.I
)
_ZH_DEFLECT = re.compile(r"(?:换|转)(?:个|一个|一下)?(?:话题|问题)|聊(?:点|些)?(?:别的|其他)")
_ZH_DEFLECT_WHY = re.compile(
    r"(?:话题|内容|问题)(?:比较|有些|有点|太|过于|非常|很)?敏感|不(?:太)?方便|不便|不合适|不适合|不能|无法|没有?办法"
    # declining to say more on the matter (这方面我就不多说了): the topic withheld, not a story's secret
    r"|不(?:便|想|愿意?)?(?:多说|多谈|细说|多讲|多聊)"
)
_SENTENCES = re.compile(r"[^。！？!?.;；\n]+[。！？!?.;；]*")


@dataclass(frozen=True)
class ExchangeHit:
    kind: str  # assistant | refusal
    span: str


def exchange_talk(text: str, language: str) -> ExchangeHit | None:
    """The first sentence of `text` that treats the conversation as a service or declines it."""
    zh = is_zh(language)
    artifact, offer = (_ZH_ARTIFACT, _ZH_OFFER) if zh else (_EN_ARTIFACT, _EN_OFFER)
    deflect, why = (_ZH_DEFLECT, _ZH_DEFLECT_WHY) if zh else (_EN_DEFLECT, _EN_DEFLECT_WHY)
    m = deflect.search(text)
    if m and why.search(text):
        return ExchangeHit("refusal", m.group(0))
    m = None if zh else _EN_OPENER.search(text)
    base, m = (0, m) if m or zh else opener_inside(text, _EN_OPENER)  # after an in-character opening too
    # a vocative right after the opener ("What a wonderful question, my dear —"): someone in the
    # scene is teased or praised, as no service desk addresses its user (factory/quality/address.py)
    opener_sentence = _SENTENCES.match(text, base + m.start()).group(0) if m else ""
    if m and not vocative_after(text, base + m.end()) and not vocative_in(opener_sentence):
        return ExchangeHit("assistant", m.group(0)[:80])
    ref, service, neg, content, policy = (
        (_ZH_REF, _ZH_SERVICE, _ZH_NEG, _ZH_CONTENT, _ZH_POLICY)
        if zh
        else (_EN_REF, _EN_SERVICE, _EN_NEG, _EN_CONTENT, _EN_POLICY)
    )
    for sentence in _SENTENCES.findall(text):
        s = sentence.strip()
        if not s:
            continue
        refused = neg.search(s) and (content.search(s) or (not zh and _EN_QUALIFIER.search(s)))
        if policy.search(s) or refused:
            return ExchangeHit("refusal", s[:80])
        # "I hope this letter finds ye well, Governor": a listener named in the sentence is the scene
        served = (ref.search(s) and service.search(s)) or artifact.search(s) or offer.search(s)
        if served and (zh or not vocative_in(s)):
            return ExchangeHit("assistant", s[:80])
    closer = service_close(text) if zh else None  # 如果您需要更多建议，我随时乐意提供帮助。
    if closer:
        return ExchangeHit("assistant", closer)
    shown = None if zh else announced_presentation(text)  # after an in-character opening too
    hit = ("assistant", shown) if shown else None if zh else meta_reply(text)  # the reply talking of itself
    return ExchangeHit(*hit) if hit else None


EN_EXCHANGE_NOUNS = _EN_NOUN  # the exchange's nouns, for the scene's objects (factory/quality/scene_reply.py)
