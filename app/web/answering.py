"""Answering the questionnaire, shared by private links (/r/...) and workshop participants (/w/...).

A Flow says which steps a respondent walks through and where each one lives; the page
functions here show and save those steps for any flow.
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for

from .. import service, store
from ..db import get_db
from ..engine import InvalidInput, InvalidLevel, Questionnaire, UnknownQuestion
from ..engine.evidence import CONFIDENCE_LABELS, CONFIDENCES, clean_detail, is_blank, validate_evidence
from ..engine.reassessment import FILTERS
from ..engine.scoring import score_answers, validate_answers
from ..engine.vocabulary import DIMENSIONS
from .errors import error_response
from .params import json_body, parse_level

STEPS: tuple[str, ...] = ("context", *DIMENSIONS, "review")
MAX_NOTE = 2000


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
        level = parse_level(raw)
        if level is None or level not in questionnaire.question(question_id).options:
            raise InvalidLevel(f"level {raw!r} is not offered for question {question_id!r}")
        answers[question_id] = level
    return answers


def parse_evidence_form(questionnaire: Questionnaire, dimension: str, form,
                        answers: dict[str, int | None]) -> dict[str, dict[str, str]]:
    """Read each question's `c-` (confidence), `e-` (evidence) and `r-` (reference) fields of one page.

    Evidence belongs to an answer: evidence given for a question left unanswered is refused (InvalidInput).
    """
    found: dict[str, dict[str, str]] = {}
    for number, question in enumerate(questionnaire.dimension(dimension).questions, 1):
        keys = (f"c-{question.id}", f"e-{question.id}", f"r-{question.id}")
        if not any(key in form for key in keys):
            continue
        confidence = form.get(keys[0]) or None
        if confidence is not None and confidence not in CONFIDENCES:
            raise InvalidInput(f"confidence {confidence!r} is not offered for question {question.id!r}")
        detail = clean_detail({"confidence": confidence, "evidence": form.get(keys[1], ""),
                               "reference": form.get(keys[2], "")}, f"question {number}")
        if question.id in answers:
            found[question.id] = detail
        elif not is_blank(detail):
            raise InvalidInput(f"question {number} has evidence but no answer; choose a level (or don't know) "
                               "and the evidence is kept with it")
    return found


def shown_filter(raw: str | None) -> str | None:
    """The re-assessment filter asked for (?show=unconfirmed or changed), None for every question."""
    return raw if raw in FILTERS else None


def with_filter(url: str, show: str | None) -> str:
    return f"{url}?show={show}" if show else url


def confirmations(form, levels: dict, stored: dict[str, int | None], answers: dict[str, int | None],
                  confirm_all: bool, evidence: dict | None = None, stored_evidence: dict | None = None
                  ) -> dict[str, bool]:
    """Which prefilled answers on the posted page are confirmed: ticked, changed by this post (an
    active choice, its evidence too), or every one with "confirm all"."""
    evidence, stored_evidence = evidence or {}, stored_evidence or {}

    def edited(qid: str) -> bool:
        return qid in evidence and evidence[qid] != {**_BLANK, **stored_evidence.get(qid, {})}

    return {qid: confirm_all or form.get(f"confirm-{qid}") == "1" or stored.get(qid, level) != level or edited(qid)
            for qid, level in answers.items() if qid in levels}


_BLANK = clean_detail({})


def answer_dimension(flow: Flow, response: dict, questionnaire: Questionnaire, dimension: str):
    """Show or save one dimension page of any respondent's flow.

    In a re-assessment each question shows last time's level and whether its answer is confirmed,
    changed or not yet confirmed; ?show= narrows the page to the changed or the unconfirmed ones.
    """
    if response["status"] == "submitted":
        return flow.closed_redirect()
    db = get_db()
    show = shown_filter(request.values.get("show"))
    if request.method == "POST":
        action = request.form.get("action", "next")
        try:
            answers = parse_answer_form(questionnaire, dimension, request.form)
            evidence = parse_evidence_form(questionnaire, dimension, request.form, answers)
        except InvalidInput as err:
            return error_response(400, "Those answers could not be saved", f"{err}. Nothing was saved.")
        note = request.form.get("note")
        if note is not None and len(note) > MAX_NOTE:
            return error_response(400, "That note could not be saved",
                                  "A note can have at most 2,000 characters. Nothing was saved.")
        target = (dimension if action == "confirm" else "review" if action == "review"
                  else flow.neighbour(dimension, action))
        prefill = store.prefill_of(db, response["id"])
        try:
            with store.transaction(db):  # the answers, their confirmations and the note are kept together, or none
                if prefill:
                    stored = store.load_answers(db, response["id"])
                    store.confirm_answers(db, response["id"], confirmations(
                        request.form, prefill["levels"], stored, answers, action == "confirm",
                        evidence, store.load_evidence(db, response["id"])))
                store.save_answers(db, response["id"], answers, step=target if target in flow.steps else dimension,
                                   evidence=evidence)
                if note is not None:
                    store.save_note(db, response["id"], dimension, note)
        except store.AssessmentClosed:
            return flow.closed_redirect()
        if target == "review" and action == "review":  # an edit from the review goes back to its answer
            return redirect(flow.url("review") + f"#answers-{dimension}")
        return redirect(with_filter(flow.url(target), show if target in DIMENSIONS else None))
    if response["step"] != dimension:
        with store.best_effort(db):
            store.set_step(db, response["id"], dimension)
    answers = store.load_answers(db, response["id"])
    evidence = store.load_evidence(db, response["id"])
    again = service.reassessment_view(db, response, questionnaire, answers=answers, evidence=evidence)
    questions = questionnaire.dimension(dimension).questions
    if again:
        states = again["states"]
        counts = {"all": len(questions),
                  "unconfirmed": sum(1 for q in questions if states.get(q.id, "unconfirmed") == "unconfirmed"),
                  "changed": sum(1 for q in questions if states.get(q.id) == "changed")}
        if show:
            questions = [q for q in questions if states.get(q.id, "unconfirmed") == show]
        again = {**again, "counts": counts, "show": show}
    return render_template(
        "assess/dimension.html",
        flow=flow,
        questionnaire=questionnaire,
        dimension=questionnaire.dimension(dimension),
        questions=questions,
        answers=answers,
        evidence=evidence,
        confidence_labels=CONFIDENCE_LABELS,
        # Evidence is asked of one respondent; in a workshop it comes from the room (the facilitator's console).
        asks_evidence=flow.endpoint != "participate",
        again=again,
        note=store.load_notes(db, response["id"]).get(dimension, ""),
        progress=progress(questionnaire, answers, dimension, flow),
        numbers={q.id: i for i, q in enumerate(questionnaire.questions(), 1)},
        back_label=flow.back_label(dimension),
        returning=request.args.get("return") == "review",
        next_label="Review answers" if dimension == DIMENSIONS[-1] else "Next",
    )


def save_json_answers(response: dict, questionnaire: Questionnaire):
    """Validate and save a JSON batch of answers; a replayed batch changes nothing."""
    payload = json_body()
    if (not isinstance(payload, dict) or not isinstance(payload.get("answers", {}), dict)
            or not isinstance(payload.get("confirm", {}), dict) or not isinstance(payload.get("evidence", {}), dict)
            or not ({"answers", "confirm"} & payload.keys())):
        return jsonify({"error": 'expected JSON {"answers": {question_id: level or null}, '
                                 '"confirm": {question_id: true or false}, '
                                 '"evidence": {question_id: {evidence, reference, confidence}}}'}), 400
    try:
        answers = validate_answers(questionnaire, payload.get("answers", {}))
        evidence = validate_evidence(questionnaire, payload.get("evidence"))
        unanswered = [qid for qid in evidence if qid not in answers]
        if unanswered:
            raise InvalidInput(f"evidence for {unanswered[0]!r} comes with its answer's level")
        confirm = payload.get("confirm", {})
        unknown = [qid for qid in confirm if questionnaire.question(str(qid)) is None]
        if unknown:
            raise UnknownQuestion(f"unknown question id {unknown[0]!r} in confirm")
        if any(not isinstance(v, bool) for v in confirm.values()):
            raise InvalidInput("confirm takes true or false per question")
    except InvalidInput as err:
        return jsonify({"error": str(err)}), 400
    db = get_db()
    try:
        with store.transaction(db):
            saved = store.save_answers(db, response["id"], answers, evidence=evidence)
            # An answer saved as it changes is an active choice: in a re-assessment it counts as confirmed.
            confirm = {**{qid: True for qid in answers}, **confirm}
            if confirm and store.prefill_of(db, response["id"]):
                store.confirm_answers(db, response["id"], confirm)
    except store.AssessmentClosed as err:
        return jsonify({"error": str(err)}), 409
    answered = store.count_answers(get_db(), response["id"])
    return jsonify({"saved": saved, "answered": answered, "total": len(questionnaire.questions())})


def review_rows(questionnaire: Questionnaire, answers: dict[str, int | None], edit_url) -> list[dict]:
    """Per capability area: every question with the answer given, and the counts.

    "Answered" counts every question given an answer, "don't know" included (as the progress bar
    does); "don't know" is then said apart, since it is not scored.
    """
    scores = score_answers(questionnaire, answers)["scores"]
    rows = []
    for dim in questionnaire.dimensions:
        items = []
        for q in dim.questions:
            level = answers.get(q.id, "open")
            state = "open" if level == "open" else "dont_know" if level is None else "answered"
            items.append({"id": q.id, "name": q.short_name, "state": state,
                          "level": level if state == "answered" else None,
                          "label": q.label(level) if state == "answered" else None,
                          "edit": edit_url(dim.id, q.id)})
        given = sum(1 for i in items if i["state"] != "open")
        rows.append({"id": dim.id, "title": dim.title, "answered": given,
                     "dont_know": sum(1 for i in items if i["state"] == "dont_know"),
                     "open": len(items) - given, "total": len(items),
                     "insufficient": scores[dim.id]["insufficient"], "items": items})
    return rows


def review_page(flow: Flow, response: dict, questionnaire: Questionnaire):
    """Everything answered so far per capability area, what is missing, and the submit button."""
    if response["status"] == "submitted":
        return flow.closed_redirect()
    db = get_db()
    if response["step"] != "review":
        with store.best_effort(db):
            store.set_step(db, response["id"], "review")
    answers = store.load_answers(db, response["id"])
    missing_context = ([f for f in questionnaire.context if f.key not in response["context"]]
                       if "context" in flow.steps else [])
    rows = review_rows(questionnaire, answers, lambda dim, qid: f"{flow.url(dim)}?return=review#{qid}")
    again = service.reassessment_view(db, response, questionnaire, with_changes="context" in flow.steps,
                                      answers=answers)
    return render_template(
        "assess/review.html",
        flow=flow,
        questionnaire=questionnaire,
        response=response,
        rows=rows,
        notes=store.load_notes(db, response["id"]),
        missing_context=missing_context,
        progress=progress(questionnaire, answers, "review", flow),
        again=again,
        filtered_url=lambda dim, show: with_filter(flow.url(dim), show),
    )
