"""The engine's front door: answers and context in, one plain result out."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from .content import Content
from .errors import InvalidInput, InvalidLevel, InvalidPlan  # noqa: F401  (InvalidPlan: callers import it here)
from .evidence import answer_evidence, check_guesses, evidence_coverage, validate_evidence
from .facts import build_facts
from .importance import area_priorities, check_practices, derive_importance, validate_importance
from .models import Questionnaire
from .profile import validate_context
from .roadmap import MANAGED, PlanInput, build_roadmap, link_pitfalls
from .rules import (check_pain, choose_design, choose_ownership, choose_oversight, design_reasons,
                    drop_changes_within_design, find_checks, find_pitfalls, mark_design_models, rank_models,
                    set_model_facts, settle_severity)
from .scoring import describe_highlights, score_answers, validate_answers
from .summary import build_summary, rank_pitfalls
from .vocabulary import DIMENSIONS, LEVELS
from .whatif import ChangeWording, fold_cliff_edges, what_would_change
from .wording import level_phrase, render


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


MAX_PMO_PEOPLE = 200


def validate_plan(plan: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return planning choices {start_date, pmo_people, owners, importance}; raise InvalidPlan naming what is wrong."""
    if plan is None:
        return {}
    if not isinstance(plan, Mapping):
        raise InvalidPlan("plan must be a mapping with start_date, pmo_people, owners and importance")
    unknown = sorted(set(plan) - {"start_date", "pmo_people", "owners", "importance"})
    if unknown:
        raise InvalidPlan(f"unknown key {unknown[0]!r} in plan; expected start_date, pmo_people, owners or importance")
    clean: dict[str, Any] = {}
    start = plan.get("start_date")
    if start is not None:
        if isinstance(start, dt.datetime):
            start = start.date()
        if isinstance(start, str):
            try:
                start = dt.date.fromisoformat(start)
            except ValueError:
                raise InvalidPlan(f"plan.start_date is {start!r}; expected a date like 2026-12-01") from None
        if not isinstance(start, dt.date):
            raise InvalidPlan(f"plan.start_date is {start!r}; expected a date like 2026-12-01")
        if not 2000 <= start.year <= 2100:
            raise InvalidPlan(f"plan.start_date {start.isoformat()} is outside 2000-2100")
        clean["start_date"] = start.isoformat()
    people = plan.get("pmo_people")
    if people is not None:
        if isinstance(people, bool) or not isinstance(people, int) or not 1 <= people <= MAX_PMO_PEOPLE:
            raise InvalidPlan(f"plan.pmo_people is {people!r}; expected a whole number from 1 to {MAX_PMO_PEOPLE}")
        clean["pmo_people"] = people
    owners = plan.get("owners")
    if owners is not None:
        if not isinstance(owners, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) and len(v) <= 80 for k, v in owners.items()):
            raise InvalidPlan("plan.owners must map a role to a person's name (at most 80 characters)")
        clean["owners"] = {k.strip(): v.strip() for k, v in owners.items() if v.strip()}
    importance = validate_importance(plan.get("importance"))
    if importance:
        clean["importance"] = importance
    return clean


def run_assessment(
    content: Content,
    answers: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    target: Mapping[str, Any] | None = None,
    questionnaire_id: str | None = None,
    plan: Mapping[str, Any] | None = None,
    evidence: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate the inputs, score them and return the whole result as plain JSON-ready values.

    ``evidence`` is {question_id: {evidence, reference, confidence}} for answers that carry more than a level.
    """
    questionnaire = content.questionnaire(questionnaire_id)
    clean_answers = validate_answers(questionnaire, answers or {})
    clean_context, warnings = validate_context(questionnaire, context)
    clean_target = validate_target(target)
    clean_plan = validate_plan(plan)
    clean_evidence = validate_evidence(questionnaire, evidence)
    check_practices(clean_plan.get("importance", {}), (q.id for q in questionnaire.questions()))
    return assess_valid(content, questionnaire, clean_answers, clean_context, clean_target, warnings, clean_plan,
                        clean_evidence)


def choice_labels(questionnaire: Questionnaire) -> dict[str, dict[str, str]]:
    """Context choices as they read inside a sentence: 'small', 'mostly agile', 'no PMO today' (built once
    per questionnaire, shared: read it, never change it)."""
    return questionnaire.memo("_choice_labels", lambda: _choice_labels(questionnaire))


def _choice_labels(questionnaire: Questionnaire) -> dict[str, dict[str, str]]:
    def short(label: str) -> str:
        text = label.split(" (")[0].split(":")[0].strip()
        # 'Intake criteria' reads 'intake criteria'; an acronym such as 'PMO mandate' keeps its case.
        return text if text[1:2].isupper() else text[:1].lower() + text[1:]

    labels: dict[str, dict[str, str]] = {f"context.{f.key}": {c.value: short(c.label) for c in f.choices or ()}
                                         for f in questionnaire.context}
    # Practices as they read inside a sentence, for list placeholders: 'intake criteria'.
    labels["names"] = {f"answers.{q.id}": short(q.short_name)
                       for q in questionnaire.questions()}
    return labels


@dataclass(frozen=True)
class Advice:
    recommendation: dict[str, Any]
    ownership: dict[str, Any]
    pitfalls: list[dict[str, Any]]
    facts: dict[str, Any]
    check_first: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def assess_valid(
    content: Content,
    questionnaire: Questionnaire,
    answers: dict[str, int | None],
    context: dict[str, Any],
    target: dict[str, int],
    warnings: list[str] | None = None,
    plan: dict[str, Any] | None = None,
    evidence: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Compute the result from inputs that are already validated."""
    evidence = evidence or {}
    scored = score_answers(questionnaire, answers)
    scores, overall = scored["scores"], scored["overall"]
    warnings = list(warnings or [])
    for dim in DIMENSIONS:
        entry = scores[dim]
        if entry["insufficient"]:
            warnings.append(
                f"{questionnaire.dimension(dim).title} has only {entry['answered']} of {entry['total']} questions "
                "answered; it is shown but left out of the overall score")
    advice = advise(content, questionnaire, scored, answers, context)
    if overall["score"] is None and advice.recommendation["model"]:
        warnings.append("No capability area has enough answers to be scored: the recommendation rests on the "
                        "organisation profile alone.")
    full_target, target_source, target_why = choose_target(
        content, advice.recommendation["model"], target, scores, advice.pitfalls,
        (advice.recommendation.get("design") or {}).get("id"))
    importance = weigh(content, plan or {}, context, scores, full_target)
    roadmap = plan_roadmap(content, questionnaire, answers, scores, full_target, advice, context, plan or {},
                           importance=importance)
    roadmap["target_source"] = target_source
    roadmap["target_why"] = target_why
    result = {
        "questionnaire": questionnaire_block(questionnaire),
        "content": {"hash": content.hash},
        "context": context,
        "answers": {q.id: answers[q.id] for q in questionnaire.questions() if q.id in answers},
        # What shows each answer and how sure the people who gave it are, under its question id.
        "evidence": answer_evidence(questionnaire, answers, evidence),
        "evidence_coverage": evidence_coverage(questionnaire, answers, evidence),
        "scores": scores,
        "overall": overall,
        "highlights": describe_highlights(questionnaire, scores, answers, importance=importance, target=full_target),
        "importance": importance,
        "recommendation": advice.recommendation,
        "ownership": advice.ownership,
        "pitfalls": advice.pitfalls,
        # Answers that disagree with the pain, with each other or with the profile: ask before acting.
        "check_first": advice.check_first + check_guesses(
            advice.recommendation, advice.pitfalls, answers, evidence,
            {q.id: q.short_name for q in questionnaire.questions()}),
        "roadmap": roadmap,
        "plan": plan or {},
        "warnings": warnings,
    }
    result["summary"] = build_summary(result, pain_questions(content, context))
    return result


def questionnaire_block(questionnaire: Questionnaire) -> dict[str, Any]:
    """The questionnaire as a result carries it: a fresh copy of what is built once per questionnaire."""
    block = questionnaire.memo("_result_block", lambda: {
        "id": questionnaire.id,
        "version": questionnaire.version,
        "title": questionnaire.title,
        "dimensions": {d.id: d.title for d in questionnaire.dimensions},
        # The texts a frozen result is read with, so it reads the same after content changes.
        "questions": {q.id: q.text for q in questionnaire.questions()},
        "names": {q.id: q.short_name for q in questionnaire.questions()},
        "labels": {q.id: {str(level): q.label(level) for level in LEVELS} for q in questionnaire.questions()},
        "context": {f.key: {"label": f.label, "choices": {c.value: c.label for c in f.choices or ()}}
                    for f in questionnaire.context},
    })
    # Every mapping is copied (its strings are immutable), so a caller may change its result freely.
    return {**block, "dimensions": dict(block["dimensions"]), "questions": dict(block["questions"]),
            "names": dict(block["names"]), "labels": {q: dict(v) for q, v in block["labels"].items()},
            "context": {k: {"label": v["label"], "choices": dict(v["choices"])} for k, v in block["context"].items()}}


def weigh(content: Content, plan: Mapping[str, Any], context: Mapping[str, Any],
          scores: Mapping[str, Mapping[str, Any]], target: Mapping[str, int]) -> dict[str, Any]:
    """Each area's importance (set in the plan, else from the stated pain), gap to target and priority."""
    importance = derive_importance(plan.get("importance") or {}, pain_questions(content, context))
    area_priorities(importance, scores, target)
    return importance


def pain_questions(content: Content, context: Mapping[str, Any]) -> tuple[str, ...]:
    """The practices behind the stated pain, as the rulebook names them."""
    rulebook = content.rulebook
    pain = rulebook.pains.get(context.get("primary_pain")) if rulebook is not None else None
    return tuple(pain.questions) if pain is not None else ()


def choose_target(content: Content, model: str | None, target: Mapping[str, int],
                  scores: Mapping[str, Mapping[str, Any]], pitfalls: list[dict[str, Any]] = (),
                  design: str | None = None) -> tuple[dict[str, int], str, dict[str, str]]:
    """The target per area: what the user set; otherwise the higher of the next level and the model's profile,
    within reach, and why an area keeps its level where the level alone does not say.

    A default target is the next level, or the model's profile where higher, and at most ``reach`` levels
    above today (18 months of work); the design that fits caps the profile where it asks for more than the
    design does (a light centre sets no gates: governance 3, not the federated profile's 4). An area already managed (level 4 or
    more) keeps its level: P3M3's middle levels are often enough, so a mature organisation's plan is the
    work on its pain, its pitfalls and its weakest practices, never "level 5 everywhere". An area held by a
    pitfall (tooling ahead of the process it automates) stays where it is, and says so.
    """
    profile: dict[str, int] = {}
    rulebook = content.rulebook
    if model and rulebook is not None and model in rulebook.models:
        profile = dict(rulebook.models[model].target)
    limits = content.roadmap.targets if content.roadmap is not None else None
    reach = limits.reach if limits is not None else 2
    caps = dict(limits.by_design.get(design, {})) if limits is not None and design else {}
    held = {d: pitfall["title"] for pitfall in pitfalls for d in pitfall.get("holds", ())}
    merged: dict[str, int] = {}
    why: dict[str, str] = {}
    for d in DIMENSIONS:
        current = scores[d]["level"] or 1
        if d in target:
            merged[d] = target[d]
        elif d in held:
            merged[d] = current
            why[d] = f"held by a pitfall, “{held[d]}”"
        elif current >= MANAGED:
            merged[d] = current
        else:
            # The next level at least; the model's profile where the design needs it; within reach.
            wanted = max(min(5, current + 1), min(profile.get(d, 1), caps.get(d, 5)))
            merged[d] = min(wanted, current + reach)
    if not target:
        source = "default"
    elif all(d in target for d in DIMENSIONS):
        source = "user"
    else:
        source = "user and default"
    return merged, source, why


def plan_roadmap(content: Content, questionnaire: Questionnaire, answers: Mapping[str, int | None],
                 scores: Mapping[str, Any], target: Mapping[str, int], advice: Advice,
                 context: Mapping[str, Any], plan: Mapping[str, Any], importance: Mapping[str, Any] | None = None,
                 **limits: Any) -> dict[str, Any]:
    """Build the roadmap and link each pitfall to the planned improvements that mitigate it."""
    if content.roadmap is None or not target:
        return {"target": dict(target), "phases": [], "items": 0, "person_weeks": 0,
                "message": "No roadmap: there is no improvement catalogue or no target."}
    rulebook = content.rulebook
    recommendation = advice.recommendation
    pain_id = context.get("primary_pain")
    pain = rulebook.pains.get(pain_id) if rulebook is not None else None
    levels = {d: int(scores[d]["level"] or 1) for d in DIMENSIONS}
    leadership = scores["leadership"]["score"]
    start = plan.get("start_date")
    plan_input = PlanInput(
        answers=answers,
        levels=levels,
        target=target,
        facts=advice.facts,
        pitfalls=advice.pitfalls,
        model=recommendation.get("model"),
        oversight=(recommendation.get("oversight") or {}).get("id"),
        design=(recommendation.get("design") or {}).get("id"),
        design_title=(recommendation.get("design") or {}).get("title"),
        pain_id=pain_id,
        pain=pain,
        functions=named_functions(rulebook, advice.ownership, pain),
        org_size=context.get("org_size", "medium"),
        existing_pmo=context.get("existing_pmo", "informal"),
        foundations_first=context.get("existing_pmo") != "established" or leadership is None or leadership < 2.5,
        start_date=dt.date.fromisoformat(start) if start else None,
        pmo_people=plan.get("pmo_people"),
        owners=plan.get("owners", {}),
        practice_names=questionnaire.memo("_practice_names", lambda: {q.id: q.short_name
                                                                      for q in questionnaire.questions()}),
        level_labels=questionnaire.memo("_level_labels", lambda: {
            q.id: {level: q.label(level) for level in LEVELS} for q in questionnaire.questions()}),
        dimension_titles=questionnaire.memo("_dimension_titles", lambda: {d.id: d.title
                                                                          for d in questionnaire.dimensions}),
        importance=importance if importance is not None else weigh(content, plan, context, scores, target),
        **limits,
    )
    roadmap = build_roadmap(content.roadmap, plan_input)
    link_pitfalls(advice.pitfalls, roadmap, content.roadmap, answers, choice_labels(questionnaire)["names"],
                  plan_input.facts)
    # Every format lists the pitfalls in the summary's order: the most severe first, the pain's first among equals.
    advice.pitfalls[:] = rank_pitfalls(advice.pitfalls, pain_id, (roadmap.get("pain") or {}).get("items") or ())
    keep_started_functions(rulebook, advice.ownership, roadmap, pain)
    # The answers show the pain's work is already done: say so, if the answers alone did not.
    if (roadmap.get("pain") or {}).get("in_place") and not advice.ownership.get("pain_note") and pain is not None:
        probe = rulebook.pain_texts[pain_id].probe.template(advice.facts)
        advice.ownership["pain_note"] = {"pain": pain_id, "text": render(probe, advice.facts,
                                                                         choice_labels(questionnaire)),
                                         "evidence": {f"answers.{q}": answers.get(q) for q in pain.questions}}
    return roadmap


def named_functions(rulebook, ownership: Mapping[str, Any], pain) -> list[tuple[str, tuple[str, ...]]]:
    """The functions 'what the PMO should own first' names, besides the pain's, with the work that starts each."""
    if rulebook is None:
        return []
    compiled = {item.id: item for item in rulebook.own_first}
    named = ownership.get("named", ownership.get("own_first", []))
    return [(entry["title"], compiled[entry["id"]].improvements) for entry in named
            if entry["id"] in compiled and (pain is None or entry["id"] != pain.function)]


# A function the PMO should own first is started within the first two phases, or it is not named.
STARTS_WITHIN = 2


def keep_started_functions(rulebook, ownership: dict[str, Any], roadmap: Mapping[str, Any], pain) -> None:
    """'What the PMO should own first' names only functions the plan starts in its first two phases, the
    pain's with its first work in the first phase.

    Every function the rules name stays in ownership["named"], so a new target or plan starts from it.
    """
    if rulebook is None or "own_first" not in ownership:
        return
    named = ownership.setdefault("named", list(ownership["own_first"]))
    compiled = {item.id: item for item in rulebook.own_first}
    early = [phase for phase in roadmap.get("phases", []) if phase["id"] != "later"][:STARTS_WITHIN]
    started = {item["id"] for phase in early for item in phase["items"]}
    pain_started = bool(early) and any("pain" in item["drivers"] for item in early[0]["items"])

    def starts(entry: Mapping[str, Any]) -> bool:
        # The pain's function is named for the pain's first work, and only where that work is the function's
        # own: 'a prioritisation scoring model' beside a plan whose pain work is benefits reviews is a promise
        # nothing keeps (round 209).
        if pain is not None and entry["id"] == pain.function and not pain_started:
            return False
        return entry["id"] in compiled and bool(set(compiled[entry["id"]].improvements) & started)

    ownership["own_first"] = [entry for entry in named if starts(entry)]


def answered_weights(questionnaire: Questionnaire, answers: Mapping[str, int | None]) -> dict[str, float]:
    """Per area, the weight of its answered questions: how many answers a score change stands for."""
    out = {}
    for dim in questionnaire.dimensions:
        weight = sum(q.weight for q in dim.questions if answers.get(q.id) is not None)
        out[dim.id] = weight or sum(q.weight for q in dim.questions)
    return out


def change_wording(questionnaire: Questionnaire, rulebook, answers: Mapping[str, int | None]) -> ChangeWording:
    labels = choice_labels(questionnaire)
    answered = {d.id: sum(1 for q in d.questions if answers.get(q.id) is not None) for d in questionnaire.dimensions}

    def value_label(key: str, value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return labels.get(f"context.{key}", {}).get(value, str(value))

    def practice_label(question_id: str, level: int | None) -> str:
        """'the executive sponsor' (level None) or 'level 1 “No sponsor”'."""
        question = questionnaire.question(question_id)
        if level is None:
            name = (question.name or question_id) if question else question_id
            return name if name.split()[0].isupper() else name[0].lower() + name[1:]  # "PMO mandate" keeps its case
        label = (question.labels or {}).get(level) if question else None
        return f"level {level} “{label}”" if label else f"level {level}"

    return ChangeWording({d.id: d.title for d in questionnaire.dimensions}, value_label,
                         {m: definition.title for m, definition in rulebook.models.items()}, answered, practice_label)


def advise(content: Content, questionnaire: Questionnaire, scored: dict[str, Any],
           answers: dict[str, int | None], context: dict[str, Any]) -> Advice:
    """Run the rulebook: the recommended model and why, what would change it, pitfalls, ownership."""
    rulebook = content.rulebook
    facts = build_facts(questionnaire, scored, answers, context)
    if rulebook is None or not rulebook.model_rules:
        return Advice(
            recommendation={"model": None, "hybrid_with": None, "ranking": [], "what_would_change": []},
            ownership={"own_first": [], "dont_own": [], "pain_note": None},
            pitfalls=[], facts=facts)
    labels = choice_labels(questionnaire)
    recommendation, outcome = rank_models(rulebook, facts, labels)
    weights = {d.id: d.weight for d in questionnaire.dimensions}
    changes, _evaluations = what_would_change(rulebook, facts, outcome, weights,
                                              answered_weights(questionnaire, answers),
                                              change_wording(questionnaire, rulebook, answers),
                                              question_weights={q.id: q.weight for q in questionnaire.questions()})
    recommendation["what_would_change"] = changes
    fold_cliff_edges(recommendation)
    set_model_facts(facts, recommendation)
    recommendation["oversight"] = choose_oversight(rulebook, facts, labels)
    recommendation["design"] = choose_design(rulebook, facts, labels)
    drop_changes_within_design(recommendation, {gate.id: gate.model for gate in rulebook.gates})
    mark_design_models(recommendation)
    recommendation["why"] = design_reasons(recommendation)
    ownership = choose_ownership(rulebook, facts, labels)
    pitfalls = find_pitfalls(rulebook, facts, labels)
    checks = find_checks(rulebook, facts, labels)
    settle_severity(rulebook, pitfalls, checks, context.get("primary_pain"))
    return Advice(recommendation, ownership, pitfalls, facts, checks)


def explain_rules(content: Content, answers: Mapping[str, Any], context: Mapping[str, Any] | None = None,
                  questionnaire_id: str | None = None) -> dict[str, Any]:
    """Every rule, fired or not, with the value of each fact it read (evaluated by rule-engine itself)."""
    questionnaire = content.questionnaire(questionnaire_id)
    clean_answers = validate_answers(questionnaire, answers or {})
    clean_context, warnings = validate_context(questionnaire, context)
    scored = score_answers(questionnaire, clean_answers)
    facts = build_facts(questionnaire, scored, clean_answers, clean_context)
    rulebook = content.rulebook
    recommendation, outcome = rank_models(rulebook, facts)
    set_model_facts(facts, recommendation)
    find_pitfalls(rulebook, facts)  # the pitfalls of maturity read whether the pain's pitfall is flagged

    def entry(rule_id: str, condition, **extra) -> dict[str, Any]:
        return {"id": rule_id, "when": condition.text if condition else None,
                "fired": condition.matches_reference(facts) if condition else True,
                "reads": condition.evidence(facts) if condition else {}, **extra}

    def pitfall_entry(pitfall) -> dict[str, Any]:
        """A pitfall fires when its precondition holds and then its condition."""
        requires = None
        if pitfall.precondition is not None:
            requires = {"text": pitfall.precondition_text, "when": pitfall.precondition.text,
                        "holds": pitfall.precondition.matches_reference(facts),
                        "reads": pitfall.precondition.evidence(facts)}
        shown = entry(pitfall.id, pitfall.condition, severity=pitfall.severity, requires=requires)
        shown["fired"] = shown["fired"] and (requires is None or requires["holds"])
        return shown

    return {
        "warnings": warnings,
        "base_fit": rulebook.base_fit,
        "totals": dict(outcome.totals),
        "eligible": dict(outcome.eligible),
        "model": recommendation["model"],
        "model_rules": [entry(r.id, r.condition, points=dict(r.points)) for r in rulebook.model_rules],
        "gates": [entry(g.id, g.condition, model=g.model) for g in rulebook.gates],
        "oversight": [entry(o.id, o.condition, model=o.model) for o in rulebook.oversight],
        "pitfalls": [pitfall_entry(p) for p in rulebook.pitfalls],
        "own_first": [entry(o.id, o.condition) for o in rulebook.own_first],
        "dont_own": [entry(o.id, o.condition) for o in rulebook.dont_own],
        "pain_note": check_pain(rulebook, facts),
        "facts": {path: {"label": fact.label, "value": facts.get(path)} for path, fact in rulebook.facts.items()
                  if not path.startswith("answers.")},
    }


def replan(content: Content, result: Mapping[str, Any], target: Mapping[str, Any],
           plan: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A copy of a frozen result with the roadmap rebuilt for a new target and plan (scores and advice unchanged)."""
    clean_target = validate_target(target)
    clean_plan = validate_plan(plan if plan is not None else result.get("plan"))
    questionnaire = content.questionnaires.get(result["questionnaire"]["id"]) or content.default_questionnaire
    new = copy.deepcopy(dict(result))
    answers = {q: level for q, level in new.get("answers", {}).items() if questionnaire.question(q) is not None}
    scored = {"scores": new["scores"], "overall": new["overall"]}
    facts = build_facts(questionnaire, scored, answers, new["context"])
    set_model_facts(facts, new["recommendation"])
    advice = Advice(new["recommendation"], new.get("ownership", {}), new["pitfalls"], facts)
    full_target, source, why = choose_target(content, new["recommendation"].get("model"), clean_target, new["scores"],
                                             new["pitfalls"], (new["recommendation"].get("design") or {}).get("id"))
    importance = weigh(content, clean_plan, new["context"], new["scores"], full_target)
    new["roadmap"] = plan_roadmap(content, questionnaire, answers, new["scores"], full_target, advice,
                                  new["context"], clean_plan, importance=importance)
    new["importance"] = importance
    new["highlights"] = describe_highlights(questionnaire, new["scores"], answers, importance=importance,
                                            target=full_target)
    new["roadmap"]["target_source"] = source
    new["roadmap"]["target_why"] = why
    new["plan"] = clean_plan
    new["content"] = {**new.get("content", {}), "roadmap_hash": content.hash}
    new["summary"] = build_summary(new, pain_questions(content, new["context"]))
    return new


def describe_levels(result: Mapping[str, Any]) -> dict[str, str]:
    """Each area's and the overall level as people read it ('level 1, nearly 2'), in questionnaire order."""
    out = {d: level_phrase(result["scores"][d]["score"]) for d in result["scores"]}
    out["overall"] = level_phrase(result["overall"]["score"])
    return out

