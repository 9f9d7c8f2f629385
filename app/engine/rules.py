"""Evaluate the rulebook: rank the PMO models, flag pitfalls, say what the PMO should own.

The what-would-change search lives in ``whatif.py``; it reuses ``compute_fit`` here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from .rulebook import Rulebook
from .summary import rank_pitfalls
from .vocabulary import MODELS
from .wording import render, template_paths

SEVERITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}


# --------------------------------------------------------------------------
# Model fit
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FitOutcome:
    """Points per model, which rules fired, which gates held, and the resulting order."""

    totals: Mapping[str, int]
    fired: tuple[bool, ...]
    gates_held: tuple[bool, ...]
    eligible: Mapping[str, bool]
    order: tuple[str, ...]

    @property
    def top(self) -> str:
        return self.order[0]


def order_models(rulebook: Rulebook, totals: Mapping[str, int], eligible: Mapping[str, bool]) -> tuple[str, ...]:
    """Eligible models by points (ties: the lighter model first), then the ruled-out ones."""
    rank = {m: i for i, m in enumerate(rulebook.tie_break)}
    return tuple(sorted(MODELS, key=lambda m: (not eligible[m], -totals[m], rank[m])))


def outcome_from(rulebook: Rulebook, fired: tuple[bool, ...], gates_held: tuple[bool, ...]) -> FitOutcome:
    """The totals, eligibility and order that follow from which rules fired and which gates held."""
    totals = {m: rulebook.base_fit for m in MODELS}
    for rule, hit in zip(rulebook.model_rules, fired):
        if hit:
            for model, points in rule.points.items():
                totals[model] += points
    eligible = {m: True for m in MODELS}
    for gate, held in zip(rulebook.gates, gates_held):
        if not held:
            eligible[gate.model] = False
    if not any(eligible.values()):  # content that rules out everything: rank them all
        eligible = {m: True for m in MODELS}
    return FitOutcome(totals, fired, gates_held, eligible, order_models(rulebook, totals, eligible))


def compute_fit(rulebook: Rulebook, facts: Mapping[str, Any]) -> FitOutcome:
    """Evaluate every model rule and gate on the facts."""
    fired = tuple(rule.condition.matches(facts) for rule in rulebook.model_rules)
    held = tuple(gate.condition.matches(facts) for gate in rulebook.gates)
    return outcome_from(rulebook, fired, held)


def fit_of(rulebook: Rulebook, points: int, eligible: bool) -> int:
    """Points as a 0-100 fit on a smooth curve: 50 points is 50, and no two totals clip to the same 100."""
    fit = 100 / (1 + math.exp(-(points - rulebook.base_fit) / rulebook.fit_scale))
    fit = round(fit)
    return fit if eligible else min(fit, rulebook.ruled_out_fit)


def rank_models(rulebook: Rulebook, facts: Mapping[str, Any],
                labels: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], FitOutcome]:
    """Rank all four models with a fit from 0 to 100, the reasons behind each, and what rules some out."""
    outcome = compute_fit(rulebook, facts)
    reasons: dict[str, list[dict[str, Any]]] = {m: [] for m in MODELS}
    for rule, hit in zip(rulebook.model_rules, outcome.fired):
        if not hit:
            continue
        text = render(rule.reason.template(facts), facts, labels)
        evidence = rule.condition.evidence(facts)
        cites = rule.condition.deciding(facts)
        for model, points in rule.points.items():
            reasons[model].append({"rule": rule.id, "text": text, "evidence": evidence, "points": points,
                                   "cites": cites})
    ruled_out: dict[str, list[dict[str, Any]]] = {m: [] for m in MODELS}
    for gate, held in zip(rulebook.gates, outcome.gates_held):
        if not held:
            ruled_out[gate.model].append({"rule": gate.id, "text": render(gate.reason, facts, labels),
                                          "evidence": gate.condition.evidence(facts)})
    for model in MODELS:
        reasons[model].sort(key=lambda r: -abs(r["points"]))
    order = outcome.order
    top = order[0]
    runner_up = order[1] if outcome.eligible[order[1]] else None
    # Judged on the fit people see (0-100), not the raw points: the curve flattens near the top,
    # so 90 against 84 is as close as it looks.
    close = runner_up is not None and (fit_of(rulebook, outcome.totals[top], True)
                                       - fit_of(rulebook, outcome.totals[runner_up], True)) <= rulebook.hybrid_margin
    ranking = [
        {
            "model": m,
            "title": rulebook.models[m].title,
            "fit": fit_of(rulebook, outcome.totals[m], outcome.eligible[m]),
            "points": outcome.totals[m],
            "eligible": outcome.eligible[m],
            "ruled_out": ruled_out[m],
            "reasons": reasons[m],
        }
        for m in order
    ]
    return {
        "model": top,
        "hybrid_with": runner_up if close else None,
        "close_call": close,
        "title": rulebook.models[top].title,
        "summary": rulebook.models[top].summary,
        "hybrid_margin": rulebook.hybrid_margin,
        "oversight": None,
        "ranking": ranking,
    }, outcome


def choose_oversight(rulebook: Rulebook, facts: Mapping[str, Any],
                     labels: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """The seed's hybrid: directive control of the few critical programmes beside the recommended model."""
    for item in rulebook.oversight:
        if item.model != facts.get("model") and item.condition.matches(facts):
            return {"id": item.id, "model": item.model, "title": item.title,
                    "model_title": rulebook.models[item.model].title,
                    "text": render(item.text, facts, labels), "evidence": item.condition.evidence(facts)}
    return None


def choose_design(rulebook: Rulebook, facts: dict[str, Any],
                  labels: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """The PMO that fits, in the organisation's terms: the first design for the model whose condition holds,
    with the sentences on what this client needs most (the focus) that hold for it.

    ``facts`` gains ``design``, the id of the design given (or 'none').
    """
    facts["design"] = "none"
    for design in rulebook.designs:
        if facts.get("model") in design.models and (design.condition is None or design.condition.matches(facts)):
            facts["design"] = design.id
            template, claims = design.text.select(facts)
            sentences = [template]
            for item in rulebook.focus:
                if len(sentences) > rulebook.max_focus:
                    break
                if item.condition.matches(facts):
                    sentences.append(item.text)
                    claims.append({"when": item.condition.text, "holds": True, "template": item.text})
            why, why_claims = design.why.select(facts) if design.why is not None else ("", [])
            title, title_claims = design.title.select(facts)
            # The label's conditions read the model only: what it is named, not a claim about the organisation.
            label = design.label.select(facts)[0] if design.label is not None else title
            borrows = [{"model": b.model, "how": render(b.how, facts, labels)} for b in design.borrows
                       if b.model != facts["model"] and (b.condition is None or b.condition.matches(facts))]
            revisit, revisit_claims = design.revisit.select(facts) if design.revisit is not None else ("", [])
            return {"id": design.id, "model": facts["model"], "title": render(title, facts, labels),
                    "label": render(label, facts, labels), "borrows": borrows,
                    "text": render(" ".join(sentences), facts, labels),
                    "claims": claims + why_claims + title_claims + revisit_claims,
                    "why": render(why, facts, labels), "hides": list(design.hides),
                    "revisit": render(revisit, facts, labels), "revisit_on": list(design.revisit_on),
                    "evidence": design.condition.evidence(facts) if design.condition else {}}
    return None


def design_models(recommendation: Mapping[str, Any]) -> dict[str, str]:
    """The models the recommended design is built from, each with what it takes from it: the recommended
    model itself, the models the design borrows from, and directive control of the critical few."""
    design = recommendation.get("design") or {}
    out = {recommendation["model"]: ""} if recommendation.get("model") else {}
    for borrow in design.get("borrows") or []:
        out.setdefault(borrow["model"], borrow["how"])
    oversight = recommendation.get("oversight")
    if oversight and oversight.get("model"):
        out.setdefault(oversight["model"], "direct oversight of the critical programmes only")
    return out


def close_call_outside_design(recommendation: Mapping[str, Any]) -> bool:
    """A close call worth saying: the runner-up is not already part of the design (hub and spoke is the
    close call between controlling and federated, made one design)."""
    return bool(recommendation.get("close_call")) and recommendation.get("hybrid_with") not in design_models(
        recommendation)


def mark_design_models(recommendation: dict[str, Any]) -> None:
    """Each ranked model says its part in the design (``in_design``): 'recommended' for the model the design
    dresses, what the design takes from a model it borrows from, or None."""
    used = design_models(recommendation)
    for entry in recommendation.get("ranking") or []:
        model = entry["model"]
        entry["in_design"] = ("recommended" if model == recommendation.get("model")
                              else used[model] if model in used else None)


def drop_changes_within_design(recommendation: dict[str, Any], gates: Mapping[str, str] | None = None) -> None:
    """'What would change' speaks of the design the reader was given and of models the reader has seen.

    It offers no model the design already uses ('the Federated PMO would overtake the Controlling PMO' beside
    a hub and spoke that is both); a change on a fact the design
    gives its own revisit threshold for says that threshold instead of another ('Revisit the set-up when the
    portfolio passes about fifteen projects' beside 'if there were 80 active projects'); and the design is
    named as the reader met it, not by the model it dresses ('would overtake the Federated PMO' beside a
    service-led centre of excellence, round 209). A change that tips the fit only through reasons the design sets
    aside (``hides``) is not said either: a capacity office, whose core is a forum, does not turn on 'teams first need
    templates' ('If governance fell ... the Supportive PMO would fit better', round 211). ``gates``: each gate's model.
    """
    used = design_models(recommendation)
    design = recommendation.get("design") or {}
    revisit_on, revisit = set(design.get("revisit_on") or ()), design.get("revisit") or ""
    kept, revisited = [], False
    for change in recommendation.get("what_would_change") or []:
        if change.get("model") in used or _only_through_hidden(change, design, recommendation, gates or {}):
            continue
        if change.get("fact") in revisit_on:
            if revisit and not revisited:
                revisited = True
                kept.append({**change, "text": revisit})
            continue
        kept.append(_named_as_the_design(change, recommendation))
    recommendation["what_would_change"] = kept


def _only_through_hidden(change: Mapping[str, Any], design: Mapping[str, Any], recommendation: Mapping[str, Any],
                         gates: Mapping[str, str]) -> bool:
    """The change tips the fit only through model rules the design sets aside: every rule it flips is hidden, and
    every gate it flips rules out neither the recommended model nor brings another in."""
    hidden = set(design.get("hides") or ())
    flipped = change.get("rules_changed") or []
    if not hidden or not flipped:
        return False
    for entry in flipped:
        rule = entry.get("rule")
        if rule in gates:
            if entry.get("applies_after") or gates[rule] == recommendation.get("model"):
                return False
        elif rule not in hidden:
            return False
    return True


def _named_as_the_design(change: dict[str, Any], recommendation: Mapping[str, Any]) -> dict[str, Any]:
    """'..., the Controlling PMO would overtake the Federated PMO as the better fit.' with the recommended model
    named as the design given ('... would fit better than a service-led PMO, a centre of excellence teams ask
    for.') wherever the design is not the model's own plain one."""
    design = recommendation.get("design") or {}
    title = design.get("title") or ""
    old = next((r.get("title") for r in recommendation.get("ranking") or []
                if r.get("model") == change.get("instead_of")), None)
    text = change.get("text") or ""
    if not old or not title or change.get("instead_of") != recommendation.get("model") or title == old:
        return change
    for verb in ("would overtake", "would replace"):
        tail = f" {verb} the {old} as the better fit."
        if text.endswith(tail):
            named = title[:1].lower() + title[1:] if not title[1:2].isupper() else title
            return {**change, "text": text[: -len(tail)] + f" would fit better than {named.rstrip('.')}."}
    return change


def design_reasons(recommendation: Mapping[str, Any], limit: int = 3) -> list[dict[str, Any]]:
    """What 'Why this design' says: the design's own reason first, then the model's strongest reasons,
    leaving out those that argue for what the design does not do (gates for a lean portfolio office)."""
    design = recommendation.get("design") or {}
    out = []
    if design.get("why"):
        out.append({"rule": design["id"], "text": design["why"], "evidence": design.get("evidence") or {}})
    hidden = set(design.get("hides") or ())
    chosen = next((r for r in recommendation.get("ranking") or [] if r["model"] == recommendation.get("model")),
                  {"reasons": []})
    out += [{"rule": r["rule"], "text": r["text"], "evidence": r.get("evidence") or {}}
            for r in chosen["reasons"] if (r.get("points") or 0) > 0 and r["rule"] not in hidden]
    return out[:limit]


def set_model_facts(facts: dict[str, Any], recommendation: Mapping[str, Any]) -> None:
    """What the rules after the ranking read: the recommended model, and the one in a close call with it."""
    facts["model"] = recommendation.get("model")
    facts["close_to"] = recommendation.get("hybrid_with") or "none"
    facts["design"] = (recommendation.get("design") or {}).get("id") or "none"


# --------------------------------------------------------------------------
# Pitfalls and ownership
# --------------------------------------------------------------------------


PAIN_FLAGGED = "pain_flagged"


def find_pitfalls(rulebook: Rulebook, facts: dict[str, Any],
                  labels: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every pitfall whose precondition and condition hold, highest severity first, with its evidence.

    Pitfalls that read whether the main pain's pitfall is flagged (the pitfalls of maturity, and the
    one said for the pain when its own are not) are found after the others, once that is known;
    ``facts`` gains ``pain_flagged``: one of the pain's own pitfalls fired high on the answers.

    The pitfalls on the pain are its own, its root causes and the one said for it; the one that is
    the pain (``pain_pitfall``) is its first own pitfall flagged high, else the one said for it.
    """
    pain_id = facts.get("context.primary_pain")
    pain = rulebook.pains.get(pain_id)
    flags = set(pain.pitfalls) if pain is not None else set()
    on_pain = flags | {p.id for p in rulebook.pitfalls if pain is not None and (p.for_pain or p.cause_of == pain_id)}
    found = []
    order = rulebook.cache.get("pitfall_order")
    if order is None:  # the pitfalls of maturity last, once; the order never changes
        late = [i for i, p in enumerate(rulebook.pitfalls) if PAIN_FLAGGED in p.reads]
        order = rulebook.cache["pitfall_order"] = (
            tuple(i for i in range(len(rulebook.pitfalls)) if i not in late) + tuple(late), late[0] if late else None)
    order, first_late = order
    for index in order:
        if index == first_late:
            facts[PAIN_FLAGGED] = any(e["id"] in flags and e["severity"] == "high" for _s, _i, e in found)
        pitfall = rulebook.pitfalls[index]
        if pitfall.precondition is not None and not pitfall.precondition.matches(facts):
            continue
        if not pitfall.condition.matches(facts):
            continue
        title_text, why_text, severity, mitigation_text = pitfall.explanation(facts)
        title, title_claims = title_text.select(facts)
        why, why_claims = why_text.select(facts)
        mitigation, mitigation_claims = mitigation_text.select(facts)
        found.append((SEVERITY_ORDER[severity], index, {
            "id": pitfall.id,
            "title": render(title, facts, labels),
            "severity": severity,
            "precondition": pitfall.precondition_text,
            "why": render(why, facts, labels),
            # The evidence is what the explanation cites: the answers that show the problem, and
            # context only where the sentence uses it (never the precondition for its own sake).
            "evidence": ({"context.primary_pain": pain_id} if pitfall.for_pain else {})
                        | {path: facts.get(path) for path in template_paths(why, facts)},
            "mitigation": render(mitigation, facts, labels),
            "holds": list(pitfall.holds),
            "roadmap_items": [],
            "on_pain": pitfall.id in on_pain,
            "for_pain": pitfall.for_pain,
            "pain_pitfall": False,
            # The answers show it as a strong contrast (reports nobody decides from, tools nobody uses):
            # high, and first after the pain's own; or its severity is held down by the portfolio's scale.
            "pattern": pitfall.shows_pattern(facts),
            "capped": pitfall.cap(facts) is not None,
            # The claims its sentences stand on, so the advice can be re-checked against the answers.
            "claims": title_claims + why_claims + mitigation_claims,
        }))
    facts[PAIN_FLAGGED] = any(e["id"] in flags and e["severity"] == "high" for _s, _i, e in found)
    entries = {e["id"]: e for _s, _i, e in found}
    stands_for = next((entries[i] for i in (pain.pitfalls if pain is not None else ())
                       if i in entries and entries[i]["severity"] == "high"),
                      next((e for e in entries.values() if e["for_pain"] and e["id"] in on_pain), None))
    if stands_for is not None:
        stands_for["pain_pitfall"] = True
    return [entry for _s, _i, entry in sorted(found, key=lambda item: item[:2])]


def find_checks(rulebook: Rulebook, facts: Mapping[str, Any],
                labels: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Check first: answers that disagree with the stated pain, with each other or with the profile, at most
    ``max_checks`` of them, one per group of checks that ask about the same doubt.

    The pain comes first when its pitfall is not flagged high: the result then says why the answers
    disagree with the pain, and names the weak answers that may cause it (``cause_questions``).
    """
    out = []
    pain_id = facts.get("context.primary_pain")
    pain = rulebook.pain_texts.get(pain_id)
    if pain is not None and not facts.get(PAIN_FLAGGED):
        # It doubts the pain's practices answered as strong (4-5); those at 3 it names beside them.
        entry = _check_entry("pain-disagrees", pain.probe, pain.pain.ask or "", pain.would_change, facts, labels,
                             doubted_from=STRONG)
        entry["pain"] = pain_id
        entry["evidence"] = {f"answers.{q}": facts.get(f"answers.{q}") for q in pain.pain.questions}
        entry["cause_questions"] = [q for q in pain.pain.causes
                                    if isinstance(facts.get(f"answers.{q}"), int) and facts[f"answers.{q}"] <= 2]
        out.append(entry)
    # The checks are listed by how much a wrong answer would change the advice; one question per doubt
    # (group), and those a pitfall points to ("see Check first") are kept within the limit.
    holding, asked = [], set()
    for check in rulebook.checks:
        if (check.group is not None and check.group in asked) or not check.condition.matches(facts):
            continue
        if check.group is not None:
            asked.add(check.group)
        holding.append(check)
    room = rulebook.max_checks - len(out)
    pinned = [c for c in holding if c.pinned][:room]
    shown = {c.id for c in pinned} | {c.id for c in [c for c in holding if not c.pinned][:room - len(pinned)]}
    for check in holding:
        if check.id not in shown:
            continue
        entry = _check_entry(check.id, check.text, check.ask, check.would_change, facts, labels)
        entry["evidence"] = {path: value for path, value in check.condition.evidence(facts).items()
                             if value is not None}
        out.append(entry)
    return out


def _check_entry(check_id: str, text, ask, would_change, facts: Mapping[str, Any],
                 labels: Mapping[str, Any] | None, doubted_from: int = 3) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": check_id, "claims": [], "doubts": []}
    for name, value in (("text", text), ("ask", ask), ("would_change", would_change)):
        if value is None or isinstance(value, str):
            template = value or ""
        else:
            template, claims = value.select(facts)
            entry["claims"] += claims
        entry[name] = render(template, facts, labels)
        if name == "text":
            entry["doubts"] = doubted_answers(template, facts, doubted_from)
    return entry


def doubted_answers(template: str, facts: Mapping[str, Any], level: int = 3) -> list[str]:
    """The answers a check questions: those its text cites at ``level`` or more (the strengths it doubts;
    a weak answer it cites is the ground it believes)."""
    return [path for path in template_paths(template, facts) if path.startswith("answers.")
            and isinstance(facts.get(path), int) and facts[path] >= level]


MOST_HIGH = 3


def settle_severity(rulebook: Rulebook, pitfalls: list[dict[str, Any]], checks: list[dict[str, Any]],
                    pain_id: str | None) -> None:
    """The severity people read, and the plan works from, once Check first is known.

    A pitfall that stands on a strength Check first doubts (reports said to go out, beside projects that
    report in their own format) is low, never one of the three: it rests on an answer to check first.
    Then at most three are high: the three that matter most; the others high on their own read medium,
    each saying why. The pitfall that is the stated pain is never lowered.
    """
    doubted: dict[str, str] = {}
    for check in checks:
        for path in check.get("doubts") or ():
            doubted.setdefault(path, check["id"])
    rests_on = {p.id: p.rests_on for p in rulebook.pitfalls}
    for entry in pitfalls:
        if entry.get("pain_pitfall"):
            continue
        cited = entry.get("evidence") or {}
        check_id = next((doubted[f"answers.{q}"] for q in rests_on.get(entry["id"], ())
                         if f"answers.{q}" in doubted and f"answers.{q}" in cited), None)
        if check_id is None:
            continue
        entry["doubted_by"] = check_id
        if entry["severity"] != "low":
            entry["severity_note"] = f"{entry['severity']} on the answers, but it stands on an answer Check first doubts"
            entry["severity"] = "low"
    highs = [p for p in rank_pitfalls(pitfalls, pain_id) if p["severity"] == "high"]
    for entry in highs[MOST_HIGH:]:
        entry["severity"] = "medium"
        entry["severity_note"] = f"high on its own, but one of {len(highs)} high: ranked below the three that matter most"


def choose_ownership(rulebook: Rulebook, facts: Mapping[str, Any],
                     labels: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What the PMO should own first (in content order, pain first) and what it should not own."""

    def applies(item) -> bool:
        return item.condition is None or item.condition.matches(facts)

    def entry(item) -> dict[str, Any]:
        why, claims = item.why.select(facts)
        return {"id": item.id, "title": item.title, "why": render(why, facts, labels),
                "evidence": item.condition.evidence(facts) if item.condition else {}, "claims": claims}

    own_first = [entry(item) for item in rulebook.own_first if applies(item)][: rulebook.max_own_first]
    dont_own = [entry(item) for item in rulebook.dont_own if applies(item)]
    # Told it needs no PMO, an organisation reads of 'the role' (round 211: 'What the PMO should not own' beside
    # 'a part-time coordinator ..., not a PMO').
    holder = "the role" if facts.get("design") == "part-time-method-owner" else "the PMO"
    return {"own_first": own_first, "dont_own": dont_own, "holder": holder,
            "pain_note": check_pain(rulebook, facts, labels)}


# The first practice behind a pain at or above STRONG, and none of the others below SOUND:
# the answers say the pain is already being worked on.
STRONG = 4
SOUND = 3


def check_pain(rulebook: Rulebook, facts: Mapping[str, Any],
               labels: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """When the answers contradict the stated main pain, say so and suggest probing it."""
    pain = rulebook.pains.get(facts.get("context.primary_pain"))
    if pain is None:
        return None
    levels = {q: facts.get(f"answers.{q}") for q in pain.questions}
    known = [level for level in levels.values() if level is not None]
    main = levels[pain.questions[0]]
    if main is None or main < STRONG or len(known) < (len(levels) + 1) // 2 or min(known) < SOUND:
        return None
    return {"pain": facts["context.primary_pain"],
            "text": render(rulebook.pain_texts[facts["context.primary_pain"]].probe.template(facts), facts, labels),
            "evidence": {f"answers.{q}": level for q, level in levels.items()}}
