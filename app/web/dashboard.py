"""What the organisation dashboard links to: comparing chosen assessments, and recording roadmap progress."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from .. import service, store
from ..db import get_db
from .access import member_view, unit_of_org
from .current import content
from .dashboard_data import comparison_for, dashboard_for
from .errors import unchanged
from .messages import refusal
from .params import optional_id, parse_int

bp = Blueprint("dashboard", __name__, url_prefix="/orgs/<int:org_id>")

MAX_COMPARED = 6


@bp.get("/compare")
@member_view()
def compare(org_id: int):
    """Overlay 2 to 6 chosen assessments and the target; deltas; a note when versions differ."""
    db = get_db()
    wanted = list(dict.fromkeys(request.args.getlist("a")))  # an assessment given twice counts once
    chosen_ids = [parse_int(w) for w in wanted]
    if not 2 <= len(wanted) <= MAX_COMPARED or None in chosen_ids:
        abort(400, description="Choose between 2 and 6 assessments to compare.")
    try:
        chosen = service.chosen_assessments(db, org_id, chosen_ids)
    except store.NotFound:
        abort(404)
    units = {u["id"]: u["name"] for u in store.units(db, org_id)}
    names = [f"{row['period']}" + (f" · {units[row['unit_id']]}" if row["unit_id"] in units else "")
             for row in chosen]
    return render_template("orgs/compare.html", org=g.org, chosen=chosen, names=names,
                           data=comparison_for(org_id, chosen, names),
                           questionnaire=content().default_questionnaire)


@bp.post("/progress")
@member_view()
def update_progress(org_id: int):
    unit_id = optional_id(request.form.get("unit"), "Unknown unit. Nothing was changed.")
    unit = unit_of_org(org_id, unit_id) if unit_id is not None else None
    item_id = request.form.get("item_id", "")
    data = dashboard_for(g.org, unit)
    planned = {i["id"] for i in data["latest"]["summary"]["roadmap"]} if "latest" in data else set()
    if item_id not in planned:
        abort(400, description="That improvement is not in the current roadmap. Nothing was changed.")
    try:
        store.set_progress(get_db(), org_id, item_id, request.form.get("status", ""),
                           on_date=request.form.get("on_date"), owner=request.form.get("owner", ""),
                           user_id=g.user["id"], unit_key=unit["id"] if unit else 0)
    except store.StoreError as err:
        unchanged(refusal(err))
    flash("Progress saved.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id, unit=unit["id"] if unit else None) + "#progress-heading")
