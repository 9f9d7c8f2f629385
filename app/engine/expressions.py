"""Rule conditions: parsed and type-checked by rule-engine, then made fast to evaluate.

rule-engine parses each condition once, at load, against the typed facts, so unknown
names (with its suggestion of the closest one), type mismatches and syntax errors are
caught before the app starts. From the parsed expression we take:

- ``reads``: every fact path the condition reads (its evidence);
- ``thresholds``: the numbers each numeric path is compared with (the candidate values
  the what-would-change search tries, instead of stepping through values);
- ``fn``: a plain Python closure equivalent to rule-engine's evaluation, for speed.
  The whole engine runs many conditions per assessment; the closure is about forty
  times faster than walking rule-engine's tree. Node types the translator does not know
  fall back to rule-engine itself, and a property test checks both always agree.
"""

from __future__ import annotations

import decimal
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import rule_engine
from rule_engine import ast as re_ast
from rule_engine import errors as re_errors

from .facts import nest


class ConditionError(ValueError):
    """A condition does not compile; the message says why and where."""


@dataclass(frozen=True)
class Condition:
    text: str
    reads: tuple[str, ...]
    thresholds: Mapping[str, frozenset[float]]
    fn: Callable[[Mapping[str, Any]], Any] = field(repr=False, compare=False)
    rule: rule_engine.Rule = field(repr=False, compare=False)
    # String literals each fact path is compared with (==, != or in), checked against allowed values.
    compared_strings: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """True when the condition holds. A comparison with a null fact is simply false."""
        try:
            return bool(self.fn(facts))
        except (TypeError, re_errors.EvaluationError, decimal.InvalidOperation, ZeroDivisionError):
            return False

    def matches_reference(self, facts: Mapping[str, Any]) -> bool:
        """Evaluate with rule-engine itself (slow; used by tests and `rules explain`).

        rule-engine converts the whole mapping under a name each time the condition reads it (all fifty
        answers for one `answers.x`), so it is given only the facts the condition reads: the same values
        for everything it can reach, and a fact missing from ``reads`` would show as a disagreement.
        """
        given: dict[str, Any] = {}
        for path in self.reads:
            if path in facts:
                given[path] = facts[path]
            else:  # a mapping read as a whole: every fact under it
                given.update((p, v) for p, v in facts.items() if p.startswith(path + "."))
        try:
            return bool(self.rule.matches(nest(given)))
        except re_errors.EvaluationError:
            return False

    def evidence(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The value of every fact this condition reads."""
        return {path: facts.get(path) for path in self.reads}

    def deciding(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The facts that make this condition hold: those without which (read as unknown) it would not.

        'Sponsorship at 2 or the mandate at 2' holding on the mandate alone cites the mandate, not a sponsor
        at 4 (round 211: 'Against: executive sponsor at level 4'). Where no single fact is needed (both at 2),
        or the condition does not hold, every fact it reads.
        """
        evidence = self.evidence(facts)
        if not self.matches(facts):
            return evidence
        needed = {}
        for path, value in evidence.items():
            if value is None:
                continue
            without = dict(facts)
            without[path] = None
            if not self.matches(without):
                needed[path] = value
        return needed or evidence


def compile_condition(text: str, context: rule_engine.Context) -> Condition:
    """Parse and type-check ``text``; raise ConditionError with a precise message."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("condition is empty")
    try:
        rule = rule_engine.Rule(text, context=context)
    except re_errors.RuleSyntaxError as exc:
        token = getattr(exc, "token", None)
        where = f" at column {token.lexpos + 1}" if token is not None and hasattr(token, "lexpos") else ""
        raise ConditionError(f"syntax error{where}: {exc.message}") from None
    except re_errors.SymbolResolutionError as exc:
        raise ConditionError(_with_position(text, exc.symbol_name, f"unknown name {exc.symbol_name!r}",
                                            exc.suggestion)) from None
    except re_errors.AttributeResolutionError as exc:
        # Point at the access on the object that lacks the attribute, not at a valid one elsewhere.
        owner = getattr(getattr(exc, "object", None), "name", None)
        access = f"{owner.replace('_', '.')}.{exc.attribute_name}" if isinstance(owner, str) else exc.attribute_name
        raise ConditionError(_with_position(text, access, f"unknown attribute {exc.attribute_name!r}",
                                            exc.suggestion, skip=len(access) - len(exc.attribute_name))) from None
    except re_errors.EngineError as exc:
        raise ConditionError(f"{exc.message} in {text!r}") from None
    result_type = rule.statement.expression.result_type
    if result_type not in (rule_engine.DataType.BOOLEAN, rule_engine.DataType.UNDEFINED):
        raise ConditionError(f"condition must be true or false, but gives a {result_type.name.lower()}")
    builtin = _builtin_symbol(rule.statement.expression)
    if builtin is not None:
        raise ConditionError(f"built-in symbol ${builtin} is not allowed: conditions read facts only")
    reads: list[str] = []
    thresholds: dict[str, set[float]] = {}
    strings: dict[str, set[str]] = {}
    fn = _translate(rule.statement.expression, reads, thresholds, rule, strings)
    return Condition(
        text=text,
        reads=tuple(dict.fromkeys(reads)),
        thresholds={path: frozenset(values) for path, values in thresholds.items()},
        fn=fn,
        rule=rule,
        compared_strings={path: frozenset(values) for path, values in strings.items()},
    )


def _builtin_symbol(node: Any) -> str | None:
    """The name of the first rule-engine built-in ($now, $pi...) the expression uses, if any."""
    if isinstance(node, re_ast.SymbolExpression):
        return node.name if node.scope is not None else None
    for attr in ("left", "right", "object", "condition", "case_true", "case_false", "container", "member",
                 "item", "function"):
        child = getattr(node, attr, None)
        if isinstance(child, re_ast.ExpressionBase):
            found = _builtin_symbol(child)
            if found:
                return found
    for child in list(getattr(node, "arguments", None) or ()) + (
            list(node.value) if isinstance(getattr(node, "value", None), (list, tuple)) else []):
        if isinstance(child, re_ast.ExpressionBase):
            found = _builtin_symbol(child)
            if found:
                return found
    return None


def _with_position(text: str, name: str, message: str, suggestion: str | None, skip: int = 0) -> str:
    match = re.search(r"(?<![\w.])" + re.escape(name) + r"\b", text) or re.search(re.escape(name), text)
    where = f" at column {match.start() + skip + 1}" if match else ""
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    return f"{message}{where}{hint}"


# --------------------------------------------------------------------------
# Translation of rule-engine's tree into closures over flat facts
# --------------------------------------------------------------------------

_COMPARE = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}
_ARITHMETIC = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "tdiv": operator.truediv}


def _path_of(node: Any) -> str | None:
    """``scores.governance`` for a chain of attribute accesses on a symbol, else None."""
    if isinstance(node, re_ast.SymbolExpression):
        return node.name
    if isinstance(node, re_ast.GetAttributeExpression) and not node.safe:
        base = _path_of(node.object)
        return f"{base}.{node.name}" if base else None
    return None


def _literal(node: Any) -> tuple[bool, Any]:
    if isinstance(node, re_ast.FloatExpression):
        return True, float(node.value)
    if isinstance(node, (re_ast.StringExpression, re_ast.BooleanExpression)):
        return True, node.value
    if isinstance(node, re_ast.NullExpression):
        return True, None
    if isinstance(node, re_ast.ArrayExpression):
        values = []
        for item in node.value:
            ok, value = _literal(item)
            if not ok:
                return False, None
            values.append(value)
        return True, tuple(values)
    return False, None


def _translate(node: Any, reads: list[str], thresholds: dict[str, set[float]], rule: rule_engine.Rule,
               strings: dict[str, set[str]] | None = None) -> Callable:
    strings = strings if strings is not None else {}
    path = _path_of(node)
    if path is not None:
        reads.append(path)
        # Facts hold plain Python values (ints compare with floats as rule-engine's Decimals do).
        return lambda f, p=path: f.get(p)
    ok, value = _literal(node)
    if ok:
        return lambda f, v=value: v
    if isinstance(node, re_ast.LogicExpression) and node.type in ("and", "or"):
        # `a and b and c` is one closure over its three parts, left to right, stopping as Python does.
        parts = [_translate(part, reads, thresholds, rule, strings) for part in _chain(node, node.type)]
        if len(parts) == 2:
            left, right = parts
            if node.type == "and":
                return lambda f: bool(left(f) and right(f))
            return lambda f: bool(left(f) or right(f))
        if node.type == "and":
            def every(f: Mapping[str, Any]) -> bool:
                for part in parts:  # a plain loop: faster than all() over a generator
                    if not part(f):
                        return False
                return True
            return every

        def some(f: Mapping[str, Any]) -> bool:
            for part in parts:
                if part(f):
                    return True
            return False
        return some
    if isinstance(node, re_ast.ArithmeticComparisonExpression) and node.type in _COMPARE:
        _note_threshold(node.left, node.right, thresholds)
        _note_threshold(node.right, node.left, thresholds)
        op = _COMPARE[node.type]
        left = _translate(node.left, reads, thresholds, rule, strings)
        right = _translate(node.right, reads, thresholds, rule, strings)
        fast = _fact_against_number(node, op)
        if fast is not None:  # the common `fact < 2.5` and `(fact ?? 5) <= 2`, in one call
            return fast
        return lambda f: op(left(f), right(f))
    if isinstance(node, re_ast.ComparisonExpression) and node.type in ("eq", "ne"):
        _note_threshold(node.left, node.right, thresholds)
        _note_threshold(node.right, node.left, thresholds)
        _note_strings(node.left, node.right, strings)
        _note_strings(node.right, node.left, strings)
        left = _translate(node.left, reads, thresholds, rule, strings)
        right = _translate(node.right, reads, thresholds, rule, strings)
        path, (ok, value) = _path_of(node.left), _literal(node.right)
        if path is not None and ok and isinstance(value, str):
            # Against a text, Python's == is rule-engine's: a null, a number or a boolean is never equal.
            if node.type == "eq":
                return lambda f: f.get(path) == value
            return lambda f: f.get(path) != value
        if node.type == "eq":
            return lambda f: _same(left(f), right(f))
        return lambda f: not _same(left(f), right(f))
    if isinstance(node, re_ast.UnaryExpression):
        right = _translate(node.right, reads, thresholds, rule, strings)
        if node.type == "not":
            return lambda f: not right(f)
        return lambda f: -right(f)
    if isinstance(node, re_ast.CoalesceExpression):
        left = _translate(node.left, reads, thresholds, rule, strings)
        right = _translate(node.right, reads, thresholds, rule, strings)
        return lambda f: _coalesce(left(f), right, f)
    if isinstance(node, (re_ast.AddExpression, re_ast.SubtractExpression, re_ast.ArithmeticExpression)) \
            and node.type in _ARITHMETIC:
        op = _ARITHMETIC[node.type]
        left = _translate(node.left, reads, thresholds, rule, strings)
        right = _translate(node.right, reads, thresholds, rule, strings)
        # Rule-engine computes with Decimals; rounding keeps float noise from flipping a boundary.
        return lambda f: round(op(left(f), right(f)), 9)
    if isinstance(node, re_ast.ContainsExpression):
        _note_strings(node.member, node.container, strings)
        container = _translate(node.container, reads, thresholds, rule, strings)
        member = _translate(node.member, reads, thresholds, rule, strings)
        return lambda f: member(f) in container(f)
    if isinstance(node, re_ast.TernaryExpression):
        condition = _translate(node.condition, reads, thresholds, rule, strings)
        case_true = _translate(node.case_true, reads, thresholds, rule, strings)
        case_false = _translate(node.case_false, reads, thresholds, rule, strings)
        return lambda f: case_true(f) if condition(f) else case_false(f)
    # Anything else: read what it reads, and let rule-engine evaluate the whole condition.
    _collect_paths(node, reads)
    return lambda f: rule.evaluate(nest(f))


def _chain(node: Any, kind: str) -> list[Any]:
    """The operands of a run of the same logic operator, in reading order: a and (b and c) -> [a, b, c]."""
    if isinstance(node, re_ast.LogicExpression) and node.type == kind:
        return _chain(node.left, kind) + _chain(node.right, kind)
    return [node]


def _fact_against_number(node: Any, op: Callable) -> Callable | None:
    """``fact <op> number`` or ``(fact ?? number) <op> number`` as one closure, else None.

    It gives what the general translation gives: a null fact still raises TypeError in the
    comparison, which ``Condition.matches`` reads as false.
    """
    ok, limit = _literal(node.right)
    if not ok or not isinstance(limit, float):
        return None
    side = node.left
    if isinstance(side, re_ast.CoalesceExpression):
        path = _path_of(side.left)
        has_default, default = _literal(side.right)
        if path is None or not has_default or not isinstance(default, float):
            return None

        def compare_or_default(f: Mapping[str, Any]) -> Any:
            value = f.get(path)
            return op(default if value is None else value, limit)
        return compare_or_default
    path = _path_of(side)
    if path is None:
        return None
    return lambda f: op(f.get(path), limit)


def _same(a: Any, b: Any) -> bool:
    # Rule-engine's == is false across types (a null never equals a number).
    if (a is None) != (b is None) or isinstance(a, bool) != isinstance(b, bool):
        return False
    return a == b


def _coalesce(value: Any, fallback: Callable, facts: Mapping[str, Any]) -> Any:
    return fallback(facts) if value is None else value


def _note_threshold(side: Any, other: Any, thresholds: dict[str, set[float]]) -> None:
    """Record ``path <op> number`` (also through ``??``) as a candidate value for ``path``."""
    ok, value = _literal(other)
    if not ok or not isinstance(value, float):
        return
    if isinstance(side, re_ast.CoalesceExpression):
        side = side.left
    path = _path_of(side)
    if path is not None:
        thresholds.setdefault(path, set()).add(value)


def _note_strings(side: Any, other: Any, strings: dict[str, set[str]]) -> None:
    """Record ``path == 'text'`` and ``path in ['a', 'b']`` so the texts can be checked at load."""
    path = _path_of(side)
    ok, value = _literal(other)
    if path is None or not ok:
        return
    values = value if isinstance(value, tuple) else (value,)
    for v in values:
        if isinstance(v, str):
            strings.setdefault(path, set()).add(v)


def _collect_paths(node: Any, reads: list[str]) -> None:
    path = _path_of(node)
    if path is not None:
        reads.append(path)
        return
    for attr in ("left", "right", "expression", "object", "condition", "case_true", "case_false",
                 "container", "member", "item", "function"):
        child = getattr(node, attr, None)
        if isinstance(child, re_ast.ExpressionBase):
            _collect_paths(child, reads)
    if isinstance(getattr(node, "arguments", None), (list, tuple)):
        for child in node.arguments:
            _collect_paths(child, reads)
    if isinstance(getattr(node, "value", None), (list, tuple)):
        for child in node.value:
            if isinstance(child, re_ast.ExpressionBase):
                _collect_paths(child, reads)
