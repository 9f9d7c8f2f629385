"""What would change the recommendation: the smallest meaningful single changes that would make
another model the better fit.

A change is meaningful when it moves a capability area's score by at least a quarter of a
level (``min_change`` in the model rules) or changes one profile answer; a 0.01 nudge across a
threshold is a close call, and the recommendation already says so. Candidate values are the
thresholds the model rules and gates compare each fact with, so no values are stepped through
blindly. Only the rules and gates that read what a candidate changes are re-evaluated.

If raising an area and lowering it would both hand the recommendation to the same model,
neither is reported: that would say more about a threshold than about the organisation.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from .facts import derive_from_context, derive_from_scores
from .rulebook import Rulebook
from .rules import FitOutcome, fit_of, outcome_from
from .vocabulary import CONTEXT_KEYS, DIMENSIONS
from .wording import count_phrase, format_value, singular

# Score changes further than this are not advice about this organisation but about another one.
MAX_SCORE_CHANGE = 1.5
# Profile answers a client cannot or would not change to get a different PMO: how large the
# organisation is, whether it is regulated, how risky its work is, how it delivers, what hurts
# and whether a PMO exists today. "If you were not regulated" is not advice. Growth in projects
# or units is something that happens to an organisation, so it stays.
FIXED_CONTEXT = ("org_size", "regulated", "risk_profile", "delivery_mix", "primary_pain", "existing_pmo")
# A portfolio that shrinks to less than half its size is another organisation.
MAX_SHRINK = 0.5
# A practice answer the model rules read, raised to this level, is a lever the client can pull
# ("if a sponsor were named"): tried for every such practice now at level 1 or 2.
LEVER_LEVEL = 3
# Said where nothing would change the recommendation: nothing. "No single weak practice ... would change this
# recommendation" in 10 of 12 reports read as boilerplate certainty (round 211); every format leaves the
# section out instead, and a close call still says why it has no single lever.
NO_CHANGE = ""
# A close call has no single answer that tips it either, but "would change this recommendation" would
# contradict the "close call" said just above it.
NO_CHANGE_CLOSE = ("No single answer tips the balance: the runner-up fits almost as well, so the choice rests on "
                   "the whole profile and on what the leadership team wants the PMO to be.")
SCORE_PATHS = ("overall", "overall_level", "lowest", "highest", "spread", "lowest_dimension", "highest_dimension")


def readers_of(rulebook: Rulebook, paths: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The model rules and the gates that read any of these fact paths, in rulebook order (indexed once
    per set of paths: a search changes the same few sets again and again)."""
    index = rulebook.cache.setdefault("readers_of", {})
    found = index.get(paths)
    if found is None:
        found = index[paths] = (
            tuple(sorted({i for path in paths for i in rulebook.readers.get(path, ())})),
            tuple(sorted({i for path in paths for i in rulebook.gate_readers.get(path, ())})))
    return found


def _tests(rulebook: Rulebook) -> tuple[tuple[Callable[[Mapping[str, Any]], bool], ...], ...]:
    """Each model rule's and gate's test, in rulebook order (looked up once per rulebook)."""
    found = rulebook.cache.get("model_tests")
    if found is None:
        found = rulebook.cache["model_tests"] = (tuple(r.condition.matches for r in rulebook.model_rules),
                                                 tuple(g.condition.matches for g in rulebook.gates))
    return found


class ChangeSearch:
    def __init__(self, rulebook: Rulebook, facts: Mapping[str, Any], outcome: FitOutcome,
                 weights: Mapping[str, float], answered_weight: Mapping[str, float],
                 question_weights: Mapping[str, float] | None = None):
        self.rulebook = rulebook
        self.question_weights = dict(question_weights or {})
        self.facts = dict(facts)
        self.outcome = outcome
        self.weights = weights
        self.answered_weight = answered_weight
        self.scores = {d: facts.get(f"scores.{d}") for d in DIMENSIONS}
        # The weights and weighted scores of the known areas, for the overall score a change crosses.
        known = [d for d in DIMENSIONS if self.scores[d] is not None]
        self._known_weight = sum(weights[d] for d in known)
        self._weighted = {d: weights[d] * self.scores[d] for d in known}
        self.evaluations = 0
        # The fit after each set of flipped rules and gates: candidates often flip the same few.
        self.outcomes: dict[tuple[tuple[int, ...], tuple[int, ...]], FitOutcome] = {}

    # -- evaluating one candidate ---------------------------------------------------

    def outcome_after(self, changed: Mapping[str, Any]) -> FitOutcome:
        """The fit after a change, re-evaluating only the rules and gates that read a changed fact."""
        base = self.facts
        facts = base.copy()
        facts.update(changed)
        # A rule reads only its facts: one whose facts keep their values keeps its answer, unevaluated.
        get = base.get
        moved = []
        for path, value in changed.items():
            old = get(path)
            if type(value) is not type(old) or value != old:
                moved.append(path)
        rules, gates = readers_of(self.rulebook, tuple(moved))
        fired, held = self.outcome.fired, self.outcome.gates_held
        rule_tests, gate_tests = _tests(self.rulebook)
        flipped_rules = tuple([i for i in rules if rule_tests[i](facts) != fired[i]])
        flipped_gates = tuple([i for i in gates if gate_tests[i](facts) != held[i]])
        self.evaluations += len(rules) + len(gates)
        if not flipped_rules and not flipped_gates:
            return self.outcome  # nothing it reads changes its answer: the fit is today's
        key = (flipped_rules, flipped_gates)
        after = self.outcomes.get(key)
        if after is None:
            after = self.outcomes[key] = outcome_from(
                self.rulebook, tuple(not hit if i in flipped_rules else hit for i, hit in enumerate(fired)),
                tuple(not ok if i in flipped_gates else ok for i, ok in enumerate(held)))
        return after

    def score_change(self, dim: str, value: float) -> dict[str, Any]:
        scores = {**self.scores, dim: value}
        derived = derive_from_scores(scores, self.weights)
        return {f"scores.{dim}": value, f"level.{dim}": derived[f"level.{dim}"],
                **{path: derived[path] for path in SCORE_PATHS}}

    # -- candidates -------------------------------------------------------------------

    def score_candidates(self, dim: str) -> list[float]:
        """Scores of ``dim`` just either side of every threshold a rule or gate could cross,
        pushed out to at least the smallest meaningful change, nearest first."""
        current = self.scores[dim]
        th = self.rulebook.model_thresholds
        points: set[float] = set(th.get(f"scores.{dim}", ()))
        points |= {float(int(t)) for t in th.get(f"level.{dim}", ())}
        points |= set(th.get("lowest", ())) | set(th.get("highest", ()))
        others = [s for d, s in self.scores.items() if d != dim and s is not None]
        if others:
            for s in th.get("spread", ()):
                points |= {min(others) + s, max(others) - s}
        overall = set(th.get("overall", ())) | {float(t) for t in th.get("overall_level", ())}
        points |= {v for t in overall for v in self._overall_crossing(dim, t)}
        values: set[float] = set()
        step = self.rulebook.min_change
        for t in points:
            for v in (t - 0.01, t, t + 0.01):
                if v == current:
                    continue
                if abs(v - current) < step:
                    v = current + step if v > current else current - step
                v = round(min(5.0, max(1.0, v)), 2)
                if step - 1e-9 <= abs(v - current) <= MAX_SCORE_CHANGE + 1e-9:
                    values.add(v)
        return sorted(values, key=lambda v: (abs(v - current), -v))

    def _overall_crossing(self, dim: str, threshold: float) -> tuple[float, ...]:
        """The score of ``dim`` at which the overall score reaches ``threshold``."""
        rest = sum(weighted for d, weighted in self._weighted.items() if d != dim)
        value = (threshold * self._known_weight - rest) / self.weights[dim]
        return (round(value, 2),) if 1.0 <= value <= 5.0 else ()

    def context_candidates(self, key: str) -> list[Any]:
        spec = CONTEXT_KEYS[key]
        current = self.facts.get(f"context.{key}")
        if spec["type"] == "choice":
            values = list(spec["values"])
            return [v for v in values if v != current]
        if spec["type"] == "boolean":
            return [not current]
        values: set[int] = set()
        index = self.rulebook.cache.setdefault("paths_from_context", {})
        paths = index.get(key)
        if paths is None:  # the key's own fact and those derived from it, found once per rulebook
            paths = index[key] = [f"context.{key}"] + [p for p, f in self.rulebook.facts.items()
                                                       if f"context.{key}" in f.depends_on]
        for path in paths:
            for t in self.rulebook.model_thresholds.get(path, ()):
                if path == "projects_per_unit":  # a threshold on projects per unit, in projects or units
                    units = self.facts.get("context.business_units") or 1
                    projects = self.facts.get("context.active_projects") or 0
                    t = t * units if key == "active_projects" else (projects / t if t else 0)
                values.update((int(t) - 1, int(t), int(t) + 1))
        # A change of one project is a cliff, not advice: move at least a quarter (and at least two).
        step = max(2, round(0.25 * current))
        values = {v if abs(v - current) >= step else (current + step if v > current else current - step)
                  for v in values if v != current}
        values = {v for v in values if v >= spec["min"] and v != current and v >= current * MAX_SHRINK}
        return sorted(values, key=lambda v: (abs(v - current), v))

    def answer_levers(self) -> list[tuple[str, int, dict[str, Any]]]:
        """(question, level now, changed facts) for each practice the model rules or gates read
        that stands at level 1-2, raised to LEVER_LEVEL, with its area's score moved to match."""
        out = []
        paths = self.rulebook.cache.get("lever_paths")
        if paths is None:  # the practices the model rules and gates read, sorted once per rulebook
            read = set(self.rulebook.readers) | set(self.rulebook.gate_readers)
            paths = self.rulebook.cache["lever_paths"] = tuple(sorted(p for p in read if p.startswith("answers.")))
        for path in paths:
            question = path.removeprefix("answers.")
            now = self.facts.get(path)
            dim = question.split(".", 1)[0]
            if now is None or now >= LEVER_LEVEL or self.scores.get(dim) is None or not self.lever(path):
                continue
            weight = self.question_weights.get(question, 1.0)
            total = self.answered_weight.get(dim) or weight
            score = round(min(5.0, self.scores[dim] + (LEVER_LEVEL - now) * weight / total), 2)
            changed = {path: LEVER_LEVEL, **self.score_change(dim, score)}
            changed.update(derive_from_context({**self.facts, **changed}))
            out.append((question, now, changed))
        return out

    def context_change(self, key: str, value: Any) -> dict[str, Any]:
        changed = {f"context.{key}": value}
        changed.update(derive_from_context({**self.facts, **changed}))
        return changed

    # -- the search -------------------------------------------------------------------

    def lever(self, path: str) -> bool:
        """Whether a change of this fact may be offered (the rulebook's levers; none listed: any)."""
        levers = self.rulebook.levers
        return not levers or path in levers

    def search(self) -> list[dict[str, Any]]:
        top = self.outcome.top
        found: list[dict[str, Any]] = []
        for dim in DIMENSIONS:
            current = self.scores[dim]
            if current is None or not self.lever(f"scores.{dim}"):
                continue
            best: dict[str, dict[str, Any]] = {}
            for value in self.score_candidates(dim):
                direction = "up" if value > current else "down"
                if direction in best:
                    continue
                changed = self.score_change(dim, value)
                after = self.outcome_after(changed)
                if after.top != top:
                    best[direction] = {"kind": "score", "dimension": dim, "fact": f"scores.{dim}", "from": current,
                                       "to": value, "size": round(abs(value - current), 2), "after": after,
                                       "overall_after": changed["overall"]}
                if len(best) == 2:
                    break
            if len(best) == 2 and best["up"]["after"].top == best["down"]["after"].top:
                continue  # both directions lead to the same model: a threshold artefact, not advice
            found.extend(best.values())
        for question, now, changed in self.answer_levers():
            after = self.outcome_after(changed)
            if after.top != top:
                found.append({"kind": "answer", "question": question, "fact": f"answers.{question}", "from": now,
                              "to": LEVER_LEVEL, "size": 0, "after": after, "overall_after": changed["overall"]})
        for key, spec in CONTEXT_KEYS.items():
            if key in FIXED_CONTEXT or not self.lever(f"context.{key}"):
                continue
            current = self.facts.get(f"context.{key}")
            best = {}
            for value in self.context_candidates(key):
                direction = ("up" if value > current else "down") if spec["type"] == "integer" else "any"
                if direction in best:
                    continue
                after = self.outcome_after(self.context_change(key, value))
                # A profile change that only rules today's model out (too few projects per unit for
                # a federated PMO) says nothing about fit: not a change worth reporting.
                if after.top != top and after.eligible.get(top, False):
                    size = abs(value - current) if spec["type"] == "integer" else 1
                    best[direction] = {"kind": "context", "key": key, "fact": f"context.{key}", "from": current,
                                       "to": value, "size": size, "after": after}
                if spec["type"] != "integer" and best:
                    break
            if len(best) == 2 and best["up"]["after"].top == best["down"]["after"].top:
                continue
            found.extend(best.values())
        return found


# A profile count (projects, units) that flips the recommendation within this share of today's value
# is a cliff edge, not advice: "if there were 80 active projects (now 60)". The call is close.
CLIFF_EDGE = 0.5


# How a folded cliff edge reads, with no number to aim at: (fewer, more) of each profile count.
NEAR_PROFILE = {"context.active_projects": ("a markedly smaller portfolio", "a markedly larger portfolio"),
                "context.business_units": ("fewer business units or domains", "more business units or domains")}


def fold_cliff_edges(recommendation: dict[str, Any]) -> None:
    """A cliff edge on one profile count is not offered: the model it favours becomes a named hybrid.

    It is not a close call (that is a runner-up within the margin, which has no cliff edge to fold):
    "what would change" says which way the profile would have to move, without a number to aim at.
    """
    ranking = recommendation.get("ranking", [])
    eligible = {entry["model"] for entry in ranking if entry.get("eligible")}
    titles = {entry["model"]: entry.get("title") or entry["model"].title() for entry in ranking}
    recommendation["close_on"] = None
    kept = []
    for change in recommendation.get("what_would_change", []):
        before, after = change["from"], change["to"]
        if (change["kind"] == "context" and isinstance(before, int) and not isinstance(before, bool)
                and before > 0 and abs(after - before) <= CLIFF_EDGE * before):
            if recommendation.get("hybrid_with") is None and change["model"] in eligible:
                recommendation["hybrid_with"] = change["model"]
                recommendation["close_on"] = {key: change[key] for key in ("fact", "from", "to", "model")}
                fewer, more = NEAR_PROFILE.get(change["fact"], ("a smaller " + change["fact"].split(".")[-1],
                                                                "a larger " + change["fact"].split(".")[-1]))
                now = (f"{before} active projects" if change["fact"] == "context.active_projects"
                       else f"{before}")
                kept.append({**change, "kind": "profile",
                             "text": f"With {fewer if after < before else more} (now {now}), the "
                                     f"{titles.get(change['model'], change['model'])} would fit better."})
            continue
        kept.append(change)
    recommendation["what_would_change"] = kept


def what_would_change(rulebook: Rulebook, facts: Mapping[str, Any], outcome: FitOutcome,
                      weights: Mapping[str, float], answered_weight: Mapping[str, float],
                      describe: "ChangeWording", limit: int = 4,
                      question_weights: Mapping[str, float] | None = None) -> tuple[list[dict[str, Any]], int]:
    """The smallest meaningful changes that would make another model the recommendation."""
    search = ChangeSearch(rulebook, facts, outcome, weights, answered_weight, question_weights)
    changes = search.search()
    # Levers first (one practice the client can raise), then score changes, smallest first (rises
    # before falls), then profile changes.
    kinds = {"answer": 0, "score": 1, "context": 2}
    changes.sort(key=lambda c: (kinds[c["kind"]], c["size"], c["to"] < c["from"] if c["kind"] == "score" else 0))
    kept, seen = [], set()
    for change in changes:
        # Several areas often tip the balance the same way (through the overall score): keep the smallest.
        key = (change["kind"], change["after"].top, frozenset(
            i for i, (a, b) in enumerate(zip(change["after"].fired, outcome.fired)) if a != b))
        if key in seen:
            continue
        seen.add(key)
        kept.append(change)
    return [describe(rulebook, outcome, c, facts, answered_weight) for c in kept[:limit]], search.evaluations


class ChangeWording:
    """Sentences for changes: 'If governance rose from 2.4 to 2.7 (about three answers one level
    higher), controlling would overtake supportive as the better fit.'"""

    def __init__(self, dimension_titles: Mapping[str, str], value_label: Callable[[str, Any], str],
                 model_titles: Mapping[str, str], answered_count: Mapping[str, int] | None = None,
                 practice_label: Callable[[str, int | None], str] | None = None):
        self.answered_count = dict(answered_count or {})
        self.practice_label = practice_label or (lambda question, level: f"{question} at level {level}")
        self.dimension_titles = dimension_titles
        self.value_label = value_label
        self.model_titles = model_titles

    def __call__(self, rulebook: Rulebook, outcome: FitOutcome, change: Mapping[str, Any],
                 facts: Mapping[str, Any], answered_weight: Mapping[str, float]) -> dict[str, Any]:
        after: FitOutcome = change["after"]
        answered_count = self.answered_count
        if change["kind"] == "score":
            dim = change["dimension"]
            rose = change["to"] > change["from"]
            steps = max(1, round(change["size"] * answered_weight.get(dim, 1.0)))
            answered = answered_count.get(dim, 0)
            way = "higher" if rose else "lower"
            size = (f"about {count_phrase(steps, 'answer')} one level {way}" if steps <= answered
                    else f"its answers {format_value(round(change['size'], 1))} levels {way} on average")
            condition = (f"{self.dimension_titles.get(dim, dim).lower()} {'rose' if rose else 'fell'} from "
                         f"{format_value(change['from'])} to {format_value(change['to'])} ({size})")
            flipped = [i for i, (a, b) in enumerate(zip(after.fired, outcome.fired)) if a != b]
            reads_overall = any({"overall", "overall_level"} & set(rulebook.model_rules[i].condition.reads)
                                for i in flipped)
            if reads_overall and change["overall_after"] != facts.get("overall"):
                condition += f", taking overall maturity to {format_value(change['overall_after'])}"
        elif change["kind"] == "answer":
            question = change["question"]
            condition = (f"{self.practice_label(question, None)} rose from {self.practice_label(question, change['from'])}"
                         f" to {self.practice_label(question, change['to'])}")
        else:
            key = change["key"]
            phrase = rulebook.phrases.get(key, "the " + key.replace("_", " ") + " were {to} (now {from})")
            condition = singular(phrase.replace("{to}", self.value_label(key, change["to"])).replace(
                "{from}", self.value_label(key, change["from"])))
        new, old = after.top, outcome.top
        verb = "would overtake" if after.eligible.get(old, False) else "would replace"
        return {
            "kind": change["kind"],
            "fact": change["fact"],
            "from": change["from"],
            "to": change["to"],
            "model": new,
            "instead_of": old,
            "text": f"If {condition}, the {self.model_titles.get(new, new)} {verb} the "
                    f"{self.model_titles.get(old, old)} as the better fit.",
            "fits_after": {m: fit_of(rulebook, after.totals[m], after.eligible[m]) for m in after.order},
            "rules_changed": [{"rule": rulebook.model_rules[i].id, "applies_after": after.fired[i]}
                              for i, (a, b) in enumerate(zip(after.fired, outcome.fired)) if a != b]
                             + [{"rule": rulebook.gates[i].id, "applies_after": after.gates_held[i]}
                                for i, (a, b) in enumerate(zip(after.gates_held, outcome.gates_held)) if a != b],
        }
