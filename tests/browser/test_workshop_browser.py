"""A workshop in real browsers: the projector fills in live while two phones answer.

The facilitator signs in through the login page and opens the projector; two participants
join by the join link on phone-sized screens, answer every page and submit. The projector
shows the counts change and, once the results are shown, the radar and the discussion list,
all without a reload. No page logs an error, opens a dialog or requests anything outside
127.0.0.1.
"""

from __future__ import annotations

import re

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.browser.conftest import PageWatch
from tests.helpers import FULL_CONTEXT

EMAIL = "facilitator@example.org"
PASSWORD = "projector facilitator password"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def prepare(app) -> dict:
    """A facilitator, their organisation and an open anonymous workshop, through the store."""
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    db = store.open_db(app.config["DATABASE"])
    try:
        user_id = store.create_user(db, EMAIL, PASSWORD, role="facilitator")
        org_id = store.create_org(db, "Client in the room", user_id)
        workshop_id = store.create_workshop(db, org_id, user_id, title="Room workshop", mode="anonymous",
                                            roles=["Exec", "Delivery"], context=FULL_CONTEXT,
                                            questionnaire_id=questionnaire.id,
                                            questionnaire_version=questionnaire.version)
        workshop = store.get_workshop(db, org_id, workshop_id)
    finally:
        db.close()
    return {"org_id": org_id, "id": workshop_id, "code": workshop["join_code"],
            "base": f"/orgs/{org_id}/workshops/{workshop_id}"}


def wait_for_count(page, key: str, value: int) -> None:
    page.wait_for_function(
        "([key, value]) => document.querySelector(`[data-count=\"${key}\"]`).textContent.trim() === String(value)",
        arg=[key, value], timeout=15_000)


def join_and_answer(phone, url: str, workshop: dict, role: str, level_for) -> str:
    """Join by the link, answer every page on the phone, submit; return the participant's token."""
    code = workshop["code"]
    phone.goto(f"{url}/join/{code}")
    phone.get_by_label(role, exact=True).check()
    phone.get_by_role("button", name="Start answering").click()
    phone.wait_for_url(re.compile(f"/w/{code}$"))
    cookie = next(c for c in phone.context.cookies() if c["name"] == f"pmo_ws{workshop['id']}")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert phone.evaluate("document.cookie").find(cookie["value"]) == -1
    phone.get_by_role("link", name="Start").click()
    for i, dimension in enumerate(DIMENSIONS):
        phone.wait_for_url(re.compile(f"/w/{code}/d/{dimension}$"))
        for question in phone.locator("fieldset.question").all():
            question.locator(f"input[type=radio][value='{level_for(i)}']").check()
        phone.locator("button[name=action][value=next]").click()
    phone.wait_for_url(re.compile(f"/w/{code}/review$"))
    phone.get_by_role("button", name="Submit my answers").click()
    phone.wait_for_url(re.compile(f"/w/{code}$"))
    assert "Your answers are in" in phone.inner_text("main")
    return cookie["value"]


def test_projector_follows_two_phones_and_shows_the_room_after_reveal(server, page, browser):
    workshop = prepare(server.app)
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/orgs$"))

    page.goto(server.url + workshop["base"] + "/projector")
    shown_code = page.inner_text("[data-join-code]").replace("-", "").strip()
    assert shown_code == workshop["code"]
    page.wait_for_selector("img[alt^='QR code']")
    assert page.evaluate("document.querySelector(\"img[alt^='QR code']\").naturalWidth") > 0
    wait_for_count(page, "joined", 0)
    wait_for_count(page, "submitted", 0)
    assert page.locator("[data-results]").is_hidden()
    page.evaluate("window.__sameDocument = true")  # lost if the projector reloads

    phones = []
    try:
        for n, (role, levels) in enumerate((("Exec", (2, 3, 2, 3, 2)), ("Delivery", (4, 4, 5, 3, 4)))):
            context = browser.new_context(**PHONE)
            phone = context.new_page()
            phone.set_default_timeout(15_000)
            phone.watch = PageWatch(phone)
            phones.append(phone)
            phone.token = join_and_answer(phone, server.url, workshop, role, lambda i, lv=levels: lv[i])
            wait_for_count(page, "joined", n + 1)
            wait_for_count(page, "submitted", n + 1)
        assert page.evaluate("window.__sameDocument === true"), "the projector reloaded"
        assert page.locator("[data-results]").is_hidden()
        assert page.locator("[data-hidden-note]").is_visible()

        # Show the results: the facilitator's own page posts the control page's form.
        csrf = page.get_attribute("meta[name=csrf-token]", "content")
        status = page.evaluate(
            """([url, csrf]) => fetch(url, {method: "POST", credentials: "same-origin",
                   body: new URLSearchParams({csrf_token: csrf, revealed: "1"})}).then(r => r.status)""",
            [server.url + workshop["base"] + "/reveal", csrf])
        assert status == 200  # the redirect to the control page, followed
        page.wait_for_selector("[data-results]:not([hidden])", timeout=15_000)
        page.wait_for_selector("#live-radar svg.main-svg", state="attached")
        page.wait_for_function("document.querySelectorAll('[data-discussion] li').length > 0")
        assert page.locator("#live-distribution svg.main-svg").count() > 0
        assert page.locator("[data-hidden-note]").is_hidden()
        assert page.evaluate("window.__sameDocument === true"), "the projector reloaded"
        first_item = page.locator("[data-discussion] li").first.inner_text()
        assert "median" in first_item and "IQR" in first_item

        # The phones see the room's picture once the results are shown (on their next load).
        phones[0].reload()
        phones[0].wait_for_selector("#room svg.main-svg", state="attached")

        for who, p in [("projector", page), ("phone 1", phones[0]), ("phone 2", phones[1])]:
            assert p.watch.errors() == [], who
            assert p.watch.dialogs == [], who
            assert p.watch.outside_requests() == [], who
        for phone in phones:
            assert not [u for u in phone.watch.requests if phone.token in u]
    finally:
        for phone in phones:
            phone.context.close()
