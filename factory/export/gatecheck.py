"""The quality gate's line checks, applied to a preference pair's chosen reply.

factory.quality owns the rules; this adapter imports them lazily so preference pairs work
(without filtering, and saying so) in a tree where the gate does not exist yet.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

NAMES = ("assistant_tone_hits", "self_name_violation")


@dataclass
class GateCheck:
    tone: Callable | None
    self_name: Callable | None

    @property
    def available(self) -> bool:
        return self.tone is not None or self.self_name is not None

    @property
    def note(self) -> str:
        missing = [n for n, f in (("assistant_tone_hits", self.tone), ("self_name_violation", self.self_name))
                   if f is None]
        if not missing:
            return ""
        return f"factory.quality has no {', '.join(missing)}: chosen replies are not filtered by it"

    def problem(self, text: str, character: str, language: str) -> str | None:
        """Why this reply may not be `chosen`, or None."""
        if self.tone is not None:
            hits = self.tone(text, language)
            if hits:
                return f"assistant_tone: {_short(hits)}"
        if self.self_name is not None and character:
            bad = self.self_name(text, character, language)
            if bad:
                return f"self_name: {_short(bad)}"
        return None


def _short(value) -> str:
    if isinstance(value, (list, tuple, set)):
        value = ", ".join(str(v) for v in list(value)[:3])
    return str(value)[:80]


def load() -> GateCheck:
    """The functions from factory.quality, or else from its submodules (where the gate may keep them)."""
    try:
        quality = importlib.import_module("factory.quality")
    except ImportError:
        return GateCheck(None, None)
    found = {n: getattr(quality, n, None) for n in NAMES}
    for info in pkgutil.iter_modules(getattr(quality, "__path__", []), "factory.quality."):
        if all(found.values()):
            break
        try:
            module = importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - a half-written sibling module must not stop preference pairs
            continue
        for n in NAMES:
            if found[n] is None and callable(getattr(module, n, None)):
                found[n] = getattr(module, n)
    return GateCheck(found["assistant_tone_hits"], found["self_name_violation"])
