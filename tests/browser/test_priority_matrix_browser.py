"""The priority matrix as a person sees it: on a laptop under the scores, on a phone from the appendix;
in both, every label is inside the drawing and no two labels overlap (real text boxes, not estimates)."""

from __future__ import annotations

from itertools import combinations

from tests.browser.conftest import PAGE_TIMEOUT_MS
from tests.browser.test_report_print import result_token  # noqa: F401  (the fixture)

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def check_labels(page, drawing) -> None:
    frame = drawing.bounding_box()
    assert frame and frame["width"] > 300, frame
    labels = [drawing.locator(f"text[data-label]").nth(i).bounding_box() for i in range(5)]
    for box in labels:
        assert frame["x"] - 0.5 <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 0.5
        assert frame["y"] - 0.5 <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"] + 0.5
    for a, b in combinations(labels, 2):
        apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                 or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
        assert apart, (a, b)


def test_the_matrix_sits_under_the_scores_on_a_laptop(browser, server, result_token, tmp_path):  # noqa: F811
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page.goto(f"{server.url}/r/{result_token}/result")
        section = page.locator("#priority-matrix")
        assert section.is_visible()
        section.scroll_into_view_if_needed()
        check_labels(page, section.locator("svg.priority-matrix"))
        page.screenshot(path=str(tmp_path / "matrix-laptop.png"))
    finally:
        context.close()


def test_a_phone_opens_the_matrix_from_the_appendix(browser, server, result_token, tmp_path):  # noqa: F811
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page.goto(f"{server.url}/r/{result_token}/result")
        assert not page.locator("#priority-matrix").is_visible()
        summary = page.get_by_text("Where to improve first: the priority matrix")
        summary.scroll_into_view_if_needed()
        summary.tap()
        drawing = page.locator("#appendix svg.priority-matrix")
        assert drawing.is_visible()
        drawing.scroll_into_view_if_needed()
        check_labels(page, drawing)
        page.screenshot(path=str(tmp_path / "matrix-phone.png"))
    finally:
        context.close()
