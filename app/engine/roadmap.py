"""The roadmap generator: which improvements, in what order, in which phase, and why.

Built from the answers, not from area averages. Each improvement names the practices
(questions) it raises and the level it brings them to; it is planned only while one of
them is below that level, so the plan never prescribes what the answers say exists.
Work comes in from five places, each named in the item's reasons: the target of each
capability area, weak practices (level 1-2), the pitfalls that fired, the main pain
point, and the set-up of the recommended model. Prerequisites that the answers do not
already show are added. The order follows the seed: mandate and sponsor first where the
PMO is not yet established, the pain early, then intake and decision rights, a portfolio
view and reporting, standards, capacity, tooling and optimisation. The PMO's people limit
how much starts in each phase.

Pure: it takes validated content and plain values and returns plain values; identical
input gives identical output.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from .expressions import Condition
from .importance import WEIGHTS, weight_of
from .located import Located
from .models import (THEMES, Capacity, Improvement, ImprovementCatalogue, Lever, Pain, Phase, PhasePlan, Questionnaire,
                     RoleMap, Targets)
from .rulebook import ConditionCompiler
from .vocabulary import DIMENSIONS
from .wording import join_words
from .workdays import end_after, next_working_day

WEEKS_PER_MONTH = 52 / 12
# Why an improvement is in the plan, most telling first.
DRIVERS = ("pain", "own", "foundation", "setup", "pitfall", "weak", "target", "prerequisite")
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
# Items at or below this level are the basics every organisation needs before measuring.
BASICS_LEVEL = 3
# An area at or above this level is managed: its default target is where it stands.
MANAGED = 4
# A practice behind a pain, at or below this level, is its likely cause when the pain's own practices score well.
WEAK_CAUSE = 2
# Work beyond the planned phases: the most urgent are named, the rest counted. The next
# assessment re-plans them anyway, and a list of thirty "later" items reads as a wish list.
LATER_SHOWN = 8
# The design for a handful of projects and no PMO: a fraction of one person's time, not a PMO.
PART_TIME = "part-time-method-owner"
# A light centre for units that run their own work (one register, a short minimum, a forum of the units'
# contacts) is sized for that work, not grown to what the projects would need from a central PMO (round 211:
# 'growing to the 6-8 that 60 projects need' beside 'a light central office').
HUB_ONLY = ("light-central-office",)
# A sized default reads as a range whose top is about this much above the number the plan assumes.
SIZE_SPREAD = 1.4
# At most this many changes start in a quarter for a part-time method owner, protected ones too (beyond the
# pain's first work and the foundations it needs): a fraction of a post cannot lead seven at once.
PART_TIME_FIRST = 4
# Over the planned phases a part-time owner leads fewer changes than a PMO of one person (changes_per_person).
PART_TIME_CHANGES = 6
# At most this many changes start in the first 90 days, and fewer for a smaller PMO: about three plus one per
# person, one fewer where the PMO does not exist yet (it spends its first weeks being set up).
FIRST_STARTS_MAX = 7
FIRST_STARTS_BASE = 3
# The pain's first work: up to this many of its items start in the first 90 days, whatever else, where what
# they need can end in time.
PAIN_FIRST = 2
# The themes whose work waits for the mandate and sponsor to start, even the pain's: decisions and standards.
WAIT_FOR_MANDATE = ("intake", "standards")
# The seed's foundations: a weak practice or a function to own first among them may take a first-90-day slot on
# its own account (capacity, standards, tooling and optimisation wait for them).
FOUNDATION_THEMES = ("ownership", "intake", "reporting")
PMO_ROLES = ("PMO director", "PMO lead", "Portfolio analyst", "Project controller", "Tooling lead")


@dataclass(frozen=True)
class RoadmapContent:
    """The improvement catalogue and phase plan, checked across files."""

    items: Mapping[str, Improvement]
    order: Mapping[str, int]  # the catalogue's own order, for stable ties
    conditions: Mapping[str, Condition]  # item id -> its `when`
    phases: tuple[Phase, ...]
    max_items: int
    capacity: Capacity
    roles: tuple[RoleMap, ...]
    role_words: Mapping[str, str]
    mitigated_by: Mapping[str, tuple[str, ...]]  # pitfall id -> improvement ids
    levers: Mapping[str, tuple[tuple[Condition, Lever], ...]] = field(default_factory=dict)  # item -> its levers
    not_early: Mapping[str, Condition] = field(default_factory=dict)  # item -> where it never starts in 90 days
    waits: Mapping[str, Condition] = field(default_factory=dict)  # item -> where it is not planned yet (waits_when)
    targets: Targets = field(default_factory=Targets)  # how far default area targets reach

    @functools.cached_property
    def raised_by(self) -> Mapping[str, tuple[str, ...]]:
        """Question id -> the improvements that raise it, in catalogue order (an index built once)."""
        index: dict[str, list[str]] = {}
        for item_id, item in self.items.items():
            for question in item.raises:
                index.setdefault(question, []).append(item_id)
        return {question: tuple(ids) for question, ids in index.items()}

    @functools.cached_property
    def gap_specs(self) -> tuple[tuple[str, str, int, bool, tuple[tuple[str, int], ...], bool], ...]:
        """Per item, in catalogue order: (id, its first and main practice, that practice's level, whether it
        is an optimising item (to level 5), every (practice, level) it raises, whether a practice may
        show it done (in_place_at)), built once."""
        return tuple((item_id, *next(iter(item.raises.items())), item.to_level == 5, tuple(item.raises.items()),
                      bool(item.in_place_at)) for item_id, item in self.items.items())

    @functools.cached_property
    def decisive_candidates(self) -> tuple[tuple[str, Improvement], ...]:
        """(id, item) of every item that defines a design, is at a design's core or has a lever, in catalogue
        order, built once: the only ones that can be decisive steps."""
        return tuple((item_id, item) for item_id, item in self.items.items()
                     if item.defines or item.core_for or item_id in self.levers)

    @functools.cached_property
    def shaped_by(self) -> Mapping[str, frozenset[str]]:
        """Item id -> the improvements that start no later than it names (their started_after), built once."""
        index: dict[str, set[str]] = {}
        for item_id, item in self.items.items():
            for earlier in item.started_after:
                index.setdefault(earlier, set()).add(item_id)
        return {earlier: frozenset(ids) for earlier, ids in index.items()}


# --------------------------------------------------------------------------
# Load-time checks
# --------------------------------------------------------------------------


def compile_roadmap(catalogues: Iterable[tuple[ImprovementCatalogue, Located]],
                    plans: Iterable[tuple[PhasePlan, Located]],
                    pitfall_ids: frozenset[str] | None,
                    questionnaire: Questionnaire | None = None) -> RoadmapContent | None:
    """Check the catalogue and phases across files; report problems to each file's Located."""
    items: dict[str, Improvement] = {}
    where: dict[str, tuple[Located, int]] = {}
    for catalogue, located in catalogues:
        for index, item in enumerate(catalogue.items):
            if item.id in items:
                located.problem(("items", index, "id"), f"improvement id {item.id!r} is used twice")
                continue
            items[item.id] = item
            where[item.id] = (located, index)

    compiler = ConditionCompiler(questionnaire) if questionnaire is not None else None
    conditions: dict[str, Condition] = {}
    levers: dict[str, list[tuple[Condition, Lever]]] = {}
    not_early: dict[str, Condition] = {}
    waits: dict[str, Condition] = {}
    for item_id, item in items.items():
        located, index = where[item_id]
        for r, required in enumerate(item.requires):
            other = items.get(required)
            if other is None:
                located.problem(("items", index, "requires", r), f"unknown prerequisite {required!r}")
            elif any(other.raises.get(q, 0) > level for q, level in item.raises.items()):
                located.problem(("items", index, "requires", r),
                                f"prerequisite {required!r} raises a practice this item raises to a higher level; "
                                "the order is the wrong way round")
        if pitfall_ids is not None:
            for m, pitfall in enumerate(item.mitigates):
                if pitfall not in pitfall_ids:
                    located.problem(("items", index, "mitigates", m), f"unknown pitfall id {pitfall!r}")
        for r, pitfall in enumerate(item.relieves):
            if pitfall not in item.mitigates:
                located.problem(("items", index, "relieves", r),
                                f"{pitfall!r} is relieved but not mitigated: name it in mitigates too")
        if questionnaire is not None:
            for key, questions in (("raises", item.raises), ("in_place_at", item.in_place_at)):
                for question in questions:
                    if questionnaire.question(question) is None:
                        located.problem(("items", index, key, question), f"unknown question {question!r}")
        if compiler is not None and item.when is not None:
            condition = compiler.condition(item.when, located, ("items", index, "when"), with_model=True,
                                           label=item_id)
            if condition is not None:
                conditions[item_id] = condition
        for key, designs in (("defines", item.defines), ("core_for", item.core_for)):
            for d, design in enumerate(designs):
                if design not in item.setup_for:
                    located.problem(("items", index, key, d),
                                    f"{design!r} is named in {key} but not set up: name it in setup_for too")
        for r, earlier in enumerate(item.started_after):
            if earlier not in items:
                located.problem(("items", index, "started_after", r), f"unknown improvement {earlier!r}")
            elif item_id in items[earlier].requires:
                located.problem(("items", index, "started_after", r),
                                f"{earlier!r} requires this item, so it cannot start first")
        if compiler is not None and item.not_early_when is not None:
            condition = compiler.condition(item.not_early_when, located, ("items", index, "not_early_when"),
                                           with_model=True, label=item_id)
            if condition is not None:
                not_early[item_id] = condition
        if compiler is not None and item.waits_when is not None:
            condition = compiler.condition(item.waits_when, located, ("items", index, "waits_when"),
                                           with_model=True, label=item_id)
            if condition is not None:
                waits[item_id] = condition
        for v, lever in enumerate(item.levers):
            if compiler is not None:
                condition = compiler.condition(lever.when, located, ("items", index, "levers", v, "when"),
                                               with_model=True, label=item_id)
                if condition is not None:
                    levers.setdefault(item_id, []).append((condition, lever))

    for cycle in _cycles(items):
        located, index = where[cycle[0]]
        located.problem(("items", index, "requires"), "prerequisites form a cycle: " + " -> ".join(cycle))

    plan = None
    for plan_doc, located in plans:
        plan = plan_doc
        expected_start = 0
        for index, phase in enumerate(plan_doc.phases):
            if phase.start_month != expected_start:
                gap = "a gap" if phase.start_month > expected_start else "an overlap"
                located.problem(("phases", index, "start_month"),
                                f"phase {phase.id!r} starts at month {phase.start_month}, leaving {gap} "
                                f"after month {expected_start}")
            if phase.end_month <= phase.start_month:
                located.problem(("phases", index, "end_month"), f"phase {phase.id!r} must end after it starts")
            expected_start = phase.end_month
        ids = [p.id for p in plan_doc.phases]
        for index, phase_id in enumerate(ids):
            if ids.index(phase_id) != index:
                located.problem(("phases", index, "id"), f"phase id {phase_id!r} is used twice")
        for item_id, item in items.items():
            for v, lever in enumerate(item.levers):
                if lever.by not in ids:
                    located_item, index = where[item_id]
                    located_item.problem(("items", index, "levers", v, "by"),
                                         f"unknown phase {lever.by!r}; the phases are " + ", ".join(ids))

    if plan is None or not items:
        return None
    mitigated_by: dict[str, list[str]] = {}
    for item_id in items:
        for pitfall in items[item_id].mitigates:
            mitigated_by.setdefault(pitfall, []).append(item_id)
    return RoadmapContent(
        items=items,
        order={item_id: i for i, item_id in enumerate(items)},
        conditions=conditions,
        phases=tuple(plan.phases),
        max_items=plan.max_items,
        capacity=plan.capacity,
        roles=tuple(sorted(plan.roles, key=lambda r: r.up_to_people)),
        role_words=dict(plan.role_words),
        mitigated_by={k: tuple(v) for k, v in mitigated_by.items()},
        levers={k: tuple(v) for k, v in levers.items()},
        not_early=not_early,
        waits=waits,
        targets=plan.targets,
    )


def _cycles(items: Mapping[str, Improvement]) -> list[list[str]]:
    """Each cycle in the prerequisite graph, once, starting from its smallest id."""
    found: list[list[str]] = []
    seen_cycles: set[frozenset[str]] = set()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in (*items[node].requires, *items[node].started_after):
            if nxt not in items:
                continue
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):]
                key = frozenset(cycle)
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    start = cycle.index(min(cycle))
                    ordered = cycle[start:] + cycle[:start]
                    found.append(ordered + [ordered[0]])
            elif state.get(nxt) is None:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(items):
        if node not in state:
            visit(node)
    return found


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInput:
    """Everything the generator reads: the answers, the advice already given, and the planning choices."""

    answers: Mapping[str, int | None]
    levels: Mapping[str, int]  # current level per capability area
    target: Mapping[str, int]
    facts: Mapping[str, Any] = field(default_factory=dict)  # for items' `when` conditions
    pitfalls: Sequence[Mapping[str, Any]] = ()
    model: str | None = None
    oversight: str | None = None  # e.g. "directive-oversight"
    design: str | None = None  # the PMO design that fits (pmo-models.yaml designs), e.g. "hub-and-spoke"
    design_title: str | None = None
    pain_id: str | None = None
    pain: Pain | None = None
    # The other functions the PMO should own first: (title, the work that starts each, best first).
    functions: Sequence[tuple[str, Sequence[str]]] = ()
    org_size: str = "medium"
    existing_pmo: str = "informal"
    foundations_first: bool = True  # mandate and sponsor before anything else
    start_date: dt.date | None = None
    pmo_people: int | None = None
    owners: Mapping[str, str] = field(default_factory=dict)
    practice_names: Mapping[str, str] = field(default_factory=dict)  # question id -> short name
    level_labels: Mapping[str, Mapping[int, str]] = field(default_factory=dict)
    dimension_titles: Mapping[str, str] = field(default_factory=dict)
    max_items: int | None = None
    # Each area's importance, gap and priority, and the rated practices (engine/importance.py).
    importance: Mapping[str, Any] | None = None


def _in_sentence(name: str) -> str:
    """'Stage gates' reads 'stage gates' inside a sentence; 'PMO roles' keeps its case."""
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]


class _Planner:
    def __init__(self, roadmap: RoadmapContent, plan: PlanInput):
        self.roadmap, self.plan = roadmap, plan
        self.drivers: dict[str, dict[str, list[str]]] = {}  # item -> driver -> reasons
        self.urgent: set[str] = set()  # chosen to mitigate a high-severity pitfall
        self.first_setup: set[str] = set()  # the first set-up item of the model and of the oversight
        self.relief: set[str] = set()  # cuts a burden a high-severity pitfall names: comes first
        self.relieving: set[tuple[str, str]] = set()  # (item, pitfall) whose reason is already given
        self.functions: set[str] = set()  # the first step of each function the PMO should own first
        self.pain_in_place = False  # the pain's work is all done already, by the answers
        self.pain_items: list[str] = []  # the pain's work, first step first
        self.causes: list[str] = []  # the practices worked on as the pain's likely cause
        self.steps: dict[str, set[str]] = {}  # item -> the earlier step a practice takes first (at most +2)
        self.protected: set[str] = set()  # outside the PMO's capacity cap: the cap trims everything else
        self.pain_first: set[str] = set()  # the pain's first work: starts in the first phase, whatever else
        self.decisive: dict[str, int] = {}  # item -> the phase it starts by (a design's defining step, a lever)
        self.defining: set[str] = set()  # the defining set-up step of the design that fits
        self.core: set[str] = set()  # the core of the design that fits (core_for): decisive, with the first work
        self.unbounded: set[str] = set()  # protected work that takes no phase's room from the rest
        self.must: set[str] = set()  # protected work the PMO's change budget never pushes out
        self.first_work: set[str] = set()  # the pain's first work and the decisive steps: start when they can
        self.beyond_changes = False  # work waits because the PMO leads only so many changes
        self.last_end_week = 0.0  # when the last planned change ends
        self.dated = 0  # how many changes the plan dates
        self.held: set[str] = set()  # not planned yet: waiting for an answer Check first asks for (waits_when)
        self.ends: dict[str, float] = {}  # item -> the week it ends (working days counted in a dated plan)
        self.landing_later: set[str] = set()  # starts in the first 90 days, cannot wait, lands after them
        self._gaps: dict[str, tuple[tuple[str, int | None, int], ...]] = {}  # item -> gaps(item), see survey
        self._applies: dict[str, bool] = {}  # item -> whether its `when` holds
        self._needed: dict[str, bool] = {}  # item -> whether it fits and a practice it raises is below its level
        self._weighted: dict[str, float] = {}  # item -> weighted(item), worked out once
        # What follows from the chosen work and its steps, kept until either changes (see _changed).
        self._requires: dict[str, tuple[str, ...]] = {}
        self._before: dict[str, set[str]] = {}
        self._needing_index: dict[str, list[str]] | None = None
        self._priorities: dict[str, tuple] | None = None  # once the work is chosen and protected
        self._people: tuple[int, str] | None = None
        self._held_by: dict[str, str] = {}  # catalogue role -> who holds it here (see held_by)
        self._can_wait: dict[str, bool] = {}  # item -> whether it waits beyond the first 90 days (see can_wait)
        self._filler: dict[str, bool] = {}  # item -> whether only an area target or a lagging practice wants it
        self.filler_waits = False  # work waits because nothing but an area target or a lagging practice wants it
        self.high_first: set[str] = set()  # each high pitfall's first mitigation
        self.pain_lead: str | None = None  # the pain's first own item, which starts in the first 90 days
        self.pain_next: set[str] = set()  # the pain's next work that can start in the first 90 days, with its needs
        self.severity_of = {p["id"]: p["severity"] for p in plan.pitfalls}  # fired pitfall -> severity
        self.survey()

    # -- what the answers say ----------------------------------------------------

    def survey(self) -> None:
        """Each item's gaps, whether its `when` holds and whether it is needed, worked out in one pass: the
        answers and the facts do not change while planning, and choosing asks about every item anyway."""
        get, facts, conditions = self.plan.answers.get, self.plan.facts, self.roadmap.conditions
        items, gaps, applies, needed = self.roadmap.items, self._gaps, self._applies, self._needed
        for item_id, main, level, optimising, raises, done_at in self.roadmap.gap_specs:
            now = get(main)
            # Level 5 is not every practice's destination (P3M3 says the middle levels are often enough),
            # so an optimising item is planned only while its first, main practice is below 5.
            if not optimising or now is None or now < level:
                out = tuple([(question, at, to) for question, to in raises
                             if (at := get(question)) is None or at < to])
            else:
                out = ()
            gaps[item_id] = out
            condition = conditions.get(item_id)
            holds = applies[item_id] = condition is None or condition.matches(facts)
            # A practice its title names may show the work done already (decision rights published).
            # An evidence check raises nothing until the evidence shows the real level (choose_check plans it).
            needed[item_id] = holds and bool(out) and not (done_at and self.shown_done(items[item_id])) and (
                not items[item_id].verifies)

    def gaps(self, item: Improvement) -> tuple[tuple[str, int | None, int], ...]:
        """The practices this item would raise that are below its level: (question, now, to)."""
        return self._gaps[item.id]

    def applies(self, item_id: str) -> bool:
        """Whether the item's `when` holds here."""
        return self._applies[item_id]

    def not_early(self, item_id: str) -> bool:
        """Whether the item never starts in the first 90 days here (templates for agile-only teams)."""
        condition = self.roadmap.not_early.get(item_id)
        return condition is not None and condition.matches(self.plan.facts)

    def waits(self, item_id: str) -> bool:
        """Whether the item is not planned yet here: Check first doubts what it stands on (waits_when)."""
        condition = self.roadmap.waits.get(item_id)
        return condition is not None and condition.matches(self.plan.facts)

    def needed(self, item_id: str) -> bool:
        """Whether the item fits here and the answers show a practice it raises below its level."""
        return self._needed[item_id]

    def shown_done(self, item: Improvement) -> bool:
        """Whether another practice its title names shows the work done (decision rights published)."""
        answers = self.plan.answers
        return any((answers.get(q) or 0) >= level for q, level in item.in_place_at.items())

    def name(self, question: str) -> str:
        return self.plan.practice_names.get(question, question.split(".", 1)[-1].replace("_", " ").capitalize())

    def add(self, item_id: str, driver: str, reason: str) -> None:
        if item_id not in self.drivers:
            self._changed()
        elif driver not in self.drivers[item_id]:
            self._priorities = None  # an item's priority reads its drivers
        reasons = self.drivers.setdefault(item_id, {}).setdefault(driver, [])
        if reason not in reasons and len(reasons) < 3:
            reasons.append(reason)

    def _changed(self, steps: bool = False) -> None:
        """The chosen work or its steps changed: forget what was worked out from them (what an item requires
        follows from the catalogue and its steps alone, so it is kept while only the chosen work changes)."""
        if steps:
            self._requires.clear()
        self._before.clear()
        self._needing_index = None
        self._priorities = None

    def requires(self, item_id: str) -> tuple[str, ...]:
        """What must end before this item starts: the catalogue's prerequisites and any earlier step."""
        known = self._requires.get(item_id)
        if known is None:
            known = self._requires[item_id] = (tuple(self.roadmap.items[item_id].requires)
                                               + tuple(sorted(self.steps.get(item_id, ()))))
        return known

    def before(self, item_id: str) -> set[str]:
        """Every chosen item that ends before this one starts (its prerequisites, transitively)."""
        return set(self._chosen_before(item_id))

    def _chosen_before(self, item_id: str) -> set[str]:
        """before(item_id) as it is kept: read it, never change it."""
        known = self._before.get(item_id)
        if known is not None:
            return known
        seen: set[str] = set()
        queue = [r for r in self.requires(item_id) if r in self.drivers]
        while queue:
            other = queue.pop()
            if other not in seen:
                seen.add(other)
                queue.extend(r for r in self.requires(other) if r in self.drivers)
        self._before[item_id] = seen
        return seen

    def level_before(self, item_id: str, question: str) -> int | None:
        """The practice's level when this item starts: the answer, or what earlier steps bring it to."""
        now = self.plan.answers.get(question)
        to = self.roadmap.items[item_id].raises[question]
        steps = [self.roadmap.items[i].raises[question] for i in self._chosen_before(item_id)
                 if question in self.roadmap.items[i].raises and self.roadmap.items[i].raises[question] < to]
        if now is None:
            return max(steps, default=None)
        return max([now] + steps)

    # -- 1. choose the work --------------------------------------------------------

    def choose(self) -> None:
        items, plan = self.roadmap.items, self.plan
        fired = {p["id"]: p for p in plan.pitfalls}
        projects = plan.facts.get("context.active_projects")
        small_portfolio = isinstance(projects, int) and projects < self.roadmap.capacity.targets_from_projects
        needed = self._needed
        for item_id, item in items.items():
            if not needed[item_id]:
                continue
            setups = set(item.setup_for)
            if plan.model in setups:
                self.add(item_id, "setup", f"sets up the {plan.model} model")
            if plan.oversight and plan.oversight in setups:
                self.add(item_id, "setup", "sets up directive oversight of the critical programmes")
            if plan.design and plan.design in setups:
                # A part-time role is not a PMO (round 965: 'part of the PMO that fits here (a part-time
                # coordinator ..., not a PMO)').
                fits = "the set-up that fits here" if plan.design == PART_TIME else "the PMO that fits here"
                self.add(item_id, "setup", f"part of {fits} ({_in_sentence(plan.design_title)})"
                         if plan.design_title else f"part of {fits}")
            if item.setup_only and item_id not in self.drivers:
                continue  # a structure of another model: not planned for a target alone
            for question, now, level in self.gaps(item):
                dim = question.split(".", 1)[0]
                target = plan.target.get(dim, 0)
                title = plan.dimension_titles.get(dim, dim)
                if level <= target and not small_portfolio:
                    self.add(item_id, "target", f"{title} target is level {target}")
                # A weak practice in an otherwise stronger area gets work whatever the area's target; in a
                # managed area (level 4-5), whose target is where it stands, so does any practice lagging it.
                area = plan.levels.get(dim, 1)
                lagging = now is not None and now < area and (
                    (now <= 2 and level <= BASICS_LEVEL) or (area >= MANAGED and level <= min(area, now + 2)))
                if lagging:
                    self.add(item_id, "weak", f"{self.name(question)} lags the rest of {title} (level {now})")
        self.choose_relief(fired)
        self.choose_mitigations(fired)
        self.choose_pain()
        self.choose_functions()
        self.choose_decisive()
        self.add_prerequisites()
        self.add_steps()
        if plan.pain is not None and not self.pain_items:  # its work needed steps the catalogue lacks here
            self.choose_cause(plan.pain)
            self.add_prerequisites()
            self.add_steps()
        if plan.pain is not None and not self.pain_items:  # nothing on the pain yet: test its answers first
            self.choose_check()
        # The first step of each set-up (the model's, the oversight's) comes with the pain.
        for target in (plan.model, plan.oversight):
            steps = [i for i, d in self.drivers.items() if target and target in self.roadmap.items[i].setup_for
                     and "setup" in d]
            if steps:
                self.first_setup.add(min(steps, key=lambda i: (self.roadmap.items[i].to_level,
                                                               THEMES.index(self.roadmap.items[i].theme),
                                                               self.roadmap.order[i])))

    # Each fired pitfall pulls in its first few unmet mitigations, lowest level first.
    MITIGATIONS_PER_PITFALL = 2

    def choose_mitigations(self, fired: Mapping[str, Mapping[str, Any]]) -> None:
        for pitfall_id, pitfall in fired.items():
            candidates = [i for i in self.roadmap.mitigated_by.get(pitfall_id, ()) if self.needed(i)
                          and (not self.roadmap.items[i].setup_only or i in self.drivers)]
            candidates.sort(key=lambda i: (self.roadmap.items[i].to_level, self.roadmap.order[i]))
            for item_id in candidates[: self.MITIGATIONS_PER_PITFALL]:
                if (item_id, pitfall_id) in self.relieving:
                    continue
                self.add(item_id, "pitfall", f"mitigates “{pitfall['title']}” ({pitfall['severity']})")
                # Urgent, but not ahead of the basics: measuring and optimising wait for foundations.
                if pitfall["severity"] == "high" and self.roadmap.items[item_id].to_level <= BASICS_LEVEL:
                    self.urgent.add(item_id)
        # Items already chosen for other reasons say which fired pitfalls they also address.
        for item_id in list(self.drivers):
            for pitfall_id in self.roadmap.items[item_id].mitigates:
                if pitfall_id in fired and (item_id, pitfall_id) not in self.relieving:
                    pitfall = fired[pitfall_id]
                    self.add(item_id, "pitfall", f"mitigates “{pitfall['title']}” ({pitfall['severity']})")

    def choose_relief(self, fired: Mapping[str, Mapping[str, Any]]) -> None:
        """Where a pitfall says governance weighs more than it helps, the plan cuts before it adds.

        Each improvement that relieves a fired pitfall is chosen, if the answers show it is needed
        and what it cuts exists already (its prerequisites are met, or are co-design and pilots that
        start with the first work). At high severity it comes first, whatever its level; its reason
        names the answers that show the burden.
        """
        for item_id, item in self.roadmap.items.items():
            for pitfall_id in item.relieves:
                pitfall = fired.get(pitfall_id)
                if pitfall is None or not self.needed(item_id):
                    continue
                if any(self.needed(r) and not self.roadmap.items[r].early for r in item.requires):
                    continue  # nothing to cut yet: what it trims is not in place
                shown = [f"{_in_sentence(self.name(path.split('.', 1)[1]))} level {value}"
                         for path, value in pitfall.get("evidence", {}).items()
                         if path.startswith("answers.") and value is not None]
                because = f": {', '.join(shown[:4])}" if shown else ""
                self.add(item_id, "pitfall", f"cuts before it adds, for “{pitfall['title']}” "
                                             f"({pitfall['severity']}{because})")
                self.relieving.add((item_id, pitfall_id))
                if pitfall["severity"] == "high":
                    self.relief.add(item_id)

    def choose_pain(self) -> None:
        """The main pain gets concrete work, picked by the weakest answers behind it.

        Where the answers already show the pain's own practices in place (4-5), the pain is still
        real to the people who named it: the work goes to its likely cause, the lowest of the
        practices that produce it from elsewhere (scope change control behind poor forecasts),
        or else one step further on its own practices.
        """
        pain, plan = self.plan.pain, self.plan
        if pain is None:
            return
        applicable = [i for i in pain.improvements if i in self.roadmap.items and self.applies(i)]
        candidates = [i for i in applicable if self.needed(i)]
        self.pain_in_place = bool(applicable) and not candidates
        # The pain's work starts in the first 90 days: never what must wait beyond them, nor what needs it.
        candidates = [i for i in candidates
                      if not any(self.not_early(r) for r in (i, *self.roadmap.items[i].requires))]

        def weakest(item_id: str) -> int:
            levels = [now if now is not None else 0 for _q, now, _l in self.gaps(self.roadmap.items[item_id])]
            return min(levels, default=5)

        basics = [i for i in candidates if weakest(i) <= 2]
        pool = basics or candidates  # where practices are weak, skip work on the ones already at 3-4
        pool.sort(key=pain.improvements.index)  # the content lists the pain's work in the order it matters
        # An evidence check the content lists among the pain's work opens it, beside what the answers call for
        # (the look-back at the last projects' forecasts that the pitfall's advice begins with, round 210).
        looks = [i for i in applicable if plan.pain_id in self.roadmap.items[i].verifies] if pool else []
        for item_id in looks + pool[: pain.max_items]:
            self.add(item_id, "pain", f"works on the main pain, {pain.label}")
            self.pain_items.append(item_id)
        if not pool:
            self.choose_cause(pain)

    def choose_check(self) -> None:
        """Where the plan has no work on the pain (its own practices and their likely causes are answered in
        place), its first work is the evidence check Check first asks for, made a step: the plan never says
        'no work on it yet' beside the pain the organisation named."""
        for item_id, item in self.roadmap.items.items():
            if self.plan.pain_id in item.verifies and self.applies(item_id):
                self.add(item_id, "pain", f"tests the answers behind the main pain, {self.plan.pain.label}, "
                                          "with evidence before more is planned on it")
                self.pain_items.append(item_id)
                return

    def next_step(self, question: str) -> str | None:
        """The first needed improvement that raises this practice, at most two levels above today."""
        now = self.plan.answers.get(question)
        if now is None:
            return None
        items = self.roadmap.items
        steps = [i for i in self.roadmap.raised_by.get(question, ())  # the items that raise it, indexed
                 if self.needed(i) and (not items[i].setup_only or i in self.drivers)
                 and now < items[i].raises[question] <= now + 2
                 and all(not gap_now or to - gap_now <= 2 for _q, gap_now, to in self.gaps(items[i]))]
        return min(steps, key=lambda i: (self.roadmap.items[i].raises[question], self.roadmap.order[i]), default=None)

    def choose_cause(self, pain: Pain) -> None:
        """Work on the likely cause of a pain whose own practices already score well: a weak practice
        behind it (level 1-2), else one step further on the pain's own practices, else the lowest
        practice behind it at level 3."""
        def lowest(questions: Sequence[str], up_to: int) -> list[str]:
            known = [q for q in questions if self.plan.answers.get(q) is not None and self.plan.answers[q] <= up_to]
            return sorted(known, key=lambda q: (self.plan.answers[q], list(questions).index(q)))

        for question in lowest(pain.causes, WEAK_CAUSE):
            if self.work_on_cause(pain, question) and len(self.causes) == 2:
                return
        if self.causes:
            return
        for question in lowest(pain.questions, 4):
            step = self.next_step(question)
            if step is not None:
                self.add(step, "pain", f"takes the main pain's own practice, {_in_sentence(self.name(question))}, "
                                       f"a step further (level {self.plan.answers[question]})")
                self.pain_items.append(step)
                return
        for question in lowest(pain.causes, BASICS_LEVEL):
            if self.work_on_cause(pain, question):
                return

    def work_on_cause(self, pain: Pain, question: str) -> bool:
        step = self.next_step(question)
        if step is None:
            return False
        self.add(step, "pain", f"works on the likely cause of the main pain, {pain.label}: "
                               f"{_in_sentence(self.name(question))} is at level {self.plan.answers[question]}")
        self.pain_items.append(step)
        self.causes.append(question)
        return True

    def choose_functions(self) -> None:
        """Each function the PMO should own first gets its first step early, unless the answers show it exists.

        A mandate and a sponsor to own first come 'before anything else', as the function says: where they are not
        foundations already (an established PMO), each of its steps starts with the first work, in the first 90
        days where what it needs allows (round 211: the mandate 'before anything else' in months 4-6)."""
        items = self.roadmap.items
        for title, improvements in self.plan.functions:
            steps = [i for i in improvements if i in items and self.needed(i)
                     and not (items[i].setup_only and i not in self.drivers)]
            if not steps:
                continue
            self.add(steps[0], "own", f"starts “{title}”, which the PMO should own first")
            self.functions.add(steps[0])
            if self.plan.foundations_first or not all(
                    items[i].theme == "ownership" and items[i].to_level <= BASICS_LEVEL for i in steps):
                continue
            for item_id in steps:
                if item_id != steps[0]:
                    self.add(item_id, "own", f"continues “{title}”, which the PMO should own first")
                self.decisive[item_id] = 0

    def choose_decisive(self) -> None:
        """The steps that cannot wait: the defining set-up step of the design (or the oversight) that fits,
        unless the answers show it in place, and each lever whose condition holds here. Each starts by its
        phase, whatever the PMO's capacity."""
        plan, phases = self.plan, [p.id for p in self.roadmap.phases]
        for item_id, item in self.roadmap.decisive_candidates:
            if not self.needed(item_id):
                continue
            for design in item.defines:
                if design in (plan.design, plan.oversight, plan.model) and (
                        not item.setup_only or item_id in self.drivers):
                    self.decisive[item_id] = 0
                    self.defining.add(item_id)
            # The design's core (its first product, forum or set-up) starts with the first work, after what it needs
            # (round 211: an investment board's stop decision in the board's set-up weeks, its list in months 4-6).
            if plan.design in item.core_for and (not item.setup_only or item_id in self.drivers):
                self.decisive[item_id] = 0
                self.core.add(item_id)
            for condition, lever in self.roadmap.levers.get(item_id, ()):
                if (item.setup_only and item_id not in self.drivers) or not condition.matches(plan.facts):
                    continue
                self.add(item_id, "pain" if lever.pain and plan.pain is not None else "setup", lever.why)
                by = phases.index(lever.by)
                self.decisive[item_id] = min(by, self.decisive.get(item_id, by))

    def add_prerequisites(self) -> None:
        queue = list(self.drivers)
        while queue:
            item_id = queue.pop(0)
            for required in self.requires(item_id):
                if not self.needed(required):
                    continue  # the answers show it is in place, or it does not fit here
                if self.roadmap.items[required].setup_only and required not in self.drivers:
                    continue
                if required not in self.drivers:
                    queue.append(required)
                self.add(required, "prerequisite", f"needed before “{self.roadmap.items[item_id].title}”")

    def add_steps(self) -> None:
        """No item raises a practice by more than two levels: 1 -> 4 takes a step to 3 first.

        An item whose jump has no earlier step among its prerequisites gets the practice's next
        step as one; where there is none, it is left for a later assessment, with everything that
        needs it.
        """
        changed = True
        while changed:
            changed = False
            for item_id in list(self.drivers):
                if item_id not in self.drivers:
                    continue
                item = self.roadmap.items[item_id]
                if item.verifies:  # an evidence check raises nothing, so it needs no step first
                    continue
                for question, now, to in self.gaps(item):
                    if now is None or to - now <= 2 or (self.level_before(item_id, question) or 0) >= to - 2:
                        continue
                    step = self.next_step(question)
                    # A step it already has that still leaves the jump too big is no step (it asked for the
                    # same one for ever: 1 -> 5 with a step to 2).
                    if (step is None or step == item_id or self.roadmap.items[step].raises[question] >= to
                            or step in self.steps.get(item_id, ())):
                        self.drop(item_id)
                    else:
                        self.add(step, "prerequisite", f"the first step on {_in_sentence(self.name(question))} "
                                                       f"before “{item.title}”")
                        self.steps.setdefault(item_id, set()).add(step)
                        self._changed(steps=True)
                    changed = True
                    break
            if changed:
                self.add_prerequisites()

    def drop(self, item_id: str) -> None:
        """Leave an item out, with everything chosen that needs it."""
        queue = [item_id]
        while queue:
            gone = queue.pop()
            if self.drivers.pop(gone, None) is None:
                continue
            self._changed()
            for group in (self.urgent, self.first_setup, self.relief, self.functions):
                group.discard(gone)
            self.decisive.pop(gone, None)
            self.defining.discard(gone)
            self.core.discard(gone)
            if gone in self.pain_items:
                self.pain_items.remove(gone)
            queue.extend(i for i in self.drivers if gone in self.requires(i))

    def designing(self, item_id: str) -> bool:
        """The recommended design's own work (its promises), chosen as its set-up."""
        return (self.plan.design is not None and "setup" in self.drivers[item_id]
                and self.plan.design in self.roadmap.items[item_id].setup_for)

    def federating(self, item_id: str) -> bool:
        """Part of the design's set-up, its promises, early: a federated model's or hub and spoke's unit
        leads, shared minimum standards and forum in the first year; a design's own work (a lean
        office's backlog, an investment board, a part-time owner's ranked list) with the first work."""
        setup_for = self.roadmap.items[item_id].setup_for
        if "setup" not in self.drivers[item_id]:
            return False
        return ((self.plan.design is not None and self.plan.design in setup_for)
                or (self.plan.model == "federated" and "federated" in setup_for))

    def protect(self) -> None:
        """What the PMO's capacity cap never pushes out: the pain (its first work in the first 90 days),
        the foundations (mandate and sponsor, intake, decision rights, a portfolio view, and each
        function the PMO should own first), each high pitfall's first mitigation and a federated
        model's set-up; with everything they need first."""
        pitfalls = {p["id"]: p for p in self.plan.pitfalls}
        protected = set(self.pain_items) | set(self.functions) | self.relief
        foundations = {i for i in self.drivers if self.foundation(i)}
        for item_id in foundations:
            self.add(item_id, "foundation", self.foundation_reason(item_id))
        protected |= foundations
        high_first = set()
        for pitfall_id, pitfall in pitfalls.items():
            if pitfall["severity"] != "high":
                continue
            mitigating = [i for i in self.roadmap.mitigated_by.get(pitfall_id, ()) if i in self.drivers]
            if mitigating:
                high_first.add(min(mitigating, key=lambda i: (self.roadmap.items[i].to_level, self.roadmap.order[i])))
        protected |= high_first
        self.high_first = high_first
        protected |= {i for i in self.drivers if self.federating(i)}
        protected |= self.first_setup
        protected |= set(self.decisive)
        for item_id in list(protected):
            protected |= self.before(item_id)
        self.protected = self.with_shapers(protected)
        if self.pain_items:
            self.pain_first = self.choose_pain_first(foundations)
            first = min(self.pain_first & set(self.pain_items), key=self.pain_items.index)
        # What takes no phase's room from the rest: the pain's first work, a decisive step, the foundations,
        # the functions to own first, a cut and a design's set-up, with what each needs first.
        unbounded = set(foundations) | self.functions | self.relief | {i for i in self.drivers if self.federating(i)}
        for item_id in list(unbounded):
            unbounded |= self.before(item_id)
        first_work = set(self.pain_first) | self.pain_next
        for item_id in self.decisive:
            first_work |= {item_id} | self.before(item_id)
        self.first_work = self.with_shapers(first_work)
        self.unbounded = self.with_shapers(unbounded) | self.first_work
        # What the change budget never pushes out: what takes no phase's room, the pain's work, each high
        # pitfall's first mitigation (a part-time owner: the pain's first work, its decisive steps, the
        # foundations, each high pitfall's first mitigation, which its note calls in the roadmap, and the
        # design's set-up, which its paragraph promises).
        if self.part_time():
            setup = {i for i in self.drivers if "setup" in self.drivers[i]
                     and self.plan.design in self.roadmap.items[i].setup_for}
            core = self.pain_first | set(self.decisive) | foundations | setup
        else:
            core = self.unbounded | set(self.pain_items)
        self.must = self.closure(core | high_first)
        if self.pain_items:
            title = self.roadmap.items[first].title
            for item_id in self.before(first):
                if not self.foundation(item_id):  # beyond mandate and sponsor, which come first anyway
                    self.add(item_id, "pain", f"the first step towards “{title}”, on the main pain, "
                                              f"{self.plan.pain.label}")

    def closure(self, items: set[str]) -> set[str]:
        """These items with everything they need first and what shapes them."""
        out = set(items)
        for item_id in items:
            out |= self.before(item_id)
        return self.with_shapers(out)

    def choose_pain_first(self, foundations: set[str]) -> set[str]:
        """The pain's first work, with what it needs: its first item (in the pain's order) whose prerequisites
        can end in time for it to start in the first 90 days; where none can, the one that starts soonest (its
        prerequisites start now). Beside it (pain_next), the pain's other leading items (up to PAIN_FIRST in
        all), or what they need that can start in time, within seven starts beside the mandate and sponsor.

        The pain's most telling item often waits on a chain (a limit on work in flight needs a ranked list,
        which needs decision rights): a capacity review that needs only a staffing map starts first instead of
        nothing on the pain until month four (round 209)."""
        window = self.roadmap.phases[0].end_month * WEEKS_PER_MONTH
        room = min(PART_TIME_FIRST if self.part_time() else FIRST_STARTS_MAX,
                   max(FIRST_STARTS_BASE, self.first_starts() + len(foundations)))
        earliest: dict[str, float] = {}

        def start_of(item_id: str) -> float:
            """The week it can start at the soonest: once its chosen prerequisites end (the standards wait
            for the mandate and sponsor too, as in schedule)."""
            if item_id not in earliest:
                earliest[item_id] = 0.0
                ends = [self.end_of(start_of(r), self.roadmap.items[r].duration_weeks)
                        for r in self.requires(item_id) if r in self.drivers]
                if item_id not in foundations and self.roadmap.items[item_id].theme in WAIT_FOR_MANDATE:
                    ends += [start_of(f) for f in foundations]
                earliest[item_id] = self.working_week(max(ends, default=0.0))
            return earliest[item_id]

        def chain(item_id: str) -> set[str]:
            return {item_id} | self.with_shapers({item_id} | self.before(item_id))

        in_time = [i for i in self.pain_items if start_of(i) < window]
        lead = in_time[0] if in_time else min(self.pain_items, key=lambda i: (start_of(i), self.pain_items.index(i)))
        first = chain(lead)
        self.pain_lead = lead
        # The pain's next items, in its order: each, or where it cannot start in time what it needs that can, starts
        # as soon as it can (after the design's decisive steps), within seven starts.
        self.pain_next = set()
        for item_id in self.pain_items[:PAIN_FIRST]:
            if item_id == lead:
                continue
            needs = {i for i in chain(item_id) - first if start_of(i) < window}
            if len(first | self.pain_next | needs | foundations) > room:
                break  # the pain's order says what matters: never a later item in a skipped one's place
            self.pain_next |= needs
            title = self.roadmap.items[item_id].title
            for step in needs - {item_id}:
                if not self.foundation(step) and "pain" not in self.drivers[step]:
                    self.add(step, "pain", f"the first step towards “{title}”, on the main pain, {self.plan.pain.label}")
        return first

    def foundation_reason(self, item_id: str) -> str:
        """Why a foundation comes first, true of what it does: 'an active sponsor and a written mandate' only for
        the sponsor and the mandate of a PMO (round 209: said of a step that writes down who does what, in a
        design that is not a PMO); a step that names the people who lead the work says its own reason."""
        item, said = self.roadmap.items[item_id], self.drivers.get(item_id, {}).get("setup", [])
        lever = next((lever.why for _condition, lever in self.roadmap.levers.get(item_id, ()) if lever.why in said), None)
        if lever:
            return lever
        if not {"leadership.executive_sponsor", "leadership.mandate"} & set(item.raises):
            return "the other changes need who does what settled first"
        if self.part_time():
            return "the other changes need a senior leader who backs them"
        return "the PMO's other changes need an active sponsor and a written mandate"

    def shapers(self, item_id: str) -> list[str]:
        """The chosen work that starts no later than this item: listening, co-design, pilots."""
        return [i for i in self.roadmap.items[item_id].started_after if i in self.drivers]

    def shaped(self, item_id: str) -> list[str]:
        """The chosen work this item starts no later than, in the order it was chosen."""
        shaped = self.roadmap.shaped_by.get(item_id)
        if not shaped or item_id not in self.drivers:
            return []
        return [i for i in self.drivers if i in shaped]

    def with_shapers(self, items: set[str]) -> set[str]:
        """These items, and what shapes them with everything that needs first (protected alike)."""
        out, queue = set(items), list(items)
        while queue:
            shaped = queue.pop()
            for shaper in self.shapers(shaped):
                # Listening, co-design and pilots shape standards; anything else starts no later than what reads it
                # (a light centre's unit contacts, who keep its register).
                self.add(shaper, "prerequisite", "starts before the standards it shapes" if self.roadmap.items[shaper].early
                         else f"starts no later than “{self.roadmap.items[shaped].title}”")
                for added in {shaper} | self.before(shaper):
                    if added not in out:
                        out.add(added)
                        queue.append(added)
        return out

    # -- 2. order it ----------------------------------------------------------------

    def priority(self, item_id: str) -> tuple:
        """Mandate and sponsor first (where needed); then the pain, the mitigation of high-severity
        pitfalls and the model's set-up; then the seed's sequence: basics before measurement before
        optimisation, and within each intake and decision rights, reporting, engagement, standards,
        capacity, tooling."""
        item, drivers = self.roadmap.items[item_id], self.drivers[item_id]
        fired = self.severity_of
        severity = min((SEVERITY_RANK[fired[p]] for p in item.mitigates if p in fired), default=3)
        bucket = 0 if item.to_level <= BASICS_LEVEL else item.to_level - BASICS_LEVEL
        sequence = float(THEMES.index(item.theme))
        if self.foundation(item_id):
            group, sub = 0, 0
        elif item_id in self.relief:
            # Cutting a burden comes right after the pain's first step, at any level: removing work
            # needs no foundations, and a cut ready to start goes before one that waits for co-design.
            ready = not any(r in self.drivers for r in item.requires)
            group, sub, bucket, sequence = 1, 0, self.first_pain_rank(), 0.5 if ready else 0.6
        elif "pain" in drivers:  # the pain's work in the order the content lists it, each with its prerequisites
            group, sub, bucket, sequence = 1, 0, self.pain_rank(item_id), 0.0
        elif item_id in self.decisive:  # a design's defining step, a lever: by its phase, whatever the cap
            group, sub, bucket = 1, 0.2, self.decisive[item_id]
        elif self.designing(item_id):  # the design's own promises start with the pain
            group, sub, bucket = 1, 0.5, 0
        elif item_id in self.functions:  # what the PMO should own first starts with the pain
            group, sub, bucket = 1, 0.8, 0
        elif item_id in self.urgent:
            group, sub = 1, 1
        elif self.federating(item_id):  # unit leads and shared standards come in the first year
            group, sub, bucket = 1, 1.5, 0
        elif item_id in self.first_setup:
            group, sub, bucket = 1, 2, 0
        elif item.early and item.to_level <= BASICS_LEVEL:  # co-design and pilots shape what follows them
            group, sub, bucket = 1, 3, 0
        else:
            group, sub = 2, 0
            if "setup" in drivers:  # the rest of the set-up follows intake, decision rights and reporting
                bucket, sequence = 0, min(sequence, THEMES.index("reporting") + 0.5)
            # Within a stage of the sequence, the work that matters most comes first: gap × importance.
            return (group, sub, bucket, -self.weighted(item_id), sequence, item.to_level, severity,
                    self.roadmap.order[item_id])
        return (group, sub, bucket, 0.0, sequence, item.to_level, severity, self.roadmap.order[item_id])

    def foundation(self, item_id: str) -> bool:
        """Mandate and sponsor, where the PMO is not yet established: the first group of priority(), which
        comes before everything else."""
        item = self.roadmap.items[item_id]
        return item.theme == "ownership" and self.plan.foundations_first and item.to_level <= BASICS_LEVEL

    def weighted(self, item_id: str) -> float:
        """The item's priority: its area's gap to the target × the importance of what it raises (the
        highest of its practices', else its area's); 0 without importance."""
        known = self._weighted.get(item_id)
        if known is not None:  # importance and the answers do not change while planning: worked out once
            return known
        importance = self.plan.importance
        if not importance:
            return 0.0
        item = self.roadmap.items[item_id]
        gap = importance["areas"][item.dimension].get("gap") or 0.0
        weights = [weight_of(importance, q) for q, _now, _to in self.gaps(item)]
        known = self._weighted[item_id] = round(
            gap * max(weights, default=WEIGHTS[importance["areas"][item.dimension]["level"]]), 2)
        return known

    def priorities(self) -> dict[str, tuple]:
        """Each chosen item's priority, worked out once the work is chosen and protected (it is final then)."""
        if self._priorities is None:
            self._priorities = {i: self.priority(i) for i in self.drivers}
        return self._priorities

    def first_pain_rank(self) -> int:
        """Where the pain's first planned step stands in the pain's own list (0 when there is none)."""
        pain = self.plan.pain
        ranks = [self.pain_rank(i) for i, d in self.drivers.items() if "pain" in d] if pain else []
        return min(ranks, default=0)

    def pain_rank(self, item_id: str) -> int:
        """The pain's work in the order the content lists it; its likely cause and first steps lead."""
        improvements = self.plan.pain.improvements
        return improvements.index(item_id) if item_id in improvements else 0

    def ordered(self) -> list[str]:
        """Priority order, where a prerequisite is at least as urgent as what needs it."""
        own = self.priorities()
        effective = dict(own)
        changed = True
        while changed:
            changed = False
            for item_id in self.drivers:
                for required in self.requires(item_id):
                    if required not in effective:
                        continue
                    urgent = effective[item_id][:-1] + (own[required][-1],)
                    if urgent < effective[required]:
                        effective[required] = urgent
                        changed = True
        return sorted(self.drivers, key=lambda i: (effective[i], own[i]))

    # -- 3. schedule it ---------------------------------------------------------------

    def can_wait(self, item_id: str) -> bool:
        """Whether the item waits beyond the first 90 days: those are for the pain, the top pitfalls and the
        foundations they need, never for work whose reasons are all minor (round 209: quarterly benefits
        reviews and a measure per PMO objective, for low pitfalls, before any work on the pain).

        Minor: an area's target; a model's set-up beyond its first step and the design's own work; a low
        pitfall, or a high or medium one whose first mitigation it is not (measuring and optimising wait for
        the basics); a practice lagging its area, unless it is at level 1-2 and among the seed's foundations
        (ownership, intake, reporting); a function to own first beyond those (portfolio value, capacity
        controls); and steps towards only such work (templates before a document set)."""
        known = self._can_wait.get(item_id)
        if known is None:
            self._can_wait[item_id] = True  # a cycle through steps cannot make it urgent
            known = self._can_wait[item_id] = not self._urgent_now(item_id)
        return known

    def _urgent_now(self, item_id: str) -> bool:
        item, drivers = self.roadmap.items[item_id], self.drivers[item_id]
        basic = item.to_level <= BASICS_LEVEL
        if drivers.keys() & {"pain", "foundation"} or item_id in self.relief or item_id in self.decisive:
            return True
        if "setup" in drivers and (item_id in self.first_setup or self.federating(item_id)):
            return True  # the design's own work and the model's first step; the rest of a set-up waits
        if "own" in drivers and basic and item.theme in FOUNDATION_THEMES:
            return True
        if "pitfall" in drivers and (item_id in self.urgent or item_id in self.high_first or basic and any(
                self.severity_of.get(p) == "medium" for p in item.mitigates)):
            return True
        if "weak" in drivers and basic and item.theme in FOUNDATION_THEMES and any(
                now is not None and now <= 2 for _q, now, _to in self.gaps(item)):
            return True
        needing = list(self._needing().get(item_id, ())) + self.shaped(item_id)
        return "prerequisite" in drivers and any(not self.can_wait(i) for i in needing)

    def filler(self, item_id: str) -> bool:
        """Whether, beside a stated pain, the item serves nothing but an area's target or a practice lagging its area
        (beyond the seed's foundations at level 1-2), or only steps towards such work: it waits for the next
        assessment instead of filling months 4-12 (round 211: variance thresholds, PMO response times and
        satisfaction surveys after a focused pain's work). An area target is never the only reason a dated step has."""
        if self.plan.pain is None:
            return False
        known = self._filler.get(item_id)
        if known is None:
            self._filler[item_id] = False  # a cycle through steps cannot make it filler
            known = self._filler[item_id] = self._serves_nothing(item_id)
        return known

    def _serves_nothing(self, item_id: str) -> bool:
        return not self.serves_itself(item_id) and all(self.filler(i) for i in self.needing(item_id))

    def needing(self, item_id: str) -> list[str]:
        """The chosen work that needs this item first, or that it shapes."""
        return list(self._needing().get(item_id, ())) + self.shaped(item_id)

    def serves_itself(self, item_id: str) -> bool:
        """Whether the item is wanted for more than an area's target or a practice lagging its area: the pain, a
        function to own first, the foundations, the design, a high or medium pitfall, a weak basic."""
        item, drivers = self.roadmap.items[item_id], self.drivers[item_id]
        if (drivers.keys() & {"pain", "own", "foundation", "setup"} or item_id in self.protected
                or item_id in self.relief or item_id in self.decisive):
            return True
        if "pitfall" in drivers and any(self.severity_of.get(p) in ("high", "medium") and item_id in
                                        self.roadmap.mitigated_by.get(p, ()) for p in self.severity_of):
            return True
        return "weak" in drivers and item.to_level <= BASICS_LEVEL and item.theme in FOUNDATION_THEMES and any(
            now is not None and now <= 2 for _q, now, _to in self.gaps(item))

    def dangling(self, phases: list[tuple[Phase, list[tuple[str, float]]]]) -> set[str]:
        """Dated work wanted only as a step towards work the budget left undated: it waits with that work (round
        211: a filler step 'needed before' a step under Not planned yet)."""
        if self.plan.pain is None:
            return set()
        dated = {i for phase, placed in phases if phase.id != "later" for i, _start in placed}
        return {i for i in dated if not self.serves_itself(i) and not any(n in dated for n in self.needing(i))}

    def _needing(self) -> dict[str, list[str]]:
        """Chosen item -> the chosen items that require it, in the order they were chosen (kept until the
        chosen work or its steps change)."""
        if self._needing_index is None:
            self._needing_index = {}
            for other in self.drivers:
                for required in self.requires(other):
                    self._needing_index.setdefault(required, []).append(other)
        return self._needing_index

    def part_time(self) -> bool:
        """The design is a part-time method owner: a fraction of one person's time, not a PMO."""
        return not self.plan.pmo_people and self.plan.design == PART_TIME

    def people(self) -> tuple[int, str]:
        if self._people is None:
            self._people = self._count_people()
        return self._people

    def _count_people(self) -> tuple[int, str]:
        """The PMO's people the plan assumes, and where the number comes from.

        Not given, it follows the portfolio (DOMAIN.md's rule of thumb, PMO staff = a * N ** b for N
        people on the work): an established PMO at that size, a new or informal one at about half of
        it (it starts small and grows as it earns scope), never below the default for the
        organisation's size and starting point.
        """
        if self.plan.pmo_people:
            return self.plan.pmo_people, "given"
        if self.part_time():
            return 1, "part-time"
        capacity = self.roadmap.capacity
        default = capacity.default_people[self.plan.org_size]
        # A new or informal PMO starts small, at about half what the portfolio alone needs; it grows to
        # the full size (with its stakes' assurance) as it earns scope.
        fitted = self.fitted_people(assured=self.plan.existing_pmo == "established")
        if self.plan.existing_pmo in ("none", "informal"):
            start = min(default, capacity.new_pmo_people + (self.plan.existing_pmo == "informal"))
            grown = math.floor(fitted * capacity.start_share)
            if grown > start:
                return grown, "sized to the portfolio, starting at about half the usual size"
            return start, "default for a new PMO: it starts small" if self.plan.existing_pmo == "none" else (
                "default for an informal PMO" if start < default else "default for the organisation's size")
        if round(fitted) > default:
            return round(fitted), "sized to the portfolio"
        return default, "default for the organisation's size"

    def assured(self) -> bool:
        """Regulated or high-risk work: the PMO also keeps evidence, tiers and health checks."""
        facts = self.plan.facts
        return facts.get("context.regulated") is True or facts.get("context.risk_profile") == "high"

    def fitted_people(self, assured: bool = True) -> float:
        """The PMO the portfolio needs (DOMAIN.md's rule of thumb, PMO staff = a * N ** b for N people on
        the work), a share more for regulated or high-risk work: it grows with the projects and the stakes."""
        capacity = self.roadmap.capacity
        projects = self.plan.facts.get("context.active_projects")
        if not isinstance(projects, int) or isinstance(projects, bool) or projects <= 0:
            return 0.0
        a, b = capacity.staff_fit
        supported = min(capacity.staff_per_project * projects, capacity.staff_ceiling[self.plan.org_size])
        return a * supported ** b * (1 + capacity.assurance_share * (assured and self.assured()))

    def size_range(self) -> list[int]:
        """The PMO's size as a range people read ('about 4-6'): the plan assumes its low end."""
        people, source = self.people()
        if source in ("given", "part-time") or people < 3:
            return [people, people]
        return [people, max(people, round(people * SIZE_SPREAD))]

    def hub_only(self) -> bool:
        """The design is a light centre sized for its own work (register, minimum, forum), not by the projects."""
        return not self.plan.pmo_people and self.plan.design in HUB_ONLY

    def full_range(self) -> list[int] | None:
        """Where a new or informal PMO starts at about half: the size it grows to, as a range (none for a light
        centre: it does not grow with the units' projects)."""
        people, source = self.people()
        if self.plan.existing_pmo not in ("none", "informal") or source in ("given", "part-time") or self.hub_only():
            return None
        full = round(self.fitted_people())
        if full <= people:  # it starts at the size the portfolio needs
            return None
        return [full, max(full, round(full * SIZE_SPREAD))]

    def changes(self) -> int:
        """How many changes the PMO can lead over the planned phases: a handful per person, never more than the
        organisation takes on beside its projects (absorb_changes), fewer for a part-time owner."""
        capacity = self.roadmap.capacity
        if self.part_time():  # a fraction of a post leads fewer than a PMO of one person
            return PART_TIME_CHANGES
        return min(capacity.changes_per_person * self.people()[0], capacity.absorb_changes[self.plan.org_size])

    def who(self) -> str:
        """The PMO as the plan line names it: 'a PMO of about 3 people', 'a fraction of one person's time'."""
        people, source = self.people()
        if source == "part-time":
            return "a fraction of one person's time"
        if source == "given":
            return f"a PMO of {people} {'person' if people == 1 else 'people'}"
        return f"a PMO of about {people} {'person' if people == 1 else 'people'}"

    # Why work waits that serves only an area's target (filler): said in the plan line and the later note.
    FILLER_WHY = "they only raise areas towards their targets; the main pain and the top risks come first"

    def later_why(self) -> str:
        """Why work waits, as the plan in one line gives it in brackets."""
        months = self.roadmap.phases[-1].end_month
        if self.beyond_changes:
            return f"{self.who()} can lead about {self.changes()} in {months} months" + self.overrun()
        if self.filler_waits:
            return self.FILLER_WHY
        return f"they do not fit in {months} months beside the planned work of {self.who()}"

    def overrun(self) -> str:
        """What the plan says when the work that cannot wait is more than the PMO leads: never a plan
        that quietly starts more than the PMO can lead."""
        if self.dated <= self.changes():
            return ""
        if self.part_time():
            return f"; the {self.dated} that cannot wait need more of that time"
        per_person = self.roadmap.capacity.changes_per_person
        if per_person * self.people()[0] > self.changes():  # the organisation's limit, not the PMO's people
            return f"; the {self.dated} that cannot wait are more than an organisation this size takes on at once"
        return f"; the {self.dated} that cannot wait need about {math.ceil(self.dated / per_person)} people"

    def later_note(self) -> str:
        """Why work waits: the PMO's number of changes, or its time, over the planned phases, and what waits for
        an answer Check first asks for (waits_when)."""
        held = (" Some wait for the answer to a question in Check first about what they stand on, whatever the "
                "room." if self.held else "")
        return self.room_note() + held

    def room_note(self) -> str:
        months = self.roadmap.phases[-1].end_month
        who = self.who()
        if self.beyond_changes:
            month = math.ceil(self.last_end_week / WEEKS_PER_MONTH)
            return (f"{who[:1].upper() + who[1:]} can lead about {self.changes()} changes in {months} "
                    f"months alongside running the work. The planned ones end by month {month}: make them routine, re-assess, "
                    "and re-plan these then.")
        if self.filler_waits:
            return (self.FILLER_WHY[:1].upper() + self.FILLER_WHY[1:] + ": re-plan them at the next assessment, "
                    "once that work has landed.")
        return (f"These do not fit in the next {months} months beside the planned work of {who}; re-plan them "
                "at the next assessment.")

    def effort(self, item: Improvement) -> float:
        return round(item.effort_weeks * self.roadmap.capacity.effort_scale[self.plan.org_size], 1)

    def schedule(self, order: list[str]) -> list[tuple[Phase, list[tuple[str, float]]]]:
        """Place items into the earliest phase with room, after their prerequisites end.

        An item belongs to the phase in which it starts; a phase's room is the PMO's people
        times the share of their time for improvement work, and a limit on how many changes
        start at once. An item bigger than a whole phase may start in an empty one. What
        fits nowhere goes to a final 'later' phase.

        Within a phase the PMO works down its list: an item starts once its prerequisites
        end and once the effort placed before it in the phase has been worked through at the
        PMO's pace (people times their share), so work spreads over the whole phase instead
        of starting on its first day and leaving its last months idle.

        The first 90 days are a promise: at most seven changes start there (fewer for a smaller PMO or
        one that does not exist yet, first_starts), and each ends within them. Only what cannot wait (the
        pain's first work, the mandate and sponsor, a step decisive by then, with what each needs) starts
        there whatever its length; where it lands after them, it is listed in the next phase, as
        started early.
        """
        # Scheduled again when a step waits with the work it was for (dangling): start from nothing.
        self.beyond_changes = self.filler_waits = False
        self.last_end_week, self.ends, self.landing_later = 0.0, {}, set()
        people, _ = self.people()
        share = self.roadmap.capacity.improvement_share
        pace = people * share  # person-weeks of improvement work per calendar week
        phases = list(self.roadmap.phases)
        last = phases[-1]
        later = Phase(id="later", title="Not planned yet", start_month=last.end_month,
                      end_month=last.end_month + max(6, last.end_month - last.start_month))
        absorb = self.roadmap.capacity.absorb_scale[self.plan.org_size]
        slots = []
        for phase in phases:
            weeks = (phase.end_month - phase.start_month) * WEEKS_PER_MONTH
            limit = self.plan.max_items or max(2, math.ceil((phase.max_items or self.roadmap.max_items) * absorb))
            slots.append((phase, limit, people * share * weeks))
        slots.append((later, math.inf, math.inf))
        used = [[0, 0.0] for _ in slots]
        placed: list[list[tuple[str, float]]] = [[] for _ in slots]
        end_week: dict[str, float] = {}
        start_week: dict[str, float] = {}
        # What the cap never pushes out is placed first, and takes its share of each phase's room.
        remaining = [i for i in order if i in self.protected] + [i for i in order if i not in self.protected]
        # A PMO leads only so many changes alongside running it: a handful, done well, per person.
        changes, dated = self.changes(), 0
        # Mandate and sponsor first: other work starts once every foundation item has started.
        priorities = self.priorities()
        foundations = [i for i in order if priorities[i][0] == 0]
        # Foundations are scheduled (started) before anything else.
        founding = set(foundations)
        # The first 90 days: what starts there whatever the count (the pain's first work, the mandate and sponsor,
        # a step decisive by then, with what each needs), then a handful more, within seven starts.
        now = self.with_shapers(set(self.pain_first)) | founding
        if len(now | self.pain_next) <= FIRST_STARTS_MAX:  # the pain's next work, before the design's steps
            now |= self.pain_next  # (round 210: the check at the door that a design promises, months 7-12)
        for item_id in order:  # each step decisive by then, with what it needs, while seven starts hold them
            if self.decisive.get(item_id) == 0 and item_id not in now:
                step = self.with_shapers({item_id} | self.before(item_id))
                if len(now | step) <= FIRST_STARTS_MAX:
                    now |= step
        pending = set(now)  # not started yet: the first 90 days keep their room
        room = max(0, FIRST_STARTS_MAX - len(now))
        others = 0  # changes started in the first 90 days beyond those
        # The pain's first facts (a register, a staffing map, a capacity review) start beside the mandate and
        # sponsor, not after them: naming a sponsor takes weeks the pain does not wait (round 209). Its decisions
        # and standards (intake, forums, rules) still wait for them. So does the step that defines the design, where
        # what it needs allows: an investment board is named with the executives while the sponsor is (round 211:
        # its first stop decision, three steps on, could not start in the first 90 days).
        unfounded = founding | self.defining | {i for i in self.pain_first
                                                if self.roadmap.items[i].theme not in WAIT_FOR_MANDATE}
        waits_for = {i: [r for r in self.requires(i) if r in self.drivers] + self.shapers(i)
                     + ([] if i in unfounded else foundations) for i in remaining}
        # The next item is the first in `remaining` whose waits have all started; once ready, an item stays
        # ready, so the ready ones wait in a heap by their place in the list instead of rescanning it.
        place = {item_id: k for k, item_id in enumerate(remaining)}
        unmet = {item_id: set(waits_for[item_id]) for item_id in remaining}
        waiting_on: dict[str, list[str]] = {}
        for item_id, waits in unmet.items():
            for other in waits:
                waiting_on.setdefault(other, []).append(item_id)
        ready_now = [place[i] for i in remaining if not unmet[i]]
        heapq.heapify(ready_now)
        for _ in range(len(remaining)):
            if not ready_now:  # pragma: no cover - cycles are rejected at load
                raise ValueError("prerequisite cycle among " + ", ".join(i for i in remaining if unmet[i]))
            item_id = remaining[heapq.heappop(ready_now)]
            item = self.roadmap.items[item_id]
            effort = self.effort(item)
            ready = max([end_week[r] for r in self.requires(item_id) if r in end_week]
                        + [start_week[r] for r in self.shapers(item_id)], default=0.0)
            if item_id not in unfounded:
                ready = max([ready] + [start_week[f] for f in foundations if f in start_week])
            protected = item_id in self.protected
            first = item_id in self.first_work  # the pain's first work, a decisive step: starts when it can
            for index, (phase, limit_items, limit_effort) in enumerate(slots):
                start = max(ready, phase.start_month * WEEKS_PER_MONTH)
                if phase is not later:
                    if self.waits(item_id):
                        continue  # what Check first doubts it stands on is answered first (round 212)
                    if self.filler(item_id):
                        self.filler_waits = True
                        continue  # an area target alone: re-planned at the next assessment
                    if index == 0 and item_id not in now and not first and self.can_wait(item_id):
                        continue  # the first 90 days are for the pain, the top pitfalls and their foundations
                    if index == 0 and self.not_early(item_id) and not first:
                        continue  # starter templates wait until agile-only teams' real needs are known
                    if item_id not in self.must and dated >= changes:
                        self.beyond_changes = True
                        continue  # the PMO leads only so many changes: protected ones count too
                    quarters = max(1, round((phase.end_month - phase.start_month) / 3))
                    if (self.part_time() and used[index][0] >= PART_TIME_FIRST * quarters
                            and item_id not in self.pain_first | self.defining and item_id not in founding):
                        continue  # a fraction of a post starts a handful of changes a quarter, protected or not
                    if not first:
                        start = max(start, phase.start_month * WEEKS_PER_MONTH + used[index][1] / pace)
                    start = self.working_week(start)
                    if start >= phase.end_month * WEEKS_PER_MONTH:
                        continue
                    # The first 90 days hold a few changes that land within them, fewer for a smaller PMO. A
                    # decisive step starts there whatever its length, within seven starts; the pain's first
                    # work and the mandate and sponsor start there whatever the count.
                    if index == 0 and item_id not in now and (
                            used[index][0] + len(pending) >= FIRST_STARTS_MAX
                            or not first and others >= (room if self.designing(item_id)
                                                        else min(room, self.first_starts()))
                            or not first
                            and self.end_of(start, item.duration_weeks) > phase.end_month * WEEKS_PER_MONTH + 1e-9):
                        continue
                fits = used[index][1] + effort <= limit_effort + 1e-9 or used[index][0] == 0
                if not protected and (used[index][0] + 1 > limit_items or not fits):
                    continue
                # Protected work beyond what cannot wait (the pain's first work, a decisive step, the
                # foundations, the functions to own first, a cut, a design's set-up) takes a phase's room like
                # the rest and moves to the next phase with room: never out of the plan.
                if (protected and used[index][0] + 1 > limit_items and index < len(phases) - 1
                        and item_id not in self.unbounded):
                    continue
                used[index][0] += 1
                pending.discard(item_id)
                if index == 0 and item_id not in now:
                    others += 1
                used[index][1] += effort
                start = round(start, 2)  # as shown, so what depends on it starts after its shown end
                placed[index].append((item_id, start))
                end_week[item_id] = self.ends[item_id] = self.end_of(start, item.duration_weeks)
                if phase is not later:
                    dated += 1
                    self.last_end_week = max(self.last_end_week, end_week[item_id])
                start_week[item_id] = start
                break
            for other in waiting_on.get(item_id, ()):
                waits = unmet[other]
                waits.discard(item_id)
                if not waits:
                    heapq.heappush(ready_now, place[other])
        self.dated = dated
        self.held = {i for i, _start in placed[-1] if self.waits(i)}  # not planned yet: waiting for Check first
        # What cannot wait but lands after the first 90 days is listed where it lands, in the next phase, as
        # started early: the first 90 days list only what ends within them.
        window = phases[0].end_month * WEEKS_PER_MONTH + 1e-9
        late = [(i, start) for i, start in placed[0] if end_week[i] > window]
        if late and len(phases) > 1:
            self.landing_later = {i for i, _start in late}
            placed[0] = [pair for pair in placed[0] if pair[0] not in self.landing_later]
            placed[1] = late + placed[1]
        return [(slots[i][0], placed[i]) for i in range(len(slots)) if placed[i]]

    def first_starts(self) -> int:
        """How many changes start in the first 90 days beyond what cannot wait: a handful, fewer for a
        smaller PMO or one that does not exist yet."""
        if self.part_time():  # a fraction of a post: no more than a new PMO of one person
            return min(PART_TIME_FIRST, FIRST_STARTS_BASE)
        people = self.people()[0]
        return max(FIRST_STARTS_BASE, min(FIRST_STARTS_MAX,
                                          FIRST_STARTS_BASE + people - (self.plan.existing_pmo == "none")))

    # -- 4. describe it ---------------------------------------------------------------

    def defining_steps(self, phase_of: Mapping[str, str]) -> list[dict[str, Any]]:
        """The defining set-up step of the design that fits (and of the oversight): where it is planned, or
        the answers that show it in place already."""
        plan, out = self.plan, []
        for item_id, item in self.roadmap.items.items():
            designs = [d for d in item.defines if d in (plan.design, plan.oversight, plan.model)]
            if not designs or not self.applies(item_id):
                continue
            shown = [f"{self.name(q)} is at level {plan.answers[q]}" for q, level in item.raises.items()
                     if plan.answers.get(q) is not None and plan.answers[q] >= level]
            shown += [f"{self.name(q)} is at level {plan.answers[q]}" for q, level in item.in_place_at.items()
                      if (plan.answers.get(q) or 0) >= level]
            out.append({"id": item_id, "title": item.title, "for": designs[0], "phase": phase_of.get(item_id),
                        "in_place": None if self.gaps(item) and not self.shown_done(item)
                        else "already in place: " + "; ".join(shown)})
        return out

    def held_by(self, role: str) -> str:
        """The role that holds a catalogue role in a PMO of this size (phases.yaml roles); the PMO's size is
        settled once asked, so each role's holder is worked out once."""
        known = self._held_by.get(role)
        if known is None:
            known = self._held_by[role] = self._holder(role)
        return known

    def _holder(self, role: str) -> str:
        people, _ = self.people()
        if self.part_time() and role in PMO_ROLES:
            return "Method owner"  # not a PMO: one named person, a fraction of a post
        for role_map in self.roadmap.roles:
            if people <= role_map.up_to_people:
                return role_map.map.get(role, role)
        return role

    def working_week(self, week: float) -> float:
        """The week on which work planned for ``week`` can start: a working day, in a dated plan."""
        if self.plan.start_date is None:
            return week
        day = self.plan.start_date + dt.timedelta(days=round(week * 7))
        return max(week, (next_working_day(day) - self.plan.start_date).days / 7)

    def end_of(self, start_week: float, weeks: float) -> float:
        """When work of ``weeks`` starting in ``start_week`` ends: in a dated plan, its working days
        counted, so a change over the year-end break ends that much later."""
        if self.plan.start_date is None:
            return round(start_week + weeks, 2)
        begin = self.plan.start_date + dt.timedelta(days=round(start_week * 7))
        return round((end_after(begin, weeks) - self.plan.start_date).days / 7, 2)

    def owner(self, role: str) -> str:
        """Who owns a change here, in words true of any organisation (phases.yaml role_words)."""
        held = self.held_by(role)
        return self.roadmap.role_words.get(held, held)

    def date(self, week: float) -> str | None:
        if self.plan.start_date is None:
            return None
        return (self.plan.start_date + dt.timedelta(days=round(week * 7))).isoformat()

    def month_date(self, month: int) -> str | None:
        return self.date(month * WEEKS_PER_MONTH)

    def practice(self, question: str, now: int | None, to: int) -> dict[str, Any]:
        labels = self.plan.level_labels.get(question, {})
        return {"question": question, "name": self.name(question), "from": now, "to": to,
                "from_label": labels.get(now) if now else None, "to_label": labels.get(to)}

    def item_out(self, item_id: str, start_week: float, dated: bool = True) -> dict[str, Any]:
        item = self.roadmap.items[item_id]
        drivers = self.drivers[item_id]
        # From the level the practice stands at when the item starts: 1 -> 3 first, then 3 -> 4.
        practices = [] if item.verifies else [
            self.practice(q, self.level_before(item_id, q), to) for q, _now, to in self.gaps(item)]
        raised = "; ".join(
            f"{p['name']}: {'unknown (you answered don’t know; check first)' if p['from'] is None else 'level ' + str(p['from'])}"
            f" → {p['to']}" for p in practices)
        reasons = list(dict.fromkeys(r for key in DRIVERS for r in drivers.get(key, [])))
        if self.waits(item_id):
            reasons.append("not planned yet: Check first doubts what it stands on, and it waits for that answer")
        role = self.owner(item.owner)
        effort = self.effort(item)
        return {
            "id": item.id,
            "title": item.title,
            "dimension": item.dimension,
            "to_level": item.to_level,
            "raises": practices,
            "requires": [r for r in self.requires(item_id) if r in self.drivers],
            # The planned work it shapes, and so starts no later than (listening, co-design, pilots).
            "shapes": self.shaped(item_id),
            "drivers": [key for key in DRIVERS if key in drivers],
            # The pain, the foundations, a high pitfall's first mitigation: the capacity cap trims the rest.
            "outside_cap": item_id in self.protected,
            "reasons": reasons,
            "reason": raised + (" — " if raised and reasons else "") + "; ".join(reasons),
            "theme": item.theme,
            "owner": role,
            "owner_role": item.owner,
            # A name given for the role by its earlier name ('CIO', before role_words) still counts.
            "owner_name": self.plan.owners.get(role) or self.plan.owners.get(self.held_by(item.owner)),
            "effort_weeks": effort,
            "duration_weeks": item.duration_weeks,
            "start_week": start_week,
            "end_week": self.ends.get(item_id, round(start_week + item.duration_weeks, 2)),
            # Started in the first 90 days, where it cannot wait, and listed in the phase where it lands.
            "started_early": item_id in self.landing_later,
            "start_date": self.date(start_week) if dated else None,
            "end_date": self.date(self.ends.get(item_id, start_week + item.duration_weeks)) if dated else None,
            "deliverables": list(item.deliverables),
            "metric": item.metric,
            "mitigates": list(item.mitigates),
            "relieves": list(item.relieves),
            "setup_for": list(item.setup_for),
            "verifies": list(item.verifies),
            "description": item.description,
            "priority": self.weighted(item_id),
        }


def build_roadmap(roadmap: RoadmapContent, plan: PlanInput) -> dict[str, Any]:
    """Choose, order and schedule the improvements for these answers, foundations first."""
    planner = _Planner(roadmap, plan)
    planner.choose()
    planner.protect()
    order = planner.ordered()
    phases = planner.schedule(order)
    for _ in range(3):  # a step towards work left undated waits with it, and so may a step towards that step
        dangling = planner.dangling(phases)
        if not dangling:
            break
        planner._filler.update(dict.fromkeys(dangling, True))
        phases = planner.schedule(order)
    phase_out = []
    for phase, placed in phases:
        more = 0
        if phase.id == "later" and len(placed) > LATER_SHOWN:  # the next assessment re-plans the rest
            placed, more = placed[:LATER_SHOWN], len(placed) - LATER_SHOWN
        phase_out.append({
            "id": phase.id,
            "title": phase.title,
            "start_month": phase.start_month,
            "end_month": phase.end_month,
            # Work not planned yet has no dates: it waits for the next assessment.
            "start_date": planner.month_date(phase.start_month) if phase.id != "later" else None,
            "end_date": planner.month_date(phase.end_month) if phase.id != "later" else None,
            "items": [planner.item_out(i, start, dated=phase.id != "later") for i, start in placed],
            "more": more,
            "note": planner.later_note() if phase.id == "later" else None,
            "why": planner.later_why() if phase.id == "later" else None,
        })
    shown = {item["id"] for phase in phase_out for item in phase["items"]}
    for phase in phase_out:  # a prerequisite left uncounted in "later" is not linked to
        for item in phase["items"]:
            item["requires"] = [r for r in item["requires"] if r in shown]
            item["shapes"] = [r for r in item["shapes"] if r in shown]
    people, source = planner.people()
    chosen = [i for _phase, placed in phases for i, _start in placed]
    total = sum(planner.effort(roadmap.items[i]) for i in chosen)
    all_top = all(level == 5 for level in plan.answers.values() if level is not None) and any(
        level is not None for level in plan.answers.values())
    message = None
    if not chosen:
        message = ("Every practice is at level 5: there is nothing to add. Keep measuring, and re-assess when "
                   "the organisation or its portfolio changes." if all_top else
                   "Every practice already stands at or above its target. Raise a target to plan the next step.")
    pain = None
    if plan.pain is not None:
        pain_items = [i for i in chosen if "pain" in planner.drivers[i]]
        pain = {"id": plan.pain_id, "label": plan.pain.label, "function": plan.pain.function, "items": pain_items,
                "phase": next((p["id"] for p in phase_out if any(i["id"] in pain_items for i in p["items"])), None),
                "in_place": planner.pain_in_place, "causes": list(planner.causes),
                # Its first work, with what that needs: started when it can, in the first 90 days.
                "first": [i for i in order if i in planner.pain_first], "lead": planner.pain_lead}
    roles = sorted({item["owner"] for p in phase_out for item in p["items"]})
    phase_of = {item["id"]: p["id"] for p in phase_out for item in p["items"]}
    return {
        "target": {d: plan.target[d] for d in DIMENSIONS if d in plan.target},
        "current": dict(plan.levels),
        "start_date": plan.start_date.isoformat() if plan.start_date else None,
        "capacity": {"pmo_people": people, "source": source, "changes": planner.changes(),
                     "range": planner.size_range(), "part_time": planner.part_time(),
                     # How many changes start in the first 90 days beyond the pain's first work, the mandate and
                     # sponsor and a design's decisive steps.
                     "first_starts": planner.first_starts(),
                     "full_range": planner.full_range(), "assured": planner.assured(),
                     "hub_only": planner.hub_only(),
                     "projects": plan.facts.get("context.active_projects"),
                     "improvement_share": roadmap.capacity.improvement_share,
                     "effort_scale": roadmap.capacity.effort_scale[plan.org_size]},
        "roles": roles,
        "phases": phase_out,
        "items": len(chosen),
        "person_weeks": round(total, 1),
        "pain": pain,
        # The pain's first work and the decisive steps, with what they need: each starts as soon as it can.
        "first_work": [i for i in order if i in planner.first_work],
        "defining": planner.defining_steps(phase_of),
        "message": message,
    }


def link_pitfalls(pitfalls: list[dict[str, Any]], roadmap_out: Mapping[str, Any], roadmap: RoadmapContent,
                  answers: Mapping[str, int | None], names: Mapping[str, str] | None = None,
                  facts: Mapping[str, Any] | None = None) -> None:
    """Fill each pitfall's roadmap_items with the dated improvements that mitigate it, or say why none is.

    Work that is not planned yet is not "in the roadmap": it is named in other_items. What is in place
    is named by its practices and their levels (``names``: 'answers.<question>' -> name in a sentence),
    never by a change's title, which says more than the answer it raises, and only from changes that
    apply to this organisation (``facts``).
    """
    dated = {item["id"] for phase in roadmap_out["phases"] if phase["id"] != "later" for item in phase["items"]}
    waiting = {item["id"] for phase in roadmap_out["phases"] if phase["id"] == "later" for item in phase["items"]}
    # Where the answers are doubted, what they call in place is what they claim, not a fact.
    doubted = any(p["id"] == "inflated-self-assessment" for p in pitfalls)
    pain_work = tuple((roadmap_out.get("pain") or {}).get("items") or ())
    for pitfall in pitfalls:
        # The pitfall said for the stated pain is mitigated by the pain's own work.
        mitigating = pain_work if pitfall.get("for_pain") else roadmap.mitigated_by.get(pitfall["id"], ())
        pitfall["roadmap_items"] = [i for i in mitigating if i in dated]
        pitfall["other_items"] = [i for i in mitigating if i not in dated]
        pitfall["plan_note"] = None
        if not pitfall["roadmap_items"]:
            # In place means defined and applied everywhere (level 3 or more), never an answer the
            # pitfall itself cites as the problem.
            weak = {path.split(".", 1)[1] for path, level in pitfall.get("evidence", {}).items()
                    if path.startswith("answers.") and isinstance(level, int) and level <= 2}
            done = [roadmap.items[i] for i in mitigating
                    if (facts is None or i not in roadmap.conditions or roadmap.conditions[i].matches(facts))
                    and all((answers.get(q) or 0) >= max(level, 3) and q not in weak
                            for q, level in roadmap.items[i].raises.items())]
            in_place = list(dict.fromkeys(
                f"{(names or {}).get('answers.' + q) or q.split('.', 1)[-1].replace('_', ' ')} level {answers[q]}"
                for item in done for q in item.raises))
            later = [roadmap.items[i].title for i in mitigating if i in waiting]
            pitfall["plan_note"] = (
                "The answers say the practices behind it are in place, so the plan has no work on it yet: check "
                "them first (see Check first), then plan again from what the evidence shows."
                if pitfall.get("for_pain") else
                "The answers say some of the practices that usually fix this are already in place (" +
                join_words(in_place[:3]) + "): check that first; if they are, the problem lies in how they are "
                "used, so act on the mitigation above." if in_place and doubted else
                "Some of the practices that usually fix this are already in place (" + join_words(in_place[:3]) +
                "), so the problem lies in how they are used: act on the mitigation above." if in_place else
                "The work that addresses it is not planned yet (" + "; ".join(later[:2]) + "): act on the "
                "mitigation above until the next assessment re-plans it." if later else
                "No planned improvement addresses it directly: act on the mitigation above.")
