"""The sticky Back/Next bar on a phone never hides a field (issue 24, G: at 390 px it covered the next
question's label on the profile page): tabbing from field to field, each focused field and its label are
above the bar."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PAGE_TIMEOUT_MS
from tests.helpers import Respondent

HIDDEN = """() => {
  const bar = document.querySelector('.sticky-actions').getBoundingClientRect();
  const el = document.activeElement;
  if (!el || el.closest('.sticky-actions') || el === document.body) { return null; }
  const label = el.closest('.form-check, .mb-4, fieldset, .question') || el;
  const own = el.getBoundingClientRect();
  const lab = (el.labels && el.labels[0] ? el.labels[0] : el).getBoundingClientRect();
  // Hidden: any part of the field or its label under the bar (the bar is on top).
  const under = r => r.bottom > bar.top + 0.5 && r.top < bar.bottom;
  return (under(own) || under(lab)) ? (el.name || el.id) + ' at ' + Math.round(own.top) + '-' +
         Math.round(lab.bottom) + ', bar from ' + Math.round(bar.top) : '';
}"""


def settled(page, within_ms: int = 2000):
    """What HIDDEN says once the page has had its chance to scroll the focused field into view: the
    app's script scrolls after the focus event, which takes more than two frames on a loaded machine
    (a field still under the bar after two seconds is hidden)."""
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    found = page.evaluate(HIDDEN)
    waited = 0
    while found and waited < within_ms:
        page.wait_for_timeout(100)
        waited += 100
        found = page.evaluate(HIDDEN)
    return found


# The profile is one long form; an area's page shows a question at a time on a phone (fewer stops).
@pytest.mark.parametrize("path, stops", [("/context", 5), ("/d/governance", 2)])
def test_tabbing_through_a_phone_form_never_leaves_a_field_under_the_sticky_bar(server, browser, path, stops):
    app = server.app
    respondent = Respondent(app.test_client(), app.extensions["pmo_content"].default_questionnaire)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=3)
    try:
        # The private link carries the respondent's session to the browser.
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(f"{server.url}/r/{respondent.token}{path}")
        hidden, seen = [], 0
        for _ in range(120):
            page.keyboard.press("Tab")
            found = settled(page)
            if found is None:
                if seen and page.evaluate("!!document.activeElement.closest('.sticky-actions')"):
                    break  # past the last field: the bar's own buttons
                continue
            seen += 1
            if found:
                hidden.append(found)
        assert seen >= stops, "tabbed through the form's fields"
        assert hidden == []
    finally:
        context.close()
