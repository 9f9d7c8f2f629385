"""A new user completes the questionnaire in Chromium and sees the radar drawn."""

from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from app.engine.vocabulary import DIMENSIONS


def fill_context(page):
    page.check("#org_size-large")
    page.fill("#input-active_projects", "60")
    page.fill("#input-business_units", "3")
    page.check("#regulated-yes")
    page.check("#risk_profile-medium")
    page.check("#delivery_mix-hybrid")
    page.check("#primary_pain-duplicate_work")
    page.check("#existing_pmo-informal")


def answer_page(page, level):
    for radio in page.locator(f"input[type=radio][value='{level}']").all():
        radio.check()


def test_new_user_completes_questionnaire_and_sees_radar(server, page):
    page.goto(server.url + "/")
    page.get_by_role("button", name="Start the assessment").click()
    assert page.get_by_role("heading", name="Your assessment has started").is_visible()
    link = page.input_value("#resume-link")
    assert re.match(r"http://127\.0\.0\.1:\d+/r/[\w-]{30,}$", link)
    page.get_by_role("link", name="Begin").click()

    fill_context(page)
    page.get_by_role("button", name=re.compile("^Next")).click()
    for i, dim in enumerate(DIMENSIONS):
        page.wait_for_url(re.compile(f"/d/{dim}$"))
        assert f"Capability area {i + 1} of 5" in page.inner_text("#progress-text")
        answer_page(page, (i % 4) + 2)
        page.locator("button[name=action][value=next]").click()
    page.wait_for_url(re.compile("/review$"))
    total = len(server.app.extensions["pmo_content"].default_questionnaire.questions())
    assert f"{total} of {total} answered" in page.inner_text("#progress-text")
    page.get_by_role("button", name="Submit and see the result").click()
    page.wait_for_url(re.compile("/result$"))
    # The radar is drawn on the server: it is in the page as it arrives, with one polygon per score series.
    assert page.locator("#radar svg polygon[data-series='Current maturity']").count() == 1
    # So is the roadmap's timeline: a bar per planned change, no plotly.js.
    assert page.locator("#timeline table.gantt .bar").count() > 0
    assert page.locator("[data-recommended-model]").count() == 1
    assert page.get_by_role("heading", name="Your PMO maturity result").is_visible()
    assert page.watch.errors() == []
    assert page.watch.outside_requests() == []
    assert page.watch.dialogs == []


def test_answers_autosave_on_change_and_survive_a_reload(server, page):
    page.goto(server.url + "/")
    page.get_by_role("button", name="Start the assessment").click()
    url = page.input_value("#resume-link")
    page.goto(url + "/d/tools")
    first = page.locator("fieldset.question").first
    first.locator("input[value='4']").check()
    page.locator("fieldset.question").nth(1).locator("input[value='dk']").check()
    total = len(server.app.extensions["pmo_content"].default_questionnaire.questions())
    # Both changes saved: the first "saved" can belong to the first change while the second is in flight.
    page.wait_for_function("t => document.getElementById('progress-text').textContent.includes(t)",
                           arg=f"2 of {total} answered")
    page.wait_for_selector("#save-status.saved")
    assert f"2 of {total} answered" in page.inner_text("#progress-text")
    page.reload()
    assert first.locator("input[value='4']").is_checked()
    assert page.locator("fieldset.question").nth(1).locator("input[value='dk']").is_checked()
    assert page.watch.errors() == []


def test_questions_can_be_answered_with_the_keyboard(server, page):
    page.goto(server.url + "/")
    page.get_by_role("button", name="Start the assessment").click()
    page.goto(page.input_value("#resume-link") + "/d/governance")
    page.locator("fieldset.question").first.locator("input[value='1']").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("fieldset.question").first.locator("input[value='3']").is_checked()
    page.wait_for_selector("#save-status.saved")


def test_questionnaire_page_fits_a_phone_screen(server, phone):
    phone.goto(server.url + "/")
    phone.get_by_role("button", name="Start the assessment").click()
    phone.goto(phone.input_value("#resume-link") + "/d/analytics")
    # The page opens at its top: the question's #fragment put in the address while loading made Chromium
    # scroll to the question once loading ended, hiding "Question n of 50" above it.
    phone.wait_for_load_state("load")
    phone.wait_for_timeout(1000)  # the browser's own scroll to a fragment comes after the load event
    assert phone.evaluate("location.hash").startswith("#analytics.")
    assert phone.evaluate("scrollY") == 0 and phone.locator("[data-pager-position]").bounding_box()["y"] >= 0
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    phone.locator("fieldset.question").first.locator("label").nth(2).tap()
    assert phone.locator("fieldset.question").first.locator("input[value='3']").is_checked()
    # One question per screen on a phone, the whole area on a wide screen.
    assert phone.locator("fieldset.question:visible").count() == 1
    assert phone.inner_text("[data-pager-position]").startswith("Question ")
    phone.locator("button[name=action][value=next]").click()
    expect(phone.locator("fieldset.question:visible")).to_have_id(
        phone.locator("fieldset.question").nth(1).get_attribute("id"))
    # Widening the window shows the whole area once the page's media query has answered (not at once).
    total = phone.locator("fieldset.question").count()
    assert total > 1
    phone.set_viewport_size({"width": 1280, "height": 900})
    expect(phone.locator("fieldset.question:visible")).to_have_count(total)
    expect(phone.locator("[data-pager-head]")).to_be_hidden()
    assert phone.watch.errors() == []


def test_on_a_phone_the_review_lists_each_answer_and_changes_one_in_place(live_app, server, browser, questionnaire):
    from tests.helpers import Respondent

    respondent = Respondent(live_app.test_client(), questionnaire)
    respondent.fill_context()
    respondent.answer_all(lambda q: 3)
    question = questionnaire.dimension("tools").questions[1]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(f"{server.url}/r/{respondent.token}/review")
        row = phone.locator(f"[data-answer='{question.id}']")
        expect(row).to_contain_text(f"Level 3{question.label(3)}")
        link = row.get_by_role("link", name=f"Change {question.short_name}")
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, "the Change link is on the screen"
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        if os.environ.get("PMO_SHOTS"):
            phone.screenshot(path=os.path.join(os.environ["PMO_SHOTS"], "review-390.png"))
        link.click()
        phone.wait_for_url(re.compile(r"/d/tools\?return=review"))
        expect(phone.locator(f"fieldset[id='{question.id}']")).to_be_visible()
        phone.locator(f"label[for='{question.id}-5']").click()
        phone.get_by_role("button", name="Back to review").click()
        phone.wait_for_url(re.compile(r"/review#answers-tools$"))
        expect(phone.locator(f"[data-answer='{question.id}']")).to_contain_text(f"Level 5{question.label(5)}")
    finally:
        context.close()
