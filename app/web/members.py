"""An organisation's members: owners add existing accounts as owner or member, change or remove them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from .. import store
from ..db import get_db
from .access import member_view
from .audit import audited
from .forms import MemberForm, form_errors
from .messages import refusal
from .orgs import refused_form

bp = Blueprint("members", __name__, url_prefix="/orgs/<int:org_id>/members")


@bp.post("")
@member_view(owner=True)
def add(org_id: int):
    form = MemberForm()
    if not form.validate_on_submit():
        return refused_form(org_id, "member", form_errors(form))
    db = get_db()
    user = store.user_by_email(db, form.email.data)
    if user is None:
        return refused_form(org_id, "member", {"email": "There is no account with that email. Invite the person "
                                                        "with a link instead, or ask an admin to create one."})
    try:
        with audited("member_added", org_id, "member", user["id"], user["email"], f"as {form.role.data}"):
            store.set_member(db, org_id, user["id"], form.role.data)
    except store.StoreError as err:
        return refused_form(org_id, "member", {"role": refusal(err)})
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
            return refused_form(org_id, f"member-{user_id}", {"action": "Choose one of the buttons offered."})
    except store.StoreError as err:
        return refused_form(org_id, f"member-{user_id}", {"action": refusal(err)})
    flash("Membership updated.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id))
