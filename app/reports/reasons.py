"""Why the advice says what it says, in people's words, the same in every format: the answers that
decided each model's fit (no points), and each change grouped under the reason it is planned for (no
area codes). Pure: reads the plain result only.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..engine.rules import design_models
from ..engine.summary import PMO_TODAY, day_span, plural, practice_name, reader_reasons
from .evidence import fact_label, fact_value, labels_of

# The one place each profile answer is said short: "7 business units or domains", "not regulated".
PROFILE_PHRASES = {
    "active_projects": lambda v, _: plural(v, "active project"),
    "business_units": lambda v, _: plural(v, "business unit or domain", "business units or domains"),
    "regulated": lambda v, _: "regulated" if v else "not regulated",
    "risk_profile": lambda v, _: f"{v} risk",
    "delivery_mix": lambda v, _: f"{v} delivery",
    "existing_pmo": lambda v, _: PMO_TODAY.get(v, str(v)),
    "primary_pain": lambda v, label: f"main pain: {label[:1].lower() + label[1:]}",
    "org_size": lambda v, label: label[:1].lower() + label[1:],
}


def fact_phrase(path: str, value: Any, result: Mapping[str, Any], labels: Mapping[str, Any] | None = None) -> str:
    """One answer or score as a reader says it: 'executive sponsor at level 2', '131 active projects',
    'Governance at 1.85'."""
    labels = labels or labels_of(result, None)
    head, _, rest = path.partition(".")
    if head == "context" and rest in PROFILE_PHRASES and value is not None:
        return PROFILE_PHRASES[rest](value, fact_value(path, value, labels))
    if head == "answers":
        name = practice_name(result, rest)
        return f"{name} unknown" if value is None else f"{name} at level {value}"
    if head in ("scores", "level") and isinstance(value, (int, float)):
        area = labels["dimensions"].get(rest, rest)
        return f"{area} at level {value}" if head == "level" else f"{area} at {value:.2f}"
    if path == "overall" and isinstance(value, (int, float)):
        return f"overall maturity {value:.2f}"
    if path == "pmo_blocker" and isinstance(value, bool):
        return "the PMO seen as a blocker" if value else "the PMO not seen as a blocker"
    if path == "projects_per_unit" and isinstance(value, (int, float)):
        return f"{value:g} projects per unit"
    return f"{_lower(fact_label(path, labels))}: {fact_value(path, value, labels)}"


def _phrases(evidence_sets: Iterable[Mapping[str, Any]], result: Mapping[str, Any], labels: Mapping[str, Any],
             seen: set[str], limit: int) -> list[str]:
    out = []
    for evidence in evidence_sets:
        for path, value in evidence.items():
            if path in seen or len(out) >= limit:
                continue
            seen.add(path)
            out.append(fact_phrase(path, value, result, labels))
    return out


def model_rows(result: Mapping[str, Any], limit: int = 3) -> list[dict[str, Any]]:
    """Each model once, best fit first: its fit and the few answers that decided it, for and against.

    The recommended model's row is named as the design the client is given ('Hub and spoke (federated,
    with a controlling centre)'); a model the design borrows from says what the design takes from it and
    is never 'ruled out' (at most not as the whole PMO). A ruled-out model gives the answers that rule it
    out; the others the answers behind their weightiest reasons, each answer said once per model.
    """
    rec = result.get("recommendation") or {}
    labels = labels_of(result, None)
    used = design_models(rec) if rec.get("model") else {}
    design = rec.get("design") or {}
    rows = []
    # The design's row never argues for what the design does not do: a reason its design sets aside
    # ('teams first need templates and coaching' beside a forum that merges and stops work) is left out.
    hidden = set(design.get("hides") or ())
    for entry in rec.get("ranking") or []:
        seen: set[str] = set()
        reasons = sorted((r for r in entry.get("reasons") or []
                          if entry["model"] != rec.get("model") or r.get("rule") not in hidden),
                         key=lambda r: -abs(r.get("points") or 0))
        gates = [g.get("evidence") or {} for g in entry.get("ruled_out") or []]
        ruled_out = _phrases(gates, result, labels, seen, limit) if gates else []
        chosen = entry["model"] == rec.get("model")
        # Each reason cites the answers that make it hold ('the mandate at 2', not the sponsor at 4 its rule also
        # read); the design's row is never argued against with what the design stands on ('Against: agile
        # delivery' beside a lean office for agile teams, round 211).
        relies = set(design.get("evidence") or ()) if chosen else set()
        against = [] if gates else _phrases(
            ({p: v for p, v in _cited(r).items() if p not in relies} for r in reasons if (r.get("points") or 0) < 0),
            result, labels, seen, 1)
        backing = [] if gates else _phrases((_cited(r) for r in reasons if (r.get("points") or 0) > 0),
                                            result, labels, seen, limit - len(against))
        if chosen and not backing and not gates:  # what the design stands on is its reason
            backing = _phrases([design.get("evidence") or {}], result, labels, seen, limit - len(against))
        title = entry.get("title") or entry["model"].title()
        eligible = entry.get("eligible", True)
        how = None if chosen else used.get(entry["model"])
        if chosen:
            title = design.get("label") or design.get("title") or title
        # A ruled-out model says why in the gate's own sentence, the first that fails ('A federated PMO needs
        # units with enough work of their own to run one ...; here there are about 3.4 per unit'), not as a
        # list of the answers it read ('Ruled out by 44 active projects, 3.4 projects per unit and medium').
        sentences = [g["text"] for g in entry.get("ruled_out") or [] if g.get("text")]
        decided = decided_text(ruled_out, backing, against, how, sentences[:1])
        rows.append({"model": entry["model"], "title": title, "fit": entry["fit"], "chosen": chosen,
                     "eligible": eligible, "ruled_out": ruled_out, "for": backing, "against": against,
                     "in_design": how, "decided": decided,
                     "fit_text": (f"{entry['fit']} of 100" if eligible
                                  else "part of the design" if how else "ruled out")})
    return rows


def _cited(reason: Mapping[str, Any]) -> Mapping[str, Any]:
    """The facts a reason cites: those that make its rule hold (a result frozen before them: all it read)."""
    cites = reason.get("cites")
    return cites if cites is not None else (reason.get("evidence") or {})


def decided_text(ruled_out: list[str], backing: list[str], against: list[str], in_design: str | None = None,
                 sentences: list[str] | None = None) -> str:
    """'For: 7 business units or domains, 131 active projects. Against: Governance at 1.85.'

    A model the design borrows from says so first: 'In the design: a named contact in each unit. Not as the
    whole PMO: 9.6 projects per unit.' A ruled-out model gives the gate's own sentences where there are any."""
    if in_design:
        head = f"In the design: {in_design}."
        if sentences:
            return f"{head} Not as the whole PMO: " + " ".join(_lower(s) for s in sentences)
        if ruled_out:
            return f"{head} Not as the whole PMO, given {_join(ruled_out)}."
    elif sentences:
        return "Ruled out: " + " ".join(_lower(s) for s in sentences)
        return " ".join([head] + ([f"For: {_join(backing)}."] if backing else [])
                        + ([f"Against: {_join(against)}."] if against else []))
    if ruled_out:
        return "Ruled out by " + _join(ruled_out) + "."
    parts = ([f"For: {_join(backing)}."] if backing else []) + ([f"Against: {_join(against)}."] if against else [])
    return " ".join(parts) or "No answer moved it up or down."


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _lower(text: str) -> str:
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _quoted(reason: str) -> str:
    """The title inside a reason's curly quotes."""
    return reason.split("“", 1)[1].split("”", 1)[0] if "“" in reason else reason


# Groups in the order a reader weighs them: the pain first, an area's aim last.
GROUP_ORDER = ("early", "pain", "own", "foundation", "setup", "pitfall", "weak", "prerequisite", "target")


def reason_group(item: Mapping[str, Any], result: Mapping[str, Any]) -> tuple[str, str]:
    """(key, label) of the reason a change is planned for first, in words: the pain, a function the PMO
    should own first, the foundations, the design's set-up, a pitfall, a practice that lags, what a later
    change needs, or (only when nothing else) the practices it lifts, now at a named level."""
    roadmap = result.get("roadmap") or {}
    pain = (roadmap.get("pain") or {}).get("label")
    reasons = list(item.get("reasons") or [])
    if item.get("started_early"):  # listed where it lands; the summary gives the day each lands
        return "early", "Started in the first 90 days"
    if "pain" in (item.get("drivers") or []) or any("main pain" in r for r in reasons):
        return "pain", f"Works on your main pain, {pain}" if pain else "Works on your main pain"
    for reason in reasons:
        if reason.startswith(("starts “", "continues “")) and reason.endswith("which the PMO should own first"):
            job = _quoted(reason)
            return f"own:{job}", f"A first step towards {_lower(job)}"
        if reason.startswith("the PMO's other changes need"):
            return "foundation", "The foundations the other changes need: an active sponsor and a written mandate"
        if "foundation" in (item.get("drivers") or []):  # the people who lead and back the work, named first
            return "foundation:people", "The foundations the other changes need: the people who lead and back them"
        if reason.startswith(("sets up", "part of the PMO that fits", "part of the set-up that fits")):
            return "setup", ("Sets up the role that fits" if reason.startswith("part of the set-up")
                             else "Sets up the PMO that fits")
        if reason.startswith("mitigates “") or reason.startswith("cuts before it adds, for “"):
            title = _quoted(reason)
            return f"pitfall:{title}", f"Guards against “{title}”"
        if " lags the rest of " in reason:
            return "weak", "Lifts a practice that lags the rest of its area"
        if reason.startswith(("needed before", "the first step on")) and "target" not in (item.get("drivers") or []):
            return "prerequisite", "Needed before a later change"
    area = (result.get("questionnaire") or {}).get("dimensions", {}).get(item.get("dimension"), item.get("dimension"))
    target = (roadmap.get("target") or {}).get(item.get("dimension")) or item.get("to_level")
    return f"target:{item.get('dimension')}", f"Lifts {area} practices towards level {target}"


def change_groups(items: Iterable[Mapping[str, Any]], result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Changes grouped under the reason each is planned for first, the pain's group first and an area's
    aim last; within a group, in plan order: [{key, label, items}]. A group of changes
    planned only for an area's aim says where its practices stand today (their answers, round 209: 'now at
    level 2' beside a portfolio view answered 1), so the aim is never the only reason."""
    groups: dict[str, dict[str, Any]] = {}
    answers = result.get("answers") or {}
    for item in items:
        key, label = reason_group(item, result)
        group = groups.setdefault(key, {"key": key, "label": label, "items": [], "from": set()})
        group["items"].append(item)
        # Where the practice stands is its own answer, not the level an earlier step of the plan brings it to.
        group["from"] |= {answers.get(p["question"], p.get("from")) if p.get("question") else p.get("from")
                          for p in item.get("raises") or []}
    out = []
    for group in sorted(groups.values(), key=lambda g: GROUP_ORDER.index(g["key"].split(":", 1)[0])):
        found = group.pop("from")
        levels = sorted(level for level in found if level is not None)
        if group["key"].startswith("target:"):
            now = (f"now at level {levels[0]}" if len(levels) == 1 else f"now at levels {levels[0]}–{levels[-1]}"
                   ) if levels else ""
            now = " or ".join(part for part in (now, "answered “don't know”" if None in found else "") if part)
            group["label"] = group["label"].replace(" practices towards", f" practices {now} towards")
        out.append(group)
    return out


def group_line(group: Mapping[str, Any]) -> str:
    """A group as one line of text: 'Guards against “X”: A; B.'"""
    return f"{group['label']}: " + "; ".join(i["title"] for i in group["items"]) + "."


def phase_name(phase: Mapping[str, Any]) -> str:
    """A phase as it reads inside a sentence: 'the first 90 days', 'months 4 to 6'."""
    title = phase.get("title") or ""
    return "the first 90 days" if title.lower() == "first 90 days" else _lower(title)


def roadmap_places(item_ids: Iterable[str], result: Mapping[str, Any]) -> str:
    """Where a pitfall's changes are in the roadmap, without saying their titles again (the roadmap and the
    first 90 days list each change once, and the plan line is the one count of them): 'the first 90 days and
    months 4 to 6'."""
    wanted = set(item_ids)
    places = [phase_name(phase) for phase in (result.get("roadmap") or {}).get("phases") or []
              if phase.get("id") != "later" and any(item["id"] in wanted for item in phase.get("items") or ())]
    return _join(places) if places else ""


def later_note(phase: Mapping[str, Any], plan: Mapping[str, Any]) -> str:
    """What the plan line leaves out about the changes not planned yet: when to re-plan them. Its first
    sentence, what the PMO can lead, is the plan line's own reason and is not said twice."""
    note = phase.get("note") or ""
    head, _, rest = note.partition(". ")
    if rest and "can lead about" in head and "can lead about" in (plan.get("why") or ""):
        return rest
    return note


def own_first_how(why: str) -> str:
    """What an 'own first' function does, without the answers it opens with ('Decision rights are at
    level 2: agree who approves intake …' → 'Agree who approves intake …'): the situation and the
    pitfalls cite those answers already."""
    head, colon, how = why.partition(": ")
    if not colon or not how or "(" in head:
        return why
    return how[:1].upper() + how[1:]


def own_first_line(own_first: Iterable[Mapping[str, Any]], holder: str | None = None) -> str:
    """'The PMO should own first: explicit decision rights and a basic portfolio view. The roadmap starts each.'
    ('The role should own first: ...' for a part-time design that is not a PMO.)"""
    names = [_lower(item["title"]) for item in own_first]
    who = holder or "the PMO"
    # Names that hold an 'and' of their own ('a written mandate and an active sponsor') are set apart by semicolons.
    listed = (_join(names) if len(names) < 2 or not any(" and " in name for name in names)
              else "; ".join(names[:-1]) + "; and " + names[-1])
    return (f"{who[:1].upper() + who[1:]} should own first: {listed}. The roadmap starts "
            f"{'it' if len(names) == 1 else 'each'}.")


def change_why(item: Mapping[str, Any], result: Mapping[str, Any]) -> str:
    """The first reason a change is planned, as the summary's first 90 days say it."""
    pain = ((result.get("roadmap") or {}).get("pain") or {}).get("label")
    return reader_reasons(item, pain, 1)[0]


span = day_span  # one way to say two dates, in the summary and the reports


def also_watch(others: list[Mapping[str, Any]], most: int = 3) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """The pitfalls beyond the three that matter most, split into those named in the body (the high ones,
    at most ``most``; the first when none is high) and those only counted there, in full in the appendix."""
    named = [p for p in others if p.get("severity") == "high"][:most] or list(others[:1])
    return named, [p for p in others if p not in named]
