"""Organisations, their units and their history (the trend data behind the dashboard, for BI tools)."""

from __future__ import annotations

from flask import g

from ... import store
from ...db import get_db
from ...engine.history import history_rows
from ..audit import audited, renamed
from ..messages import refusal
from .core import Answer, ApiError, answer, bp, filtered, member_org, operation, org_unit, page, require_facilitator
from .models import (
    FilteredQuery,
    HistoryPage,
    NewOrganisation,
    NewUnit,
    Organisation,
    OrganisationPage,
    PageQuery,
    Rename,
    Unit,
    UnitPage,
    UnitRename,
)


def _organisation(org: dict, role: str) -> dict:
    return {"id": org["id"], "name": org["name"], "role": role, "created_at": org["created_at"]}


@operation(bp, "GET", "/v1/orgs", summary="Your organisations", tag="Organisations", query=PageQuery,
           answers=[Answer(200, "The organisations you are a member of, in id order.", OrganisationPage)])
def list_orgs(query):
    """Only organisations the token's user is a member of, exactly as on the web."""
    db = get_db()
    rows = [_organisation(store.get_org(db, o["id"]), o["role"]) for o in store.orgs_of_user(db, g.api_user["id"])]
    return answer(page(rows, query.limit, query.cursor))


@operation(bp, "POST", "/v1/orgs", summary="Create an organisation", tag="Organisations", body=NewOrganisation,
           write=True, answers=[Answer(201, "The new organisation; you are its owner.", Organisation)])
def create_org(body):
    """Facilitators and admins create organisations (others get 403, as on the web)."""
    require_facilitator()
    db = get_db()
    try:
        with audited("org_created", object_kind="organisation") as entry:
            org_id = store.create_org(db, body.name, g.api_user["id"])
            entry.update(org_id=org_id, object_id=org_id, label=store.get_org(db, org_id)["name"])
    except store.StoreError as err:
        raise ApiError(422, "invalid", refusal(err), "name") from None
    return answer(_organisation(store.get_org(db, org_id), "owner"), 201)


@operation(bp, "GET", "/v1/orgs/<int:org_id>", summary="One organisation", tag="Organisations",
           answers=[Answer(200, "The organisation and your role in it.", Organisation)])
def get_org(org_id: int):
    """404 unless you are a member, the same answer as for an organisation that does not exist."""
    org, role = member_org(org_id)
    return answer(_organisation(org, role))


@operation(bp, "PATCH", "/v1/orgs/<int:org_id>", summary="Rename an organisation", tag="Organisations",
           body=Rename, write=True, answers=[Answer(200, "The renamed organisation.", Organisation)])
def rename_org(org_id: int, body):
    """Owners rename; members get 403."""
    org, role = member_org(org_id, owner=True)
    db = get_db()
    try:
        with audited("org_renamed", org_id, "organisation", org_id) as entry:
            store.rename_org(db, org_id, body.name)
            renamed(entry, org["name"], store.get_org(db, org_id)["name"])
    except store.StoreError as err:
        raise ApiError(422, "invalid", refusal(err), "name") from None
    return answer(_organisation(store.get_org(db, org_id), role))


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------


@operation(bp, "GET", "/v1/orgs/<int:org_id>/units", summary="The organisation's units", tag="Organisations",
           query=PageQuery, answers=[Answer(200, "Business units or technology domains, in id order.", UnitPage)])
def list_units(org_id: int, query):
    member_org(org_id)
    return answer(page(store.units(get_db(), org_id), query.limit, query.cursor))


@operation(bp, "POST", "/v1/orgs/<int:org_id>/units", summary="Add a unit", tag="Organisations", body=NewUnit,
           write=True, errors=(409,), answers=[Answer(201, "The new unit.", Unit)])
def create_unit(org_id: int, body):
    """Owners add units; a name the organisation has already gets 409."""
    member_org(org_id, owner=True)
    db = get_db()
    try:
        with audited("unit_created", org_id, "unit") as entry:
            unit_id = store.create_unit(db, org_id, body.name)
            entry.update(object_id=unit_id, label=store.unit_of_org(db, org_id, unit_id)["name"])
    except store.DuplicateUnit as err:
        raise ApiError(409, "conflict", refusal(err), "name") from None
    except store.StoreError as err:
        raise ApiError(422, "invalid", refusal(err), "name") from None
    return answer(store.unit_of_org(db, org_id, unit_id), 201)


@operation(bp, "GET", "/v1/orgs/<int:org_id>/units/<int:unit_id>", summary="One unit", tag="Organisations",
           answers=[Answer(200, "The unit.", Unit)])
def get_unit(org_id: int, unit_id: int):
    member_org(org_id)
    return answer(org_unit(org_id, unit_id))


@operation(bp, "PATCH", "/v1/orgs/<int:org_id>/units/<int:unit_id>", summary="Rename a unit", tag="Organisations",
           body=UnitRename, write=True, errors=(409,), answers=[Answer(200, "The renamed unit.", Unit)])
def rename_unit(org_id: int, unit_id: int, body):
    """Owners rename units; a name another unit has gets 409."""
    member_org(org_id, owner=True)
    old = org_unit(org_id, unit_id)["name"]
    db = get_db()
    try:
        with audited("unit_renamed", org_id, "unit", unit_id) as entry:
            store.rename_unit(db, org_id, unit_id, body.name)
            renamed(entry, old, store.unit_of_org(db, org_id, unit_id)["name"])
    except store.DuplicateUnit as err:
        raise ApiError(409, "conflict", refusal(err), "name") from None
    except store.StoreError as err:
        raise ApiError(422, "invalid", refusal(err), "name") from None
    return answer(org_unit(org_id, unit_id))


# --------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------


@operation(bp, "GET", "/v1/orgs/<int:org_id>/history", summary="Trend data for BI tools", tag="History",
           query=FilteredQuery,
           answers=[Answer(200, "One flat row per closed assessment, in id order.", HistoryPage)])
def history(org_id: int, query):
    """What the dashboard's trends are drawn from: per closed assessment its period, date, unit, overall and
    per-area scores, the change since the previous assessment of the same scope (the organisation, or one
    unit), the target, the recommended model and the pitfalls. Filter by ?period= and ?unit=."""
    member_org(org_id)
    db = get_db()
    names = {u["id"]: u["name"] for u in store.units(db, org_id)}
    rows = filtered(org_id, history_rows(store.history(db, org_id, "all"), names), query)
    return answer(page(rows, query.limit, query.cursor, key="assessment_id"))
