"""Organisations: the list, creation, members, and their assessments.

Every organisation route checks membership on the server and fails closed: a user who is
not a member gets 404, the same answer as for an organisation that does not exist.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from .. import store
from ..db import get_db
from ..engine.vocabulary import DIMENSIONS
from .access import (
    FACILITATOR_ROLES,
    can_facilitate,
    load_response,
    login_required,
    member_token,
    member_view,
    require_member,
    role_required,
    unit_scope,
)
from .current import content
from .dashboard_data import dashboard_for, progress_view
from .errors import unchanged
from .forms import MemberForm, OrgForm
from .messages import refusal
from .params import optional_id

bp = Blueprint("orgs", __name__)


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


@bp.get("/orgs")
@login_required
def index():
    orgs = store.orgs_of_user(get_db(), g.user["id"])
    can_create = can_facilitate(g.user)
    return render_template("orgs/index.html", orgs=orgs, can_create=can_create)


@bp.route("/orgs/new", methods=["GET", "POST"])
@role_required(*FACILITATOR_ROLES)
def create():
    form = OrgForm()
    if form.validate_on_submit():
        try:
            org_id = store.create_org(get_db(), form.name.data, g.user["id"])
        except store.StoreError as err:
            form.name.errors.append(refusal(err))
        else:
            flash("The organisation was created. Start its first assessment, or add members.", "success")
            return redirect(url_for("orgs.detail", org_id=org_id))
    return render_template("orgs/new.html", form=form), 400 if form.errors else 200


@bp.get("/orgs/<int:org_id>")
@member_view()
def detail(org_id: int):
    """The organisation's dashboard: latest result, trends, deltas, progress, units; its assessments."""
    db = get_db()
    unit = unit_scope(org_id)
    data = dashboard_for(g.org, unit)
    return render_template(
        "orgs/detail.html",
        org=g.org,
        role=g.org_role,
        unit=unit,
        dash=data,
        progress=progress_view(org_id, unit, data),
        assessments=store.org_assessments(db, org_id),
        members=store.members(db, org_id),
        member_form=MemberForm(),
        defaults={"period": store.quarter_label(date.today()), "assessed_on": date.today().isoformat()},
        statuses=store.PROGRESS_STATUSES,
        dimensions=DIMENSIONS,
    )


@bp.post("/orgs/<int:org_id>/rename")
@member_view(owner=True)
def rename(org_id: int):
    try:
        store.rename_org(get_db(), org_id, request.form.get("name", ""))
    except store.StoreError as err:
        unchanged(refusal(err))
    flash("The organisation was renamed.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id))


@bp.post("/orgs/<int:org_id>/members")
@member_view(owner=True)
def add_member(org_id: int):
    form = MemberForm()
    if not form.validate_on_submit():
        message = "; ".join(e for errors in form.errors.values() for e in errors)
        abort(400, description=f"{message} Nothing was changed.")
    db = get_db()
    user = store.user_by_email(db, form.email.data)
    if user is None:
        abort(400, description="There is no account with that email. An admin can create one first. "
                               "Nothing was changed.")
    store.set_member(db, org_id, user["id"], form.role.data)
    flash(f"{user['email']} is now a {form.role.data} of {g.org['name']}.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id))


@bp.post("/orgs/<int:org_id>/members/<int:user_id>")
@member_view(owner=True)
def update_member(org_id: int, user_id: int):
    db = get_db()
    if store.membership(db, org_id, user_id) is None:
        abort(404)
    action = request.form.get("action")
    try:
        if action == "remove":
            store.remove_member(db, org_id, user_id)
        elif action in ("owner", "member"):
            store.set_member(db, org_id, user_id, action)
        else:
            abort(400, description="Unknown action. Nothing was changed.")
    except store.StoreError as err:
        unchanged(refusal(err))
    flash("Membership updated.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id))


@bp.post("/orgs/<int:org_id>/assessments")
@member_view()
def start_assessment(org_id: int):
    """Start a self-assessment of this organisation, answered by the signed-in member."""
    questionnaire = content().default_questionnaire
    title = " ".join(request.form.get("title", "").split())[:120]
    period = " ".join(request.form.get("period", "").split())[:20] or None
    assessed_on = request.form.get("assessed_on") or None
    if assessed_on:
        try:
            date.fromisoformat(assessed_on)
        except ValueError:
            abort(400, description="The date must look like 2026-11-25. Nothing was created.")
    unit_id = optional_id(request.form.get("unit"), "Unknown unit. Nothing was created.")
    try:
        response_id = store.create_org_assessment(get_db(), org_id, g.user["id"], questionnaire.id,
                                                  questionnaire.version, title=title, period=period,
                                                  assessed_on=assessed_on, unit_id=unit_id)
    except store.NotFound:
        abort(404)
    return redirect(url_for("assess.overview", token=member_token(response_id), new=1))


@bp.get("/orgs/<int:org_id>/assessments/<int:assessment_id>")
@member_view()
def open_assessment(org_id: int, assessment_id: int):
    """Open an assessment of this organisation (its result once submitted)."""
    db = get_db()
    workshop_id = store.workshop_of_assessment(db, org_id, assessment_id)
    if workshop_id is not None:
        return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop_id))
    try:
        response = store.first_response(db, org_id, assessment_id)
    except store.NotFound:
        abort(404)
    token = member_token(response["id"])
    if response["status"] == "submitted":
        return redirect(url_for("results.result_page", token=token))
    return redirect(url_for("assess.overview", token=token))


@bp.post("/r/<token>/attach")
@login_required
def attach(token: str):
    """Give a stand-alone assessment, opened by its private link, to one of the user's organisations."""
    response, _questionnaire = load_response(token)
    org_id = optional_id(request.form.get("org_id"), "Choose an organisation. Nothing was changed.")
    if org_id is None:
        abort(400, description="Choose an organisation. Nothing was changed.")
    require_member(org_id)
    if response["org_id"] is not None:
        abort(400, description="This assessment already belongs to an organisation. Nothing was changed.")
    title = " ".join(request.form.get("title", "").split())[:120]
    store.attach_assessment(get_db(), response["assessment_id"], org_id, title=title)
    flash("The assessment now belongs to the organisation. Its private link only works for members from now on.",
          "success")
    return redirect(url_for("orgs.detail", org_id=org_id))
