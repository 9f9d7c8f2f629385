"""Consultant workshops, the participants' side: join by code, answer on a phone, submit.

Participants need no account: they join with a code, and the token that identifies them
lives in an HttpOnly cookie, never in the URL. They see only their own answers and, once
the facilitator shows them, the room's combined picture.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Mapping

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for

from .. import store
from ..db import get_db
from ..engine import Questionnaire
from ..engine.names import UnsafeName, check_name
from ..engine.vocabulary import DIMENSIONS
from . import live
from .access import FACILITATOR_ROLES, client_address
from .answering import Flow, answer_dimension, progress, review_page, save_json_answers
from .current import content
from .errors import error_response, refuse
from .params import json_body, parse_level

bp = Blueprint("participate", __name__)

COOKIE_PREFIX = "pmo_ws"
COOKIE_DAYS = 7
NO_WORKSHOP = ("No open workshop", "There is no open workshop with this code. Check the code on the projector, "
                                   "or ask the facilitator.")


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


def _no_workshop(code: str):
    """The join form again, with the code as typed and what was wrong: a dead end helps nobody.

    Unknown and closed codes get the same words, so a closed workshop cannot be told from none.
    """
    return render_template("workshops/join_code.html", code=code, error=(
        "No open workshop has this code. Check the code on the projector and try again, or ask the "
        "facilitator.")), 404


def _code_format_problem(typed: str) -> str | None:
    """Why a typed code cannot be a workshop code, in words; None when it could be one."""
    code = store.normalise_code(typed)
    if len(code) != store.JOIN_CODE_LENGTH:
        return (f"A workshop code has {store.JOIN_CODE_LENGTH} letters and digits, like ABCD-2345; "
                f"this one has {len(code)}.")
    wrong = sorted(set(code) - set(store.JOIN_CODE_ALPHABET))
    if wrong:
        return (f"Workshop codes never contain {', '.join(wrong)} (no 0, O, 1, I or L, so they cannot be "
                "mixed up). Check the code on the projector.")
    return None


REMOVED = ("Removed from the workshop", "The facilitator removed this device from the workshop, so its answers "
                                        "no longer count. If that is a mistake, ask the facilitator, then join again.")


def _participant(code: str) -> tuple[dict, dict, Questionnaire] | None:
    g.private_page = True
    try:
        workshop = store.workshop_by_code(get_db(), code)
        response = store.participant(get_db(), workshop, request.cookies.get(_cookie_name(workshop)))
    except store.ParticipantRemoved:
        refuse(403, *REMOVED)
    except store.NotFound:
        return None
    return workshop, response, content().questionnaire(workshop["questionnaire_id"])


def _require_participant(code: str) -> tuple[dict, dict, Questionnaire]:
    """The participant's workshop, response and questionnaire, or the same 404 as an unknown code."""
    found = _participant(code)
    if found is None:
        refuse(404, *NO_WORKSHOP)
    return found


@bp.route("/join", methods=["GET", "POST"])
def join_form():
    """Where people type the code shown on the projector."""
    if request.method == "POST":
        typed = request.form.get("code", "")[:40]
        if problem := _code_format_problem(typed):
            return render_template("workshops/join_code.html", code=typed, error=problem), 400
        return redirect(url_for("participate.join", code=store.normalise_code(typed)))
    return render_template("workshops/join_code.html", code="", error=None)


@bp.route("/join/<code>", methods=["GET", "POST"])
def join(code: str):
    db = get_db()
    try:
        # Only unknown codes count towards the limit: people reloading a workshop that just
        # closed are not guessing (they still get the same answer as for an unknown code).
        workshop = store.workshop_for_join(db, code, client_address())
    except store.TooManyJoinAttempts:
        return error_response(429, "Too many attempts", "Too many wrong workshop codes from this network. "
                                                        "Wait a few minutes and try again.")
    if workshop is None or workshop["status"] != "open" or workshop["reopened_at"]:
        return _no_workshop(code)
    try:
        store.participant(db, workshop, request.cookies.get(_cookie_name(workshop)))
        return redirect(url_for("participate.overview", code=workshop["join_code"]))  # already joined
    except store.NotFound:
        pass  # not yet joined (or removed by the facilitator: joining again starts afresh)
    errors = {}
    name, role = "", ""
    if request.method == "POST":
        name = " ".join(request.form.get("name", "").split())[:60]
        role = request.form.get("role", "")
        if workshop["mode"] == "named" and not name:
            errors["name"] = "Please give your name: this workshop shows who answered what to the facilitator."
        elif workshop["mode"] == "named":
            try:
                check_name(name, "Your name")
            except UnsafeName as err:
                errors["name"] = f"{err}."
        if workshop["roles"] and role not in workshop["roles"]:
            errors["role"] = "Please choose your role."
        if not workshop["roles"]:
            role = ""  # a workshop without roles stores none, whatever was posted
        if not errors:
            try:
                token = store.join_workshop(db, workshop, display_name=name if workshop["mode"] == "named" else "",
                                            role=role or None, address=client_address(),
                                            limit=current_app.config["WORKSHOP_JOINS_PER_ADDRESS"])
            except store.AssessmentClosed:
                return _no_workshop(code)
            except store.TooManyJoins:
                return error_response(429, "This room is full from your network",
                                      f"{current_app.config['WORKSHOP_JOINS_PER_ADDRESS']} people have already joined "
                                      "this workshop from your network, as many as a room holds. Ask the facilitator.")
            response = redirect(url_for("participate.overview", code=workshop["join_code"]))
            response.set_cookie(_cookie_name(workshop), token, max_age=COOKIE_DAYS * 24 * 3600, httponly=True,
                                samesite="Lax", secure=request.is_secure, path="/")
            return response
    # A named workshop says exactly who will see the name with the answers, and for how long.
    viewers = store.answer_viewers(db, workshop["org_id"], FACILITATOR_ROLES) if workshop["mode"] == "named" else None
    return render_template("workshops/join.html", workshop=workshop, errors=errors, name=name, role=role,
                           viewers=viewers, org_name=store.get_org(db, workshop["org_id"])["name"],
                           kept_days=store.retention(db)["workshop_answers_days"]), 400 if errors else 200


@bp.get("/w/<code>")
def overview(code: str):
    """The participant's home: start or continue, then wait for the results, which appear by themselves."""
    workshop, response, questionnaire = _require_participant(code)
    if (to_vote := _to_open_vote(workshop)) is not None:
        return to_vote
    db = get_db()
    answers = store.load_answers(db, response["id"])
    flow = WorkshopFlow(workshop["join_code"])
    step = response["step"] if response["step"] in flow.steps else flow.steps[0]
    return render_template("workshops/participant.html", workshop=workshop, response=response, flow=flow,
                           questionnaire=questionnaire, answers=answers,
                           progress=progress(questionnaire, answers, step, flow), continue_url=flow.url(step),
                           room=_room(workshop, questionnaire) if _sees_room(workshop, answers) else None,
                           state=_state(workshop))


def _to_open_vote(workshop: dict):
    """While a second-round vote is open, every participant page sends the phone to the vote.

    A phone that comes back after a screen lock or a rescan loads a page; without this it would
    wait for a change of state that already happened. The vote page returns here when it ends
    (a #question the page was on follows the redirect in the browser).
    """
    if request.method != "GET" or workshop["status"] != "open":
        return None
    if store.open_round_of(get_db(), workshop["id"]) is None:
        return None
    return redirect(url_for("participate.round_page", code=workshop["join_code"], back=request.path))


def _back_url(workshop: dict) -> str:
    """Where a phone returns when the vote ends: the participant page it came from, else the overview."""
    back = request.args.get("back", "")
    page = rf"/w/{re.escape(workshop['join_code'])}(/d/[a-z_]+|/review)?(#[\w.\-]+)?"
    if re.fullmatch(page, back):
        return back
    return url_for("participate.overview", code=workshop["join_code"])


def _sees_room(workshop: dict, answers: dict) -> bool:
    """The room's picture is shown once the facilitator reveals it, to those who answered."""
    return workshop["revealed"] and bool(answers)


def _room(workshop: dict, questionnaire: Questionnaire, load=None) -> str:
    """The room's picture for a phone: one fragment per picture, shared by every phone (``load``: see live.picture)."""
    picture = live.picture(workshop, load)
    return picture.fragment("phone-room", lambda: render_template(
        "workshops/_room.html", summary=picture.summary, questionnaire=questionnaire))


def _state(workshop: dict) -> dict:
    """What a phone watches for: the results shown, a round to vote in, the workshop closed."""
    current = store.open_round_of(get_db(), workshop["id"])
    return _state_body(workshop["status"], workshop["revealed"], current["id"] if current else None)


def _state_body(status: str, revealed: bool, round_id: int | None) -> dict:
    body = {"status": status, "revealed": revealed, "round": round_id}
    body["key"] = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return body


def _phone(code: str) -> tuple[dict, dict]:
    """What a polling phone sees, without a query while the room is quiet (live.phone_view, live.seat):
    the workshop's view and the participant; the same 404 as an unknown code, 403 once removed."""
    g.private_page = True
    view = live.phone_view(code)
    if view is None:
        refuse(404, *NO_WORKSHOP)
    try:
        return view, live.seat(view, request.cookies.get(_cookie_name(view)))
    except store.ParticipantRemoved:
        refuse(403, *REMOVED)
    except store.NotFound:
        refuse(404, *NO_WORKSHOP)


@bp.get("/w/<code>/state.json")
def state(code: str):
    """Polled by phones every few seconds: small, no query while nothing was written, 304 while nothing changed."""
    view, _seat = _phone(code)
    body = _state_body(view["status"], view["revealed"], view["round"])
    result = jsonify(body)
    result.set_etag(body["key"])
    result.headers["Cache-Control"] = "private, no-cache"
    return result.make_conditional(request)


@bp.get("/w/<code>/room")
def room(code: str):
    """The room's picture as a fragment, fetched by a waiting phone when the facilitator shows it."""
    view, seat = _phone(code)
    if not _sees_room(view, store.load_answers(live.reader()["db"], seat["id"])):
        return error_response(404, "Not shown yet", "The facilitator has not shown the results yet.")
    return _room(view, content().questionnaire(view["questionnaire_id"]),
                 load=lambda: store.workshop_by_code(get_db(), code))


@bp.get("/w/<code>/round")
def round_page(code: str):
    """A second vote on one question: the phone shows just that question."""
    workshop, response, questionnaire = _require_participant(code)
    current = store.open_round_of(get_db(), workshop["id"]) if workshop["status"] == "open" else None
    if current is None:
        flash("The vote has ended. Thank you!", "info")
        return redirect(_back_url(workshop))
    voted, level = store.vote_of(get_db(), current["id"], response["id"])
    return render_template("workshops/round.html", workshop=workshop, round=current, voted=voted, level=level,
                           back_url=_back_url(workshop),
                           question=questionnaire.question(current["question_id"]),
                           area=questionnaire.dimension(questionnaire.dimension_of(current["question_id"])),
                           state=_state(workshop))


@bp.post("/w/<code>/round/<int:round_id>")
def vote(code: str, round_id: int):
    """Save a vote the moment it is tapped (JSON), or from the form without JavaScript."""
    found = _participant(code)
    if found is None:
        return error_response(404, *NO_WORKSHOP)
    workshop, response, questionnaire = found
    payload = json_body() if request.is_json else request.form
    raw = str(payload.get("level", "")) if isinstance(payload, Mapping) else ""
    level = None if raw == "dk" else parse_level(raw)
    if raw != "dk" and level is None:
        return error_response(400, "Not saved", "A vote is a level from 1 to 5, or don't know. Nothing was saved.")
    try:
        store.save_vote(get_db(), workshop, round_id, response["id"], level)
    except store.NotFound:
        return error_response(404, "No such vote", "That vote does not exist. Nothing was saved.")
    except (store.RoundClosed, store.AssessmentClosed):
        return error_response(409, "Vote closed", "The vote has ended, so it could not be changed.")
    if request.is_json:
        return jsonify({"saved": True})
    flash("Your vote is in. You can change it until the facilitator closes the vote.", "success")
    return redirect(url_for("participate.round_page", code=workshop["join_code"]))


@bp.route("/w/<code>/d/<dimension>", methods=["GET", "POST"])
def dimension_page(code: str, dimension: str):
    if dimension not in DIMENSIONS:
        abort(404)
    workshop, response, questionnaire = _require_participant(code)
    if workshop["status"] != "open":
        return WorkshopFlow(workshop["join_code"]).closed_redirect()
    if (to_vote := _to_open_vote(workshop)) is not None:
        return to_vote
    return answer_dimension(WorkshopFlow(workshop["join_code"]), response, questionnaire, dimension)


@bp.post("/w/<code>/answers")
def autosave(code: str):
    found = _participant(code)
    if found is None:
        return jsonify({"error": "not a participant of an open workshop"}), 404
    workshop, response, questionnaire = found
    if workshop["status"] != "open":
        return jsonify({"error": "this workshop is closed"}), 409
    return save_json_answers(response, questionnaire)


@bp.get("/w/<code>/review")
def review(code: str):
    workshop, response, questionnaire = _require_participant(code)
    if (to_vote := _to_open_vote(workshop)) is not None:
        return to_vote
    return review_page(WorkshopFlow(workshop["join_code"]), response, questionnaire)


@bp.post("/w/<code>/submit")
def submit(code: str):
    workshop, response, _questionnaire = _require_participant(code)
    try:
        store.submit_participant(get_db(), response["id"])
    except store.AssessmentClosed:
        pass
    return redirect(url_for("participate.overview", code=workshop["join_code"]))
