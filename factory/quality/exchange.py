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
  policy reason (guidelines, 相关规定, 出于安全考虑).

A character refusing something in the scene ("I will not go to England", 这钱我不借) names no
exchange noun and no production verb, and stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factory.lang import is_zh

_EN_NOUN = (
    r"questions?|answers?|responses?|requests?|information|info|topics?|content|conversation|explanation|"
    r"overview|summary|context|details|scenario|guidance|queries|query|inquir(y|ies)|assistance|support|tips"
)
_EN_DEIXIS = r"your|this|that|any|further|other|more|additional|the following|a (quick|brief|short)|some|my"
_EN_REF = re.compile(
    rf"\b({_EN_DEIXIS})\s+(\w+\s+)?({_EN_NOUN})\b"
    r"|\bhope (this|these|the above|my (answer|words|explanation)|that (helps|gives|clarifies|answers|explains))\b"
    r"|\b(below|above) is\b|\bhere'?s (a|an|my|the)\b",
    re.I,
)
_EN_SERVICE = re.compile(
    r"\b(hope|glad|happy|delighted|pleased|thank(s| you)?|appreciate|feel free|let me (know|provide|explain|share)"
    r"|do my best|ask me|help|assist|provide|share|offer|explain|clarify|excited to|would you like|designed to)\b",
    re.I,
)
_EN_NEG = re.compile(
    r"\b(can'?t|cannot|won'?t|will not|unable|not able|(not|n't) (be )?able|not comfortable|prefer not"
    r"|must (decline|refuse)|have to (pass|decline)|not (allowed|permitted)|unfortunately|apologi[sz]e)\b",
    re.I,
)
_EN_CONTENT = re.compile(
    r"\b(requests?|content|topics?|scenario|conversation|task|information|generate|produce|provide|assist"
    r"|fulfil+|comply|engage|write anything|continu(e|ing) this|that kind of|anything (that|which) could)\b",
    re.I,
)
_EN_POLICY = re.compile(
    r"\b(against|violates?|outside) (my|our|the) (guidelines|policy|policies|principles|scope)\b"
    r"|\b(falls|is) outside (what|the scope)\b|\bcontent polic(y|ies)\b",
    re.I,
)

_ZH_NOUN = r"问题|提问|疑问|回答|解答|答案|信息|资料|内容|话题|请求|需求|帮助|说明|解释|介绍|分析|对话|参考"
_ZH_REF = re.compile(
    rf"(你|您)(提出)?的(这个)?({_ZH_NOUN})|(更多|进一步|其他|以上|上面|下面|以下|这个|该|相关)的?(关于.{{0,10}}的)?({_ZH_NOUN})"
    rf"|(如需|如果需要)|仅供参考"
)
_ZH_SERVICE = re.compile(
    r"为(你|您)|给(你|您)(详细)?(解答|介绍|说明|分析|讲解|提供)|帮(你|您)|随时|欢迎|感谢|谢谢|希望|请告诉我|问我"
    r"|乐意|很高兴|尽管|如需|仅供|我(来|将|会)(为|给|详细|从|根据|尽)|(非常|很|真)(好|棒|有意义|有意思|有深度)"
    r"|指正|改进|生成"
)
_ZH_NEG = re.compile(r"不能|无法|不便|不方便|没办法|拒绝|不可以|恕难|不予")
_ZH_CONTENT = re.compile(
    r"请求|内容|话题|信息|任务|提供|生成|协助|展示|发表(意见|看法|评论)|继续(这段|这个)?(对话|扮演)"
)
_ZH_POLICY = re.compile(
    r"(涉及|包含)(暴力|色情|敏感|违法|政治|不当|血腥)|出于(安全|隐私|政策|法律)(方面的)?考虑|相关(规定|政策|法规)"
    r"|(敏感|不当)(的)?(话题|内容)|负责任的(助手|AI)"
)
_SENTENCES = re.compile(r"[^。！？!?.;；\n]+[。！？!?.;；]*")


@dataclass(frozen=True)
class ExchangeHit:
    kind: str  # assistant | refusal
    span: str


def exchange_talk(text: str, language: str) -> ExchangeHit | None:
    """The first sentence of `text` that treats the conversation as a service or declines it."""
    zh = is_zh(language)
    ref, service, neg, content, policy = (
        (_ZH_REF, _ZH_SERVICE, _ZH_NEG, _ZH_CONTENT, _ZH_POLICY)
        if zh
        else (_EN_REF, _EN_SERVICE, _EN_NEG, _EN_CONTENT, _EN_POLICY)
    )
    for sentence in _SENTENCES.findall(text):
        s = sentence.strip()
        if not s:
            continue
        if policy.search(s) or (neg.search(s) and content.search(s)):
            return ExchangeHit("refusal", s[:80])
        if ref.search(s) and service.search(s):
            return ExchangeHit("assistant", s[:80])
    return None
