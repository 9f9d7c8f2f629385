"""Forms keep what a person typed when one answer is wrong, and say what is wrong in plain words."""

from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from tests.browser.test_questionnaire_browser import fill_context

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
    phone.get_by_role("button", name=re.compile("^Next")).click()
    phone.wait_for_url(re.compile("/d/"))
    phone.go_back()
    phone.reload()
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
