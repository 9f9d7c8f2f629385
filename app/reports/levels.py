"""How a score's level is said, the same way in every format: the engine's one rule
(``level_phrase``: 1.94 is "level 1, nearly 2"), so the PDF, the spreadsheet, the deck, the
pages and the CLI never disagree."""

from __future__ import annotations

from typing import Any, Mapping

from ..engine.wording import level_phrase as describe_level  # noqa: F401  (the engine's one rule)


def format_score(score: float | None, places: int = 2) -> str:
    """A score as text: '2.05', or an en dash when there is none."""
    return "–" if score is None else f"{score:.{places}f}"


def target_words(score: float | None, target: int | None, short: bool = False, why: str | None = None) -> str:
    """An area's target as said beside its score: 'target 3', or 'keep this level' where the plan holds the
    area where it stands (a target at or below today's score: a managed area's default, an area a pitfall
    holds, or a user's choice of today's level), never 'target 2' beside 2.62. ``short``: '3' or 'keep'.
    ``why``: a few words on why it keeps its level, where the level alone does not say ('keep: held: tooling
    ahead of the process it automates')."""
    if target is None:
        return ""
    if score is not None and target <= round(score, 2):
        keep = "keep" if short else "keep this level"
        return f"{keep} ({why})" if why else keep
    return str(target) if short else f"target {target}"


def not_scored_words(area: Mapping[str, Any]) -> str:
    """What an area left out for too few answers says in place of its level: 'not scored: 4 of 10 answered,
    fewer than half'."""
    return f"not scored: {area.get('answered', 0)} of {area.get('total', 0)} answered, fewer than half"
