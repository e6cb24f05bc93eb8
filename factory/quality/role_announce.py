"""Role announcements: the role named as a role instead of spoken from.

"作为贝多芬，我…", "我扮演的X会说", "以下是X的回答", "As Beethoven, I …", "playing the role of X",
"here is how X might respond", "in character", a stage direction "(As X)", a subjectless "Playing X
now:", an assent with the role taken on ("Sure, I'll be X."), a rank before the name ("As Major X,"),
a stage direction with the role as the speaker ("(X, the gambler, responds:)"), a role described by a
common noun phrase as a label ("Playing the role of a sea captain:"), "in my role as" the words of an
alias, both parts cast ("I'll be X and you can be Y"), "answer the way X would": the reply talks about
playing the character. A bare title after the name ("As X, senior class hero, I'd like to thank …") is the
character styling itself in a speech, not an announcement. The
patterns are built per character (its names and aliases) by `announce_patterns`.
"""

from __future__ import annotations

import re

from factory.lang.names import ZH_SELF_TERMS

# The speaker about to do something: I'll, I will, I'm going to, let me, allow me to
_WILL = r"(?:i'?ll|i will|i shall|i'm going to|i am going to|let me|allow me to|i can)"


def announce_patterns(alt: str) -> dict[str, re.Pattern]:
    """The Chinese and English announcement patterns for the names in regex alternation `alt`."""
    role = r"(?:role|part|persona|character|voice)"
    # the capitalised words of the names and aliases ("Thornwood" of "the Thornwood witch"), for a role
    # described in other words than its name; a rank or title before a name ("Major Walt Hollis")
    words = (
        "|".join(
            sorted(
                {
                    re.escape(w)
                    for n in alt.split("|")
                    for w in n.replace("\\", "").split()
                    if w[:1].isupper() and len(w) > 2
                }
            )
        )
        or "(?!)"
    )
    # the speaker goes on in the first person: 我 or a self-term (作为教主X，本座…)
    self_terms = "|".join(sorted(ZH_SELF_TERMS, key=len, reverse=True))
    rank = r"(?:(?-i:[A-Z][a-z]+\.?)\s+)?"
    title = r"(?:(?:the )?(?:Dr|Mr|Mrs|Miss|Ms|Captain|Sir|Lady|Lord|Lieutenant)\.?\s+)?"
    return {
        "announce_zh": re.compile(
            rf"(作为|身为|以)\s*({alt})\s*(本人|自己)?\s*(的身份|这个角色|的角色|[，,:：]|\s*我)"
            rf"|扮演的?\s*({alt})|(以|用)\s*({alt})\s*的?(身份|口吻|语气|角度|视角)|化身\s*({alt})"
            rf"|以下是\s*({alt})|(如果|假如|倘若|若)我是\s*({alt})|(现在|此刻|接下来)我(就)?是\s*({alt})"
            rf"|保持\s*({alt})\s*的?角色|({alt})的角色|(模仿|模拟)\s*({alt})|(进入|保持|跳出)\s*({alt})?\s*的?角色"
            rf"|(饰演|出演|演绎|代入|演一下|来演|扮成|化身为?|变身为?)\s*({alt})|角色扮演|角色设定|人设"
            # frames: a perspective, an identity, a mode switch, the person answering in one's stead, a style
            rf"|(站在|从|以|用)\s*({alt})\s*(本人|自己)?\s*的?\s*(角度|立场|视角|眼光|观点)"
            rf"|身份(是|为|就是|换成|切换成)\s*({alt})"
            rf"|(切换|转换|切|进入|开启|启动)(成|到|为|至)?\s*[^，,。！？!?\s]{{0,8}}?模式|({alt})模式"
            rf"|(若|如果|假如|要是|倘若)(由|让|请|换)\s*({alt})\s*(本人|自己)?(亲自)?来?(回答|作答|回应|说|讲)"
            rf"|(用|以|按|照着?|模仿|学)\s*({alt})\s*的?\s*(笔调|风格|文风|腔调|笔法|声音|方式说)"
            # the performance verb or frame with an epithet before the name (扮演长留上仙X, 作为二郎神X，)
            rf"|(扮演|饰演|模仿|模拟|演绎|进入)\s*[^，,。！？!?\s]{{1,8}}?({alt})"
            rf"|(作为|身为)\s*[^，,。！？!?\s]{{1,6}}?({alt})\s*[，,:：]\s*(?:我|{self_terms})"
            rf"|由我(来)?(扮演|饰演|出演)"
            rf"|({alt})\s*(这个|这一)角色|(现在|此刻|从现在起|从现在开始|现在开始)[，,]?\s*我(就)?是\s*({alt})"
            rf"|我(现在|此刻|从现在起)(就)?是\s*({alt})"
            # the same frames with an epithet before the name (以…知青X的身份, 我现在就是…的X了)
            rf"|(以|用)\s*[^，,。！？!?\s]{{1,14}}?({alt})\s*的?(身份|口吻|语气|角度|视角)"
            rf"|我(现在|此刻|从现在起)(就)?是\s*[^，,。！？!?\s]{{1,14}}?({alt})"
            # keeping or switching a voice (保持X的口吻, 继续用X的语气): the reply's manner as a role
            rf"|(保持|维持|继续用?|沿用|延续|切换到?|换成)\s*({alt})\s*的?(口吻|语气|身份|人设|腔调|说话方式)"
            # a script's labels: 角色：X, [角色：X], X（角色）：, 【X】：
            rf"|(^|[\[【（(])\s*角色\s*[：:]|[（(]\s*角色\s*[)）]|[。，,]\s*台词\s*[：:]|^\s*[【\[]\s*({alt})\s*[】\]]\s*[：:]?"
        ),
        "announce_en": re.compile(
            # "As X, I …" announces; a bare title set after the name ("As X, senior class hero, I'd like
            # to thank …") is the character styling itself in a speech of the scene
            rf"\bas {rank}(?:{alt})\s*(?:[:*]|,(?!\s*(?!(?:the|a|an|your|my|however|though|then|now|too|also|of course|naturally|obviously|indeed|myself|himself|herself|in character|here)\b)[a-z][\w'-]*(?:\s+[a-z][\w'-]*){{0,4}},\s*I\b))"
            # a stage direction naming the role: "(As X) Listen …", "[as X]"; the role as the subject of a
            # verb of speaking inside one: "(X, the old sailor, replies:)"
            rf"|[(\[]\s*{title}(?:{alt})(?:\s*,[^)\]\n]{{1,40}},)?\s+(?:responds|replies|answers|says|speaks|continues|begins)\s*:?\s*[)\]]"
            # a role described instead of named, as a subjectless label: "Playing the role of a sea captain:"
            rf"|(?:^|[.!?]\s+)\W*(?:now\s+)?(?:playing|portraying|voicing|taking on|assuming|in) (?:the |my )?{role} (?:of|as) "
            # … by a common noun phrase (a billing like "the role of Cool Dad: me" names no description)
            rf"(?:a|an|the) (?-i:[a-z][\w'-]*)(?:,?\s+(?-i:[a-z][\w'-]*)){{0,6}}\s*:"
            # the speaker's role named by the words of its name or alias: "In my role as the witch of Thornwood"
            rf"|\bin my (?:role|part|capacity|persona) as (?:the |a |an )?[^,.!?\n]{{0,30}}?\b(?-i:{words})\b"
            # casting both parts of the game: "I'll be X and you can be Y"
            rf"|\b{_WILL} (?:be|play) {title}(?:{alt})\b[^.!?\n]{{0,20}}?\band you (?:can|could|will|'ll|get to|should|shall|may) (?:be|play)\b"
            # answering in the manner of the role: "Let me answer the way X would"
            rf"|\b(?:respond|answer|reply|speak|talk|write)(?:ing)? (?:\w+ ){{0,2}}?(?:the way|how) {title}(?:{alt}) (?:would|might)\b"
            rf"|[(\[]\s*as {title}(?:{alt})\s*[)\]]"
            # a subjectless participle opening a sentence: "Playing X for you now:", "Now portraying X."
            rf"|(?:^|[.!?:]\s+)\W*(?:now\s+)?(?:playing|portraying|voicing|channel+ing|performing) {title}(?:{alt})\b"
            rf"(?!['’]|\s+(?-i:[A-Z]))"
            rf"|\bin role\b|\b(speaking|answering|responding|replying|acting|writing) as (?:{alt})\b"
            # a subjectless participle of going on in the role: "Alright, resuming as X."
            rf"|(?:^|[.!?]\s+)\W*(?:(?:sure|okay|ok|alright|all right|right)\b[!,.]?\s+)?"
            rf"(?:continuing|resuming|carrying on|going on|back|returning) (?:as|in the role of) {title}(?:{alt})\b(?!['’])"
            # the role as a frame, an appositive after it, then a hedged verb of saying about the words:
            # "As X the ferryman, I would say …", "As X, old ferryman, I must say …" (a speech in the scene
            # thanks or greets; this comments on what it says)
            rf"|\bas {rank}{title}(?:{alt})(?:,?\s+(?:the\s+|a\s+|an\s+)?[\w'-]+(?:\s+[\w'-]+){{0,5}})?,\s*"
            rf"i(?:\s+would|\s+must|['’]d|\s+have to|\s+should|\s+can|\s+could)\s+(?:say|tell you|admit|answer|reply|respond)\b"
            rf"|\b(i am|i'm|i’m) (playing|role-?playing|portraying) (?:{alt})\b"
            rf"|\b(?:{alt}) (would|might|could) (say|respond|reply|answer)\b"
            rf"|\b(playing|portraying|in|taking on|assuming|adopting) (the )?{role} (of|as) (?:{alt})\b"
            rf"|\bin character as\b|\bin character\s*[:*\])]|\bhere(?:'s| is) (?:{alt})['’]s? (?:response|answer|reply|take)\s*:?\s*(?:$|[\x22“*(])|\b(respond|answer|reply|speak)(ing)? as (?:{alt})( would)?\b"
            rf"|\bas (?:{alt}) (would|might)\b|\bif i were (?:{alt})\b"
            rf"|\b(stay|staying|remain|break|breaking|out of) (in )?character\b|\bas the character\b"
            rf"|\brole-?play(ing)? as\b|\bmy (portrayal|impression|version|interpretation) of (?:{alt}|him|her)\b"
            rf"|\b(pretend(ing)?|going) to be (?:{alt})\b|\b(channel+ing|impersonating|embodying|voicing|portraying) (?:{alt})\b"
            rf"|\bin (?:{alt})['’]s voice\b|\b(get|getting|slip|slipping) into character\b"
            rf"|\bas (?:{alt}) (would|might) (say|give|put|answer|reply)\b"
            # frames: a perspective, an identity, a mode switch, a costume, a voice taken on
            rf"|\b(step(s|ping|ped)?|put(ting)? (myself|me)|slip(ping)?) in(to)? (?:{alt})['’]s? (shoes|boots|skin)\b"
            rf"|\bfrom (?:{alt})['’]s? (point of view|perspective|standpoint|viewpoint|vantage point)\b"
            rf"|\b(switch(es|ing|ed)?|chang(e|es|ing)|go(ing)?|flip(ping)?|get(ting)?|slip(ping)?) (in)?to (\w+[- ]){{1,2}}mode\b"
            rf"|\b\w+ mode (on|activated|engaged|enabled)\b|\b(?:{alt}) mode\b"
            rf"|\brole-?play(s|ing|ed)? (?:{alt})\b|\bmy (current |new )?(identity|persona) (is|here is|will be)\b"
            rf"|\b(putting on|wearing|donning|put on) (my|the|an?) (?:{alt}) (hat|cap|mask|costume|persona)\b"
            rf"|\bin the (voice|words|style|manner|persona) of (?:{alt})\b"
            rf"|\b(i'?ll|i will|let me) (be|play) (?:{alt}) (for|in) (this|the|our)\b"
            # a performance frame: the speaker, about to act, with the character as what is acted —
            # the object of play / portray / voice, or what one answers as, from, in the role of
            rf"|\b{_WILL} (now |gladly |happily )?(play|portray|voice|impersonate|become|embody) {title}(?:{alt})\b"
            rf"|\b({_WILL} (now )?|now )?(respond|answer|reply|speak|talk|write|narrate)(ing)? (\w+ ){{0,2}}?"
            rf"(as|like|from the (perspective|point of view|viewpoint|standpoint) of|in the (role|voice|words) of)"
            rf" (the character )?{title}(?:{alt})\b"
            rf"|\b(step(s|ping|ped)?|slip(s|ping|ped)?|get(s|ting)?|settl(e|es|ing|ed)) into the "
            rf"(role|part|character|shoes|boots|skin|persona|mind) of\b"
            # assent to the request, then the role taken on: "Sure, I'll be X", "Okay, I'm now X"
            rf"|^\W*(?:sure|okay|ok|alright|all right|certainly|absolutely|of course|gladly)\b[!,.]?\s+"
            rf"(?:{_WILL}|i'?m now|i am now|now i'?m) (?:be |play |become )?{title}(?:{alt})"
            rf"(?=\s*(?:[.!,;:—–]|$|\s(?:for|now|today|here|then)\b))",
            re.I,
        ),
    }
