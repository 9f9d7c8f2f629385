"""Workshops: list them, read one, the live summary for facilitators, and closing one."""

from __future__ import annotations

from ... import service, store
from ...db import get_db
from ..audit import audited
from ..current import content
from ..messages import refusal
from .core import Answer, ApiError, answer, bp, filtered, member_org, not_found, operation, page, require_facilitator
from .models import FilteredQuery, Workshop, WorkshopPage, WorkshopSummary


def _workshop(org_id: int, workshop_id: int) -> dict:
    try:
        return store.get_workshop(get_db(), org_id, workshop_id)
    except store.NotFound:
        raise not_found() from None


def _public(workshop: dict) -> dict:
    return {k: workshop[k] for k in Workshop.model_fields}


@operation(bp, "GET", "/v1/orgs/<int:org_id>/workshops", summary="The organisation's workshops", tag="Workshops",
           query=FilteredQuery, answers=[Answer(200, "Workshops in id order, optionally of one period or unit.",
                                                 WorkshopPage)])
def list_workshops(org_id: int, query):
    member_org(org_id)
    rows = [_public(w) for w in store.workshops_of(get_db(), org_id)]
    return answer(page(filtered(org_id, rows, query), query.limit, query.cursor))


@operation(bp, "GET", "/v1/orgs/<int:org_id>/workshops/<int:workshop_id>", summary="One workshop", tag="Workshops",
           answers=[Answer(200, "The workshop.", Workshop)])
def get_workshop(org_id: int, workshop_id: int):
    member_org(org_id)
    return answer(_public(_workshop(org_id, workshop_id)))


@operation(bp, "GET", "/v1/orgs/<int:org_id>/workshops/<int:workshop_id>/summary", summary="The live summary",
           tag="Workshops", answers=[Answer(200, "Counts, the band per capability area, the discussion list ranked "
                                                 "by disagreement and the roles' medians.", WorkshopSummary)])
def summary(org_id: int, workshop_id: int):
    """For facilitators (others get 403), as on the facilitator's page: aggregates only, never a person's
    answers; a role's figures only from three participants on."""
    member_org(org_id)
    require_facilitator()
    workshop = _workshop(org_id, workshop_id)
    room = service.room_summary(get_db(), content(), workshop)
    keys = ("question", "dimension", "text", "median", "iqr", "stdev", "spread", "answered", "dont_know", "consensus")
    return answer({"status": workshop["status"], "revealed": workshop["revealed"], "counts": room["counts"],
                   "band": room["band"], "roles": room["roles"],
                   "discussion": [{k: row.get(k) for k in keys} for row in room["discussion"]]})


@operation(bp, "POST", "/v1/orgs/<int:org_id>/workshops/<int:workshop_id>/close", summary="Close a workshop",
           tag="Workshops", write=True, errors=(409,),
           answers=[Answer(200, "The closed workshop; its result is frozen into the organisation's history "
                                "(closing again changes nothing).", Workshop)])
def close(org_id: int, workshop_id: int):
    """Facilitators close a workshop: its result is computed from the agreed levels and the participants'
    median elsewhere, and frozen. A workshop nobody answered, or one that was cancelled, is not closed (409)."""
    member_org(org_id)
    require_facilitator()
    workshop = _workshop(org_id, workshop_id)
    try:
        if workshop["status"] == "open":
            with audited("workshop_closed", org_id, "workshop", workshop_id, workshop["title"], "through the API"):
                service.close_workshop(get_db(), content(), workshop)
        else:
            service.close_workshop(get_db(), content(), workshop)  # a repeat changes nothing; a cancelled one: 409
    except store.NothingToClose as err:
        raise ApiError(409, "conflict", refusal(err)) from None
    except store.AssessmentClosed:
        raise ApiError(409, "conflict", "This workshop was cancelled; it has no result to keep.") from None
    return answer(_public(_workshop(org_id, workshop_id)))
