"""Application services shared by the web, the CLI and the demo: compute and freeze results."""

from __future__ import annotations

from . import charts
from .engine import Content, run_assessment


def figures_for(result: dict) -> dict[str, dict]:
    """The figures shown with a result, built once when the result is frozen."""
    labels = result["questionnaire"]["dimensions"]
    return {"radar": charts.result_radar(result, labels), "timeline": charts.timeline_figure(result["roadmap"], labels)}


def compute_result(c: Content, questionnaire_id: str, answers: dict, context: dict,
                   target: dict | None, notes: dict | None = None) -> tuple[dict, dict]:
    """Run the engine on stored answers and build the figures, to be frozen in a snapshot."""
    questionnaire = c.questionnaire(questionnaire_id)
    # Stored answers to questions a later content version dropped are ignored, not fatal.
    known = {qid: level for qid, level in answers.items() if questionnaire.question(qid) is not None}
    result = run_assessment(c, known, context, target or None, questionnaire_id)
    result["notes"] = dict(notes or {})
    return result, figures_for(result)


# A role's figures are shown (on the projector, to the whole room) only from this many people on.
WORKSHOP_MIN_GROUP = 3


def workshop_summary(c: Content, workshop: dict, responses: list[dict], agreed: dict[str, dict]) -> dict:
    """The live (or final) picture of a workshop: counts, per-question stats, disagreement, band, roles."""
    from .engine.aggregate import dimension_band, disagreement, per_question, role_medians

    questionnaire = c.questionnaire(workshop["questionnaire_id"])
    started = [r for r in responses if r["answers"]]
    stats = per_question(questionnaire, started)
    ranked = disagreement(questionnaire, stats)
    for row in ranked:
        row["consensus"] = agreed.get(row["question"])
    minimum = WORKSHOP_MIN_GROUP  # in named mode too: the room sees only combined results
    return {
        "counts": {
            "joined": len(responses),
            "in_progress": sum(1 for r in responses if r["answers"] and r["status"] != "submitted"),
            "submitted": sum(1 for r in responses if r["status"] == "submitted"),
            "not_started": sum(1 for r in responses if not r["answers"] and r["status"] != "submitted"),
        },
        "stats": stats,
        "discussion": ranked,
        "band": dimension_band(questionnaire, started),
        "roles": role_medians(questionnaire, started, minimum_group=minimum) if workshop["roles"] else {},
        "labels": {d.id: d.title for d in questionnaire.dimensions},
    }


def compute_workshop_result(c: Content, workshop: dict, responses: list[dict],
                            agreed: dict[str, dict], target: dict | None = None) -> tuple[dict, dict]:
    """The workshop's result: consensus where recorded, the participants' median elsewhere."""
    from .engine.aggregate import aggregate_answers

    questionnaire = c.questionnaire(workshop["questionnaire_id"])
    started = [r for r in responses if r["answers"]]
    answers = aggregate_answers(questionnaire, started, {q: a["level"] for q, a in agreed.items()})
    result = run_assessment(c, answers, workshop["context"], target or None, questionnaire.id)
    summary = workshop_summary(c, workshop, responses, agreed)
    result["notes"] = {}
    result["workshop"] = {
        "title": workshop["title"],
        "mode": workshop["mode"],
        "participants": summary["counts"]["joined"],
        "answered": len(started),
        "submitted": summary["counts"]["submitted"],
        "consensus": {q: {"level": a["level"], "note": a["note"]} for q, a in agreed.items()},
        "disagreement": [
            {k: row[k] for k in ("question", "dimension", "text", "median", "iqr", "stdev", "spread", "counts",
                                 "answered", "dont_know", "consensus")}
            for row in summary["discussion"][:10]
        ],
        "band": summary["band"],
        "roles": summary["roles"],
    }
    figures = figures_for(result)
    figures["radar"] = charts.band_radar(summary["band"], result["roadmap"].get("target"), summary["labels"])
    return result, figures
