"""Organisations: the list, creation, members, and their assessments.

Every organisation route checks membership on the server and fails closed: a user who is
not a member gets 404, the same answer as for an organisation that does not exist.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from datetime import date

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from .. import store
from ..db import get_db
from . import content, unchanged
from .auth import login_required, role_required
from ..engine.vocabulary import DIMENSIONS
from .forms import MemberForm, OrgForm

bp = Blueprint("orgs", __name__)


# --------------------------------------------------------------------------
# Member links: /r/m<response id>.<signature> opens an organisation's response for members
# --------------------------------------------------------------------------


def _signature(response_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"response:{response_id}".encode(), hashlib.sha256).hexdigest()[:32]


def member_token(response_id: int) -> str:
    """A stable link token for a response of an organisation; it only works for its members."""
    return f"m{response_id}.{_signature(response_id)}"


def parse_member_token(token: str) -> int | None:
    head, _, signature = token.partition(".")
    if not head.startswith("m") or not head[1:].isdigit() or len(signature) != 32:
        return None
    response_id = int(head[1:])
    return response_id if hmac.compare_digest(signature, _signature(response_id)) else None


class LoginNeeded(Exception):
    """The page belongs to an organisation and the visitor is not signed in."""


def require_member(org_id: int, owner: bool = False) -> str:
    """The signed-in user's role in the organisation; 404 when they are not a member."""
    user = g.get("user")
    if user is None:
        raise LoginNeeded()
    role = store.membership(get_db(), org_id, user["id"])
    if role is None or (owner and role != "owner"):
        if role is not None:
            abort(403, description="Only owners of this organisation can do that.")
        abort(404)
    return role


def member_view(owner: bool = False):
    """Decorator for /orgs/<org_id>/... views: signed in and a member (or owner)."""
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(org_id: int, *args, **kwargs):
            g.org_role = require_member(org_id, owner=owner)
            try:
                g.org = store.get_org(get_db(), org_id)
            except store.NotFound:
                abort(404)
            return view(org_id, *args, **kwargs)
        return wrapped
    return decorator


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


@bp.get("/orgs")
@login_required
def index():
    orgs = store.orgs_of_user(get_db(), g.user["id"])
    can_create = g.user["role"] in ("admin", "facilitator")
    return render_template("orgs/index.html", orgs=orgs, can_create=can_create)


@bp.route("/orgs/new", methods=["GET", "POST"])
@role_required("admin", "facilitator")
def create():
    form = OrgForm()
    if form.validate_on_submit():
        try:
            org_id = store.create_org(get_db(), form.name.data, g.user["id"])
        except store.StoreError as err:
            form.name.errors.append(str(err).capitalize() + ".")
        else:
            flash("The organisation was created. Start its first assessment, or add members.", "success")
            return redirect(url_for("orgs.detail", org_id=org_id))
    return render_template("orgs/new.html", form=form), 400 if form.errors else 200


@bp.get("/orgs/<int:org_id>")
@member_view()
def detail(org_id: int):
    """The organisation's dashboard: latest result, trends, deltas, progress, units; its assessments."""
    from .dashboard import dashboard_for, progress_view, scope_from_request, start_defaults

    db = get_db()
    unit = scope_from_request(org_id)
    data = dashboard_for(g.org, unit)
    return render_template(
        "orgs/detail.html",
        org=g.org,
        role=g.org_role,
        unit=unit,
        dash=data,
        progress=progress_view(db, org_id, unit, data),
        assessments=store.org_assessments(db, org_id),
        members=store.members(db, org_id),
        member_form=MemberForm(),
        defaults=start_defaults(),
        statuses=store.PROGRESS_STATUSES,
        dimensions=DIMENSIONS,
    )


@bp.post("/orgs/<int:org_id>/rename")
@member_view(owner=True)
def rename(org_id: int):
    try:
        store.rename_org(get_db(), org_id, request.form.get("name", ""))
    except store.StoreError as err:
        unchanged(err)
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
        unchanged(err)
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
    unit_raw = request.form.get("unit", "")
    if unit_raw and not unit_raw.isdigit():
        abort(400, description="Unknown unit. Nothing was created.")
    try:
        response_id = store.create_org_assessment(get_db(), org_id, g.user["id"], questionnaire.id,
                                                  questionnaire.version, title=title, period=period,
                                                  assessed_on=assessed_on, unit_id=int(unit_raw) if unit_raw else None)
    except store.NotFound:
        abort(404)
    return redirect(url_for("assess.overview", token=member_token(response_id), new=1))


@bp.get("/orgs/<int:org_id>/assessments/<int:assessment_id>")
@member_view()
def open_assessment(org_id: int, assessment_id: int):
    """Open an assessment of this organisation (its result once submitted)."""
    db = get_db()
    workshop = db.execute("SELECT id FROM workshops WHERE assessment_id = ? AND org_id = ?",
                          [assessment_id, org_id]).fetchone()
    if workshop is not None:
        return redirect(url_for("workshops.detail", org_id=org_id, workshop_id=workshop[0]))
    row = db.execute("SELECT r.id, r.status FROM responses r JOIN assessments a ON a.id = r.assessment_id "
                     "WHERE a.id = ? AND a.org_id = ? ORDER BY r.id LIMIT 1", [assessment_id, org_id]).fetchone()
    if row is None:
        abort(404)
    token = member_token(row[0])
    if row[1] == "submitted":
        return redirect(url_for("results.result_page", token=token))
    return redirect(url_for("assess.overview", token=token))


@bp.post("/r/<token>/attach")
@login_required
def attach(token: str):
    """Give a stand-alone assessment, opened by its private link, to one of the user's organisations."""
    from .assess import load_response

    response, _questionnaire = load_response(token)
    raw = request.form.get("org_id", "")
    if not raw.isdigit():
        abort(400, description="Choose an organisation. Nothing was changed.")
    org_id = int(raw)
    require_member(org_id)
    if response["org_id"] is not None:
        abort(400, description="This assessment already belongs to an organisation. Nothing was changed.")
    title = " ".join(request.form.get("title", "").split())[:120]
    store.attach_assessment(get_db(), response["assessment_id"], org_id, title=title)
    flash("The assessment now belongs to the organisation. Its private link only works for members from now on.",
          "success")
    return redirect(url_for("orgs.detail", org_id=org_id))
