"""The executive summary: the story told first, built once from a result.

Every writer (web, markdown, PDF, PPTX, XLSX, CSV, JSON) prints this summary first and unchanged,
so no format counts or words the plan its own way. Pure: it reads the plain result only.

- situation: two or three sentences, each true of these answers, tied to the stated pain;
- design: the PMO design that fits (the recommendation's design when the rules give one);
- pitfalls: the three that matter most: high before medium before low, the pain's first among equals;
- first_90_days: at most seven dated changes that end within the first 90 days;
- landing_later: what cannot wait, started in the first 90 days, that lands after them (said apart);
- check_first: answers that disagree, to check in the room before acting on the advice;
- plan: the plan in one line, "N changes over M months, K waiting", and why work waits.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .wording import level_phrase

FIRST_DAYS = 90
FIRST_DAYS_MAX = 7
TOP_PITFALLS = 3
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
PMO_TODAY = {"none": "no PMO today", "informal": "an informal PMO", "established": "an established PMO"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 change', '3 changes'."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def practice_name(result: Mapping[str, Any], question: str) -> str:
    """A practice as it reads inside a sentence: 'intake criteria', 'PMO mandate'."""
    name = (result.get("questionnaire") or {}).get("names", {}).get(question) or question.split(".")[-1].replace("_", " ")
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]


def overall_text(overall: Mapping[str, Any]) -> str:
    """The overall result in the one wording every format uses: '2.45 of 5, level 2 (Repeatable)'."""
    score = overall.get("score")
    if score is None:
        return str(overall.get("label") or "Not scored")
    level, _, nearly = level_phrase(score).partition(", nearly ")
    return f"{score:.2f} of 5, {level} ({overall.get('label', '')})" + (f", nearly {nearly}" if nearly else "")


def dated_items(roadmap: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The planned (dated) changes, in the order they start."""
    items = [item for phase in roadmap.get("phases") or [] if phase.get("id") != "later" for item in phase["items"]]
    return sorted(items, key=lambda i: (i.get("start_week") or 0, i.get("end_week") or 0))


def waiting_count(roadmap: Mapping[str, Any]) -> int:
    """How many changes are not planned yet (shown and counted beyond)."""
    return sum(len(phase["items"]) + (phase.get("more") or 0)
               for phase in roadmap.get("phases") or [] if phase.get("id") == "later")


def plan_line(roadmap: Mapping[str, Any]) -> dict[str, Any]:
    """The plan in one line: how many changes, over how many months, how many wait, and why.

    '16 changes start within the next 18 months; 32 more wait until the first ones land (a PMO of
    about 2 people can lead about 16 in 18 months).'

    The months are the phases' that hold the planned changes: a change starting in the last of
    them may end a little later, so the line counts where changes start, as the phases do.
    """
    dated = dated_items(roadmap)
    holding = [p for p in roadmap.get("phases") or [] if p.get("id") != "later" and p.get("items")]
    months = holding[-1].get("end_month") or 0 if holding else 0
    waiting = waiting_count(roadmap)
    later = next((p for p in roadmap.get("phases") or [] if p.get("id") == "later"), None) or {}
    why = later.get("why") or ""
    if not dated:
        text = roadmap.get("message") or "No changes are planned."
    else:
        text = f"{plural(len(dated), 'change')} {'starts' if len(dated) == 1 else 'start'} within the next " \
               f"{plural(months, 'month')}"
        if waiting:
            when = "until the first ones land" if "can lead about" in why else "for the next assessment"
            text += f"; {waiting} more {'waits' if waiting == 1 else 'wait'} {when}" + (f" ({why})." if why else ".")
        else:
            text += "; nothing waits."
    return {"changes": len(dated), "months": months, "waiting": waiting, "why": why if waiting else "",
            "text": text}


def reader_reasons(item: Mapping[str, Any], pain_label: str | None = None, limit: int | None = None) -> list[str]:
    """Why a change is planned, written for people: the pain, the pitfall, what it starts or unblocks.

    An area target is never the only reason a reader sees: alone, it becomes what the change lifts. 'Works on
    your main pain' is said only of the pain's own work; a step towards it says which work it prepares, a cause
    says which practice it works on (round 211: a sponsor for every project 'works on' misalignment).
    """
    out: list[str] = []
    for reason in item.get("reasons") or []:
        if reason.startswith("tests the answers behind the main pain"):  # Check first made a step: say so
            out[:1] = ["tests your answers on " + reason[len("tests the answers behind "):].replace(
                "the main pain", "your main pain", 1)]
            continue
        if reason.startswith("works on the main pain"):
            if not out or not out[0].startswith("works on your main pain"):
                out.insert(0, "works on your main pain: " + (pain_label or reason.split(", ", 1)[-1]))
            continue
        if reason.startswith("the first step towards “") and ", on the main pain" in reason:
            out.append("a first step towards " + reason[len("the first step towards "):].split(", on the main pain")[0]
                       + ", on your main pain")
            continue
        if reason.endswith("”, which the PMO should own first") and reason.startswith(("starts “", "continues “")):
            job = reason.split("“", 1)[1][:-len("”, which the PMO should own first")]
            out.append(("a first step towards " if reason.startswith("starts") else "the next step towards ")
                       + (job[:1].lower() + job[1:] if not job[1:2].isupper() else job))
        elif reason.startswith("mitigates “"):
            out.append("guards against " + reason[len("mitigates "):].rsplit(" (", 1)[0])
        elif reason.startswith("cuts before it adds, for “"):  # the pitfall by name; its answers are in its text
            out.append(reason.split("” (", 1)[0] + "”")
        elif reason.endswith(tuple(f"target is level {n}" for n in range(1, 6))):
            continue  # an area target: said below only when nothing else is
        else:
            out.append(reason)
    if not out:
        raises = item.get("raises") or []
        if raises:
            p = raises[0]
            start = "an unknown level" if p.get("from") is None else f"level {p['from']}"
            out.append(f"lifts {p['name'][:1].lower() + p['name'][1:] if not p['name'][1:2].isupper() else p['name']}"
                       f" from {start} to {p['to']}")
        else:
            out.append(f"lifts the area to level {item.get('to_level')}")
    return out[:limit] if limit else out


def _on_pain(pitfall: Mapping[str, Any], pain_id: str | None, pain_items: Iterable[str]) -> bool:
    """Whether a pitfall is the stated pain's own: it says so, it reads the pain, or it is fixed by the pain's work."""
    if not pain_id:
        return False
    if pitfall.get("on_pain") or pitfall.get("pain") == pain_id:
        return True
    if "context.primary_pain" in (pitfall.get("evidence") or {}):
        return True
    return bool(set(pitfall.get("roadmap_items") or ()) & set(pain_items))


def cited_floor(pitfall: Mapping[str, Any]) -> int:
    """The lowest answer a pitfall cites (9 when it cites none): the lower, the more it matters."""
    levels = [v for k, v in (pitfall.get("evidence") or {}).items()
              if k.startswith("answers.") and isinstance(v, int) and not isinstance(v, bool)]
    return min(levels, default=9)


def rank_pitfalls(pitfalls: Iterable[Mapping[str, Any]], pain_id: str | None,
                  pain_items: Iterable[str] = ()) -> list[Any]:
    """Pitfalls in the order a reader meets them: high before medium before low; among equals, those that
    stand on an answer Check first doubts last, the one that is the stated pain first, then those the answers show as a strong contrast (reports nobody
    decides from, tools nobody uses), then the others on the pain, then those citing the lowest answers,
    then as the rules list them."""
    items = tuple(pain_items)
    return [p for _, p in sorted(enumerate(pitfalls), key=lambda pair: (
        SEVERITY_RANK.get(pair[1].get("severity"), 9), bool(pair[1].get("doubted_by")),
        not pair[1].get("pain_pitfall"), not pair[1].get("pattern"),
        not _on_pain(pair[1], pain_id, items), cited_floor(pair[1]), pair[0]))]


def top_pitfalls(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The three pitfalls that matter most: the three most severe, the pain's first among equals; a low
    one never (it is something to watch, not one of the three), nor one that stands on an answer Check
    first doubts."""
    pain = (result.get("roadmap") or {}).get("pain") or {}
    pain_id = (result.get("context") or {}).get("primary_pain")
    ranked = rank_pitfalls(result.get("pitfalls") or [], pain_id, pain.get("items") or ())
    return [{"id": p["id"], "title": p["title"], "severity": p["severity"], "mitigation": p.get("mitigation", ""),
             "on_pain": _on_pain(p, pain_id, pain.get("items") or ()), "pattern": bool(p.get("pattern"))}
            for p in ranked if p.get("severity") != "low" and not p.get("doubted_by")][:TOP_PITFALLS]


def first_days(result: Mapping[str, Any], pain_label: str | None) -> list[dict[str, Any]]:
    """At most seven dated changes that end within the first 90 days, the pain's work kept first."""
    roadmap = result.get("roadmap") or {}
    limit = FIRST_DAYS / 7
    fits = [i for i in dated_items(roadmap) if (i.get("end_week") or 0) <= limit + 1e-9]
    chosen = sorted(fits, key=lambda i: "pain" not in (i.get("drivers") or []))[:FIRST_DAYS_MAX]
    keep = {i["id"] for i in chosen}
    return [{"id": i["id"], "title": i["title"], "owner": i.get("owner") or "", "owner_name": i.get("owner_name"),
             "start_date": i.get("start_date"), "end_date": i.get("end_date"), "start_week": i.get("start_week"),
             "end_week": i.get("end_week"), "why": reader_reasons(i, pain_label, 1)[0],
             "when": day_span(i.get("start_date"), i.get("end_date")) if i.get("start_date") else ""}
            for i in fits if i["id"] in keep]


def landing_later(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The changes that cannot wait, started in the first 90 days, that land after them: said apart, with
    the day each lands, so the first 90 days list only what ends within them."""
    items = [i for i in dated_items(result.get("roadmap") or {}) if i.get("started_early")]
    return [{"id": i["id"], "title": i["title"], "owner": i.get("owner") or "", "start_date": i.get("start_date"),
             "end_date": i.get("end_date"), "start_week": i.get("start_week"), "end_week": i.get("end_week"),
             "when": f"lands {day(i['end_date'])}" if i.get("end_date") else ""} for i in items]


def landing_line(items: Iterable[Mapping[str, Any]]) -> str:
    """'Started now, landing after the 90 days: A (lands 10 Mar 2027); B (lands 7 Apr 2027).'"""
    parts = [i["title"] + (f" ({i['when']})" if i.get("when") else "") for i in items]
    return "Started now, landing after the 90 days: " + "; ".join(parts) + "." if parts else ""


def design_of(recommendation: Mapping[str, Any]) -> dict[str, Any] | None:
    """The PMO design that fits: the rules' design when given, else the model's title and description."""
    if not recommendation.get("model"):
        return None
    design = recommendation.get("design")
    if isinstance(design, Mapping) and design.get("title"):
        out = {"title": design["title"], "label": design.get("label") or design["title"],
               "text": design.get("text") or design.get("summary") or ""}
    else:
        title = recommendation.get("title") or recommendation["model"].title()
        hybrid = recommendation.get("hybrid_with")
        out = {"title": title + (f", with elements of a {hybrid} PMO" if hybrid else ""),
               "text": recommendation.get("summary") or ""}
        out["label"] = out["title"]
    oversight = recommendation.get("oversight")
    out["oversight"] = ({"title": oversight.get("title", ""), "text": oversight.get("text", "")}
                        if isinstance(oversight, Mapping) else None)
    out["model"] = recommendation["model"]
    return out


def situation(result: Mapping[str, Any], pain_questions: Iterable[str] = ()) -> list[str]:
    """Two or three sentences, each true of these answers: where maturity stands, the pain, the setting."""
    overall, scores = result.get("overall") or {}, result.get("scores") or {}
    titles = (result.get("questionnaire") or {}).get("dimensions") or {}
    context, answers = result.get("context") or {}, result.get("answers") or {}
    out = []
    scored = {d: s["score"] for d, s in scores.items() if s.get("score") is not None and not s.get("insufficient")}
    if overall.get("score") is not None:
        sentence = f"Overall, project management scores {overall_text(overall)}"
        if len(scored) >= 2:
            best, worst = max(scored, key=scored.get), min(scored, key=scored.get)
            if scored[best] - scored[worst] >= 0.5:
                sentence += (f", strongest in {titles.get(best, best)} ({scored[best]:.2f}) and weakest in "
                             f"{titles.get(worst, worst)} ({scored[worst]:.2f})")
        out.append(sentence + ".")
    else:
        out.append("Too few questions were answered to score maturity: the advice rests on the organisation's "
                   "profile.")
    pain = (result.get("roadmap") or {}).get("pain") or {}
    label = pain.get("label")
    known = [(q, answers[q]) for q in pain_questions if answers.get(q) is not None]
    contradicted = bool((result.get("ownership") or {}).get("pain_note"))
    # The answers the pain's own high pitfalls cite are behind it too (transition into service at 1
    # behind weak delivery discipline whose go-lives surprise operations).
    asked = {q for q, _ in known}
    for pitfall in result.get("pitfalls") or []:
        if pitfall.get("on_pain") and pitfall.get("severity") == "high":
            for path in pitfall.get("evidence") or {}:
                q = path[len("answers."):] if path.startswith("answers.") else None
                if q and q not in asked and isinstance(answers.get(q), int):
                    known.append((q, answers[q]))
                    asked.add(q)
    if contradicted:  # name only the practices that do score well
        known = sorted((pair for pair in known if pair[1] >= 4), key=lambda pair: -pair[1])
    else:
        # Only a weak practice (level 1-2) is said to be behind the pain: one at 3 or more is not.
        known = sorted((pair for pair in known if pair[1] <= 2), key=lambda pair: pair[1])
    practices = _and([f"{practice_name(result, q)} at level {level}" for q, level in known[:3]])
    if label and contradicted:
        out.append(f"You named {label} as the main pain, yet the practices behind it already score well"
                   + (f" ({practices})" if practices else "") + ": check first where it comes from.")
    elif label:
        out.append(f"You named {label} as the main pain" + (f"; behind it: {practices}." if practices else "."))
    sentence = ""
    projects = context.get("active_projects")
    if isinstance(projects, int) and not isinstance(projects, bool):
        sentence = "The organisation runs " + plural(projects, "active project")
        units = context.get("business_units")
        if isinstance(units, int) and not isinstance(units, bool) and units > 1:
            sentence += f" across {units} business units or domains"
    facts = []
    if context.get("regulated") is True:
        facts.append("is regulated")
    pmo = PMO_TODAY.get(context.get("existing_pmo"))
    if pmo:
        facts.append(f"has {pmo}")
    if facts:
        sentence = (sentence + (", " if len(facts) > 1 else " and ") if sentence else "The organisation ") + _and(facts)
    if sentence:
        out.append(sentence + ".")
    return out[:3]


def _and(parts: list[str]) -> str:
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def build_summary(result: Mapping[str, Any], pain_questions: Iterable[str] = ()) -> dict[str, Any]:
    """The executive summary of a result, printed first and unchanged by every format."""
    roadmap = result.get("roadmap") or {}
    pain = roadmap.get("pain") or {}
    overall = result.get("overall") or {}
    return {
        "overall": {"score": overall.get("score"), "level": overall.get("level"), "label": overall.get("label"),
                    "text": overall_text(overall)},
        "situation": situation(result, pain_questions),
        "pain": {"id": pain.get("id"), "label": pain.get("label"), "questions": list(pain_questions)} if pain else None,
        "design": design_of(result.get("recommendation") or {}),
        "pitfalls": top_pitfalls(result),
        "first_90_days": first_days(result, pain.get("label")),
        "landing_later": landing_later(result),
        "check_first": [{"text": c.get("text", ""), "ask": c.get("ask", ""), "would_change": c.get("would_change", "")}
                        for c in result.get("check_first") or [] if isinstance(c, Mapping)],
        "plan": plan_line(roadmap),
    }


def summary_of(result: Mapping[str, Any]) -> dict[str, Any]:
    """The result's summary; one built now for a result frozen before summaries existed."""
    summary = result.get("summary")
    if isinstance(summary, Mapping) and "plan" in summary:
        return dict(summary)
    return build_summary(result)


SECTION_TITLES = {
    "situation": "Where you stand",
    "design": "The PMO that fits",
    "pitfalls": "Pitfalls that matter most",
    "first_90_days": "The first 90 days",
    "check_first": "Check first",
    "plan": "The plan in one line",
}


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(iso: str | None) -> str:
    """An ISO date as people read it: '4 Jan 2027'."""
    if not iso:
        return ""
    year, month, dom = (int(part) for part in iso[:10].split("-"))
    return f"{dom} {MONTHS[month - 1]} {year}"



def day_span(start: str | None, end: str | None) -> str:
    """Two ISO dates as one span people read: '15 Mar – 26 Apr 2027', '15 Dec 2026 – 26 Jan 2027'."""
    if not start or not end:
        return day(start or end)
    first, last = day(start), day(end)
    return (first.rsplit(" ", 1)[0] if first[-4:] == last[-4:] else first) + " – " + last


def first_day_line(item: Mapping[str, Any]) -> str:
    """One change of the first 90 days in words: title, who, when, why."""
    who = item.get("owner") or ""
    if item.get("owner_name"):
        who = f"{item['owner_name']} ({who})" if who else item["owner_name"]
    details = "; ".join(part for part in (who, item.get("when", "")) if part)
    return f"{item['title']}" + (f" ({details})" if details else "") + f": {item['why']}."


def summary_sections(summary: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """The summary as (key, heading, lines of text), in the order every format prints them."""
    out: list[tuple[str, str, list[str]]] = [("situation", SECTION_TITLES["situation"], [" ".join(summary["situation"])])]
    design = summary.get("design")
    if design:
        # Title and text as two sentences: the text may hold a colon of its own (no "A: B: c").
        lines = [design["title"].rstrip(".") + "." + (f" {design['text']}" if design.get("text") else "")]
        oversight = design.get("oversight")
        if oversight and oversight.get("text"):
            title = oversight.get("title", "").removeprefix("with ")
            lines.append((title[:1].upper() + title[1:].rstrip(".") + ". " if title else "") + oversight["text"])
        out.append(("design", SECTION_TITLES["design"], lines))
    pitfalls = summary.get("pitfalls") or []
    out.append(("pitfalls", SECTION_TITLES["pitfalls"],
                [f"{p['title']} ({p['severity']})" for p in pitfalls]
                or ["No pitfalls were flagged by these answers."]))
    days = summary.get("first_90_days") or []
    out.append(("first_90_days", SECTION_TITLES["first_90_days"],
                ([first_day_line(i) for i in days] or ["No change is planned to end within the first 90 days."])
                + [line for line in (landing_line(summary.get("landing_later") or ()),) if line]))
    if summary.get("check_first"):
        out.append(("check_first", SECTION_TITLES["check_first"],
                    [c["text"] + (f" Ask: {c['ask']}" if c.get("ask") else "")
                     + (f" What would change: {c['would_change']}" if c.get("would_change") else "")
                     for c in summary["check_first"]]))
    out.append(("plan", SECTION_TITLES["plan"], [summary["plan"]["text"]]))
    return out


def capacity_text(capacity: Mapping[str, Any] | None) -> str:
    """The PMO's size the plan assumes, in plain words: 'assumed: about 4–6 people for 105 projects; set your own'."""
    if not capacity:
        return ""
    if capacity.get("source") == "given":
        return f"{plural(capacity['pmo_people'], 'person', 'people')}, as you set"
    if capacity.get("part_time"):
        return "assumed: a fraction of one person's time, not a PMO; set your own"
    low, high = capacity.get("range") or (capacity["pmo_people"],) * 2
    who = f"about {low}–{high} people" if high > low else plural(low, "person", "people")
    projects = capacity.get("projects")
    if capacity.get("hub_only") and projects:
        return (f"assumed: {who} for the centre's register, common minimum and forum, not for the {projects} "
                "projects the units run; set your own")
    # One clause says why the size is what it is: the projects, their stakes, and a new PMO's start.
    stakes = "regulated or high-risk " if capacity.get("assured") else ""
    portfolio = f"{projects} {stakes}{'project' if projects == 1 else 'projects'}" if projects else ""
    full = capacity.get("full_range")
    if full and portfolio:
        need = f"{full[0]}–{full[1]}" if full[1] > full[0] else f"{full[0]}"
        return f"assumed: {who} to start, growing to the {need} that {portfolio} need; set your own"
    return f"assumed: {who}" + (f" for {portfolio}" if portfolio else "") + "; set your own"
