"""An area left out for too few answers has no score anywhere a person reads one (issue 24, E: a workshop's
facilitation read "1.75 · insufficient answers" in its table), and each place says how many of its
questions were answered; every area scores table says how an area's score is made (a weighted mean)."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from app.reports.markdown import render_markdown
from tests.helpers import Respondent, visible_text

NOT_SCORED = "not scored: 3 of 10 answered, fewer than half"


@pytest.fixture
def thin(app, questionnaire):
    """A self-assessment whose facilitation has 3 of its 10 questions answered (levels 1, 2 and 2: a partial
    score no other area has); every other answer is at level 3."""
    respondent = Respondent(app.test_client(), questionnaire)
    respondent.fill_context()
    kept = {q.id: level for q, level in zip(questionnaire.dimension("facilitation").questions, (1, 2, 2))}
    respondent.answer_all(lambda q: kept.get(q.id, "skip") if q.id.startswith("facilitation.") else 3)
    assert respondent.submit().status_code == 302
    result = respondent.result()
    assert result["scores"]["facilitation"]["insufficient"] and result["scores"]["facilitation"]["total"] == 10
    return respondent, result


def partial(result) -> str:
    return f"{result['scores']['facilitation']['score']:.2f}"


def test_the_result_pages_table_and_radar_give_no_score_to_an_area_left_out(thin):
    respondent, result = thin
    html = respondent.client.get(respondent.base + "/result").text
    row = re.search(r'<th scope="row" class="fw-normal">Facilitation</th>(.*?)</tr>', html, re.S).group(1)
    text = visible_text(row)
    assert text.startswith("–") and NOT_SCORED in text and partial(result) not in text
    radar = re.search(r'data-area="facilitation">(.*?)</text>', html, re.S).group(1)
    assert "not scored" in radar and partial(result) not in radar


def test_the_report_files_give_no_score_to_an_area_left_out(thin, tmp_path):
    respondent, result = thin
    book = load_workbook(io.BytesIO(respondent.client.get(respondent.base + "/report.xlsx").data))
    rows = [[c.value for c in row] for row in book["Summary"].iter_rows()]
    header = next(r for r in rows if r[0] == "Capability area")
    cells = dict(zip(header, next(r for r in rows if r[0] == "Facilitation")))
    assert cells["Score"] in (None, "") and cells["Level"] == NOT_SCORED and cells["Answered"] == "3 of 10"
    deck = Presentation(io.BytesIO(respondent.client.get(respondent.base + "/report.pptx").data))
    said = [[cell.text for cell in row.cells] for slide in deck.slides for shape in slide.shapes
            if shape.has_table for row in shape.table.rows]
    rows = [r for r in said if r and r[0] == "Facilitation"]
    assert rows and all(r[1] == "–" for r in rows) and any(NOT_SCORED in r for r in rows)
    path = tmp_path / "report.pdf"
    path.write_bytes(respondent.client.get(respondent.base + "/report.pdf").data)
    first = " ".join(subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                                    text=True, check=True).stdout.split())
    assert NOT_SCORED in first and "Facilitation (not scored)" in first and partial(result) not in first
    markdown = render_markdown(result)
    assert f"| Facilitation | – | {NOT_SCORED} |" in markdown


def test_every_area_scores_table_says_how_an_area_score_is_made(thin, tmp_path):
    respondent, result = thin
    page = visible_text(respondent.client.get(respondent.base + "/result").text)
    assert "How an area's score is made" in page
    assert "(Intake criteria, Decision rights, Portfolio view, Executive sponsor and Mandate count 1.5 times)" in page
    path = tmp_path / "report.pdf"
    path.write_bytes(respondent.client.get(respondent.base + "/report.pdf").data)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    # In the appendix, under the table of capability areas (page one is the summary).
    assert "Area score: the weighted mean of the levels answered (Intake criteria, Decision rights, Portfolio " \
           "view, Executive sponsor and Mandate count 1.5 times), without “don't know”; under half answered, not " \
           "scored." in text
    assert "Area score: the weighted mean of the levels answered (a few foundational practices count more)" \
           in render_markdown(result)
