"""Report writers: PDF, HTML, XLSX, CSV and PPTX, each built once per session and checked
against the result it was made from."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import datetime, timedelta

import pytest

from app.reports import render_file
from app.reports.csv_export import BOM, csv_tables, render_csv
from app.reports.html import render_html
from app.reports.levels import describe_level
from tests.reports_fixtures import FORMULA, HOSTILE, SCRIPT, START, self_report, workshop_report


@pytest.fixture(scope="session")
def self_case(content):
    return self_report(content)


@pytest.fixture(scope="session")
def room_case(content):
    return workshop_report(content)


@pytest.fixture(scope="session")
def pdf_file(room_case, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_file(room_case[1], "pdf"))
    return path


@pytest.fixture(scope="session")
def pdf_pages(pdf_file):
    """The PDF's text, page by page (pdftotext separates pages with form feeds)."""
    text = subprocess.run(["pdftotext", str(pdf_file), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def squash(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the level helper

@pytest.mark.parametrize("score, said", [
    (None, "not scored"), (1.0, "level 1"), (1.74, "level 1"), (1.75, "level 1, nearly 2"),
    (2.99, "level 2, nearly 3"), (3.0, "level 3"), (4.9, "level 4, nearly 5"), (5.0, "level 5"),
])
def test_a_level_is_said_the_same_way_everywhere(score, said):
    assert describe_level(score) == said


# --------------------------------------------------------------------------- PDF

def test_pdf_names_the_model_the_overall_level_and_every_pitfall(room_case, pdf_pages):
    result, _report = room_case
    text = " ".join(pdf_pages)
    assert squash(result["recommendation"]["design"]["label"]) in text
    assert f"Level {result['overall']['level']} ({result['overall']['label']})" in text
    assert result["pitfalls"], "the fixture should flag pitfalls"
    for pitfall in result["pitfalls"]:
        assert squash(pitfall["title"]) in text


def test_pdf_page_one_is_the_summary(room_case, pdf_pages):
    result, report = room_case
    first = pdf_pages[0]
    for needle in ("Where you stand", "The PMO that fits", "Pitfalls that matter most", "The first 90 days",
                   "The plan in one line", result["summary"]["design"]["title"]):
        assert needle.lower() in first.lower()  # labels are set in capitals by the stylesheet
    for pitfall in report["top_pitfalls"]:
        assert squash(pitfall["title"]) in first
    assert squash(result["summary"]["plan"]["text"]) in first
    assert report["first_days"] and squash(report["first_days"][0]["owner"]) in first
    assert "Appendix" not in first and "Who was assessed" not in first


def test_pdf_has_the_detail_the_workshop_and_the_history(room_case, pdf_pages):
    _result, report = room_case
    text = " ".join(pdf_pages)
    for needle in ("Capability areas", "Why this design", "Pitfalls", "Roadmap", "How the room answered",
                   "Trend since the first assessment", "Appendix", "Who was assessed", "How the models compare",
                   "Every answer", "Method"):
        assert needle in text
    for item in report["roadmap"]["items"]:
        # A title that wraps in a phase's table has that row's dates read in between its lines.
        dates = r"\s+(?:\d+ [A-Z][a-z]{2}(?: \d{4})? – \d+ [A-Z][a-z]{2}(?: \d{4})?\s+)?"
        assert re.search(dates.join(re.escape(word) for word in item["title"].split()), text), item["title"]


def test_pdf_first_page_is_not_blank(pdf_file, tmp_path):
    from PIL import Image

    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "40", "-png", str(pdf_file), str(tmp_path / "p")],
                   check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    dark = sum(1 for value in image.tobytes() if value < 200)
    assert dark / (image.width * image.height) > 0.03


def test_pdf_charts_are_vector_not_pictures(pdf_file):
    listing = subprocess.run(["pdfimages", "-list", str(pdf_file)], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    assert len(listing) == 2, listing  # only the two heading lines: no raster image anywhere


def test_pdf_shows_typed_text_as_text(pdf_pages):
    text = " ".join(pdf_pages)
    assert "<script>alert('x')</script>" in text  # printed as text, never run or dropped
    assert 'HYPERLINK("http://evil.example","click")' in text


# --------------------------------------------------------------------------- HTML

def test_html_report_escapes_what_people_typed(self_case):
    html = render_html(self_case[1], charts={})
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_html_report_links_summary_to_the_detail_it_names(room_case):
    _result, report = room_case
    html = render_html(report, charts={})
    for pitfall in report["top_pitfalls"]:
        assert f'href="#pitfall-{pitfall["id"]}"' in html and f'id="pitfall-{pitfall["id"]}"' in html
    for item in report["first_days_shown"]:
        assert f'href="#item-{item["id"]}"' in html and f'id="item-{item["id"]}"' in html


# --------------------------------------------------------------------------- XLSX

@pytest.fixture(scope="session")
def room_book(room_case):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(render_file(room_case[1], "xlsx")))


@pytest.fixture(scope="session")
def self_book(self_case):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(render_file(self_case[1], "xlsx")))


def sheet_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_xlsx_has_the_sheets_for_each_kind_of_report(self_book, room_book):
    assert self_book.sheetnames == ["Summary", "Priority", "Answers", "Pitfalls", "Roadmap"]
    assert room_book.sheetnames == ["Summary", "Priority", "Answers", "Pitfalls", "Roadmap", "Workshop", "History"]


def test_xlsx_summary_has_a_native_radar_of_the_scores_and_target(self_case, self_book):
    from openpyxl.chart.radar_chart import RadarChart

    result, _report = self_case
    sheet = self_book["Summary"]
    charts = [c for c in sheet._charts if isinstance(c, RadarChart)]
    assert len(charts) == 1
    series = charts[0].series
    assert len(series) == 2

    def values(ref: str) -> list:
        cells = sheet[ref.split("!")[1].replace("$", "")]
        return [row[0].value for row in cells]

    labels = result["questionnaire"]["dimensions"]
    assert values(series[0].cat.strRef.f) == [labels[d] for d in result["scores"]]
    assert values(series[0].val.numRef.f) == [s["score"] for s in result["scores"].values()]
    assert values(series[1].val.numRef.f) == [result["roadmap"]["target"].get(d) for d in result["scores"]]


def test_xlsx_summary_rows_are_as_tall_as_their_wrapped_text(self_case, self_book):
    """A first-90-days change, a design's name or a profile question longer than its column wraps onto more
    lines and its row grows with it (a row one line high let the second line overlap the next row)."""
    sheet = self_book["Summary"]
    _result, report = self_case
    wanted = {item["title"] for item in report["first_days"]} | {q["label"] for q in report["profile"]} | {
        m["title"] + " — recommended" for m in report["recommendation"]["compare"] if m["chosen"]}
    checked = 0
    for row in sheet.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if cell.value in wanted and len(cell.value) > 34:
            height = sheet.row_dimensions[cell.row].height or 15
            assert height >= 15 * -(-len(cell.value) // 34), (cell.value, height)
            checked += 1
    assert checked >= 3


def test_xlsx_answers_equal_the_results(self_case, self_book):
    result, _report = self_case
    rows = sheet_rows(self_book["Answers"])
    shown = {r["Question id"]: r["Level"] for r in rows}
    assert shown == {qid: ("don't know" if level is None else level) for qid, level in result["answers"].items()}
    assert all(r["Level text"] for r in rows if r["Level"] != "don't know")


def test_xlsx_roadmap_has_dates_owners_and_prerequisites(self_case, self_book):
    result, _report = self_case
    rows = sheet_rows(self_book["Roadmap"])
    items = [i for p in result["roadmap"]["phases"] for i in p["items"]]
    assert [r["Id"] for r in rows] == [i["id"] for i in items]
    later = {i["id"] for p in result["roadmap"]["phases"] if p["id"] == "later" for i in p["items"]}
    for row, item in zip(rows, items):
        assert row["Owner"] == item["owner"]
        assert (row["After (prerequisites)"] or "") == " ".join(item["requires"])
        if item["id"] in later:  # not planned yet: no dates, no 'planned' status
            assert (row["Start"], row["End"], row["Phase months"]) == (None, None, None)
            assert row["Status"] == "not planned yet"
            continue
        begin = START + timedelta(weeks=item["start_week"])
        # Real dates, which a spreadsheet sorts and counts, shown the way the pages write them.
        assert row["Start"] == datetime.combine(begin, datetime.min.time())
        assert row["End"] == datetime.combine(begin + timedelta(weeks=item["duration_weeks"]), datetime.min.time())
        assert row["Status"] == "planned"
    header = [c.value for c in self_book["Roadmap"][1]]
    assert self_book["Roadmap"].cell(row=2, column=header.index("Start") + 1).number_format == "d mmm yyyy"


def test_xlsx_workshop_sheet_has_each_questions_distribution_and_agreed_level(room_case, room_book):
    result, report = room_case
    rows = {r["Question id"]: r for r in sheet_rows(room_book["Workshop"])}
    assert set(rows) == set(result["questionnaire"]["questions"])
    for q in report["workshop"]["questions"]:
        assert [rows[q["id"]][f"Level {k}"] for k in "12345"] == [q["counts"][k] for k in "12345"]
    for qid, agreed in result["workshop"]["consensus"].items():
        assert rows[qid]["Agreed level"] == agreed["level"]


def test_xlsx_history_has_one_row_per_assessment_per_area(room_case, room_book):
    _result, report = room_case
    rows = sheet_rows(room_book["History"])
    assert len(rows) == len(report["history"]["assessments"]) * len(report["areas"])
    last = report["history"]["assessments"][-1]
    first_area = report["areas"][0]
    row = next(r for r in rows if r["Period"] == last["period"] and r["Capability area"] == first_area["title"])
    assert row["Score"] == last["scores"][first_area["id"]]


def test_xlsx_cells_people_typed_cannot_become_formulas(self_book, room_book):
    for book in (self_book, room_book):
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                    if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                        assert not cell.value.startswith("="), f"{sheet.title}!{cell.coordinate}"
    notes = [r["Note"] for r in sheet_rows(room_book["Answers"]) if r["Note"]]
    assert notes == ["'" + FORMULA]


# --------------------------------------------------------------------------- CSV

@pytest.mark.parametrize("table", ["profile", "scores", "answers", "pitfalls", "roadmap", "workshop", "history"])
def test_csv_tables_open_in_excel_and_match_the_spreadsheet(room_case, room_book, table):
    _result, report = room_case
    text = render_csv(report, table)
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[len(BOM):])))
    assert len(rows) > 1
    sheet = {"answers": "Answers", "pitfalls": "Pitfalls", "roadmap": "Roadmap", "workshop": "Workshop",
             "history": "History"}.get(table)
    if sheet:
        assert len(rows) == room_book[sheet].max_row  # the same rows, one heading line each
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), (table, cell)


def test_csv_offers_workshop_and_history_only_where_they_apply(self_case, room_case):
    assert csv_tables(self_case[1]) == ["profile", "scores", "answers", "pitfalls", "roadmap"]
    assert csv_tables(room_case[1])[-2:] == ["workshop", "history"]


def test_csv_guards_a_typed_note(self_case):
    rows = list(csv.DictReader(io.StringIO(render_csv(self_case[1], "scores")[len(BOM):])))
    assert [r["note"] for r in rows if r["note"]] == ["'" + HOSTILE]


# --------------------------------------------------------------------------- PPTX

@pytest.fixture(scope="session")
def room_deck(room_case):
    from pptx import Presentation

    return Presentation(io.BytesIO(render_file(room_case[1], "pptx")))


@pytest.fixture(scope="session")
def self_deck(self_case):
    from pptx import Presentation

    return Presentation(io.BytesIO(render_file(self_case[1], "pptx")))


def charts_of(deck) -> list:
    return [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]


def slide_titles(deck) -> list[str]:
    return [slide.shapes.title.text for slide in deck.slides if slide.shapes.title is not None]


def test_deck_has_eight_to_twelve_slides_in_the_consultants_order(self_deck, room_deck):
    assert 8 <= len(self_deck.slides) <= 12 and 8 <= len(room_deck.slides) <= 12
    titles = slide_titles(self_deck)
    assert titles[1:3] == ["Summary", "Pitfalls that matter most, and the first 90 days"]
    for expected in ("Appendix: who was assessed", "Maturity overview", "Pitfalls to watch", "Roadmap timeline"):
        assert expected in titles
    assert any(t.startswith("Recommended design") for t in titles)
    assert len(room_deck.slides) == len(self_deck.slides) + 2


def test_deck_radar_is_a_native_chart_with_the_results_scores(self_case, self_deck):
    from pptx.enum.chart import XL_CHART_TYPE

    result, _report = self_case
    radar = next(c for c in charts_of(self_deck) if c.chart_type in (XL_CHART_TYPE.RADAR, XL_CHART_TYPE.RADAR_MARKERS))
    labels = result["questionnaire"]["dimensions"]
    assert list(radar.plots[0].categories) == [labels[d] for d in result["scores"]]
    score, target = radar.plots[0].series
    assert list(score.values) == [s["score"] for s in result["scores"].values()]
    assert list(target.values) == [result["roadmap"]["target"][d] for d in result["scores"]]


def test_deck_model_fit_chart_equals_the_ranking_and_names_the_design(self_case, self_deck):
    from pptx.enum.chart import XL_CHART_TYPE

    result, _report = self_case
    fits = next(c for c in charts_of(self_deck) if c.chart_type == XL_CHART_TYPE.BAR_CLUSTERED)
    rec = result["recommendation"]
    ranking = list(reversed(rec["ranking"]))
    # A model ruled out shows no fit, as on the web ('ruled out' in its place).
    assert list(fits.plots[0].series[0].values) == [m["fit"] if m.get("eligible", True) else None for m in ranking]
    # The recommended model's bar is named by the design, as the web's and the PDF's comparison name it.
    names = [" ".join(name.split()) for name in fits.plots[0].categories]  # long names come in lines
    chosen = next(i for i, m in enumerate(ranking) if m["model"] == rec["model"])
    assert names[chosen] == rec["design"]["label"] != rec["ranking"][0]["title"]


def test_deck_says_why_an_area_keeps_its_level(content):
    """An area a pitfall holds where it stands reads 'keep*' in the deck's scores, with the reason under the
    table, as the web and the PDF give it beside the area."""
    from pptx import Presentation

    from app.engine import run_assessment
    from app.reports.model import build_report
    from app.reports.questionnaire import questionnaire_as_dict
    from tests.test_rules import BASE, answers_at

    questionnaire = content.default_questionnaire
    answers = answers_at(questionnaire, 1, tools__tool_fit=4, tools__adoption=4, tools__dashboards=4,
                         tools__process_first=3, tools__automation=3, tools__integration=3, tools__data_quality=3,
                         tools__resource_planning=3)
    result = run_assessment(content, answers, {**BASE, "active_projects": 30, "primary_pain": "poor_forecasting"})
    why = result["roadmap"]["target_why"]["tools"]
    assert "held by a pitfall" in why
    report = build_report(result, questionnaire_as_dict(questionnaire), start=START, subject={"kind": "self"})
    deck = Presentation(io.BytesIO(render_file(report, "pptx")))
    slide = next(s for s in deck.slides if s.shapes.title is not None and s.shapes.title.text == "Maturity overview")
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    tools = result["questionnaire"]["dimensions"]["tools"]
    row = next([cell.text for cell in r.cells] for r in table.rows if r.cells[0].text == tools)
    assert row[3] == "keep*"
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert f"* {tools} keeps its level: {why}." in texts


def test_deck_timeline_is_an_editable_gantt_of_the_roadmap(self_case, self_deck):
    from pptx.enum.chart import XL_CHART_TYPE

    result, _report = self_case
    gantt = next(c for c in charts_of(self_deck) if c.chart_type == XL_CHART_TYPE.BAR_STACKED)
    items = [i for p in result["roadmap"]["phases"] if p["id"] != "later" for i in p["items"]][:16]
    offsets, durations = gantt.plots[0].series
    assert list(reversed(offsets.values)) == pytest.approx([i["start_week"] for i in items], abs=0.15)
    assert list(reversed(durations.values)) == pytest.approx([i["duration_weeks"] for i in items], abs=0.15)


def test_deck_workshop_and_trend_charts_hold_the_rooms_and_historys_numbers(room_case, room_deck):
    from pptx.enum.chart import XL_CHART_TYPE

    _result, report = room_case
    stacked = [c for c in charts_of(room_deck) if c.chart_type == XL_CHART_TYPE.BAR_STACKED]
    room = next(c for c in stacked if len(c.plots[0].series) == 5)
    disputed = list(reversed(report["workshop"]["disputed"][:8]))
    for key, series in zip("12345", room.plots[0].series):
        assert list(series.values) == [q["counts"][key] for q in disputed]
    trend = next(c for c in charts_of(room_deck) if c.chart_type == XL_CHART_TYPE.LINE_MARKERS)
    first_area = report["areas"][0]
    assert list(trend.plots[0].series[0].values) == [a["scores"][first_area["id"]]
                                                     for a in report["history"]["trend"]]


def test_deck_text_people_typed_is_guarded(room_deck):
    title = room_deck.slides[0].shapes.title.text
    assert SCRIPT in title and not title.startswith("=")
    cells = [cell.text for slide in room_deck.slides for shape in slide.shapes if shape.has_table
             for row in shape.table.rows for cell in row.cells]
    assert not any(text.startswith("=") for text in cells)


def test_deck_builds_on_a_consultancys_master(self_case, tmp_path):
    from pptx import Presentation
    from pptx.util import Inches

    master = Presentation()
    master.slide_width, master.slide_height = Inches(10), Inches(7.5)
    example = master.slides.add_slide(master.slide_layouts[1])
    example.shapes.title.text = "Example slide of the template"
    path = tmp_path / "master.pptx"
    master.save(path)
    deck = Presentation(io.BytesIO(render_file(self_case[1], "pptx", template=path)))
    assert deck.slide_width == Inches(10)
    assert "Example slide of the template" not in slide_titles(deck)
    assert len(deck.slides) >= 8


def test_hostile_text_is_not_lost_in_any_format(room_case, pdf_pages, room_book):
    """Neutralised is not dropped: the name still reads the same, only quoted or escaped."""
    _result, report = room_case
    assert report["subject"]["organisation"] == HOSTILE
    assert HOSTILE in pdf_pages[0]
    assert HOSTILE in room_book["Summary"]["A2"].value


def test_a_stored_result_keeps_the_questionnaires_order(content, self_case):
    """Snapshots are stored with sorted keys; the report still follows the questionnaire."""
    import json

    from app.reports.model import build_report
    from app.reports.questionnaire import questionnaire_as_dict

    result, _report = self_case
    stored = json.loads(json.dumps(result, sort_keys=True))
    questionnaire = content.default_questionnaire
    report = build_report(stored, questionnaire_as_dict(questionnaire))
    assert [a["id"] for a in report["areas"]] == [d.id for d in questionnaire.dimensions]
    assert [p["key"] for p in report["profile"]] == [f.key for f in questionnaire.context]


def test_directive_oversight_and_a_close_call_reach_every_format(content, self_case):
    """When the rules add directive control of critical programmes, or the models are close, each format says so."""
    import copy

    from app.reports.model import CLOSE_CALL, build_report
    from app.reports.questionnaire import questionnaire_as_dict

    result = copy.deepcopy(self_case[0])
    result["recommendation"]["oversight"] = {"title": "Directive oversight of critical programmes",
                                             "text": "Run the two regulated programmes under directive control."}
    result["recommendation"]["close_call"] = True
    # A runner-up the design does not already combine (hub and spoke is itself a close call, not said twice).
    result["recommendation"]["hybrid_with"] = next(
        m for m in ("supportive", "controlling", "federated", "directive") if m != result["recommendation"]["model"]
        and m not in {b["model"] for b in result["recommendation"]["design"]["borrows"]})
    del result["summary"]  # built again from the recommendation changed here
    report = build_report(result, questionnaire_as_dict(content.default_questionnaire))
    html = render_html(report, charts={})
    assert "Run the two regulated programmes under directive control." in html and CLOSE_CALL in html
    from openpyxl import load_workbook
    from pptx import Presentation

    book = load_workbook(io.BytesIO(render_file(report, "xlsx")))
    assert any("directive control" in str(c.value) for row in book["Summary"].iter_rows() for c in row)
    deck = Presentation(io.BytesIO(render_file(report, "pptx")))
    texts = " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    assert "directive control" in texts and CLOSE_CALL in texts
    plain = build_report(self_case[0], questionnaire_as_dict(content.default_questionnaire))
    assert CLOSE_CALL not in render_html(plain, charts={}) or self_case[0]["recommendation"].get("close_call")


def test_the_report_says_why_work_waits_for_a_small_pmo(content):
    """A PMO of one leads a handful of changes: the report says why the rest is not planned yet, without dates."""
    from app.engine import run_assessment
    from app.reports.model import build_report
    from app.reports.questionnaire import questionnaire_as_dict
    from tests.helpers import FULL_CONTEXT

    questionnaire = content.default_questionnaire
    answers = {q.id: 1 for q in questionnaire.questions()}
    result = run_assessment(content, answers, FULL_CONTEXT, None, questionnaire.id, plan={"pmo_people": 1})
    later = next(p for p in result["roadmap"]["phases"] if p["id"] == "later")
    assert later["items"] and later["note"]
    report = build_report(result, questionnaire_as_dict(questionnaire), start=START,
                          subject={"kind": "self", "organisation": "Small Co", "unit": None, "assessed_on": "2026-11-20"})
    html = render_html(report, charts={})
    # Why: what the PMO can lead, in the summary's plan line; when to re-plan them, beside them in the appendix.
    why = result["summary"]["plan"]["why"]
    assert "can lead about" in why and why.replace("'", "&#39;") in html.split("data-plan-line", 1)[1].split("</p>")[0]
    notes = re.findall(r"<p[^>]*data-phase-note[^>]*>(.*?)</p>", html, flags=re.S)
    assert notes[-1] == later["note"].split(". ", 1)[1].replace("'", "&#39;") and "re-plan" in notes[-1]
    heading = re.search(r'<h3 class="phase">Not planned yet(.*?)</h3>', html, flags=re.S).group(1)
    assert "months" not in heading  # no dates for work that has none
    waiting = html.split('<h3 class="phase">Not planned yet', 1)[1].split("<h3>Every answer", 1)[0]
    assert not re.search(r"20\d\d", waiting), "an item that is not planned has no dates"


@pytest.mark.parametrize(("score", "level", "shown"), [
    (2.4, 2, "Level 2 (Repeatable)</span>"),
    (2.8, 2, "Level 2 (Repeatable), nearly 3</span>"),
])
def test_the_overall_level_is_said_once(self_case, score, level, shown):
    from app.reports.model import overall_words

    _result, report = self_case
    overall = {**report["overall"], "score": score, "level": level, "label": "Repeatable",
               "level_text": describe_level(score)}
    html = render_html({**report, "overall": overall, "overall_words": overall_words(overall)}, charts={"radar": ""})
    said = html.split("data-overall-score", 1)[1].split("</p>", 1)[0]
    assert shown in said and "(level" not in said


def test_pdf_says_check_first_once_and_adds_only_what_to_ask(content, tmp_path):
    """Page 1's summary lists what to check; the later section adds the questions, not the list again."""
    from app.engine import run_assessment
    from app.reports.model import build_report
    from app.reports.questionnaire import questionnaire_as_dict
    from tests.test_pitfalls import NEUTRAL_CONTEXT, answers_with

    questionnaire = content.default_questionnaire
    result = run_assessment(content, answers_with(questionnaire, {"leadership.mandate": 1}),
                            {**NEUTRAL_CONTEXT, "existing_pmo": "established"})
    assert result["check_first"]
    path = tmp_path / "report.pdf"
    path.write_bytes(render_file(build_report(result, questionnaire_as_dict(questionnaire)), "pdf"))
    text = squash(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    # The heading prints in capitals; a pitfall may still say "see Check first" in its own sentence.
    assert text.count("CHECK FIRST") == 1
    for check in result["check_first"]:
        assert text.count(squash(check["text"])) == 1, check["text"]
        assert squash(check["ask"]) in text
