"""Compile rule content into conditions once, at load, reporting every problem precisely."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .expressions import Condition, ConditionError, compile_condition
from .facts import nest, rule_context
from .located import Located
from .models import ModelDefinition, ModelRules, OwnershipRules, PitfallRules, Questionnaire
from .vocabulary import CONTEXT_KEYS, DIMENSIONS, MODELS

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")


@dataclass(frozen=True)
class CompiledModelRule:
    id: str
    condition: Condition
    points: Mapping[str, int]
    reason: str


@dataclass(frozen=True)
class CompiledPitfall:
    id: str
    title: str
    severity: str
    condition: Condition
    why: str
    mitigation: str


@dataclass(frozen=True)
class CompiledOwnership:
    id: str
    title: str
    condition: Condition | None
    why: str


@dataclass(frozen=True)
class Rulebook:
    base_fit: int
    hybrid_margin: int
    models: Mapping[str, ModelDefinition]
    model_rules: tuple[CompiledModelRule, ...]
    pitfalls: tuple[CompiledPitfall, ...]
    own_first: tuple[CompiledOwnership, ...]
    dont_own: tuple[CompiledOwnership, ...]
    max_own_first: int
    fact_paths: frozenset[str]
    # For the what-would-change search: which model rules read each fact path, and the
    # numbers model rules compare each fact path with.
    readers: Mapping[str, tuple[int, ...]]
    model_thresholds: Mapping[str, frozenset[float]]
    # Filled lazily by the what-would-change search: thresholds per (runner-up, top) pair.
    pair_threshold_cache: dict = field(default_factory=dict, compare=False, repr=False)


def known_fact_paths(questionnaire: Questionnaire, with_model: bool) -> frozenset[str]:
    paths = {f"scores.{d}" for d in DIMENSIONS} | {f"level.{d}" for d in DIMENSIONS}
    paths |= {"overall", "overall_level", "lowest", "highest", "spread", "lowest_dimension",
              "highest_dimension", "dont_know", "unanswered"}
    paths |= {f"context.{k}" for k in CONTEXT_KEYS}
    paths |= {f"answers.{q.id}" for q in questionnaire.questions()}
    if with_model:
        paths.add("model")
    return frozenset(paths)


def null_answers_probe(questionnaire: Questionnaire) -> dict[str, Any]:
    """Facts where every answer is null (don't know): a condition must not fail on them."""
    facts: dict[str, Any] = {f"scores.{d}": 2.5 for d in DIMENSIONS}
    facts.update({f"level.{d}": 2 for d in DIMENSIONS})
    facts.update({"overall": 2.5, "overall_level": 2, "lowest": 2.5, "highest": 2.5, "spread": 0.0,
                  "lowest_dimension": "governance", "highest_dimension": "governance",
                  "dont_know": len(questionnaire.questions()), "unanswered": 0, "model": "supportive"})
    for key, spec in CONTEXT_KEYS.items():
        facts[f"context.{key}"] = (spec["values"][0] if spec["type"] == "choice" else
                                   False if spec["type"] == "boolean" else spec["min"])
    facts.update({f"answers.{q.id}": None for q in questionnaire.questions()})
    return facts


class _Compiler:
    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self.contexts = {flag: rule_context(questionnaire, flag) for flag in (False, True)}
        self.paths = {flag: known_fact_paths(questionnaire, flag) for flag in (False, True)}
        self.probe = null_answers_probe(questionnaire)

    def condition(self, text: str, located: Located, loc: tuple, with_model: bool,
                  label: str = "") -> Condition | None:
        """Compile one condition; its problems name the file, line, path, rule id and position."""
        located = _Labelled(located, label)
        try:
            condition = compile_condition(text, self.contexts[with_model])
        except ConditionError as err:
            message = str(err)
            if not with_model and message.startswith("unknown name 'model'"):
                message = ("'model' (the recommended model) is not known yet when model rules run; "
                           "it can be used in pitfall and ownership rules only")
            located.problem(loc, message)
            return None
        for path, values in condition.compared_strings.items():
            allowed = self.allowed_strings(path)
            for value in sorted(values - allowed) if allowed else ():
                located.problem(loc, f"{path} is never {value!r}; it is one of {', '.join(sorted(allowed))}")
        try:
            condition.rule.evaluate(nest(self.probe))
        except Exception as err:  # rule-engine raises EvaluationError on a null comparison
            nullable = [p for p in condition.reads if p.startswith("answers.")]
            hint = (f"; answers are null when someone chose don't know, so write ({nullable[0]} ?? 0) or "
                    f"test {nullable[0]} != null first") if nullable else ""
            located.problem(loc, f"condition fails when answers are unknown: {getattr(err, 'message', err)}{hint}")
            return None
        return condition

    @staticmethod
    def allowed_strings(path: str) -> frozenset[str]:
        """The values a text fact can take, or an empty set when any text is possible."""
        if path.startswith("context."):
            spec = CONTEXT_KEYS.get(path.split(".", 1)[1], {})
            return frozenset(spec.get("values", ()))
        if path in ("lowest_dimension", "highest_dimension"):
            return frozenset(DIMENSIONS)
        if path == "model":
            return frozenset(MODELS)
        return frozenset()

    def template(self, text: str, located: Located, loc: tuple, with_model: bool, label: str = "") -> None:
        located = _Labelled(located, label)
        for name in PLACEHOLDER.findall(text):
            if name not in self.paths[with_model]:
                located.problem(loc, f"placeholder {{{name}}} is not a fact")


class _Labelled:
    """A Located whose problems also name the rule they are in."""

    def __init__(self, located: Located, label: str):
        self.located, self.label = located, label

    def problem(self, loc: tuple, reason: str) -> None:
        self.located.problem(loc, f"{reason} (in {self.label!r})" if self.label else reason)


def compile_rulebook(questionnaire: Questionnaire, documents: Mapping[str, list]) -> Rulebook | None:
    """Compile the model, pitfall and ownership rules; problems go to each file's Located."""
    compiler = _Compiler(questionnaire)
    model_rules: list[CompiledModelRule] = []
    pitfalls: list[CompiledPitfall] = []
    own_first: list[CompiledOwnership] = []
    dont_own: list[CompiledOwnership] = []
    base_fit, margin, models, max_own = 50, 8, {}, 4

    for doc, located in documents.get("model_rules", []):
        doc: ModelRules
        base_fit, margin, models = doc.base_fit, doc.hybrid_margin, doc.models
        seen: set[str] = set()
        for i, rule in enumerate(doc.rules):
            if rule.id in seen:
                located.problem(("rules", i, "id"), f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
            condition = compiler.condition(rule.when, located, ("rules", i, "when"), with_model=False, label=rule.id)
            compiler.template(rule.reason, located, ("rules", i, "reason"), with_model=False, label=rule.id)
            if condition is not None:
                model_rules.append(CompiledModelRule(rule.id, condition, dict(rule.points), rule.reason))

    for doc, located in documents.get("pitfalls", []):
        doc: PitfallRules
        seen = set()
        for i, pitfall in enumerate(doc.pitfalls):
            if pitfall.id in seen:
                located.problem(("pitfalls", i, "id"), f"pitfall id {pitfall.id!r} is used twice")
            seen.add(pitfall.id)
            condition = compiler.condition(pitfall.when, located, ("pitfalls", i, "when"), with_model=True,
                                           label=pitfall.id)
            compiler.template(pitfall.why, located, ("pitfalls", i, "why"), with_model=True, label=pitfall.id)
            if condition is not None:
                pitfalls.append(CompiledPitfall(pitfall.id, pitfall.title, pitfall.severity, condition,
                                                pitfall.why, pitfall.mitigation))

    for doc, located in documents.get("ownership", []):
        doc: OwnershipRules
        max_own = doc.max_own_first
        seen = set()
        for section, target in (("own_first", own_first), ("dont_own", dont_own)):
            for i, item in enumerate(getattr(doc, section)):
                if item.id in seen:
                    located.problem((section, i, "id"), f"id {item.id!r} is used twice")
                seen.add(item.id)
                condition = None
                if item.when is not None:
                    condition = compiler.condition(item.when, located, (section, i, "when"), with_model=True,
                                                   label=item.id)
                    if condition is None:
                        continue
                compiler.template(item.why, located, (section, i, "why"), with_model=True, label=item.id)
                target.append(CompiledOwnership(item.id, item.title, condition, item.why))

    readers: dict[str, list[int]] = {}
    thresholds: dict[str, set[float]] = {}
    for index, rule in enumerate(model_rules):
        for path in rule.condition.reads:
            readers.setdefault(path, []).append(index)
        for path, values in rule.condition.thresholds.items():
            thresholds.setdefault(path, set()).update(values)
    return Rulebook(
        base_fit=base_fit,
        hybrid_margin=margin,
        models=models,
        model_rules=tuple(model_rules),
        pitfalls=tuple(pitfalls),
        own_first=tuple(own_first),
        dont_own=tuple(dont_own),
        max_own_first=max_own,
        fact_paths=compiler.paths[True],
        readers={path: tuple(indexes) for path, indexes in readers.items()},
        model_thresholds={path: frozenset(values) for path, values in thresholds.items()},
    )
