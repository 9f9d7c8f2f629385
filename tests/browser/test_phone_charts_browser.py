"""Charts on a 390 px phone: the result's radar is drawn on the server and fits with whole labels;
plotly.js, which only the roadmap's timeline needs, is fetched after the page has loaded."""

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
    # The timeline below is drawn by plotly when a phone opens it (it is folded there): fetched after the
    # page has loaded.
    phone.locator("details.timeline-card > summary").click()
    phone.wait_for_selector("#timeline[data-drawn]", state="attached", timeout=60_000)
    assert events[:2] == ["load", "plotly"]
    # Its labels are never cut short: on a phone each bar carries its change's number, printed before the
    # change's title below.
    ticks = phone.locator("#timeline .ytick text").evaluate_all("els => els.map(e => e.textContent)")
    assert ticks and all(t.isdigit() for t in ticks), ticks
    planned = phone.locator(".roadmap-item h4 > .text-muted").count()
    assert sorted(map(int, ticks)) == list(range(1, planned + 1)), "every change has its number on the axis"
    first = phone.locator(".roadmap-item h4").first.inner_text()
    assert first.startswith("1. "), first
    assert phone.locator(".modebar").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.watch.errors() == []


def test_the_timeline_is_drawn_again_when_a_laptops_window_narrows_to_a_phone(server, page):
    """Loaded at 1366 and narrowed to 390 (a window narrowed, a tablet turned), the timeline takes the phone's
    drawing: numbered rows that fit its box, not the laptop's 774 px chart spilling over the next heading."""
    from tests.browser.conftest import wait_until
    app = server.app
    respondent = Respondent(app.test_client(), app.extensions["pmo_content"].default_questionnaire)
    respondent.fill_context()
    respondent.answer_all(lambda q: 2 if q.id.startswith(("governance", "leadership")) else 3)
    assert respondent.submit().status_code == 302
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(server.url + respondent.base + "/result", wait_until="load", timeout=60_000)
    page.wait_for_selector("#timeline[data-drawn]", state="attached", timeout=60_000)
    wide = page.locator("#timeline .ytick text").evaluate_all("els => els.map(e => e.textContent)")
    assert wide and not all(t.isdigit() for t in wide), "a laptop's timeline names each change"
    page.set_viewport_size({"width": 390, "height": 844})
    wait_until(page, """() => {
        const el = document.querySelector('#timeline[data-drawn]');
        const ticks = el ? [...el.querySelectorAll('.ytick text')].map(t => t.textContent) : [];
        return ticks.length && ticks.every(t => /^\\d+$/.test(t));
    }""")
    spill = page.evaluate("""() => {
        const box = document.querySelector('#timeline').getBoundingClientRect();
        const svg = document.querySelector('#timeline .main-svg').getBoundingClientRect();
        return svg.right - box.right;
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
