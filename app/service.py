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
