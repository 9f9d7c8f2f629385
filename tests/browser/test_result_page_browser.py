"""The result page tells the story first (issue 24 §5): on a laptop's first screen the overall
result, the PMO that fits, the three pitfalls that matter most and the start of the first 90
days; downloads in one menu; delete at the bottom; a phone reads the body in ten screens."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PAGE_TIMEOUT_MS, served_result

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# A real phone: a mobile viewport (no scrollbar, the page laid out at the device's width) at three device
# pixels per CSS pixel, with touch, as a tester's phone emulation has it.
REAL_PHONE = {"is_mobile": True, "has_touch": True, "device_scale_factor": 3}


@pytest.fixture(scope="module")
def result_url(make_app, questionnaire, tmp_path_factory):
    """One submitted self-assessment's result page, served for the module: its tests only read it."""
    with served_result(make_app, questionnaire, tmp_path_factory.mktemp("result-page")) as url:
        yield url


@pytest.fixture(scope="module")
def devices(browser):
    """A laptop and a real phone, each a browser context with one tab kept for the module: each test loads
    the page into it afresh, so the page and plotly are parsed by one renderer per device, not one per test."""
    made = {"laptop": browser.new_context(viewport=LAPTOP), "phone": browser.new_context(viewport=PHONE, **REAL_PHONE)}
    for context in made.values():
        context.new_page().set_default_timeout(PAGE_TIMEOUT_MS)
    yield {name: context.pages[0] for name, context in made.items()}
    for context in made.values():
        context.close()


def opened(devices, result_url, device):
    """The result page loaded afresh on this device, shown on a screen (not print), at the top: by way of a
    blank page, so the browser does not treat it as a reload and restore where the last test scrolled."""
    page = devices[device]
    page.emulate_media(media="screen")
    page.goto("about:blank")
    page.goto(result_url)
    return page


def bottom(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["y"] + box["height"]


def test_the_summary_is_on_a_laptops_first_screen(devices, result_url):
    page = opened(devices, result_url, "laptop")
    for selector in ("[data-overall-score]", "[data-recommended-model]", "#top-pitfalls-heading + ol li:nth-child(3)",
                     ".first-days li:first-child"):
        assert bottom(page, selector) <= LAPTOP["height"], f"{selector} is below the first screen"
    # The summary comes before the scores, and Delete after everything else.
    assert bottom(page, "#summary-heading") < bottom(page, "#scores-heading")
    assert bottom(page, "[data-delete-self]") > bottom(page, "#appendix-heading")


def test_downloads_sit_in_one_menu(devices, result_url):
    page = opened(devices, result_url, "laptop")
    menu = page.locator(".downloads")
    assert menu.count() == 1
    assert not page.get_by_role("link", name="PDF").is_visible()
    menu.get_by_role("button", name="Download the report").click()
    for name in ("Report to print", "PDF", "Excel", "PowerPoint"):
        assert menu.get_by_role("link", name=name, exact=True).is_visible()


def test_a_phone_reads_the_body_in_ten_screens_before_the_appendix(devices, result_url):
    page = opened(devices, result_url, "phone")
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    top = page.evaluate("document.querySelector('#appendix').getBoundingClientRect().top + window.scrollY")
    # At most ten screens, with room to spare for a longer answer set than the test's.
    assert top <= 9.5 * PHONE["height"], f"the appendix starts {top / PHONE['height']:.1f} screens down"
    # A change's first reason shows; the others open with what it involves, nothing is lost.
    more = page.locator("[data-why-more]").first
    assert not more.is_visible()
    more.locator("xpath=ancestor::details[1]/summary").click()
    assert more.is_visible() and more.inner_text().startswith("Also why now:")
    page.emulate_media(media="print")  # the print has no details to open: every reason is in the line
    assert page.locator("[data-why-now] > span").first.is_visible()
    # Details open on demand: a later phase opens with a tap.
    later = page.locator("details.phase-more").first
    assert later.get_attribute("open") is None
    later.locator(":scope > summary").click()
    assert later.get_attribute("open") is not None


def test_a_phone_opens_the_timeline_what_would_change_and_a_pitfalls_changes_on_demand(devices, result_url):
    page = opened(devices, result_url, "phone")
    timeline = page.locator("details.timeline-card")
    assert timeline.get_attribute("open") is None and not page.locator("#timeline").is_visible()
    timeline.locator(":scope > summary").click()
    assert page.locator("#timeline table.gantt").is_visible()
    numbers = page.locator("#timeline tbody th .n").evaluate_all("els => els.map(e => e.textContent)")
    assert numbers and all(n.rstrip(".").isdigit() for n in numbers), "opened on a phone, the timeline numbers its rows"
    assert not page.locator("#timeline tbody th .t").first.is_visible()
    assert page.evaluate("document.querySelector('#timeline table.gantt').getBoundingClientRect().right"
                         " <= document.querySelector('#timeline').getBoundingClientRect().right + 1")
    changes = page.locator("details.would-change")
    assert not changes.locator("ul").is_visible()
    changes.locator(":scope > summary").click()
    assert changes.locator("ul li").first.is_visible()
    pitfall = page.locator("article.pitfall").first
    assert not pitfall.locator("[data-pitfall-changes]").is_visible()
    why = pitfall.locator("details.pitfall-why")
    assert "change" in why.locator("summary").inner_text()
    why.locator("summary").click()
    assert why.get_by_text("In the roadmap:").is_visible()


def test_a_laptop_shows_the_timeline_what_would_change_and_a_pitfalls_changes_open(devices, result_url):
    page = opened(devices, result_url, "laptop")
    assert page.locator("details.timeline-card").get_attribute("open") is not None
    assert page.locator("#timeline tbody th .t").first.is_visible(), "a laptop's timeline names each change"
    assert page.locator("details.would-change ul li").first.is_visible()
    assert page.locator("article.pitfall [data-pitfall-changes]").first.is_visible()


def test_the_result_page_fetches_no_plotly(browser, result_url):
    """Its radar and its timeline are drawn on the server: plotly.js (1 MB to fetch, seconds of CPU to start)
    is never fetched, on load or once the browser is idle, where it took the CPU a first PDF was made with.
    A context of its own: the page loaded for the first time, nothing in the browser's cache."""
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(result_url, wait_until="load")
        assert page.locator("#timeline table.gantt .bar").count() > 0
        # The idle time after load, when charts.js fetches plotly.js for any chart on the page.
        page.evaluate("() => new Promise(done => requestIdleCallback(() => setTimeout(done, 500)))")
        assert requests and not [url for url in requests if "plotly" in url]
    finally:
        context.close()
