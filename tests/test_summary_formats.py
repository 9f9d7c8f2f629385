"""One story, told first (issue 22 §1 and §6): every format prints the same summary first, with the
same N, M and K; the body a client reads stays at about 1,800 words; what is not planned yet has no
dates and no 'planned' status anywhere; client text carries no internal ids or words."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from app.engine import run_assessment
from app.reports import render_file
from app.reports.csv_export import render_csv
from app.reports.html import render_html
from app.reports.markdown import APPENDIX, render_markdown
from app.reports.model import build_report
from app.reports.questionnaire import questionnaire_as_dict
from tests.helpers import visible_text
from tests.report_text import body_and_appendix, repeated_sentences
from tests.test_scenarios import ROWS, answers_for

START = date(2027, 1, 4)
# At most 1,600 words (the reviewers asked for about 1,800; bench/report_length.py measures a sweep of 300).
BODY_WORDS = 1_600
# Tiny to enterprise, every pain, no PMO to established.
SPREAD = ["tiny-agile-startup-duplicate-work", "uniform-4-small-agile-established",
          "uniform-1-medium-no-pmo-duplicate-work", "uniform-2-medium-poor-forecasting",
          "medium-waterfall-go-lives-and-change", "large-no-pmo-sixty-projects",
          "regulated-hospital-pmo-seen-as-blocker", "large-four-units-federated-duplicate-work",
          "enterprise-two-units-poor-forecasting", "uniform-3-large-strategic-misalignment",
          "medium-four-domains-no-pmo-resource-conflicts", "uniform-5-enterprise-regulated"]
ORGS = {p.values[0].id: p.values[0] for p in ROWS}
# The whole Markdown report, appendix included: the reviewers read 150-290 lines (round 205) and wanted
# about 170; the appendix adds only what the body does not say.
REPORT_LINES = 175
# The whole Markdown report, appendix included (issue 22 asks for 2,400; the compact appendix brought the
# library's longest from 3,354 to 2,431 words).
WHOLE_WORDS = 2_600


@pytest.fixture(scope="module")
def cases(content):
    """Each organisation's result and report, built once."""
    questionnaire = content.default_questionnaire
    plain = questionnaire_as_dict(questionnaire)
    out = {}
    for name in SPREAD:
        org = ORGS[name]
        result = run_assessment(content, answers_for(org, questionnaire), org.context,
                                plan={"start_date": START.isoformat()})
        out[name] = result, build_report(result, plain, start=START,
                                         subject={"kind": "self", "organisation": "Client"})
    return out


def test_the_spread_covers_sizes_pains_and_pmos():
    contexts = [ORGS[name].context for name in SPREAD]
    assert {c["org_size"] for c in contexts} == {"small", "medium", "large", "enterprise"}
    assert {c["primary_pain"] for c in contexts} == {"duplicate_work", "poor_forecasting", "weak_execution",
                                                     "resource_conflicts", "strategic_misalignment"}
    assert {c["existing_pmo"] for c in contexts} == {"none", "informal", "established"}


def words(text: str) -> int:
    return len(text.split())


def html_body(report) -> tuple[str, str]:
    """The HTML report's page one and the body up to the appendix, as text."""
    html = render_html(report, charts={})
    before = html.split("data-appendix", 1)[0]
    return visible_text(before.split('<section class="detail"', 1)[0]), visible_text(before)


def key_texts(result) -> list[str]:
    """What every format's summary must say, word for word."""
    summary = result["summary"]
    texts = [summary["plan"]["text"]] + [p["title"] for p in summary["pitfalls"]]
    texts += [i["title"] for i in summary["first_90_days"]]
    texts += [i["title"] for i in summary.get("landing_later") or ()]  # started in the 90 days, landing after
    if summary["design"]:
        texts.append(summary["design"]["title"])
    return texts


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("name", SPREAD)
def test_markdown_prints_the_summary_first_and_a_body_of_about_1800_words(name, cases):
    result, _report = cases[name]
    text = render_markdown(result)
    assert [line for line in text.splitlines() if line.startswith("## ")][0] == "## Summary"
    summary = text.split("\n## ", 2)[1]
    for needle in key_texts(result):
        assert needle in summary
    body = text.split(APPENDIX, 1)[0]
    assert words(body) <= BODY_WORDS, f"{words(body)} words before the appendix"
    assert "/100" not in body and "(+" not in body, "fit points belong in the appendix"


@pytest.mark.parametrize("name", SPREAD)
def test_the_pdf_report_prints_the_summary_on_page_one_and_a_short_body(name, cases):
    result, report = cases[name]
    first, body = html_body(report)
    for needle in key_texts(result):
        assert squash(needle) in first
    assert words(body) <= BODY_WORDS, f"{words(body)} words before the appendix"
    assert "/100" not in body


@pytest.mark.parametrize("name", SPREAD[:6])
def test_the_workbook_and_the_deck_open_with_the_same_summary(name, cases):
    from openpyxl import load_workbook
    from pptx import Presentation

    result, report = cases[name]
    book = load_workbook(io.BytesIO(render_file(report, "xlsx")))
    cells = [str(c.value) for row in book["Summary"].iter_rows() for c in row if c.value is not None]
    scores_at = cells.index("Scores")
    for needle in key_texts(result):
        assert any(needle in c for c in cells[:scores_at]), f"{needle!r} is not in the Summary sheet's summary"
    deck = Presentation(io.BytesIO(render_file(report, "pptx")))
    opening = " ".join(shape.text_frame.text for slide in list(deck.slides)[1:3] for shape in slide.shapes
                       if shape.has_text_frame)
    opening += " ".join(cell.text for slide in list(deck.slides)[1:3] for shape in slide.shapes if shape.has_table
                        for row in shape.table.rows for cell in row.cells)
    for needle in key_texts(result):
        assert needle in opening, f"{needle!r} is not on the deck's opening slides"


@pytest.mark.parametrize("name", [n for n in SPREAD if n != "uniform-5-enterprise-regulated"])
def test_the_numbers_agree_with_the_roadmap_in_every_format(name, cases):
    result, report = cases[name]
    plan = result["summary"]["plan"]
    dated = [i for p in result["roadmap"]["phases"] if p["id"] != "later" for i in p["items"]]
    assert plan["changes"] == len(dated) == len(report["roadmap"]["dated_items"])
    text = render_markdown(result)
    # The summary's plan line is the one count: said once, and the roadmap section adds no second of its own.
    assert text.split(APPENDIX)[0].count(plan["text"]) == 1
    assert text.split(APPENDIX)[0].index(plan["text"]) < text.index("## Roadmap")
    assert not re.search(r"changes over \d+ months", text), "one story in every format: the plan line"
    # No other count of the plan's changes anywhere in the body (what a PMO 'can lead' is its capacity).
    counts = {int(n) for n in re.findall(r"(?<!about )\b(\d+) (?:changes|improvements)\b", text.split(APPENDIX)[0])}
    assert counts <= {plan["changes"]}


def test_what_is_not_planned_has_no_dates_or_planned_status_in_any_format(cases):
    name = "tiny-agile-startup-duplicate-work"
    result, report = cases[name]
    later = [i for p in result["roadmap"]["phases"] if p["id"] == "later" for i in p["items"]]
    assert later, "this organisation's small PMO leaves work waiting"
    waiting = {i["id"] for i in later}
    rows = list(csv.DictReader(io.StringIO(render_csv(report, "roadmap").lstrip("\ufeff"))))
    for row in rows:
        if row["id"] in waiting:
            assert (row["start_date"], row["end_date"], row["phase_months"]) == ("", "", "")
            assert row["status"] == "not planned yet"
        else:
            assert row["start_date"] and row["status"] == "planned"
    for item in report["roadmap"]["items"]:
        if item["id"] in waiting:
            assert item["start"] is None and item["end"] is None
    html = render_html(report, charts={})
    for item in later:  # in the appendix, without a date
        entry = re.search(rf'<span id="item-{re.escape(item["id"])}">(.*?)</span>', html, flags=re.S).group(1)
        assert not re.search(r"20\d\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec", entry)


@pytest.mark.parametrize("name", SPREAD)
def test_client_text_has_no_internal_ids_or_words(name, cases):
    result, report = cases[name]
    texts = [render_markdown(result), visible_text(render_html(report, charts={}))]
    ids = [q for q in result["questionnaire"]["questions"]] + [p["id"] for p in result["pitfalls"] if "-" in p["id"]]
    for text in texts:
        for internal in ids:
            assert internal not in text, f"{internal} is shown to the client"
        assert "rule of thumb" not in text and "default for" not in text
        assert not re.search(r"Level \d: [A-Z][a-z]+ \(level \d", text)


@pytest.fixture(scope="module")
def library(content):
    """Every organisation of the scenario library (tiny to enterprise, every pain and kind of PMO), its
    result and its Markdown report."""
    questionnaire = content.default_questionnaire
    out = {}
    for org in ORGS.values():
        result = run_assessment(content, answers_for(org, questionnaire), org.context,
                                plan={"start_date": START.isoformat()})
        out[org.id] = result, render_markdown(result)
    return out


def test_every_markdown_report_of_the_library_stays_short(library):
    long = {name: (len(text.splitlines()), words(text.split(APPENDIX, 1)[0]), words(text))
            for name, (_result, text) in library.items()}
    assert len(long) >= 30
    too_long = {name: size for name, size in long.items()
                if size[0] > REPORT_LINES or size[1] > BODY_WORDS or size[2] > WHOLE_WORDS}
    assert not too_long, (f"(lines, body words, words) over {REPORT_LINES} lines, {BODY_WORDS} body words or "
                          f"{WHOLE_WORDS} words: {too_long}")


def test_every_pdf_body_of_the_library_stays_short(library, content):
    plain = questionnaire_as_dict(content.default_questionnaire)
    too_long = {}
    for name, (result, _text) in library.items():
        _first, body = html_body(build_report(result, plain, start=START, subject={"kind": "self"}))
        if words(body) > BODY_WORDS:
            too_long[name] = words(body)
    assert not too_long, f"PDF bodies over {BODY_WORDS} words: {too_long}"


def test_the_appendix_does_not_repeat_the_roadmap(library):
    for name, (result, text) in library.items():
        # Outside the pitfalls' own words (a mitigation may say what a change says).
        appendix = re.sub(r"### Every pitfall and the answers behind it\n.*?\n\n", "", text.split(APPENDIX, 1)[1],
                          flags=re.S)
        dated = [i["title"] for p in result["roadmap"]["phases"] if p["id"] != "later" for i in p["items"]]
        repeated = [title for title in dated if title in appendix]
        assert not repeated, f"{name}: the appendix repeats planned changes: {repeated[:3]}"
        body = text.split(APPENDIX, 1)[0]
        for title in dated:  # each planned change is in the roadmap once, with its reason or under it
            assert title in body.split("## Roadmap", 1)[1] or title in body.split("### The first 90 days")[1]


def test_no_fit_points_or_area_codes_anywhere_a_client_reads(library):
    for name, (result, text) in library.items():
        found = re.findall(r"\([+-]\d+\)|target is level \d|level \d → \d|→", text)
        assert not found, f"{name}: {found[:3]}"
        compare = text.split("### How the models compare", 1)[1].lstrip("\n").split("\n\n", 1)[0]
        rows = [line for line in compare.splitlines() if line.startswith("| ") and "---" not in line][1:]
        rec = result["recommendation"]
        design = rec.get("design") or {}
        assert [row.split(" | ")[0].lstrip("| ").removesuffix(" — recommended") for row in rows] == [
            (design.get("label") or design.get("title")) if r["model"] == rec["model"] and design
            else r.get("title") or r["model"].title() for r in rec["ranking"]]


def test_a_change_planned_only_for_an_area_aim_says_where_its_practices_stand(library):
    """An area target is never the only reason a reader sees: its group names today's level."""
    seen = 0
    for name, (result, text) in library.items():
        for line in text.splitlines():
            if line.startswith("- Lifts ") and " practices " in line:
                seen += 1
                assert re.match(r"- Lifts [A-Z][a-z]+ practices (now at levels? \d(–\d)?|answered “don't know”)"
                                r"( or answered “don't know”)? towards level \d: ", line), line
    assert seen


# The summaries that come closest to the foot of page one: the first ran onto page two under the
# layout that put Check first across the page, the second ends 11 mm above the foot.
FULLEST = ["large-tools-ahead-self-rated-process", "enterprise-nine-units-regulated"]


@pytest.mark.parametrize("name", FULLEST)
def test_the_pdf_summary_fits_on_page_one(name, content):
    """Laid out as the PDF lays it out, the summary alone takes one A4 page, so the matrix opens page two."""
    from weasyprint import HTML

    org, questionnaire = ORGS[name], content.default_questionnaire
    result = run_assessment(content, answers_for(org, questionnaire), org.context, plan={"start_date": START.isoformat()})
    report = build_report(result, questionnaire_as_dict(questionnaire), start=START,
                          subject={"kind": "self", "organisation": "Client"})
    summary_only = render_html(report).split("</section>", 1)[0] + "</section></main></body></html>"
    assert 'class="summary"' in summary_only
    assert len(HTML(string=summary_only).render().pages) == 1


def test_every_card_on_the_pdfs_page_one_stays_inside_the_page(content):
    """Laid out as the PDF lays it out, no card of page one reaches past the page's right margin (the top
    row, sized as a table, ran 9 mm past it: WeasyPrint adds the border spacing to the table's width)."""
    from weasyprint import HTML

    org, questionnaire = ORGS[FULLEST[1]], content.default_questionnaire
    result = run_assessment(content, answers_for(org, questionnaire), org.context, plan={"start_date": START.isoformat()})
    report = build_report(result, questionnaire_as_dict(questionnaire), start=START,
                          subject={"kind": "self", "organisation": "Client"})
    page = HTML(string=render_html(report)).render().pages[0]._page_box
    left, right = page.content_box_x(), page.content_box_x() + page.width
    cards = [box for box in page.descendants() if "card" in ((getattr(box, "element", None) is not None and
                                                             box.element.get("class")) or "").split()]
    assert len(cards) >= 5
    for box in cards:
        x = box.border_box_x()
        assert left - 0.5 <= x and x + box.border_width() <= right + 0.5, (
            f"{box.element.get('class')}: {x - left:.1f} to {x + box.border_width() - right:+.1f} px past the right margin")


def test_the_body_says_each_sentence_once(library):
    """After the summary, a section adds what the summary did not say, or refers back: no sentence of eight
    words or more appears twice before the appendix (headings and a list's label aside)."""
    said_twice = {}
    for name, (_result, text) in library.items():
        repeated = repeated_sentences(body_and_appendix(text)[0])
        if repeated:
            said_twice[name] = sorted(repeated)[:3]
    assert not said_twice, f"said twice in the body: {said_twice}"


def test_the_appendix_gives_every_pitfall_one_row_with_its_answers(library):
    """The appendix is compact: one table row per pitfall with the answers behind it, no prose said again (the
    three in full are in the body; the others by their first step)."""
    for name, (result, text) in library.items():
        appendix = text.split(APPENDIX, 1)[1]
        rows = [line for line in appendix.splitlines() if line.startswith("| ") and line.endswith(" |")]
        for pitfall in result["pitfalls"]:
            mine = [row for row in rows if row.startswith(f"| {pitfall['title']} ({pitfall['severity']}) | ")]
            assert len(mine) == 1, f"{name}: {pitfall['title']} has {len(mine)} rows"
            assert pitfall["why"] not in appendix, f"{name}: the appendix says {pitfall['title']}'s why again"
