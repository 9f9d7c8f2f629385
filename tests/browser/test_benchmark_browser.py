"""The pooled benchmark panel as an owner uses it: the demo's percentiles among its peers, taking
part turned off and on again with the keyboard, and nothing wider than a phone."""

from __future__ import annotations

from tests.browser.conftest import sign_in

WIDER_THAN_THE_SCREEN = "() => document.scrollingElement.scrollWidth - window.innerWidth"


def test_an_owner_turns_taking_part_off_and_on_and_the_panel_follows(phone, demo):
    sign_in(phone, demo)
    phone.goto(f"{demo['base']}/orgs/{demo['org_id']}#benchmark-heading")
    panel = phone.locator("[data-benchmark]")
    rows = panel.locator("[data-benchmark-table] tbody tr")
    assert rows.count() == 6 and rows.last.locator("th").inner_text() == "Overall"
    assert all(cell.isdigit() for cell in rows.locator("td:nth-child(2)").all_inner_texts())
    assert "combined picture of its 2 units' latest results" in panel.inner_text()
    assert phone.evaluate(WIDER_THAN_THE_SCREEN) <= 0

    toggle = panel.locator("[data-benchmark-toggle]")
    assert toggle.inner_text() == "Stop taking part"
    toggle.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_selector("[data-benchmark-off]")
    assert phone.locator("[data-benchmark-table]").count() == 0
    assert "no longer takes part" in phone.locator(".alert").first.inner_text()

    phone.locator("[data-benchmark-toggle]").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_selector("[data-benchmark-table]")
    assert phone.watch.errors() == [] and phone.watch.outside_requests() == []
