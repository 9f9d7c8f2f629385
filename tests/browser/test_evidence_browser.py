"""On a phone, an answer's evidence and confidence are one tap below its levels, collapsed by default;
the question still fits 390 x 844 with Next on screen, and autosave keeps them like the level."""

from __future__ import annotations

import os

from playwright.sync_api import expect

from tests.browser.conftest import wait_until

SHOTS = os.environ.get("PMO_SCREENSHOTS")  # a folder: save what the phone shows, to look at


def _fits(phone, question_id: str) -> None:
    """The question, its evidence line and the Next button are all within the phone's screen."""
    height = phone.viewport_size["height"]
    question = phone.locator(f"fieldset.question[id='{question_id}']")
    expect(question).to_be_visible()
    summary = question.locator("details[data-evidence] > summary")
    next_button = phone.locator("button[name=action][value=next]")
    for element in (summary, next_button):
        box = element.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (question_id, box)
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_phone_answers_with_evidence_and_confidence_one_question_per_screen(server, phone):
    questionnaire = server.app.extensions["pmo_content"].default_questionnaire
    phone.goto(server.url + "/")
    phone.get_by_role("button", name="Start the assessment").click()
    base = phone.input_value("#resume-link")
    # The longest question (its text and level labels) still fits with its evidence line and Next.
    longest = max(questionnaire.questions(), key=lambda q: len(q.text) + sum(len(q.label(k)) for k in q.options))
    phone.goto(f"{base}/d/{questionnaire.dimension_of(longest.id)}#{longest.id}")
    expect(phone.locator("fieldset.question:visible")).to_have_count(1)
    _fits(phone, longest.id)

    first = questionnaire.dimension("governance").questions[0]
    phone.goto(f"{base}/d/governance")
    expect(phone.locator("fieldset.question:visible")).to_have_count(1)
    question = phone.locator(f"fieldset.question[id='{first.id}']")
    details = question.locator("details[data-evidence]")
    assert details.get_attribute("open") is None  # collapsed by default
    assert not question.locator("input[name^='e-']").is_visible()
    question.locator("label").nth(2).tap()  # level 3
    _fits(phone, first.id)
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "evidence-phone-collapsed.png"))
    details.locator("summary").tap()  # one tap opens it
    expect(question.locator("input[name^='e-']")).to_be_visible()
    question.get_by_text("A guess").tap()
    question.locator("input[name^='e-']").fill("steering committee minutes")
    question.locator("input[name^='r-']").fill("SharePoint/PMO/minutes")
    question.locator("input[name^='r-']").press("Tab")  # leaving the field commits it, like a phone's Done
    expect(details.locator("[data-evidence-summary]")).to_have_text("a guess, noted")
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "evidence-phone-open.png"))
    # Saved: nothing waiting to be sent (the evidence's change included) and the last batch acknowledged.
    wait_until(phone, "() => window.pmoAutosave.idle() "
                      "&& document.getElementById('save-status').classList.contains('saved')")

    phone.reload()
    question = phone.locator(f"fieldset.question[id='{first.id}']")
    assert question.locator("input[value='3']").is_checked()
    assert question.locator("input[name^='c-'][value='guess']").is_checked()
    assert question.locator("input[name^='e-']").input_value() == "steering committee minutes"
    assert question.locator("input[name^='r-']").input_value() == "SharePoint/PMO/minutes"
    assert question.locator("details[data-evidence]").get_attribute("open") is None
    assert phone.watch.errors() == []
    if SHOTS:  # the whole area on a laptop, the first evidence box opened
        phone.set_viewport_size({"width": 1366, "height": 768})
        question.locator("details[data-evidence] > summary").click()
        question.scroll_into_view_if_needed()
        phone.screenshot(path=os.path.join(SHOTS, "evidence-laptop.png"))


def test_the_facilitator_sets_importance_per_area_in_the_console_on_a_phone_and_a_room_screen(server, browser):
    from tests.browser.test_workshop_browser import PHONE, PROJECTOR, clean, new_page, prepare, sign_in
    from tests.workshop_helpers import seed_room

    workshop = prepare(server.app)
    seed_room(server.app, workshop["org_id"], workshop["id"], people=4, submit=False)
    for name, options in (("390", PHONE), ("1366", {"viewport": {"width": 1366, "height": 768}}),
                          ("1920", PROJECTOR)):
        page = new_page(browser, options)
        try:
            sign_in(page, server)
            page.goto(server.url + workshop["base"])
            section = page.locator("#importance")
            tools = section.get_by_label("Tools", exact=True)
            expect(tools).to_be_visible()
            # Every area's choice is on the screen's width, and the page never runs wider than it.
            width = page.viewport_size["width"]
            for select in section.locator("select").all():
                box = select.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            level = {"390": "high", "1366": "low", "1920": "normal"}[name]
            tools.select_option(level)
            section.get_by_role("button", name="Record importance").click()
            page.wait_for_url("**#importance-heading")
            expect(page.locator("#importance").get_by_label("Tools", exact=True)).to_have_value(level)
            if SHOTS:
                page.locator("#importance").scroll_into_view_if_needed()
                page.screenshot(path=os.path.join(SHOTS, f"console-importance-{name}.png"))
            clean(page)
        finally:
            page.context.close()
