"""Script injection in a real browser: names, titles and notes full of markup, on every page of normal use.

Nothing may run (no dialog), nothing may be refused by the Content Security Policy (Chromium
logs "Refused to ..." as a console error), and nothing may leave 127.0.0.1.
"""

from __future__ import annotations

import re

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import PASSWORD, signed_in_client
from tests.world import member_token_for, org_assessment, submit_through_web

PAYLOAD = '<script>alert(1)</script> "><img src=x onerror=alert(1)> javascript:alert(1)'
ADMIN = "admin@example.org"


def plant(app) -> dict:
    """An admin and a member named with the payload, and an organisation full of it."""
    db = store.open_db(app.config["DATABASE"])
    try:
        admin = store.create_user(db, ADMIN, PASSWORD, role="admin", name=PAYLOAD)
        member = store.create_user(db, "<script>alert(1)</script>@example.org", PASSWORD, name=PAYLOAD)
        org = store.create_org(db, PAYLOAD, admin)
        store.set_member(db, org, member, "member")
        notes = {d: f"{PAYLOAD}\nline two of the note on {d}" for d in DIMENSIONS}
        submitted = org_assessment(app, db, org, admin, title=PAYLOAD, notes=notes)
        in_progress = org_assessment(app, db, org, admin, title=PAYLOAD + " (open)", notes=notes)
    finally:
        db.close()
    submit_through_web(app, signed_in_client(app, ADMIN), submitted)
    return {"org": org, "submitted": member_token_for(app, submitted), "open": member_token_for(app, in_progress)}


def test_pages_of_normal_use_run_no_injected_script(server, page, live_app):
    planted = plant(live_app)
    base, org = server.url, planted["org"]
    seen = []

    def visit(path: str):
        page.goto(base + path)
        page.wait_for_load_state("load")
        seen.append(path)
        # Markup shown as text is the proof it was escaped: no <img> was made from it.
        assert page.locator("img[src=x]").count() == 0, path

    visit("/")
    visit("/login")
    page.fill("#email", ADMIN)
    page.fill("#password", PASSWORD)
    page.locator("form [type=submit]").click()
    page.wait_for_url(re.compile(r"/orgs$"))
    assert PAYLOAD in page.inner_text("main")

    page.click(f"a[href='/orgs/{org}']")
    page.wait_for_url(re.compile(fr"/orgs/{org}$"))
    assert page.locator("[data-org-name]").inner_text() == PAYLOAD
    page.get_by_role("link", name=PAYLOAD, exact=True).click()
    page.wait_for_url(re.compile(r"/result$"))
    page.wait_for_selector("#radar svg", state="attached")
    assert PAYLOAD in page.inner_text("main")  # the notes

    visit(f"/orgs/{org}")
    page.get_by_role("link", name=PAYLOAD + " (open)", exact=True).click()
    page.wait_for_url(re.compile(r"/r/m[\w.]+$"))
    token = planted["open"]
    visit(f"/r/{token}/context")
    for dim in DIMENSIONS:
        visit(f"/r/{token}/d/{dim}")
        assert page.input_value("#note").startswith(PAYLOAD)
    visit(f"/r/{token}/review")
    visit(f"/r/{planted['submitted']}")
    visit("/account")
    visit("/admin/users")
    assert PAYLOAD in page.inner_text("main")

    assert page.watch.dialogs == [], "an injected script ran"
    refused = [e for e in page.watch.errors() if "Refused to" in e]
    assert refused == [], "the Content Security Policy refused something: " + "; ".join(refused)
    assert page.watch.errors() == []
    assert page.watch.outside_requests() == []
    assert len(seen) >= 12
