"""Issue 23: tokens do not outlive the credentials that made them, and the audit log has no gaps for
tokens, one's own password, organisations and units (web and API) and signing out."""

from __future__ import annotations

from app import store
from tests.api_helpers import ApiClient, make_token
from tests.helpers import PASSWORD, add_user, opened, signed_in_client

NEW_PASSWORD = "a brand new passphrase for dana"


def logged(app, action: str) -> list[tuple]:
    """The whole server's entries of one action, oldest first: (actor email, label, detail)."""
    with opened(app) as db:
        return [(e["actor_email"], e["label"], e["detail"]) for e in reversed(store.audit_entries(db, action=action))]


def works(app, token: str) -> bool:
    return ApiClient(app, token).get("/api/v1/orgs").status_code == 200


def test_changing_your_own_password_revokes_your_api_tokens_and_is_logged(app):
    user = add_user(app, "dana@example.org")
    token = make_token(app, user)
    client = signed_in_client(app, "dana@example.org")
    assert works(app, token)
    changed = client.post("/account", data={"csrf_token": client.csrf, "current": PASSWORD,
                                            "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    assert not works(app, token)
    assert logged(app, "password_changed") == [("dana@example.org", "dana@example.org",
                                                "other sessions ended; 1 API token revoked")]
    # A wrong current password changes nothing and logs nothing.
    client.post("/account", data={"csrf_token": client.csrf, "current": "not the password at all",
                                  "password": "yet another long passphrase", "confirm": "yet another long passphrase"})
    assert len(logged(app, "password_changed")) == 1


def test_reactivating_an_account_never_revives_its_tokens(app):
    add_user(app, "admin@example.org", role="admin")
    user = add_user(app, "eve@example.org")
    token = make_token(app, user)
    admin = signed_in_client(app, "admin@example.org")

    def act(action: str) -> None:
        assert admin.post(f"/admin/users/{user}", data={"csrf_token": admin.csrf, "action": action}).status_code == 302

    act("deactivate")
    assert not works(app, token)
    act("activate")
    assert not works(app, token)  # it stays revoked
    # An account deactivated before tokens were revoked with it: re-activating revokes them.
    late = make_token(app, user)
    with opened(app) as db:
        db.execute("UPDATE users SET active = 0 WHERE id = ?", [user])
        db.conn.commit()
    act("activate")
    assert not works(app, late)
    assert [detail for _who, _label, detail in logged(app, "user_changed")] == [
        "deactivated; 1 API token revoked", "activated", "activated; 1 API token revoked"]


def test_making_and_revoking_a_token_is_logged_by_its_name(app):
    add_user(app, "fay@example.org")
    client = signed_in_client(app, "fay@example.org")
    made = client.post("/account/tokens", data={"csrf_token": client.csrf, "token-name": "Power BI",
                                                "token-scope": "read"})
    assert made.status_code == 201
    assert logged(app, "token_created") == [("fay@example.org", "Power BI", "read")]
    with opened(app) as db:
        (token,) = store.tokens_of(db, store.user_by_email(db, "fay@example.org")["id"])
    for _ in range(2):  # the second revoke changes nothing: nothing more is logged
        assert client.post(f"/account/tokens/{token['id']}/revoke", data={"csrf_token": client.csrf}).status_code == 302
    assert logged(app, "token_revoked") == [("fay@example.org", "Power BI", "")]


def test_a_token_made_on_the_command_line_is_logged(app, runner):
    add_user(app, "gus@example.org")
    result = runner.invoke(args=["tokens", "create", "--email", "gus@example.org", "--name", "Nightly export"])
    assert result.exit_code == 0, result.output
    assert logged(app, "token_created") == [(None, "Nightly export", "read-write, for gus@example.org, "
                                                                     "from the command line")]


def test_organisations_and_units_made_and_renamed_are_logged_on_the_web_and_the_api(app):
    user = add_user(app, "hal@example.org", role="facilitator")
    web = signed_in_client(app, "hal@example.org")
    api = ApiClient(app, make_token(app, user))
    created = web.post("/orgs/new", data={"csrf_token": web.csrf, "name": "Acme  Web"})
    org = int(created.location.rsplit("/", 1)[1])
    assert web.post(f"/orgs/{org}/rename", data={"csrf_token": web.csrf, "name": "Acme Renamed"}).status_code == 302
    assert web.post(f"/orgs/{org}/rename", data={"csrf_token": web.csrf, "name": "Acme Renamed"}).status_code == 302
    assert web.post(f"/orgs/{org}/units", data={"csrf_token": web.csrf, "name": "Retail"}).status_code == 302
    other = api.post("/api/v1/orgs", json={"name": "Globex"}).get_json()["id"]
    assert api.patch(f"/api/v1/orgs/{other}", json={"name": "Globex Corp"}).status_code == 200
    unit = api.post(f"/api/v1/orgs/{other}/units", json={"name": "Stores"}).get_json()["id"]
    assert api.patch(f"/api/v1/orgs/{other}/units/{unit}", json={"name": "Online"}).status_code == 200
    refused = api.patch(f"/api/v1/orgs/{other}/units/{unit}", json={"name": ""})
    assert refused.status_code == 422
    who = "hal@example.org"
    assert logged(app, "org_created") == [(who, "Acme Web", ""), (who, "Globex", "")]
    assert logged(app, "org_renamed") == [(who, "Acme Renamed", "from “Acme Web”"),
                                          (who, "Globex Corp", "from “Globex”")]  # the unchanged one: nothing
    assert logged(app, "unit_created") == [(who, "Retail", ""), (who, "Stores", "")]
    assert logged(app, "unit_renamed") == [(who, "Online", "from “Stores”")]
    with opened(app) as db:  # each in its organisation's own log too
        assert {e["action"] for e in store.audit_entries(db, other)} == {"org_created", "org_renamed", "unit_created",
                                                                         "unit_renamed"}


def test_signing_out_is_logged(app):
    add_user(app, "ivy@example.org")
    client = signed_in_client(app, "ivy@example.org")
    assert client.post("/logout", data={"csrf_token": client.csrf}).status_code == 302
    assert logged(app, "sign_out") == [("ivy@example.org", "", "")]
    client.post("/logout", data={"csrf_token": client.csrf})  # signed out already: nothing more
    assert len(logged(app, "sign_out")) == 1


def test_an_empty_log_says_what_will_appear_there_and_when(app):
    """An organisation made before its creation was logged (an older database) showed only "No entries."."""
    user = add_user(app, "jo@example.org", role="facilitator")
    with opened(app) as db:
        org = store.create_org(db, "Made before logging", user)
    page = signed_in_client(app, "jo@example.org").get(f"/orgs/{org}/audit")
    said = " ".join(page.get_data(as_text=True).split())
    assert page.status_code == 200 and "No entries yet." in said
    assert "Each change to this organisation will be listed here as people make it" in said
