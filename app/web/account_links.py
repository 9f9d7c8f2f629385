"""Invitations and password resets by one-time link: the app shows the link once to copy and send
(it sends no e-mail); the person who opens it sets their own password.

An owner invites a person without an account to an organisation; an admin issues a reset link
for an account. Links are stored hashed, work once, expire, and using one signs the account in
here and out everywhere else. A link that does not work answers 404, whatever the reason. (The
argument is link_token, not token: it is no response's private link, and the access walk knows none.)
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for

from .. import store
from ..db import get_db
from .access import account_or_404, member_view, role_required
from .audit import audited
from .auth import begin_session
from .current import public_url
from .forms import InvitationForm, NewPasswordForm, SwitchAccountPasswordForm, form_errors
from .messages import refusal
from .orgs import refused_form

bp = Blueprint("links", __name__)


@bp.post("/orgs/<int:org_id>/invitations")
@member_view(owner=True)
def invite(org_id: int):
    """Make a one-time invitation link for a person without an account, and show it once."""
    form = InvitationForm()
    if not form.validate_on_submit():
        return refused_form(org_id, "invitation", form_errors(form))
    try:
        with audited("member_invited", org_id, "member", None, form.email.data.strip().lower(),
                     f"as {form.role.data}"):
            token = store.create_invitation(get_db(), org_id, form.email.data, form.role.data, g.user["id"])
    except store.StoreError as err:
        return refused_form(org_id, "invitation", {"email": refusal(err)})
    return _link_made(f"Invitation for {form.email.data.strip().lower()}",
                      public_url("links.accept", link_token=token), f"{store.INVITATION_DAYS} days",
                      "They open it, choose their own password and are a "
                      f"{form.role.data} of {g.org['name']} from then on.",
                      url_for("orgs.detail", org_id=org_id) + "#members-heading")


@bp.post("/orgs/<int:org_id>/invitations/<int:link_id>/revoke")
@member_view(owner=True)
def revoke(org_id: int, link_id: int):
    """Void an invitation nobody has used yet: its link stops working at once."""
    try:
        with audited("invitation_revoked", org_id, "member", None) as entry:
            entry["label"] = store.revoke_invitation(get_db(), org_id, link_id)
    except store.LinkInvalid:
        abort(404, description="That invitation was used or revoked already. Nothing was changed.")
    flash(f"The invitation for {entry['label']} was revoked: its link no longer works.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id) + "#members-heading")


@bp.post("/admin/users/<int:user_id>/reset-link")
@role_required("admin")
def reset_link(user_id: int):
    """Make a one-time password reset link for an account (earlier ones stop working), and show it once."""
    db = get_db()
    user = account_or_404(user_id)
    try:
        with audited("reset_link_issued", None, "user", user_id, user["email"]):
            token = store.create_reset_link(db, user_id, g.user["id"])
    except store.NotFound:
        abort(404)
    return _link_made(f"Password reset for {user['email']}", public_url("links.reset", link_token=token),
                      f"{store.RESET_HOURS} hours",
                      "They open it and choose a new password; their other sessions end. Earlier reset links "
                      "for this account no longer work.", url_for("auth.users"))


def _link_made(title: str, link: str, lifetime: str, what: str, back: str):
    g.private_page = True  # never stored by the browser
    return render_template("auth/link_made.html", title=title, link=link, lifetime=lifetime, what=what, back=back)


@bp.route("/invite/<link_token>", methods=["GET", "POST"])
def accept(link_token: str):
    """Accept an invitation: choose a password, and the account exists and is signed in."""
    def use(db, form):
        return store.accept_invitation(db, link_token, form.password.data, name=form.name.data or "",
                                       password_method=current_app.config["PASSWORD_HASH_METHOD"])

    def welcome(link):
        flash(f"Welcome. Your account is ready and you are a {link['role']} of {link['org_name']}.", "success")
        return url_for("orgs.detail", org_id=link["org_id"])

    return _use_link("invite", link_token, use, welcome)


@bp.route("/reset/<link_token>", methods=["GET", "POST"])
def reset(link_token: str):
    """Use a reset link: choose a new password; every other session of the account ends."""
    def use(db, form):
        return store.reset_password(db, link_token, form.password.data,
                                    password_method=current_app.config["PASSWORD_HASH_METHOD"])

    def welcome(_link):
        flash("Your password was changed and you are signed in. Other devices were signed out.", "success")
        return url_for("orgs.index")

    return _use_link("reset", link_token, use, welcome)


def _use_link(kind: str, token: str, use, welcome):
    """The page of a one-time link: its form, and on a good password the link used and the account signed in."""
    g.private_page = True
    db = get_db()
    link = _open(db, kind, token)
    # Signed in as someone else: using the link signs that account out, so the form asks first.
    other = g.user if g.get("user") and g.user["email"] != link["email"] else None
    form = SwitchAccountPasswordForm() if other else NewPasswordForm()
    if other:
        form.switch.label.text = f"Sign me out as {other['email']} and continue as {link['email']}"
    if kind == "reset":
        del form.name
    if form.validate_on_submit():
        try:
            user_id = use(db, form)
        except store.LinkInvalid:
            abort(404)
        except store.StoreError as err:
            form.password.errors.append(refusal(err))
        else:
            begin_session(user_id)
            return redirect(welcome(link))
    return render_template("auth/link_use.html", form=form, link=link, kind=kind, other=other), \
        400 if form.errors else 200


def _open(db, kind: str, token: str) -> dict:
    try:
        return store.open_link(db, kind, token)
    except store.LinkInvalid:
        abort(404, description="This link does not work: it was used already, it expired, or it was not "
                               "copied completely. Ask for a new one.")
