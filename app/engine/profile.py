"""Validate the organisation profile (the unscored context questions)."""

from __future__ import annotations

from typing import Any, Mapping

from .models import Questionnaire
from .errors import InvalidContext

# What the engine assumes when a context key is not given at all. A wrong value is an
# error; an absent one is filled in and reported, so partial profiles still get advice.
DEFAULT_CONTEXT: dict[str, Any] = {
    "org_size": "medium",
    "active_projects": 20,
    "business_units": 1,
    "regulated": False,
    "risk_profile": "medium",
    "delivery_mix": "hybrid",
    "primary_pain": "poor_forecasting",
    "existing_pmo": "none",
}


def validate_context_value(questionnaire: Questionnaire, key: str, value: Any) -> Any:
    """Return ``value`` checked against the context field ``key``; raise InvalidContext if it is wrong."""
    try:
        field = questionnaire.context_field(key)
    except StopIteration:
        known = ", ".join(f.key for f in questionnaire.context)
        raise InvalidContext(f"unknown context key {key!r} (known: {known})") from None
    if field.type == "choice":
        allowed = [c.value for c in field.choices or ()]
        if value not in allowed:
            raise InvalidContext(f"context.{key} is {value!r}; expected one of {', '.join(allowed)}")
        return value
    if field.type == "boolean":
        if not isinstance(value, bool):
            raise InvalidContext(f"context.{key} is {value!r}; expected true or false")
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidContext(f"context.{key} is {value!r}; expected a whole number")
    low = field.min if field.min is not None else None
    if low is not None and value < low:
        raise InvalidContext(f"context.{key} is {value}; it cannot be below {low}")
    if field.max is not None and value > field.max:
        raise InvalidContext(f"context.{key} is {value}; it cannot be above {field.max}")
    return value


def validate_context(questionnaire: Questionnaire, context: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[str]]:
    """Return (complete context, warnings); missing keys take DEFAULT_CONTEXT and are reported."""
    if context is None:
        context = {}
    if not isinstance(context, Mapping):
        raise InvalidContext("context must be a mapping of key to value")
    clean: dict[str, Any] = {}
    for key, value in context.items():
        clean[str(key)] = validate_context_value(questionnaire, str(key), value)
    warnings = []
    for field in questionnaire.context:
        if field.key not in clean:
            clean[field.key] = DEFAULT_CONTEXT[field.key]
            warnings.append(f"context.{field.key} was not given; assumed {DEFAULT_CONTEXT[field.key]!r}")
    return {f.key: clean[f.key] for f in questionnaire.context}, warnings
