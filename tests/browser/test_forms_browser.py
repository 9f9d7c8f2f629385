"""Forms keep what a person typed when one answer is wrong, and say what is wrong in plain words."""

from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from app import store
from tests.browser.conftest import sign_in
from tests.browser.test_questionnaire_browser import fill_context
from tests.browser.test_report_print import result_token  # noqa: F401  (the fixture)

SHOTS = os.environ.get("PMO_SHOTS")  # a folder: screenshots for a person to look at


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def start(page, server):
    page.goto(server.url + "/")
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_role("link", name="Begin").click()
    page.wait_for_url(re.compile("/context$"))


def test_one_bad_number_on_the_profile_keeps_every_answer_on_a_phone(server, phone):
    start(phone, server)
    fill_context(phone)
    profile = phone.url.split("#")[0]
    phone.get_by_role("button", name=re.compile("^Next")).click()
    phone.wait_for_url(re.compile("/d/"))
    # Back to the profile as saved, loaded afresh (going back and reloading raced the pager's #fragment
    # being put in the address after load, which aborted the reload on a loaded machine).
    phone.goto(profile)
    phone.fill("#input-active_projects", "-5")
    phone.check("#org_size-medium")
    phone.get_by_role("button", name=re.compile("^Next")).click()
    error = phone.locator("#err-active_projects")
    expect(error).to_contain_text("needs a whole number from 0 to 2,000; “-5” is not one")
    expect(phone.locator("#input-active_projects")).to_have_value("-5")
    expect(phone.locator("#input-business_units")).to_have_value("3")
    for checked in ("#org_size-medium", "#regulated-yes", "#risk_profile-medium", "#delivery_mix-hybrid",
                    "#primary_pain-duplicate_work", "#existing_pmo-informal"):
        expect(phone.locator(checked)).to_be_checked()
    shoot(phone, "context-error-390")
    # Correcting the one answer is enough to go on.
    phone.fill("#input-active_projects", "60")
    phone.get_by_role("button", name=re.compile("^Next")).click()
    phone.wait_for_url(re.compile("/d/"))


def test_a_workshop_for_a_period_already_assessed_is_warned_about_before_it_opens(demo, live_app, page):
    demo_app = live_app
    sign_in(page, demo)
    page.goto(f"{demo['base']}/orgs/{demo['org_id']}/workshops/new")
    period = page.get_by_label("Period")
    offered = period.input_value()
    assert re.fullmatch(r"\d{4}-Q[1-4]", offered)
    page.select_option("#unit", str(demo["unit"]))
    taken = page.locator("#unit option:checked").inner_text()
    db = store.open_db(demo_app.config["DATABASE"])
    try:
        used = store.history(db, demo["org_id"], demo["unit"])[-1]["period"]
    finally:
        db.close()
    period.fill(used)
    page.get_by_label("Title").fill("Second look")
    page.get_by_role("button", name="Open the workshop").click()
    expect(page.locator("#period-error")).to_contain_text(f"{taken} already has an assessment for {used}")
    expect(page.get_by_label("Title")).to_have_value("Second look")
    shoot(page, "workshop-period-warning-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#field-period").scroll_into_view_if_needed()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "workshop-period-warning-390.png"))
    page.get_by_label("Add a second result for this period").check()
    page.get_by_role("button", name="Open the workshop").click()
    page.wait_for_url(re.compile(r"/workshops/\d+$"))


def test_a_wrong_workshop_code_keeps_the_code_and_offers_to_try_again_on_a_phone(server, phone):
    phone.goto(server.url + "/join")
    phone.get_by_label("Workshop code").fill("zzzz-9999")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#code-error")).to_contain_text("No open workshop has this code")
    expect(phone.get_by_label("Workshop code")).to_have_value("ZZZZ9999")
    shoot(phone, "join-wrong-code-390")
    phone.get_by_label("Workshop code").fill("abc")
    phone.get_by_role("button", name="Try again").click()
    expect(phone.locator("#code-error")).to_contain_text("A workshop code has 8 letters and digits")
    expect(phone.get_by_label("Workshop code")).to_have_value("abc")


def test_a_bad_plan_choice_keeps_what_was_typed_and_re_plans_with_the_rest(browser, server, result_token):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/r/{result_token}/result")
        page.locator(".plan-form > summary").click()
        page.select_option("#input-target-tools", "5")
        page.fill("#input-plan-people", "0")
        owner = page.locator(".plan-form input[name^='owner-']").first
        owner.fill("Sam Jones")
        page.get_by_role("button", name="Re-plan the roadmap").click()
        error = page.locator("#err-plan-people")
        expect(error).to_have_text("“People in the PMO” needs a whole number from 1 to 200; “0” is not one.")
        expect(page.locator(".plan-form [data-error-summary]")).to_be_visible()
        expect(page.locator("#input-plan-people")).to_have_value("0")
        expect(page.locator(".plan-form input[name^='owner-']").first).to_have_value("Sam Jones")
        expect(page.locator("#input-target-tools")).to_have_value("5")
        page.locator("#input-plan-people").scroll_into_view_if_needed()
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, "plan-error-390.png"))
        # What was valid was kept: a fresh look at the page shows the new target and the owner.
        page.goto(f"{server.url}/r/{result_token}/result")
        expect(page.locator("#input-target-tools")).to_have_value("5")
        expect(page.locator(".plan-form input[name^='owner-']").first).to_have_value("Sam Jones")
        expect(page.locator("#input-plan-people")).to_have_value("")
    finally:
        context.close()


def test_a_refused_unit_name_stays_typed_with_its_reason_on_a_phone(demo, phone):
    sign_in(phone, demo)
    phone.goto(f"{demo['base']}/orgs/{demo['org_id']}")
    existing = phone.locator("#units-heading ~ ul li a").first.inner_text()
    phone.fill("#unit-name", existing)
    phone.get_by_role("button", name="Add unit").click()
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()  # read out first, with a link to the field
    expect(summary).to_contain_text(f"Unit name: The organisation has a unit called '{existing}' already.")
    expect(phone.locator("#unit-name")).to_have_value(existing)
    expect(phone.locator("#unit-name-error")).to_be_visible()
    summary.get_by_role("link").click()
    expect(phone.locator("#unit-name")).to_be_in_viewport()
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "unit-name-error-390.png"))
    # Fixing the one field is enough.
    phone.fill("#unit-name", existing + " East")
    phone.get_by_role("button", name="Add unit").click()
    expect(phone.locator("#units-heading ~ ul")).to_contain_text(existing + " East")
