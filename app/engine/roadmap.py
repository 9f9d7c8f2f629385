"""The roadmap generator: which improvements, in what order, in which phase, and why.

Pure: it takes the validated catalogue and phases, the current levels, the target and
the pitfalls that fired, and returns plain values. Identical input gives identical output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .located import Located
from .models import THEMES, Improvement, ImprovementCatalogue, Phase, PhasePlan
from .vocabulary import DIMENSIONS

WEEKS_PER_MONTH = 52 / 12
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class RoadmapContent:
    """The improvement catalogue and phase plan, checked across files."""

    items: Mapping[str, Improvement]
    phases: tuple[Phase, ...]
    max_items: int
    max_person_weeks: float
    mitigated_by: Mapping[str, tuple[str, ...]]  # pitfall id -> improvement ids

    def phase_limits(self, phase: Phase, max_items: int | None = None,
                     max_person_weeks: float | None = None) -> tuple[int, float]:
        items = max_items if max_items is not None else phase.max_items or self.max_items
        effort = max_person_weeks if max_person_weeks is not None else phase.max_person_weeks or self.max_person_weeks
        return items, effort


# --------------------------------------------------------------------------
# Load-time checks
# --------------------------------------------------------------------------


def compile_roadmap(catalogues: Iterable[tuple[ImprovementCatalogue, Located]],
                    plans: Iterable[tuple[PhasePlan, Located]],
                    pitfall_ids: frozenset[str] | None) -> RoadmapContent | None:
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

    for item_id, item in items.items():
        located, index = where[item_id]
        for r, required in enumerate(item.requires):
            other = items.get(required)
            if other is None:
                located.problem(("items", index, "requires", r), f"unknown prerequisite {required!r}")
            elif other.dimension == item.dimension and other.to_level >= item.to_level:
                located.problem(("items", index, "requires", r),
                                f"prerequisite {required!r} lifts {item.dimension} to {other.to_level}, "
                                f"not below {item.to_level}")
        if pitfall_ids is not None:
            for m, pitfall in enumerate(item.mitigates):
                if pitfall not in pitfall_ids:
                    located.problem(("items", index, "mitigates", m), f"unknown pitfall id {pitfall!r}")

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

    if plan is None or not items:
        return None
    mitigated_by: dict[str, list[str]] = {}
    for item_id in sorted(items):
        for pitfall in items[item_id].mitigates:
            mitigated_by.setdefault(pitfall, []).append(item_id)
    return RoadmapContent(
        items=items,
        phases=tuple(plan.phases),
        max_items=plan.max_items,
        max_person_weeks=plan.max_person_weeks,
        mitigated_by={k: tuple(v) for k, v in mitigated_by.items()},
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
        for nxt in items[node].requires:
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


def current_levels(scores: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """The level each dimension has reached (1 where nothing was answered)."""
    return {d: int(scores[d]["level"] or 1) for d in DIMENSIONS}


def build_roadmap(roadmap: RoadmapContent, scores: Mapping[str, Mapping[str, Any]], target: Mapping[str, int],
                  pitfalls: Iterable[Mapping[str, Any]] = (), *, max_items: int | None = None,
                  max_person_weeks: float | None = None,
                  dimension_titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Sequence the improvements from the current levels to the target, foundations first."""
    titles = dimension_titles or {d: d.title() for d in DIMENSIONS}
    levels = current_levels(scores)
    fired = {p["id"]: p["severity"] for p in pitfalls}
    reasons: dict[str, list[str]] = {}

    # 1. What the target asks for: every improvement between the current level and the target.
    chosen: dict[str, Improvement] = {}
    for item_id in sorted(roadmap.items):
        item = roadmap.items[item_id]
        if levels[item.dimension] < item.to_level <= target.get(item.dimension, 0):
            chosen[item_id] = item
            score = scores[item.dimension]["score"]
            shown = f"{score:.1f}" if score is not None else "not scored"
            reasons[item_id] = [f"{titles[item.dimension]} is {shown} (level {levels[item.dimension]}), "
                                f"target {target[item.dimension]}"]

    # 2. Their prerequisites, transitively, unless the organisation already has that level.
    queue = sorted(chosen)
    while queue:
        item_id = queue.pop(0)
        for required in roadmap.items[item_id].requires:
            prerequisite = roadmap.items[required]
            if prerequisite.to_level <= levels[prerequisite.dimension]:
                continue
            note = f"needed before “{roadmap.items[item_id].title}”"
            if required not in chosen:
                chosen[required] = prerequisite
                reasons[required] = [note]
                queue.append(required)
            elif note not in reasons[required] and len(reasons[required]) < 3:
                reasons[required].append(note)

    # 3. Pitfalls each one mitigates, which also pulls it forward.
    for item_id, item in chosen.items():
        for pitfall in item.mitigates:
            if pitfall in fired:
                reasons[item_id].append(f"mitigates {pitfall} ({fired[pitfall]})")

    order = sorted(chosen, key=lambda i: _priority(chosen[i], fired))
    phases = _schedule(roadmap, chosen, order, max_items, max_person_weeks)

    phase_out = []
    for phase, placed in phases:
        phase_out.append({
            "id": phase.id,
            "title": phase.title,
            "start_month": phase.start_month,
            "end_month": phase.end_month,
            "items": [_item_out(chosen[i], start, reasons[i], chosen) for i, start in placed],
        })
    total = sum(chosen[i].effort_weeks for i in chosen)
    reached = all(levels[d] >= target.get(d, 0) for d in DIMENSIONS)
    message = None
    if not chosen:
        message = ("Every capability area is already at or above its target, so there is nothing to add. "
                   "Raise a target to plan the next step." if reached else
                   "The catalogue has no improvement between the current levels and the target.")
    return {
        "target": {d: target[d] for d in DIMENSIONS if d in target},
        "current": levels,
        "limits": {"max_items": max_items, "max_person_weeks": max_person_weeks},
        "phases": phase_out,
        "items": len(chosen),
        "person_weeks": round(total, 1),
        "message": message,
    }


def _priority(item: Improvement, fired: Mapping[str, str]) -> tuple:
    """Lower levels first; within a level, high-severity mitigations, then the foundation themes."""
    severities = [SEVERITY_RANK[fired[p]] for p in item.mitigates if p in fired]
    return (item.to_level, min(severities, default=3), THEMES.index(item.theme), item.id)


def _schedule(roadmap: RoadmapContent, chosen: Mapping[str, Improvement], order: list[str],
              max_items: int | None, max_person_weeks: float | None) -> list[tuple[Phase, list[tuple[str, float]]]]:
    """Place items into the earliest phase that has room and where their prerequisites end first.

    An item starts when its last prerequisite has finished (and not before its phase starts);
    it belongs to the phase in which it starts. What fits nowhere goes to a final 'later' phase.
    """
    phases = list(roadmap.phases)
    last = phases[-1]
    later = Phase(id="later", title="Later", start_month=last.end_month,
                  end_month=last.end_month + max(6, last.end_month - last.start_month))
    slots = [(p, *roadmap.phase_limits(p, max_items, max_person_weeks)) for p in phases]
    slots.append((later, math.inf, math.inf))
    used = [[0, 0.0] for _ in slots]
    placed: list[list[tuple[str, float]]] = [[] for _ in slots]
    end_week: dict[str, float] = {}
    remaining = list(order)
    # Repeatedly take the first item (in priority order) whose prerequisites are scheduled.
    while remaining:
        for item_id in remaining:
            prerequisites = [r for r in chosen[item_id].requires if r in chosen]
            if all(r in end_week for r in prerequisites):
                break
        else:  # pragma: no cover - cycles are rejected at load
            raise ValueError("prerequisite cycle among " + ", ".join(remaining))
        remaining.remove(item_id)
        item = chosen[item_id]
        ready = max((end_week[r] for r in item.requires if r in end_week), default=0.0)
        for index, (phase, limit_items, limit_effort) in enumerate(slots):
            start = max(ready, phase.start_month * WEEKS_PER_MONTH)
            if start >= phase.end_month * WEEKS_PER_MONTH and phase is not later:
                continue
            if used[index][0] + 1 > limit_items or used[index][1] + item.effort_weeks > limit_effort:
                continue
            used[index][0] += 1
            used[index][1] += item.effort_weeks
            placed[index].append((item_id, round(start, 2)))
            end_week[item_id] = start + item.duration_weeks
            break
    result = [(slots[i][0], placed[i]) for i in range(len(phases))]
    if placed[-1]:
        result.append((later, placed[-1]))
    return result


def _item_out(item: Improvement, start_week: float, reasons: list[str], chosen: Mapping[str, Improvement]) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "dimension": item.dimension,
        "to_level": item.to_level,
        "requires": [r for r in item.requires if r in chosen],
        "reason": "; ".join(reasons),
        "theme": item.theme,
        "owner": item.owner,
        "effort_weeks": item.effort_weeks,
        "duration_weeks": item.duration_weeks,
        "start_week": start_week,
        "end_week": round(start_week + item.duration_weeks, 2),
        "deliverables": list(item.deliverables),
        "metric": item.metric,
        "mitigates": list(item.mitigates),
        "description": item.description,
    }


def link_pitfalls(pitfalls: list[dict[str, Any]], roadmap_out: Mapping[str, Any], roadmap: RoadmapContent) -> None:
    """Fill each pitfall's roadmap_items with the planned improvements that mitigate it."""
    planned = {item["id"] for phase in roadmap_out["phases"] for item in phase["items"]}
    for pitfall in pitfalls:
        mitigating = roadmap.mitigated_by.get(pitfall["id"], ())
        pitfall["roadmap_items"] = [i for i in mitigating if i in planned]
        pitfall["other_items"] = [i for i in mitigating if i not in planned]
