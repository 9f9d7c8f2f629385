"""An organisation's units (business units or technology domains): owners add them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from .. import store
from ..db import get_db
from .access import member_view
from .audit import audited
from .messages import refusal
from .orgs import refused_form

bp = Blueprint("units", __name__, url_prefix="/orgs/<int:org_id>/units")


@bp.post("")
@member_view(owner=True)
def add(org_id: int):
    name = request.form.get("name", "")
    try:
        with audited("unit_created", org_id, "unit") as entry:
            unit_id = store.create_unit(get_db(), org_id, name)
            entry.update(object_id=unit_id, label=store.unit_of_org(get_db(), org_id, unit_id)["name"])
    except store.StoreError as err:
        return refused_form(org_id, "unit", {"name": refusal(err)}, {"name": name})
    flash("The unit was added. Assessments can now be made for it.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id) + "#units-heading")
