"""Compile rule content into conditions once, at load, reporting every problem precisely."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .claims import ClaimPart, CompiledText, as_parts
from .expressions import Condition, ConditionError, compile_condition
from .facts import Fact, fact_table, nest, rule_context
from .located import Located
from .models import CheckRules, ModelDefinition, ModelRules, OwnershipRules, Pain, PitfallRules, Questionnaire, TermRules
from .wording import LIST_PLACEHOLDER, PLACEHOLDER

# "level {answers.x}" would read "level level 3".
DOUBLED_LEVEL = re.compile(r"\blevel \{(answers\.[a-z0-9_.]+)\}", re.IGNORECASE)


@dataclass(frozen=True)
class CompiledModelRule:
    id: str
    condition: Condition
    points: Mapping[str, int]
    reason: CompiledText


@dataclass(frozen=True)
class CompiledGate:
    id: str
    model: str
    condition: Condition
    reason: str


@dataclass(frozen=True)
class CompiledOversight:
    id: str
    model: str
    condition: Condition
    title: str
    text: str


SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class CompiledVariant:
    condition: Condition
    why: CompiledText
    title: CompiledText | None = None
    severity: str | None = None
    mitigation: CompiledText | None = None


@dataclass(frozen=True)
class CompiledPitfall:
    id: str
    title: CompiledText
    severity: str
    precondition: Condition | None
    precondition_text: str
    condition: Condition
    why: CompiledText
    variants: tuple[CompiledVariant, ...]
    mitigation: CompiledText
    holds: tuple[str, ...] = ()
    high_when: Condition | None = None
    mitigated_by: tuple[str, ...] = ()
    for_pain: bool = False  # said for the stated pain when none of its own pitfalls is flagged
    cause_of: str | None = None  # a root cause of this pain (root_causes): on that pain, high
    pattern_when: Condition | None = None  # a strong contrast in the answers: high, ranked after the pain's
    caps: tuple[tuple[Condition, str], ...] = ()  # where it matters less (scale): the severity is at most this
    rests_on: tuple[str, ...] = ()  # answers (question ids) whose strength it stands on: doubted, it is not high

    @property
    def reads(self) -> tuple[str, ...]:
        """Every fact the precondition, the condition and the variants read, in that order, once."""
        paths = (self.precondition.reads if self.precondition else ()) + self.condition.reads
        for variant in self.variants:
            paths += variant.condition.reads
        for extra in (self.high_when, self.pattern_when, *(cap for cap, _severity in self.caps)):
            paths += extra.reads if extra is not None else ()
        return tuple(dict.fromkeys(paths))

    def texts(self) -> list[tuple[tuple, CompiledText, tuple[Condition, ...]]]:
        """Every text it can show (its path), with the conditions under which it is shown (for the terms check)."""
        base = ((self.precondition,) if self.precondition else ()) + (self.condition,)
        out = [(("title",), self.title, base), (("why",), self.why, base), (("mitigation",), self.mitigation, base)]
        for v, variant in enumerate(self.variants):
            for name in ("title", "why", "mitigation"):
                text = getattr(variant, name)
                if text is not None:
                    out.append((("variants", v, name), text, base + (variant.condition,)))
        return out

    def explanation(self, facts: Mapping[str, Any]) -> tuple[CompiledText, CompiledText, str, CompiledText]:
        """The title, explanation, severity and mitigation true for these facts: the first variant that
        holds, else the pitfall's own; evidence at its worst (high_when) or a strong contrast in the answers
        (pattern_when) raises the severity to high, and a cap (a small portfolio) lowers it last."""
        title, why, severity, mitigation = self.title, self.why, self.severity, self.mitigation
        for variant in self.variants:
            if variant.condition.matches(facts):
                title, why = variant.title or title, variant.why
                severity, mitigation = variant.severity or severity, variant.mitigation or mitigation
                break
        if (self.high_when is not None and self.high_when.matches(facts)) or self.shows_pattern(facts):
            severity = "high"
        cap = self.cap(facts)
        if cap is not None and SEVERITY_RANK[severity] < SEVERITY_RANK[cap]:
            severity = cap
        return title, why, severity, mitigation

    def shows_pattern(self, facts: Mapping[str, Any]) -> bool:
        """The answers show this pitfall as a strong contrast (what exists against what is used)."""
        return self.pattern_when is not None and self.pattern_when.matches(facts) and self.cap(facts) is None

    def cap(self, facts: Mapping[str, Any]) -> str | None:
        """The most its severity can be here (a small portfolio, say), or None."""
        return next((severity for condition, severity in self.caps if condition.matches(facts)), None)


@dataclass(frozen=True)
class CompiledOwnership:
    id: str
    title: str
    condition: Condition | None
    why: CompiledText
    improvements: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledPain:
    """A primary pain with its texts compiled: the probe, and check first's question and stakes."""

    id: str
    pain: Pain
    probe: CompiledText
    would_change: CompiledText | None


@dataclass(frozen=True)
class CompiledCheck:
    """Check first: a disagreement between answers, or between answers and the profile."""

    id: str
    condition: Condition
    text: CompiledText
    ask: CompiledText
    would_change: CompiledText
    group: str | None = None
    pinned: bool = False


@dataclass(frozen=True)
class CompiledTerm:
    """Words that need a condition (terms.yaml): 'units' need more than one unit."""

    id: str
    pattern: re.Pattern
    condition: Condition
    needs: str


class TermChecker:
    """Lists every text whose words need a condition it does not have (it never reads the term's facts)."""

    def __init__(self, terms: tuple[CompiledTerm, ...]):
        self.terms = terms

    def check(self, text: CompiledText | str | None, reads: set[str] | tuple[str, ...], located: Located, loc: tuple,
              label: str = "") -> None:
        if text is None:
            return
        if isinstance(text, str):
            text = CompiledText.plain(text)
        for part in text.parts:
            known = set(reads) | set(part.condition.reads if part.condition else ())
            for sentence in (part.text, part.otherwise or ""):
                for term in self.terms:
                    found = term.pattern.search(sentence)
                    if found and not set(term.condition.reads) <= known:
                        where = f" (in {label!r})" if label else ""
                        located.problem(loc, f"“{found.group(0)}” needs {term.needs}, but the text has no such "
                                             f"condition: make it a claim with 'when: {term.condition.text}'{where}")


@dataclass(frozen=True)
class CompiledBorrow:
    model: str
    condition: Condition | None
    how: str


@dataclass(frozen=True)
class CompiledDesign:
    id: str
    models: tuple[str, ...]
    condition: Condition | None
    title: CompiledText
    text: CompiledText
    why: CompiledText | None = None
    hides: tuple[str, ...] = ()
    label: CompiledText | None = None
    borrows: tuple[CompiledBorrow, ...] = ()
    revisit: CompiledText | None = None
    revisit_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledFocus:
    id: str
    condition: Condition
    text: str


@dataclass(frozen=True)
class Rulebook:
    base_fit: int
    hybrid_margin: int
    fit_scale: float
    ruled_out_fit: int
    min_change: float
    tie_break: tuple[str, ...]
    models: Mapping[str, ModelDefinition]
    model_rules: tuple[CompiledModelRule, ...]
    gates: tuple[CompiledGate, ...]
    oversight: tuple[CompiledOversight, ...]
    phrases: Mapping[str, str]
    designs: tuple[CompiledDesign, ...]
    focus: tuple[CompiledFocus, ...]
    max_focus: int
    pitfalls: tuple[CompiledPitfall, ...]
    own_first: tuple[CompiledOwnership, ...]
    dont_own: tuple[CompiledOwnership, ...]
    max_own_first: int
    pains: Mapping[str, Pain]
    pain_texts: Mapping[str, CompiledPain]
    checks: tuple[CompiledCheck, ...]
    terms: tuple[CompiledTerm, ...]
    facts: Mapping[str, Fact]
    # For the what-would-change search: which model rules and gates read each fact path, and
    # the numbers they compare each fact path with.
    readers: Mapping[str, tuple[int, ...]]
    gate_readers: Mapping[str, tuple[int, ...]]
    model_thresholds: Mapping[str, frozenset[float]]
    # The facts 'what would change' may offer as levers; empty: every fact the model rules read.
    levers: frozenset[str] = frozenset()
    cache: dict = field(default_factory=dict, compare=False, repr=False)
    max_checks: int = 3  # check first shows at most this many, the disagreement with the pain first

    @property
    def fact_paths(self) -> frozenset[str]:
        return frozenset(self.facts)


def null_answers_probe(facts: Mapping[str, Fact]) -> dict[str, Any]:
    """Facts where every answer is null (don't know): a condition must not fail on them."""
    probe: dict[str, Any] = {}
    for path, fact in facts.items():
        if path.startswith("answers."):
            probe[path] = None
        elif fact.values:
            probe[path] = fact.values[0]
        elif fact.type == "boolean":
            probe[path] = False
        elif fact.type == "number":
            probe[path] = 2.5
        else:
            probe[path] = ""
    return probe


class ConditionCompiler:
    def __init__(self, questionnaire: Questionnaire):
        self.facts = fact_table(questionnaire)
        self.contexts = {flag: rule_context(questionnaire, flag) for flag in (False, True)}
        self.paths = {flag: frozenset(p for p, f in self.facts.items() if flag or not f.after_model)
                      for flag in (False, True)}
        self.probe = nest(null_answers_probe(self.facts))

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
                           "it can be used in pitfall, oversight and ownership rules only")
            located.problem(loc, message)
            return None
        for path, values in condition.compared_strings.items():
            allowed = frozenset(self.facts[path].values) if path in self.facts else frozenset()
            for value in sorted(values - allowed) if allowed else ():
                located.problem(loc, f"{path} is never {value!r}; it is one of {', '.join(sorted(allowed))}")
        try:
            condition.rule.evaluate(self.probe)
        except Exception as err:  # rule-engine raises EvaluationError on a null comparison
            nullable = [p for p in condition.reads if p.startswith("answers.")]
            hint = (f"; answers are null when someone chose don't know, so write ({nullable[0]} ?? 0) or "
                    f"test {nullable[0]} != null first") if nullable else ""
            located.problem(loc, f"condition fails when answers are unknown: {getattr(err, 'message', err)}{hint}")
            return None
        return condition

    def text(self, value: Any, located: Located, loc: tuple, with_model: bool, label: str = "") -> CompiledText | None:
        """Compile a text people read: a string, or sentences and claims each with the condition it states."""
        if value is None:
            return None
        listed_form = not isinstance(value, str)
        parts, ok = [], True
        for i, (text, when, otherwise) in enumerate(as_parts(value)):
            here = loc + (i,) if listed_form else loc
            self.template(text, located, here + (("text",) if when else ()), with_model, label)
            condition = None
            if when is not None:
                self.template(otherwise or "", located, here + ("else",), with_model, label)
                condition = self.condition(when, located, here + ("when",), with_model, label)
                ok = ok and condition is not None
            parts.append(ClaimPart(text, condition, otherwise))
        return CompiledText(tuple(parts)) if ok else None

    def template(self, text: str, located: Located, loc: tuple, with_model: bool, label: str = "") -> None:
        located = _Labelled(located, label)
        names = PLACEHOLDER.findall(text)
        for listed in LIST_PLACEHOLDER.findall(text):
            names += listed[0].split(", ")
        for name in names:
            if name not in self.paths[with_model]:
                located.problem(loc, f"placeholder {{{name}}} is not a fact")
        doubled = DOUBLED_LEVEL.search(text)
        if doubled:
            located.problem(loc, f"an answer already reads 'level 3': write {{{doubled.group(1)}}} without "
                                 "'level' before it")


class _Labelled:
    """A Located whose problems also name the rule they are in."""

    def __init__(self, located: Located, label: str):
        self.located, self.label = located, label

    def problem(self, loc: tuple, reason: str) -> None:
        self.located.problem(loc, f"{reason} (in {self.label!r})" if self.label else reason)


def _unique(located: Located, loc: tuple, rule_id: str, seen: set[str], what: str = "rule id") -> None:
    if rule_id in seen:
        located.problem(loc, f"{what} {rule_id!r} is used twice")
    seen.add(rule_id)


def compile_root_cause(compiler: ConditionCompiler, words: TermChecker, located: Located, loc: tuple, cause,
                       questionnaire: Questionnaire) -> CompiledPitfall | None:
    """A row of the root-cause table as a pitfall: on its pain, where the practice is at its weakest, high."""
    if questionnaire.question(cause.practice) is None:
        located.problem(loc + ("practice",), f"unknown question {cause.practice!r}")
        return None
    requires = f"context.primary_pain == '{cause.pain}' and context.active_projects >= 1"
    precondition = compiler.condition(requires + (f" and ({cause.when})" if cause.when else ""), located,
                                      loc + (("when",) if cause.when else ("pain",)), with_model=True,
                                      label=cause.id)
    condition = compiler.condition(f"(answers.{cause.practice} ?? 5) <= {cause.at_most}", located,
                                   loc + ("practice",), with_model=True, label=cause.id)
    texts = [compiler.text(getattr(cause, name), located, loc + (name,), with_model=True, label=cause.id)
             for name in ("title", "why", "mitigation")]
    if precondition is None or condition is None or None in texts:
        return None
    if not any(f"answers.{cause.practice}" in text for text in texts[1].alternatives):
        located.problem(loc + ("why",), f"the explanation must cite the practice: {{answers.{cause.practice}}}")
    title, why, mitigation = texts
    compiled = CompiledPitfall(cause.id, title, "high", precondition,
                               f"{cause.pain.replace('_', ' ')} named as the main pain", condition, why, (),
                               mitigation, (), None, tuple(cause.mitigated_by), cause_of=cause.pain)
    for name, text, governing in compiled.texts():
        words.check(text, {path for c in governing for path in c.reads}, located, loc + name, cause.id)
    return compiled


def optional_condition(compiler: ConditionCompiler, when: str | None, located: Located, loc: tuple,
                       label: str) -> tuple[bool, Condition | None]:
    """(compiled, condition) of an optional condition that may read the model: (True, None) when there is none."""
    if when is None:
        return True, None
    condition = compiler.condition(when, located, loc, with_model=True, label=label)
    return condition is not None, condition


def compile_rulebook(questionnaire: Questionnaire, documents: Mapping[str, list]) -> Rulebook | None:
    """Compile the model, pitfall and ownership rules; problems go to each file's Located."""
    compiler = ConditionCompiler(questionnaire)
    model_rules: list[CompiledModelRule] = []
    gates: list[CompiledGate] = []
    oversight: list[CompiledOversight] = []
    designs: list[CompiledDesign] = []
    focus: list[CompiledFocus] = []
    pitfalls: list[CompiledPitfall] = []
    own_first: list[CompiledOwnership] = []
    dont_own: list[CompiledOwnership] = []
    settings: dict[str, Any] = dict(base_fit=50, hybrid_margin=8, fit_scale=25.0, ruled_out_fit=30, min_change=0.25,
                                    tie_break=("supportive", "controlling", "federated", "directive"),
                                    models={}, phrases={}, max_focus=3, max_checks=3, levers=frozenset())
    max_own, pains = 4, {}
    pain_texts: dict[str, CompiledPain] = {}
    checks: list[CompiledCheck] = []
    terms: list[CompiledTerm] = []

    for doc, located in documents.get("terms", []):
        doc: TermRules
        seen = set()
        for i, term in enumerate(doc.terms):
            _unique(located, ("terms", i, "id"), term.id, seen, "term id")
            try:
                pattern = re.compile(r"\b(?:" + "|".join(term.words) + r")\b", re.IGNORECASE)
            except re.error as err:
                located.problem(("terms", i, "words"), f"not a regular expression: {err}")
                continue
            condition = compiler.condition(term.when, located, ("terms", i, "when"), with_model=True, label=term.id)
            if condition is not None:
                terms.append(CompiledTerm(term.id, pattern, condition, term.needs))
    words = TermChecker(tuple(terms))

    for doc, located in documents.get("model_rules", []):
        doc: ModelRules
        settings = dict(base_fit=doc.base_fit, hybrid_margin=doc.hybrid_margin, fit_scale=doc.fit_scale,
                        ruled_out_fit=doc.ruled_out_fit, min_change=doc.min_change, tie_break=tuple(doc.tie_break),
                        models=doc.models, phrases=doc.phrases, max_focus=doc.max_focus, levers=frozenset(doc.levers))
        for i, path in enumerate(doc.levers):
            if path not in compiler.facts or not path.startswith(("answers.", "scores.", "context.")):
                located.problem(("levers", i), f"{path!r} is not an answer, an area's score or a profile fact")
        seen: set[str] = set()
        for i, rule in enumerate(doc.rules):
            _unique(located, ("rules", i, "id"), rule.id, seen)
            condition = compiler.condition(rule.when, located, ("rules", i, "when"), with_model=False, label=rule.id)
            reason = compiler.text(rule.reason, located, ("rules", i, "reason"), with_model=False, label=rule.id)
            if condition is not None and reason is not None:
                words.check(reason, condition.reads, located, ("rules", i, "reason"), rule.id)
                model_rules.append(CompiledModelRule(rule.id, condition, dict(rule.points), reason))
        for model, definition in doc.models.items():
            for g, gate in enumerate(definition.requires):
                loc = ("models", model, "requires", g)
                _unique(located, loc + ("id",), gate.id, seen)
                condition = compiler.condition(gate.when, located, loc + ("when",), with_model=False, label=gate.id)
                compiler.template(gate.reason, located, loc + ("reason",), with_model=False, label=gate.id)
                if condition is not None:
                    gates.append(CompiledGate(gate.id, model, condition, gate.reason))
        for o, item in enumerate(doc.oversight):
            loc = ("oversight", o)
            _unique(located, loc + ("id",), item.id, seen)
            condition = compiler.condition(item.when, located, loc + ("when",), with_model=True, label=item.id)
            compiler.template(item.text, located, loc + ("text",), with_model=True, label=item.id)
            if condition is not None:
                words.check(item.text, condition.reads, located, loc + ("text",), item.id)
                oversight.append(CompiledOversight(item.id, item.model, condition, item.title, item.text))
        for d, design in enumerate(doc.designs):
            loc = ("designs", d)
            _unique(located, loc + ("id",), design.id, seen)
            ok, condition = optional_condition(compiler, design.when, located, loc + ("when",), design.id)
            if not ok:
                continue
            text = compiler.text(design.text, located, loc + ("text",), with_model=True, label=design.id)
            why = compiler.text(design.why, located, loc + ("why",), with_model=True, label=design.id)
            title = compiler.text(design.title, located, loc + ("title",), with_model=True, label=design.id)
            name = compiler.text(design.label, located, loc + ("label",), with_model=True, label=design.id)
            revisit = compiler.text(design.revisit, located, loc + ("revisit",), with_model=True, label=design.id)
            if text is None or title is None or (design.why is not None and why is None) or (
                    design.label is not None and name is None) or (design.revisit is not None and revisit is None):
                continue
            for r, path in enumerate(design.revisit_on):
                if path not in compiler.paths[True]:
                    located.problem(loc + ("revisit_on", r), f"{path!r} is not a fact (in {design.id!r})")
            reads = condition.reads if condition else ()
            for part, value in (("text", text), ("why", why), ("title", title), ("label", name), ("revisit", revisit)):
                words.check(value, reads, located, loc + (part,), design.id)
            for h, rule_id in enumerate(design.hides):
                if rule_id not in {rule.id for rule in doc.rules}:
                    located.problem(loc + ("hides", h), f"{rule_id!r} is not a model rule (in {design.id!r})")
            borrows = []
            for b, borrow in enumerate(design.borrows):
                where = loc + ("borrows", b)
                compiler.template(borrow.how, located, where + ("how",), with_model=True, label=design.id)
                ok, held = optional_condition(compiler, borrow.when, located, where + ("when",), design.id)
                if not ok:
                    continue
                words.check(borrow.how, set(reads) | set(held.reads if held else ()), located, where + ("how",),
                            design.id)
                borrows.append(CompiledBorrow(borrow.model, held, borrow.how))
            designs.append(CompiledDesign(design.id, tuple(design.models), condition, title, text, why,
                                          tuple(design.hides), name, tuple(borrows), revisit,
                                          tuple(design.revisit_on)))
        for f, item in enumerate(doc.focus):
            loc = ("focus", f)
            _unique(located, loc + ("id",), item.id, seen)
            condition = compiler.condition(item.when, located, loc + ("when",), with_model=True, label=item.id)
            compiler.template(item.text, located, loc + ("text",), with_model=True, label=item.id)
            if condition is not None:
                words.check(item.text, condition.reads, located, loc + ("text",), item.id)
                focus.append(CompiledFocus(item.id, condition, item.text))

    for doc, located in documents.get("pitfalls", []):
        doc: PitfallRules
        seen = set()
        for i, pitfall in enumerate(doc.pitfalls):
            _unique(located, ("pitfalls", i, "id"), pitfall.id, seen, "pitfall id")
            loc = ("pitfalls", i)
            precondition, ok = None, True
            if pitfall.requires is not None:
                precondition = compiler.condition(pitfall.requires.when, located, loc + ("requires", "when"),
                                                  with_model=True, label=pitfall.id)
                ok = precondition is not None
            condition = compiler.condition(pitfall.when, located, loc + ("when",), with_model=True, label=pitfall.id)
            title = compiler.text(pitfall.title, located, loc + ("title",), with_model=True, label=pitfall.id)
            why = compiler.text(pitfall.why, located, loc + ("why",), with_model=True, label=pitfall.id)
            mitigation = compiler.text(pitfall.mitigation, located, loc + ("mitigation",), with_model=True,
                                       label=pitfall.id)
            ok = ok and None not in (title, why, mitigation)
            variants = []
            for v, variant in enumerate(pitfall.variants):
                vloc = loc + ("variants", v)
                vc = compiler.condition(variant.when, located, vloc + ("when",), with_model=True, label=pitfall.id)
                texts = [compiler.text(getattr(variant, name), located, vloc + (name,), with_model=True,
                                       label=pitfall.id) for name in ("why", "title", "mitigation")]
                if vc is None or texts[0] is None or any(
                        t is None and getattr(variant, n) is not None for t, n in zip(texts, ("why", "title",
                                                                                             "mitigation"))):
                    ok = False
                else:
                    variants.append(CompiledVariant(vc, texts[0], texts[1], variant.severity, texts[2]))
            extra = {}
            for name, text, where in (("high_when", pitfall.high_when, ("high_when",)),
                                      ("pattern_when", pitfall.pattern_when, ("pattern_when",)),
                                      *((c, cap.when, ("caps", c, "when")) for c, cap in enumerate(pitfall.caps))):
                if text is not None:
                    extra[name] = compiler.condition(text, located, loc + where, with_model=True, label=pitfall.id)
                    ok = ok and extra[name] is not None
            for r, question in enumerate(pitfall.rests_on):
                if questionnaire.question(question) is None:
                    located.problem(loc + ("rests_on", r), f"unknown question {question!r}")
                    ok = False
            if condition is not None and ok:
                compiled = CompiledPitfall(
                    pitfall.id, title, pitfall.severity, precondition,
                    pitfall.requires.text if pitfall.requires else "", condition, why, tuple(variants),
                    mitigation, tuple(pitfall.holds), extra.get("high_when"), tuple(pitfall.mitigated_by),
                    pitfall.for_pain, pattern_when=extra.get("pattern_when"),
                    caps=tuple((extra[c], cap.severity) for c, cap in enumerate(pitfall.caps)),
                    rests_on=tuple(pitfall.rests_on))
                pitfalls.append(compiled)
                for name, text, governing in compiled.texts():
                    reads = {path for c in governing for path in c.reads}
                    words.check(text, reads, located, loc + name, pitfall.id)
        for i, cause in enumerate(doc.root_causes):
            compiled = compile_root_cause(compiler, words, located, ("root_causes", i), cause, questionnaire)
            _unique(located, ("root_causes", i, "id"), cause.id, seen, "pitfall id")
            if compiled is not None:
                pitfalls.append(compiled)

    for doc, located in documents.get("ownership", []):
        doc: OwnershipRules
        max_own = doc.max_own_first
        seen = set()
        for section, target in (("own_first", own_first), ("dont_own", dont_own)):
            for i, item in enumerate(getattr(doc, section)):
                _unique(located, (section, i, "id"), item.id, seen, "id")
                condition = None
                if item.when is not None:
                    condition = compiler.condition(item.when, located, (section, i, "when"), with_model=True,
                                                   label=item.id)
                    if condition is None:
                        continue
                why = compiler.text(item.why, located, (section, i, "why"), with_model=True, label=item.id)
                words.check(why, condition.reads if condition else (), located, (section, i, "why"), item.id)
                if why is not None:
                    target.append(CompiledOwnership(item.id, item.title, condition, why, tuple(item.improvements)))
        own_ids = {item.id for item in doc.own_first}
        for pain_id, pain in doc.pains.items():
            if pain.function not in own_ids:
                located.problem(("pains", pain_id, "function"), f"{pain.function!r} is not an own_first id")
            for q, question in enumerate(pain.questions):
                if questionnaire.question(question) is None:
                    located.problem(("pains", pain_id, "questions", q), f"unknown question {question!r}")
            known_pitfalls = {p.id for p in pitfalls}
            for k, pitfall_id in enumerate(pain.pitfalls):
                if known_pitfalls and pitfall_id not in known_pitfalls:  # (none known: the file has problems)
                    located.problem(("pains", pain_id, "pitfalls", k), f"{pitfall_id!r} is not a pitfall id")
            for q, question in enumerate(pain.causes):
                if questionnaire.question(question) is None:
                    located.problem(("pains", pain_id, "causes", q), f"unknown question {question!r}")
            probe = compiler.text(pain.probe, located, ("pains", pain_id, "probe"), with_model=True, label=pain_id)
            stakes = compiler.text(pain.would_change, located, ("pains", pain_id, "would_change"), with_model=True,
                                   label=pain_id)
            for name, text in (("probe", probe), ("would_change", stakes)):
                words.check(text, ("context.primary_pain",), located, ("pains", pain_id, name), pain_id)
            if probe is not None:
                pain_texts[pain_id] = CompiledPain(pain_id, pain, probe, stakes)
        pains = dict(doc.pains)

    for doc, located in documents.get("checks", []):
        doc: CheckRules
        seen = set()
        for i, check in enumerate(doc.checks):
            loc = ("checks", i)
            _unique(located, loc + ("id",), check.id, seen, "check id")
            condition = compiler.condition(check.when, located, loc + ("when",), with_model=True, label=check.id)
            texts = [compiler.text(getattr(check, name), located, loc + (name,), with_model=True, label=check.id)
                     for name in ("text", "ask", "would_change")]
            if condition is None or None in texts:
                continue
            for name, text in zip(("text", "ask", "would_change"), texts):
                words.check(text, condition.reads, located, loc + (name,), check.id)
            checks.append(CompiledCheck(check.id, condition, *texts, group=check.group, pinned=check.pinned))
        settings["max_checks"] = doc.max_shown

    readers: dict[str, list[int]] = {}
    gate_readers: dict[str, list[int]] = {}
    thresholds: dict[str, set[float]] = {}
    for index, rule in enumerate(model_rules):
        for path in rule.condition.reads:
            readers.setdefault(path, []).append(index)
        for path, values in rule.condition.thresholds.items():
            thresholds.setdefault(path, set()).update(values)
    for index, gate in enumerate(gates):
        for path in gate.condition.reads:
            gate_readers.setdefault(path, []).append(index)
        for path, values in gate.condition.thresholds.items():
            thresholds.setdefault(path, set()).update(values)
    return Rulebook(
        **settings,
        model_rules=tuple(model_rules),
        gates=tuple(gates),
        oversight=tuple(oversight),
        designs=tuple(designs),
        focus=tuple(focus),
        pitfalls=tuple(pitfalls),
        own_first=tuple(own_first),
        dont_own=tuple(dont_own),
        max_own_first=max_own,
        pains=pains,
        pain_texts=pain_texts,
        checks=tuple(checks),
        terms=tuple(terms),
        facts=compiler.facts,
        readers={path: tuple(indexes) for path, indexes in readers.items()},
        gate_readers={path: tuple(indexes) for path, indexes in gate_readers.items()},
        model_thresholds={path: frozenset(values) for path, values in thresholds.items()},
    )

