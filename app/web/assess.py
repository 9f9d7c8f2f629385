"""The questionnaire in the browser: start, profile, one page per dimension, review, submit.

Every page saves on Next and Back (and on each change, when JavaScript is on) to the
server, one row per answer. The private link resumes where the person left off.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for

from .. import store
from ..db import get_db
from ..engine import InvalidInput
from ..engine.models import Questionnaire
from ..engine.errors import InvalidContext, InvalidLevel, UnknownQuestion
from ..engine.profile import validate_context_value
from ..engine.scoring import SUFFICIENT_SHARE, validate_answers
from ..engine.vocabulary import DIMENSIONS
from . import content, error_response
from ..service import compute_result
from .results import attachable_orgs

bp = Blueprint("assess", __name__)

STEPS: tuple[str, ...] = ("context", *DIMENSIONS, "review")


@bp.post("/start")
def start():
    """Create a new self-assessment and send the person to its private start page."""
    questionnaire = content().default_questionnaire
    _response_id, token = store.create_self_assessment(get_db(), questionnaire.id, questionnaire.version)
    return redirect(url_for("assess.overview", token=token, new=1))


def load_response(token: str) -> tuple[dict, Questionnaire]:
    """Return the response a link opens and its questionnaire, or 404.

    A private link (random token) opens a stand-alone assessment for whoever holds it. Once
    an assessment belongs to an organisation, its links only work for that organisation's
    members: anonymous visitors are asked to sign in, others get 404.
    """
    from .orgs import parse_member_token, require_member

    g.private_page = True
    db = get_db()
    try:
        if "." in token:
            response_id = parse_member_token(token)
            if response_id is None:
                abort(404)
            response = store.response_by_id(db, response_id)
            if response["org_id"] is None:
                abort(404)
        else:
            response = store.response_by_token(db, token)
    except store.NotFound:
        abort(404)
    if response["org_id"] is not None:
        require_member(response["org_id"])
    questionnaire = content().questionnaires.get(response["questionnaire_id"])
    if questionnaire is None:
        abort(404)
    return response, questionnaire


class Flow:
    """How one respondent moves through the questionnaire: its steps and their addresses.

    A private link (/r/<token>/...) starts with the organisation profile; a workshop
    participant (/w/<code>/...) answers only the scored questions, since the facilitator
    gives the profile.
    """

    endpoint = "assess"
    steps: tuple[str, ...] = STEPS

    def __init__(self, key: str):
        self.key = key

    def _url(self, view: str, **kwargs) -> str:
        return url_for(f"{self.endpoint}.{view}", token=self.key, **kwargs)

    def url(self, step: str) -> str:
        if step in ("overview", "context", "review"):
            return self._url({"overview": "overview", "context": "context_page", "review": "review"}[step])
        if step == "result":
            return self.result_url
        return self._url("dimension_page", dimension=step)

    @property
    def autosave_url(self) -> str:
        return self._url("autosave")

    @property
    def submit_url(self) -> str:
        return self._url("submit")

    @property
    def result_url(self) -> str:
        return url_for("results.result_page", token=self.key)

    def neighbour(self, step: str, action: str) -> str:
        index = self.steps.index(step)
        if action == "back":
            return self.steps[index - 1] if index > 0 else "overview"
        if action == "next":
            return self.steps[index + 1] if index + 1 < len(self.steps) else "review"
        return step

    def back_label(self, dimension: str) -> str:
        return "Back to the profile" if self.steps.index(dimension) == 1 and "context" in self.steps else "Back"

    def closed_redirect(self):
        flash("This assessment has been submitted, so its answers can no longer change. "
              "Start a new assessment to re-assess.", "info")
        return redirect(self.result_url)


def progress(questionnaire: Questionnaire, answers: dict, step: str, flow: Flow) -> dict:
    """Describe progress for the indicator: 'capability area 3 of 5, 18 of 45 answered'."""
    total = len(questionnaire.questions())
    answered = sum(1 for qid in answers if questionnaire.question(qid) is not None)
    per_dimension = {
        d.id: {
            "answered": sum(1 for q in d.questions if q.id in answers),
            "total": len(d.questions),
        }
        for d in questionnaire.dimensions
    }
    return {
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
        "step": step,
        "dimension_index": DIMENSIONS.index(step) + 1 if step in DIMENSIONS else None,
        "dimension_count": len(DIMENSIONS),
        "per_dimension": per_dimension,
        "steps": [
            (s, "Profile" if s == "context" else "Review" if s == "review" else questionnaire.dimension(s).title,
             flow.url(s))
            for s in flow.steps
        ],
    }


@bp.get("/r/<token>")
def overview(token: str):
    """The private start page: the resume link, progress so far and where to continue."""
    response, questionnaire = load_response(token)
    answers = store.load_answers(get_db(), response["id"])
    return render_template(
        "assess/overview.html",
        token=token,
        response=response,
        questionnaire=questionnaire,
        progress=progress(questionnaire, answers, response["step"], Flow(token)),
        continue_url=Flow(token).url(response["step"]),
        resume_url=url_for("assess.overview", token=token, _external=True),
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
            values.update({k: request.form.get(k) for k in invalid})
            return _render_context(token, questionnaire, response, values, {**missing, **invalid}, status=400)
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


def parse_context_form(questionnaire: Questionnaire, form) -> tuple[dict, dict[str, str], dict[str, str]]:
    """Turn the profile form into typed values; return (valid values, missing, invalid), each by key."""
    parsed: dict = {}
    missing: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in questionnaire.context:
        raw = (form.get(field.key) or "").strip()
        if raw == "":
            missing[field.key] = f"Please answer “{field.label}”."
            continue
        try:
            if field.type == "integer":
                if not raw.lstrip("-").isdigit():
                    raise InvalidContext(f"“{field.label}” needs a whole number, not {raw!r}.")
                value = int(raw)
            elif field.type == "boolean":
                if raw not in ("yes", "no"):
                    raise InvalidContext(f"“{field.label}” must be yes or no, not {raw!r}.")
                value = raw == "yes"
            else:
                value = raw
            parsed[field.key] = validate_context_value(questionnaire, field.key, value)
        except InvalidContext as err:
            errors[field.key] = str(err)
    return parsed, missing, errors


def parse_answer_form(questionnaire: Questionnaire, dimension: str, form) -> dict[str, int | None]:
    """Read `q-<question id>` fields of one dimension page; raise InvalidInput on anything not offered."""
    wanted = {q.id for q in questionnaire.dimension(dimension).questions}
    answers: dict[str, int | None] = {}
    for key in form:
        if not key.startswith("q-"):
            continue
        question_id = key[2:]
        if question_id not in wanted:
            raise UnknownQuestion(f"unknown question id {question_id!r} on the {dimension} page")
        raw = form.get(key, "")
        if raw == "dk":
            answers[question_id] = None
            continue
        if not raw.isdigit() or int(raw) not in questionnaire.question(question_id).options:
            raise InvalidLevel(f"level {raw!r} is not offered for question {question_id!r}")
        answers[question_id] = int(raw)
    return answers


@bp.route("/r/<token>/d/<dimension>", methods=["GET", "POST"])
def dimension_page(token: str, dimension: str):
    """One capability area: its questions, each with five described levels and don't know."""
    if dimension not in DIMENSIONS:
        abort(404)
    response, questionnaire = load_response(token)
    return answer_dimension(Flow(token), response, questionnaire, dimension)


def answer_dimension(flow: Flow, response: dict, questionnaire: Questionnaire, dimension: str):
    """Show or save one dimension page of any respondent's flow."""
    if response["status"] == "submitted":
        return flow.closed_redirect()
    db = get_db()
    if request.method == "POST":
        action = request.form.get("action", "next")
        try:
            answers = parse_answer_form(questionnaire, dimension, request.form)
        except InvalidInput as err:
            return error_response(400, "Those answers could not be saved", f"{err}. Nothing was saved.")
        note = request.form.get("note")
        if note is not None and len(note) > 2000:
            return error_response(400, "That note could not be saved",
                                  "A note can have at most 2,000 characters. Nothing was saved.")
        target = flow.neighbour(dimension, action)
        try:
            with store.transaction(db):  # the answers and the note are kept together, or neither
                store.save_answers(db, response["id"], answers, step=target if target in flow.steps else dimension)
                if note is not None:
                    store.save_note(db, response["id"], dimension, note)
        except store.AssessmentClosed:
            return flow.closed_redirect()
        return redirect(flow.url(target))
    if response["step"] != dimension:
        with store.best_effort(db):
            store.set_step(db, response["id"], dimension)
    answers = store.load_answers(db, response["id"])
    return render_template(
        "assess/dimension.html",
        flow=flow,
        questionnaire=questionnaire,
        dimension=questionnaire.dimension(dimension),
        answers=answers,
        note=store.load_notes(db, response["id"]).get(dimension, ""),
        progress=progress(questionnaire, answers, dimension, flow),
        back_label=flow.back_label(dimension),
        next_label="Review answers" if dimension == DIMENSIONS[-1] else "Next",
    )


@bp.post("/r/<token>/answers")
def autosave(token: str):
    """Save answers as they change (JSON): {"answers": {question_id: level or null}}."""
    response, questionnaire = load_response(token)
    return save_json_answers(response, questionnaire)


def save_json_answers(response: dict, questionnaire: Questionnaire):
    """Validate and save a JSON batch of answers; a replayed batch changes nothing."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("answers"), dict):
        return jsonify({"error": 'expected JSON {"answers": {question_id: level or null}}'}), 400
    try:
        answers = validate_answers(questionnaire, payload["answers"])
    except InvalidInput as err:
        return jsonify({"error": str(err)}), 400
    try:
        saved = store.save_answers(get_db(), response["id"], answers)
    except store.AssessmentClosed as err:
        return jsonify({"error": str(err)}), 409
    answered = store.count_answers(get_db(), response["id"])
    return jsonify({"saved": saved, "answered": answered, "total": len(questionnaire.questions())})


@bp.get("/r/<token>/review")
def review(token: str):
    """Everything answered so far, what is missing, and the submit button."""
    response, questionnaire = load_response(token)
    return review_page(Flow(token), response, questionnaire)


def review_page(flow: Flow, response: dict, questionnaire: Questionnaire):
    if response["status"] == "submitted":
        return flow.closed_redirect()
    db = get_db()
    if response["step"] != "review":
        with store.best_effort(db):
            store.set_step(db, response["id"], "review")
    answers = store.load_answers(db, response["id"])
    missing_context = ([f for f in questionnaire.context if f.key not in response["context"]]
                       if "context" in flow.steps else [])
    rows = []
    for dim in questionnaire.dimensions:
        given = [answers[q.id] for q in dim.questions if q.id in answers]
        answered = sum(1 for level in given if level is not None)
        rows.append({
            "id": dim.id,
            "title": dim.title,
            "answered": answered,
            "dont_know": len(given) - answered,
            "open": len(dim.questions) - len(given),
            "total": len(dim.questions),
            "insufficient": answered < len(dim.questions) * SUFFICIENT_SHARE,
        })
    return render_template(
        "assess/review.html",
        flow=flow,
        questionnaire=questionnaire,
        response=response,
        rows=rows,
        notes=store.load_notes(db, response["id"]),
        missing_context=missing_context,
        progress=progress(questionnaire, answers, "review", flow),
    )


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
        c = content()
        db = get_db()
        notes = store.load_notes(db, response["id"])
        store.submit_response(
            db, response["id"],
            lambda answers, context: compute_result(c, questionnaire.id, answers, context, response["target"],
                                                    notes=notes),
            questionnaire_version=questionnaire.version, content_hash=c.hash,
        )
    return redirect(Flow(token).result_url)
