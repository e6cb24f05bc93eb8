"""Epithets: the narrator naming the character by a description instead of a name or "I".

"这胖大和尚抡起禅杖", "只见这黑脸汉子豹头环眼", "The old sea cook spat over the rail": a
demonstrative or definite article, a descriptive noun phrase headed by a person noun, then a verb,
as the subject of a line with no first or second person in it. A line that says 我 / I or speaks to
someone ("The White Rabbit hurried past me", "那把宝刀，是我换来的") is the character talking about
someone or something else, and stays.
"""

from __future__ import annotations

import re

from factory.quality import zh

# The simple past of the irregular English verbs (a closed class): a narrated event after a name,
# he / she or an epithet ("Crusoe spent", "She shrank")
EN_IRREGULAR = (
    r"arose|awoke|bore|beat|became|began|bent|bet|bit|bled|blew|broke|bred|brought|built|burnt|burst|"
    r"bought|caught|chose|clung|came|cost|crept|cut|dealt|dug|dove|drew|dreamt|drank|drove|ate|fell|"
    r"fed|felt|fought|found|fled|flung|flew|forbade|forgot|forgave|froze|got|gave|went|grew|hung|had|"
    r"heard|hid|hit|held|hurt|kept|knelt|knew|laid|led|leapt|learnt|left|lent|let|lay|lit|lost|made|"
    r"meant|met|mistook|paid|put|quit|rode|rang|rose|ran|said|saw|sought|sold|sent|set|shook|shone|"
    r"shot|showed|shrank|shut|sang|sank|sat|slew|slept|slid|slung|smote|spoke|sped|spent|spun|spat|"
    r"split|spread|sprang|stood|stole|stuck|stung|stank|strode|struck|strove|swore|swept|swam|swung|"
    r"took|taught|tore|told|thought|threw|thrust|trod|understood|woke|wore|wove|wept|won|wrung|wrote|"
    r"withdrew|overcame|undertook|forsook"
)
ZH_HEAD = (
    r"和尚|汉子|大汉|女子|少年|老者|老汉|书生|将军|美人|公子|姑娘|壮士|好汉|老人|妇人|道士|僧人|长老|郎君"
    r"|娘子|小姐|后生|军师|丞相|女侠|侠客|剑客|男子|少女|老妇|佳人|才女|词人|诗人|英雄|武夫|猛将"
)
# 只见这黑脸汉子…: the demonstrative, at most five characters of description, the person noun
_ZH_EPITHET = re.compile(
    rf"^\s*(?:只见|但见|却说|再看)?(?:这|那)(?:位|个|一位)?([^\s，,。！？!?、“”]{{0,5}}?)({ZH_HEAD})"
)
_ZH_BARE_EPITHET = re.compile(rf"^\s*([^\s，,。！？!?、“”]{{0,4}}?)({ZH_HEAD})")
_ZH_SPEAKER = re.compile(r"[我你您咱俺朕吾]|本人|在下|老夫|本宫|洒家|贫僧|妾身|老身|小生|奴家|本座|为师")
EN_HEAD = (
    r"man|woman|boy|girl|lad|lass|cook|captain|gentleman|lady|doctor|sailor|knight|prince|princess|king|queen"
    r"|count|orphan|scientist|detective|castaway|stranger|fellow|child|monk|priest|soldier|gypsy|pirate"
    r"|widow|maiden|youth|bride|poet|scholar|musician|composer|sea[- ]cook|girl|spinster|heiress|squire"
)
_EN_EPITHET = re.compile(
    rf"^\W*(?:the|that|this) ((?:[a-z][\w'-]* ){{0,3}}(?:{EN_HEAD}))\s+(?:\w+ly\s+)?([a-z]+ed|{EN_IRREGULAR}|[a-z]+[^su'\W]s)\b",
    re.I,
)
_EN_SPEAKER = re.compile(r"\b(I|I'm|I've|I'll|I'd|(?i:me|my|mine|myself|we|us|our|you|your))\b")


def epithet_subject(text: str, is_zh: bool, framed: bool = False) -> str | None:
    """The epithet that opens `text` as the subject of narration about the character, or None.

    framed: `text` is narration before a quotation (…，喝道：「…」); there the epithet needs no
    demonstrative ("小小少年踩着风火轮，哼了一声："), since nothing else frames a quote in the third person.
    """
    if is_zh:
        m = _ZH_EPITHET.match(text) or (_ZH_BARE_EPITHET.match(text) if framed else None)
        if not m or _ZH_SPEAKER.search(text):
            return None
        if m.group(1) and any(w.tag in ("nr", "ns", "nrt") for w in zh.words(m.group(1))):
            return None  # 那龙王老儿: a name, not a description
        after = [w for w in zh.words(text[m.end() :]) if w.text.strip()][:3]
        verb = next((w for w in after if not (w.tag.startswith("d") or w.text == "一")), None)
        return m.group(0).strip() if verb is not None and verb.tag.startswith(("v", "n", "i")) else None
    m = _EN_EPITHET.match(text)
    if not m or _EN_SPEAKER.search(text):
        return None
    return m.group(0).strip()
