"""How a score's level is said, the same way in every format.

One helper, so the PDF, the spreadsheet, the deck and the pages never disagree; once the
engine has its own wording for this, ``describe_level`` points at it.
"""

from __future__ import annotations

# A score this close below the next whole level is "nearly" that level.
NEARLY = 0.25


def describe_level(score: float | None) -> str:
    """'level 2', or 'level 2, nearly 3' for 2.75 and above; 'not scored' without a score."""
    if score is None:
        return "not scored"
    level = int(score)
    if level < 5 and score >= level + 1 - NEARLY:
        return f"level {level}, nearly {level + 1}"
    return f"level {level}"


def format_score(score: float | None, places: int = 2) -> str:
    """A score as text: '2.05', or an en dash when there is none."""
    return "–" if score is None else f"{score:.{places}f}"
