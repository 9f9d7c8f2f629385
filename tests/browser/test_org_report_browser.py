"""The whole organisation's report, opened from its tab: the units side by side, on a laptop and a phone."""

from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

SHOTS = os.environ.get("PMO_SHOTS")


def test_the_whole_organisation_tab_opens_the_roll_up_report(demo, page):
    sign_in(page, demo)
    page.goto(f"{demo['base']}/orgs/{demo['org_id']}")
    page.get_by_role("link", name="Report with history").click()
    page.wait_for_url(re.compile(rf"/orgs/{demo['org_id']}/report\.html$"))
    expect(page.get_by_role("heading", name="The units side by side")).to_be_visible()
    units = page.locator("[data-rollup-units]")
    expect(units.locator("tbody tr")).to_have_count(7)  # five areas, overall, model
    assert page.get_by_role("heading", name="Recommended PMO model").count() == 0
    if SHOTS:
        page.set_viewport_size({"width": 1366, "height": 768})
        page.screenshot(path=os.path.join(SHOTS, "org-report-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    # Nothing on the phone needs a sideways scroll of the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "org-report-390.png"), full_page=True)
