"""Invitations and password resets by one-time link: stored hashed, used once, expiring, and the
end of the account's other sessions when used."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from app import store
from tests.helpers import PASSWORD, add_user, new_user, page_csrf, query, signed_in_client, visible_text

NEW_PASSWORD = "a brand new passphrase for this"


def link_in(page: str) -> str:
    return re.search(r'<input[^>]*value="([^"]+)"[^>]*data-one-time-link', page).group(1)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


# --------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------


@pytest.fixture
def owner_org(fresh_db):
    owner = new_user(fresh_db, "owner@example.org", role="facilitator")
    return owner, store.create_org(fresh_db, "Acme", owner)


def test_an_invitation_works_once_and_only_its_hash_is_stored(fresh_db, owner_org):
    owner, org = owner_org
    token = store.create_invitation(fresh_db, org, " New@Example.org ", "member", owner)
    stored = [r[0] for r in fresh_db.execute("SELECT token_hash FROM account_links")]
    assert stored == [store.hash_token(token)] and token not in str(list(fresh_db.execute("SELECT * FROM account_links")))
    user = store.accept_invitation(fresh_db, token, NEW_PASSWORD, name="Nia", password_method="pbkdf2:sha256:1")
    assert store.verify_credentials(fresh_db, "new@example.org", NEW_PASSWORD) == user
    assert store.membership(fresh_db, org, user) == "member"
    with pytest.raises(store.LinkInvalid):
        store.accept_invitation(fresh_db, token, "another long passphrase", password_method="pbkdf2:sha256:1")
    with pytest.raises(store.LinkInvalid):
        store.open_link(fresh_db, "invite", token)


@pytest.mark.parametrize(("kind", "lifetime"), [("invite", timedelta(days=7)), ("reset", timedelta(hours=24))])
def test_links_expire(fresh_db, owner_org, kind, lifetime):
    owner, org = owner_org
    made = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    if kind == "invite":
        token = store.create_invitation(fresh_db, org, "late@example.org", "member", owner, now=made)
    else:
        token = store.create_reset_link(fresh_db, owner, owner, now=made)
    assert store.open_link(fresh_db, kind, token, now=made + lifetime - timedelta(seconds=1))
    with pytest.raises(store.LinkInvalid):
        store.open_link(fresh_db, kind, token, now=made + lifetime)
    with pytest.raises(store.LinkInvalid):
        (store.accept_invitation(fresh_db, token, NEW_PASSWORD, now=made + lifetime) if kind == "invite" else
         store.reset_password(fresh_db, token, NEW_PASSWORD, now=made + lifetime))
    assert store.verify_credentials(fresh_db, "owner@example.org", PASSWORD) == owner


def test_an_invitation_and_a_reset_link_are_not_each_other(fresh_db, owner_org):
    owner, org = owner_org
    invite = store.create_invitation(fresh_db, org, "x@example.org", "member", owner)
    reset = store.create_reset_link(fresh_db, owner, owner)
    for kind, token in (("reset", invite), ("invite", reset)):
        with pytest.raises(store.LinkInvalid):
            store.open_link(fresh_db, kind, token)


def test_a_new_reset_link_voids_the_earlier_one_and_using_it_ends_every_session(fresh_db, owner_org):
    owner, _org = owner_org
    first = store.create_reset_link(fresh_db, owner, owner)
    second = store.create_reset_link(fresh_db, owner, owner)
    session = store.start_session(fresh_db, owner)
    with pytest.raises(store.LinkInvalid):
        store.open_link(fresh_db, "reset", first)
    with pytest.raises(store.WeakPassword):
        store.reset_password(fresh_db, second, "short", password_method="pbkdf2:sha256:1")
    assert store.session_user(fresh_db, session) is not None, "a refused reset changes nothing"
    assert store.reset_password(fresh_db, second, NEW_PASSWORD, password_method="pbkdf2:sha256:1") == owner
    assert store.session_user(fresh_db, session) is None
    assert store.verify_credentials(fresh_db, "owner@example.org", NEW_PASSWORD) == owner
    with pytest.raises(store.LinkInvalid):
        store.reset_password(fresh_db, second, "yet another long passphrase", password_method="pbkdf2:sha256:1")


def test_an_existing_account_is_not_invited(fresh_db, owner_org):
    owner, org = owner_org
    with pytest.raises(store.DuplicateEmail):
        store.create_invitation(fresh_db, org, "OWNER@example.org", "member", owner)
    with pytest.raises(store.InvalidEmail):
        store.create_invitation(fresh_db, org, "not an address", "member", owner)
    with pytest.raises(store.UnknownRole):
        store.create_invitation(fresh_db, org, "a@example.org", "admin", owner)
    assert fresh_db.execute("SELECT count(*) FROM account_links").fetchone()[0] == 0


# --------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------


def test_an_owner_invites_and_the_person_sets_their_own_password(app, member):
    org = member.create_org("Acme IT")
    response = member.post(f"/orgs/{org}/invitations", {"email": "nia@example.org", "role": "member"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    link = link_in(response.text)
    assert "works once and expires in 7 days" in visible_text(response.text)
    assert "nia@example.org · member" in visible_text(member.get(f"/orgs/{org}").text)
    guest = app.test_client()
    page = guest.get(path_of(link))
    assert page.status_code == 200 and "Join Acme IT" in visible_text(page.text)
    form = {"csrf_token": page_csrf(guest, path_of(link)), "name": "Nia", "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD}
    done = guest.post(path_of(link), data=form)
    assert done.status_code == 302 and done.location.endswith(f"/orgs/{org}")
    assert guest.get(f"/orgs/{org}").status_code == 200, "the new account is signed in and a member"
    assert guest.get(path_of(link)).status_code == 404, "used links are useless"
    assert "nia@example.org · member" not in visible_text(member.get(f"/orgs/{org}").text)
    assert signed_in_client(app, "nia@example.org", NEW_PASSWORD)
    log = query(app, "SELECT action, label, detail FROM audit_log WHERE org_id = ? ORDER BY id", [org])
    assert log[-2:] == [("member_invited", "nia@example.org", "as member"),
                        ("member_added", "nia@example.org", "as member, by accepting an invitation")]
    assert all(link.rsplit("/", 1)[-1] not in repr(row) for row in query(app, "SELECT * FROM audit_log"))


def test_accepting_an_invitation_while_signed_in_as_someone_else_asks_before_switching(app, member):
    org = member.create_org("Acme IT")
    link = path_of(link_in(member.post(f"/orgs/{org}/invitations", {"email": "nia@example.org",
                                                                     "role": "member"}).text))
    page = member.get(link)  # the owner opens the link in their own, signed-in browser
    said = visible_text(page.text)
    assert page.status_code == 200
    assert "You are signed in as owner@example.org" in said and "This link is for nia@example.org" in said
    assert "Sign me out as owner@example.org and continue as nia@example.org" in said
    form = {"csrf_token": member.csrf, "name": "Nia", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    refused = member.client.post(link, data=form)
    assert refused.status_code == 400 and "Tick this to sign out" in visible_text(refused.text)
    assert query(app, "SELECT count(*) FROM users WHERE email = 'nia@example.org'") == [(0,)]
    assert "owner@example.org" in visible_text(member.get(f"/orgs/{org}").text)  # still the owner, link unused
    switched = member.client.post(link, data={**form, "switch": "y"})
    assert switched.status_code == 302
    assert "nia@example.org" in visible_text(member.get("/account").text)
    # Someone opening their own link, or signed out, is not asked.
    assert "data-switch-account" not in app.test_client().get(link).text


def test_only_owners_invite(app, member):
    org = member.create_org()
    add_user(app, "plain@example.org")
    member.post(f"/orgs/{org}/members", {"email": "plain@example.org", "role": "member"})
    plain = signed_in_client(app, "plain@example.org")
    response = plain.post(f"/orgs/{org}/invitations", data={"csrf_token": plain.csrf, "email": "x@example.org",
                                                            "role": "owner"})
    assert response.status_code in (403, 404)
    assert query(app, "SELECT count(*) FROM account_links") == [(0,)]


@pytest.mark.parametrize("token", ["x" * 43, "short", "y" * 200])
def test_a_link_that_does_not_work_is_404_whatever_the_reason(client, token):
    for path in (f"/invite/{token}", f"/reset/{token}"):
        assert client.get(path).status_code == 404


def test_an_admin_reset_link_ends_the_accounts_other_sessions(app):
    add_user(app, "admin@example.org", role="admin")
    add_user(app, "forgot@example.org")
    admin = signed_in_client(app, "admin@example.org")
    elsewhere = signed_in_client(app, "forgot@example.org")
    (user_id,), = query(app, "SELECT id FROM users WHERE email = 'forgot@example.org'")
    made = admin.post(f"/admin/users/{user_id}/reset-link", data={"csrf_token": admin.csrf})
    assert made.status_code == 200
    link = link_in(made.text)
    person = app.test_client()
    path = path_of(link)
    bad = person.post(path, data={"csrf_token": page_csrf(person, path), "password": NEW_PASSWORD, "confirm": "other"})
    assert bad.status_code == 400 and elsewhere.get("/orgs").status_code == 200
    done = person.post(path, data={"csrf_token": page_csrf(person, path), "password": NEW_PASSWORD,
                                   "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert elsewhere.get("/orgs").status_code == 302, "the other session ended"
    assert person.get("/orgs").status_code == 200
    assert person.get(path).status_code == 404
    assert signed_in_client(app, "forgot@example.org", NEW_PASSWORD)
    assert query(app, "SELECT action, object_id, label FROM audit_log WHERE action = 'reset_link_issued'") == [
        ("reset_link_issued", user_id, "forgot@example.org")]


def test_only_admins_make_reset_links(app):
    add_user(app, "fac@example.org", role="facilitator")
    (user_id,), = query(app, "SELECT id FROM users WHERE email = 'fac@example.org'")
    fac = signed_in_client(app, "fac@example.org")
    assert fac.post(f"/admin/users/{user_id}/reset-link", data={"csrf_token": fac.csrf}).status_code in (403, 404)
    assert query(app, "SELECT count(*) FROM account_links") == [(0,)]


# --------------------------------------------------------------------------
# With the data lifecycle: deleted organisations and accounts, and the audit log
# --------------------------------------------------------------------------


def test_an_invitation_to_an_organisation_in_the_trash_does_not_work_and_works_again_on_restore(fresh_db, owner_org):
    owner, org = owner_org
    token = store.create_invitation(fresh_db, org, "late@example.org", "member", owner)
    trash_id = store.delete(fresh_db, org, "organisation", org, owner)
    with pytest.raises(store.LinkInvalid):
        store.accept_invitation(fresh_db, token, NEW_PASSWORD, password_method="pbkdf2:sha256:1")
    assert store.user_by_email(fresh_db, "late@example.org") is None
    store.restore(fresh_db, trash_id, owner)
    assert store.open_link(fresh_db, "invite", token)["org_id"] == org


def test_deleting_an_account_voids_its_links_and_forgets_its_address_in_them(fresh_db, owner_org):
    owner, org = owner_org
    admin = new_user(fresh_db, "admin@example.org", role="admin")
    member = new_user(fresh_db, "member@example.org", role="facilitator")
    store.set_member(fresh_db, org, member, "owner")
    reset = store.create_reset_link(fresh_db, member, admin)
    sent = store.create_invitation(fresh_db, org, "friend@example.org", "member", member)
    kept = store.create_invitation(fresh_db, org, "colleague@example.org", "member", owner)
    store.delete_user(fresh_db, member)
    for kind, token in (("reset", reset), ("invite", sent)):
        with pytest.raises(store.LinkInvalid):
            store.open_link(fresh_db, kind, token)
    assert store.open_link(fresh_db, "invite", kept)["email"] == "colleague@example.org"
    assert "member@example.org" not in str(list(fresh_db.execute("SELECT * FROM account_links")))


def test_accepting_an_invitation_is_in_the_organisations_audit_log(fresh_db, owner_org):
    owner, org = owner_org
    token = store.create_invitation(fresh_db, org, "new@example.org", "owner", owner)
    user = store.accept_invitation(fresh_db, token, NEW_PASSWORD, password_method="pbkdf2:sha256:1")
    entry = store.audit_entries(fresh_db, org)[0]
    assert (entry["action"], entry["actor"], entry["label"], entry["object_id"]) == (
        "member_added", "new@example.org", "new@example.org", user)
    assert "as owner" in entry["detail"] and NEW_PASSWORD not in repr(entry)


@pytest.mark.parametrize("change", ["removed", "demoted"])
def test_an_invitation_stops_working_when_its_maker_is_no_longer_an_owner(fresh_db, owner_org, change):
    owner, org = owner_org
    leaving = new_user(fresh_db, "leaving@example.org", role="facilitator")
    store.set_member(fresh_db, org, leaving, "owner")
    token = store.create_invitation(fresh_db, org, "friend@example.org", "owner", leaving)
    assert [i["email"] for i in store.pending_invitations(fresh_db, org)] == ["friend@example.org"]
    if change == "removed":
        store.remove_member(fresh_db, org, leaving)
    else:
        store.set_member(fresh_db, org, leaving, "member")
    with pytest.raises(store.LinkInvalid):
        store.accept_invitation(fresh_db, token, NEW_PASSWORD, password_method="pbkdf2:sha256:1")
    assert store.pending_invitations(fresh_db, org) == []
    assert store.user_by_email(fresh_db, "friend@example.org") is None


def test_a_reset_revokes_the_accounts_api_tokens_and_is_logged(fresh_db, owner_org):
    owner, _org = owner_org
    _token_id, api_token = store.create_token(fresh_db, owner, "dashboard", "read")
    assert store.token_holder(fresh_db, api_token) is not None
    link = store.create_reset_link(fresh_db, owner, owner)
    store.reset_password(fresh_db, link, NEW_PASSWORD, password_method="pbkdf2:sha256:1")
    assert store.token_holder(fresh_db, api_token) is None
    entry = store.audit_entries(fresh_db)[0]
    assert (entry["action"], entry["object_id"], entry["actor"]) == ("password_reset", owner, "owner@example.org")


def test_owners_revoke_an_invitation_and_its_link_stops_working(app, member):
    org = member.create_org("Acme IT")
    made = member.post(f"/orgs/{org}/invitations", {"email": "nia@example.org", "role": "member"})
    link = link_in(made.text)
    page = member.get(f"/orgs/{org}").text
    revoke = re.search(r'action="(/orgs/\d+/invitations/\d+/revoke)"', page).group(1)
    assert member.post(revoke, {}).status_code == 302
    assert "nia@example.org · member" not in visible_text(member.get(f"/orgs/{org}").text)
    assert app.test_client().get(path_of(link)).status_code == 404
    assert member.post(revoke, {}).status_code == 404  # once
    assert query(app, "SELECT action, label FROM audit_log WHERE action = 'invitation_revoked'") == [
        ("invitation_revoked", "nia@example.org")]
