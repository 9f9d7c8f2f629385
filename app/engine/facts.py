"""Facts: what rules may read, defined once, and built from a scored assessment.

``FACT_SPECS`` is the one registry of the fact vocabulary: each entry gives a path
pattern, its type, a label and help for people, and how the value is derived. Rule
compilation (types and allowed values), evidence labels, the what-would-change search
and ``rules explain`` all read it; a test checks that every fact is documented in the
README.

Facts are kept flat, by path (``scores.governance``, ``context.regulated``,
``answers.tools.adoption``), so evidence is simply the value of each path a rule reads,
and a candidate change in the what-would-change search touches a known set of paths.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Mapping

import rule_engine
from rule_engine import DataType

from .models import Questionnaire
from .vocabulary import CONTEXT_KEYS, DIMENSIONS, MODELS


@dataclass(frozen=True)
class FactSpec:
    """One entry of the fact registry; ``{dimension}``, ``{question}`` or ``{key}`` in a pattern
    stands for every dimension, question or context key."""

    pattern: str
    type: str  # "number", "text" or "boolean"
    label: str
    help: str
    derived: str
    # Which base facts it is computed from: "scores" (any dimension score) or context keys.
    depends_on: tuple[str, ...] = ()
    # Known only once the model is chosen: pitfall, oversight and ownership rules may read it.
    after_model: bool = False


FACT_SPECS: tuple[FactSpec, ...] = (
    FactSpec("scores.{dimension}", "number", "{dimension} score",
             "score of a capability area, 1.0-5.0, or unknown when fewer than half its questions were answered",
             "weighted mean of the area's answered levels, two decimals"),
    FactSpec("level.{dimension}", "number", "{dimension} level",
             "integer level of a capability area, 1-5, or unknown",
             "integer part of the area's score", depends_on=("scores",)),
    FactSpec("overall", "number", "Overall maturity score", "overall score, 1.0-5.0",
             "weighted mean of the known area scores, two decimals", depends_on=("scores",)),
    FactSpec("overall_level", "number", "Overall maturity level", "integer overall level, 1-5",
             "integer part of the overall score", depends_on=("scores",)),
    FactSpec("lowest", "number", "Lowest capability-area score", "lowest known area score",
             "minimum of the known area scores", depends_on=("scores",)),
    FactSpec("highest", "number", "Highest capability-area score", "highest known area score",
             "maximum of the known area scores", depends_on=("scores",)),
    FactSpec("spread", "number", "Gap between strongest and weakest area",
             "highest minus lowest area score", "highest - lowest", depends_on=("scores",)),
    FactSpec("lowest_dimension", "text", "Weakest capability area", "id of the weakest area",
             "the area with the lowest score (the earlier one on a tie)", depends_on=("scores",)),
    FactSpec("highest_dimension", "text", "Strongest capability area", "id of the strongest area",
             "the area with the highest score (the earlier one on a tie)", depends_on=("scores",)),
    FactSpec("dont_know", "number", "Questions answered “don't know”", "number of don't-know answers",
             "count of answers given as don't know"),
    FactSpec("unanswered", "number", "Questions not answered",
             "number of questions neither answered nor marked don't know",
             "questions in the questionnaire minus answers given"),
    FactSpec("weak_practices", "number", "Practices at level 1 or 2",
             "number of questions answered at level 1 or 2", "count of answers <= 2"),
    FactSpec("context.{key}", "by key", "{key label}", "the organisation profile, as answered",
             "the profile answer (a stated default when left out)"),
    FactSpec("projects_per_unit", "number", "Projects per business unit or domain",
             "active projects divided by business units or domains served, one decimal",
             "context.active_projects / context.business_units",
             depends_on=("context.active_projects", "context.business_units")),
    FactSpec("pmo_blocker", "boolean", "PMO seen as a blocker",
             "an existing PMO that delivery teams avoid: service to teams or closeness to delivery at level 1 "
             "and the other at 2 or below, and the teams' own word shows it: satisfaction with the PMO at 2 or "
             "below, or stakeholders' involvement at 1",
             "context.existing_pmo != 'none' and one of answers.facilitation.service_orientation and "
             "answers.facilitation.delivery_proximity <= 1 and the other <= 2 and "
             "(answers.leadership.stakeholder_satisfaction <= 2 or answers.facilitation.stakeholder_involvement <= 1)",
             depends_on=("context.existing_pmo",)),
    FactSpec("tools_doubted", "boolean", "Reporting tools answered beyond their ground",
             "reporting or its tools answered as advanced (reporting by audience, dashboards, integration or "
             "automation at 4-5) while what they stand on is answered as weak (portfolio view or tool fit at 1-2; "
             "a list kept by hand, 2, beside a tool answered as fitting and trusted, fit and adoption at 4-5, is "
             "not): what the tools are said to do is the answers' claim, to check first",
             "one of answers.analytics.reporting_cadence, answers.tools.dashboards, answers.tools.integration, "
             "answers.tools.automation >= 4 and one of answers.analytics.portfolio_view, answers.tools.tool_fit <= 2, "
             "unless answers.tools.tool_fit >= 4 and answers.tools.adoption >= 4 and answers.analytics.portfolio_view "
             "== 2"),
    FactSpec("answers.{question}", "number", "{question text}",
             "the level chosen for a question, 1-5, or unknown (don't know or unanswered)",
             "the answer as given"),
    FactSpec("pain_flagged", "boolean", "The main pain's pitfall is flagged high",
             "a pitfall on the main pain (ownership.yaml pains) fired at high severity; known to the rules that "
             "read it (pitfalls of maturity, checks) once the other pitfalls are found",
             "any pitfall listed under the pain fired high", after_model=True),
    FactSpec("model", "text", "Recommended PMO model",
             "the recommended model; known to pitfall, oversight and ownership rules only",
             "the top eligible model of the ranking", after_model=True),
    FactSpec("close_to", "text", "The model in a close call with the recommended one",
             "the eligible runner-up within the close-call margin of the recommended model, or 'none'",
             "recommendation.hybrid_with, or 'none'", after_model=True),
    FactSpec("design", "text", "The PMO design that fits",
             "the id of the design the rules give for the recommended model (pmo-models.yaml designs), or 'none'; "
             "known to pitfall, ownership and roadmap rules",
             "recommendation.design.id, or 'none'", after_model=True),
)


@dataclass(frozen=True)
class Fact:
    """One concrete fact path of a questionnaire, with what the registry says about it."""

    path: str
    type: str
    label: str
    help: str
    derived: str
    values: tuple[str, ...] = ()  # allowed values of a text fact, when they are known
    depends_on: tuple[str, ...] = ()
    after_model: bool = False


def fact_table(questionnaire: Questionnaire) -> dict[str, Fact]:
    """Every fact path of a questionnaire, expanded from the registry, in registry order."""
    table: dict[str, Fact] = {}
    titles = {d.id: d.title for d in questionnaire.dimensions}
    for spec in FACT_SPECS:
        base = dict(type=spec.type, help=spec.help, derived=spec.derived, depends_on=spec.depends_on,
                    after_model=spec.after_model)
        if "{dimension}" in spec.pattern:
            for dim in DIMENSIONS:
                path = spec.pattern.replace("{dimension}", dim)
                table[path] = Fact(path, label=spec.label.replace("{dimension}", titles.get(dim, dim)), **base)
        elif "{question}" in spec.pattern:
            for question in questionnaire.questions():
                path = spec.pattern.replace("{question}", question.id)
                table[path] = Fact(path, label=question.text, **base)
        elif "{key}" in spec.pattern:
            for key, vocabulary in CONTEXT_KEYS.items():
                path = spec.pattern.replace("{key}", key)
                field = next((f for f in questionnaire.context if f.key == key), None)
                kind = {"boolean": "boolean", "integer": "number", "choice": "text"}[vocabulary["type"]]
                table[path] = Fact(path, label=field.label if field else key,
                                   values=tuple(vocabulary.get("values", ())), **{**base, "type": kind})
        else:
            values = (tuple(DIMENSIONS) if spec.pattern in ("lowest_dimension", "highest_dimension")
                      else tuple(MODELS) if spec.pattern == "model"
                      else (*MODELS, "none") if spec.pattern == "close_to" else ())
            table[spec.pattern] = Fact(spec.pattern, label=spec.label, values=values, **base)
    return table


_RULE_TYPES = {"number": DataType.FLOAT, "text": DataType.STRING, "boolean": DataType.BOOLEAN}


def fact_types(questionnaire: Questionnaire, with_model: bool) -> dict[str, Any]:
    """The typed symbols a rule condition may use, for rule-engine's load-time checks.

    Dotted paths become nested rule-engine objects: ``answers.tools.adoption`` is the
    attribute ``adoption`` of the object ``answers.tools``.
    """
    tree: dict[str, Any] = {}
    for fact in fact_table(questionnaire).values():
        if fact.after_model and not with_model:
            continue
        node = tree
        parts = fact.path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = _RULE_TYPES[fact.type]

    def typed(name: str, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        return DataType.OBJECT(name.replace(".", "_"), attributes={k: typed(f"{name}.{k}", v) for k, v in node.items()},
                               accessor=operator.getitem)

    return {name: typed(name, node) for name, node in tree.items()}


def rule_context(questionnaire: Questionnaire, with_model: bool) -> rule_engine.Context:
    """A rule-engine context that checks names and types of conditions when they are compiled."""
    return rule_engine.Context(
        type_resolver=rule_engine.type_resolver_from_dict(fact_types(questionnaire, with_model)),
        default_value=None,
    )


def derive_from_scores(scores: Mapping[str, float | None], weights: Mapping[str, float]) -> dict[str, Any]:
    """Level per area, overall, lowest, highest and spread of the dimension scores that are known.

    Unknown scores (None) are left out; with none known every derived fact is None, so
    no rule can fire on evidence nobody gave.
    """
    total = weighted = 0.0
    lowest = highest = None
    lowest_dimension = highest_dimension = None
    derived: dict[str, Any] = {}
    for d in DIMENSIONS:
        score = scores[d]
        derived[f"level.{d}"] = int(score) if score is not None else None
        if score is None:
            continue
        total += weights[d]
        weighted += weights[d] * score
        if lowest is None or score < lowest:  # ties keep the earlier dimension
            lowest, lowest_dimension = score, d
        if highest is None or score > highest:
            highest, highest_dimension = score, d
    overall = round(weighted / total, 2) if total else None
    derived.update({
        "overall": overall,
        "overall_level": int(overall) if overall is not None else None,
        "lowest": lowest,
        "highest": highest,
        "spread": round(highest - lowest, 2) if lowest is not None else None,
        "lowest_dimension": lowest_dimension,
        "highest_dimension": highest_dimension,
    })
    return derived


def derive_from_context(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Facts computed from the profile (with answers): projects per unit, a PMO seen as a blocker, and
    reporting tools answered beyond the ground they stand on."""
    projects, units = facts.get("context.active_projects"), facts.get("context.business_units")
    per_unit = round(projects / units, 1) if isinstance(projects, (int, float)) and units else None
    service = facts.get("answers.facilitation.service_orientation")
    proximity = facts.get("answers.facilitation.delivery_proximity")
    # Distance alone (a PMO far from delivery) is not avoidance: the teams' own word must show it too
    # (round 209: 'the PMO seen as a blocker' for an informal PMO whose stakeholders rate it 4).
    satisfaction = facts.get("answers.leadership.stakeholder_satisfaction")
    involvement = facts.get("answers.facilitation.stakeholder_involvement")
    blocker = (facts.get("context.existing_pmo") not in (None, "none") and service is not None
               and proximity is not None and min(service, proximity) <= 1 and max(service, proximity) <= 2
               and ((satisfaction is not None and satisfaction <= 2) or (involvement is not None and involvement <= 1)))
    advanced = any((facts.get(f"answers.{q}") or 0) >= 4 for q in TOOL_CLAIMS)
    weak_ground = any((facts.get(f"answers.{q}") or 5) <= 2 for q in TOOL_GROUND)
    # A tool answered as fitting and trusted (fit and adoption at 4-5) carries its reports: a list of the work
    # still kept by hand beside it (portfolio view 2) is a gap the plan fills from the tool, not a doubt about
    # the client's strongest answers (round 211: "no dashboards before one shared tool holds the work" told a
    # client with tool fit 4 and adoption 4). No list at all (1) still doubts them.
    tool_trusted = all((facts.get(f"answers.{q}") or 0) >= 4 for q in ("tools.tool_fit", "tools.adoption"))
    if tool_trusted and (facts.get("answers.analytics.portfolio_view") or 0) >= 2:
        weak_ground = False
    return {"projects_per_unit": per_unit, "pmo_blocker": blocker, "tools_doubted": advanced and weak_ground}


# Reporting and its tools answered as advanced (TOOL_CLAIMS at 4-5) over weak ground (TOOL_GROUND at 1-2).
TOOL_CLAIMS = ("analytics.reporting_cadence", "tools.dashboards", "tools.integration", "tools.automation")
TOOL_GROUND = ("analytics.portfolio_view", "tools.tool_fit")


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
    weights = {d.id: d.weight for d in questionnaire.dimensions}
    facts.update(derive_from_scores(scores, weights))
    facts["dont_know"] = sum(1 for level in answers.values() if level is None)
    facts["unanswered"] = sum(1 for q in questionnaire.questions() if q.id not in answers)
    facts["weak_practices"] = sum(1 for level in answers.values() if level is not None and level <= 2)
    for key, value in context.items():
        facts[f"context.{key}"] = value
    for q in questionnaire.questions():
        facts[f"answers.{q.id}"] = answers.get(q.id)
    facts.update(derive_from_context(facts))
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
