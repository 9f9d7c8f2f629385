"""The organisation's and the workshop's small forms keep what was typed when a field is refused:
the page comes back (400) with every value as typed, the reason in plain words beside its field
and in the summary at the top, and nothing changed."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.helpers import CONTEXT_FORM, add_user, query, visible_text
from tests.history_helpers import ALL_TWO, PASSWORD, Member

BIDI = "Ops\u202egpj.exe"


@pytest.fixture
def owner(app):
    return Member(app, "small-forms@example.org")


@pytest.fixture
def org(owner):
    return owner.create_org("Acme IT")


def field(html: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    found = re.search(rf'<(?:input|select|fieldset|div)\b[^>]*\bid="{element_id}"[^>]*>', html)
    assert found, f"no element #{element_id}"
    return found.group()


def value(html: str, element_id: str) -> str:
    found = re.search(r'\svalue="([^"]*)"', field(html, element_id))
    return unescape(found.group(1)) if found else ""


def selected(html: str, element_id: str) -> str:
    select = re.search(rf'<select\b[^>]*\bid="{element_id}".*?</select>', html, flags=re.S).group()
    option = next(tag for tag in re.findall(r"<option\b[^>]*>", select) if re.search(r"\sselected\b", tag))
    return re.search(r'value="([^"]*)"', option).group(1)


def error_beside(html: str, element_id: str) -> str:
    """The message said beside the field, which the field names in aria-describedby."""
    tag = field(html, element_id)
    assert 'aria-invalid="true"' in tag, tag
    described = re.search(r'aria-describedby="([^"]*)"', tag).group(1).split()
    error_id = next(i for i in described if i.endswith("-error"))
    return visible_text(re.search(rf'id="{error_id}">(.*?)</div>', html, flags=re.S).group(1))


def summary(html: str) -> str:
    found = re.search(r"<div[^>]*data-error-summary[^>]*>(.*?)</div>", html, flags=re.S)
    assert found, "no error summary"
    return visible_text(found.group(1))


def test_a_unit_name_taken_already_comes_back_typed_with_the_reason(app, owner, org):
    owner.add_unit(org, "Retail")
    page = owner.post(f"/orgs/{org}/units", {"name": "Retail"})
    assert page.status_code == 400
    assert value(page.text, "unit-name") == "Retail"
    assert error_beside(page.text, "unit-name") == "The organisation has a unit called 'Retail' already."
    assert "Unit name: The organisation has a unit called 'Retail' already." in summary(page.text)
    assert query(app, "SELECT COUNT(*) FROM units WHERE org_id = ?", [org]) == [(1,)]


def test_a_unit_name_with_a_hidden_character_comes_back_as_typed(app, owner, org):
    page = owner.post(f"/orgs/{org}/units", {"name": BIDI})
    assert page.status_code == 400
    assert value(page.text, "unit-name") == BIDI
    assert "U+202E" in error_beside(page.text, "unit-name")
    assert query(app, "SELECT COUNT(*) FROM units WHERE org_id = ?", [org]) == [(0,)]


@pytest.mark.parametrize("typed, reason", [
    ("", "The name needs 1 to 120 characters."),
    (BIDI, "U+202E"),
])
def test_a_refused_rename_keeps_the_name_typed_and_the_old_name(app, owner, org, typed, reason):
    page = owner.post(f"/orgs/{org}/rename", {"name": typed})
    assert page.status_code == 400
    assert value(page.text, "org-name") == typed
    assert reason in error_beside(page.text, "org-name")
    assert query(app, "SELECT name FROM organisations WHERE id = ?", [org]) == [("Acme IT",)]


def test_the_dashboard_offers_renaming_and_a_rename_is_kept(app, owner, org):
    page = owner.get(f"/orgs/{org}").text
    assert value(page, "org-name") == "Acme IT" and "Rename the organisation" in page
    assert owner.post(f"/orgs/{org}/rename", {"name": "Acme Group IT"}).status_code == 302
    assert query(app, "SELECT name FROM organisations WHERE id = ?", [org]) == [("Acme Group IT",)]


def test_adding_a_member_without_an_account_keeps_the_email_and_role_in_that_form_only(app, owner, org):
    page = owner.post(f"/orgs/{org}/members", {"email": "nobody@example.org", "role": "owner"})
    assert page.status_code == 400
    assert value(page.text, "email") == "nobody@example.org" and selected(page.text, "role") == "owner"
    assert "There is no account with that email" in error_beside(page.text, "email")
    assert value(page.text, "invite-email") == ""  # the invitation form shares the field names
    assert query(app, "SELECT COUNT(*) FROM memberships WHERE org_id = ?", [org]) == [(1,)]


def test_a_member_email_that_is_no_address_says_what_one_looks_like(owner, org):
    page = owner.post(f"/orgs/{org}/members", {"email": "fay at example", "role": "member"})
    assert page.status_code == 400
    assert value(page.text, "email") == "fay at example"
    assert error_beside(page.text, "email") == "Enter an email address like name@example.org."


def test_inviting_someone_who_has_an_account_keeps_the_invitation_typed(app, owner, org):
    add_user(app, "has-account@example.org", password=PASSWORD)
    page = owner.post(f"/orgs/{org}/invitations", {"email": "has-account@example.org", "role": "owner"})
    assert page.status_code == 400
    assert value(page.text, "invite-email") == "has-account@example.org"
    assert selected(page.text, "invite-role") == "owner"
    assert "has an account already" in error_beside(page.text, "invite-email")
    assert value(page.text, "email") == ""
    assert query(app, "SELECT COUNT(*) FROM account_links") == [(0,)]


def test_the_last_owner_cannot_become_a_member_and_is_told_beside_their_row(app, owner, org):
    (user_id,), = query(app, "SELECT id FROM users WHERE email = ?", [owner.email])
    page = owner.post(f"/orgs/{org}/members/{user_id}", {"action": "member"})
    assert page.status_code == 400
    said = visible_text(re.search(rf'id="member-{user_id}-action">(.*?)</div>', page.text, flags=re.S).group(1))
    assert said == "An organisation needs at least one owner."
    assert f'href="#member-{user_id}-action"' in page.text  # the summary links to it
    assert query(app, "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", [org, user_id]) == [("owner",)]


def test_starting_an_assessment_with_a_bad_date_keeps_everything_typed(app, owner, org):
    unit = owner.add_unit(org, "Retail")
    page = owner.post(f"/orgs/{org}/assessments", {"period": "2027-Q1", "assessed_on": "2027-02-30",
                                                   "unit": str(unit), "title": "Spring check", "start_from": "blank"})
    assert page.status_code == 400
    assert value(page.text, "new-period") == "2027-Q1" and value(page.text, "new-title") == "Spring check"
    assert value(page.text, "new-date") == "2027-02-30" and selected(page.text, "new-unit") == str(unit)
    assert 'id="from-blank" value="blank" checked' in page.text
    assert error_beside(page.text, "new-date") == "Give the date as a calendar day, such as 2026-11-25."
    assert query(app, "SELECT COUNT(*) FROM assessments WHERE org_id = ?", [org]) == [(0,)]


def test_starting_from_a_last_result_the_scope_lacks_says_so_and_keeps_the_form(app, owner, org):
    owner.assess(org, "2026-Q4", "2026-10-15", ALL_TWO)
    unit = owner.add_unit(org, "Retail")
    page = owner.post(f"/orgs/{org}/assessments", {"period": "2027-Q1", "assessed_on": "2027-01-10",
                                                   "unit": str(unit), "title": "Retail", "start_from": "previous"})
    assert page.status_code == 400
    assert "no submitted assessment to start from" in error_beside(page.text, "new-start-from")
    assert selected(page.text, "new-unit") == str(unit) and value(page.text, "new-title") == "Retail"
    assert query(app, "SELECT COUNT(*) FROM assessments WHERE org_id = ?", [org]) == [(1,)]


def test_starting_an_assessment_for_a_period_the_scope_has_already_asks_first(app, owner, org):
    owner.assess(org, "2026-Q4", "2026-10-15", ALL_TWO)
    assert value(owner.get(f"/orgs/{org}").text, "new-period") == "2027-Q1"
    typed = {"period": "2026-Q4", "assessed_on": "2026-12-07", "unit": "", "title": "Again", "start_from": "previous"}
    page = owner.post(f"/orgs/{org}/assessments", typed)
    assert page.status_code == 400
    assert error_beside(page.text, "new-period").startswith(
        "The whole organisation already has an assessment for 2026-Q4 (assessed on 15 Oct 2026).")
    assert "Add a second result for this period" in visible_text(page.text)
    assert value(page.text, "new-period") == "2026-Q4" and value(page.text, "new-title") == "Again"
    assert query(app, "SELECT COUNT(*) FROM assessments WHERE org_id = ?", [org]) == [(1,)]
    # Another unit's 2026-Q4 is no clash; ticked, the second result of the period is meant.
    unit = owner.add_unit(org, "Retail")
    assert owner.post(f"/orgs/{org}/assessments", {**typed, "unit": str(unit), "start_from": "blank"}).status_code == 302
    assert owner.post(f"/orgs/{org}/assessments", {**typed, "same_period": "1"}).status_code == 302
    assert query(app, "SELECT COUNT(*) FROM assessments WHERE org_id = ?", [org]) == [(3,)]


# --------------------------------------------------------------------------
# The workshop's forms
# --------------------------------------------------------------------------


def test_a_headcount_that_is_no_number_comes_back_in_the_console(app, fay, workshop):
    assert fay.post(workshop.base + "/headcount", {"headcount": "12"}).status_code == 302
    page = fay.post(workshop.base + "/headcount", {"headcount": "twelve"})
    assert page.status_code == 400
    assert value(page.text, "headcount") == "twelve"
    assert error_beside(page.text, "headcount").startswith("Give a whole number from 1 to 1000, or leave it empty.")
    assert "People expected in the room:" in summary(page.text)
    assert query(app, "SELECT expected_headcount FROM workshops WHERE id = ?", [workshop.id]) == [(12,)]


def workshop_form(**changes) -> dict:
    return {"title": "Kept title", "mode": "named", "roles": "Exec, Delivery", "period": "2027-Q1",
            **CONTEXT_FORM, **changes}


def test_a_role_with_a_hidden_character_is_said_beside_the_roles_and_the_form_is_kept(app, fay, org_id):
    page = fay.post(f"/orgs/{org_id}/workshops/new", workshop_form(roles=f"Exec, {BIDI}", active_projects="60"))
    assert page.status_code == 400
    assert "U+202E" in error_beside(page.text, "roles")
    assert 'aria-invalid="true"' not in field(page.text, "title")
    assert value(page.text, "title") == "Kept title" and value(page.text, "roles") == f"Exec, {BIDI}"
    assert 'id="mode-named" value="named" checked' in page.text
    assert value(page.text, "input-active_projects") == "60"
    assert query(app, "SELECT COUNT(*) FROM workshops") == [(0,)]


def test_an_unknown_unit_is_said_beside_the_unit_and_the_form_is_kept(app, fay, org_id):
    page = fay.post(f"/orgs/{org_id}/workshops/new", workshop_form(unit="999"))
    assert page.status_code == 400
    assert error_beside(page.text, "unit") == "That unit is not one of this organisation's: choose one from the list."
    assert value(page.text, "title") == "Kept title"
    assert query(app, "SELECT COUNT(*) FROM workshops") == [(0,)]


def test_refused_forms_read_in_plain_words(owner, org):
    """No field ids, no Python reprs of the store's errors."""
    page = owner.post(f"/orgs/{org}/units", {"name": ""})
    text = summary(page.text)
    assert "The name needs 1 to 80 characters." in text
    assert not re.search(r"\b(name|unit)\.\w+|StoreError|Invalid\w+", text)
