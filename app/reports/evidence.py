"""Plain-language labels for facts, so evidence reads as answers, not as variable names.

Labels come from the frozen result itself (it carries the texts of the questionnaire it
was computed with), so a closed result reads the same after the content files change.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..engine.models import Questionnaire
from ..engine.facts import FACT_SPECS
from ..engine.wording import format_value

# Labels of the facts that are not per area, question or profile key: from the one fact registry.
DERIVED_LABELS = {spec.pattern: spec.label for spec in FACT_SPECS if "{" not in spec.pattern}


def labels_of(result: Mapping[str, Any] | None, questionnaire: Questionnaire | None) -> dict[str, Any]:
    """The texts evidence is described with: from the result when it has them, else the questionnaire."""
    frozen = (result or {}).get("questionnaire", {})
    if frozen.get("questions"):
        return {"dimensions": frozen.get("dimensions", {}), "questions": frozen["questions"],
                "names": frozen.get("names", {}), "levels": frozen.get("labels", {}),
                "context": frozen.get("context", {})}
    if questionnaire is None:
        return {"dimensions": {}, "questions": {}, "context": {}}
    return questionnaire_labels(questionnaire)


def questionnaire_labels(questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "dimensions": {d.id: d.title for d in questionnaire.dimensions},
        "questions": {q.id: q.text for q in questionnaire.questions()},
        "names": {q.id: q.short_name for q in questionnaire.questions()},
        "levels": {q.id: {str(level): q.label(level) for level in range(1, 6)} for q in questionnaire.questions()},
        "context": {f.key: {"label": f.label, "choices": {c.value: c.label for c in f.choices or ()}}
                    for f in questionnaire.context},
    }


def fact_label(path: str, labels: Mapping[str, Any]) -> str:
    head, _, rest = path.partition(".")
    if head in ("scores", "level"):
        return f"{labels['dimensions'].get(rest, rest)} {'score' if head == 'scores' else 'level'}"
    if head == "context":
        return labels["context"].get(rest, {}).get("label", rest)
    if head == "answers":
        return labels.get("names", {}).get(rest) or labels["questions"].get(rest, rest)
    return DERIVED_LABELS.get(path, path)


def fact_value(path: str, value: Any, labels: Mapping[str, Any]) -> str:
    if path.startswith("answers."):
        if value is None:
            return "Don't know"
        short = labels.get("levels", {}).get(path.split(".", 1)[1], {}).get(str(value))
        return f"Level {value}: {short}" if short else f"Level {value}"
    if path.startswith("context.") and isinstance(value, str):
        return labels["context"].get(path.split(".", 1)[1], {}).get("choices", {}).get(value, value)
    if path.startswith("context.") and isinstance(value, bool):
        return "Yes" if value else "No"
    if path in ("lowest_dimension", "highest_dimension") and isinstance(value, str):
        return labels["dimensions"].get(value, value)
    return format_value(value)


def describe_evidence(evidence: Mapping[str, Any], labels: Mapping[str, Any]) -> list[dict[str, str]]:
    """[{fact, label, value}] for an evidence mapping, in the order the rule read them."""
    return [
        {"fact": path, "label": fact_label(path, labels), "value": fact_value(path, value, labels)}
        for path, value in evidence.items()
    ]
