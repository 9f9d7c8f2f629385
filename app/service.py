"""Application services shared by the web, the CLI and the demo: compute and freeze results.

This is the one place where "compute a result and freeze it" happens: submitting a
self-assessment, closing a workshop, re-scoring under new content and re-planning for a
new target. It also shapes what dashboards and the projector show. Functions take the
content and a database; nothing here knows about requests.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date
from typing import Any, Mapping, Sequence

from sqlite_utils import Database

from . import charts, store
from .engine import Content, Questionnaire, run_assessment
from .engine import history as hist
from .engine.aggregate import (aggregate_answers, agreement, dimension_band, disagreement, per_question,
                               question_stats, respondent_scores, role_medians)
from .engine import benchmark, reassessment
from .engine.assessment import pain_questions, replan
from .engine.evidence import room_evidence
from .engine.importance import derive_importance
from .engine.inputs import parse_document
from .engine.vocabulary import DIMENSIONS
from .reports.model import build_report, build_rollup_report, history_from_store, rollup_section
from .reports.questionnaire import questionnaire_as_dict


def figures_for(result: dict) -> dict[str, dict]:
    """The figures shown with a result, built once when the result is frozen."""
    labels = result["questionnaire"]["dimensions"]
    return {"radar": charts.result_radar(result, labels), "timeline": charts.timeline_figure(result["roadmap"], labels)}


def dated_plan(plan: Mapping[str, Any] | None) -> dict[str, Any]:
    """Planning choices with a start date: the one chosen, else today, so a frozen roadmap has dates."""
    return {"start_date": date.today().isoformat(), **(plan or {})}


def compute_result(c: Content, questionnaire_id: str, answers: dict, context: dict,
                   target: dict | None, notes: dict | None = None,
                   plan: Mapping[str, Any] | None = None,
                   evidence: Mapping[str, Mapping[str, str]] | None = None) -> tuple[dict, dict]:
    """Run the engine on stored answers and build the figures, to be frozen in a snapshot."""
    questionnaire = c.questionnaire(questionnaire_id)
    # Stored answers to questions a later content version dropped are ignored, not fatal.
    known = {qid: level for qid, level in answers.items() if questionnaire.question(qid) is not None}
    evidence = {qid: detail for qid, detail in (evidence or {}).items() if qid in known}
    result = run_assessment(c, known, context, target or None, questionnaire_id, plan=dated_plan(plan),
                            evidence=evidence)
    result["notes"] = dict(notes or {})
    return result, figures_for(result)


def assess_document(c: Content, document: Mapping[str, Any], start: date | None = None) -> dict:
    """The whole result of an answers document checked by engine.inputs.parse_document (stateless).

    `flask assess` and `POST /api/v1/assess` both answer with exactly this. The roadmap is dated
    from ``start``, else the plan's own start date, else today.
    """
    plan = dict(document.get("plan") or {})
    if start is not None or not plan.get("start_date"):
        plan["start_date"] = (start or date.today()).isoformat()
    result = run_assessment(c, document["answers"], document["context"], document["target"] or None,
                            document["questionnaire"], plan=plan, evidence=document.get("evidence"))
    result["notes"] = dict(document.get("notes") or {})
    return result


# A role's figures are shown (on the projector, to the whole room) only from this many people on.
WORKSHOP_MIN_GROUP = 3


def workshop_summary(c: Content, workshop: dict, responses: list[dict], agreed: dict[str, dict],
                     rounds: Sequence[Mapping[str, Any]] = ()) -> dict:
    """The live (or final) picture of a workshop: counts, per-question stats, disagreement (ranked and
    in words), band, roles (and the roles still too small to show), and the second rounds."""
    questionnaire = c.questionnaire(workshop["questionnaire_id"])
    started = [r for r in responses if r["answers"]]
    stats = per_question(questionnaire, started)
    for s in stats.values():
        s["agreement"] = agreement(s)
    ranked = disagreement(questionnaire, stats)
    for row in ranked:
        row["consensus"] = agreed.get(row["question"])
    minimum = WORKSHOP_MIN_GROUP  # in named mode too: the room sees only combined results
    scores = respondent_scores(questionnaire, started)  # each respondent scored once, for the band and the roles
    roles = role_medians(questionnaire, started, minimum_group=minimum, scores=scores) if workshop["roles"] else {}
    sizes = Counter(r["role"] for r in started if r.get("role"))
    return {
        "counts": {
            "joined": len(responses),
            "in_progress": sum(1 for r in responses if r["answers"] and r["status"] != "submitted"),
            "submitted": sum(1 for r in responses if r["status"] == "submitted"),
            "not_started": sum(1 for r in responses if not r["answers"] and r["status"] != "submitted"),
        },
        # Answers in so far (don't know counts: it was answered), against what the people who joined could give.
        "answers_in": {"given": sum(1 for r in responses for q in r["answers"] if questionnaire.question(q) is not None),
                       "possible": len(responses) * len(questionnaire.questions())},
        "stats": stats,
        "discussion": ranked,
        "agreed": dict(agreed),
        "band": dimension_band(questionnaire, started, scores),
        "roles": roles,
        "roles_hidden": {role: sizes.get(role, 0) for role in workshop["roles"] if role not in roles},
        # Who joined in each role, answered or not: the console counts people from the moment they join.
        "role_joins": dict(Counter(r["role"] for r in responses if r.get("role"))),
        "min_group": minimum,
        "labels": {d.id: d.title for d in questionnaire.dimensions},
        "rounds": [round_summary(r, stats.get(r["question_id"]), agreed.get(r["question_id"])) for r in rounds],
    }


def round_summary(round_: Mapping[str, Any], first: Mapping[str, Any] | None,
                  agreed: Mapping[str, Any] | None) -> dict[str, Any]:
    """One round of voting beside round one: its distribution in numbers and words, and the level it
    proposes (the lower middle of the votes, as for every workshop answer)."""
    votes = list(round_["votes"].values())
    second = question_stats(votes)
    if first is None:
        first = question_stats([])
        first["agreement"] = agreement(first)
    given = [v for v in votes if v is not None]
    return {
        "id": round_["id"], "question": round_["question_id"], "number": round_["number"],
        "open": round_["closed_at"] is None, "votes": len(votes),
        "first": dict(first), "second": {**second, "agreement": agreement(second)},
        "proposed": statistics.median_low(given) if given else None,
        "agreed": agreed["level"] if agreed else None,
    }


def compute_workshop_result(c: Content, workshop: dict, responses: list[dict],
                            agreed: dict[str, dict], target: dict | None = None,
                            plan: Mapping[str, Any] | None = None,
                            rounds: Sequence[Mapping[str, Any]] = ()) -> tuple[dict, dict]:
    """The workshop's result: consensus where recorded, the participants' median elsewhere."""
    questionnaire = c.questionnaire(workshop["questionnaire_id"])
    started = [r for r in responses if r["answers"]]
    answers = aggregate_answers(questionnaire, started, {q: a["level"] for q, a in agreed.items()})
    # Confidence comes from the room: the spread and how many answered, or the evidence it agreed on.
    evidence = {q: e for q, e in room_evidence(questionnaire, started, agreed).items() if q in answers}
    result = run_assessment(c, answers, workshop["context"], target or None, questionnaire.id, plan=dated_plan(plan),
                            evidence=evidence)
    summary = workshop_summary(c, workshop, responses, agreed, rounds)
    result["notes"] = {}
    result["workshop"] = {
        "title": workshop["title"],
        "mode": workshop["mode"],
        "participants": summary["counts"]["joined"],
        "answered": len(started),
        "submitted": summary["counts"]["submitted"],
        "consensus": {q: {"level": a["level"], "note": a["note"], "evidence": a.get("evidence") or "",
                          "reference": a.get("reference") or ""} for q, a in agreed.items()},
        "disagreement": [
            {**{k: row[k] for k in ("question", "dimension", "text", "median", "iqr", "stdev", "spread", "counts",
                                    "answered", "dont_know", "consensus")},
             "agreement": row["agreement"]["text"]}
            for row in summary["discussion"][:10]
        ],
        "band": summary["band"],
        "roles": summary["roles"],
        "rounds": [_frozen_round(r) for r in summary["rounds"]],
    }
    figures = figures_for(result)
    figures["radar"] = charts.band_radar(summary["band"], result["roadmap"].get("target"), summary["labels"])
    return result, figures


def _frozen_round(summary: Mapping[str, Any]) -> dict[str, Any]:
    def counts(stats: Mapping[str, Any]) -> dict[str, Any]:
        return {"counts": {str(k): v for k, v in stats["counts"].items()}, "dont_know": stats["dont_know"],
                "answered": stats["answered"], "median": stats["median"], "agreement": stats["agreement"]}

    return {"question": summary["question"], "number": summary["number"], "first": counts(summary["first"]),
            "second": counts(summary["second"]), "proposed": summary["proposed"], "agreed": summary["agreed"]}


# --------------------------------------------------------------------------
# Freezing results: submit, close, re-score, re-plan
# --------------------------------------------------------------------------


def submit_response(db: Database, c: Content, response_id: int, questionnaire: Questionnaire,
                    target: Mapping[str, int] | None = None, plan: Mapping[str, Any] | None = None) -> int:
    """Compute and freeze a self-assessment's result once; return its snapshot id (the first one on a repeat)."""
    notes = store.load_notes(db, response_id)
    return store.submit_response(
        db, response_id,
        # Runs inside the submit's write transaction: the evidence read here is the evidence stored.
        lambda answers, context: compute_result(c, questionnaire.id, answers, context, target,
                                                notes=notes, plan=plan,
                                                evidence=store.load_evidence(db, response_id)),
        questionnaire_version=questionnaire.version, content_hash=c.hash,
    )


def room_summary(db: Database, c: Content, workshop: Mapping[str, Any]) -> dict:
    """The workshop's picture as it stands: every participant's answers, the consensus and the rounds so far,
    and (under "baseline") the earlier result the workshop started from, if it did."""
    summary = workshop_summary(c, dict(workshop), store.responses_with_answers(db, workshop["assessment_id"]),
                               store.consensus(db, workshop["id"]), store.rounds_with_votes(db, workshop["id"]))
    summary["baseline"] = workshop_baseline(db, workshop)
    return summary


def close_workshop(db: Database, c: Content, workshop: Mapping[str, Any]) -> int:
    """Close the workshop once: compute its result, freeze it into the organisation's history.

    Raise store.NothingToClose when nobody answered (cancel it instead).
    """
    questionnaire = c.questionnaire(workshop["questionnaire_id"])
    rounds = store.rounds_with_votes(db, workshop["id"])

    def compute(responses: list[dict], agreed: dict[str, dict]) -> tuple[dict, dict]:
        # Read inside the close's transaction: the importance set in the console is the one frozen.
        target, plan = store.planning_choices(db, workshop["assessment_id"])
        return compute_workshop_result(c, dict(workshop), responses, agreed, target, plan=plan, rounds=rounds)

    return store.close_workshop(db, workshop, compute, questionnaire_version=questionnaire.version,
                                content_hash=c.hash)


def workshop_importance(c: Content, workshop: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """How much each area matters in a workshop's result so far: {area: {level, source}}, set in the
    console or else derived from the profile's stated pain."""
    given = (workshop.get("plan") or {}).get("importance") or {}
    return derive_importance(given, pain_questions(c, workshop["context"]))["areas"]


def rescore_assessment(db: Database, c: Content, org_id: int, assessment_id: int) -> int:
    """Re-score a closed assessment under the current content: a new snapshot; the old one is kept.

    Raise store.NotFound for an assessment not of this organisation, store.AssessmentOpen
    for one not submitted yet.
    """
    if store.assessment_status(db, org_id, assessment_id) != "closed":
        raise store.AssessmentOpen("only a submitted assessment can be re-scored")
    inputs = store.assessment_inputs(db, assessment_id)
    questionnaire = (c.questionnaire(inputs["questionnaire_id"]) if inputs["questionnaire_id"] in c.questionnaires
                     else c.default_questionnaire)
    if inputs["kind"] == "workshop":
        if inputs["answers_purged"]:
            raise store.AnswersPurged("the workshop's individual answers were purged under retention")
        workshop = {**inputs["workshop"], "questionnaire_id": questionnaire.id}
        result, figures = compute_workshop_result(c, workshop, inputs["responses"], inputs["consensus"],
                                                  inputs["target"], plan=inputs["plan"], rounds=inputs["rounds"])
    else:
        result, figures = compute_result(c, questionnaire.id, inputs["answers"], inputs["context"], inputs["target"],
                                         notes=inputs["notes"], plan=inputs["plan"], evidence=inputs["evidence"])
    return store.replace_snapshot(db, assessment_id, result, figures, reason=f"re-scored under content {c.hash[:12]}",
                                  questionnaire_version=questionnaire.version, content_hash=c.hash)


def change_target(db: Database, c: Content, assessment_id: int, snapshot: Mapping[str, Any],
                  target: Mapping[str, int], plan: Mapping[str, Any] | None = None) -> int:
    """Re-plan a frozen result's roadmap for a new target and planning choices (scores and advice
    stay); a new snapshot.

    Raise InvalidInput (from the engine) when the target or the plan is not valid for the result.
    """
    plan = dict(plan) if plan is not None else snapshot["result"].get("plan")
    result = replan(c, snapshot["result"], dict(target), dated_plan(plan))
    figures = figures_for(result)
    room = result.get("workshop") or {}
    if room.get("band"):  # a workshop's picture, now against the new target
        figures["radar"] = charts.band_radar(room["band"], result["roadmap"].get("target"),
                                             result["questionnaire"]["dimensions"])
    return store.replace_snapshot(db, assessment_id, result, figures, reason="target changed",
                                  questionnaire_version=snapshot["questionnaire_version"], content_hash=c.hash,
                                  target=target, plan=result["plan"])


# --------------------------------------------------------------------------
# What pages show: the projector's live picture, dashboards, comparisons, progress
# --------------------------------------------------------------------------

PROJECTOR_DISCUSSION = 8
PROJECTOR_DISTRIBUTION = 12


def live_payload(c: Content, workshop: Mapping[str, Any], summary: Mapping[str, Any]) -> dict[str, Any]:
    """What the projector shows, as data: counts and the stage always; the room's figures once revealed.

    Aggregates only, never a person's answers.
    """
    body: dict[str, Any] = {"status": workshop["status"], "revealed": workshop["revealed"],
                            "started": workshop["started"], "screen": workshop["screen"], "counts": summary["counts"]}
    current = next((r for r in summary["rounds"] if r["open"]), None)
    body["round"] = ({"question": current["question"], "number": current["number"], "votes": current["votes"]}
                     if current else None)
    if not workshop["revealed"]:
        return body
    questionnaire = c.questionnaire(workshop["questionnaire_id"])
    labels = summary["labels"]
    questions = [(row["question"], row["question"].split(".")[1].replace("_", " "))
                 for row in summary["discussion"][:PROJECTOR_DISTRIBUTION]]
    baseline = summary.get("baseline")
    body["baseline"] = baseline  # last result's scores per area, to show beside the room
    body["band"] = summary["band"]
    body["figures"] = {  # the same picture as plotly figures, for other clients of this endpoint
        "radar": charts.band_radar(summary["band"], None, labels, summary["roles"],
                                   baseline=(baseline["period"], baseline["scores"]) if baseline else None),
        "distribution": charts.distribution_figure(summary["stats"], questions) if questions else None,
    }
    body["tables"] = {name: charts.figure_table(fig, "Question" if name == "distribution" else "Capability area")
                      for name, fig in body["figures"].items() if fig}
    body["discussion"] = [
        {"question": row["question"], "text": row["text"], "dimension": labels[row["dimension"]],
         "median": row["median"], "iqr": row["iqr"], "stdev": row["stdev"], "answered": row["answered"],
         "agreement": row["agreement"]["text"],
         "consensus": row["consensus"]["level"] if row["consensus"] else None}
        for row in summary["discussion"][:PROJECTOR_DISCUSSION]
    ]
    body["roles"] = summary["roles"]
    body["roles_hidden"] = summary["roles_hidden"]
    body["dimensions"] = [[d, labels[d]] for d in DIMENSIONS]  # JSON objects lose their order
    body["questions"] = len(questionnaire.questions())
    return body


def dimension_titles(c: Content) -> dict[str, str]:
    return {d.id: d.title for d in c.default_questionnaire.dimensions}


def dashboard(db: Database, c: Content, org: Mapping[str, Any], unit: Mapping[str, Any] | None) -> dict[str, Any]:
    """The organisation's (or one unit's) dashboard data with its figures."""
    data = hist.build_dashboard(store.history(db, org["id"], "all"), store.units(db, org["id"]), unit,
                                dimension_titles(c))
    labels, plots = data["labels"], data["plots"]
    data["figures"] = {}
    if "trend" in plots:
        data["figures"]["trend"] = charts.trend_figure(plots["trend"], labels)
    if "radar" in plots:
        data["figures"]["radar"] = charts.overlay_radar(plots["radar"]["series"], plots["radar"]["target"], labels)
    if "units" in plots:
        data["figures"]["units"] = charts.units_figure(plots["units"], data["rollup"], labels)
    return data


def roadmap_progress(db: Database, org_id: int, unit_key: int, data: Mapping[str, Any],
                     today: date | None = None) -> dict[str, Any] | None:
    """The latest roadmap with recorded progress carried forward, what is overdue on ``today``, and its
    figure (None before any result)."""
    if "latest" not in data:
        return None
    view = hist.apply_progress(data["latest"]["summary"], store.progress(db, org_id, unit_key),
                               data["previous"]["summary"] if data.get("previous") else None,
                               latest_date=data["latest"]["assessed_on"], today=today or date.today())
    view["figure"] = charts.progress_figure(view["phases"]) if view["phases"] else None
    return view


def units_progress(db: Database, org_id: int, data: Mapping[str, Any], today: date | None = None) -> dict[str, Any]:
    """Each unit's progress on its latest roadmap, and the whole organisation's combined progress."""
    rows = []
    for name, latest in data.get("unit_latest", []):
        own = hist.one_per_period([r for r in data["all_rows"] if r["unit_id"] == latest["unit_id"]])
        previous = own[-2]["summary"] if len(own) > 1 else None
        view = hist.apply_progress(latest["summary"], store.progress(db, org_id, latest["unit_id"]), previous,
                                   latest_date=latest["assessed_on"], today=today or date.today())
        counts = {s: sum(1 for i in view["items"] if i["status"] == s) for s in store.PROGRESS_STATUSES}
        rows.append({"unit": name, "unit_id": latest["unit_id"], "period": latest["period"], "counts": counts,
                     "total": view["total"], "overdue": len(view["overdue"])})
    keys = (*store.PROGRESS_STATUSES, "total", "overdue")
    total = {k: sum(r["counts"][k] if k in r["counts"] else r[k] for r in rows) for k in keys}
    return {"units": rows, "total": total}


def org_benchmark(c: Content, pooled: Mapping[str, Any], org_id: int,
                  same_mix: bool = False) -> dict[str, Any] | None:
    """Where the organisation stands in the pooled benchmark (``pooled`` from store.pooled_benchmark:
    the population as of its last refresh): its quarters, or why they are not shown and how many more
    organisations are needed, with what it was compared as and when; None when it is not pooled (not
    opted in, or no closed result at the last refresh)."""
    population = pooled["population"]
    own = next((p for p in population if p["org_id"] == org_id), None)
    if own is None:
        return None
    found = benchmark.benchmark(own, population, same_mix=same_mix)
    questionnaire = c.default_questionnaire

    def label(key: str) -> str | None:
        value = own["context"].get(key)
        choices = {ch.value: ch.label for ch in questionnaire.context_field(key).choices or ()}
        return choices.get(value, value) if value is not None else None

    return {**found, "basis": own["basis"], "units": own["units"], "size_band": label("org_size"),
            "delivery_mix": label("delivery_mix"), "as_of": pooled["taken_at"][:10],
            "standing": {d: benchmark.standing(v) for d, v in (found.get("quarters") or {}).items()},
            "overall_standing": benchmark.standing(found.get("overall"))}


def chosen_assessments(db: Database, org_id: int, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The organisation's closed assessments with these ids, oldest first; raise store.NotFound for any other."""
    by_id = {r["id"]: r for r in store.history(db, org_id, "all")}
    if any(i not in by_id for i in ids):
        raise store.NotFound("no such assessment in this organisation's history")
    return sorted((by_id[i] for i in ids), key=lambda r: (r["assessed_on"], r["id"]))


def comparison(c: Content, chosen: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    """Chosen assessments overlaid against the target, with their deltas."""
    data = hist.comparison(chosen, names, dimension_titles(c))
    series = data["series"]
    data["radar"] = charts.overlay_radar(series, data["target"], data["labels"])
    # Small multiples: one radar per assessment, on the same scale, each in its overlay colour.
    data["multiples"] = [charts.small_radar(name, scores, data["target"], data["labels"], index)
                         for index, (name, scores) in enumerate(series)]
    return data


# --------------------------------------------------------------------------
# Quarter after quarter: re-assessments that start from last period's answers
# --------------------------------------------------------------------------


def latest_of_scope(db: Database, org_id: int, unit_id: int | None) -> dict[str, Any] | None:
    """The latest submitted assessment of the organisation (unit None: its own, not its units') or of one unit."""
    rows = store.history(db, org_id, unit_id)
    return rows[-1] if rows else None


def start_reassessment(db: Database, c: Content, org_id: int, user_id: int, *, unit_id: int | None,
                       period: str | None, assessed_on: str | None, title: str = "") -> int:
    """Start the next assessment of the organisation (or unit) with last period's profile, answers,
    target and planning choices prefilled, the answers waiting to be confirmed; return the response id.

    Raise store.NotFound when the scope has no submitted assessment to start from.
    """
    previous = latest_of_scope(db, org_id, unit_id)
    if previous is None:
        raise store.NotFound("nothing submitted yet to start from")
    questionnaire = c.default_questionnaire
    result = store.load_snapshot(db, previous["snapshot_id"])["result"]
    target, plan = store.planning_choices(db, previous["id"])
    plan = {k: v for k, v in (plan or {}).items() if k != "start_date"}  # the new roadmap starts when it is made
    answers = reassessment.prefill_answers(questionnaire, result.get("answers") or {})
    return store.create_reassessment(
        db, org_id, user_id, questionnaire.id, questionnaire.version, previous_id=previous["id"],
        answers=answers, evidence=reassessment.prefill_evidence(answers, result.get("evidence") or {}),
        context=reassessment.prefill_context(questionnaire, result.get("context") or {}),
        period=period, assessed_on=assessed_on, unit_id=unit_id, title=title, target=target, plan=plan or None)


def reassessment_view(db: Database, response: Mapping[str, Any], questionnaire: Questionnaire,
                      with_changes: bool = False, *, answers: Mapping[str, int | None] | None = None,
                      evidence: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, Any] | None:
    """For a prefilled response: last time's levels and each answer's state (and, ``with_changes``,
    what changed since last time, for the review page); None for a response that was not prefilled.

    ``answers`` and ``evidence``: the response's own, when the page has read them already.
    """
    prefill = store.prefill_of(db, response["id"])
    if prefill is None:
        return None
    answers = store.load_answers(db, response["id"]) if answers is None else answers
    unconfirmed = store.unconfirmed_answers(db, response["id"])
    view = {**prefill, "states": reassessment.answer_states(prefill["levels"], answers, unconfirmed)}
    # Of last time's result only what the page needs, in one read: its evidence (and, for the review, its
    # profile), never the whole frozen result (about 100 KB of JSON).
    previous = store.snapshot_parts(db, prefill["snapshot_id"], "evidence", *(("context",) if with_changes else ()))
    # Evidence still as it came from last time, marked "from last time (period)" until confirmed or edited.
    evidence = store.load_evidence(db, response["id"]) if evidence is None else evidence
    view["carried"] = reassessment.carried_evidence(previous["evidence"] or {}, evidence, unconfirmed)
    if with_changes:
        view["changes"] = reassessment.changes_since(questionnaire, prefill["levels"], answers, unconfirmed,
                                                     previous["context"] or {}, response["context"])
    return view


def workshop_baseline(db: Database, workshop: Mapping[str, Any]) -> dict[str, Any] | None:
    """The earlier result a workshop started from, to show beside the room: its period and its
    score per capability area and overall; None when the workshop started blank."""
    previous = store.previous_assessment(db, workshop["assessment_id"])
    if previous is None:
        return None
    summary = store.snapshot_summary(db, previous["snapshot_id"])
    return {"assessment_id": previous["id"], "period": previous["period"], "assessed_on": previous["assessed_on"],
            "scores": dict(summary.get("scores") or {}), "overall": summary.get("overall")}


# --------------------------------------------------------------------------
# Reports: what the report writers read, assembled from a frozen result and the store
# --------------------------------------------------------------------------


def _questionnaire_data(c: Content, result: Mapping[str, Any]) -> dict[str, Any] | None:
    questionnaire = c.questionnaires.get(result["questionnaire"]["id"])
    return questionnaire_as_dict(questionnaire) if questionnaire else None


def self_report(db: Database, c: Content, response: Mapping[str, Any], snapshot: Mapping[str, Any],
                start: date) -> dict[str, Any]:
    """The report of a self-assessment's frozen result (with its organisation's name once attached)."""
    result = snapshot["result"]
    subject: dict[str, Any] = {"kind": "self", "title": response.get("title") or "",
                               "assessed_on": (response.get("assessed_on") or response.get("submitted_at")
                                               or snapshot["created_at"])[:10]}
    if response.get("org_id"):
        subject["organisation"] = store.get_org(db, response["org_id"])["name"]
    return build_report(result, _questionnaire_data(c, result), subject=subject, start=start)


def workshop_report(db: Database, c: Content, org: Mapping[str, Any], workshop: Mapping[str, Any],
                    snapshot: Mapping[str, Any], start: date) -> dict[str, Any]:
    """The report of a closed workshop: its result, the distribution per question and the agreed levels."""
    result = snapshot["result"]
    stats = room_summary(db, c, workshop)["stats"]
    return build_report(result, _questionnaire_data(c, result), start=start, workshop_stats=stats,
                        subject={"kind": "workshop", "organisation": org["name"], "title": workshop["title"],
                                 "period": workshop.get("period") or "",
                                 "assessed_on": (workshop.get("closed_at") or snapshot["created_at"])[:10]})


def report_history(db: Database, org_id: int, unit: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The assessments an organisation's (or unit's) report tells the history of, the latest last."""
    rows = store.history(db, org_id, unit["id"] if unit else None)
    if not rows and unit is None:
        rows = store.history(db, org_id, "all")  # only unit assessments so far: the latest of any
    return rows


def org_report(db: Database, c: Content, org: Mapping[str, Any], unit: Mapping[str, Any] | None,
               start: date, benchmark_hours: float = 24) -> dict[str, Any] | None:
    """The organisation's (or one unit's) latest result with its history and roadmap progress; None before any.

    The whole organisation's report carries the roll-up of its units (side by side, the mean and
    minimum per area, pitfalls across units, progress per unit); assessed only unit by unit, it is
    built from that roll-up alone, never from one unit's result.
    """
    every = store.history(db, org["id"], "all")
    rows = [r for r in every if r["unit_id"] == (unit["id"] if unit else None)]
    units = store.units(db, org["id"])
    names = {u["id"]: u["name"] for u in units}
    rollup = None
    # The whole organisation's report says where it stands in the pooled benchmark, when it takes part.
    pooled = None
    if unit is None:
        data = hist.build_dashboard(every, units, None, dimension_titles(c))
        rollup = rollup_section(data, units_progress(db, org["id"], data) if data.get("unit_latest") else None)
        pooled = org_benchmark(c, store.pooled_benchmark(db, benchmark_hours), org["id"])
    if not rows:
        if rollup is None:
            return None
        latest = data["unit_latest"][-1][1]
        frozen = store.load_snapshot(db, latest["snapshot_id"])["result"]["questionnaire"]
        questionnaire = {"id": frozen["id"], "version": frozen["version"], "title": frozen.get("title", frozen["id"])}
        return build_rollup_report(org["name"], rollup, questionnaire, history=history_from_store(every, names),
                                   benchmark=pooled)
    latest = rows[-1]
    snapshot = store.load_snapshot(db, latest["snapshot_id"])
    result = snapshot["result"]
    progress = store.progress(db, org["id"], unit["id"] if unit else 0)
    subject = {"kind": "organisation", "organisation": org["name"], "unit": unit["name"] if unit else "",
               "title": latest.get("title") or "", "period": latest["period"], "assessed_on": latest["assessed_on"]}
    report = build_report(result, _questionnaire_data(c, result), subject=subject, start=start,
                          history=history_from_store(rows, names), progress=progress,
                          workshop_stats=None, benchmark=pooled)
    if rollup is not None:
        report["rollup"] = rollup
    return report


def import_answers(db: Database, c: Content, data: Mapping[str, Any]) -> tuple[int, str]:
    """Start a self-assessment holding the answers of a filled template, ready for review.

    Raise BadDocument when what the template holds is not an acceptable answers document."""
    document = parse_document(c, data)
    questionnaire = c.questionnaire(document["questionnaire"])
    return store.import_self_assessment(db, questionnaire.id, questionnaire.version, answers=document["answers"],
                                        context=document["context"], notes=document["notes"],
                                        target=document["target"] or None, evidence=document["evidence"],
                                        plan=document["plan"] or None)


# --------------------------------------------------------------------------
# Export everything: one archive of an organisation's data, for machines and for people
# --------------------------------------------------------------------------

ARCHIVE_README = """PMO Advisor: everything of the organisation "{name}", exported {at}.

organisation.json   every assessment with its answers, notes and frozen results (snapshots),
                    units, members, workshops with their consensus, roadmap progress and the
                    audit log. Import it into another PMO Advisor server with
                    flask --app app data import organisation-export.zip --owner you@example.org
reports/            the organisation's latest result with its history, as PDF and Excel
                    (only once an assessment has been submitted)
"""


def export_archive(db: Database, c: Content, org: Mapping[str, Any], today: date | None = None) -> bytes:
    """The organisation's complete data as a zip: organisation.json, a README and its report (PDF, XLSX)."""
    import io
    import json
    import zipfile

    from .reports import render_file

    data = store.export_org(db, org["id"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organisation.json", json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True))
        archive.writestr("README.txt", ARCHIVE_README.format(name=org["name"], at=data["exported_at"]))
        report = org_report(db, c, org, None, today or date.today())
        if report is not None:
            for fmt in ("pdf", "xlsx"):
                archive.writestr(f"reports/organisation-report.{fmt}", render_file(report, fmt))
    return out.getvalue()


MAX_ARCHIVE_JSON = 256 * 2**20  # bytes of organisation.json an import reads


def read_archive(raw: bytes) -> dict[str, Any]:
    """The organisation.json of an export archive (or a bare JSON export); raise store.UnreadableArchive."""
    import io
    import json
    import zipfile

    try:
        if raw[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                # Read at most the limit, whatever the archive claims: a small zip may unpack to gigabytes.
                with archive.open("organisation.json") as member:
                    raw = member.read(MAX_ARCHIVE_JSON + 1)
        if len(raw) > MAX_ARCHIVE_JSON:
            raise store.UnreadableArchive(f"its organisation.json is over {MAX_ARCHIVE_JSON // 2**20} MB, "
                                          "more than any organisation holds")
        data = json.loads(raw.decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise store.UnreadableArchive(f"this is not a PMO Advisor export archive ({err})") from None
    except RecursionError:
        raise store.UnreadableArchive("this is not a PMO Advisor export archive (nested too deeply)") from None
    store.check_archive(data)
    return data
