"""Roadmap progress: where each improvement of the latest roadmap stands, read and updated in bulk."""

from __future__ import annotations

from flask import g

from ... import service, store
from ...db import get_db
from ..audit import audited_progress
from ..dashboard_data import dashboard_for
from ..messages import refusal
from .core import Answer, ApiError, answer, bp, member_org, operation, org_unit
from .models import Progress, ProgressQuery, ProgressUpdate


def _progress(org: dict, unit: dict | None) -> dict:
    data = dashboard_for(org, unit)
    view = service.roadmap_progress(get_db(), org["id"], unit["id"] if unit else 0, data) or {
        "items": [], "phases": [], "done": 0, "dropped": 0, "overdue": [], "total": 0}
    phases = [{k: v for k, v in phase.items() if k != "items"} for phase in view["phases"]]
    return {"assessment_id": data["latest"]["id"] if "latest" in data else None,
            "unit_id": unit["id"] if unit else None, "done": view["done"], "dropped": view["dropped"],
            "overdue": len(view["overdue"]), "total": view["total"], "items": view["items"], "phases": phases}


@operation(bp, "GET", "/v1/orgs/<int:org_id>/progress", summary="Roadmap progress", tag="Roadmap",
           query=ProgressQuery,
           answers=[Answer(200, "The latest roadmap's improvements with where each stands.", Progress)])
def get_progress(org_id: int, query):
    """Progress carries forward: a done improvement stays done unless its capability area fell since
    (then it is reopened and flagged as a regression), as on the dashboard."""
    org, _role = member_org(org_id)
    return answer(_progress(org, org_unit(org_id, query.unit)))


@operation(bp, "PATCH", "/v1/orgs/<int:org_id>/progress", summary="Update roadmap progress", tag="Roadmap",
           body=ProgressUpdate, write=True,
           answers=[Answer(200, "The progress after the changes.", Progress)])
def update_progress(org_id: int, body):
    """Every change is applied, or none: an improvement that is not in the current roadmap, or a change the
    dashboard would refuse (a dropped improvement without the reason in its note), refuses the whole
    request (422, naming it)."""
    org, _role = member_org(org_id)
    unit = org_unit(org_id, body.unit_id)
    data = dashboard_for(org, unit)
    planned = {i["id"] for i in data["latest"]["summary"]["roadmap"]} if "latest" in data else set()
    for index, change in enumerate(body.items):
        if change.item_id not in planned:
            raise ApiError(422, "invalid", f"{change.item_id!r} is not in the current roadmap. Nothing was changed.",
                           f"items.{index}.item_id")
    changes = [{**change.model_dump(), "due_on": change.due_on and change.due_on.isoformat(),
                "done_on": change.done_on and change.done_on.isoformat()} for change in body.items]
    try:
        titles = {i["id"]: i["title"] for i in data["latest"]["summary"]["roadmap"]} if "latest" in data else {}
        with audited_progress(org_id, unit, titles, "through the API: ") as written:
            store.save_progress(get_db(), org_id, changes, user_id=g.api_user["id"],
                                unit_key=unit["id"] if unit else 0, written_out=written)
    except store.ProgressRefused as err:
        index = next((i for i, c in enumerate(changes) if c["item_id"] == err.item_id), None)
        raise ApiError(422, "invalid", f"{err.item_id}: {refusal(err)}. Nothing was changed.",
                       None if index is None else f"items.{index}") from None
    return answer(_progress(org, unit))
