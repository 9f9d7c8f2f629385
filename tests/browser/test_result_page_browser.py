"""The result page tells the story first (issue 24 §5): on a laptop's first screen the overall
result, the PMO that fits, the three pitfalls that matter most and the start of the first 90
days; downloads in one menu; delete at the bottom; a phone reads the body in ten screens."""

from __future__ import annotations

from tests.browser.conftest import PAGE_TIMEOUT_MS
from tests.browser.test_report_print import result_token  # noqa: F401  (the fixture)

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def opened(browser, server, token, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{server.url}/r/{token}/result")
    return context, page


def bottom(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["y"] + box["height"]


def test_the_summary_is_on_a_laptops_first_screen(browser, server, result_token):  # noqa: F811
    context, page = opened(browser, server, result_token, LAPTOP)
    try:
        for selector in ("[data-overall-score]", "[data-recommended-model]", "#top-pitfalls-heading + ol li:nth-child(3)",
                         ".first-days li:first-child"):
            assert bottom(page, selector) <= LAPTOP["height"], f"{selector} is below the first screen"
        # The summary comes before the scores, and Delete after everything else.
        assert bottom(page, "#summary-heading") < bottom(page, "#scores-heading")
        assert bottom(page, "[data-delete-self]") > bottom(page, "#appendix-heading")
    finally:
        context.close()


def test_downloads_sit_in_one_menu(browser, server, result_token):  # noqa: F811
    context, page = opened(browser, server, result_token, LAPTOP)
    try:
        menu = page.locator(".downloads")
        assert menu.count() == 1
        assert not page.get_by_role("link", name="PDF").is_visible()
        menu.get_by_role("button", name="Download the report").click()
        for name in ("Report to print", "PDF", "Excel", "PowerPoint"):
            assert menu.get_by_role("link", name=name, exact=True).is_visible()
    finally:
        context.close()


def test_a_phone_reads_the_body_in_ten_screens_before_the_appendix(browser, server, result_token):  # noqa: F811
    context, page = opened(browser, server, result_token, PHONE, is_mobile=True, has_touch=True)
    try:
        top = page.evaluate("document.querySelector('#appendix').getBoundingClientRect().top + window.scrollY")
        assert top <= 10 * PHONE["height"], f"the appendix starts {top / PHONE['height']:.1f} screens down"
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
    finally:
        context.close()
