"""Organisations: the list, creating one, its page (the dashboard) and renaming it.

Every organisation route checks membership on the server and fails closed: a user who is
not a member gets 404, the same answer as for an organisation that does not exist (see
access.py). Its other areas have a module each: members, assessments, units, dashboard
(comparisons and roadmap progress) and workshops.
"""

from __future__ import annotations

import copy
from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from .. import store
from ..db import get_db
from ..engine.vocabulary import DIMENSIONS
from .access import FACILITATOR_ROLES, can_facilitate, login_required, member_view, role_required, unit_scope
from .audit import audited, renamed
from .dashboard_data import benchmark_view, dashboard_for, progress_view, units_progress_view
from .errors import unchanged
from .forms import InvitationForm, MemberForm, OrgForm
from .messages import refusal
from .periods import SAME_PERIOD_LABEL, next_free_period

bp = Blueprint("orgs", __name__, url_prefix="/orgs")


@bp.get("")
@login_required
def index():
    orgs = store.orgs_of_user(get_db(), g.user["id"])
    can_create = can_facilitate(g.user)
    deleted = len(store.deleted_orgs(get_db(), g.user["id"]))
    return render_template("orgs/index.html", orgs=orgs, can_create=can_create, deleted=deleted)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*FACILITATOR_ROLES)
def create():
    form = OrgForm()
    if form.validate_on_submit():
        try:
            with audited("org_created", object_kind="organisation") as entry:
                org_id = store.create_org(get_db(), form.name.data, g.user["id"])
                entry.update(org_id=org_id, object_id=org_id, label=store.get_org(get_db(), org_id)["name"])
        except store.StoreError as err:
            form.name.errors.append(refusal(err))
        else:
            flash("The organisation was created. Start its first assessment, or add members.", "success")
            return redirect(url_for("orgs.detail", org_id=org_id))
    return render_template("orgs/new.html", form=form), 400 if form.errors else 200


@bp.get("/<int:org_id>")
@member_view()
def detail(org_id: int):
    """The organisation's dashboard: latest result, trends, deltas, progress, units; its assessments."""
    return dashboard_page(org_id, unit_scope(org_id), open_phase=request.args.get("open", ""))


def dashboard_page(org_id: int, unit: dict | None, *, open_phase: str = "", typed: list[dict] | None = None,
                   refused: dict | None = None, status: int = 200, sent: dict | None = None):
    """The dashboard; after a refused progress form, with what was typed back in its fields and
    ``refused`` ({item_id, field, message}) said beside the field it is about; after a refused small
    form, ``sent`` ({form, values, errors}: see refused_form) puts what was typed back in that form."""
    db = get_db()
    sent = sent or {"form": None, "values": {}, "errors": {}, "items": []}
    data = dashboard_for(g.org, unit)
    opted_in = store.benchmark_opt_in(db, org_id)
    progress = progress_view(org_id, unit, data)
    if typed and progress:
        progress = with_typed(progress, typed, refused)
        open_phase = next((phase["id"] for phase in progress["phases"] for item in phase["items"]
                           if item.get("error")), open_phase)  # the phase holding the field to fix
    return render_template(
        "orgs/detail.html",
        org=g.org,
        role=g.org_role,
        unit=unit,
        dash=data,
        progress=progress,
        units_progress=None if unit else units_progress_view(org_id, data),
        opted_in=opted_in,
        bench=benchmark_view(org_id, request.args.get("mix") == "1") if opted_in and unit is None else None,
        # A unit's tab lists only that unit's assessments; the whole organisation's lists all.
        assessments=[a for a in store.org_assessments(db, org_id) if unit is None or a["unit_id"] == unit["id"]],
        members=store.members(db, org_id),
        # Bound to the request only when it was the form refused: the two share their field names.
        member_form=MemberForm() if sent["form"] == "member" else MemberForm(formdata=None),
        invitation_form=InvitationForm() if sent["form"] == "invitation" else InvitationForm(formdata=None),
        invitations=store.pending_invitations(db, org_id) if g.org_role == "owner" else [],
        defaults={"period": next_free_period(db, org_id, unit["id"] if unit else None),
                  "assessed_on": date.today().isoformat()},
        statuses=store.PROGRESS_STATUSES,
        open_phase=open_phase,
        refused=refused,
        sent=sent,
        dimensions=DIMENSIONS,
        same_period_label=SAME_PERIOD_LABEL,
    ), status


# The dashboard's small forms: each field's element id and its label in the error summary.
SMALL_FORMS = {
    "rename": {"name": ("org-name", "New name")},
    "unit": {"name": ("unit-name", "Unit name")},
    "member": {"email": ("email", "Email of an existing user"), "role": ("role", "Role")},
    "invitation": {"email": ("invite-email", "Invite someone without an account"), "role": ("invite-role", "Role")},
    "start": {"period": ("new-period", "Period"), "assessed_on": ("new-date", "Date"), "unit": ("new-unit", "Unit"),
              "title": ("new-title", "Title"), "start_from": ("from-previous", "Start from")},
}


def refused_form(org_id: int, form: str, errors: dict[str, str], values: dict[str, str] | None = None):
    """The dashboard again after one of its small forms was refused (400): what was typed back in
    ``form`` (values by field; a WTForms form re-reads the request itself), each reason beside its
    field and, linked to it, in the summary at the top. Nothing was changed."""
    fields = SMALL_FORMS.get(form, {})
    items = [(fields[name][0], f"{fields[name][1]}: {message}") if name in fields else
             (None if name == "csrf_token" else f"{form}-{name}", message) for name, message in errors.items()]
    return dashboard_page(org_id, None, sent={"form": form, "values": values or {}, "errors": errors, "items": items},
                          status=400)


def with_typed(progress: dict, typed: list[dict], refused: dict | None) -> dict:
    """A copy of the (cached) progress view showing what the form sent instead of what is saved."""
    progress = copy.deepcopy(progress)
    sent = {change["item_id"]: change for change in typed}
    for phase in progress["phases"]:
        for item in phase["items"]:
            change = sent.get(item["id"])
            if change is None:
                continue
            item.update(status=change["status"], due_on=change["due_on"], done_on=change["done_on"],
                        owner_name=change["owner"], note=change["note"])
            if refused and refused["item_id"] == item["id"]:
                item["error"] = refused
    return progress


@bp.post("/<int:org_id>/rename")
@member_view(owner=True)
def rename(org_id: int):
    name = request.form.get("name", "")
    try:
        with audited("org_renamed", org_id, "organisation", org_id) as entry:
            store.rename_org(get_db(), org_id, name)
            renamed(entry, g.org["name"], store.get_org(get_db(), org_id)["name"])
    except store.StoreError as err:
        return refused_form(org_id, "rename", {"name": refusal(err)}, {"name": name})
    flash("The organisation was renamed.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id) + "#data-heading")


@bp.post("/<int:org_id>/benchmark")
@member_view(owner=True)
def benchmark_setting(org_id: int):
    """An owner pools the organisation's latest result into the server's benchmark, or stops."""
    choice = request.form.get("opt_in")
    if choice not in ("0", "1"):
        unchanged("Say whether the organisation takes part (opt_in 1) or not (opt_in 0).")
    on = choice == "1"
    with audited("benchmark_joined" if on else "benchmark_left", org_id, "organisation", org_id, g.org["name"]):
        store.set_benchmark_opt_in(get_db(), org_id, on)
    flash("The organisation now takes part in the pooled benchmark." if on else
          "The organisation no longer takes part in the pooled benchmark.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id) + "#benchmark-heading")
