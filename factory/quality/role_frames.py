"""The role frames read by description rather than by the character's name, in one place.

Each frame lives in a module of its own (role_described_en, role_meta_en, role_frame_zh,
role_meta_zh); selfname asks here once, after the name-based announcements, so the order of
the checks (and which reason a line gets) is kept in one list.
"""

from __future__ import annotations

from factory.lang import is_zh
from factory.quality.role_described_en import described_role
from factory.quality.role_frame_zh import role_frame
from factory.quality.role_meta_en import performance_frame
from factory.quality.role_meta_zh import role_meta


def described_frame(
    text: str, names: frozenset[str], language: str | None, has_latin: bool, has_cjk: bool
) -> tuple[str, str] | None:
    """(reason, span) when `text` frames its role by a description or as a part played, else None."""
    english = has_latin and not is_zh(language or "")
    if english and (span := described_role(text)):  # "As a Jane Austen-style governess, I believe …"
        return "frames the role by its casting description", span
    if has_cjk and (span := role_frame(text, names) or role_meta(text)):  # 作为一个九十年代…的老板，我认为…
        return "describes the role from outside and answers about it", span
    if english and (span := performance_frame(text, names)):  # "Staying in my role as …"
        return "frames the reply as a role being played", span
    return None
