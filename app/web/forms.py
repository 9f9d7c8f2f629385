"""WTForms forms for the account and organisation pages (CSRF comes with FlaskForm)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from ..store.accounts import MAX_PASSWORD, MIN_PASSWORD

# A plain shape check: the address is only a login name here, nothing is sent to it.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like name@example.org.")


def form_errors(form: FlaskForm) -> dict[str, str]:
    """A refused form's errors by field name, each field's messages in one line (a missing CSRF token under
    "csrf_token": the page's security check, said at the top)."""
    return {name: " ".join(errors) for name, errors in form.errors.items()}


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Sign in")


def _new_password(label: str = "Password") -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)],
                         description=f"At least {MIN_PASSWORD} characters; a few unrelated words work well.",
                         render_kw={"autocomplete": "new-password"})


class SetupForm(FlaskForm):
    name = StringField("Your name", validators=[Length(max=100)], render_kw={"autocomplete": "name"})
    email = EmailField("Email", validators=[DataRequired(), EMAIL, Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = _new_password()
    confirm = PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Create the administrator account")


class UserForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=100)])
    email = EmailField("Email", validators=[DataRequired(), EMAIL, Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice("member", "Member: joins organisations they are added to"),
                                        SelectChoice("facilitator", "Facilitator: also creates organisations and "
                                                                    "workshops"),
                                        SelectChoice("admin", "Admin: also manages user accounts")])
    password = _new_password("Initial password")
    submit = SubmitField("Create the user")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD)],
                            render_kw={"autocomplete": "current-password"})
    password = _new_password("New password")
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("password", "The passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change the password")


class OrgForm(FlaskForm):
    name = StringField("Organisation name", validators=[DataRequired(), Length(max=120)])
    submit = SubmitField("Create the organisation")


class MemberForm(FlaskForm):
    email = EmailField("Email of an existing user", validators=[DataRequired(), EMAIL,
                                                               Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice("member", "Member"),
                                        SelectChoice("owner", "Owner: also manages members")])
    submit = SubmitField("Add to the organisation")


class TokenForm(FlaskForm):
    """A personal access token for the JSON API."""

    name = StringField("Token name", validators=[DataRequired(), Length(max=80)],
                       description="What it is for, e.g. Power BI or the quarterly script.")
    scope = SelectField("What it may do", choices=[SelectChoice("read", "Read only"),
                                                   SelectChoice("read-write", "Read and change")], default="read")
    expires = DateField("Last day it works", validators=[Optional()],
                        description="Leave empty for a token that works until you revoke it.")
    submit = SubmitField("Create the token")


class InvitationForm(FlaskForm):
    email = EmailField("Email of the person to invite", validators=[DataRequired(), EMAIL, Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice("member", "Member"),
                                        SelectChoice("owner", "Owner: also manages members")])
    submit = SubmitField("Make an invitation link")


class NewPasswordForm(FlaskForm):
    """Choosing one's own password through an invitation (with a name) or a reset link."""
    name = StringField("Your name", validators=[Length(max=100)], render_kw={"autocomplete": "name"})
    password = _new_password("Choose a password")
    confirm = PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Save the password")


class SwitchAccountPasswordForm(NewPasswordForm):
    """The same, opened while signed in as someone else: using the link switches accounts, so it asks first."""
    switch = BooleanField("Sign me out and continue with this account",
                          validators=[DataRequired("Tick this to sign out of the account you are signed in with "
                                                   "and continue with this one. Nothing was changed.")])


class ConfirmDeleteForm(FlaskForm):
    submit = SubmitField("Delete")


class ConfirmOrgDeleteForm(FlaskForm):
    name = StringField("Type the organisation's name to confirm", validators=[DataRequired(), Length(max=200)],
                       render_kw={"autocomplete": "off", "spellcheck": "false"})
    submit = SubmitField("Delete the organisation")


class RetentionForm(FlaskForm):
    anonymous_days = StringField("Anonymous self-assessments never attached to an organisation are purged after "
                                 "(days)", validators=[DataRequired()], render_kw={"inputmode": "numeric"})
    workshop_answers_days = StringField("Workshop participants' individual answers are purged this many days after "
                                        "the workshop closed; its result stays (days)", validators=[DataRequired()],
                                        render_kw={"inputmode": "numeric"})
    submit = SubmitField("Save the retention settings")
