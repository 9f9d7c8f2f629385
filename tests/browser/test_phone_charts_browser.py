"""Charts on a 390 px phone: the result's radar and the roadmap's timeline are drawn on the server and fit
with whole labels; the result page fetches no plotly.js at all."""

from __future__ import annotations

import os

from tests.helpers import Respondent


def test_the_result_radar_fits_a_phone_with_whole_labels_and_no_toolbar(server, phone):
    app = server.app
    respondent = Respondent(app.test_client(), app.extensions["pmo_content"].default_questionnaire)
    respondent.fill_context()
    respondent.answer_all(lambda q: 2 if q.id.startswith(("governance", "leadership")) else 3)
    assert respondent.submit().status_code == 302
    events: list[str] = []
    phone.on("load", lambda _page: events.append("load"))
    phone.on("request", lambda request: "plotly" in request.url and events.append("plotly"))
    phone.goto(server.url + respondent.base + "/result", wait_until="load", timeout=60_000)
    radar = phone.locator("#radar svg.scores-radar")
    cut = radar.evaluate("""svg => {
        const box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].filter(t => {
            const r = t.getBoundingClientRect();
            return r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5
                               || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5);
        }).map(t => t.textContent);
    }""")
    assert cut == []
    labels = radar.evaluate("svg => [...svg.querySelectorAll('text[data-area]')].map(t => t.firstChild.textContent)")
    assert "Leadership" in labels
    # The timeline below is folded on a phone and opens with a tap, drawn on the server as the page came.
    phone.locator("details.timeline-card > summary").click()
    assert phone.locator("#timeline table.gantt").is_visible()
    # Its labels are never cut short: on a phone each bar carries its change's number, printed before the
    # change's title below, and not the title.
    numbers = phone.locator("#timeline tbody th .n").evaluate_all("els => els.map(e => e.textContent)")
    planned = phone.locator(".roadmap-item h4 > .text-muted").count()
    assert numbers == [f"{n}." for n in range(1, planned + 1)], "every change has its number on the timeline"
    assert not phone.locator("#timeline tbody th .t").first.is_visible()
    first = phone.locator(".roadmap-item h4").first.inner_text()
    assert first.startswith("1. "), first
    assert phone.evaluate("""() => {
        const box = document.querySelector('#timeline').getBoundingClientRect();
        return [...document.querySelectorAll('#timeline tbody th')].every(th => th.scrollWidth <= th.clientWidth)
            && document.querySelector('#timeline table.gantt').getBoundingClientRect().right <= box.right + 1;
    }""")
    assert events == ["load"], "the result page fetches no plotly.js"
    assert phone.locator(".modebar").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.watch.errors() == []


def test_the_timeline_takes_the_phones_layout_when_a_laptops_window_narrows_to_a_phone(server, page):
    """Loaded at 1366 and narrowed to 390 (a window narrowed, a tablet turned), the timeline takes the phone's
    layout: numbered rows that fit its box, not the laptop's titles spilling over the next heading."""
    from tests.browser.conftest import wait_until
    app = server.app
    respondent = Respondent(app.test_client(), app.extensions["pmo_content"].default_questionnaire)
    respondent.fill_context()
    respondent.answer_all(lambda q: 2 if q.id.startswith(("governance", "leadership")) else 3)
    assert respondent.submit().status_code == 302
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(server.url + respondent.base + "/result", wait_until="load", timeout=60_000)
    titles = page.locator("#timeline tbody th .t")
    assert titles.first.is_visible() and titles.first.inner_text(), "a laptop's timeline names each change"
    page.set_viewport_size({"width": 390, "height": 844})
    wait_until(page, """() => {
        const title = document.querySelector('#timeline tbody th .t');
        return title && getComputedStyle(title).display === 'none';
    }""")
    spill = page.evaluate("""() => {
        const box = document.querySelector('#timeline').getBoundingClientRect();
        const table = document.querySelector('#timeline table.gantt').getBoundingClientRect();
        return table.right - box.right;
    }""")
    assert spill <= 1, f"the timeline spills {spill:.0f} px past its box"
    if os.environ.get("PMO_SHOTS"):  # a folder: a screenshot for a person to look at
        page.locator("#timeline").scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(os.environ["PMO_SHOTS"], "timeline-narrowed-390.png"))
    assert page.watch.errors() == []


def test_the_result_radar_takes_most_of_a_phones_width_with_readable_labels(server, browser):
    """Issue 24 §9: the circle was about 160 px across inside a 366 px drawing, each side given to a label.
    Now the labels sit outside the circle in the corners, and the circle takes most of the width."""
    app = server.app
    respondent = Respondent(app.test_client(), app.extensions["pmo_content"].default_questionnaire)
    respondent.fill_context()
    respondent.answer_all(lambda q: 2 if q.id.startswith(("governance", "leadership")) else 3)
    assert respondent.submit().status_code == 302
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=3)
    try:
        phone = context.new_page()
        phone.goto(server.url + respondent.base + "/result", wait_until="load", timeout=60_000)
        found = phone.locator("#radar svg.scores-radar").evaluate("""svg => {
            const box = svg.getBoundingClientRect();
            const ring = [...svg.querySelectorAll('polygon')].find(p => p.getAttribute('stroke-width') === '2');
            const texts = [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect());
            const names = [...svg.querySelectorAll('text[data-area]')];
            return {width: box.width, ring: ring.getBoundingClientRect().width,
                    cut: texts.filter(r => r.left < box.left - 0.5 || r.right > box.right + 0.5
                                            || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5).length,
                    font: Math.min(...names.map(t => parseFloat(t.getAttribute('font-size'))))
                          * box.width / svg.viewBox.baseVal.width,
                    overlaps: names.some((a, i) => names.some((b, j) => {
                        if (i === j) { return false; }
                        const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
                        return r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
                    }))};
        }""")
        assert found["width"] >= 340, found
        assert found["ring"] >= 0.7 * found["width"], f"the circle is {found['ring']:.0f} px of {found['width']:.0f}"
        assert found["cut"] == 0 and not found["overlaps"], found
        assert found["font"] >= 13, f"area names are drawn at {found['font']:.1f} px"
    finally:
        context.close()
