"""Browser print of the report and of the result page: Chromium's own A4 PDF, read back with
poppler. No two text blocks overlap on a page, and no card is split across two pages."""

from __future__ import annotations

import re
import subprocess
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from tests.browser.conftest import PAGE_TIMEOUT_MS, served_result
from tests.helpers import Respondent

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def result_token(live_app, questionnaire):
    respondent = Respondent(live_app.test_client(), questionnaire)
    respondent.fill_context()
    respondent.answer_all(lambda q: 1 + sum(map(ord, q.id)) % 4)
    assert respondent.submit().status_code == 302
    return respondent.token


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def printed(page, tmp_path, name: str):
    """Print the page as Chromium does for a person (A4, print stylesheet); return per-page text and words."""
    path = tmp_path / f"{name}.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4", print_background=True, prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [squash(p) for p in text.split("\f")]
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    root = ElementTree.fromstring(xml)
    words = []
    for number, pdf_page in enumerate(root.iter(f"{XHTML}page")):
        for word in pdf_page.iter(f"{XHTML}word"):
            box = tuple(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            words.append((number, box, word.text or ""))
    return pages, words


def overlapping(words, tolerance: float = 1.0) -> list[tuple]:
    """Words printed over other words: text overlapping text, on the same page."""
    found = []
    by_page: dict[int, list] = {}
    for number, box, text in words:
        by_page.setdefault(number, []).append((box, text))
    for number, items in by_page.items():
        items.sort(key=lambda item: item[0][1])
        for i, (a, text_a) in enumerate(items):
            for b, text_b in items[i + 1:]:
                if b[1] + tolerance >= a[3]:
                    break  # every later word starts below this one
                if a[0] + tolerance < b[2] and b[0] + tolerance < a[2] and b[1] + tolerance < a[3]:
                    found.append((number, text_a, text_b))
    return found


# A4 at 96 px per inch, less the page margins: the report's own (14 mm and 16 mm), and
# Chromium's default for pages without an @page rule (about 10 mm).
REPORT_PAGE = (688, 1009)
DEFAULT_PAGE = (718, 1047)

FRAGMENTS = """([selector, width, height]) => {
  // Lay the printed page out as A4-sized columns: Chromium fragments columns with the same
  // engine as pages, honouring break-inside and break-after. A card split across two
  // columns would be split across two printed pages.
  const style = document.createElement('style');
  style.textContent = `html, body { margin: 0 !important; padding: 0 !important; }
    body { width: ${width}px !important; height: ${height}px !important; columns: ${width}px !important;
           column-gap: 0 !important; column-fill: auto !important; max-width: none !important; }`;
  document.head.appendChild(style);
  const split = [];
  document.querySelectorAll(selector).forEach(el => {
    const rects = Array.from(el.getClientRects()).filter(r => r.height > 0);
    const columns = new Set(rects.map(r => Math.floor((r.left + 1) / width)));
    const tall = rects.reduce((sum, r) => sum + r.height, 0) > height;  // longer than a page: it must break
    if (columns.size > 1 && !tall) split.push(el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60));
  });
  style.remove();
  return split;
}"""


def cards_split(page, selector: str, size: tuple[int, int]) -> list[str]:
    """Cards shorter than a page that the print layout breaks across two A4 pages (print media emulated)."""
    return page.evaluate(FRAGMENTS, [selector, *size])


def test_the_split_check_would_see_a_card_broken_across_pages(server, page, result_token):
    page.goto(f"{server.url}/r/{result_token}/report.html")
    page.emulate_media(media="print")
    # Cards of 600 px (most of a page) left free to break: some card then crosses a page's foot whatever the text.
    page.add_style_tag(content="[data-card] { break-inside: auto !important; page-break-inside: auto !important; "
                               "min-height: 600px !important; }")
    assert cards_split(page, "[data-card]", REPORT_PAGE) != []


def test_the_overlap_check_would_see_text_printed_over_text(server, page, result_token, tmp_path):
    page.goto(f"{server.url}/r/{result_token}/report.html")
    page.add_style_tag(content="h1 { margin-bottom: -1.3em !important; }")
    _pages, words = printed(page, tmp_path, "overlap")
    assert overlapping(words) != []


def test_printed_report_has_no_overlapping_text_and_no_split_card(server, page, result_token, tmp_path):
    page.goto(f"{server.url}/r/{result_token}/report.html")
    pages, words = printed(page, tmp_path, "report")
    assert len(pages) >= 4
    assert "PITFALLS THAT MATTER MOST" in pages[0].upper()
    assert "Back to the result" not in " ".join(pages)  # the toolbar is not printed
    assert overlapping(words) == []
    assert page.locator("[data-card]").count() > 10
    assert cards_split(page, "[data-card]", REPORT_PAGE) == []
    assert page.watch.errors() == [] and page.watch.outside_requests() == []


@pytest.fixture(scope="module")
def printed_result(make_app, questionnaire, browser, tmp_path_factory):
    """The result page printed once for the tests that read its print (they change nothing): its printed
    pages and words, the headings the page shows, and the cards the print layout splits. One load and one
    print instead of three (a print of the result page is several seconds of Chromium's CPU)."""
    folder = tmp_path_factory.mktemp("printed-result")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        with served_result(make_app, questionnaire, folder) as url:
            page = context.new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(url)
            page.wait_for_selector("#radar svg", state="attached")
            # A pitfall card's heading is printed inside a card kept whole (the split test below), and its
            # title is also the summary's list item, which may end page one: only free headings can be stranded.
            headings = page.evaluate("""() => [...document.querySelectorAll('main h2, main h3, main h4')]
                .filter(h => !h.closest('.pitfall'))
                .map(h => h.textContent.replace(/\\s+/g, ' ').trim()).filter(t => t.length > 3)""")
            pages, words = printed(page, folder, "result")
            return SimpleNamespace(pages=pages, words=words, headings=headings,
                                   split=cards_split(page, ".card", DEFAULT_PAGE))
    finally:
        context.close()


def test_printed_result_page_keeps_cards_whole_and_prints_no_controls(printed_result):
    text = " ".join(printed_result.pages)
    assert "Re-plan the roadmap" not in text and "Download" not in text and "Sign in" not in text
    assert printed_result.split == []
    assert overlapping(printed_result.words) == []


def test_no_printed_page_of_the_result_ends_with_a_heading(printed_result):
    """A heading stays with what it heads: none is the last thing on a printed page (issue 24 §5)."""
    pages = [p for p in printed_result.pages if p]
    print(f"{len(pages)} printed pages; last words: " + " | ".join(p[-40:] for p in pages))
    stranded = [(number + 1, h) for number, text in enumerate(pages[:-1]) for h in printed_result.headings
                if text.endswith(h)]
    assert stranded == [], f"headings alone at the foot of a page: {stranded}"


def test_no_printed_page_of_the_result_is_left_mostly_empty(printed_result):
    """Every printed page but the last is at least half filled: the summary's end no longer forces a page
    break after 'Check first', and a long column of cards no longer leaves a page mostly blank (issue 24, C)."""
    a4_height = 842  # points
    lowest: dict[int, float] = {}
    for number, box, _text in printed_result.words:
        lowest[number] = max(lowest.get(number, 0.0), box[3])
    filled = [round(lowest.get(n, 0.0) / a4_height, 2) for n in range(len([p for p in printed_result.pages if p]))]
    assert all(share >= 0.5 for share in filled[:-1]), f"share of each page filled: {filled}"


def test_the_printed_result_has_the_whole_roadmap_timeline(printed_result, questionnaire):
    """The browser's print carries the report's timeline (it is folded on screen and was left out of print):
    every area in its legend, its month axis, and no word of it past the A4 page's right edge (issue 24 §5)."""
    pages = [p for p in printed_result.pages if p]
    with_timeline = [n for n, text in enumerate(pages) if "Months from the start" in text]
    assert len(with_timeline) == 1, "the timeline's axis is printed once"
    legend = pages[with_timeline[0]]
    assert [d.title for d in questionnaire.dimensions if d.title not in legend] == []
    a4_width = 595  # points
    assert [text for _n, box, text in printed_result.words if box[2] > a4_width or box[0] < 0] == []
    assert len(pages) <= 10, f"{len(pages)} printed pages"


def test_the_printed_report_keeps_its_bars_and_badges_without_background_graphics(server, page, result_token):
    """A browser leaves backgrounds out of a print unless the reader ticks "background graphics": the timeline's
    bars and the severity badges are backgrounds, so they ask to be printed exactly."""
    page.goto(f"{server.url}/r/{result_token}/report.html")
    page.emulate_media(media="print")
    adjust = page.evaluate("""() => ['.gantt .bar', '.gantt .swatch', '.badge'].map(selector => {
        const el = document.querySelector(selector);
        return [selector, el ? getComputedStyle(el).printColorAdjust : 'missing'];
    })""")
    assert adjust == [[".gantt .bar", "exact"], [".gantt .swatch", "exact"], [".badge", "exact"]]
