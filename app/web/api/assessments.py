"""An organisation's assessments: list, create with answers, submit, read the frozen result, export a report."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import current_app, g, request
from pydantic import Field, create_model

from ... import service, store
from ...db import get_db
from ...engine.inputs import BadDocument, document_model, parse_document
from ...reports import MEDIA_TYPES, render_file
from ..current import content
from .core import Answer, ApiError, answer, bp, filtered, frozen, member_org, not_found, operation, page, validate
from .models import Assessment, AssessmentPage, AssessmentQuery, ExportQuery, Id, Result, Submitted

MAX_TITLE = 120
FILE_FORMATS = ("pdf", "xlsx", "pptx")

_NEW: dict[str, type] = {}


def new_assessment_model():
    """An answers document (as POST /assess takes) with the assessment's title, period, date and unit."""
    document = document_model(content())
    model = _NEW.get(content().hash)
    if model is None:
        model = create_model(
            "NewAssessment", __base__=document,
            __doc__="A new assessment of the organisation: its answers document, and where it sits in the history.",
            title=(Annotated[str, Field(max_length=MAX_TITLE)], ""),
            period=(Annotated[str, Field(max_length=store.MAX_PERIOD, pattern=r"\S")] | None,
                    Field(None, description="e.g. 2026-Q4; default the quarter it is submitted in.")),
            assessed_on=(date | None, Field(None, description="default the day it is submitted")),
            unit_id=(Id | None, Field(None, description="One of the organisation's units.")),
        )
        _NEW[content().hash] = model
    return model


_PLACEMENT = ("title", "period", "assessed_on", "unit_id")


def _parse_new(payload):
    """The answers part is checked by the parser `flask assess` uses; the rest by the model."""
    if not isinstance(payload, dict):
        raise ApiError(422, "invalid", "The body must be a JSON object.")
    try:
        document = parse_document(content(), {k: v for k, v in payload.items() if k not in _PLACEMENT})
    except BadDocument as err:
        raise ApiError(422, "invalid", str(err), err.field) from None
    placement = validate(new_assessment_model(), payload, "body")
    return document, placement


def _rows(org_id: int) -> list[dict]:
    return [{k: row[k] for k in Assessment.model_fields} for row in store.org_assessments(get_db(), org_id)]


def _assessment(org_id: int, assessment_id: int) -> dict:
    for row in _rows(org_id):
        if row["id"] == assessment_id:
            return row
    raise not_found()


@operation(bp, "GET", "/v1/orgs/<int:org_id>/assessments", summary="The organisation's assessments",
           tag="Assessments", query=AssessmentQuery,
           answers=[Answer(200, "Assessments in id order, optionally of one period, unit or status.", AssessmentPage)])
def list_assessments(org_id: int, query):
    member_org(org_id)
    rows = [r for r in filtered(org_id, _rows(org_id), query) if query.status is None or r["status"] == query.status]
    return answer(page(rows, query.limit, query.cursor))


@operation(bp, "POST", "/v1/orgs/<int:org_id>/assessments", summary="Create an assessment with answers",
           tag="Assessments", body=new_assessment_model, body_parser=_parse_new, write=True,
           answers=[Answer(201, "The new, open assessment; submit it to freeze its result.", Assessment)])
def create_assessment(org_id: int, body):
    """Answers, profile, notes, target and plan are stored together (or not at all), answered by the token's
    user. The answers document is checked exactly as POST /assess checks it."""
    member_org(org_id)
    document, placement = body
    questionnaire = content().questionnaire(document["questionnaire"])
    try:
        response_id = store.create_org_assessment(
            get_db(), org_id, g.api_user["id"], questionnaire.id, questionnaire.version,
            title=" ".join(placement.title.split()), period=" ".join((placement.period or "").split()) or None,
            assessed_on=placement.assessed_on.isoformat() if placement.assessed_on else None,
            unit_id=placement.unit_id, answers=document["answers"], context=document["context"],
            notes=document["notes"], target=document["target"], plan=document["plan"],
            evidence=document["evidence"])
    except store.NotFound:
        raise not_found() from None
    return answer(_assessment(org_id, store.response_by_id(get_db(), response_id)["assessment_id"]), 201)


@operation(bp, "GET", "/v1/orgs/<int:org_id>/assessments/<int:assessment_id>", summary="One assessment",
           tag="Assessments", answers=[Answer(200, "The assessment's status and place in the history.", Assessment)])
def get_assessment(org_id: int, assessment_id: int):
    member_org(org_id)
    return answer(_assessment(org_id, assessment_id))


@operation(bp, "POST", "/v1/orgs/<int:org_id>/assessments/<int:assessment_id>/submit",
           summary="Submit: compute and freeze the result", tag="Assessments", write=True, errors=(409,),
           answers=[Answer(200, "The assessment is closed with its frozen result (a repeat changes nothing).",
                           Submitted)])
def submit_assessment(org_id: int, assessment_id: int):
    """A self-assessment is submitted once; a repeated submit answers with the first result. A workshop is
    closed by its facilitator instead (409 here)."""
    member_org(org_id)
    db = get_db()
    _assessment(org_id, assessment_id)
    if store.workshop_of_assessment(db, org_id, assessment_id) is not None:
        raise ApiError(409, "conflict", "A workshop's assessment is closed by closing the workshop.")
    response = store.response_by_id(db, store.first_response(db, org_id, assessment_id)["id"])
    inputs = store.assessment_inputs(db, assessment_id)
    questionnaire = content().questionnaire(response["questionnaire_id"])
    snapshot_id = service.submit_response(db, content(), response["id"], questionnaire, response["target"],
                                          plan=inputs["plan"])
    return answer({"assessment_id": assessment_id, "status": "closed", "snapshot_id": snapshot_id})


def not_submitted() -> ApiError:
    return ApiError(409, "not_submitted", "The assessment has no result until it is submitted.")


def _snapshot(org_id: int, assessment_id: int) -> dict:
    row = _assessment(org_id, assessment_id)
    if row["status"] != "closed":
        raise not_submitted()
    db = get_db()
    return store.load_snapshot(db, store.current_snapshot_id(db, org_id, assessment_id))


@operation(bp, "GET", "/v1/orgs/<int:org_id>/assessments/<int:assessment_id>/result", summary="The frozen result",
           tag="Assessments", errors=(409,),
           answers=[Answer(200, "The result as it was frozen (re-scoring adds a new one).", Result, headers=("ETag",)),
                    Answer(304, "Not changed since the ETag you sent (If-None-Match).")])
def get_result(org_id: int, assessment_id: int):
    """A frozen result never changes: send its ETag as If-None-Match and get 304 until it is re-scored."""
    member_org(org_id)
    db = get_db()
    try:  # one query: the whole list of the organisation's assessments is not read to find this one
        stamp = store.result_stamp(db, org_id, assessment_id)
    except store.NotFound:
        raise not_found() from None
    if stamp["status"] != "closed" or stamp["id"] is None:
        raise not_submitted()
    tag = f"s{stamp['id']}-{stamp['content_hash'][:16]}"
    if request.if_none_match.contains(tag):  # the client has it: the result is not even read
        return frozen(b"", tag)
    return frozen(store.snapshot_result_json(db, stamp["id"]), tag)


@operation(bp, "GET", "/v1/orgs/<int:org_id>/assessments/<int:assessment_id>/export", summary="The report as a file",
           tag="Assessments", query=ExportQuery, errors=(409,),
           answers=[Answer(200, "The executive report: PDF, Excel workbook or PowerPoint deck.",
                           media=tuple(MEDIA_TYPES[f].split(";")[0] for f in FILE_FORMATS),
                           headers=("ETag", "Content-Disposition")),
                    Answer(304, "Not changed since the ETag you sent (If-None-Match).")])
def export(org_id: int, assessment_id: int, query):
    """The report made by the same writers as the web's downloads (?format=pdf|xlsx|pptx, ?start= dates the
    roadmap)."""
    org, _role = member_org(org_id)
    snapshot = _snapshot(org_id, assessment_id)
    db, c = get_db(), content()
    start = query.start or date.today()
    workshop_id = store.workshop_of_assessment(db, org_id, assessment_id)
    if workshop_id is not None:
        report = service.workshop_report(db, c, org, store.get_workshop(db, org_id, workshop_id), snapshot, start)
    else:
        response = store.response_by_id(db, store.first_response(db, org_id, assessment_id)["id"])
        report = service.self_report(db, c, response, snapshot, start)
    template = current_app.config.get("PPTX_TEMPLATE") or None
    data = render_file(report, query.format, template=template)
    stem = f"assessment-{assessment_id}-{start.isoformat()}"
    return frozen(data, f"s{snapshot['id']}-{snapshot['content_hash'][:16]}-{query.format}-{start.isoformat()}",
                  mimetype=MEDIA_TYPES[query.format].split(";")[0],
                  headers={"Content-Disposition": f'attachment; filename="{stem}.{query.format}"'})
