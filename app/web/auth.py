"""Accounts: first-run setup, sign in and out, password change, user administration.

The signed session cookie holds only a random session id; the session itself lives in
the database, so signing out revokes it on the server and an old cookie stops working.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for

from .. import store
from ..db import get_db
from .access import account_or_404, client_address, login_required, role_required
from .audit import audited
from .errors import is_api_request, unchanged
from .forms import ConfirmDeleteForm, LoginForm, PasswordForm, SetupForm, TokenForm, UserForm
from .messages import refusal

bp = Blueprint("auth", __name__)

TOUCH_EVERY_SECONDS = 300


def load_user() -> None:
    """Put the signed-in user (or None) on g for this request."""
    g.user = None
    if is_api_request():  # the API authenticates by token only: a cookie opens nothing there (and needs no CSRF)
        return
    session_id = session.get("sid")
    if not session_id or request.endpoint in ("static", "main.plotly_js", "bootstrap.static"):
        return
    db = get_db()
    user = store.session_user(db, session_id)
    if user is None:
        session.pop("sid", None)
        return
    g.user = user
    last_seen = datetime.fromisoformat(user["last_seen"])
    if (datetime.now(timezone.utc) - last_seen).total_seconds() > TOUCH_EVERY_SECONDS:
        with store.best_effort(db):  # pages that only show something still work when storage is down
            store.touch_session(db, session_id)


def _hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def safe_next(target: str | None) -> str:
    """Only follow a relative path on this site after sign-in (no open redirect)."""
    if not target:
        return url_for("orgs.index")
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in target)):
        return url_for("orgs.index")
    return target


def begin_session(user_id: int) -> None:
    """Rotate the session at sign-in: nothing from the previous session survives, on the server either."""
    db = get_db()
    with store.transaction(db):  # both or neither; the cookie changes only once the database has
        store.end_session(db, session.get("sid"))
        session_id = store.start_session(db, user_id)
    session.clear()
    session["sid"] = session_id
    session.permanent = False


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the first administrator; only available while no account exists."""
    db = get_db()
    if store.count_users(db):
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user_id = store.create_user(db, form.email.data, form.password.data, role="admin",
                                        name=form.name.data or "", only_if_none=True, password_method=_hash_method())
        except store.StoreError as err:
            form.password.errors.append(refusal(err))
        else:
            begin_session(user_id)
            flash("Your administrator account is ready. Create an organisation to start.", "success")
            return redirect(url_for("orgs.index"))
    return render_template("auth/setup.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    db = get_db()
    if not store.count_users(db):
        return redirect(url_for("auth.setup"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email, address = form.email.data, client_address()
        wait = store.login_blocked_for(db, email, address)
        if wait:
            minutes = max(1, round(wait / 60))
            form.form_errors.append(f"Too many failed sign-in attempts. Try again in about {minutes} minute"
                                    f"{'s' if minutes != 1 else ''}.")
            status = 429
        else:
            # Failures elsewhere (this account from other addresses, other accounts from here) slow the
            # attempt down; they never refuse a correct password.
            delay = store.login_slowdown(db, email, address, most=current_app.config["LOGIN_SLOWDOWN_MAX_SECONDS"])
            if delay:
                time.sleep(delay)
            user_id = store.verify_credentials(db, email, form.password.data)
            if user_id is None:
                known = store.user_by_email(db, email)
                with store.transaction(db):
                    store.record_login_failure(db, email, address)
                    # Whose account was tried, never what was typed: an unknown email may be a password.
                    store.audit(db, "sign_in_failed", actor_id=known["id"] if known else None,
                                detail="wrong password or inactive account" if known else "unknown email")
                form.form_errors.append("The email or password is not right.")
                status = 400
            else:
                begin_session(user_id)
                store.audit(db, "sign_in", actor_id=user_id)
                return redirect(safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    db = get_db()
    with store.transaction(db):
        store.end_session(db, session.get("sid"))
        if g.get("user"):
            store.audit(db, "sign_out", actor_id=g.user["id"])
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("main.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        db = get_db()
        # Guessing the current password here counts like failed sign-ins of this account, with the
        # same limit (not per address: the guesser is already signed in as this one account).
        marker = f"account page of {g.user['id']}"
        wait = store.login_blocked_for(db, g.user["email"], marker)
        if wait:
            form.current.errors.append(f"Too many wrong passwords. Try again in about {max(1, round(wait / 60))} "
                                       "minutes.")
            status = 429
        elif store.verify_credentials(db, g.user["email"], form.current.data) is None:
            store.record_login_failure(db, g.user["email"], marker)
            form.current.errors.append("This is not your current password.")
        else:
            try:
                with audited("password_changed", None, "user", g.user["id"], g.user["email"]) as entry:
                    revoked = store.set_password(db, g.user["id"], form.password.data, password_method=_hash_method())
                    entry["detail"] = (f"other sessions ended; {revoked} API token{'s' if revoked != 1 else ''} "
                                       "revoked")
            except store.StoreError as err:
                form.password.errors.append(refusal(err))
            else:
                begin_session(g.user["id"])  # every other session was ended by the change
                flash("Your password was changed. Other devices were signed out"
                      + (f" and your {revoked} API token{'s' if revoked != 1 else ''} revoked: make new ones."
                         if revoked else "."), "success")
                return redirect(url_for("auth.account"))
    return account_page(form=form), status if status != 200 else (400 if form.errors else 200)


def account_page(form: PasswordForm | None = None, token_form: TokenForm | None = None,
                 new_token: str | None = None) -> str:
    """The account page: password change and the user's API tokens (a new one shown this once)."""
    return render_template("auth/account.html", form=form or PasswordForm(), token_form=token_form or TokenForm(prefix="token"),
                           tokens=store.tokens_of(get_db(), g.user["id"]), new_token=new_token,
                           now=datetime.now(timezone.utc).isoformat(timespec="seconds"))


@bp.post("/account/tokens")
@login_required
def create_token():
    """Make a personal access token; the page shows it once (only its hash is kept)."""
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        return account_page(token_form=form), 400
    expires_at = (datetime.combine(form.expires.data, datetime.max.time(), tzinfo=timezone.utc)
                  if form.expires.data else None)
    try:
        with audited("token_created", None, "token") as entry:
            token_id, token = store.create_token(get_db(), g.user["id"], form.name.data, form.scope.data, expires_at)
            made = next(t for t in store.tokens_of(get_db(), g.user["id"]) if t["id"] == token_id)
            entry.update(object_id=token_id, label=made["name"], detail=made["scope"] + (
                f", until {made['expires_at'][:10]}" if made["expires_at"] else ""))
    except store.StoreError as err:
        (form.expires if isinstance(err, store.InvalidExpiry) else form.name).errors.append(refusal(err))
        return account_page(token_form=form), 400
    return account_page(new_token=token), 201


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    try:
        with audited("token_revoked", None, "token", token_id) as entry:
            name = store.revoke_token(get_db(), g.user["id"], token_id)
            entry.update(label=name or "", unchanged=name is None)
    except store.NotFound:
        abort(404)
    flash("The token was revoked; it stopped working at once.", "success")
    return redirect(url_for("auth.account") + "#tokens-heading")


@bp.route("/admin/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    db = get_db()
    form = UserForm()
    if form.validate_on_submit():
        try:
            store.create_user(db, form.email.data, form.password.data, role=form.role.data, name=form.name.data or "",
                              password_method=_hash_method())
        except store.StoreError as err:
            field = form.email if isinstance(err, (store.DuplicateEmail, store.InvalidEmail)) else form.password
            field.errors.append(refusal(err))
        else:
            flash(f"The account for {form.email.data} was created. Give them the initial password in person.",
                  "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/users.html", form=form, users=store.list_users(db)), 400 if form.errors else 200


@bp.post("/admin/users/<int:user_id>")
@role_required("admin")
def update_user(user_id: int):
    db = get_db()
    user = account_or_404(user_id)
    action = request.form.get("action")
    if action not in ("role", "deactivate", "activate"):
        abort(400, description="Unknown action. Nothing was changed.")
    role = request.form.get("role", "")
    try:
        with audited("user_changed", None, "user", user_id, user["email"],
                     f"role {role}" if action == "role" else f"{action}d") as entry:
            if action == "role":
                store.update_user(db, user_id, role=role)
            else:
                revoked = store.update_user(db, user_id, active=action == "activate")
                entry["detail"] += f"; {revoked} API token{'s' if revoked != 1 else ''} revoked" if revoked else ""
    except store.StoreError as err:
        unchanged(refusal(err))
    flash("The account was updated.", "success")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>/delete", methods=["GET", "POST"])
@role_required("admin")
def delete_user(user_id: int):
    """Delete an account after one confirmation: what it authored stays, shown as by a former user."""
    db = get_db()
    user = account_or_404(user_id)
    form = ConfirmDeleteForm()
    error = None
    if form.validate_on_submit():
        try:
            store.delete_user(db, user_id, by=g.user["id"])
        except store.StoreError as err:
            error = refusal(err) + " Nothing was deleted."
        else:
            flash(f"The account of {user['email']} was deleted. What it wrote stays, shown as by a former user.",
                  "success")
            return redirect(url_for("auth.users"))
    orgs = store.orgs_of_user(db, user_id)
    return render_template("auth/delete_user.html", user=user, orgs=orgs, form=form,
                           error=error), 400 if (error or form.errors) else 200
