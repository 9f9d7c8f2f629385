"""Consultant workshops: a facilitator runs the assessment with a room of participants.

Facilitator pages live under /orgs/<org_id>/workshops and check membership like every
organisation page. Participants need no account: they join with a code, and the token
that identifies them lives in an HttpOnly cookie, never in the URL.
"""

from __future__ import annotations

import io
import json

import segno
from flask import Blueprint, Response, abort, flash, g, jsonify, redirect, render_template, request, url_for

from .. import charts, store
from ..db import get_db
from ..engine.assessment import replan
from ..engine.vocabulary import DIMENSIONS, LEVELS
from ..service import compute_workshop_result, figures_for, workshop_summary
from . import content, error_response, refuse
from .assess import Flow, answer_dimension, parse_context_form, progress, review_page, save_json_answers
from .auth import client_address
from .orgs import member_view

bp = Blueprint("workshops", __name__)
participate = Blueprint("participate", __name__)

COOKIE_PREFIX = "pmo_ws"
NO_WORKSHOP = ("No open workshop", "There is no open workshop with this code. Check the code on the projector, "
                                   "or ask the facilitator.")


def facilitator_view(view):
    """Members who may run workshops: facilitators and admins of the organisation."""
    import functools

    @functools.wraps(view)
    @member_view()
    def wrapped(org_id: int, *args, **kwargs):
        if g.user["role"] not in ("facilitator", "admin"):
            abort(403, description="Only facilitators run workshops.")
        return view(org_id, *args, **kwargs)
    return wrapped


def _workshop(org_id: int, workshop_id: int) -> dict:
    try:
        return store.get_workshop(get_db(), org_id, workshop_id)
    except store.NotFound:
        abort(404)


def join_url(workshop: dict) -> str:
    return url_for("participate.join", code=workshop["join_code"], _external=True)


def pretty_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _summary(workshop: dict) -> dict:
    db = get_db()
    return workshop_summary(content(), workshop, store.responses_with_answers(db, workshop["assessment_id"]),
                            store.consensus(db, workshop["id"]))


# --------------------------------------------------------------------------
# Facilitator
# --------------------------------------------------------------------------


@bp.route("/orgs/<int:org_id>/workshops/new", methods=["GET", "POST"])
@facilitator_view
def create(org_id: int):
    db = get_db()
    questionnaire = content().default_questionnaire
    units = store.units(db, org_id)
    history = store.history(db, org_id, "all")
    latest_context = {}
    if history:
        row = db.execute("SELECT result_json FROM snapshots WHERE id = ?", [history[-1]["snapshot_id"]]).fetchone()
        latest_context = json.loads(row[0]).get("context", {})
    values = dict(latest_context)
    errors: dict[str, str] = {}
    form = {"title": "", "mode": "anonymous", "roles": "Executive, PMO, Delivery, Engineering", "unit": ""}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in form}
        parsed, missing, invalid = parse_context_form(questionnaire, request.form)
        errors = {**missing, **invalid}
        values.update({k: request.form.get(k) for k in invalid})
        values.update(parsed)
        if not form["title"].strip():
            errors["title"] = "Please give the workshop a title."
        if form["mode"] not in ("anonymous", "named"):
            errors["mode"] = "Choose anonymous or named."
        unit_id = int(form["unit"]) if form["unit"].isdigit() else None
        if not errors:
            try:
                workshop_id = store.create_workshop(
                    db, org_id, g.user["id"], title=form["title"], mode=form["mode"],
                    roles=form["roles"].split(","), context=parsed, questionnaire_id=questionnaire.id,
                    questionnaire_version=questionnaire.version, unit_id=unit_id)
            except store.NotFound:
                abort(404)
            except store.StoreError as err:
                errors["title"] = str(err).capitalize() + "."
            else:
                flash("The workshop is open. Show the projector page so people can join.", "success")
                return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id))
    return render_template("workshops/new.html", org=g.org, questionnaire=questionnaire, values=values,
                           errors=errors, form=form, units=units), 400 if errors else 200


@bp.get("/orgs/<int:org_id>/workshops")
@member_view()
def index(org_id: int):
    return render_template("workshops/index.html", org=g.org, workshops=store.workshops_of(get_db(), org_id),
                           can_run=g.user["role"] in ("facilitator", "admin"), pretty_code=pretty_code)


@bp.get("/orgs/<int:org_id>/workshops/<int:workshop_id>")
@member_view()
def detail(org_id: int, workshop_id: int):
    """The facilitator's control page: join details, live summary, discussion and consensus, close."""
    workshop = _workshop(org_id, workshop_id)
    if workshop["status"] == "closed":
        return redirect(url_for("workshops.report", org_id=org_id, workshop_id=workshop_id))
    summary = _summary(workshop)
    questionnaire = content().questionnaire(workshop["questionnaire_id"])
    people = []
    if workshop["mode"] == "named":
        people = store.responses_with_answers(get_db(), workshop["assessment_id"])
    return render_template("workshops/detail.html", org=g.org, workshop=workshop, summary=summary,
                           questionnaire=questionnaire, people=people, join_url=join_url(workshop),
                           code=pretty_code(workshop["join_code"]), levels=LEVELS,
                           can_run=g.user["role"] in ("facilitator", "admin"))


@bp.get("/orgs/<int:org_id>/workshops/<int:workshop_id>/projector")
@member_view()
def projector(org_id: int, workshop_id: int):
    workshop = _workshop(org_id, workshop_id)
    return render_template("workshops/projector.html", org=g.org, workshop=workshop, join_url=join_url(workshop),
                           code=pretty_code(workshop["join_code"]),
                           live_url=url_for("workshops.live", org_id=org_id, workshop_id=workshop_id))


@bp.get("/orgs/<int:org_id>/workshops/<int:workshop_id>/live.json")
@member_view()
def live(org_id: int, workshop_id: int):
    """What the projector shows, polled every few seconds. Aggregates only: never a person's answers."""
    workshop = _workshop(org_id, workshop_id)
    summary = _summary(workshop)
    questionnaire = content().questionnaire(workshop["questionnaire_id"])
    body = {"status": workshop["status"], "revealed": workshop["revealed"], "counts": summary["counts"]}
    if workshop["revealed"]:
        questions = [(row["question"], f"{row['question'].split('.')[1].replace('_', ' ')}")
                     for row in summary["discussion"][:12]]
        body["figures"] = {
            "radar": charts.band_radar(summary["band"], None, summary["labels"], summary["roles"]),
            "distribution": charts.distribution_figure(summary["stats"], questions) if questions else None,
        }
        body["discussion"] = [
            {"question": row["question"], "text": row["text"], "dimension": summary["labels"][row["dimension"]],
             "median": row["median"], "iqr": row["iqr"], "stdev": row["stdev"], "answered": row["answered"],
             "consensus": row["consensus"]["level"] if row["consensus"] else None}
            for row in summary["discussion"][:8]
        ]
        body["roles"] = summary["roles"]
        body["dimensions"] = [[d, summary["labels"][d]] for d in DIMENSIONS]  # JSON objects lose their order
        body["questions"] = len(questionnaire.questions())
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/orgs/<int:org_id>/workshops/<int:workshop_id>/qr.svg")
@member_view()
def qr(org_id: int, workshop_id: int):
    workshop = _workshop(org_id, workshop_id)
    out = io.BytesIO()
    segno.make(join_url(workshop), error="m").save(out, kind="svg", scale=10, border=2, dark="#111", light="#fff")
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/orgs/<int:org_id>/workshops/<int:workshop_id>/reveal")
@facilitator_view
def reveal(org_id: int, workshop_id: int):
    workshop = _workshop(org_id, workshop_id)
    revealed = request.form.get("revealed") == "1"
    store.set_revealed(get_db(), workshop["id"], revealed)
    flash("Results are now shown to the room." if revealed else "Results are hidden again.", "info")
    return redirect(request.form.get("back") == "projector" and
                    url_for("workshops.projector", org_id=org_id, workshop_id=workshop_id) or
                    url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id))


@bp.post("/orgs/<int:org_id>/workshops/<int:workshop_id>/consensus")
@facilitator_view
def record_consensus(org_id: int, workshop_id: int):
    workshop = _workshop(org_id, workshop_id)
    questionnaire = content().questionnaire(workshop["questionnaire_id"])
    question_id = request.form.get("question_id", "")
    if questionnaire.question(question_id) is None:
        abort(400, description=f"Unknown question {question_id!r}. Nothing was recorded.")
    raw = request.form.get("level", "")
    if raw not in ("", *map(str, LEVELS)):
        abort(400, description=f"The agreed level must be 1 to 5, not {raw!r}. Nothing was recorded.")
    note = request.form.get("note", "")
    if len(note) > 500:
        abort(400, description="The note can have at most 500 characters. Nothing was recorded.")
    try:
        store.set_consensus(get_db(), workshop["id"], question_id, int(raw) if raw else None, note, g.user["id"])
    except store.AssessmentClosed:
        abort(409, description="The workshop is closed; its result can no longer change.")
    flash("Consensus recorded." if raw else "Consensus removed; the median is used again.", "success")
    return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id) + f"#q-{question_id}")


@bp.post("/orgs/<int:org_id>/workshops/<int:workshop_id>/close")
@facilitator_view
def close(org_id: int, workshop_id: int):
    """Close the workshop: its result is computed, frozen, and added to the organisation's history."""
    workshop = _workshop(org_id, workshop_id)
    c = content()
    questionnaire = c.questionnaire(workshop["questionnaire_id"])
    store.close_workshop(get_db(), workshop,
                         lambda responses, agreed: compute_workshop_result(c, workshop, responses, agreed),
                         questionnaire_version=questionnaire.version, content_hash=c.hash)
    flash("The workshop is closed. Its result is now part of the organisation's history.", "success")
    return redirect(url_for("workshops.report", org_id=org_id, workshop_id=workshop_id))


def _report_snapshot(org_id: int, workshop_id: int) -> tuple[dict, dict]:
    workshop = _workshop(org_id, workshop_id)
    if workshop["status"] != "closed" or workshop["snapshot_id"] is None:
        abort(404)
    snapshot_id = get_db().execute("SELECT snapshot_id FROM assessments WHERE id = ?",
                                   [workshop["assessment_id"]]).fetchone()[0]
    return workshop, store.load_snapshot(get_db(), snapshot_id)


@bp.get("/orgs/<int:org_id>/workshops/<int:workshop_id>/report")
@member_view()
def report(org_id: int, workshop_id: int):
    from datetime import date

    workshop, snapshot = _report_snapshot(org_id, workshop_id)
    result = snapshot["result"]
    links = {"json": url_for("workshops.report_json", org_id=org_id, workshop_id=workshop_id),
             "target": url_for("workshops.change_target", org_id=org_id, workshop_id=workshop_id),
             "csv": url_for("workshops.report_csv", org_id=org_id, workshop_id=workshop_id)}
    from .results import roadmap_titles

    return render_template(
        "workshops/report.html", org=g.org, workshop=workshop, result=result, snapshot=snapshot,
        questionnaire=content().questionnaires.get(result["questionnaire"]["id"]), links=links,
        roadmap_titles=roadmap_titles(result), levels=LEVELS, dimensions=DIMENSIONS, today=date.today().isoformat(),
        catalogue_titles={i: it.title for i, it in (content().roadmap.items.items() if content().roadmap else [])},
        heading=f"Workshop result: {workshop['title']}",
    )


@bp.get("/orgs/<int:org_id>/workshops/<int:workshop_id>/report.json")
@member_view()
def report_json(org_id: int, workshop_id: int):
    _workshop_row, snapshot = _report_snapshot(org_id, workshop_id)
    return Response(snapshot["result_json"], mimetype="application/json")


@bp.get("/orgs/<int:org_id>/workshops/<int:workshop_id>/roadmap.csv")
@member_view()
def report_csv(org_id: int, workshop_id: int):
    from .results import roadmap_csv, start_date_from

    _workshop_row, snapshot = _report_snapshot(org_id, workshop_id)
    start = start_date_from(request.args)
    return Response(roadmap_csv(snapshot["result"], start), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="workshop-roadmap-{start}.csv"'})


@bp.post("/orgs/<int:org_id>/workshops/<int:workshop_id>/target")
@member_view()
def change_target(org_id: int, workshop_id: int):
    from .results import target_from_form

    workshop, snapshot = _report_snapshot(org_id, workshop_id)
    target = target_from_form(request.form)
    c = content()
    result = replan(c, snapshot["result"], target)
    figures = figures_for(result)
    room = result.get("workshop") or {}
    if room.get("band"):  # the room's picture, now against the new target
        figures["radar"] = charts.band_radar(room["band"], result["roadmap"].get("target"),
                                             result["questionnaire"]["dimensions"])
    store.replace_snapshot(get_db(), workshop["assessment_id"], result, figures, reason="target changed",
                           questionnaire_version=snapshot["questionnaire_version"], content_hash=c.hash,
                           target=target)
    flash("The roadmap was re-planned for the new target.", "success")
    return redirect(url_for("workshops.report", org_id=org_id, workshop_id=workshop_id) + "#roadmap-heading")


# --------------------------------------------------------------------------
# Participants
# --------------------------------------------------------------------------


class WorkshopFlow(Flow):
    """A participant's way through the questionnaire: the scored questions only."""

    endpoint = "participate"
    steps = (*DIMENSIONS, "review")

    def _url(self, view: str, **kwargs) -> str:
        return url_for(f"participate.{view}", code=self.key, **kwargs)

    def url(self, step: str) -> str:
        if step in ("overview", "result"):
            return self._url("overview")
        if step == "review":
            return self._url("review")
        return self._url("dimension_page", dimension=step)

    @property
    def result_url(self) -> str:
        return self._url("overview")

    def back_label(self, dimension: str) -> str:
        return "Back"

    def closed_redirect(self):
        flash("Your answers are submitted. Thank you!", "info")
        return redirect(self.result_url)


def _cookie_name(workshop: dict) -> str:
    return f"{COOKIE_PREFIX}{workshop['id']}"


def _no_workshop():
    return error_response(404, *NO_WORKSHOP)


def _open_workshop(code: str) -> dict | None:
    """The open workshop a code opens, or None (unknown and closed codes look the same)."""
    try:
        workshop = store.workshop_by_code(get_db(), code)
    except store.NotFound:
        return None
    return workshop if workshop["status"] == "open" else None


def _participant(code: str) -> tuple[dict, dict, object] | None:
    g.private_page = True
    try:
        workshop = store.workshop_by_code(get_db(), code)
        response = store.participant(get_db(), workshop, request.cookies.get(_cookie_name(workshop)))
    except store.NotFound:
        return None
    return workshop, response, content().questionnaire(workshop["questionnaire_id"])


def _require_participant(code: str) -> tuple[dict, dict, object]:
    """The participant's workshop, response and questionnaire, or the same 404 as an unknown code."""
    found = _participant(code)
    if found is None:
        refuse(404, *NO_WORKSHOP)
    return found


@participate.route("/join", methods=["GET", "POST"])
def join_form():
    """Where people type the code shown on the projector."""
    if request.method == "POST":
        code = store.normalise_code(request.form.get("code", ""))
        if len(code) < 8:
            return render_template("workshops/join_code.html", error="The code has 8 letters and digits."), 400
        return redirect(url_for("participate.join", code=code))
    return render_template("workshops/join_code.html", error=None)


@participate.route("/join/<code>", methods=["GET", "POST"])
def join(code: str):
    db = get_db()
    address = client_address()
    if store.join_blocked(db, address):
        return error_response(429, "Too many attempts", "Too many wrong workshop codes from this network. "
                                                        "Wait a few minutes and try again.")
    workshop = _open_workshop(code)
    if workshop is None:
        # Only unknown codes count towards the limit: people reloading a workshop that just
        # closed are not guessing (they still get the same answer as for an unknown code).
        try:
            store.workshop_by_code(db, code)
        except store.NotFound:
            store.record_join_failure(db, address)
        return _no_workshop()
    try:
        store.participant(db, workshop, request.cookies.get(_cookie_name(workshop)))
        return redirect(url_for("participate.overview", code=workshop["join_code"]))  # already joined
    except store.NotFound:
        pass
    errors = {}
    name, role = "", ""
    if request.method == "POST":
        name = " ".join(request.form.get("name", "").split())[:60]
        role = request.form.get("role", "")
        if workshop["mode"] == "named" and not name:
            errors["name"] = "Please give your name: this workshop shows who answered what to the facilitator."
        if workshop["roles"] and role not in workshop["roles"]:
            errors["role"] = "Please choose your role."
        if not workshop["roles"]:
            role = ""  # a workshop without roles stores none, whatever was posted
        if not errors:
            try:
                token = store.join_workshop(db, workshop, display_name=name if workshop["mode"] == "named" else "",
                                            role=role or None)
            except store.AssessmentClosed:
                return _no_workshop()
            response = redirect(url_for("participate.overview", code=workshop["join_code"]))
            response.set_cookie(_cookie_name(workshop), token, max_age=7 * 24 * 3600, httponly=True,
                                samesite="Lax", secure=request.is_secure, path="/")
            return response
    return render_template("workshops/join.html", workshop=workshop, errors=errors, name=name, role=role), \
        400 if errors else 200


@participate.get("/w/<code>")
def overview(code: str):
    workshop, response, questionnaire = _require_participant(code)
    db = get_db()
    answers = store.load_answers(db, response["id"])
    flow = WorkshopFlow(workshop["join_code"])
    summary = None
    figure = None
    if workshop["revealed"] and answers:
        summary = _summary(workshop)
        figure = charts.band_radar(summary["band"], None, summary["labels"])
    step = response["step"] if response["step"] in flow.steps else flow.steps[0]
    return render_template("workshops/participant.html", workshop=workshop, response=response, flow=flow,
                           questionnaire=questionnaire, answers=answers,
                           progress=progress(questionnaire, answers, step, flow),
                           continue_url=flow.url(step), summary=summary, figure=figure)


@participate.route("/w/<code>/d/<dimension>", methods=["GET", "POST"])
def dimension_page(code: str, dimension: str):
    if dimension not in DIMENSIONS:
        abort(404)
    workshop, response, questionnaire = _require_participant(code)
    if workshop["status"] != "open":
        return WorkshopFlow(workshop["join_code"]).closed_redirect()
    return answer_dimension(WorkshopFlow(workshop["join_code"]), response, questionnaire, dimension)


@participate.post("/w/<code>/answers")
def autosave(code: str):
    found = _participant(code)
    if found is None:
        return jsonify({"error": "not a participant of an open workshop"}), 404
    workshop, response, questionnaire = found
    if workshop["status"] != "open":
        return jsonify({"error": "this workshop is closed"}), 409
    return save_json_answers(response, questionnaire)


@participate.get("/w/<code>/review")
def review(code: str):
    workshop, response, questionnaire = _require_participant(code)
    return review_page(WorkshopFlow(workshop["join_code"]), response, questionnaire)


@participate.post("/w/<code>/submit")
def submit(code: str):
    workshop, response, _questionnaire = _require_participant(code)
    try:
        store.submit_participant(get_db(), response["id"])
    except store.AssessmentClosed:
        pass
    flash("Your answers are in. Thank you! Keep this page open: the results appear here when the facilitator "
          "shows them.", "success")
    return redirect(url_for("participate.overview", code=workshop["join_code"]))
