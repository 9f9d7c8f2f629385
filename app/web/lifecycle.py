"""Deleting client data on purpose: confirmations that say what goes, the trash (restore, purge
now), deleted organisations, and a stand-alone self-assessment deleted by its link holder.

Owners delete and restore; everything deleted waits in the trash for 30 days (see
store/lifecycle.py). Deleting an organisation needs its name typed.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from werkzeug.utils import secure_filename

from .. import service, store
from ..db import get_db
from .access import load_response, login_required, member_view, role_required
from .audit import audited
from .current import content
from .errors import unchanged
from .forms import ConfirmDeleteForm, ConfirmOrgDeleteForm, RetentionForm
from .messages import refusal

bp = Blueprint("lifecycle", __name__, url_prefix="/orgs")
# A stand-alone self-assessment is deleted from its own private link.
standalone = Blueprint("standalone", __name__)

WHAT = {"unit": "unit", "assessment": "assessment", "workshop": "workshop"}


def _target(org_id: int, kind: str, object_id: int) -> dict:
    try:
        return store.deletion_target(get_db(), org_id, kind, object_id)
    except store.NotFound:
        abort(404)


def _confirm(org_id: int, kind: str, object_id: int):
    """The confirmation page (GET) and the deletion (POST) of one unit, assessment or workshop."""
    db = get_db()
    thing = _target(org_id, kind, object_id)
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        store.delete(db, org_id, kind, object_id, g.user["id"])
        flash(f"{kind.capitalize()} “{thing['label']}” moved to the trash. Owners can restore it there for "
              f"{store.TRASH_DAYS} days.", "success")
        return redirect(url_for("lifecycle.trash", org_id=org_id))
    counts = store.contents(db, org_id, kind, object_id)
    return render_template("lifecycle/confirm.html", org=g.org, thing=thing, what=store.describe(counts), form=form,
                           purge_on=_purge_on(), name_needed=False), 400 if form.errors else 200


def _purge_on() -> date:
    return date.today() + timedelta(days=store.TRASH_DAYS)


@bp.route("/<int:org_id>/units/<int:unit_id>/delete", methods=["GET", "POST"])
@member_view(owner=True)
def delete_unit(org_id: int, unit_id: int):
    return _confirm(org_id, "unit", unit_id)


@bp.route("/<int:org_id>/assessments/<int:assessment_id>/delete", methods=["GET", "POST"])
@member_view(owner=True)
def delete_assessment(org_id: int, assessment_id: int):
    workshop_id = store.workshop_of_assessment(get_db(), org_id, assessment_id)
    if workshop_id is not None:  # a workshop's assessment goes with its workshop
        return redirect(url_for("lifecycle.delete_workshop", org_id=org_id, workshop_id=workshop_id))
    return _confirm(org_id, "assessment", assessment_id)


@bp.route("/<int:org_id>/workshops/<int:workshop_id>/delete", methods=["GET", "POST"])
@member_view(owner=True)
def delete_workshop(org_id: int, workshop_id: int):
    return _confirm(org_id, "workshop", workshop_id)


@bp.route("/<int:org_id>/delete", methods=["GET", "POST"])
@member_view(owner=True)
def delete_org(org_id: int):
    """Deleting the whole organisation needs its name typed."""
    db = get_db()
    form = ConfirmOrgDeleteForm()
    if form.validate_on_submit():
        if " ".join(form.name.data.split()) != g.org["name"]:
            form.name.errors.append("That is not the organisation's name. Type it exactly as shown to confirm. "
                                    "Nothing was deleted.")
        else:
            store.delete(db, org_id, "organisation", org_id, g.user["id"])
            flash(f"“{g.org['name']}” moved to the trash. You can restore it from Deleted organisations for "
                  f"{store.TRASH_DAYS} days.", "success")
            return redirect(url_for("lifecycle.deleted"))
    counts = store.contents(db, org_id, "organisation", org_id)
    thing = {"kind": "organisation", "id": org_id, "label": g.org["name"]}
    members = store.members(db, org_id)
    return render_template("lifecycle/confirm.html", org=g.org, thing=thing, what=store.describe(counts), form=form,
                           purge_on=_purge_on(), name_needed=True, members=len(members)), 400 if form.errors else 200


# --------------------------------------------------------------------------
# The trash of an organisation, and deleted organisations
# --------------------------------------------------------------------------


@bp.get("/<int:org_id>/trash")
@member_view(owner=True)
def trash(org_id: int):
    return render_template("lifecycle/trash.html", org=g.org, items=store.trash_of(get_db(), org_id),
                           days=store.TRASH_DAYS)


def _entry(org_id: int | None, trash_id: int) -> dict:
    """A trash entry of this organisation (None: an organisation in the trash the user owns); 404 otherwise."""
    db = get_db()
    try:
        entry = store.trash_entry(db, trash_id)
    except store.NotFound:
        abort(404)
    if org_id is None:
        if trash_id not in {e["id"] for e in store.deleted_orgs(db, g.user["id"])}:
            abort(404)
    elif entry["org_id"] != org_id or entry["kind"] == "organisation":
        abort(404)
    return entry


def _restore(entry: dict, back: str):
    try:
        store.restore(get_db(), entry["id"], g.user["id"])
    except store.InTrash as err:
        unchanged(refusal(err))
    flash(f"{entry['kind'].capitalize()} “{entry['label']}” was restored.", "success")
    return redirect(back)


def _purge(entry: dict, back: str):
    store.purge(get_db(), entry["id"], g.user["id"])
    flash(f"{entry['kind'].capitalize()} “{entry['label']}” was purged for good: {entry['contents']}.", "success")
    return redirect(back)


@bp.post("/<int:org_id>/trash/<int:trash_id>/restore")
@member_view(owner=True)
def restore(org_id: int, trash_id: int):
    return _restore(_entry(org_id, trash_id), url_for("lifecycle.trash", org_id=org_id))


@bp.post("/<int:org_id>/trash/<int:trash_id>/purge")
@member_view(owner=True)
def purge(org_id: int, trash_id: int):
    return _purge(_entry(org_id, trash_id), url_for("lifecycle.trash", org_id=org_id))


@bp.get("/deleted")
@login_required
def deleted():
    """Organisations in the trash that the signed-in user owns."""
    return render_template("lifecycle/deleted.html", items=store.deleted_orgs(get_db(), g.user["id"]),
                           days=store.TRASH_DAYS)


@bp.post("/deleted/<int:trash_id>/restore")
@login_required
def restore_org(trash_id: int):
    entry = _entry(None, trash_id)
    return _restore(entry, url_for("orgs.detail", org_id=entry["org_id"]))


@bp.post("/deleted/<int:trash_id>/purge")
@login_required
def purge_org(trash_id: int):
    return _purge(_entry(None, trash_id), url_for("lifecycle.deleted"))


# --------------------------------------------------------------------------
# A stand-alone self-assessment, deleted by whoever holds its private link
# --------------------------------------------------------------------------


@standalone.route("/r/<token>/delete", methods=["GET", "POST"])
def delete_self_assessment(token: str):
    """The link holder deletes a self-assessment that belongs to no organisation, at once and for good.

    Once it belongs to an organisation, its owners delete it there (this sends them on).
    """
    response, _questionnaire = load_response(token)
    if response["org_id"] is not None:
        return redirect(url_for("lifecycle.delete_assessment", org_id=response["org_id"],
                                assessment_id=response["assessment_id"]))
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        store.purge_standalone(get_db(), response["assessment_id"])
        flash("The self-assessment was deleted, with its answers, notes and result. Its link no longer works.",
              "success")
        return redirect(url_for("main.home"))
    answered = store.count_answers(get_db(), response["id"])
    return render_template("lifecycle/standalone.html", token=token, response=response, answered=answered,
                           form=form), 400 if form.errors else 200


@standalone.app_template_global()
def anonymous_retention_days() -> int:
    """How long a never-attached self-assessment stays (the admin's setting), for the page that says so."""
    return store.retention(get_db())["anonymous_days"]


# --------------------------------------------------------------------------
# Export everything before you delete
# --------------------------------------------------------------------------


@bp.post("/<int:org_id>/export")
@member_view(owner=True)
def export(org_id: int):
    """Everything of the organisation as one zip: JSON for machines, its report (PDF, Excel) for people."""
    db = get_db()
    with audited("exported", org_id, "organisation", org_id, g.org["name"], "downloaded"):
        data = service.export_archive(db, content(), g.org)
    stem = secure_filename(g.org["name"]) or "organisation"
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{stem}-export-{date.today().isoformat()}.zip"'})


# --------------------------------------------------------------------------
# Retention settings, for admins
# --------------------------------------------------------------------------

admin = Blueprint("retention", __name__, url_prefix="/admin")


@admin.route("/retention", methods=["GET", "POST"])
@role_required("admin")
def retention():
    db = get_db()
    form = RetentionForm(data=store.retention(db))
    if form.validate_on_submit():
        try:
            store.set_retention(db, {key: getattr(form, key).data for key in store.RETENTION}, g.user["id"])
        except store.InvalidRetention as err:
            form.form_errors.append(refusal(err) + " Nothing was changed.")
        else:
            flash("The retention settings were saved. The nightly purge (flask --app app data purge) applies them.",
                  "success")
            return redirect(url_for("retention.retention"))
    return render_template("lifecycle/retention.html", form=form, days=store.TRASH_DAYS), 400 if (
        form.errors or form.form_errors) else 200
