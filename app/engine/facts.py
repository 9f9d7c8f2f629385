"""Facts: what rules may read, built from a scored assessment.

Facts are kept flat, by path (``scores.governance``, ``context.regulated``,
``answers.tools.adoption``), so evidence is simply the value of each path a rule reads,
and a candidate change in the what-would-change search touches a known set of paths.
"""

from __future__ import annotations

import operator
from typing import Any, Mapping

import rule_engine
from rule_engine import DataType

from .models import Questionnaire
from .vocabulary import CONTEXT_KEYS, DIMENSIONS

# Facts derived from the dimension scores; a change to any score can change all of them.
DERIVED_FROM_SCORES: tuple[str, ...] = (
    "overall", "overall_level", "lowest", "highest", "spread", "lowest_dimension", "highest_dimension",
)

FACT_HELP: dict[str, str] = {
    "scores.<dimension>": "score of a capability area, 1.0-5.0 (1.0 when nothing was answered)",
    "level.<dimension>": "integer level of a capability area, 1-5",
    "overall": "overall score, 1.0-5.0",
    "overall_level": "integer overall level, 1-5",
    "lowest / highest": "lowest and highest dimension score",
    "lowest_dimension / highest_dimension": "id of the weakest and strongest dimension",
    "spread": "highest minus lowest dimension score",
    "dont_know": "number of don't-know answers",
    "unanswered": "number of questions neither answered nor marked don't know",
    "context.<key>": "the organisation profile",
    "answers.<dimension>.<question>": "the level chosen for a question, or null (don't know / unanswered)",
    "model": "the recommended PMO model (pitfall and ownership rules only)",
}


def _object(name: str, attributes: dict[str, Any]):
    return DataType.OBJECT(name, attributes=attributes, accessor=operator.getitem)


def fact_types(questionnaire: Questionnaire, with_model: bool) -> dict[str, Any]:
    """The typed symbols a rule condition may use, for rule-engine's load-time checks."""
    context_types = {
        key: DataType.BOOLEAN if spec["type"] == "boolean" else DataType.FLOAT if spec["type"] == "integer"
        else DataType.STRING
        for key, spec in CONTEXT_KEYS.items()
    }
    answers = {
        dim.id: _object(f"answers_{dim.id}", {q.id.split(".", 1)[1]: DataType.FLOAT for q in dim.questions})
        for dim in questionnaire.dimensions
    }
    types: dict[str, Any] = {
        "scores": _object("scores", {d: DataType.FLOAT for d in DIMENSIONS}),
        "level": _object("level", {d: DataType.FLOAT for d in DIMENSIONS}),
        "overall": DataType.FLOAT,
        "overall_level": DataType.FLOAT,
        "lowest": DataType.FLOAT,
        "highest": DataType.FLOAT,
        "spread": DataType.FLOAT,
        "lowest_dimension": DataType.STRING,
        "highest_dimension": DataType.STRING,
        "dont_know": DataType.FLOAT,
        "unanswered": DataType.FLOAT,
        "context": _object("context", context_types),
        "answers": _object("answers", answers),
    }
    if with_model:
        types["model"] = DataType.STRING
    return types


def rule_context(questionnaire: Questionnaire, with_model: bool) -> rule_engine.Context:
    """A rule-engine context that checks names and types of conditions when they are compiled."""
    return rule_engine.Context(
        type_resolver=rule_engine.type_resolver_from_dict(fact_types(questionnaire, with_model)),
        default_value=None,
    )


def derive_from_scores(scores: Mapping[str, float | None], weights: Mapping[str, float]) -> dict[str, Any]:
    """Overall, lowest, highest and spread of the dimension scores that are known.

    Unknown scores (None) are left out; with none known every derived fact is None, so
    no rule can fire on evidence nobody gave.
    """
    total = weighted = 0.0
    lowest = highest = None
    lowest_dimension = highest_dimension = None
    for d in DIMENSIONS:
        score = scores[d]
        if score is None:
            continue
        total += weights[d]
        weighted += weights[d] * score
        if lowest is None or score < lowest:  # ties keep the earlier dimension
            lowest, lowest_dimension = score, d
        if highest is None or score > highest:
            highest, highest_dimension = score, d
    overall = round(weighted / total, 2) if total else None
    return {
        "overall": overall,
        "overall_level": int(overall) if overall is not None else None,
        "lowest": lowest,
        "highest": highest,
        "spread": round(highest - lowest, 2) if lowest is not None else None,
        "lowest_dimension": lowest_dimension,
        "highest_dimension": highest_dimension,
    }


def build_facts(questionnaire: Questionnaire, scored: Mapping[str, Any], answers: Mapping[str, int | None],
                context: Mapping[str, Any]) -> dict[str, Any]:
    """Flat facts {path: value} from scores, answers and context.

    A dimension with too few answers to be scored is unknown (None), not ad hoc: "don't
    know" is not evidence of a problem. A rule that compares an unknown fact does not fire.
    """
    facts: dict[str, Any] = {}
    scores: dict[str, float | None] = {}
    for dim in DIMENSIONS:
        entry = scored["scores"][dim]
        scores[dim] = None if entry["insufficient"] else entry["score"]
        facts[f"scores.{dim}"] = scores[dim]
        facts[f"level.{dim}"] = int(scores[dim]) if scores[dim] is not None else None
    weights = {d.id: d.weight for d in questionnaire.dimensions}
    facts.update(derive_from_scores(scores, weights))
    facts["dont_know"] = sum(1 for level in answers.values() if level is None)
    facts["unanswered"] = sum(1 for q in questionnaire.questions() if q.id not in answers)
    for key, value in context.items():
        facts[f"context.{key}"] = value
    for q in questionnaire.questions():
        facts[f"answers.{q.id}"] = answers.get(q.id)
    return facts


def nest(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Turn flat facts into the nested mapping rule-engine evaluates against."""
    nested: dict[str, Any] = {}
    for path, value in facts.items():
        parts = path.split(".")
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return nested
