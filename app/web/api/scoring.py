"""Stateless scoring: the questionnaire, and a result computed from an answers document."""

from __future__ import annotations

from ... import service
from ...engine.inputs import BadDocument, document_model, parse_document
from ...reports.questionnaire import questionnaire_as_dict
from ..current import content
from .core import Answer, ApiError, answer, bp, operation
from .models import Questionnaire, Result


def _document_model():
    return document_model(content())


def _parse_document(payload):
    """The answers document checked by the parser `flask assess` uses (which applies the model too)."""
    try:
        return parse_document(content(), payload)
    except BadDocument as err:
        raise ApiError(422, "invalid", str(err), err.field) from None


@operation(bp, "GET", "/v1/questionnaire", summary="The questionnaire", tag="Scoring",
           answers=[Answer(200, "Capability areas, questions with their five levels, and profile fields.",
                           Questionnaire)])
def questionnaire():
    """The current questionnaire, as `flask --app app questionnaire show --format json` prints it."""
    return answer(questionnaire_as_dict(content().default_questionnaire))


@operation(bp, "POST", "/v1/assess", summary="Score an answers document", tag="Scoring", body=_document_model,
           body_parser=_parse_document,
           answers=[Answer(200, "The whole result, as `flask --app app assess --format json` prints it.", Result)])
def assess(body):
    """Stateless: nothing is stored. Takes the answers file format of the CLI as JSON (questionnaire, answers,
    context, target, notes, plan) and answers with the same result."""
    return answer(service.assess_document(content(), body))
