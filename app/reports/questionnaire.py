"""The questionnaire as plain data: for `questionnaire show`, the answers template and reports."""

from __future__ import annotations

from typing import Any


def questionnaire_as_dict(q) -> dict[str, Any]:
    """The questionnaire as plain data: dimensions, questions with their options, context fields."""
    return {
        "id": q.id,
        "version": q.version,
        "title": q.title,
        "levels": [lv.model_dump() for lv in q.levels],
        "dimensions": [
            {
                "id": d.id,
                "title": d.title,
                "description": d.description,
                "weight": d.weight,
                "questions": [
                    {
                        "id": qu.id,
                        "text": qu.text,
                        "help": qu.help,
                        "weight": qu.weight,
                        "options": [{"level": lvl, "text": text} for lvl, text in qu.options.items()],
                    }
                    for qu in d.questions
                ],
            }
            for d in q.dimensions
        ],
        "context": [
            {
                "key": f.key,
                "label": f.label,
                "help": f.help,
                "type": f.type,
                **({"values": [c.value for c in f.choices]} if f.choices else {}),
                **({"choices": [{"value": c.value, "label": c.label} for c in f.choices]} if f.choices else {}),
                **({"min": f.min} if f.min is not None else {}),
                **({"max": f.max} if f.max is not None else {}),
            }
            for f in q.context
        ],
    }
