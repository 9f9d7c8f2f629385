"""How a score's level is said, the same way in every format: the engine's one rule
(``level_phrase``: 1.94 is "level 1, nearly 2"), so the PDF, the spreadsheet, the deck, the
pages and the CLI never disagree."""

from __future__ import annotations

from ..engine.wording import level_phrase as describe_level  # noqa: F401  (the engine's one rule)


def format_score(score: float | None, places: int = 2) -> str:
    """A score as text: '2.05', or an en dash when there is none."""
    return "–" if score is None else f"{score:.{places}f}"
