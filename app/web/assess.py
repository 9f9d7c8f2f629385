"""The questionnaire in the browser: start, profile, one page per dimension, review, submit.

Every page saves on Next and Back (and on each change, when JavaScript is on) to the
server, one row per answer. The private link resumes where the person left off.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from .. import service, store
from ..db import get_db
from ..engine.vocabulary import DIMENSIONS
from .access import attachable_orgs, client_address, load_response, load_snapshot
from .answering import STEPS, Flow, answer_dimension, progress, review_page, save_json_answers
from .current import content, public_url
from .errors import error_response
from .params import context_errors, parse_context_form
from . import renders
from .reports import prerender_self_report

bp = Blueprint("assess", __name__)


@bp.before_request
def prepare_reports():
    """Someone answering will soon want the PDF: load the renderer in this worker while they answer."""
    if current_app.config.get("REPORT_PRERENDER"):
        renders.warm_up()


@bp.post("/start")
def start():
    """Create a new self-assessment and send the person to its private start page."""
    questionnaire = content().default_questionnaire
    try:
        _response_id, token = store.create_self_assessment(get_db(), questionnaire.id, questionnaire.version,
                                                           address=client_address(),
                                                           limit=current_app.config["START_LIMIT_PER_HOUR"])
    except store.TooManyStarts as err:
        minutes = max(1, round(err.wait / 60))
        response = error_response(429, "Too many new assessments", "Too many new self-assessments were started "
                                  "from your network in the last hour. Continue one you started with its private "
                                  f"link, or try again in about {minutes} minute{'s' if minutes != 1 else ''}.")
        return response
    return redirect(url_for("assess.overview", token=token, new=1))


@bp.get("/r/<token>")
def overview(token: str):
    """The private start page: the resume link, progress so far and where to continue."""
    response, questionnaire = load_response(token)
    answers = store.load_answers(get_db(), response["id"])
    again = (service.reassessment_view(get_db(), response, questionnaire, answers=answers)
             if response["status"] != "submitted" else None)
    return render_template(
        "assess/overview.html",
        again=again,
        unconfirmed=sum(1 for state in (again or {}).get("states", {}).values() if state == "unconfirmed"),
        token=token,
        response=response,
        questionnaire=questionnaire,
        progress=progress(questionnaire, answers, response["step"], Flow(token)),
        continue_url=Flow(token).url(response["step"]),
        resume_url=public_url("assess.overview", token=token),
        is_new=request.args.get("new") == "1",
        attach_orgs=attachable_orgs(response),
        org=store.get_org(get_db(), response["org_id"]) if response["org_id"] else None,
    )


@bp.route("/r/<token>/context", methods=["GET", "POST"])
def context_page(token: str):
    """The organisation profile: eight unscored questions that shape the advice."""
    response, questionnaire = load_response(token)
    flow = Flow(token)
    if response["status"] == "submitted":
        return flow.closed_redirect()
    db = get_db()
    values = dict(response["context"])
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.form.get("action", "next")
        parsed, missing, invalid = parse_context_form(questionnaire, request.form)
        if invalid:
            # Keep every answer: the valid ones are saved, the wrong ones come back as typed.
            if parsed:
                store.save_context(db, response["id"], parsed, step="context")
            values.update(parsed)
            values.update({k: request.form.get(k) for k in invalid})
            return _render_context(token, questionnaire, response, values,
                                   context_errors(questionnaire, missing, invalid), status=400)
        target = flow.neighbour("context", action)
        stay = missing and action == "next"
        store.save_context(db, response["id"], parsed,
                           step="context" if stay or target not in STEPS else target)
        values.update(parsed)
        if stay:
            return _render_context(token, questionnaire, response, values, missing, status=400)
        return redirect(flow.url(target))
    if response["step"] != "context":
        with store.best_effort(db):
            store.set_step(db, response["id"], "context")
    return _render_context(token, questionnaire, response, values, errors)


def _render_context(token, questionnaire, response, values, errors, status=200):
    answers = store.load_answers(get_db(), response["id"])
    return render_template(
        "assess/context.html",
        token=token,
        questionnaire=questionnaire,
        values=values,
        errors=errors,
        progress=progress(questionnaire, answers, "context", Flow(token)),
        flow=Flow(token),
    ), status


@bp.route("/r/<token>/d/<dimension>", methods=["GET", "POST"])
def dimension_page(token: str, dimension: str):
    """One capability area: its questions, each with five described levels and don't know."""
    if dimension not in DIMENSIONS:
        abort(404)
    response, questionnaire = load_response(token)
    return answer_dimension(Flow(token), response, questionnaire, dimension)


@bp.post("/r/<token>/answers")
def autosave(token: str):
    """Save answers as they change (JSON): {"answers": {question_id: level or null}}."""
    response, questionnaire = load_response(token)
    return save_json_answers(response, questionnaire)


@bp.get("/r/<token>/review")
def review(token: str):
    """Everything answered so far, what is missing, and the submit button."""
    response, questionnaire = load_response(token)
    return review_page(Flow(token), response, questionnaire)


@bp.post("/r/<token>/submit")
def submit(token: str):
    """Compute and freeze the result once; a repeated submit shows the same result."""
    response, questionnaire = load_response(token)
    if response["status"] != "submitted":
        missing = [f.label for f in questionnaire.context if f.key not in response["context"]]
        if missing:
            return error_response(
                400, "The profile is not complete",
                "Answer the organisation profile before submitting: " + ", ".join(missing) + ". Nothing was submitted.",
            )
        service.submit_response(get_db(), content(), response["id"], questionnaire, response["target"],
                                plan=response["plan"])
        # The PDF is started now, before the result page is asked for: it is ready when someone clicks it.
        submitted, snapshot = load_snapshot(token)
        prerender_self_report(submitted, snapshot)
    return redirect(Flow(token).result_url)
