"""The spreadsheet formula guard: one function every CSV, XLSX and PPTX writer uses (issue 12).

Besides a cell that starts with = + - @ (or a tab or carriage return), spreadsheet programs
run a formula that follows leading spaces, tabs or line breaks, and some read the full-width
＝ ＋ － ＠ as formula characters: each of those is neutralised with a leading quote.
"""

from __future__ import annotations

import csv
import io

import pytest

from app.reports.csv_export import BOM, render_csv
from app.reports.guard import guard_formula
from app.reports.model import build_report
from app.reports.questionnaire import questionnaire_as_dict
from tests.reports_fixtures import START, self_result

GUARDED = [
    "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx",                     # the classic starts
    " =1+1", "   @SUM(A1)",                                           # leading spaces
    "\t=1+1", "\t+1",                                                 # a leading tab
    "\n=1+1", "\r\n-1", "\n\n@SUM(A1)",                               # leading line breaks
    "＝1+1", "＋1", "－1", "＠SUM(A1)",                               # full-width formula characters
    " ＝1+1", "\t＋1", "\n－1", " \r\n ＠SUM(A1)",                   # both at once
]
LEFT_ALONE = ["", " ", "Plain text", " plain", "\nplain", "a=b", "1 + 1", "x@example.org", "２＋２", "Ｏ＝Ｏ"]


@pytest.mark.parametrize("value", GUARDED, ids=repr)
def test_a_cell_that_could_start_a_formula_gets_a_leading_quote(value):
    assert guard_formula(value) == "'" + value


@pytest.mark.parametrize("value", LEFT_ALONE, ids=repr)
def test_other_text_is_left_alone(value):
    assert guard_formula(value) == value


@pytest.mark.parametrize("value", [3, 2.5, None, True])
def test_numbers_and_empty_cells_are_not_text_and_stay_as_they_are(value):
    assert guard_formula(value) is value


@pytest.mark.parametrize("note", [" =HYPERLINK(\"http://evil.example\")", "\t=cmd|' /C calc'!A0",
                                  "\n@SUM(1+1)*cmd", "＝HYPERLINK(\"http://evil.example\")", "＋1", "－1", "＠SUM(A1)"],
                         ids=repr)
def test_a_typed_note_in_the_csv_export_is_guarded(content, note):
    result = self_result(content)
    result["notes"] = {content.default_questionnaire.dimensions[0].id: note}
    report = build_report(result, questionnaire_as_dict(content.default_questionnaire), start=START,
                          subject={"kind": "self", "organisation": "Org", "unit": "", "assessed_on": "2026-11-20"})
    rows = list(csv.DictReader(io.StringIO(render_csv(report, "scores")[len(BOM):])))
    assert [r["note"] for r in rows if r["note"]] == ["'" + note]
