"""Consultant workshops, the facilitator's side: create, run (projector, reveal, consensus), close, report.

These pages live under /orgs/<org_id>/workshops and check membership like every
organisation page; only facilitators and admins change anything. The participants' side
is in participate.py.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime, timezone

import segno
from flask import Blueprint, Response, abort, flash, g, jsonify, redirect, render_template, request, url_for

from .. import service, store
from ..db import get_db
from ..engine.evidence import MAX_EVIDENCE, MAX_REFERENCE
from ..engine.names import UnsafeName, check_name
from ..engine.vocabulary import DIMENSIONS, IMPORTANCE_LEVELS, LEVELS
from . import live, room_charts, screens
from .access import can_facilitate, facilitator_view, member_view
from .audit import audited
from .current import content, public_url
from .errors import error_response
from .messages import refusal
from .params import context_errors, parse_context_form, parse_int, parse_level, start_date_from
from .periods import SAME_PERIOD_LABEL, next_free_period, period_problem
from .result_pages import replan_from_form, report_downloads, result_context, roadmap_csv_response

bp = Blueprint("workshops", __name__, url_prefix="/orgs/<int:org_id>/workshops")

DEFAULT_ROLES = "Executive, PMO, Delivery, Engineering"
MAX_HEADCOUNT = 1000
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
    form = {"title": "", "mode": "anonymous", "roles": DEFAULT_ROLES, "unit": "", "start_from": "previous",
            "period": next_free_period(db, org_id), "same_period": ""}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in form}
        unit_id = parse_int(form["unit"]) if form["unit"] else None
        form["period"] = " ".join(form["period"].split()) or next_free_period(db, org_id, unit_id)
        parsed, missing, invalid = parse_context_form(questionnaire, request.form)
        errors = context_errors(questionnaire, missing, invalid)
        values.update({k: request.form.get(k) for k in invalid})
        values.update(parsed)
        if not form["title"].strip():
            errors["title"] = "Please give the workshop a title."
        if form["mode"] not in store.WORKSHOP_MODES:
            errors["mode"] = "Choose anonymous or named."
        if problem := _unsafe(form["roles"].split(","), "a role"):
            errors["roles"] = problem
        if form["unit"] and unit_id not in {u["id"] for u in units}:
            errors["unit"] = "That unit is not one of this organisation's: choose one from the list."
        # Starting from the last result shows it beside the room on the projector.
        previous = service.latest_of_scope(db, org_id, unit_id) if form["start_from"] == "previous" else None
        if problem := _unsafe([form["period"]], "the period") or period_problem(
                db, org_id, unit_id, units, form["period"], form["same_period"] == "1"):
            errors["period"] = problem
        if not errors:
            try:
                with audited("workshop_opened", org_id, "workshop", None, form["title"], form["mode"]) as entry:
                    workshop_id = entry["object_id"] = store.create_workshop(
                        db, org_id, g.user["id"], title=form["title"], mode=form["mode"],
                        roles=form["roles"].split(","), context=parsed, questionnaire_id=questionnaire.id,
                        questionnaire_version=questionnaire.version, unit_id=unit_id,
                        previous_id=previous["id"] if previous else None, period=form["period"])
            except store.NotFound:
                abort(404)
            except store.StoreError as err:
                errors["title"] = refusal(err)
            else:
                flash("The workshop is open. Show the projector page so people can join.", "success")
                return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id))
    return render_template("workshops/new.html", org=g.org, questionnaire=questionnaire, values=values,
                           errors=errors, form=form, units=units,
                           last_results=_last_results(db, org_id, units),
                           same_period_label=SAME_PERIOD_LABEL), 400 if errors else 200


def _unsafe(texts: list[str], what: str) -> str | None:
    """Why one of the names typed cannot be kept (a hidden control character, nothing visible), or None."""
    try:
        for text in texts:
            if text.strip():
                check_name(" ".join(text.split()), what)
    except UnsafeName as err:
        return f"{str(err)[:1].upper()}{str(err)[1:].rstrip('.')}."
    return None


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
    """The facilitator's console: people and their status, presenting, discussion and consensus, rounds, close."""
    workshop = _workshop(org_id, workshop_id)
    if workshop["status"] == "closed" and not workshop["cancelled"]:
        return redirect(url_for("workshops.report", org_id=org_id, workshop_id=workshop_id))
    if workshop["cancelled"]:
        return render_template("workshops/cancelled.html", org=g.org, workshop=workshop)
    return render_template("workshops/detail.html", **_console(workshop))


def _console(workshop: dict) -> dict:
    """What the console shows, also in its parts that refresh by themselves."""
    summary = live.picture(workshop).summary
    questionnaire = content().questionnaire(workshop["questionnaire_id"])
    can_run = can_facilitate(g.user)
    people = store.participants(get_db(), workshop["assessment_id"])
    now = datetime.now(timezone.utc)
    for person in people:
        person.update(_activity(person, now))
    show_answers = workshop["mode"] == "named" and can_run  # as promised to them: names with answers
    if show_answers:
        answers = {p["id"]: p["answers"] for p in store.responses_with_answers(get_db(), workshop["assessment_id"])}
        for person in people:
            person["answers"] = answers.get(person["id"], {})
    current = screens.parse(workshop["screen"], questionnaire, summary["rounds"]) or screens.Screen("radar")
    return {"org": g.org, "importance": service.workshop_importance(content(), workshop), "workshop": workshop,
            "summary": summary, "headcount_sent": None, "questionnaire": questionnaire, "people": people,
            "join_url": join_url(workshop), "code": pretty_code(workshop["join_code"]), "levels": LEVELS,
            "can_run": can_run, "screen": current, "views": screens.sequence(summary, workshop),
            "screen_label": lambda screen: screens.label(screen, questionnaire, summary["rounds"]),
            "open_round": next((r for r in summary["rounds"] if r["open"]), None),
            "answer_count": sum(p["answered"] for p in people), "show_answers": show_answers,
            "discussion_shown": screens.QUESTIONS_SHOWN,
            "idle_minutes": IDLE_MINUTES, "joins": joins_per_minute(people),
            "beyond_headcount": max(0, len(people) - workshop["expected_headcount"])
            if workshop["expected_headcount"] else 0}


def joins_per_minute(people: list[dict]) -> list[dict]:
    """How many of the participants joined in each minute (UTC), newest first; the busiest minute is marked."""
    counts: dict[str, int] = {}
    for person in people:
        counts[person["joined_at"][:16]] = counts.get(person["joined_at"][:16], 0) + 1
    busiest = max(counts.values(), default=0)
    return [{"minute": minute, "time": minute[11:16], "count": n, "busiest": n == busiest and n > 1}
            for minute, n in sorted(counts.items(), reverse=True)]


# Someone who has not submitted and did nothing for this long is shown as idle: perhaps a ghost
# (they re-joined from another device) the facilitator may want to remove.
IDLE_MINUTES = 10


def _activity(person: dict, now: datetime) -> dict:
    """When a participant last did something, in words ("just now", "4 min ago"), and whether they are idle."""
    last = datetime.fromisoformat(person["active_at"] or person["joined_at"])
    if last.tzinfo is None:
        last = last.replace(tzinfo=timezone.utc)
    minutes = int((now - last).total_seconds() // 60)
    words = "just now" if minutes < 1 else f"{minutes} min ago" if minutes < 60 else f"at {last:%H:%M} UTC"
    return {"active_words": words, "idle": person["status"] != "submitted" and minutes >= IDLE_MINUTES}


@bp.get("/<int:workshop_id>/panel")
@member_view()
def panel(org_id: int, workshop_id: int):
    """The console's live part (counts, participants, the open round), refreshed every few seconds."""
    workshop = _workshop(org_id, workshop_id)
    return _fragment("workshops/_panel.html", _console(workshop))


def _fragment(template: str, context: dict) -> Response:
    """A page fragment, answered 304 while it has not changed."""
    html = render_template(template, **context)
    response = Response(html, mimetype="text/html")
    response.set_etag(hashlib.sha256(html.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@bp.get("/<int:workshop_id>/projector")
@member_view()
def projector(org_id: int, workshop_id: int):
    """The presentation page for the wall: full screen, no navigation, no account details."""
    workshop = _workshop(org_id, workshop_id)
    return render_template("workshops/projector.html", org=g.org, workshop=workshop, stage=_stage(workshop),
                           can_run=can_facilitate(g.user),
                           stage_url=url_for("workshops.stage", org_id=org_id, workshop_id=workshop_id),
                           screen_url=url_for("workshops.choose_screen", org_id=org_id, workshop_id=workshop_id))


def _stage(workshop: dict) -> dict[str, str]:
    """The projector's current view as HTML, with a key that changes whenever what it shows changes.

    Rendered once per picture and view, and shared by every request until either changes.
    """
    picture = live.picture(workshop)
    questionnaire = content().questionnaire(workshop["questionnaire_id"])
    current = screens.parse(workshop["screen"], questionnaire, picture.summary["rounds"]) or screens.Screen("radar")
    state = (workshop["status"], workshop["cancelled"], workshop["started"], workshop["revealed"], current.name)

    def render() -> dict[str, str]:
        html = render_template("workshops/_stage.html", workshop=workshop, summary=picture.summary,
                               questionnaire=questionnaire, screen=current, code=pretty_code(workshop["join_code"]),
                               join_url=join_url(workshop), join_form=public_url("participate.join_form"),
                               qr_url=url_for("workshops.qr", org_id=workshop["org_id"], workshop_id=workshop["id"]),
                               radar=room_charts.band_radar_svg, shown=screens.DISPUTED_SHOWN)
        return {"key": hashlib.sha256(html.encode()).hexdigest()[:24], "html": html}

    return picture.fragment(("stage", state), render)


@bp.get("/<int:workshop_id>/stage.json")
@member_view()
def stage(org_id: int, workshop_id: int):
    """What the projector polls: its current view, answered 304 while that has not changed."""
    body = _stage(_workshop(org_id, workshop_id))
    response = jsonify(body)
    response.set_etag(body["key"])
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@bp.get("/<int:workshop_id>/live.json")
@member_view()
def live_json(org_id: int, workshop_id: int):
    """The room's figures as data. Aggregates only: never a person's answers."""
    workshop = _workshop(org_id, workshop_id)
    response = jsonify(service.live_payload(content(), workshop, live.picture(workshop).summary))
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


def _back(workshop: dict, anchor: str = ""):
    """Back to where the facilitator pressed the button: the console or the projector."""
    view = "workshops.projector" if request.form.get("back") == "projector" else "workshops.detail"
    return redirect(url_for(view, org_id=workshop["org_id"], workshop_id=workshop["id"]) + anchor)


@bp.post("/<int:workshop_id>/start")
@facilitator_view
def start(org_id: int, workshop_id: int):
    """People have joined: the projector's join code moves to a corner (joining stays open)."""
    workshop = _workshop(org_id, workshop_id)
    try:
        store.start_workshop(get_db(), workshop["id"])
    except store.AssessmentClosed:
        abort(409, description="The workshop is closed.")
    return _back(workshop)


@bp.post("/<int:workshop_id>/reveal")
@facilitator_view
def reveal(org_id: int, workshop_id: int):
    workshop = _workshop(org_id, workshop_id)
    revealed = request.form.get("revealed") == "1"
    with audited("workshop_revealed" if revealed else "workshop_hidden", org_id, "workshop", workshop["id"],
                 workshop["title"]):
        store.set_revealed(get_db(), workshop["id"], revealed)
        if revealed and not workshop["started"] and workshop["status"] == "open":
            store.start_workshop(get_db(), workshop["id"])
    flash("Results are now shown to the room." if revealed else "Results are hidden again.", "info")
    return _back(workshop)


@bp.post("/<int:workshop_id>/screen")
@facilitator_view
def choose_screen(org_id: int, workshop_id: int):
    """Choose the projector's view by name, or step to the next or previous one (the arrow keys)."""
    workshop = _workshop(org_id, workshop_id)
    summary = live.picture(workshop).summary
    questionnaire = content().questionnaire(workshop["questionnaire_id"])
    move = request.form.get("step")
    if move in ("next", "previous"):
        current = screens.parse(workshop["screen"], questionnaire, summary["rounds"]) or screens.Screen("radar")
        chosen = screens.step(current, screens.sequence(summary, workshop), summary["rounds"], move == "next")
    else:
        chosen = screens.parse(request.form.get("screen", ""), questionnaire, summary["rounds"])
        if chosen is None:
            abort(400, description="There is no such view. Nothing was changed.")
    store.set_screen(get_db(), workshop["id"], chosen.name)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"screen": chosen.name})
    return _back(workshop, "#presenting")


@bp.post("/<int:workshop_id>/participants/<int:response_id>/remove")
@facilitator_view
def remove_participant(org_id: int, workshop_id: int, response_id: int):
    """Take a ghost or a test join out: their answers leave the room's figures and the result."""
    workshop = _workshop(org_id, workshop_id)
    if request.form.get("confirm") != "yes":
        abort(400, description="Removing someone needs its confirmation. Nobody was removed.")
    try:  # the participant by number, never by name: the log holds no participant's personal data
        with audited("participant_removed", org_id, "workshop", workshop["id"], workshop["title"],
                     f"participant #{response_id}"):
            store.remove_participant(get_db(), workshop, response_id)
    except store.NotFound:
        abort(404)
    except store.AssessmentClosed:
        abort(409, description="The workshop is closed; its participants can no longer change.")
    flash("The participant was removed; their answers no longer count.", "success")
    return _back(workshop, "#people-heading")


MINUTE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@bp.post("/<int:workshop_id>/participants/batch/remove")
@facilitator_view
def remove_batch(org_id: int, workshop_id: int):
    """Take everyone who joined in one minute out at once (ballot stuffing): their answers leave every figure."""
    workshop = _workshop(org_id, workshop_id)
    minute = request.form.get("minute", "")
    if request.form.get("confirm") != "yes" or not MINUTE.fullmatch(minute):
        abort(400, description="Removing a batch needs its minute and its confirmation. Nobody was removed.")
    try:
        with audited("participants_removed", org_id, "workshop", workshop["id"], workshop["title"]) as entry:
            removed = store.remove_batch(get_db(), workshop, minute)
            entry["detail"] = f"{removed} participant{'s' if removed != 1 else ''} who joined at {minute[11:]} UTC"
    except store.AssessmentClosed:
        abort(409, description="The workshop is closed; its participants can no longer change.")
    flash(f"{removed} participant{'s' if removed != 1 else ''} who joined at {minute[11:]} UTC "
          f"{'were' if removed != 1 else 'was'} removed; their answers no longer count.", "success")
    return _back(workshop, "#joins-heading")


@bp.post("/<int:workshop_id>/headcount")
@facilitator_view
def set_headcount(org_id: int, workshop_id: int):
    """The number of people the facilitator expects; the console flags joins beyond it. Empty: not said."""
    workshop = _workshop(org_id, workshop_id)
    raw = request.form.get("headcount", "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_HEADCOUNT):
        # The console again, the number as typed in its field and the reason beside it; nothing was changed.
        return render_template("workshops/detail.html", **{**_console(workshop), "headcount_sent": {
            "value": raw, "error": f"Give a whole number from 1 to {MAX_HEADCOUNT}, or leave it empty. "
                                   "Nothing was changed."}}), 400
    headcount = int(raw) if raw else None
    try:
        with audited("workshop_headcount_set", org_id, "workshop", workshop["id"], workshop["title"],
                     f"expected {headcount} people" if headcount else "no expected number"):
            store.set_expected_headcount(get_db(), workshop, headcount)
    except store.AssessmentClosed:
        abort(409, description="The workshop is closed; nothing was changed.")
    flash(f"Expecting {headcount} people: joins beyond that are flagged." if headcount else
          "No expected number of people.", "success")
    return _back(workshop, "#joins-heading")


@bp.post("/<int:workshop_id>/importance")
@facilitator_view
def set_importance(org_id: int, workshop_id: int):
    """How much each capability area matters, as the room decides it; Auto: derived from the stated pain."""
    workshop = _workshop(org_id, workshop_id)
    labels = {d.id: d.title for d in content().questionnaire(workshop["questionnaire_id"]).dimensions}
    areas = {}
    for dim in DIMENSIONS:
        raw = (request.form.get(f"importance-{dim}") or "").strip()
        if raw and raw not in IMPORTANCE_LEVELS:
            return error_response(400, "Not changed", f"The importance of {labels.get(dim, dim)} is Auto, low, "
                                                      f"normal or high; “{raw[:20]}” is not one. Nothing was changed.")
        if raw:
            areas[dim] = raw
    said = ", ".join(f"{labels.get(dim, dim)} {level}" for dim, level in areas.items())
    if not said:
        said = "every area from the main pain"
    elif len(areas) < len(DIMENSIONS):
        said += "; the other areas from the main pain"
    try:
        with audited("workshop_importance_set", org_id, "workshop", workshop["id"], workshop["title"],
                     f"importance: {said}"):
            store.set_workshop_importance(get_db(), workshop, areas)
    except store.AssessmentClosed:
        abort(409, description="The workshop is closed; its result can no longer change.")
    flash("Importance recorded: the result plans with it when the workshop closes.", "success")
    return _back(workshop, "#importance-heading")


def _form_question(workshop, nothing_done: str) -> str:
    """The question id the form names, one of the workshop's questionnaire, or a 400 saying so."""
    question_id = request.form.get("question_id", "")
    if content().questionnaire(workshop["questionnaire_id"]).question(question_id) is None:
        abort(400, description=f"Unknown question {question_id!r}. {nothing_done}")
    return question_id


@bp.post("/<int:workshop_id>/consensus")
@facilitator_view
def record_consensus(org_id: int, workshop_id: int):
    workshop = _workshop(org_id, workshop_id)
    question_id = _form_question(workshop, "Nothing was recorded.")
    raw = request.form.get("level", "")
    level = parse_level(raw)
    if raw and level is None:
        abort(400, description=f"The agreed level must be 1 to 5, not {raw!r}. Nothing was recorded.")
    note = request.form.get("note", "")
    if len(note) > MAX_NOTE:
        abort(400, description="The note can have at most 500 characters. Nothing was recorded.")
    evidence, reference = request.form.get("evidence"), request.form.get("reference")
    if len(evidence or "") > MAX_EVIDENCE or len(reference or "") > MAX_REFERENCE:
        abort(400, description=f"The evidence can have at most {MAX_EVIDENCE} characters and the reference "
                               f"{MAX_REFERENCE}. Nothing was recorded.")
    try:
        # The question and the level, never the note's or the evidence's words: the log holds no answers'
        # content; it says only that the evidence changed.
        before = store.consensus(get_db(), workshop["id"]).get(question_id) or {}
        changed = any(value is not None and " ".join(value.split()) != (before.get(key) or "")
                      for key, value in (("evidence", evidence), ("reference", reference)))
        with audited("consensus_set" if level is not None else "consensus_cleared", org_id, "workshop",
                     workshop["id"], workshop["title"],
                     content().questionnaire(workshop["questionnaire_id"]).question(question_id).short_name
                     + (f" at level {level}" if level else "")
                     + ("; the evidence agreed in the room changed" if changed and level is not None else "")):
            store.set_consensus(get_db(), workshop["id"], question_id, level, note, g.user["id"],
                                evidence=evidence, reference=reference)
    except store.AssessmentClosed:
        abort(409, description="The workshop is closed; its result can no longer change.")
    flash("Consensus recorded." if raw else "Consensus removed; the median is used again.", "success")
    return _back(workshop, f"#q-{question_id}")


@bp.post("/<int:workshop_id>/rounds")
@facilitator_view
def open_round(org_id: int, workshop_id: int):
    """A second vote on one question: every phone shows just that question, the projector its round."""
    workshop = _workshop(org_id, workshop_id)
    question_id = _form_question(workshop, "No round was opened.")
    try:
        round_id = store.open_round(get_db(), workshop["id"], question_id)
    except store.RoundOpen as err:
        abort(409, description=f"{refusal(err)} No other round was opened.")
    except store.AssessmentClosed:
        abort(409, description="The workshop is closed; no round can be opened.")
    store.start_workshop(get_db(), workshop["id"])  # the projector shows the round, not the join code
    store.set_screen(get_db(), workshop["id"], f"round:{round_id}")
    flash("The second round is open: every phone now shows this question.", "success")
    return _back(workshop, "#round")


@bp.post("/<int:workshop_id>/rounds/<int:round_id>/close")
@facilitator_view
def close_round(org_id: int, workshop_id: int, round_id: int):
    """Stop the voting: the projector shows round one against this round, and its median is proposed."""
    workshop = _workshop(org_id, workshop_id)
    try:
        store.close_round(get_db(), workshop["id"], round_id)
    except store.NotFound:
        abort(404)
    flash("Voting is closed. Confirm the proposed level, or record another.", "success")
    return _back(workshop, "#round")


def _confirm_page(workshop: dict, action: str):
    """The page that says what closing, cancelling or re-opening will do, with the button that does it."""
    people = store.participants(get_db(), workshop["assessment_id"])
    summary = live.picture(workshop).summary if action != "reopen" else None
    return render_template("workshops/confirm.html", org=g.org, workshop=workshop, action=action, people=people,
                           answered=sum(1 for p in people if p["answered"]), summary=summary,
                           deadline=store.reopen_deadline(workshop))


@bp.route("/<int:workshop_id>/close", methods=["GET", "POST"])
@facilitator_view
def close(org_id: int, workshop_id: int):
    """Close the workshop: its result is computed, frozen, and added to the organisation's history."""
    workshop = _workshop(org_id, workshop_id)
    if workshop["status"] != "open":
        return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id))
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return _confirm_page(workshop, "close")
    try:
        with audited("workshop_closed", org_id, "workshop", workshop_id, workshop["title"]):
            service.close_workshop(get_db(), content(), workshop)
    except store.NothingToClose:
        return error_response(409, "Nothing to close", "Nobody has answered yet, so there is no result to keep. "
                                                       "Cancel the workshop instead, or wait for answers.")
    flash("The workshop is closed. Its result is now part of the organisation's history.", "success")
    return redirect(url_for("workshops.report", org_id=org_id, workshop_id=workshop_id))


@bp.route("/<int:workshop_id>/cancel", methods=["GET", "POST"])
@facilitator_view
def cancel(org_id: int, workshop_id: int):
    """End a workshop nobody answered, with no result in the history."""
    workshop = _workshop(org_id, workshop_id)
    if workshop["status"] != "open":
        return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id))
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return _confirm_page(workshop, "cancel")
    try:
        with audited("workshop_cancelled", org_id, "workshop", workshop_id, workshop["title"]):
            store.cancel_workshop(get_db(), workshop)
    except store.WorkshopHasAnswers as err:
        return error_response(409, "Not cancelled", f"{refusal(err)} Nothing was changed.")
    flash("The workshop is cancelled. Nothing was added to the organisation's history.", "success")
    return redirect(url_for("workshops.index", org_id=org_id))


@bp.route("/<int:workshop_id>/reopen", methods=["GET", "POST"])
@facilitator_view
def reopen(org_id: int, workshop_id: int):
    """Re-open a closed workshop within 24 hours; its result stays until it closes again and is superseded."""
    workshop = _workshop(org_id, workshop_id)
    if workshop["status"] == "open":
        return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id))
    if request.method == "GET" or request.form.get("confirm") != "yes":
        deadline = store.reopen_deadline(workshop)
        if deadline is None or datetime.now(timezone.utc) > deadline:
            return error_response(409, "Cannot re-open", "A workshop can be re-opened only within 24 hours of "
                                                         "closing, and a cancelled one not at all.")
        return _confirm_page(workshop, "reopen")
    try:
        with audited("workshop_reopened", org_id, "workshop", workshop_id, workshop["title"]):
            store.reopen_workshop(get_db(), workshop)
    except store.CannotReopen as err:
        return error_response(409, "Cannot re-open", f"{refusal(err)} Nothing was changed.")
    flash("The workshop is open again. Its earlier result stays in the history until you close it again.", "success")
    return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id))


def _report_snapshot(org_id: int, workshop_id: int) -> tuple[dict, dict]:
    workshop = _workshop(org_id, workshop_id)
    if workshop["snapshot_id"] is None:  # open (a re-opened one keeps its result until it closes again)
        abort(404)
    return workshop, store.load_snapshot(get_db(), workshop["snapshot_id"])


@bp.get("/<int:workshop_id>/report")
@member_view()
def report(org_id: int, workshop_id: int):
    return _report_page(org_id, workshop_id)


def _report_page(org_id: int, workshop_id: int, plan_form: dict | None = None) -> str:
    workshop, snapshot = _report_snapshot(org_id, workshop_id)
    links = {"json": url_for("workshops.report_json", org_id=org_id, workshop_id=workshop_id),
             "target": url_for("workshops.change_target", org_id=org_id, workshop_id=workshop_id),
             "csv": url_for("workshops.report_csv", org_id=org_id, workshop_id=workshop_id)}
    report = service.workshop_report(get_db(), content(), g.org, workshop, snapshot, date.today())
    downloads = report_downloads("reports.workshop_report", report, org_id=org_id, workshop_id=workshop_id)
    deadline = store.reopen_deadline(workshop)
    can_reopen = can_facilitate(g.user) and deadline is not None and datetime.now(timezone.utc) <= deadline
    return render_template("workshops/report.html", org=g.org, workshop=workshop,
                           **result_context(snapshot, links, plan_form), report=report, downloads=downloads,
                           heading=f"Workshop result: {workshop['title']}",
                           reopen_until=deadline if can_reopen else None)


@bp.get("/<int:workshop_id>/report.json")
@member_view()
def report_json(org_id: int, workshop_id: int):
    _workshop_row, snapshot = _report_snapshot(org_id, workshop_id)
    return Response(snapshot["result_json"], mimetype="application/json")


@bp.get("/<int:workshop_id>/roadmap.csv")
@member_view()
def report_csv(org_id: int, workshop_id: int):
    _workshop_row, snapshot = _report_snapshot(org_id, workshop_id)
    return roadmap_csv_response(snapshot["result"], start_date_from(request.args), "workshop-roadmap")


@bp.post("/<int:workshop_id>/target")
@member_view()
def change_target(org_id: int, workshop_id: int):
    workshop, snapshot = _report_snapshot(org_id, workshop_id)
    plan_form = replan_from_form(request.form, snapshot, workshop["assessment_id"],
                                 lambda text: audited("target_changed", org_id, "workshop", workshop_id,
                                                      workshop["title"], text))
    if plan_form:  # what was typed comes back with what was wrong; the valid fields were kept
        return _report_page(org_id, workshop_id, plan_form), 400
    flash("The roadmap was re-planned.", "success")
    return redirect(url_for("workshops.report", org_id=org_id, workshop_id=workshop_id) + "#roadmap-heading")
