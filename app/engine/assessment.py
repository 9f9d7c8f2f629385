"""The engine's front door: answers and context in, one plain result out."""

from __future__ import annotations

import copy
from typing import Any, Mapping

from .content import Content
from .models import Questionnaire
from .errors import InvalidLevel
from .facts import build_facts
from .profile import validate_context
from .roadmap import build_roadmap, link_pitfalls
from .rules import FactLabels, choose_ownership, find_pitfalls, rank_models, what_would_change
from .scoring import describe_highlights, score_answers, validate_answers
from .vocabulary import DIMENSIONS, LEVELS


def validate_target(target: Mapping[str, Any] | None) -> dict[str, int]:
    """Return a target {dimension: level}; raise InvalidLevel for an unknown dimension or level."""
    if target is None:
        return {}
    if not isinstance(target, Mapping):
        raise InvalidLevel("target must be a mapping of dimension to level")
    clean = {}
    for dim, level in target.items():
        if dim not in DIMENSIONS:
            raise InvalidLevel(f"unknown dimension {dim!r} in target; expected one of {', '.join(DIMENSIONS)}")
        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
            raise InvalidLevel(f"target for {dim} is {level!r}; expected a level 1-5")
        clean[dim] = level
    return clean


def run_assessment(
    content: Content,
    answers: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    target: Mapping[str, Any] | None = None,
    questionnaire_id: str | None = None,
) -> dict[str, Any]:
    """Validate the inputs, score them and return the whole result as plain JSON-ready values."""
    questionnaire = content.questionnaire(questionnaire_id)
    clean_answers = validate_answers(questionnaire, answers or {})
    clean_context, warnings = validate_context(questionnaire, context)
    clean_target = validate_target(target)
    return assess_valid(content, questionnaire, clean_answers, clean_context, clean_target, warnings)


def assess_valid(
    content: Content,
    questionnaire: Questionnaire,
    answers: dict[str, int | None],
    context: dict[str, Any],
    target: dict[str, int],
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """Compute the result from inputs that are already validated."""
    scored = score_answers(questionnaire, answers)
    scores, overall = scored["scores"], scored["overall"]
    warnings = list(warnings or [])
    for dim in DIMENSIONS:
        entry = scores[dim]
        if entry["insufficient"]:
            warnings.append(
                f"{dim} has only {entry['answered']} of {entry['total']} questions answered; "
                "it is shown but left out of the overall score"
            )
    advice = advise(content, questionnaire, scored, answers, context)
    if overall["score"] is None and advice["recommendation"]["model"]:
        warnings.append("No capability area has enough answers to be scored: the recommendation rests on the "
                        "organisation profile alone.")
    full_target, target_source = choose_target(content, advice["recommendation"]["model"], target)
    roadmap = plan_roadmap(content, questionnaire, scores, full_target, advice["pitfalls"])
    roadmap["target_source"] = target_source
    return {
        "questionnaire": {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "title": questionnaire.title,
            "dimensions": {d.id: d.title for d in questionnaire.dimensions},
            # The texts a frozen result is read with, so it reads the same after content changes.
            "questions": {q.id: q.text for q in questionnaire.questions()},
            "context": {f.key: {"label": f.label, "choices": {c.value: c.label for c in f.choices or ()}}
                        for f in questionnaire.context},
        },
        "content": {"hash": content.hash},
        "context": context,
        "answers": {q.id: answers[q.id] for q in questionnaire.questions() if q.id in answers},
        "scores": scores,
        "overall": overall,
        "highlights": describe_highlights(questionnaire, scores, answers),
        "recommendation": advice["recommendation"],
        "ownership": advice["ownership"],
        "pitfalls": advice["pitfalls"],
        "roadmap": roadmap,
        "warnings": warnings,
    }


def choose_target(content: Content, model: str | None, target: Mapping[str, int]) -> tuple[dict[str, int], str]:
    """The target per dimension: what the user set, the rest from the recommended model's profile."""
    profile: dict[str, int] = {}
    rulebook = content.rulebook
    if model and rulebook is not None and model in rulebook.models:
        profile = dict(rulebook.models[model].target)
    merged = {d: target.get(d, profile.get(d)) for d in DIMENSIONS if d in target or d in profile}
    if not target:
        source = "model"
    elif all(d in target for d in DIMENSIONS):
        source = "user"
    else:
        source = "user and model"
    return merged, source


def plan_roadmap(content: Content, questionnaire: Questionnaire, scores: Mapping[str, Any],
                 target: Mapping[str, int], pitfalls: list[dict[str, Any]], **limits: Any) -> dict[str, Any]:
    """Build the roadmap and link each pitfall to the planned improvements that mitigate it."""
    if content.roadmap is None or not target:
        return {"target": dict(target), "phases": [], "items": 0, "person_weeks": 0,
                "message": "No roadmap: there is no improvement catalogue or no target."}
    roadmap = build_roadmap(content.roadmap, scores, target, pitfalls,
                            dimension_titles={d.id: d.title for d in questionnaire.dimensions}, **limits)
    link_pitfalls(pitfalls, roadmap, content.roadmap)
    return roadmap


def fact_labels(questionnaire: Questionnaire) -> FactLabels:
    """Plain-language labels of dimensions and context values, for generated sentences."""
    def value_label(key: str, value: Any) -> str:
        field = questionnaire.context_field(key)
        for choice in field.choices or ():
            if choice.value == value:
                return choice.label.split(" (")[0].split(":")[0].lower()
        return str(value)

    return FactLabels({d.id: d.title for d in questionnaire.dimensions}, value_label)


def advise(content: Content, questionnaire: Questionnaire, scored: dict[str, Any],
           answers: dict[str, int | None], context: dict[str, Any]) -> dict[str, Any]:
    """Run the rulebook: the recommended model and why, what would change it, pitfalls, ownership."""
    rulebook = content.rulebook
    if rulebook is None or not rulebook.model_rules:
        return {
            "recommendation": {"model": None, "hybrid_with": None, "ranking": [], "what_would_change": []},
            "ownership": {"own_first": [], "dont_own": []},
            "pitfalls": [],
        }
    facts = build_facts(questionnaire, scored, answers, context)
    recommendation = rank_models(rulebook, facts)
    fired = recommendation.pop("_fired")
    recommendation.pop("_totals")
    order = [entry["model"] for entry in recommendation["ranking"]]
    weights = {d.id: d.weight for d in questionnaire.dimensions}
    changes, _evaluations = what_would_change(rulebook, facts, fired, order, weights, fact_labels(questionnaire))
    recommendation["what_would_change"] = changes
    facts["model"] = recommendation["model"]
    return {
        "recommendation": recommendation,
        "ownership": choose_ownership(rulebook, facts),
        "pitfalls": find_pitfalls(rulebook, facts),
    }


def explain_rules(content: Content, answers: Mapping[str, Any], context: Mapping[str, Any] | None = None,
                  questionnaire_id: str | None = None) -> dict[str, Any]:
    """Every rule, fired or not, with the value of each fact it read (evaluated by rule-engine itself)."""
    questionnaire = content.questionnaire(questionnaire_id)
    clean_answers = validate_answers(questionnaire, answers or {})
    clean_context, warnings = validate_context(questionnaire, context)
    scored = score_answers(questionnaire, clean_answers)
    facts = build_facts(questionnaire, scored, clean_answers, clean_context)
    rulebook = content.rulebook
    recommendation = rank_models(rulebook, facts)
    facts["model"] = recommendation["model"]

    def entry(rule_id: str, condition, **extra) -> dict[str, Any]:
        return {"id": rule_id, "when": condition.text if condition else None,
                "fired": condition.matches_reference(facts) if condition else True,
                "reads": condition.evidence(facts) if condition else {}, **extra}

    return {
        "warnings": warnings,
        "base_fit": rulebook.base_fit,
        "totals": recommendation["_totals"],
        "model": recommendation["model"],
        "model_rules": [entry(r.id, r.condition, points=dict(r.points)) for r in rulebook.model_rules],
        "pitfalls": [entry(p.id, p.condition, severity=p.severity) for p in rulebook.pitfalls],
        "own_first": [entry(o.id, o.condition) for o in rulebook.own_first],
        "dont_own": [entry(o.id, o.condition) for o in rulebook.dont_own],
    }


def replan(content: Content, result: Mapping[str, Any], target: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a frozen result with the roadmap rebuilt for a new target (scores and advice unchanged)."""
    clean_target = validate_target(target)
    questionnaire = content.questionnaires.get(result["questionnaire"]["id"]) or content.default_questionnaire
    full_target, source = choose_target(content, result["recommendation"].get("model"), clean_target)
    new = copy.deepcopy(dict(result))
    new["roadmap"] = plan_roadmap(content, questionnaire, new["scores"], full_target, new["pitfalls"])
    new["roadmap"]["target_source"] = source
    new["content"] = {**new.get("content", {}), "roadmap_hash": content.hash}
    return new
