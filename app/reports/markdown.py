"""Render a result as Markdown, for `flask assess --format markdown` and reports. No Flask."""

from __future__ import annotations

from typing import Any, Mapping

from ..engine.summary import SEVERITY_RANK, capacity_text, plural, summary_of, summary_sections
from ..engine.vocabulary import DIMENSIONS
from ..engine.rules import close_call_outside_design
from ..engine.whatif import NO_CHANGE, NO_CHANGE_CLOSE
from ..engine.wording import level_phrase
from .evidence import fact_label, fact_value, labels_of
from .levels import not_scored_words, target_words
from .model import evidence_given, score_help, share_words
from .reasons import (also_watch, change_groups, change_why, fact_phrase, group_line, later_note, model_rows,
                      own_first_how, own_first_line, roadmap_places, span)


def _fmt(score: float | None) -> str:
    return "–" if score is None else f"{score:.2f}"


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


APPENDIX = "## Appendix"


def render_markdown(result: Mapping[str, Any]) -> str:
    """Return the whole result as a Markdown document: the summary, the body a client reads, then
    the appendix with the working (who was assessed, each model's fit and points, every reason)."""
    labels = result["questionnaire"].get("dimensions", {})
    facts = labels_of(result, None)
    summary = summary_of(result)
    q = result["questionnaire"]
    overall = result["overall"]
    lines: list[str] = ["# PMO maturity result", ""]
    lines += summary_markdown(summary)
    for warning in result.get("warnings", []):
        lines.append(f"> Note: {warning}")
    if result.get("warnings"):
        lines.append("")

    lines += ["## Scores", ""]
    # How an area's score is made, said once beside the table (its weights make it differ from a plain average).
    lines += ["| Capability area | Score | Level | Target |", "|---|---|---|---|"]
    target = (result.get("roadmap") or {}).get("target") or {}
    target_why = (result.get("roadmap") or {}).get("target_why") or {}
    for dim, s in result["scores"].items():
        score = None if s["insufficient"] else s["score"]  # an area left out has no score here either
        level = not_scored_words(s) if s["insufficient"] else level_phrase(score)
        lines.append(f"| {labels.get(dim, dim)} | {_fmt(score)} | {level} | "
                     f"{target_words(score, target.get(dim), short=True, why=target_why.get(dim)) or '–'} |")
    lines.append("")

    own = result.get("ownership") or {}
    checks = result.get("check_first") or []
    if own.get("pain_note") and not any(c.get("id") == "pain-disagrees" for c in checks):
        note = pain_note_beyond(own["pain_note"]["text"], summary.get("situation") or [])
        lines += ["> " + note, ""] if note else []

    roadmap = result.get("roadmap") or {}
    pitfalls = result.get("pitfalls") or []
    lines += ["## Pitfalls", ""]
    if not pitfalls:
        lines += ["No pitfalls were flagged by these answers.", ""]
    # The summary's three in full; the others by name here, in full in the appendix.
    first = {p["id"] for p in summary["pitfalls"]}
    for p in sorted(pitfalls, key=lambda p: p["id"] not in first):
        if p["id"] not in first:
            continue
        lines += [f"### {p['title']} ({p['severity']})", "", p["why"], "", f"- What to do: {p['mitigation']}"]
        places = roadmap_places(p.get("roadmap_items") or (), result)
        if places:  # where, not the titles again: the roadmap lists each change once
            lines.append(f"- In the roadmap: {places}.")
        elif p.get("plan_note"):
            lines.append(f"- {p['plan_note']}")
        lines.append("")
    others = [p for p in pitfalls if p["id"] not in first]
    if others:
        # The other high ones by name; the rest only counted (reviewers: eight names to watch is noise).
        watch, rest = also_watch(others)
        lines += ["### Also watch", ""] + [f"- {p['title']} ({p['severity']})" for p in watch]
        if rest:
            lines.append(f"- {plural(len(rest), 'other pitfall')} of {' or '.join(sorted({p['severity'] for p in rest}, key=SEVERITY_RANK.get))} "
                         "severity, in the appendix")
        lines.append("")

    lines += ["## Roadmap", ""]
    if roadmap.get("message"):
        lines += [roadmap["message"], ""]
    plan = summary["plan"]
    if own.get("own_first"):  # by name: the roadmap's changes are their how, and the appendix says what each does
        lines += [own_first_line(own["own_first"], own.get("holder")), ""]
    if plan["changes"] and roadmap.get("capacity"):
        # The summary's plan line counts the changes; here only the PMO size it assumes.
        lines += [f"PMO size: {capacity_text(roadmap.get('capacity'))}.", ""]
    for index, phase in enumerate(roadmap.get("phases", [])):
        if phase["id"] == "later":  # counted in the plan line; listed in the appendix, without dates
            continue
        when = (span(phase["start_date"], phase["end_date"]) if phase.get("start_date")
                else f"months {phase['start_month']}–{phase['end_month']}")
        lines += [f"### {phase['title']} ({when})", ""]
        if index >= 1:  # after the first 90 days, the changes by name, under the reason each is planned for
            lines += [f"- {group_line(g)}" for g in change_groups(phase["items"], result)] + [""]
            continue
        listed = {i["id"] for i in summary["first_90_days"]} if index == 0 else set()
        if listed & {item["id"] for item in phase["items"]}:
            lines += [f"The changes listed in the summary's first 90 days, and:" if
                      any(item["id"] not in listed for item in phase["items"])
                      else "The changes listed in the summary's first 90 days.", ""]
        for item in phase["items"]:
            if item["id"] in listed:
                continue
            who = item.get("owner") or ""
            if item.get("owner_name"):
                who += f" ({item['owner_name']})"
            meta = "; ".join(part for part in (who, span(item.get("start_date"), item.get("end_date"))) if part)
            lines.append(f"- **{item['title']}** ({meta}): {change_why(item, result)}.")
        if lines[-1]:
            lines.append("")

    lines += appendix_markdown(result, facts)
    lines += [f"Questionnaire: {q.get('title', q['id'])} ({q['id']} v{q['version']})"]
    return "\n".join(lines).rstrip() + "\n"


def appendix_markdown(result: Mapping[str, Any], facts: Mapping[str, Any]) -> list[str]:
    """The working behind the advice: who was assessed, how the models compare and what decided them, the
    other pitfalls and their answers, and what is not planned yet. The roadmap itself is not repeated."""
    lines = [APPENDIX, "", "### Who was assessed", ""]
    profile = "; ".join(fact_phrase(f"context.{key}", value, result, facts)
                        for key, value in (result.get("context") or {}).items() if value is not None)
    lines += [profile[:1].upper() + profile[1:] + ".", ""]
    lines += design_reasons_markdown(result)
    overall = result.get("overall") or {}
    level = (f"Overall level {overall['level']}, {overall.get('label', '')}: {overall['description']} "
             if overall.get("description") and overall.get("score") is not None else "")
    lines += ["### How the scores are made", "", level + score_help(None), ""]
    own = result.get("ownership") or {}
    if own.get("own_first"):
        lines += [f"### What {own.get('holder') or 'the PMO'} should own first", ""]
        lines += [f"- **{item['title']}**: {own_first_how(item['why'])}" for item in own["own_first"]] + [""]
    if own.get("dont_own"):  # by name: who owns each instead is the same for every PMO
        names = [item["title"][:1].lower() + item["title"][1:] for item in own["dont_own"]]
        lines += [f"### What {own.get('holder') or 'the PMO'} should not own", "", "; ".join(names)[:1].upper() + "; ".join(names)[1:] + ".", ""]
    rows = model_rows(result)
    if rows:
        lines += ["### How the models compare", "", "| Model | Fit | What decided it |", "|---|---|---|"]
        lines += [f"| {row['title']}{' — recommended' if row['chosen'] else ''} | {row['fit_text']} | {row['decided']} |"
                  for row in rows]
        lines.append("")
    coverage = result.get("evidence_coverage") or {}
    if evidence_given(coverage.get("overall")):
        areas = result["questionnaire"].get("dimensions", {})
        overall = coverage["overall"]
        per_area = ", ".join(f"{areas[d]} {share_words((coverage.get('areas') or {}).get(d))}"
                             for d in DIMENSIONS if d in areas)
        guesses = overall.get("guesses") or 0
        lines += ["### Answers shown by evidence", "",
                  f"{per_area}; all areas {share_words(overall)} ({overall['shown']} of {overall['answered']} answers)"
                  + (f"; {plural(guesses, 'answer')} {'is a guess' if guesses == 1 else 'are guesses'}"
                     if guesses else "") + ".", ""]
    pitfalls = result.get("pitfalls") or []
    shown = {p["id"] for p in summary_of(result)["pitfalls"]}
    others = [p for p in pitfalls if p["id"] not in shown]
    top = [p for p in pitfalls if p["id"] in shown]
    if pitfalls:
        # One row per pitfall, compact: the three in full are above; the others by their first step only.
        lines += ["### Every pitfall and the answers behind it", "",
                  "| Pitfall | The answers behind it | What to do |", "|---|---|---|"]
        lines += [f"| {_cell(p['title'])} ({p['severity']}) | {_cell(_answers_short(p.get('evidence', {}), result, facts))} | "
                  f"{_cell(pitfall_step(p, shown, result))} |" for p in top + others]
        lines.append("")
    later = [phase for phase in (result.get("roadmap") or {}).get("phases", []) if phase["id"] == "later"]
    for phase in later:
        if not phase["items"]:
            continue
        lines += ["### Not planned yet", ""]
        note = later_note(phase, summary_of(result)["plan"])
        lines += [note, ""] if note else []
        lines += [f"- {group_line(g)}" for g in change_groups(phase["items"], result)]
        if phase.get("more"):
            lines.append(f"- …and {phase['more']} more, to re-plan at the next assessment.")
        lines.append("")
    return lines


def _answers_short(evidence: Mapping[str, Any], result: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    """The answers behind a pitfall, short: 'Sponsor accountability 2 (Named, duties undefined); 13 business
    units or domains'."""
    parts = []
    for path, value in evidence.items():
        if path.startswith("context."):
            parts.append(fact_phrase(path, value, result, facts))
            continue
        said = fact_value(path, value, facts)
        if path.startswith("answers.") and isinstance(value, int) and said.startswith(f"Level {value}: "):
            said = f"{value} ({said[len(f'Level {value}: '):]})"
        parts.append(f"{fact_label(path, facts)} {said}" if path.startswith("answers.") else
                     f"{fact_label(path, facts)}: {said}")
    return "; ".join(parts)


def pain_note_beyond(note: str, situation: list[str]) -> str:
    """What the note on a pain the answers do not show adds to the summary: its likely causes. Its first
    sentence ('You named … as the main pain, but the answers behind it do not show it: …') is the
    situation's own, said there first."""
    head, dot, rest = note.partition(". ")
    said = any(sentence.startswith("You named ") and "already score well" in sentence for sentence in situation)
    return rest if said and dot and head.startswith("You named ") else note


def _cell(text: str) -> str:
    """Text that stays inside one cell of a Markdown table."""
    return " ".join(str(text).split()).replace("|", "/")


def pitfall_step(pitfall: Mapping[str, Any], shown: set[str], result: Mapping[str, Any]) -> str:
    """What to do about a pitfall, said once: above for the three in the body, where the roadmap does it for
    one with planned changes, else its first step."""
    if pitfall["id"] in shown:
        return "Above, under Pitfalls."
    places = roadmap_places(pitfall.get("roadmap_items") or (), result)
    return f"In the roadmap: {places}." if places else first_sentence(pitfall.get("mitigation") or "")


def first_sentence(text: str) -> str:
    """A text's first sentence: the first step of a mitigation."""
    head, dot, _rest = text.partition(". ")
    return head + "." if dot else text


def design_reasons_markdown(result: Mapping[str, Any]) -> list[str]:
    """Why this design: its two main reasons and what would change it (the summary says what the design is)."""
    lines: list[str] = []
    rec = result.get("recommendation") or {}
    if rec.get("model"):
        lines += ["### Why this design", ""]
        chosen = next((r for r in rec.get("ranking") or [] if r["model"] == rec["model"]), {"reasons": []})
        if close_call_outside_design(rec):
            lines += ["A close call: the runner-up fits almost as well, so read what would change this.", ""]
        support = rec.get("why") or [r for r in chosen.get("reasons", []) if (r.get("points") or 0) > 0]
        lines += [f"- {r['text']}" for r in support[:2]] + [""]  # the others, and the points, in the appendix
        changes = [f"- {c['text'] if isinstance(c, dict) else c}" for c in rec.get("what_would_change") or []]
        if not changes and (NO_CHANGE_CLOSE if close_call_outside_design(rec) else NO_CHANGE):
            changes = [NO_CHANGE_CLOSE if close_call_outside_design(rec) else NO_CHANGE]
        if changes:
            lines += ["### What would change the recommendation", ""] + changes + [""]
    return lines
