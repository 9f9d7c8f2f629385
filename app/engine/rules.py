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
    make the runner-up overtake the recommended model.

    Only rules that give the two models different points matter, and of those only the
    rules that read a fact the candidate changes are re-evaluated. Candidate values are
    the thresholds the rules compare each fact with (and the score that puts a derived
    fact such as the overall score on its threshold), tried nearest first.
    """

    def __init__(self, rulebook: Rulebook, facts: dict[str, Any], fired: list[bool], top: str, runner_up: str,
                 weights: Mapping[str, float], counted: frozenset[str], labels: "FactLabels"):
        self.rulebook = rulebook
        self.facts = facts
        self.fired = fired
        self.top, self.runner_up = top, runner_up
        self.weights, self.counted = weights, counted
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
        seen: dict[int, None] = {}
        for path in paths:
            for index in self.rulebook.readers.get(path, ()):
                if self.weight_of[index]:
                    seen[index] = None
        return list(seen)

    def _gap_after(self, changed: Mapping[str, Any], relevant: list[int]) -> tuple[int, tuple[int, ...]]:
        """The runner-up's lead after a change, and the rules whose outcome the change flips."""
        facts = self.facts
        saved = {key: facts[key] for key in changed}
        facts.update(changed)  # evaluated in place and restored: no copy per candidate
        try:
            gap = self.gap
            flipped = []
            for index in relevant:
                self.evaluations += 1
                hit = self.rulebook.model_rules[index].condition.matches(facts)
                if hit != self.fired[index]:
                    gap += self.weight_of[index] if hit else -self.weight_of[index]
                    flipped.append(index)
        finally:
            facts.update(saved)
        return gap, tuple(flipped)

    def _reachable(self, relevant: list[int]) -> bool:
        """Could flipping these rules, at best, let the runner-up win? If not, skip the fact."""
        best = self.gap
        for index in relevant:
            w = self.weight_of[index]
            if (w > 0 and not self.fired[index]) or (w < 0 and self.fired[index]):
                best += abs(w)
        return self._wins(best)

    def _wins(self, gap: int) -> bool:
        return gap > 0 or (gap == 0 and MODEL_ORDER[self.runner_up] < MODEL_ORDER[self.top])

    # -- candidate generation ------------------------------------------------

    # Score changes further than this are not "what would change" advice but a different organisation.
    MAX_SCORE_CHANGE = 2.0

    def score_candidates(self, dim: str) -> list[float]:
        """Scores of ``dim`` just on each side of every threshold a model rule could cross, nearest first.

        Scores have two decimals, so a comparison with t switches between t - 0.01 and t
        (for <, >=) or between t and t + 0.01 (for <=, >): moving up, t and t + 0.01 are the
        values to try; moving down, t and t - 0.01.
        """
        th = self.rulebook.model_thresholds
        current = self.facts[f"scores.{dim}"]
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
        spread = th.get("spread", ())
        if spread:
            others = [self.facts[f"scores.{d}"] for d in DIMENSIONS if d != dim]
            for s in spread:
                around(min(others) + s)
                around(max(others) - s)
        overall_targets = set(th.get("overall", ())) | {float(t) for t in th.get("overall_level", ())}
        if dim in self.counted and overall_targets:
            total_weight = sum(self.weights[d] for d in self.counted)
            rest = sum(self.weights[d] * self.facts[f"scores.{d}"] for d in self.counted if d != dim)
            for t in overall_targets:
                v = (t * total_weight - rest) / self.weights[dim]
                values.update((v - 0.01, v, v + 0.01))  # the overall score is itself rounded
        cleaned = {round(min(5.0, max(1.0, v)), 2) for v in values}
        cleaned = {v for v in cleaned if 0 < abs(v - current) <= self.MAX_SCORE_CHANGE + 1e-9}
        return sorted(cleaned, key=lambda v: (abs(v - current), -v))

    def _score_change(self, dim: str, value: float) -> dict[str, Any]:
        self.scores[dim] = value
        changed = {f"scores.{dim}": value, f"level.{dim}": int(value)}
        changed.update(derive_from_scores(self.scores, self.weights, self.counted))
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
            derived = (f"scores.{dim}", f"level.{dim}", "overall", "overall_level", "lowest", "highest",
                       "spread", "lowest_dimension", "highest_dimension")
            relevant = self._relevant(derived)
            if not relevant or not self._reachable(relevant):
                continue
            current = self.facts[f"scores.{dim}"]
            best: dict[str, dict[str, Any]] = {}
            for value in self.score_candidates(dim):
                direction = "up" if value > current else "down"
                if direction in best:
                    if len(best) == 2:
                        break
                    continue
                changed = self._score_change(dim, value)
                gap, flipped = self._gap_after(changed, relevant)
                if self._wins(gap):
                    best[direction] = {"kind": "score", "fact": f"scores.{dim}", "dimension": dim,
                                       "from": current, "to": value, "size": round(abs(value - current), 2),
                                       "gap_after": gap, "flipped": flipped, "overall_after": changed["overall"]}
            found.extend(best.values())
        for key in CONTEXT_KEYS:
            relevant = self._relevant((f"context.{key}",))
            if not relevant or not self._reachable(relevant):
                continue
            current = self.facts[f"context.{key}"]
            for value in self.context_candidates(key):
                gap, flipped = self._gap_after({f"context.{key}": value}, relevant)
                if self._wins(gap):
                    size = abs(value - current) if CONTEXT_KEYS[key]["type"] == "integer" else 1
                    found.append({"kind": "context", "fact": f"context.{key}", "key": key, "from": current,
                                  "to": value, "size": size, "gap_after": gap, "flipped": flipped})
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
        rules_changed = []
        for index in change["flipped"]:
            rule = self.rulebook.model_rules[index]
            rules_changed.append({"rule": rule.id, "applies_after": not self.fired[index]})
        return {
            "kind": change["kind"],
            "fact": change["fact"],
            "from": change["from"],
            "to": change["to"],
            "model": self.runner_up,
            "instead_of": self.top,
            "text": f"If {condition}, {self.runner_up} would overtake {self.top} as the better fit.",
            "lead_after": change["gap_after"],
            "rules_changed": rules_changed,
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


def what_would_change(rulebook: Rulebook, facts: Mapping[str, Any], fired: list[bool], order: list[str],
                      weights: Mapping[str, float], counted: frozenset[str], labels: FactLabels,
                      limit: int = 5) -> tuple[list[dict[str, Any]], int]:
    """The smallest changes that would let the runner-up overtake the recommended model."""
    search = ChangeSearch(rulebook, facts, fired, order[0], order[1], weights, counted, labels)
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
