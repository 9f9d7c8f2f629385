"""Evaluate the rulebook: rank the PMO models, flag pitfalls, say what the PMO should own,
and search for the smallest changes that would change the recommendation."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from .facts import derive_from_scores
from .rulebook import PLACEHOLDER, Rulebook
from .vocabulary import CONTEXT_KEYS, DIMENSIONS, MODELS

# On equal points the lighter model ranks first: maturity is built in sequence.
MODEL_ORDER: dict[str, int] = {"supportive": 0, "controlling": 1, "federated": 2, "directive": 3}
SEVERITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}


def format_value(value: Any) -> str:
    """A fact value as people read it."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    return str(value)


def format_fact(path: str, value: Any) -> str:
    """A fact as people read it: answers as 'level 2' or 'unknown'."""
    if path.startswith("answers."):
        return "unknown" if value is None else f"level {value}"
    return format_value(value)


def render(template: str, facts: Mapping[str, Any]) -> str:
    """Fill {fact.path} placeholders with the facts' values."""
    return PLACEHOLDER.sub(lambda m: format_fact(m.group(1), facts.get(m.group(1))), template)


# --------------------------------------------------------------------------
# Model fit
# --------------------------------------------------------------------------


def score_models(rulebook: Rulebook, facts: Mapping[str, Any]) -> tuple[dict[str, int], list[bool]]:
    """Raw points per model and which model rules fired."""
    totals = {m: rulebook.base_fit for m in MODELS}
    fired = []
    for rule in rulebook.model_rules:
        hit = rule.condition.matches(facts)
        fired.append(hit)
        if hit:
            for model, points in rule.points.items():
                totals[model] += points
    return totals, fired


def order_models(totals: Mapping[str, int]) -> list[str]:
    return sorted(MODELS, key=lambda m: (-totals[m], MODEL_ORDER[m]))


def clamp_fit(points: int) -> int:
    return max(0, min(100, points))


def rank_models(rulebook: Rulebook, facts: Mapping[str, Any]) -> dict[str, Any]:
    """Rank all four models with a fit from 0 to 100 and the reasons, with evidence, behind each."""
    totals, fired = score_models(rulebook, facts)
    reasons: dict[str, list[dict[str, Any]]] = {m: [] for m in MODELS}
    for rule, hit in zip(rulebook.model_rules, fired):
        if not hit:
            continue
        text = render(rule.reason, facts)
        evidence = rule.condition.evidence(facts)
        for model, points in rule.points.items():
            reasons[model].append({"rule": rule.id, "text": text, "evidence": evidence, "points": points})
    order = order_models(totals)
    for model in MODELS:
        reasons[model].sort(key=lambda r: -abs(r["points"]))
    top, runner_up = order[0], order[1]
    hybrid = runner_up if totals[top] - totals[runner_up] <= rulebook.hybrid_margin else None
    ranking = [
        {
            "model": m,
            "title": rulebook.models[m].title,
            "fit": clamp_fit(totals[m]),
            "points": totals[m],
            "reasons": reasons[m],
        }
        for m in order
    ]
    return {
        "model": top,
        "hybrid_with": hybrid,
        "title": rulebook.models[top].title,
        "summary": rulebook.models[top].summary,
        "hybrid_margin": rulebook.hybrid_margin,
        "ranking": ranking,
        "_totals": totals,
        "_fired": fired,
    }


# --------------------------------------------------------------------------
# What would change the recommendation
# --------------------------------------------------------------------------


class ChangeSearch:
    """Find the smallest single changes of a dimension score or a context value that would
    make the runner-up the recommended model.

    Only the rules that read a fact the candidate changes are re-evaluated; the points of
    the others stay as they are. Candidate values are the thresholds the rules compare
    each fact with (and the scores that put a derived fact, such as the rounded overall
    score, just across its threshold), tried nearest first. Facts nobody gave an answer
    for (None) are not searched.
    """

    # Score changes further than this are not "what would change" advice but a different organisation.
    MAX_SCORE_CHANGE = 2.0

    def __init__(self, rulebook: Rulebook, facts: dict[str, Any], fired: list[bool], top: str, runner_up: str,
                 weights: Mapping[str, float], labels: "FactLabels"):
        self.rulebook = rulebook
        self.facts = facts
        self.fired = fired
        self.top, self.runner_up = top, runner_up
        self.weights = weights
        self.labels = labels
        self.weight_of = [r.points.get(runner_up, 0) - r.points.get(top, 0) for r in rulebook.model_rules]
        self.base_totals = {m: rulebook.base_fit for m in MODELS}
        for rule, hit in zip(rulebook.model_rules, fired):
            if hit:
                for model, points in rule.points.items():
                    self.base_totals[model] += points
        self.gap = self.base_totals[runner_up] - self.base_totals[top]
        self.scores = {d: facts[f"scores.{d}"] for d in DIMENSIONS}
        self.evaluations = 0

    def _relevant(self, paths: tuple[str, ...]) -> list[int]:
        """Rules that read any of these paths: those that separate the runner-up from the top first."""
        seen: dict[int, None] = {}
        for path in paths:
            for index in self.rulebook.readers.get(path, ()):
                seen[index] = None
        return sorted(seen, key=lambda i: self.weight_of[i] == 0)

    def _outcome(self, changed: Mapping[str, Any], relevant: list[int]) -> tuple[dict[str, int] | None, tuple[int, ...]]:
        """Every model's points after a change and the rules it flips; None when the runner-up
        cannot be on top (it would not even pass the current top model)."""
        facts = self.facts
        saved = {key: facts[key] for key in changed}
        facts.update(changed)  # evaluated in place and restored: no copy per candidate
        flipped = []
        try:
            gap = self.gap
            rest = 0
            for position, index in enumerate(relevant):
                if self.weight_of[index] == 0:
                    rest = position
                    break
                self.evaluations += 1
                hit = self.rulebook.model_rules[index].condition.matches(facts)
                if hit != self.fired[index]:
                    flipped.append(index)
                    gap += self.weight_of[index] if hit else -self.weight_of[index]
            else:
                rest = len(relevant)
            if not (gap > 0 or (gap == 0 and MODEL_ORDER[self.runner_up] < MODEL_ORDER[self.top])):
                return None, tuple(flipped)
            # Passing the top model is not enough: a third model must not pass the runner-up.
            for index in relevant[rest:]:
                self.evaluations += 1
                hit = self.rulebook.model_rules[index].condition.matches(facts)
                if hit != self.fired[index]:
                    flipped.append(index)
        finally:
            facts.update(saved)
        totals = dict(self.base_totals)
        for index in flipped:
            sign = 1 if not self.fired[index] else -1
            for model, points in self.rulebook.model_rules[index].points.items():
                totals[model] += sign * points
        return totals, tuple(flipped)

    def _wins(self, totals: Mapping[str, int] | None) -> bool:
        return totals is not None and order_models(totals)[0] == self.runner_up

    def _reachable(self, relevant: list[int]) -> bool:
        """Could flipping these rules, at best, lift the runner-up above the top model? If not, skip."""
        best = self.gap
        for index in relevant:
            w = self.weight_of[index]
            if (w > 0 and not self.fired[index]) or (w < 0 and self.fired[index]):
                best += abs(w)
        return best > 0 or (best == 0 and MODEL_ORDER[self.runner_up] < MODEL_ORDER[self.top])

    # -- candidate generation ------------------------------------------------

    def _overall_crossings(self, dim: str, thresholds: set[float]) -> set[float]:
        """The scores of ``dim`` on each side of where the rounded overall score crosses each threshold.

        The overall score is rounded to two decimals, so ``overall >= t`` first holds a little
        before the exact score that makes the mean equal t; the first grid value that passes
        is found from an estimate and checked, moving at most a step or two.
        """
        known = [d for d in DIMENSIONS if self.scores[d] is not None]
        total = sum(self.weights[d] for d in known)
        rest = sum(self.weights[d] * self.scores[d] for d in known if d != dim)
        weight = self.weights[dim]

        def first_passing(test, estimate: float) -> float:
            v = round(estimate, 2)
            while v > 1.0 and test(round((rest + weight * round(v - 0.01, 2)) / total, 2)):
                v = round(v - 0.01, 2)
            while v < 5.0 and not test(round((rest + weight * v) / total, 2)):
                v = round(v + 0.01, 2)
            return v

        found: set[float] = set()
        for t in thresholds:
            for test, edge in ((lambda o, t=t: o >= t, t - 0.005), (lambda o, t=t: o > t, t + 0.005)):
                v = first_passing(test, (edge * total - rest) / weight)
                found.update((round(v - 0.01, 2), v))
        return {v for v in found if 1.0 <= v <= 5.0}

    def pair_thresholds(self) -> Mapping[str, frozenset[float]]:
        """Thresholds of the rules that give the runner-up and the top model different points:
        only where one of these flips can the runner-up pass the top model."""
        key = (self.runner_up, self.top)
        cache = self.rulebook.pair_threshold_cache
        if key not in cache:
            merged: dict[str, set[float]] = {}
            for rule, weight in zip(self.rulebook.model_rules, self.weight_of):
                if weight:
                    for path, values in rule.condition.thresholds.items():
                        merged.setdefault(path, set()).update(values)
            cache[key] = {path: frozenset(values) for path, values in merged.items()}
        return cache[key]

    def score_candidates(self, dim: str, all_rules: bool = False) -> list[float]:
        """Scores of ``dim`` just on each side of every threshold a model rule could cross, nearest first.

        Scores have two decimals, so a comparison with t switches between t - 0.01 and t
        (for <, >=) or between t and t + 0.01 (for <=, >): moving up, t and t + 0.01 are the
        values to try; moving down, t and t - 0.01.
        """
        th = self.rulebook.model_thresholds if all_rules else self.pair_thresholds()
        current = self.facts[f"scores.{dim}"]
        if current is None:
            return []
        values: set[float] = set()

        def around(t: float) -> None:
            if t > current:
                values.update((t, t + 0.01))
            elif t < current:
                values.update((t, t - 0.01))
            else:
                values.update((t - 0.01, t + 0.01))

        for t in th.get(f"scores.{dim}", ()):
            around(t)
        for t in th.get(f"level.{dim}", ()):
            around(float(int(t)))
        for t in th.get("lowest", frozenset()) | th.get("highest", frozenset()):
            around(t)
        others = [self.scores[d] for d in DIMENSIONS if d != dim and self.scores[d] is not None]
        if others:
            for s in th.get("spread", ()):
                around(min(others) + s)
                around(max(others) - s)
        overall_thresholds = set(th.get("overall", ())) | {float(t) for t in th.get("overall_level", ())}
        if overall_thresholds:
            values.update(self._overall_crossings(dim, overall_thresholds))
        cleaned = {round(min(5.0, max(1.0, v)), 2) for v in values}
        cleaned = {v for v in cleaned if 0 < abs(v - current) <= self.MAX_SCORE_CHANGE + 1e-9}
        return sorted(cleaned, key=lambda v: (abs(v - current), -v))

    def _score_change(self, dim: str, value: float) -> dict[str, Any]:
        self.scores[dim] = value
        changed = {f"scores.{dim}": value, f"level.{dim}": int(value)}
        changed.update(derive_from_scores(self.scores, self.weights))
        self.scores[dim] = self.facts[f"scores.{dim}"]
        return changed

    def context_candidates(self, key: str) -> list[Any]:
        spec = CONTEXT_KEYS[key]
        current = self.facts[f"context.{key}"]
        if spec["type"] == "choice":
            return [v for v in spec["values"] if v != current]
        if spec["type"] == "boolean":
            return [not current]
        values: set[int] = set()
        for t in self.rulebook.model_thresholds.get(f"context.{key}", ()):
            values.update((int(t) - 1, int(t), int(t) + 1))
        values = {v for v in values if v >= spec["min"] and v != current}
        return sorted(values, key=lambda v: (abs(v - current), v))

    # -- the search ------------------------------------------------------------

    def single_changes(self) -> list[dict[str, Any]]:
        found = []
        for dim in DIMENSIONS:
            current = self.facts[f"scores.{dim}"]
            if current is None:
                continue
            derived = (f"scores.{dim}", f"level.{dim}", "overall", "overall_level", "lowest", "highest",
                       "spread", "lowest_dimension", "highest_dimension")
            relevant = self._relevant(derived)
            if not relevant or not self._reachable(relevant):
                continue
            best: dict[str, dict[str, Any]] = {}
            candidates = self.score_candidates(dim)
            widened = False
            index = 0
            while index < len(candidates):
                value = candidates[index]
                index += 1
                direction = "up" if value > current else "down"
                if direction in best:
                    if len(best) == 2:
                        break
                    continue
                changed = self._score_change(dim, value)
                totals, flipped = self._outcome(changed, relevant)
                if self._wins(totals):
                    best[direction] = {"kind": "score", "fact": f"scores.{dim}", "dimension": dim,
                                       "from": current, "to": value, "size": round(abs(value - current), 2),
                                       "totals": totals, "flipped": flipped, "overall_after": changed["overall"]}
                elif totals is not None and not widened:
                    # The runner-up passed the top model but a third model leads: where that third
                    # model's rules flip may matter too, so try every rule's thresholds from here on.
                    widened = True
                    tried = set(candidates[:index])
                    candidates = candidates[:index] + [v for v in self.score_candidates(dim, all_rules=True)
                                                       if v not in tried]
            found.extend(best.values())
        for key in CONTEXT_KEYS:
            relevant = self._relevant((f"context.{key}",))
            if not relevant or not self._reachable(relevant):
                continue
            current = self.facts[f"context.{key}"]
            for value in self.context_candidates(key):
                totals, flipped = self._outcome({f"context.{key}": value}, relevant)
                if self._wins(totals):
                    size = abs(value - current) if CONTEXT_KEYS[key]["type"] == "integer" else 1
                    found.append({"kind": "context", "fact": f"context.{key}", "key": key, "from": current,
                                  "to": value, "size": size, "totals": totals, "flipped": flipped})
                    break
        return found

    def describe(self, change: Mapping[str, Any]) -> dict[str, Any]:
        if change["kind"] == "score":
            verb = "reached" if change["to"] > change["from"] else "fell to"
            condition = (f"{self.labels.dimension(change['dimension'])} {verb} {format_value(change['to'])} "
                         f"(now {format_value(change['from'])})")
            reads_overall = any(
                {"overall", "overall_level"} & set(self.rulebook.model_rules[i].condition.reads)
                for i in change["flipped"])
            if reads_overall and change["overall_after"] != self.facts["overall"]:
                condition += f", taking overall maturity to {format_value(change['overall_after'])}"
        else:
            condition = self.labels.context_change(change["key"], change["from"], change["to"])
        totals = change["totals"]
        return {
            "kind": change["kind"],
            "fact": change["fact"],
            "from": change["from"],
            "to": change["to"],
            "model": self.runner_up,
            "instead_of": self.top,
            "text": f"If {condition}, {self.runner_up} would overtake {self.top} as the better fit.",
            "fits_after": {m: clamp_fit(totals[m]) for m in order_models(totals)},
            "rules_changed": [{"rule": self.rulebook.model_rules[i].id, "applies_after": not self.fired[i]}
                              for i in change["flipped"]],
        }


class FactLabels:
    """Plain-language names of facts, for sentences about them."""

    def __init__(self, dimension_titles: Mapping[str, str], context_labels: Callable[[str, Any], str]):
        self.dimension_titles = dimension_titles
        self.value_label = context_labels

    def dimension(self, dim: str) -> str:
        return self.dimension_titles.get(dim, dim).lower()

    def context_change(self, key: str, old: Any, new: Any) -> str:
        if key == "regulated":
            return ("the organisation's work were regulated (now it is not)" if new
                    else "the organisation's work were not regulated (now it is)")
        if key == "active_projects":
            return f"there were {new} active projects (now {old})"
        if key == "business_units":
            return f"the PMO served {new} business units or domains (now {old})"
        names = {"org_size": "the organisation size", "risk_profile": "the risk profile",
                 "delivery_mix": "the delivery mix", "primary_pain": "the main pain point",
                 "existing_pmo": "the existing PMO"}
        return (f"{names.get(key, key)} were {self.value_label(key, new)} "
                f"(now {self.value_label(key, old)})")


def what_would_change(rulebook: Rulebook, facts: dict[str, Any], fired: list[bool], order: list[str],
                      weights: Mapping[str, float], labels: FactLabels,
                      limit: int = 5) -> tuple[list[dict[str, Any]], int]:
    """The smallest changes that would make the runner-up the recommended model."""
    search = ChangeSearch(rulebook, facts, fired, order[0], order[1], weights, labels)
    changes = search.single_changes()
    # Score changes first, smallest first (and rises before falls); then context changes.
    changes.sort(key=lambda c: (c["kind"] != "score", c["size"], c["to"] < c["from"] if c["kind"] == "score" else 0))
    # Several areas often tip the balance through the same rules (the overall score crossing
    # a threshold): keep the smallest change per set of rules it flips.
    kept, seen = [], set()
    for change in changes:
        key = (change["kind"], frozenset(change["flipped"]))
        if key in seen:
            continue
        seen.add(key)
        kept.append(change)
    return [search.describe(c) for c in kept[:limit]], search.evaluations


# --------------------------------------------------------------------------
# Pitfalls and ownership
# --------------------------------------------------------------------------


def find_pitfalls(rulebook: Rulebook, facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every pitfall whose condition holds, highest severity first, with its evidence."""
    found = []
    for index, pitfall in enumerate(rulebook.pitfalls):
        if pitfall.condition.matches(facts):
            found.append((SEVERITY_ORDER[pitfall.severity], index, {
                "id": pitfall.id,
                "title": pitfall.title,
                "severity": pitfall.severity,
                "why": render(pitfall.why, facts),
                "evidence": pitfall.condition.evidence(facts),
                "mitigation": pitfall.mitigation,
                "roadmap_items": [],
            }))
    return [entry for _s, _i, entry in sorted(found, key=lambda item: item[:2])]


def choose_ownership(rulebook: Rulebook, facts: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """What the PMO should own first (in content order, pain first) and what it should not own."""

    def applies(item) -> bool:
        return item.condition is None or item.condition.matches(facts)

    def entry(item) -> dict[str, Any]:
        return {"id": item.id, "title": item.title, "why": render(item.why, facts),
                "evidence": item.condition.evidence(facts) if item.condition else {}}

    own_first = [entry(item) for item in rulebook.own_first if applies(item)][: rulebook.max_own_first]
    dont_own = [entry(item) for item in rulebook.dont_own if applies(item)]
    return {"own_first": own_first, "dont_own": dont_own}
