"""The PNG: judge rubrics on the 1-7 scale, rates on 0-1; one bar per run, so runs line up."""

from __future__ import annotations

import re
from pathlib import Path

_WIDE = re.compile(r"[^\x00-\u024f]+")
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def _text(value: str, font: str | None) -> str:
    """Chinese names render with a CJK font when one is installed, else as `?` (no tofu, no warnings)."""
    return value if font else _WIDE.sub("?", value)


RUBRIC_KEYS = (
    "rubric.memorization",
    "rubric.values",
    "rubric.personality",
    "rubric.hallucination",
    "rubric.stability",
)
RATE_KEYS = (
    "memory.accuracy",
    "knowledge.within_bounds",
    "consistency.fool_rate",
    "pairwise.win_rate",
    "interviews.dodge_rate",
    "offline.distinct_1",
    "offline.distinct_2",
    "offline.assistant_tone",
    "offline.self_name",
    "offline.refusal",
    "offline.language_consistency",
)


def _label(key: str) -> str:
    area, name = key.split(".", 1)
    return (f"memory {name}" if area == "memory" else name).replace("_", " ")


def _panel(ax, runs: dict[str, dict], keys: tuple[str, ...], ylim: tuple[float, float], title: str) -> None:
    present = [k for k in keys if any(m.get(k) is not None for m in runs.values())]
    ax.set_title(title, fontsize=10)
    ax.set_ylim(*ylim)
    if not present:
        ax.text(0.5, 0.5, "not measured", ha="center", va="center", transform=ax.transAxes, color="grey")
        ax.set_xticks([])
        return
    width = 0.8 / max(1, len(runs))
    for i, (label, m) in enumerate(runs.items()):
        xs = [j + (i - (len(runs) - 1) / 2) * width for j in range(len(present))]
        ax.bar(xs, [m.get(k) or 0 for k in present], width, label=label)
    ax.set_xticks(range(len(present)))
    ax.set_xticklabels([_label(k) for k in present], rotation=35, ha="right", fontsize=8)
    ax.grid(axis="y", alpha=0.3)


def draw(runs: dict[str, dict], path: Path, title: str = "") -> Path:
    """`runs`: label -> flat metrics map (report.metrics)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _cjk_font()
    rc = {"font.sans-serif": [font, *plt.rcParams["font.sans-serif"]]} if font else {}
    runs = {_text(label, font): m for label, m in runs.items()}
    with plt.rc_context(rc):
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1, 2]})
        _panel(left, runs, RUBRIC_KEYS, (0, 7), "Judge rubrics (1-7)")
        _panel(right, runs, RATE_KEYS, (0, 1), "Rates (0-1)")
        if len(runs) > 1:
            right.legend(fontsize=8, loc="upper right")
        if title:
            fig.suptitle(_text(title, font))
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return path
