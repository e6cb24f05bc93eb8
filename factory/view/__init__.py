"""`factory view RUN`: one self-contained HTML page of a run (funnel, samples, gate, cards, pairs, eval).

The page embeds its data as JSON and renders it with vanilla JS through textContent only, so
model output shown on it can never run as code, and it opens offline from the file system.
"""

from factory.view.page import DEFAULT_CAP, build_view

__all__ = ["DEFAULT_CAP", "build_view"]
