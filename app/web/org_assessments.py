"""An organisation's assessments: start one, open one, label it (period, date, unit), re-score it,
and attach a stand-alone self-assessment to the organisation."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from .. import service, store
from ..db import get_db
from .access import load_response, login_required, member_token, member_view, require_member
from .audit import audited
from .current import content
from .errors import unchanged
from .messages import refusal
from .orgs import refused_form
from .params import optional_id, parse_int
from .periods import next_free_period, period_problem

bp = Blueprint("org_assessments", __name__, url_prefix="/orgs/<int:org_id>/assessments")
# Attaching starts from the assessment's own private link, outside /orgs.
attaching = Blueprint("attach", __name__)

MAX_TITLE = 120


def _title(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_TITLE]


@bp.post("")
@member_view()
def start(org_id: int):
    """Start a self-assessment of this organisation, answered by the signed-in member: blank, or
    (start_from=previous) with the scope's last profile and answers prefilled. A choice it cannot take
    brings the dashboard back with everything typed and the reason beside its field; nothing is created."""
    questionnaire = content().default_questionnaire
    typed = {key: request.form.get(key, "")
             for key in ("period", "assessed_on", "unit", "title", "start_from", "same_period")}
    db = get_db()
    unit_id = parse_int(typed["unit"]) if typed["unit"] else None
    period = " ".join(typed["period"].split()) or next_free_period(db, org_id, unit_id)
    title = _title(typed["title"])
    errors = {}
    if typed["assessed_on"] and not _is_date(typed["assessed_on"]):
        errors["assessed_on"] = "Give the date as a calendar day, such as 2026-11-25."
    if typed["unit"] and (unit_id is None or unit_id not in {u["id"] for u in store.units(db, org_id)}):
        errors["unit"] = "That unit is not one of this organisation's: choose one from the list."
    elif problem := period_problem(db, org_id, unit_id, store.units(db, org_id), period, typed["same_period"] == "1"):
        errors["period"] = problem
    if typed["start_from"] not in ("", "blank", "previous"):
        errors["start_from"] = "Start from the last result, or blank."
    elif typed["start_from"] == "previous" and "unit" not in errors \
            and service.latest_of_scope(db, org_id, unit_id) is None:
        errors["start_from"] = ("The chosen scope has no submitted assessment to start from yet: "
                                "choose Blank, or another unit.")
    if errors:
        return refused_form(org_id, "start", errors, typed)
    assessed_on = typed["assessed_on"] or None
    if typed["start_from"] == "previous":
        response_id = service.start_reassessment(db, content(), org_id, g.user["id"], unit_id=unit_id,
                                                 period=period, assessed_on=assessed_on, title=title)
        flash("Last period's profile and answers are filled in. Confirm or change each answer; "
              "the review shows what changed.", "info")
        return redirect(url_for("assess.overview", token=member_token(response_id), new=1))
    try:
        response_id = store.create_org_assessment(db, org_id, g.user["id"], questionnaire.id,
                                                  questionnaire.version, title=title,
                                                  period=period, assessed_on=assessed_on, unit_id=unit_id)
    except store.NotFound:
        abort(404)
    return redirect(url_for("assess.overview", token=member_token(response_id), new=1))


def _is_date(raw: str) -> bool:
    try:
        date.fromisoformat(raw)
    except ValueError:
        return False
    return True


@bp.get("/<int:assessment_id>")
@member_view()
def show(org_id: int, assessment_id: int):
    """Open an assessment of this organisation (its result once submitted)."""
    db = get_db()
    workshop_id = store.workshop_of_assessment(db, org_id, assessment_id)
    if workshop_id is not None:
        return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id))
    try:
        response = store.first_response(db, org_id, assessment_id)
    except store.NotFound:
        abort(404)
    token = member_token(response["id"])
    if response["status"] == "submitted":
        return redirect(url_for("results.result_page", token=token))
    return redirect(url_for("assess.overview", token=token))


@bp.post("/<int:assessment_id>/details")
@member_view()
def details(org_id: int, assessment_id: int):
    unit_id = optional_id(request.form.get("unit"), "Unknown unit. Nothing was changed.")
    try:
        store.set_assessment_details(get_db(), org_id, assessment_id, period=request.form.get("period", ""),
                                     assessed_on=request.form.get("assessed_on", ""), unit_id=unit_id)
    except store.NotFound:
        abort(404)
    except store.StoreError as err:
        unchanged(refusal(err))
    flash("The assessment's period and unit were saved.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id) + "#assessments-heading")


@bp.post("/<int:assessment_id>/rescore")
@member_view()
def rescore(org_id: int, assessment_id: int):
    """Re-score a closed assessment under the current content: a new snapshot; the old one is kept."""
    try:
        with audited("rescored", org_id, "assessment", assessment_id, detail=f"under content {content().hash[:12]}"):
            service.rescore_assessment(get_db(), content(), org_id, assessment_id)
    except store.NotFound:
        abort(404)
    except store.AssessmentOpen:
        abort(400, description="Only a submitted assessment can be re-scored. Nothing was changed.")
    except store.AnswersPurged:
        abort(400, description="The workshop's individual answers were purged under the retention settings, "
                               "so it cannot be re-scored; its result stays as it was. Nothing was changed.")
    flash("The assessment was re-scored under the current content. The earlier result is kept in its history.",
          "success")
    return redirect(url_for("org_assessments.show", org_id=org_id, assessment_id=assessment_id))


@attaching.post("/r/<token>/attach")
@login_required
def attach(token: str):
    """Give a stand-alone assessment, opened by its private link, to one of the user's organisations."""
    response, _questionnaire = load_response(token)
    org_id = optional_id(request.form.get("org_id"), "Choose an organisation. Nothing was changed.")
    if org_id is None:
        abort(400, description="Choose an organisation. Nothing was changed.")
    require_member(org_id)
    if response["org_id"] is not None:
        abort(400, description="This assessment already belongs to an organisation. Nothing was changed.")
    store.attach_assessment(get_db(), response["assessment_id"], org_id, title=_title(request.form.get("title")))
    flash("The assessment now belongs to the organisation. Its private link only works for members from now on.",
          "success")
    return redirect(url_for("orgs.detail", org_id=org_id))
