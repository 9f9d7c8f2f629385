"""Render a result as Markdown, for `flask assess --format markdown` and reports. No Flask."""

from __future__ import annotations

from typing import Any, Mapping

from ..engine.summary import summary_of, summary_sections
from ..engine.whatif import NO_CHANGE
from ..engine.wording import level_phrase
from .evidence import describe_evidence, labels_of


def _fmt(score: float | None) -> str:
    return "–" if score is None else f"{score:.2f}"


def _evidence(evidence: Mapping[str, Any], labels: Mapping[str, Any]) -> str:
    """The answers behind a rule in plain words: 'Decision rights: Level 2: Clear for big projects'."""
    return "; ".join(f"{e['label']}: {e['value']}" for e in describe_evidence(evidence, labels))


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def summary_markdown(summary: Mapping[str, Any]) -> list[str]:
    """The executive summary, printed first: each part's heading and its lines."""
    lines = ["## Summary", ""]
    for key, heading, texts in summary_sections(summary):
        lines += [f"### {heading}", ""]
        if key in ("situation", "plan") or len(texts) == 1 and key == "design":
            lines += [*texts, ""]
        else:
            lines += [f"- {t}" for t in texts] + [""]
    return lines


def render_markdown(result: Mapping[str, Any]) -> str:
    """Return the whole result as a Markdown document."""
    labels = result["questionnaire"].get("dimensions", {})
    facts = labels_of(result, None)
    lines: list[str] = []
    q = result["questionnaire"]
    overall = result["overall"]
    lines.append("# PMO maturity result")
    lines.append("")
    lines += summary_markdown(summary_of(result))
    lines.append(f"Questionnaire: {q.get('title', q['id'])} ({q['id']} v{q['version']})")
    lines.append("")
    if overall["score"] is not None:
        lines.append(f"**Overall maturity: {overall['score']:.2f} / 5, {level_phrase(overall['score'])} "
                     f"({overall['label']}).** "
                     f"{overall.get('description', '')}")
    else:
        lines.append(f"**Overall maturity: {overall['label']}.**")
    lines.append("")
    for warning in result.get("warnings", []):
        lines.append(f"> Note: {warning}")
    if result.get("warnings"):
        lines.append("")

    lines += ["## Scores", "", "| Capability area | Score | Level | Answered |", "|---|---|---|---|"]
    for dim, s in result["scores"].items():
        level = "insufficient" if s["insufficient"] else level_phrase(s["score"])
        lines.append(f"| {labels.get(dim, dim)} | {_fmt(s['score'])} | {level} | {s['answered']} of {s['total']} |")
    lines.append("")
    hl = result.get("highlights") or {}
    if hl.get("strongest"):
        lines.append(f"Strongest: {labels.get(hl['strongest'], hl['strongest'])}. "
                     f"Weakest: {labels.get(hl['weakest'], hl['weakest'])}.")
        lines.append("")
    if hl.get("lowest_questions"):
        lines += ["### Where to improve first", ""]
        for item in hl["lowest_questions"]:
            lines.append(f"- **{item['text']}** (now level {item['level']}). "
                         f"To reach level {item['next_level']}: {item['next']}")
        lines.append("")

    rec = result.get("recommendation") or {}
    if rec.get("model"):
        lines += ["## Recommended PMO model", ""]
        hybrid = f", a close call with **{rec['hybrid_with']}**" if rec.get("hybrid_with") else ""
        oversight = rec.get("oversight")
        lines.append(f"**{rec.get('title') or rec['model'].title()}**{hybrid}"
                     f"{' ' + oversight['title'] if oversight else ''}.")
        if rec.get("summary"):
            lines += ["", rec["summary"]]
        if oversight:
            lines += ["", oversight["text"]]
        lines.append("")
        for entry in rec.get("ranking", []):
            lines.append(f"### {entry.get('title') or entry['model'].title()}: fit {entry['fit']}/100"
                         f"{'' if entry.get('eligible', True) else ' (ruled out)'}")
            lines.append("")
            for gate in entry.get("ruled_out", []):
                lines.append(f"- Ruled out: {gate['text']} — {_evidence(gate.get('evidence', {}), facts)}")
            for reason in entry.get("reasons", []):
                sign = reason.get("points")
                pts = f" ({'+' if sign and sign > 0 else ''}{sign})" if sign is not None else ""
                lines.append(f"- {reason['text']}{pts} — {_evidence(reason.get('evidence', {}), facts)}")
            lines.append("")
        lines += ["### What would change the recommendation", ""]
        for change in rec.get("what_would_change") or []:
            lines.append(f"- {change['text'] if isinstance(change, dict) else change}")
        if not rec.get("what_would_change"):
            lines.append(NO_CHANGE)
        lines.append("")
    own = result.get("ownership") or {}
    checks = result.get("check_first") or []
    if own.get("pain_note") and not any(c.get("id") == "pain-disagrees" for c in checks):
        lines += ["> " + own["pain_note"]["text"], ""]
    if own.get("own_first"):
        lines += ["## What the PMO should own first", ""]
        for item in own["own_first"]:
            lines.append(f"- **{item['title']}**: {item['why']}")
        lines.append("")
    if own.get("dont_own"):
        lines += ["## What the PMO should not own", ""]
        for item in own["dont_own"]:
            lines.append(f"- **{item['title']}**: {item['why']}")
        lines.append("")

    pitfalls = result.get("pitfalls") or []
    lines += ["## Pitfalls", ""]
    if not pitfalls:
        lines += ["No pitfalls were flagged by these answers.", ""]
    for p in pitfalls:
        lines.append(f"### {p['title']} ({p['severity']})")
        lines.append("")
        lines.append(p["why"])
        lines.append("")
        lines.append(f"- Evidence: {_evidence(p.get('evidence', {}), facts)}")
        lines.append(f"- Mitigation: {p['mitigation']}")
        titles = {i["id"]: i["title"] for ph in (result.get("roadmap") or {}).get("phases", []) for i in ph["items"]}
        if p.get("roadmap_items"):
            lines.append("- In the roadmap: " + "; ".join(titles.get(i, i) for i in p["roadmap_items"]))
        elif p.get("plan_note"):
            lines.append(f"- {p['plan_note']}")
        lines.append("")

    if checks:
        lines += ["## Check first", "", "Answers that disagree with each other, with the profile or with the stated pain. "
                  "Ask about them in the room before acting on the advice.", ""]
        for check in checks:
            lines.append(f"- {check['text']}")
            lines.append(f"  - Ask: {check['ask']}")
            lines.append(f"  - If the answer is lower: {check['would_change']}")
        lines.append("")

    roadmap = result.get("roadmap") or {}
    lines += ["## Roadmap", ""]
    if roadmap.get("target"):
        lines.append("Target: " + ", ".join(f"{labels.get(d, d)} {lvl}" for d, lvl in roadmap["target"].items()))
        lines.append("")
    if roadmap.get("message"):
        lines += [roadmap["message"], ""]
    if roadmap.get("capacity"):
        cap = roadmap["capacity"]
        lines += [f"Sized for a PMO of {cap['pmo_people']} ({cap['source']}).", ""]
    titles = {i["id"]: i["title"] for ph in roadmap.get("phases", []) for i in ph["items"]}
    for phase in roadmap.get("phases", []):
        when = (f"{phase['start_date']} to {phase['end_date']}" if phase.get("start_date")
                else f"months {phase['start_month']}–{phase['end_month']}")
        lines.append(f"### {phase['title']}" + ("" if phase["id"] == "later" else f" ({when})"))
        lines.append("")
        if phase.get("note"):
            lines += [phase["note"], ""]
        for item in phase["items"]:
            extra = []
            if item.get("start_date"):
                extra.append(f"{item['start_date']} to {item['end_date']}")
            if item.get("owner"):
                extra.append(f"owner: {item['owner']}" + (f" ({item['owner_name']})" if item.get("owner_name") else ""))
            if item.get("effort_weeks") is not None:
                extra.append(f"effort: {item['effort_weeks']} person-weeks")
            if item.get("requires"):
                extra.append("after: " + "; ".join(titles.get(r, r) for r in item["requires"]))
            suffix = f" ({'; '.join(extra)})" if extra else ""
            practices = "; ".join(
                f"{p['name']} {'unknown' if p['from'] is None else p['from']} → {p['to']}" for p in item.get("raises", []))
            area = labels.get(item['dimension'], item['dimension'])
            lines.append(f"- **{item['title']}** [{area}: {practices or 'level ' + str(item['to_level'])}]{suffix}. "
                         f"Why: {'; '.join(item.get('reasons') or [item['reason']])}")
        if phase.get("more"):
            lines.append(f"- …and {phase['more']} more, to re-plan at the next assessment.")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
