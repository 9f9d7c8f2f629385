"""An organisation's members: owners add existing accounts as owner or member, change or remove them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from .. import store
from ..db import get_db
from .access import member_view
from .audit import audited
from .errors import unchanged
from .forms import MemberForm
from .messages import refusal

bp = Blueprint("members", __name__, url_prefix="/orgs/<int:org_id>/members")


@bp.post("")
@member_view(owner=True)
def add(org_id: int):
    form = MemberForm()
    if not form.validate_on_submit():
        message = "; ".join(e for errors in form.errors.values() for e in errors)
        abort(400, description=f"{message} Nothing was changed.")
    db = get_db()
    user = store.user_by_email(db, form.email.data)
    if user is None:
        abort(400, description="There is no account with that email. An admin can create one first. "
                               "Nothing was changed.")
    try:
        with audited("member_added", org_id, "member", user["id"], user["email"], f"as {form.role.data}"):
            store.set_member(db, org_id, user["id"], form.role.data)
    except store.StoreError as err:
        unchanged(refusal(err))
    flash(f"{user['email']} is now a {form.role.data} of {g.org['name']}.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id))


@bp.post("/<int:user_id>")
@member_view(owner=True)
def update(org_id: int, user_id: int):
    db = get_db()
    if store.membership(db, org_id, user_id) is None:
        abort(404)
    action = request.form.get("action")
    email = store.get_user(db, user_id)["email"]
    try:
        if action == "remove":
            with audited("member_removed", org_id, "member", user_id, email):
                store.remove_member(db, org_id, user_id)
        elif action in store.ORG_ROLES:
            with audited("member_role_changed", org_id, "member", user_id, email, f"now {action}"):
                store.set_member(db, org_id, user_id, action)
        else:
            abort(400, description="Unknown action. Nothing was changed.")
    except store.StoreError as err:
        unchanged(refusal(err))
    flash("Membership updated.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id))
