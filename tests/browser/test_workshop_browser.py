"""A workshop in real browsers: phones at 390 x 844, a projector at 1920 x 1080, a facilitator's laptop.

- a phone answers a whole capability area one question per screen, downloading little;
- a room of 30: the phone sees the results without reloading, the projector steps through every
  view without scrolling and without account details, a second round moves the agreed level and
  the report shows both rounds;
- the facilitator removes a ghost from the console and the counts change.

No page logs an error, opens a dialog or requests anything outside 127.0.0.1.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlparse

from playwright.sync_api import expect

from app import store
from tests.browser.conftest import PageWatch, sign_in_as
from tests.helpers import FULL_CONTEXT
from tests.workshop_helpers import seed_room

SHOTS = os.environ.get("PMO_SHOTS")  # a folder: screenshots for a person to look at

EMAIL = "facilitator@example.org"
PASSWORD = "projector facilitator password"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
# What a phone may download on its first visit (join page, then the first question), in bytes.
PHONE_BUDGET = 600_000


def prepare(app, mode: str = "anonymous") -> dict:
    """A facilitator, their organisation and an open workshop with two roles, through the store."""
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    db = store.open_db(app.config["DATABASE"])
    try:
        user_id = store.create_user(db, EMAIL, PASSWORD, role="facilitator")
        org_id = store.create_org(db, "Client in the room", user_id)
        workshop_id = store.create_workshop(db, org_id, user_id, title="Room workshop", mode=mode,
                                            roles=["Exec", "Delivery"], context=FULL_CONTEXT,
                                            questionnaire_id=questionnaire.id,
                                            questionnaire_version=questionnaire.version)
        workshop = store.get_workshop(db, org_id, workshop_id)
    finally:
        db.close()
    return {"org_id": org_id, "id": workshop_id, "code": workshop["join_code"],
            "base": f"/orgs/{org_id}/workshops/{workshop_id}",
            "questions": [q.id for q in questionnaire.questions()],
            "governance": [q.id for q in questionnaire.dimension("governance").questions]}


def new_page(browser, options: dict, storage_state=None):
    context = browser.new_context(**options, storage_state=storage_state)
    page = context.new_page()
    page.set_default_timeout(30_000)  # the machine may be busy: waits are for events, not for time
    page.watch = PageWatch(page)
    return page


def sign_in(page, server) -> None:
    """Sign the facilitator in (by a session's cookie: see tests/browser/conftest.py)."""
    sign_in_as(page, server.app, server.url, EMAIL)


def join(phone, url: str, workshop: dict, role: str = "Exec") -> None:
    phone.goto(f"{url}/join/{workshop['code']}")
    phone.get_by_label(role, exact=True).check()
    phone.get_by_role("button", name="Start answering").click()
    phone.wait_for_url(re.compile(f"/w/{workshop['code']}$"))


def run_from_a_laptop(server, browser):
    """The facilitator signed in on a laptop, and the projector's window in the same session."""
    facilitator = new_page(browser, {"viewport": {"width": 1366, "height": 768}})
    sign_in(facilitator, server)
    return facilitator, new_page(browser, PROJECTOR, storage_state=facilitator.context.storage_state())


def clean(*pages) -> None:
    for p in pages:
        assert p.watch.errors() == [], p.url
        assert p.watch.dialogs == [], p.url
        assert p.watch.outside_requests() == [], p.url


def fits(page) -> dict:
    """How far anything on the page reaches beyond the screen (0 when it fits)."""
    return page.evaluate("""() => {
        let bottom = 0, right = 0;
        for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (!box.width || !box.height) continue;
            bottom = Math.max(bottom, box.bottom); right = Math.max(right, box.right);
        }
        return {below: Math.max(0, Math.ceil(bottom - innerHeight)),
                beside: Math.max(0, Math.ceil(right - innerWidth)),
                scroll: document.documentElement.scrollHeight - innerHeight};
    }""")


def test_a_phone_answers_a_whole_area_one_question_per_screen(server, browser):
    workshop = prepare(server.app)
    phone = new_page(browser, PHONE)
    received = []
    phone.on("requestfinished", lambda r: received.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
    try:
        join(phone, server.url, workshop)
        phone.get_by_role("link", name="Start").click()
        phone.wait_for_url(re.compile("/d/governance"))
        phone.wait_for_load_state("load")
        assert sum(received) <= PHONE_BUDGET, f"a phone's first visit downloaded {sum(received)} bytes"
        total = len(workshop["questions"])
        for n, qid in enumerate(workshop["governance"]):
            shown = phone.locator("fieldset.question:visible")
            assert shown.count() == 1 and shown.get_attribute("id") == qid
            assert phone.inner_text("[data-pager-position]") == f"Question {n + 1} of {total} · Governance"
            # The whole question and its buttons fit the screen; nothing hides under a sticky bar.
            phone.evaluate("window.scrollTo(0, 0)")
            assert fits(phone)["beside"] == 0
            bottom = phone.locator("button[name=action][value=next]").bounding_box()
            assert bottom["y"] + bottom["height"] <= 844, (qid, bottom)
            option = shown.locator(".option").nth(n % 5)
            option.locator("label").tap()
            assert option.locator(".option-text").is_visible()  # the tapped level's description opens
            assert not shown.locator(".option").nth((n + 1) % 5).locator(".option-text").is_visible()
            phone.locator("button[name=action][value=next]").click()
        # The area's notes come on a screen of their own, then the next area.
        assert phone.locator("fieldset.question:visible").count() == 0 and phone.get_by_label(
            "Notes on governance (optional)").is_visible()
        phone.get_by_label("Notes on governance (optional)").fill("Intake differs by business unit.")
        phone.locator("button[name=action][value=next]").click()
        phone.wait_for_url(re.compile("/d/analytics"))
        # The overview lists every question; those answered are marked.
        phone.get_by_role("button", name="All questions").click()
        assert phone.locator("[data-overview-item].answered").count() == len(workshop["governance"])
        assert phone.locator("[data-overview-item].open").count() == total - len(workshop["governance"])
        db = store.open_db(server.app.config["DATABASE"])
        try:
            stored = dict(db.execute("SELECT question_id, level FROM answers").fetchall())
            notes = db.execute("SELECT dimension, text FROM notes").fetchall()
        finally:
            db.close()
        assert stored == {qid: n % 5 + 1 for n, qid in enumerate(workshop["governance"])}
        assert notes == [("governance", "Intake differs by business unit.")]
        clean(phone)
    finally:
        phone.context.close()


def test_a_phone_that_comes_back_during_a_vote_votes_and_returns_to_its_question(server, browser):
    """After a screen lock or a rescan a phone loads a page: while a vote is open that page is the vote,
    and when the vote closes the phone is back at the question it was on, not the overview."""
    workshop = prepare(server.app)
    phone = new_page(browser, PHONE)
    try:
        join(phone, server.url, workshop)
        third = workshop["governance"][2]
        phone.goto(f"{server.url}/w/{workshop['code']}/d/governance#{third}")
        assert phone.locator("fieldset.question:visible").get_attribute("id") == third
        db = store.open_db(server.app.config["DATABASE"])
        try:
            round_id = store.open_round(db, workshop["id"], workshop["questions"][0])
        finally:
            db.close()
        phone.reload()  # the page loads while the vote is open: it is the vote
        phone.wait_for_url(re.compile(f"/w/{workshop['code']}/round\\?back="))
        assert phone.locator("input[name=level]").count() == 6
        phone.locator("label[for=vote-3]").tap()
        phone.wait_for_function("() => document.getElementById('save-status').textContent.includes('level 3')")
        rescanned = phone.context.new_page()  # a rescan opens the overview in a new tab
        rescanned.goto(f"{server.url}/w/{workshop['code']}")
        rescanned.wait_for_url(re.compile(f"/w/{workshop['code']}/round\\?back="))
        assert rescanned.locator("input#vote-3").is_checked()
        rescanned.close()
        db = store.open_db(server.app.config["DATABASE"])
        try:
            store.close_round(db, workshop["id"], round_id)
        finally:
            db.close()
        phone.wait_for_url(lambda url: urlparse(url).path == f"/w/{workshop['code']}/d/governance"
                           and urlparse(url).fragment == third)
        shown = phone.locator("fieldset.question:visible")
        assert shown.count() == 1 and shown.get_attribute("id") == third
        clean(phone)
    finally:
        phone.context.close()


def test_a_room_of_30_on_phones_and_a_projector(server, browser):
    app = server.app
    workshop = prepare(app)
    facilitator, projector = run_from_a_laptop(server, browser)
    phone = new_page(browser, PHONE)
    try:
        projector.goto(server.url + workshop["base"] + "/projector")
        assert projector.locator(".qr-big").is_visible()
        seed_room(app, workshop["org_id"], workshop["id"], people=29)
        join(phone, server.url, workshop, role="Delivery")
        db = store.open_db(app.config["DATABASE"])
        try:
            me = store.response_by_token(db, next(c["value"] for c in phone.context.cookies()
                                                  if c["name"] == f"pmo_ws{workshop['id']}"))
            store.save_answers(db, me["id"], {qid: 2 for qid in workshop["questions"]})
        finally:
            db.close()
        phone.goto(f"{server.url}/w/{workshop['code']}/review")
        phone.get_by_role("button", name="Submit my answers").click()
        phone.wait_for_url(re.compile(f"/w/{workshop['code']}$"))
        assert phone.get_by_text("Waiting for the results").is_visible()
        phone.evaluate("window.__sameDocument = true")  # lost if the phone reloads
        projector.wait_for_function("() => document.querySelector('[data-count=joined]').textContent.trim() === '30'")
        projector.evaluate("window.__sameDocument = true")

        # Start: the QR code moves to a corner. Reveal: every phone shows the room by itself.
        facilitator.goto(server.url + workshop["base"])
        facilitator.get_by_role("button", name="Start answering").click()
        projector.wait_for_selector(".qr-corner img")
        assert projector.locator(".qr-big").count() == 0
        facilitator.get_by_role("button", name="Show results to the room").click()
        phone.wait_for_selector("[data-room-picture]")
        assert phone.evaluate("window.__sameDocument === true"), "the phone reloaded"
        assert phone.locator(".modebar, .plotly").count() == 0
        assert fits(phone)["beside"] == 0
        for label in phone.locator("[data-room-picture] .range-rows .fw-semibold").all():
            box = label.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, label.inner_text()

        # Every view of the projector fits 1920 x 1080 with type readable from the back.
        projector.wait_for_selector("[data-view=radar]")
        views = facilitator.locator("#screen option").count()  # the console lists every view
        seen = []
        for step in range(views):
            view = projector.get_attribute("[data-view]", "data-view")
            key = projector.get_attribute("#stage", "data-key")
            seen.append(view)
            assert fits(projector) == {"below": 0, "beside": 0, "scroll": 0}, (view, fits(projector))
            body = projector.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert body >= 28, body
            if step + 1 < views:
                projector.keyboard.press("ArrowRight")
                projector.wait_for_function(
                    "k => document.getElementById('stage').getAttribute('data-key') !== k", arg=key)
        assert {"radar", "disputed", "question", "roles", "heatmap"} <= set(seen), seen
        text = projector.inner_text("body")
        assert EMAIL not in text and "Sign out" not in text and "Organisations" not in text
        assert projector.locator("nav").count() == 0
        assert projector.evaluate("window.__sameDocument === true"), "the projector reloaded"
        heat = projector.locator(".heatmap")
        assert heat.locator("thead th").nth(1).inner_text().startswith("1")  # the levels are labelled

        # A second round: the phone shows just that question; the projector compares the rounds.
        facilitator.goto(server.url + workshop["base"])
        disputed = facilitator.locator(".discussion-card").first
        question = disputed.get_attribute("id")[2:]
        disputed.get_by_role("button", name="Vote again (second round)").click()
        phone.wait_for_url(re.compile(f"/w/{workshop['code']}/round\\?back="))
        assert phone.locator("input[name=level]").count() == 6
        phone.locator("label[for=vote-4]").tap()
        phone.wait_for_function("() => document.getElementById('save-status').textContent.includes('level 4')")
        db = store.open_db(app.config["DATABASE"])
        try:
            open_round = store.open_round_of(db, workshop["id"])
            for person in store.participants(db, store.get_workshop(db, workshop["org_id"], workshop["id"])
                                             ["assessment_id"])[:20]:
                store.save_vote(db, store.get_workshop(db, workshop["org_id"], workshop["id"]), open_round["id"],
                                person["id"], 4)
        finally:
            db.close()
        facilitator.goto(server.url + workshop["base"])
        facilitator.get_by_role("button", name="Close the vote and show both rounds").click()
        projector.wait_for_selector("[data-view=round] .bar.second")
        assert "Proposed: level 4" in projector.inner_text("#stage")
        assert fits(projector) == {"below": 0, "beside": 0, "scroll": 0}
        phone.wait_for_url(re.compile(f"/w/{workshop['code']}$"))  # back when the vote ends
        facilitator.get_by_role("button", name="Record as agreed").click()
        facilitator.goto(server.url + workshop["base"] + "/close")
        facilitator.get_by_role("button", name="Close and create the result").click()
        facilitator.wait_for_url(re.compile(r"/report$"))
        report = facilitator.inner_text("main").lower()  # headings are shown in capitals
        assert "voted again after discussion" in report and "to agreed 4 after discussion" in report
        db = store.open_db(app.config["DATABASE"])
        try:
            assert store.consensus(db, workshop["id"])[question]["level"] == 4
        finally:
            db.close()
        clean(facilitator, projector, phone)
    finally:
        for p in (facilitator, projector, phone):
            p.context.close()


def test_the_facilitator_removes_a_ghost_and_the_counts_change(server, browser):
    workshop = prepare(server.app)
    seed_room(server.app, workshop["org_id"], workshop["id"], people=4, submit=False)
    facilitator = new_page(browser, {"viewport": {"width": 1366, "height": 768}})
    try:
        sign_in(facilitator, server)
        facilitator.goto(server.url + workshop["base"])
        people = facilitator.locator("tr[data-participant]")
        assert people.count() == 4 and facilitator.inner_text("[data-count=joined]") == "4"
        # The participant table comes before the discussion cards.
        assert facilitator.locator("#people-heading").bounding_box()["y"] < \
            facilitator.locator("#consensus-heading").bounding_box()["y"]
        ghost = people.nth(3)
        ghost.get_by_text("Remove…").click()
        ghost.get_by_role("button", name="Remove Participant 4").click()
        facilitator.wait_for_url(re.compile(r"#people-heading$"))
        assert facilitator.locator("tr[data-participant]").count() == 3
        assert facilitator.inner_text("[data-count=joined]") == "3"
        clean(facilitator)
    finally:
        facilitator.context.close()


def test_the_projector_shows_answers_so_far_a_large_corner_code_and_only_answered_areas(server, browser):
    app = server.app
    workshop = prepare(app)
    facilitator, projector = run_from_a_laptop(server, browser)
    try:
        seed_room(app, workshop["org_id"], workshop["id"], people=3, submit=False)
        db = store.open_db(app.config["DATABASE"])
        try:
            token = store.join_workshop(db, store.get_workshop(db, workshop["org_id"], workshop["id"]), role="Exec")
            store.save_answers(db, store.response_by_token(db, token)["id"], {q: 3 for q in workshop["governance"]})
        finally:
            db.close()
        facilitator.goto(server.url + workshop["base"])
        facilitator.get_by_role("button", name="Start answering").click()
        projector.goto(server.url + workshop["base"] + "/projector")
        total = 4 * len(workshop["questions"])
        expect(projector.locator("[data-answers-in]")).to_contain_text(f"of {total:,} answers in")
        expect(projector.locator("[data-view=answering]")).to_contain_text("0 of 4 people finished")
        for size in ({"width": 1920, "height": 1080}, {"width": 1366, "height": 768}):
            projector.set_viewport_size(size)
            assert fits(projector) == {"below": 0, "beside": 0, "scroll": 0}, (size, fits(projector))
            if SHOTS:
                projector.screenshot(path=os.path.join(SHOTS, f"projector-answering-{size['width']}.png"))
        projector.set_viewport_size({"width": 1920, "height": 1080})
        qr = projector.locator(".qr-corner img").bounding_box()
        assert qr["width"] >= 160 and qr["height"] >= 160, qr
        # Only the newcomer answered so far: the radar shows governance alone, and says so.
        db = store.open_db(app.config["DATABASE"])
        try:
            db.execute("DELETE FROM answers WHERE response_id IN (SELECT id FROM responses WHERE assessment_id = ?) "
                       "AND question_id NOT LIKE 'governance.%'", [store.get_workshop(db, workshop["org_id"], workshop["id"])["assessment_id"]])
            db.conn.commit()
        finally:
            db.close()
        facilitator.get_by_role("button", name="Show results to the room").click()
        projector.reload()
        projector.wait_for_selector("[data-view=radar]")
        expect(projector.locator("[data-areas-answered]")).to_contain_text("1 of 5 capability areas have answers")
        assert len(projector.get_attribute("polygon[data-medians]", "points").split()) == 1
        assert fits(projector) == {"below": 0, "beside": 0, "scroll": 0}
        if SHOTS:
            projector.screenshot(path=os.path.join(SHOTS, "projector-radar-partial-1920.png"))
        clean(facilitator, projector)
    finally:
        for p in (facilitator, projector):
            p.context.close()


def test_the_participants_table_on_a_phone_scrolls_inside_a_labelled_region_and_is_not_cut(server, browser):
    workshop = prepare(server.app)
    seed_room(server.app, workshop["org_id"], workshop["id"], people=4, submit=False)
    facilitator = new_page(browser, PHONE)
    try:
        sign_in(facilitator, server)
        facilitator.goto(server.url + workshop["base"])
        region = facilitator.get_by_role("region", name="Participants table", exact=True)
        expect(region).to_have_attribute("tabindex", "0")
        assert region.locator("tr[data-participant]").count() == 4
        # The page itself never runs wider than the phone: what does not fit scrolls inside the region.
        assert facilitator.evaluate("document.documentElement.scrollWidth") <= 390
        box = region.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        last = region.locator("thead th").last
        last.scroll_into_view_if_needed()
        edge = last.bounding_box()
        assert edge["x"] >= 0 and edge["x"] + edge["width"] <= 391, "the last column can be scrolled into view"
        if os.environ.get("PMO_SHOTS"):
            region.scroll_into_view_if_needed()
            facilitator.screenshot(path=os.path.join(os.environ["PMO_SHOTS"], "console-people-390.png"))
        clean(facilitator)
    finally:
        facilitator.context.close()


def test_a_closed_workshops_result_on_a_phone_cuts_no_column_of_the_rooms_tables(server, browser):
    """How the room answered, on a phone: each question of 'where people disagreed most' and each role's
    medians read as a small card, every number inside the screen (the Agreed column and the last areas of
    the roles' table ran off it)."""
    from app import service

    workshop = prepare(server.app, mode="named")
    seed_room(server.app, workshop["org_id"], workshop["id"], people=6)
    db = store.open_db(server.app.config["DATABASE"])
    try:
        store.set_consensus(db, workshop["id"], workshop["questions"][0], 3, "agreed in the room", None)
        service.close_workshop(db, server.app.extensions["pmo_content"],
                               store.get_workshop(db, workshop["org_id"], workshop["id"]))
    finally:
        db.close()
    phone = new_page(browser, PHONE)
    try:
        sign_in(phone, server)
        phone.goto(server.url + workshop["base"] + "/report")
        cells = phone.evaluate("""() => [...document.querySelectorAll(
            '[data-disagreement] tbody td, [data-role-medians] tbody td, [data-role-medians] tbody th')]
            .map(c => { const b = c.getBoundingClientRect(); return [c.dataset.label || c.textContent.trim(),
                                                                  Math.round(b.left), Math.round(b.right)]; })""")
        assert len(cells) > 20
        cut = [c for c in cells if c[1] < 0 or c[2] > 390]
        assert not cut, cut[:5]
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        agreed = phone.locator("[data-disagreement] td[data-label=Agreed]").first
        expect(agreed).to_be_visible()
        if SHOTS:
            phone.locator("#workshop-heading").scroll_into_view_if_needed()
            phone.screenshot(path=os.path.join(SHOTS, "workshop-room-390.png"))
        clean(phone)
    finally:
        phone.context.close()
