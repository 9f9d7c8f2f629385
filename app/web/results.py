"""The result of a submitted self-assessment: the page and the JSON at a stable URL."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, render_template, url_for

from .. import charts, store
from ..db import get_db
from ..engine import Content, run_assessment
from . import content

bp = Blueprint("results", __name__)


def compute_result(c: Content, questionnaire_id: str, answers: dict, context: dict,
                   target: dict | None) -> tuple[dict, dict]:
    """Run the engine on stored answers and build the radar once, to be frozen in a snapshot."""
    questionnaire = c.questionnaire(questionnaire_id)
    # Stored answers to questions a later content version dropped are ignored, not fatal.
    known = {qid: level for qid, level in answers.items() if questionnaire.question(qid) is not None}
    result = run_assessment(c, known, context, target or None, questionnaire_id)
    return result, charts.result_radar(result, result["questionnaire"]["dimensions"])


def _snapshot_for(token: str) -> tuple[dict, dict | None]:
    from .assess import load_response

    response, _questionnaire = load_response(token)
    if response["status"] != "submitted" or response["snapshot_id"] is None:
        return response, None
    return response, store.load_snapshot(get_db(), response["snapshot_id"])


@bp.get("/r/<token>/result")
def result_page(token: str):
    response, snapshot = _snapshot_for(token)
    if snapshot is None:
        return redirect(url_for("assess.review", token=token))
    result: dict[str, Any] = snapshot["result"]
    questionnaire = content().questionnaires.get(result["questionnaire"]["id"])
    return render_template(
        "results/result.html",
        token=token,
        result=result,
        snapshot=snapshot,
        questionnaire=questionnaire,
        json_url=url_for("results.result_json", token=token),
    )


@bp.get("/r/<token>/result.json")
def result_json(token: str):
    """The frozen result, exactly as stored."""
    _response, snapshot = _snapshot_for(token)
    if snapshot is None:
        return {"error": "this assessment has not been submitted yet", "status": 404}, 404
    return Response(snapshot["result_json"], mimetype="application/json")
