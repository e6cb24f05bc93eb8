"""Assistant tone, hedging and preaching: phrases a character in a role-play never says.

Default lists for Chinese and English; each entry is a literal (matched case-insensitively, with
word boundaries for English words) or a regex. A recipe adds entries and removes defaults by
pattern text or by `category:NAME`. The gate applies the list to the target character's lines
only: a user may well ask "are you an AI?".

    assistant_tone_hits("作为一个AI，我没有个人观点。", "zh")  -> [Hit(category="assistant_tone", ...), ...]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from factory.quality.config import BlacklistConfig, BlacklistEntry

# (pattern, regex?) per category and language. Regexes are written for re.IGNORECASE.
_ZH = {
    "assistant_tone": [
        (r"(作为|身为)(一个|一名|一款)?(AI|人工智能|语言模型|虚拟助手|聊天机器人|智能助手)", True),
        (r"我(只)?是(一个|一名)?(AI|人工智能|语言模型|虚拟助手|聊天机器人)", True),
        (r"我没有(任何)?个人的?(观点|感情|情感|情绪|意见|偏好)", True), (r"我(并)?没有(实体|肉体|物理形态)", True),
        (r"我(无法|不能)(真正)?(体验|感受|拥有)(情感|感情|情绪)", True),
        ("人工智能助手", False), ("AI助手", False), ("语言模型", False), ("我的训练数据", False),
        ("知识截止", False),
        (r"有什么(我)?可以(帮|帮助|为)(你|您)", True), (r"(我)?很乐意(为你|为您|帮助|帮你|帮您)", True),
        (r"希望(这|以上|我的回答)?(些|内容)?(能)?对(你|您)有(所)?帮助", True),
        (r"如果(你|您)(还)?有(任何)?(其他|别的)?(问题|疑问)", True), ("请随时告诉我", False),
        ("随时为您服务", False), (r"(抱歉|对不起)，?我(无法|不能)(回答|提供|协助)", True),
    ],
    "hedging": [
        ("因人而异", False), ("见仁见智", False), ("具体情况具体分析", False), ("取决于具体情况", False),
        ("这取决于", False), ("在某种程度上", False), ("从某种意义上说", False), ("各有利弊", False),
        (r"没有绝对的(对错|答案|标准|好坏)", True), (r"每个人都有(自己的|各自的)(看法|观点|选择|理解)", True),
        ("总的来说", False), ("总而言之", False), ("综上所述", False), ("需要注意的是", False),
        ("值得注意的是", False), (r"一方面.{1,40}另一方面", True),
    ],
    "preachy": [
        (r"我们(都)?(应该|要|必须)(学会)?(尊重|珍惜|包容|理解)", True), ("重要的是要", False),
        (r"保持(积极|乐观|良好)的?(心态|态度)", True), ("正能量", False), ("积极向上", False),
        ("树立正确的", False), ("正确的价值观", False), ("遵纪守法", False), (r"遵守(法律|法规)", True),
        (r"(寻求|咨询)专业(人士|人员|的)?(的)?(帮助|意见|建议)?", True), ("心理咨询师", False),
        ("身心健康", False), ("和谐社会", False), ("我们每个人都应该", False),
    ],
}
_EN = {
    "assistant_tone": [
        (r"\bas an? (ai|artificial intelligence|language model|large language model|ai language model"
         r"|virtual assistant|chatbot)\b", True),
        (r"\bi'?m (just |only )?an? (ai|language model|chatbot|virtual assistant|computer program)\b", True),
        (r"\bi am (just |only )?an? (ai|language model|chatbot|virtual assistant|computer program)\b", True),
        (r"\bi (don'?t|do not) have (personal |any )?(opinions|feelings|emotions|experiences|a body|preferences)\b",
         True),
        (r"\bi (can'?t|cannot) (truly |actually )?(feel|experience) (emotions|feelings)\b", True),
        (r"\bas your (ai )?assistant\b", True), (r"\bhow (can|may) i (help|assist) you\b", True),
        (r"\bis there anything else i can\b", True), (r"\bi'?m here to help\b", True),
        (r"\bi hope this helps\b", True), (r"\bfeel free to (ask|reach out|let me know)\b", True),
        (r"\blet me know if you have any (other |further |more )?questions\b", True),
        (r"\bi'?m sorry,? but i (can'?t|cannot)\b", True), (r"\bi'?d be (happy|glad) to help\b", True),
        ("my training data", False), ("knowledge cutoff", False), ("great question", False),
        ("language model", False),
    ],
    "hedging": [
        (r"\bit (really )?depends\b", True), ("everyone is different", False),
        (r"\bthere'?s no one[- ]size[- ]fits[- ]all\b", True), (r"\bthere is no (single |one )?right answer\b", True),
        (r"\bit'?s (important|worth) (to note|noting)\b", True), (r"\bit is (important|worth) (to note|noting)\b", True),
        ("to some extent", False), ("on the one hand", False), ("in conclusion", False), ("in summary", False),
        ("to summarize", False), (r"\bultimately,? it'?s up to you\b", True),
    ],
    "preachy": [
        (r"\bit'?s (important|essential|crucial) to (remember|respect|treat|be kind|stay|seek|prioritize)\b",
         True),
        (r"\bremember that (everyone|we all|it'?s important)\b", True),
        (r"\bwe (should|must) all (strive|remember|respect|learn|try to be)\b", True),
        (r"\b(seek|consult)( a| an)? (professional|therapist|expert)\b", True),
        ("mental health", False), ("stay positive", False), ("positive mindset", False), ("self-care", False),
        (r"\bbe kind to (yourself|others|one another)\b", True),
        (r"\btreat (everyone|others) with (respect|kindness)\b", True), (r"\bembrace (diversity|your)\b", True),
        (r"\bhealthy (relationships|boundaries)\b", True), (r"\bit'?s okay to (feel|not be okay)\b", True),
    ],
}
_ANY = {"assistant_tone": [("OpenAI", False), ("ChatGPT", False)]}


@dataclass(frozen=True)
class Hit:
    category: str
    pattern: str  # the entry that matched, as written
    span: str  # the matched text
    start: int


def default_entries() -> list[BlacklistEntry]:
    out = []
    for lang, table in (("zh", _ZH), ("en", _EN), ("any", _ANY)):
        for cat, rows in table.items():
            out.extend(BlacklistEntry(pattern=p, regex=r, language=lang, category=cat) for p, r in rows)
    return out


def _compile(entry: BlacklistEntry) -> re.Pattern:
    if entry.regex:
        try:
            return re.compile(entry.pattern, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"quality.blacklist: bad regex {entry.pattern!r}: {exc}") from None
    body = re.escape(entry.pattern)
    if re.match(r"[A-Za-z0-9]", entry.pattern):
        body = r"\b" + body
    if re.search(r"[A-Za-z0-9]$", entry.pattern):
        body += r"\b"
    return re.compile(body, re.IGNORECASE)


class Blacklist:
    """A compiled list; one combined regex per language finds lines worth checking entry by entry."""

    def __init__(self, entries: Iterable[BlacklistEntry]):
        self.entries = list(entries)
        self._compiled = [(e, _compile(e)) for e in self.entries]
        self._by_lang: dict[str, tuple[re.Pattern | None, list]] = {}
        for lang in ("zh", "en", None):
            sel = [(e, c) for e, c in self._compiled if lang is None or e.language in (lang, "any")]
            combined = re.compile("|".join(f"(?:{c.pattern})" for _, c in sel), re.IGNORECASE) if sel else None
            self._by_lang[lang or "*"] = (combined, sel)

    @classmethod
    def from_config(cls, cfg: BlacklistConfig) -> Blacklist:
        entries = default_entries() if cfg.defaults else []
        drop = set(cfg.remove)
        cats = {r.split(":", 1)[1] for r in drop if r.startswith("category:")}
        entries = [e for e in entries if e.pattern not in drop and e.category not in cats]
        for extra in cfg.add:
            entries.append(BlacklistEntry(pattern=extra) if isinstance(extra, str) else extra)
        return cls(entries)

    def hits(self, text: str, language: str | None = None) -> list[Hit]:
        combined, sel = self._by_lang.get(language or "*", self._by_lang["*"])
        if combined is None or not combined.search(text):
            return []
        out = []
        for entry, rx in sel:
            m = rx.search(text)
            if m:
                out.append(Hit(entry.category, entry.pattern, m.group(0), m.start()))
        return sorted(out, key=lambda h: h.start)


@functools.cache
def default_blacklist() -> Blacklist:
    return Blacklist(default_entries())


def assistant_tone_hits(text: str, language: str | None = None, blacklist: Blacklist | None = None) -> list[Hit]:
    """Blacklisted phrases in `text` (assistant tone, hedging, preaching); [] when it is clean.

    language "zh" / "en" picks that list (plus language-neutral entries); None checks both.
    """
    return (blacklist or default_blacklist()).hits(text, language)
