"""Plain-language labels for facts, so evidence reads as answers, not as variable names."""

from __future__ import annotations

from typing import Any, Mapping

from ..engine.content import Questionnaire
from ..engine.rules import format_value

DERIVED_LABELS = {
    "overall": "Overall maturity score",
    "overall_level": "Overall maturity level",
    "lowest": "Lowest capability-area score",
    "highest": "Highest capability-area score",
    "spread": "Gap between strongest and weakest area",
    "lowest_dimension": "Weakest capability area",
    "highest_dimension": "Strongest capability area",
    "dont_know": "Questions answered “don't know”",
    "unanswered": "Questions not answered",
    "model": "Recommended PMO model",
}


def fact_label(path: str, questionnaire: Questionnaire | None) -> str:
    head, _, rest = path.partition(".")
    if questionnaire is not None:
        if head in ("scores", "level"):
            try:
                title = questionnaire.dimension(rest).title
            except StopIteration:
                title = rest
            return f"{title} {'score' if head == 'scores' else 'level'}"
        if head == "context":
            try:
                return questionnaire.context_field(rest).label
            except StopIteration:
                return rest
        if head == "answers":
            question = questionnaire.question(rest)
            return question.text if question else rest
    return DERIVED_LABELS.get(path, path)


def fact_value(path: str, value: Any, questionnaire: Questionnaire | None) -> str:
    if path.startswith("answers."):
        return "Don't know" if value is None else f"Level {value}"
    if path.startswith("context.") and questionnaire is not None and isinstance(value, str):
        try:
            for choice in questionnaire.context_field(path.split(".", 1)[1]).choices or ():
                if choice.value == value:
                    return choice.label
        except StopIteration:
            pass
    if path in ("lowest_dimension", "highest_dimension") and questionnaire is not None:
        try:
            return questionnaire.dimension(value).title
        except StopIteration:
            return str(value)
    return format_value(value)


def describe_evidence(evidence: Mapping[str, Any], questionnaire: Questionnaire | None) -> list[dict[str, str]]:
    """[{fact, label, value}] for an evidence mapping, in the order the rule read them."""
    return [
        {"fact": path, "label": fact_label(path, questionnaire), "value": fact_value(path, value, questionnaire)}
        for path, value in evidence.items()
    ]
