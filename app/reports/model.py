"""The report model: one plain dict that every writer reads, built from a frozen result.

Writers (HTML and PDF, XLSX, CSV, PPTX) never reach into the result themselves; they read
this model, so every format says the same thing in the same words, and a field the engine
adds later is picked up here once. Pure: no Flask, no database, no files.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Mapping, Sequence

from ..engine.aggregate import agreement
from ..engine.benchmark import MIN_GROUP
from ..engine.evidence import CONFIDENCE_LABELS
from ..engine.progress import item_dates, moved, roadmap_start
from ..engine.summary import capacity_text, day, overall_text, reader_reasons, summary_of
from ..engine.vocabulary import DIMENSIONS
from .evidence import describe_evidence, labels_of
from .levels import describe_level, not_scored_words, target_words
from .matrix import CAPTION as MATRIX_CAPTION, matrix_points
from ..engine.rules import close_call_outside_design
from .reasons import also_watch, change_groups, later_note, model_rows, own_first_line, roadmap_places

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
LATER = "later"  # the roadmap's phase of work not planned yet
NOT_PLANNED = "not planned yet"
CLOSE_CALL = "A close call: the runner-up fits almost as well, so read what would change this."
LEVEL_KEYS = ("1", "2", "3", "4", "5")

METHOD = (
    "Each capability area's score is the weighted mean of the levels given (1 ad hoc to 5 optimising); "
    "“don't know” answers are left out. An area with fewer than half of its questions answered is marked "
    "insufficient and left out of the overall score, which is the weighted mean of the other areas. "
    "A level is the whole-number part of a score.",
    "The recommended PMO model comes from rules that read the scores and the organisation's profile; "
    "each reason names the answers behind it. Pitfalls are flagged only when their preconditions hold.",
    "The roadmap builds maturity in sequence: foundations first (mandate, intake, decision rights, "
    "reporting), then capacity, then optimisation. No improvement starts before those it depends on "
    "have finished, and improvements that mitigate a serious pitfall come early.",
)


def build_report(result: Mapping[str, Any], questionnaire: Mapping[str, Any] | None = None, *,
                 subject: Mapping[str, Any] | None = None, start: date | None = None,
                 history: Sequence[Mapping[str, Any]] | None = None,
                 workshop_stats: Mapping[str, Mapping[str, Any]] | None = None,
                 progress: Mapping[str, Mapping[str, Any]] | None = None,
                 benchmark: Mapping[str, Any] | None = None,
                 today: date | None = None) -> dict[str, Any]:
    """Everything a report shows, as plain data.

    ``questionnaire`` is the questionnaire as plain data (level texts for the answers);
    ``subject`` says who was assessed (kind, organisation, unit, title, period, assessed_on);
    ``start`` dates the roadmap (default: the day it was dated, else today); ``history`` lists an organisation's
    assessments oldest first ({period, assessed_on, unit, title, scores, overall, model});
    ``workshop_stats`` are a workshop's per-question statistics; ``progress`` is recorded
    roadmap progress per item id; ``benchmark`` is where the organisation stands in the pooled
    benchmark (service.org_benchmark), when it takes part.
    """
    today = today or date.today()
    # A dated roadmap keeps its own days unless another start is asked for; then every date moves.
    start = start or roadmap_start(result) or today
    result = moved(result, start)
    subject = dict(subject or {})
    frozen = result["questionnaire"]
    # Frozen results are stored with sorted keys: put areas and profile back in the questionnaire's order.
    order = [d["id"] for d in (questionnaire or {}).get("dimensions", [])] or list(DIMENSIONS)
    area_titles: dict[str, str] = _ordered(frozen.get("dimensions") or {}, order)
    questions = _questions(result, questionnaire)
    levels = {lv["level"]: lv for lv in (questionnaire or {}).get("levels", [])}
    labels = labels_of(result, None)
    roadmap = _roadmap(result, area_titles, start, progress or {})
    kind = subject.get("kind") or ("workshop" if result.get("workshop") else "self")
    report: dict[str, Any] = {
        "summary": summary_of(result),
        "kind": kind,
        "title": _title(kind, subject),
        "subject": {**subject, "kind": kind, "prepared_on": today.isoformat()},
        "questionnaire": {"id": frozen["id"], "version": frozen["version"], "title": frozen.get("title", frozen["id"])},
        "profile": _profile(result, [f["key"] for f in (questionnaire or {}).get("context", [])]),
        "overall": _overall(result["overall"]),
        "areas": _areas(result, questions, area_titles, levels),
        "recommendation": _recommendation(result, labels),
        "pitfalls": _pitfalls(result.get("pitfalls") or [], roadmap, labels),
        "roadmap": roadmap,
        "answers": _answers(result, questions, area_titles),
        # The share of all answers shown by evidence (None in results frozen before evidence).
        "evidence": (result.get("evidence_coverage") or {}).get("overall"),
        "notes": [{"area": area_titles.get(k, k), "text": v} for k, v in (result.get("notes") or {}).items()
                  if k in area_titles and v],
        "ownership": result.get("ownership") or {},
        # Answers that disagree: printed before the roadmap, with the question to ask in the room.
        "check_first": [{"text": c.get("text", ""), "ask": c.get("ask", ""), "would_change": c.get("would_change", "")}
                        for c in result.get("check_first") or [] if isinstance(c, Mapping)],
        "warnings": list(result.get("warnings") or []),
        "method": list(METHOD),
        "score_help": score_help(questionnaire),
    }
    # The summary's choices, so every writer prints the same three pitfalls and the same first 90 days.
    summary = report["summary"]
    by_pitfall = {p["id"]: p for p in report["pitfalls"]}
    report["top_pitfalls"] = [by_pitfall[p["id"]] for p in summary["pitfalls"] if p["id"] in by_pitfall]
    by_item = {i["id"]: i for i in roadmap["items"]}
    report["first_days"] = [by_item[i["id"]] for i in summary["first_90_days"] if i["id"] in by_item]
    report["first_days_shown"] = report["first_days"]
    for pitfall in report["pitfalls"]:
        pitfall["places"] = roadmap_places([i["id"] for i in pitfall["roadmap"]], result)
    for phase in roadmap["phases"]:
        phase["later_note"] = later_note(phase, summary["plan"]) if phase["id"] == LATER else ""
    # Beyond the three: the other high ones named in the body, the rest counted there and given in the appendix.
    report["also_watch"], report["watch_rest"] = also_watch(
        [p for p in report["pitfalls"] if p["id"] not in {t["id"] for t in report["top_pitfalls"]}])
    report["overall_words"] = overall_words(result["overall"])
    report["capacity_text"] = capacity_text((result.get("roadmap") or {}).get("capacity"))
    own_first = ((result.get("ownership") or {}).get("own_first")) or []
    report["own_first_line"] = own_first_line(own_first, (result.get("ownership") or {}).get("holder")) if own_first else ""
    report["radar"] = _radar(report["areas"])
    # Importance against maturity, one point per area: page 2 of the PDF, a slide and a sheet chart.
    report["matrix"] = matrix_points(result)
    report["matrix_caption"] = MATRIX_CAPTION
    if result.get("workshop"):
        report["workshop"] = _workshop(result, questions, area_titles, workshop_stats)
    if history:
        report["history"] = _history(history, area_titles)
    if benchmark:
        report["benchmark"] = _benchmark(benchmark, area_titles)
    return report


def evidence_given(coverage: Mapping[str, Any] | None) -> bool:
    """Whether anyone said more than 'our judgement' (an answer shown by evidence or a guess): where
    nobody did, the share shown by evidence is left out, so nothing changes for people who skip it."""
    return bool(coverage and ((coverage.get("shown") or 0) or (coverage.get("guesses") or 0)))


def share_words(coverage: Mapping[str, Any] | None) -> str:
    """An area's share of answers shown by evidence as a reader sees it ('17%'), '–' where none was kept."""
    share = (coverage or {}).get("share")
    return "–" if share is None else f"{round(share * 100)}%"


def overall_words(overall: Mapping[str, Any]) -> str:
    """The overall level in the one wording every format uses: 'Level 2 (Repeatable)', 'Level 1 (Ad hoc), nearly 2'."""
    words = overall_text(overall)
    if overall.get("score") is None:
        return words
    words = words.split(", ", 1)[1]
    return words[:1].upper() + words[1:]


def _title(kind: str, subject: Mapping[str, Any]) -> str:
    who = subject.get("organisation") or ""
    if subject.get("unit"):
        who = f"{who}, {subject['unit']}" if who else subject["unit"]
    if kind == "workshop":
        return f"Workshop report: {subject.get('title') or who or 'PMO maturity'}"
    return f"PMO maturity report: {who}" if who else "PMO maturity report"


def score_help(questionnaire: Mapping[str, Any] | None) -> str:
    """One line under an area scores table: how an area's score is made, with the practices that weigh more
    by name, so a score that differs from the plain average of its answers is explained."""
    heavier = [(q.get("name") or q["id"].split(".", 1)[-1].replace("_", " ").capitalize(), q.get("weight", 1.0))
               for d in (questionnaire or {}).get("dimensions", []) for q in d.get("questions", [])
               if q.get("weight", 1.0) != 1.0]
    if questionnaire is None:  # the questionnaire is not at hand: say that there are weights, not which
        weights = " (a few foundational practices count more)"
    elif heavier:
        names = [n for n, _w in heavier]
        said = " and ".join(f"{w:g} times" for w in sorted({w for _n, w in heavier}))
        weights = (f" ({', '.join(names[:-1])} and {names[-1]} count {said})" if len(names) > 1
                   else f" ({names[0]} counts {said})")
    else:
        weights = ""
    mean = "the weighted mean" if weights else "the mean"
    return (f"Area score: {mean} of the levels answered{weights}, without “don't know”; "
            "under half answered, not scored.")


def _questions(result: Mapping[str, Any], questionnaire: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Every question in questionnaire order, with its area and option texts where known."""
    frozen_texts: dict[str, str] = result["questionnaire"].get("questions") or {}
    names: dict[str, str] = result["questionnaire"].get("names") or {}  # short names: 'Intake criteria'
    if questionnaire:
        out = []
        for d in questionnaire["dimensions"]:
            for q in d["questions"]:
                options = {int(o["level"]): o for o in q.get("options", [])}
                out.append({"id": q["id"], "area": d["id"], "text": frozen_texts.get(q["id"], q["text"]),
                            "name": names.get(q["id"]) or q.get("short_name") or "", "options": options})
        known = {q["id"] for q in out}
        # Questions the frozen result asked that the current questionnaire no longer has.
        out += [{"id": qid, "area": qid.split(".", 1)[0], "text": text, "name": names.get(qid, ""), "options": {}}
                for qid, text in frozen_texts.items() if qid not in known]
        return out
    return [{"id": qid, "area": qid.split(".", 1)[0], "text": text, "name": names.get(qid, ""), "options": {}}
            for qid, text in frozen_texts.items()]


def _ordered(mapping: Mapping[str, Any], order: Sequence[str]) -> dict[str, Any]:
    """``mapping`` with the keys in ``order`` first, in that order, then any others as they come."""
    return {**{k: mapping[k] for k in order if k in mapping}, **{k: v for k, v in mapping.items() if k not in order}}


def _profile(result: Mapping[str, Any], order: Sequence[str]) -> list[dict[str, str]]:
    fields = result["questionnaire"].get("context") or {}
    context = _ordered(result.get("context") or {}, order)
    rows = []
    for key, value in context.items():
        spec = fields.get(key, {})
        rows.append({"key": key, "label": spec.get("label", key), "value": _profile_value(value, spec)})
    return rows


def _profile_value(value: Any, spec: Mapping[str, Any]) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return "–"
    choices = spec.get("choices") or {}
    return str(choices.get(value, value))


def _overall(overall: Mapping[str, Any]) -> dict[str, Any]:
    return {**overall, "level_text": describe_level(overall.get("score"))}


def _areas(result: Mapping[str, Any], questions: list[dict], titles: Mapping[str, str],
           levels: Mapping[int, Mapping[str, Any]]) -> list[dict[str, Any]]:
    answers = result.get("answers") or {}
    target = (result.get("roadmap") or {}).get("target") or {}
    target_why = (result.get("roadmap") or {}).get("target_why") or {}
    areas = []
    for dim in titles:
        s = result["scores"].get(dim)
        if s is None:
            continue
        answered = [(q, answers[q["id"]]) for q in questions
                    if q["area"] == dim and answers.get(q["id"]) is not None]
        ranked = sorted(answered, key=lambda pair: (-pair[1], pair[0]["id"]))
        strongest = [_practice(q, lvl) for q, lvl in ranked[:2]]
        strong_ids = {p["id"] for p in strongest}
        weakest = [_practice(q, lvl) for q, lvl in sorted(answered, key=lambda p: (p[1], p[0]["id"]))
                   if q["id"] not in strong_ids][:2]
        # An area left out for too few answers has no score anywhere a reader looks (its partial score would
        # read as a result): it says how many of its questions were answered instead.
        insufficient = bool(s.get("insufficient"))
        score = None if insufficient else s.get("score")
        level = None if insufficient else s.get("level")
        next_level = levels.get(level + 1) if level else None
        areas.append({
            "id": dim, "title": titles.get(dim, dim), "score": score, "level": level,
            "level_text": not_scored_words(s) if insufficient else describe_level(score),
            "answered": s.get("answered"), "total": s.get("total"),
            "dont_know": s.get("dont_know", 0), "insufficient": insufficient,
            "target": target.get(dim),
            "target_words": target_words(score, target.get(dim), why=target_why.get(dim)),
            "target_why": target_why.get(dim),  # why an area keeps its level, where the level alone does not say
            "strongest": strongest, "weakest": weakest,
            "note": (result.get("notes") or {}).get(dim) or "",
            # How many of the area's answers are shown by evidence (None in results frozen before evidence).
            "evidence": ((result.get("evidence_coverage") or {}).get("areas") or {}).get(dim),
            # How much the area matters and why (set, pain or default); None in results frozen before importance.
            "importance": ((result.get("importance") or {}).get("areas") or {}).get(dim),
            "next_level": ({"level": next_level["level"], "name": next_level["name"],
                            "description": next_level["description"]} if next_level else None),
        })
    return areas


def _practice(question: Mapping[str, Any], level: int) -> dict[str, Any]:
    option = question["options"].get(level) or {}
    following = question["options"].get(level + 1) or {}
    return {"id": question["id"], "text": question["text"], "name": question.get("name") or question["text"],
            "level": level,
            "level_text": option.get("text", ""), "next_text": following.get("text", "")}


def _radar(areas: list[dict]) -> dict[str, Any]:
    return {
        "labels": [a["title"] for a in areas],
        "score": [a["score"] for a in areas],
        "target": [a["target"] for a in areas],
    }


def _recommendation(result: Mapping[str, Any], labels: Mapping[str, Any]) -> dict[str, Any]:
    rec = result.get("recommendation") or {}
    if not rec.get("model"):
        return {"model": None, "sentences": [], "ranking": [], "compare": [], "what_would_change": [], "reasons": [],
                "oversight": None, "close_call": False}
    ranking = rec.get("ranking") or []
    chosen = next((r for r in ranking if r["model"] == rec["model"]), {"reasons": []})
    reasons = [{"text": r["text"], "points": r.get("points"),
                "evidence": describe_evidence(r.get("evidence") or {}, labels)} for r in chosen.get("reasons", [])]
    title = rec.get("title") or rec["model"].title()
    design = rec.get("design") or {}
    close = close_call_outside_design(rec)
    if design.get("label") or design.get("title"):  # named as the design the client is given
        title = design.get("label") or design["title"]
        first = f"We recommend {title[:1].lower() + title[1:] if not title[1:2].isupper() else title}."
    else:
        first = f"We recommend a {title}" + (f", with elements of a {rec['hybrid_with']} PMO"
                                             if rec.get("hybrid_with") else "") + "."
    support = sorted((r for r in reasons if (r["points"] or 0) > 0), key=lambda r: -(r["points"] or 0))
    # What "Why this design" says: the design's own reason and the model's that fit it (older results:
    # the model's strongest reasons).
    why = [{"text": r["text"], "points": 1, "evidence": describe_evidence(r.get("evidence") or {}, labels)}
           for r in rec.get("why") or []] or support
    sentences = [first] + [r["text"] for r in why[:2]]
    if len(sentences) < 3 and rec.get("summary"):
        sentences.append(rec["summary"])
    return {
        # The models side by side: fit and the answers that decided it, for and against (no points).
        "compare": model_rows(result),
        "model": rec["model"], "title": title, "hybrid_with": rec.get("hybrid_with"),
        "summary": rec.get("summary", ""), "sentences": sentences[:3], "reasons": reasons, "why": why[:3],
        "ranking": [{"model": r["model"], "title": r.get("title") or r["model"].title(), "fit": r["fit"]}
                    for r in ranking],
        "what_would_change": [c["text"] if isinstance(c, Mapping) else str(c)
                              for c in rec.get("what_would_change") or []],
        # Directive control of the few critical programmes beside the model, when the rules call for it.
        "oversight": ({"title": rec["oversight"].get("title", ""), "text": rec["oversight"].get("text", "")}
                      if isinstance(rec.get("oversight"), Mapping) else None),
        "close_call": close,
    }


def _pitfalls(pitfalls: Iterable[Mapping[str, Any]], roadmap: Mapping[str, Any],
              labels: Mapping[str, Any]) -> list[dict[str, Any]]:
    titles = {item["id"]: item["title"] for item in roadmap["items"]}
    ordered = sorted(enumerate(pitfalls), key=lambda pair: (SEVERITY_ORDER.get(pair[1]["severity"], 9), pair[0]))
    return [{
        "id": p["id"], "title": p["title"], "severity": p["severity"], "why": p.get("why", ""),
        "mitigation": p.get("mitigation", ""), "evidence": describe_evidence(p.get("evidence") or {}, labels),
        "roadmap": [{"id": i, "title": titles[i]} for i in p.get("roadmap_items") or [] if i in titles],
    } for _, p in ordered]


def _roadmap(result: Mapping[str, Any], titles: Mapping[str, str], start: date,
             progress: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    roadmap = result.get("roadmap") or {}
    all_titles = {i["id"]: i["title"] for p in roadmap.get("phases", []) for i in p["items"]}
    pain = (roadmap.get("pain") or {}).get("label")
    phases, items = [], []
    for phase in roadmap.get("phases", []):
        phase_items = []
        planned = phase["id"] != LATER
        for item in phase["items"]:
            # What is not planned yet has no dates and no 'planned' status, in every format.
            begin, end = item_dates(item, start) if planned else (None, None)
            record = progress.get(item["id"]) or {}
            role = item.get("owner") or ""
            name = record.get("owner") or item.get("owner_name") or ""
            entry = {
                "id": item["id"], "title": item["title"], "area": titles.get(item["dimension"], item["dimension"]),
                "dimension": item["dimension"], "to_level": item["to_level"], "phase": phase["title"],
                "phase_id": phase["id"], "start": begin, "end": end, "owner_role": role, "owner_name": name,
                "owner": f"{name} ({role})" if name and role else (name or role),
                "effort_weeks": item.get("effort_weeks"), "duration_weeks": item.get("duration_weeks"),
                "metric": item.get("metric", ""), "deliverables": list(item.get("deliverables") or []),
                "requires": [{"id": r, "title": all_titles.get(r, r)} for r in item.get("requires") or []],
                # Why, in people's words (the engine's chain names area targets and level codes).
                "description": item.get("description", ""), "reason": "; ".join(reader_reasons(item, pain)),
                "status": record.get("status") or item.get("status") or ("planned" if planned else NOT_PLANNED),
                "mitigates": list(item.get("mitigates") or []),
                "why": reader_reasons(item, pain, 1),
            }
            phase_items.append(entry)
            items.append(entry)
        by_id = {entry["id"]: entry for entry in phase_items}
        # The changes under the reason each is planned for: later phases and what is not planned yet print them so.
        groups = [{"label": g["label"], "items": [by_id[i["id"]] for i in g["items"]]}
                  for g in change_groups(phase["items"], result)]
        phases.append({"id": phase["id"], "title": phase["title"], "start_month": phase["start_month"],
                       "end_month": phase["end_month"],
                       "start": start + timedelta(days=round(phase["start_month"] * 30.44)) if planned else None,
                       "end": start + timedelta(days=round(phase["end_month"] * 30.44)) if planned else None,
                       "items": phase_items, "groups": groups, "more": phase.get("more") or 0,
                       "note": phase.get("note") or ""})
    dated = [p for p in phases if p["id"] != LATER]
    return {"start": start, "phases": phases, "items": items, "dated_items": [i for i in items if i["start"]],
            "target": dict(roadmap.get("target") or {}), "person_weeks": roadmap.get("person_weeks"),
            "message": roadmap.get("message"), "months": dated[-1]["end_month"] if dated else 0}


def _answers(result: Mapping[str, Any], questions: list[dict], titles: Mapping[str, str]) -> list[dict[str, Any]]:
    answers = result.get("answers") or {}
    notes = result.get("notes") or {}
    consensus = (result.get("workshop") or {}).get("consensus") or {}
    evidence = result.get("evidence") or {}
    importance = result.get("importance") or {}
    labels = result["questionnaire"].get("labels") or {}  # each level's short label, frozen with the result
    rows = []
    for q in questions:
        if q["id"] not in answers and q["id"] not in (result["questionnaire"].get("questions") or {}):
            continue
        level = answers.get(q["id"])
        option = q["options"].get(level) or {} if level is not None else {}
        note = notes.get(q["id"]) or (consensus.get(q["id"]) or {}).get("note") or ""
        shown = evidence.get(q["id"]) or {}
        rows.append({
            "id": q["id"], "area_id": q["area"], "area": titles.get(q["area"], q["area"]), "question": q["text"],
            "name": q.get("name", ""),
            "level": level, "answered": q["id"] in answers,
            "level_label": labels.get(q["id"], {}).get(str(level)) or option.get("label", ""), "level_text": option.get("text", ""), "note": note,
            "confidence": CONFIDENCE_LABELS.get(shown.get("confidence", "")) if shown else "",
            "evidence": shown.get("evidence", ""), "reference": shown.get("reference", ""),
            **_answer_importance(importance, q["id"], q["area"]),
        })
    return rows


def _answer_importance(importance: Mapping[str, Any], question: str, area: str) -> dict[str, Any]:
    """How much an answer's practice matters: its own rating where it has one, else its area's ('' before importance)."""
    own = (importance.get("practices") or {}).get(question)
    entry = own or (importance.get("areas") or {}).get(area) or {}
    return {"importance": entry.get("level", ""), "importance_own": (own or {}).get("source", "")}


def _workshop(result: Mapping[str, Any], questions: list[dict], titles: Mapping[str, str],
              stats: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    room = result["workshop"]
    consensus = room.get("consensus") or {}
    source = stats or {row["question"]: row for row in room.get("disagreement") or []}
    rows = []
    for q in questions:
        s = source.get(q["id"])
        if s is None:
            continue
        agreed = consensus.get(q["id"]) or {}
        counts = {k: int((s.get("counts") or {}).get(k, (s.get("counts") or {}).get(int(k), 0)) or 0)
                  for k in LEVEL_KEYS}
        words = agreement({"counts": counts, "dont_know": s.get("dont_know", 0)})
        rows.append({"id": q["id"], "area": titles.get(q["area"], q["area"]), "text": q["text"], "counts": counts,
                     "dont_know": s.get("dont_know", 0), "answered": s.get("answered", sum(counts.values())),
                     "median": s.get("median"), "iqr": s.get("iqr"), "stdev": s.get("stdev"),
                     "agreement": words["text"], "agreement_short": words["short"],
                     "agreed": agreed.get("level"), "agreed_note": agreed.get("note") or ""})
    ranked = sorted((r for r in rows if r["iqr"] is not None and r["answered"] >= 2),
                    key=lambda r: (-r["iqr"], -(r["stdev"] or 0), r["id"]))
    return {
        "title": room.get("title", ""), "mode": room.get("mode", ""), "participants": room.get("participants", 0),
        "answered": room.get("answered", 0), "submitted": room.get("submitted", 0),
        "agreed_count": len(consensus), "questions": rows, "disputed": ranked[:10],
        "band": room.get("band") or {}, "roles": room.get("roles") or {},
        "rounds": _rounds(room.get("rounds") or [], questions, titles, consensus),
    }


def _rounds(rounds: Sequence[Mapping[str, Any]], questions: list[dict], titles: Mapping[str, str],
            consensus: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each second round beside round one, with what it changed in one sentence:
    "moved from split 1–4 to agreed 3 after discussion"."""
    by_id = {q["id"]: q for q in questions}
    out = []
    for r in rounds:
        q = by_id.get(r["question"])
        if q is None:
            continue
        first = agreement(r["first"])
        second = agreement(r["second"])
        agreed = (consensus.get(r["question"]) or {}).get("level") or r.get("agreed")
        if agreed is not None:
            outcome = f"agreed {agreed}"
            verb = "stayed at" if first["kind"] == "agree" and r["first"].get("median") == agreed else "moved from"
            sentence = f"{verb} {first['short']} to {outcome} after discussion" if verb == "moved from" else \
                f"{verb} {first['short']} (agreed {agreed})"
        else:
            sentence = f"round one {first['short']}, round {r['number']} {second['short']}; no level agreed"
        out.append({"question": r["question"], "text": q["text"], "area": titles.get(q["area"], q["area"]),
                    "number": r["number"], "first": first["text"], "second": second["text"],
                    "first_counts": {k: int((r["first"].get("counts") or {}).get(k, 0)) for k in LEVEL_KEYS},
                    "second_counts": {k: int((r["second"].get("counts") or {}).get(k, 0)) for k in LEVEL_KEYS},
                    "proposed": r.get("proposed"), "agreed": agreed, "summary": sentence})
    return out


def _history(rows: Sequence[Mapping[str, Any]], titles: Mapping[str, str]) -> dict[str, Any]:
    assessments = [{
        "period": r.get("period") or "", "assessed_on": r.get("assessed_on") or "", "unit": r.get("unit") or "",
        "title": r.get("title") or "", "scores": dict(r.get("scores") or {}), "overall": r.get("overall"),
        "model": r.get("model") or "",
        # The share of answers shown by evidence, overall and per area (None before evidence was kept).
        "evidence_share": r.get("evidence_share"), "evidence_shares": dict(r.get("evidence_shares") or {}),
    } for r in rows]
    long_rows = [{"period": a["period"], "assessed_on": a["assessed_on"], "unit": a["unit"], "title": a["title"],
                  "area": titles.get(dim, dim), "score": a["scores"].get(dim), "level_text": describe_level(
                      a["scores"].get(dim)), "evidence_share": a["evidence_shares"].get(dim)}
                 for a in assessments for dim in titles]
    whole = [a for a in assessments if not a["unit"]] or assessments
    first, last = whole[0], whole[-1]
    change = {dim: (round(last["scores"][dim] - first["scores"][dim], 2)
                    if last["scores"].get(dim) is not None and first["scores"].get(dim) is not None else None)
              for dim in titles}
    return {"assessments": assessments, "rows": long_rows, "trend": whole, "change": change,
            "first": first, "last": last, "areas": dict(titles)}


def _benchmark(found: Mapping[str, Any], titles: Mapping[str, str]) -> dict[str, Any]:
    """The pooled benchmark in words and rows: what was compared, against whom, and the quarters;
    or why it is not shown yet."""
    if found["basis"] == "units":
        units = found["units"]
        basis = f"the combined picture of its {units} unit{'s' if units != 1 else ''}' latest results (their mean)"
    else:
        basis = "the latest result of the organisation as a whole"
    band = found.get("size_band") or "not given"
    group = f"the size band {band}" + (f" and the delivery mix {found['delivery_mix']}"
                                       if found["filter"] == "size_and_mix" else "")
    if not found["shown"]:
        needed = found.get("needed")
        text = (f"Not shown yet: {needed} more organisation{'s' if needed != 1 else ''} in the size band {band} "
                f"need{'s' if needed == 1 else ''} to take part (the benchmark needs at least {MIN_GROUP} others)."
                if needed else f"Not shown: {found['reason']}.")
        return {"shown": False, "text": text, "rows": []}
    rows = [{"area": title, "quarter": found["quarters"].get(dim), "standing": found["standing"].get(dim)
             if found["quarters"].get(dim) is not None else "too few scored"} for dim, title in titles.items()]
    rows.append({"area": "Overall", "quarter": found["overall"], "standing": found["overall_standing"]})
    return {"shown": True, "rows": rows, "size": found["size"],
            "text": (f"Compared: {basis}, with the {found['size']} other organisations on this server that take part "
                     f"(each with different owners), in {group}, as of {day(found['as_of'])}. Standing is given by "
                     "quarter (1 is the bottom quarter, 4 the top), never as an exact rank; "
                     "their names and scores are never shown.")}


def history_from_store(rows: Sequence[Mapping[str, Any]], unit_names: Mapping[Any, str]) -> list[dict[str, Any]]:
    """An organisation's history rows (``store.history``) in the shape ``build_report`` reads."""
    return [{"period": r["period"], "assessed_on": r["assessed_on"], "unit": unit_names.get(r["unit_id"], ""),
             "title": r.get("title") or "", "scores": r["summary"]["scores"], "overall": r["summary"]["overall"],
             "model": r["summary"].get("model") or "", "evidence_share": r["summary"].get("evidence_share"),
             "evidence_shares": dict(r["summary"].get("evidence_shares") or {})} for r in rows]


# --------------------------------------------------------------------------
# The whole organisation, from its units: the roll-up
# --------------------------------------------------------------------------

MODEL_TITLES = {"supportive": "Supportive", "controlling": "Controlling", "directive": "Directive",
                "federated": "Federated"}


def rollup_section(dashboard: Mapping[str, Any], unit_progress: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The units side by side, the organisation's mean and minimum per area, the pitfalls across units
    and each unit's roadmap progress, from the dashboard's roll-up (``history.build_dashboard``);
    None when no unit has a result."""
    if not dashboard.get("unit_latest"):
        return None
    titles = dict(dashboard["labels"])
    areas = {d: titles.get(d, d) for d in DIMENSIONS}
    units = [{"name": name, "period": row["period"], "assessed_on": row["assessed_on"],
              "scores": {d: row["summary"]["scores"].get(d) for d in areas}, "overall": row["summary"]["overall"],
              "model": MODEL_TITLES.get(row["summary"].get("model") or "", row["summary"].get("model") or ""),
              # Named as every other place names the recommendation: the design's label.
              "design": row["summary"].get("design") or ""}
             for name, row in dashboard["unit_latest"]]
    summary = dashboard["rollup"]
    federated = dashboard["federated"]
    advice = federated.get("text") or ""
    progress = []
    for row in (unit_progress or {}).get("units", []):
        counts = row["counts"]
        progress.append({"unit": row["unit"], "period": row["period"], **counts, "total": row["total"],
                         "overdue": row["overdue"],
                         "percent_done": round(100 * counts["done"] / row["total"]) if row["total"] else None})
    return {
        "areas": areas,
        "units": units,
        "mean": {k: summary[k]["mean"] for k in (*areas, "overall")},
        "minimum": {k: summary[k]["min"] for k in (*areas, "overall")},
        "spread": dict(federated["spread"]),
        "federated": {"suggested": federated["suggested"], "text": advice},
        "pitfalls": [{"title": p["title"], "severity": p["severity"], "units": list(p["units"]),
                      "count": len(p["units"])} for p in dashboard.get("unit_pitfalls", [])],
        "progress": progress,
    }


def build_rollup_report(organisation: str, rollup: Mapping[str, Any], questionnaire: Mapping[str, Any], *,
                        history: Sequence[Mapping[str, Any]] | None = None,
                        benchmark: Mapping[str, Any] | None = None, today: date | None = None) -> dict[str, Any]:
    """The report of an organisation assessed unit by unit: built from the roll-up, never from one
    unit's result. ``questionnaire``: the frozen id, version and title of the units' latest results."""
    today = today or date.today()
    units = rollup["units"]
    periods = sorted({u["period"] for u in units})
    report: dict[str, Any] = {
        "kind": "rollup",
        "title": f"PMO maturity report: {organisation}",
        "subject": {"kind": "rollup", "organisation": organisation, "unit": "", "title": "",
                    "period": periods[-1] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}",
                    "assessed_on": max(u["assessed_on"] for u in units), "prepared_on": today.isoformat(),
                    "units": len(units)},
        "questionnaire": dict(questionnaire),
        "overall": {"score": rollup["mean"]["overall"], "minimum": rollup["minimum"]["overall"],
                    "level_text": describe_level(rollup["mean"]["overall"])},
        "rollup": dict(rollup),
    }
    if history:
        report["history"] = _history(history, rollup["areas"])
    if benchmark:
        report["benchmark"] = _benchmark(benchmark, rollup["areas"])
    return report
