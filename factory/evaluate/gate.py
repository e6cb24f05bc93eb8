"""The quality gate's checks, borrowed for evaluation, with a minimal fallback.

The gate (factory/quality/) owns `assistant_tone_hits(text, language)` and
`self_name_violation(text, character, language)`; eval should count exactly what the gate
rejects. They are looked up lazily in the quality package; until they exist, a small built-in
check stands in and `source()` says so (eval.md reports which one was used).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from functools import lru_cache

_TONE = {
    "en": ["as an ai", "language model", "i'm an assistant", "i am an assistant", "how can i assist",
           "how can i help you", "how may i help you", "i'm here to help", "i am here to help",
           "feel free to ask", "is there anything else", "i hope this helps", "happy to help", "virtual assistant"],
    "zh": ["作为一个ai", "作为ai", "作为人工智能", "语言模型", "我是一个助手", "我是一个ai", "有什么可以帮", "能为你做些什么",
           "乐意为你", "希望对你有帮助", "还有什么需要", "随时告诉我", "人工智能助手"],
}
_OWN_NAME_OK = {"en": r"\b(?:i am|i'm|my name is|call me|this is)\s+", "zh": r"(?:我是|我叫|我名叫|叫我)"}


def _lang(language: str) -> str:
    return "zh" if language.startswith("zh") else "en"


def builtin_assistant_tone_hits(text: str, language: str) -> list[str]:
    low = text.lower()
    return [p for p in _TONE[_lang(language)] if p in low]


def builtin_self_name_violation(text: str, character: str, language: str) -> bool:
    """Speaking of oneself by name (third person) or leaking a `Name:` speaker label."""
    name = character.strip()
    if not name:
        return False
    variants = sorted({name, name.split()[-1]}, key=len, reverse=True)
    alt = "|".join(map(re.escape, variants))
    if re.match(rf"\s*(?:{alt})\s*[:：]", text):
        return True
    scrubbed = re.sub(rf"{_OWN_NAME_OK[_lang(language)]}(?:{alt})", " ", text, flags=re.I)
    return re.search(alt, scrubbed) is not None


@lru_cache(maxsize=1)
def _lookup() -> tuple[Callable | None, Callable | None, str]:
    try:
        pkg = importlib.import_module("factory.quality")
    except ImportError:
        return None, None, "built-in"
    found: dict[str, Callable] = {}
    modules = [pkg] + [m.name for m in pkgutil.iter_modules(pkg.__path__, "factory.quality.")]
    for mod in modules:
        try:
            module = importlib.import_module(mod) if isinstance(mod, str) else mod
        except Exception:  # a half-written sibling module must not break eval
            continue
        for fn in ("assistant_tone_hits", "self_name_violation"):
            if fn not in found and callable(getattr(module, fn, None)):
                found[fn] = getattr(module, fn)
    tone, name = found.get("assistant_tone_hits"), found.get("self_name_violation")
    src = "factory.quality" if tone and name else ("partly factory.quality" if tone or name else "built-in")
    return tone, name, src


def assistant_tone_hits(text: str, language: str) -> list[str]:
    fn = _lookup()[0]
    if fn is None:
        return builtin_assistant_tone_hits(text, language)
    hits = fn(text, language)
    return list(hits) if isinstance(hits, (list, tuple, set)) else ([str(hits)] if hits else [])


def self_name_violation(text: str, character: str, language: str) -> bool:
    fn = _lookup()[1]
    return bool(fn(text, character, language) if fn is not None else builtin_self_name_violation(text, character, language))


def source() -> str:
    """Where the checks came from: `factory.quality`, `partly factory.quality` or `built-in`."""
    return _lookup()[2]
