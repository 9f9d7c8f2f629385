"""Consultant workshops, the facilitator's side: create, run (projector, reveal, consensus), close, report.

These pages live under /orgs/<org_id>/workshops and check membership like every
organisation page; only facilitators and admins change anything. The participants' side
is in participate.py.
"""

from __future__ import annotations

import io
from datetime import date

import segno
from flask import Blueprint, Response, abort, flash, g, jsonify, redirect, render_template, request, url_for

from .. import service, store
from ..db import get_db
from ..engine import InvalidInput
from ..engine.vocabulary import LEVELS
from .access import can_facilitate, facilitator_view, member_view
from .current import content, public_url
from .errors import error_response
from .messages import refusal
from .params import (
    optional_id,
    parse_context_form,
    parse_level,
    plan_from_form,
    start_date_from,
    target_from_form,
)
from .result_pages import report_downloads, result_context, roadmap_csv_response

bp = Blueprint("workshops", __name__, url_prefix="/orgs/<int:org_id>/workshops")

DEFAULT_ROLES = "Executive, PMO, Delivery, Engineering"
MAX_NOTE = 500


def _workshop(org_id: int, workshop_id: int) -> dict:
    try:
        return store.get_workshop(get_db(), org_id, workshop_id)
    except store.NotFound:
        abort(404)


def join_url(workshop: dict) -> str:
    return public_url("participate.join", code=workshop["join_code"])


def pretty_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


@bp.route("/new", methods=["GET", "POST"])
@facilitator_view
def create(org_id: int):
    db = get_db()
    questionnaire = content().default_questionnaire
    units = store.units(db, org_id)
    values = dict(store.latest_context(db, org_id))
    errors: dict[str, str] = {}
    form = {"title": "", "mode": "anonymous", "roles": DEFAULT_ROLES, "unit": "", "start_from": "previous"}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in form}
        parsed, missing, invalid = parse_context_form(questionnaire, request.form)
        errors = {**missing, **invalid}
        values.update({k: request.form.get(k) for k in invalid})
        values.update(parsed)
        if not form["title"].strip():
            errors["title"] = "Please give the workshop a title."
        if form["mode"] not in store.WORKSHOP_MODES:
            errors["mode"] = "Choose anonymous or named."
        unit_id = optional_id(form["unit"], "Unknown unit. Nothing was created.")
        # Starting from the last result shows it beside the room on the projector.
        previous = service.latest_of_scope(db, org_id, unit_id) if form["start_from"] == "previous" else None
        if not errors:
            try:
                workshop_id = store.create_workshop(
                    db, org_id, g.user["id"], title=form["title"], mode=form["mode"],
                    roles=form["roles"].split(","), context=parsed, questionnaire_id=questionnaire.id,
                    questionnaire_version=questionnaire.version, unit_id=unit_id,
                    previous_id=previous["id"] if previous else None)
            except store.NotFound:
                abort(404)
            except store.StoreError as err:
                errors["title"] = refusal(err)
            else:
                flash("The workshop is open. Show the projector page so people can join.", "success")
                return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id))
    return render_template("workshops/new.html", org=g.org, questionnaire=questionnaire, values=values,
                           errors=errors, form=form, units=units,
                           last_results=_last_results(db, org_id, units)), 400 if errors else 200


def _last_results(db, org_id: int, units: list[dict]) -> dict[int | None, str]:
    """The period of the last result per scope (None: the whole organisation) that has one."""
    latest = {scope: service.latest_of_scope(db, org_id, scope) for scope in [None, *(u["id"] for u in units)]}
    return {scope: row["period"] for scope, row in latest.items() if row}


@bp.get("")
@member_view()
def index(org_id: int):
    return render_template("workshops/index.html", org=g.org, workshops=store.workshops_of(get_db(), org_id),
                           can_run=can_facilitate(g.user), pretty_code=pretty_code)


@bp.get("/<int:workshop_id>")
@member_view()
def detail(org_id: int, workshop_id: int):
    """The facilitator's control page: join details, live summary, discussion and consensus, close."""
    workshop = _workshop(org_id, workshop_id)
    if workshop["status"] == "closed":
        return redirect(url_for("workshops.report", org_id=org_id, workshop_id=workshop_id))
    db = get_db()
    people = store.responses_with_answers(db, workshop["assessment_id"]) if workshop["mode"] == "named" else []
    return render_template("workshops/detail.html", org=g.org, workshop=workshop,
                           summary=service.room_summary(db, content(), workshop),
                           questionnaire=content().questionnaire(workshop["questionnaire_id"]), people=people,
                           join_url=join_url(workshop), code=pretty_code(workshop["join_code"]), levels=LEVELS,
                           can_run=can_facilitate(g.user))


@bp.get("/<int:workshop_id>/projector")
@member_view()
def projector(org_id: int, workshop_id: int):
    workshop = _workshop(org_id, workshop_id)
    return render_template("workshops/projector.html", org=g.org, workshop=workshop, join_url=join_url(workshop),
                           code=pretty_code(workshop["join_code"]),
                           live_url=url_for("workshops.live", org_id=org_id, workshop_id=workshop_id))


@bp.get("/<int:workshop_id>/live.json")
@member_view()
def live(org_id: int, workshop_id: int):
    """What the projector shows, polled every few seconds. Aggregates only: never a person's answers."""
    workshop = _workshop(org_id, workshop_id)
    summary = service.room_summary(get_db(), content(), workshop)
    response = jsonify(service.live_payload(content(), workshop, summary))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:workshop_id>/qr.svg")
@member_view()
def qr(org_id: int, workshop_id: int):
    workshop = _workshop(org_id, workshop_id)
    out = io.BytesIO()
    segno.make(join_url(workshop), error="m").save(out, kind="svg", scale=10, border=2, dark="#111", light="#fff")
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/<int:workshop_id>/reveal")
@facilitator_view
def reveal(org_id: int, workshop_id: int):
    workshop = _workshop(org_id, workshop_id)
    revealed = request.form.get("revealed") == "1"
    store.set_revealed(get_db(), workshop["id"], revealed)
    flash("Results are now shown to the room." if revealed else "Results are hidden again.", "info")
    view = "workshops.projector" if request.form.get("back") == "projector" else "workshops.detail"
    return redirect(url_for(view, org_id=org_id, workshop_id=workshop_id))


@bp.post("/<int:workshop_id>/consensus")
@facilitator_view
def record_consensus(org_id: int, workshop_id: int):
    workshop = _workshop(org_id, workshop_id)
    questionnaire = content().questionnaire(workshop["questionnaire_id"])
    question_id = request.form.get("question_id", "")
    if questionnaire.question(question_id) is None:
        abort(400, description=f"Unknown question {question_id!r}. Nothing was recorded.")
    raw = request.form.get("level", "")
    level = parse_level(raw)
    if raw and level is None:
        abort(400, description=f"The agreed level must be 1 to 5, not {raw!r}. Nothing was recorded.")
    note = request.form.get("note", "")
    if len(note) > MAX_NOTE:
        abort(400, description="The note can have at most 500 characters. Nothing was recorded.")
    try:
        store.set_consensus(get_db(), workshop["id"], question_id, level, note, g.user["id"])
    except store.AssessmentClosed:
        abort(409, description="The workshop is closed; its result can no longer change.")
    flash("Consensus recorded." if raw else "Consensus removed; the median is used again.", "success")
    return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id) + f"#q-{question_id}")


@bp.post("/<int:workshop_id>/close")
@facilitator_view
def close(org_id: int, workshop_id: int):
    """Close the workshop: its result is computed, frozen, and added to the organisation's history."""
    service.close_workshop(get_db(), content(), _workshop(org_id, workshop_id))
    flash("The workshop is closed. Its result is now part of the organisation's history.", "success")
    return redirect(url_for("workshops.report", org_id=org_id, workshop_id=workshop_id))


def _report_snapshot(org_id: int, workshop_id: int) -> tuple[dict, dict]:
    workshop = _workshop(org_id, workshop_id)
    if workshop["status"] != "closed" or workshop["snapshot_id"] is None:
        abort(404)
    return workshop, store.load_snapshot(get_db(), workshop["snapshot_id"])


@bp.get("/<int:workshop_id>/report")
@member_view()
def report(org_id: int, workshop_id: int):
    workshop, snapshot = _report_snapshot(org_id, workshop_id)
    links = {"json": url_for("workshops.report_json", org_id=org_id, workshop_id=workshop_id),
             "target": url_for("workshops.change_target", org_id=org_id, workshop_id=workshop_id),
             "csv": url_for("workshops.report_csv", org_id=org_id, workshop_id=workshop_id)}
    report = service.workshop_report(get_db(), content(), g.org, workshop, snapshot, date.today())
    downloads = report_downloads("reports.workshop_report", report, org_id=org_id, workshop_id=workshop_id)
    return render_template("workshops/report.html", org=g.org, workshop=workshop, **result_context(snapshot, links),
                           report=report, downloads=downloads, heading=f"Workshop result: {workshop['title']}")


@bp.get("/<int:workshop_id>/report.json")
@member_view()
def report_json(org_id: int, workshop_id: int):
    _workshop_row, snapshot = _report_snapshot(org_id, workshop_id)
    return Response(snapshot["result_json"], mimetype="application/json")


@bp.get("/<int:workshop_id>/roadmap.csv")
@member_view()
def report_csv(org_id: int, workshop_id: int):
    _workshop_row, snapshot = _report_snapshot(org_id, workshop_id)
    start = start_date_from(request.args)
    return roadmap_csv_response(snapshot["result"], start, f"workshop-roadmap-{start}.csv")


@bp.post("/<int:workshop_id>/target")
@member_view()
def change_target(org_id: int, workshop_id: int):
    workshop, snapshot = _report_snapshot(org_id, workshop_id)
    target = target_from_form(request.form)
    plan = plan_from_form(request.form, snapshot["result"]["roadmap"].get("roles", []))
    try:
        service.change_target(get_db(), content(), workshop["assessment_id"], snapshot, target, plan)
    except InvalidInput as err:
        return error_response(400, "The plan could not be changed", f"{err}. Nothing was changed.")
    flash("The roadmap was re-planned.", "success")
    return redirect(url_for("workshops.report", org_id=org_id, workshop_id=workshop_id) + "#roadmap-heading")
