"""The report as an Excel workbook (XlsxWriter): a summary with a native radar chart, then one
sheet per table (answers, pitfalls, roadmap, and for workshops and organisations their own).

Every text cell goes through the formula guard and is written as a string, never a formula.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Mapping

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from ..engine.summary import day, summary_sections
from .guard import guard_formula
from .model import CLOSE_CALL
from .matrix import matrix_label
from .tables import Table, report_tables

SHEET_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                 "strings_to_numbers": False}
NAVY = "#15325C"


def _formats(book) -> dict[str, Any]:
    return {
        "title": book.add_format({"bold": True, "font_size": 16, "font_color": NAVY}),
        "subtitle": book.add_format({"font_color": "#6C757D", "italic": True}),
        "label": book.add_format({"bold": True, "font_color": "#495057", "valign": "top", "text_wrap": True}),
        "section": book.add_format({"bold": True, "font_size": 12, "font_color": NAVY}),
        "header": book.add_format({"bold": True, "bg_color": "#E9EEF5", "bottom": 1, "text_wrap": True,
                                   "valign": "top"}),
        "text": book.add_format({"text_wrap": True, "valign": "top"}),
        "number": book.add_format({"num_format": "0.00", "valign": "top"}),
        "integer": book.add_format({"num_format": "0", "valign": "top"}),
        "date": book.add_format({"num_format": "d mmm yyyy", "valign": "top"}),
        "big": book.add_format({"bold": True, "font_size": 20, "font_color": NAVY, "num_format": "0.00",
                                "align": "left"}),
    }


def write_cell(sheet, row: int, col: int, value: Any, fmt: Mapping[str, Any]) -> None:
    """One cell: numbers as numbers, everything else as guarded text."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt["text"])
    elif isinstance(value, bool):
        sheet.write_string(row, col, "yes" if value else "no", fmt["text"])
    elif isinstance(value, int):
        sheet.write_number(row, col, value, fmt["integer"])
    elif isinstance(value, float):
        sheet.write_number(row, col, value, fmt["number"])
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, fmt["date"])
    else:
        sheet.write_string(row, col, guard_formula(str(value)), fmt["text"])


# Row height of one line of the default 11-point font, in points; a column's width is about that many characters.
LINE = 15


def fit_row(sheet, row: int, *cells: tuple[str, float]) -> None:
    """Make a row tall enough for its wrapped text, given (text, column width in characters) per cell: a
    viewer keeps a row written by the workbook one line high, so two lines overlapped the next row."""
    lines = max((sum(max(1, -(-len(part) // max(1, int(width * 0.95)))) for part in str(text).split("\n"))
                 for text, width in cells if text), default=1)
    sheet.set_row(row, LINE * min(lines, 12))


def _as_date(value: Any) -> Any:
    """An ISO date string as a date; anything else as it is."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _table_sheet(book, table: Table, fmt: Mapping[str, Any]) -> None:
    sheet = book.add_worksheet(table.title)
    for col, (_key, header, width) in enumerate(table.columns):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, fmt["header"])
    dated = {col for col, (key, _header, _width) in enumerate(table.columns) if key.endswith(("_date", "_on"))}
    for row, values in enumerate(table.values(), start=1):
        for col, value in enumerate(values):
            # A date column holds real dates (a spreadsheet sorts and counts them), shown as 7 Dec 2026.
            write_cell(sheet, row, col, _as_date(value) if col in dated else value, fmt)
    sheet.freeze_panes(1, 0)
    if table.rows:
        sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)


def _summary_sheet(book, report: Mapping[str, Any], fmt: Mapping[str, Any]) -> None:
    sheet = book.add_worksheet("Summary")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 22)
    sheet.set_column(3, 4, 12)
    sheet.set_column(5, 5, 60)
    subject = report["subject"]
    sheet.write_string(0, 0, guard_formula(report["title"]), fmt["title"])
    facts = [part for part in (report["kind"] == "workshop" and subject.get("organisation"),
                               subject.get("period") and f"period {subject['period']}",
                               subject.get("assessed_on") and f"assessed {day(subject['assessed_on'])}",
                               f"prepared {day(subject['prepared_on'])}",
                               f"{report['questionnaire']['title']} v{report['questionnaire']['version']}") if part]
    sheet.write_string(1, 0, guard_formula(" · ".join(facts)), fmt["subtitle"])

    # The summary first, in the words and numbers every format prints.
    row = 3
    overall = report["overall"]
    sheet.write_string(row, 0, "Overall maturity", fmt["label"])
    write_cell(sheet, row, 1, overall.get("score"), {**fmt, "number": fmt["big"]})
    sheet.write_string(row, 2, report["overall_words"], fmt["text"])
    for _key, heading, lines in summary_sections(report["summary"]):
        row += 1
        sheet.write_string(row, 0, heading, fmt["label"])
        for line in lines:
            sheet.merge_range(row, 1, row, 5, guard_formula(line), fmt["text"])
            sheet.set_row(row, 15 * max(1, min(8, len(line) // 95 + 1)))
            row += 1
    rec = report["recommendation"]
    if rec.get("close_call"):
        sheet.merge_range(row, 1, row, 5, CLOSE_CALL, fmt["text"])
        row += 1
    sheet.write_string(row, 0, "What would change it", fmt["label"])
    sheet.merge_range(row, 1, row, 5, " ".join(rec.get("what_would_change") or []) or "–", fmt["text"])
    sheet.set_row(row, 48)

    row += 2
    chart_row = row
    sheet.write_string(row, 0, "Scores", fmt["section"])
    row += 1
    headers = ["Capability area", "Score", "Level", "Target", "Answered"]
    for col, header in enumerate(headers):
        sheet.write_string(row, col, header, fmt["header"])
    first = row + 1
    for area in report["areas"]:
        row += 1
        write_cell(sheet, row, 0, area["title"], fmt)
        write_cell(sheet, row, 1, area["score"], fmt)
        write_cell(sheet, row, 2, area["level_text"], fmt)
        write_cell(sheet, row, 3, area["target"], fmt)
        shown = (area.get("evidence") or {}).get("shown")
        write_cell(sheet, row, 4, f"{area['answered']} of {area['total']}"
                   + (f"; {shown} shown by evidence" if shown else ""), fmt)
    last = row

    chart = book.add_chart({"type": "radar", "subtype": "with_markers"})
    categories = ["Summary", first, 0, last, 0]
    chart.add_series({"name": "Score", "categories": categories, "values": ["Summary", first, 1, last, 1],
                      "line": {"color": "#1F4E8C", "width": 2.25}, "marker": {"type": "circle"}})
    chart.add_series({"name": "Target", "categories": categories, "values": ["Summary", first, 3, last, 3],
                      "line": {"color": "#D97706", "width": 1.5, "dash_type": "dash"}, "marker": {"type": "none"}})
    chart.set_title({"name": "Maturity against the target"})
    chart.set_y_axis({"min": 0, "max": 5, "major_unit": 1})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 460, "height": 340})
    sheet.insert_chart(xl_rowcol_to_cell(chart_row, 5), chart)

    row += 2
    sheet.write_string(row, 0, "Profile", fmt["section"])
    for entry in report["profile"]:
        row += 1
        write_cell(sheet, row, 0, entry["label"], {**fmt, "text": fmt["label"]})
        sheet.merge_range(row, 1, row, 4, guard_formula(entry["value"]), fmt["text"])
        fit_row(sheet, row, (entry["label"], 34 * 0.9), (entry["value"], 58))  # the label is bold

    notes = [a for a in report["areas"] if a["note"]]
    if notes:
        row += 2
        sheet.write_string(row, 0, "Notes", fmt["section"])
        for area in notes:
            row += 1
            write_cell(sheet, row, 0, area["title"], {**fmt, "text": fmt["label"]})
            sheet.merge_range(row, 1, row, 4, guard_formula(area["note"]), fmt["text"])
            fit_row(sheet, row, (area["note"], 58))

    row += 2
    sheet.write_string(row, 0, "Model fit", fmt["section"])
    # The recommended model's row names the design; a model the design borrows from says what it takes.
    for entry in rec.get("compare") or []:
        row += 1
        name = entry["title"] + (" — recommended" if entry["chosen"] else "")
        write_cell(sheet, row, 0, name, fmt)
        write_cell(sheet, row, 1, entry["fit"] if entry["eligible"] else entry["fit_text"], fmt)
        how = f"In the design: {entry['in_design']}" if entry.get("in_design") else ""
        if how:
            sheet.merge_range(row, 2, row, 5, guard_formula(how), fmt["text"])
        fit_row(sheet, row, (name, 34), (how, 106))
    row += 2
    sheet.write_string(row, 0, "First 90 days", fmt["section"])
    row += 1
    for col, header in enumerate(["Improvement", "Start", "End", "Owner"]):
        sheet.write_string(row, col, header, fmt["header"])
    for item in report["first_days"]:  # the summary's, with their dates
        row += 1
        write_cell(sheet, row, 0, item["title"], fmt)
        write_cell(sheet, row, 1, item["start"], fmt)  # real dates, as on the Roadmap sheet
        write_cell(sheet, row, 2, item["end"], fmt)
        write_cell(sheet, row, 3, item["owner"], fmt)
        fit_row(sheet, row, (item["title"], 34), (item["owner"], 12))
    if report.get("benchmark"):  # the quarters are on their own sheet
        row += 2
        sheet.write_string(row, 0, "Pooled benchmark", fmt["section"])
        write_cell(sheet, row + 1, 0, report["benchmark"]["text"], fmt)


def _matrix_sheet(book, report: Mapping[str, Any], fmt: Mapping[str, Any]) -> None:
    """Importance against maturity: the points as a table and a native scatter chart with one series per
    area, named by its label and placed in its own lane of its importance band (report["matrix"])."""
    sheet = book.add_worksheet("Priority")
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 3, 11)
    sheet.set_column(4, 4, 17)
    sheet.write_string(0, 0, "Where to improve first", fmt["section"])
    sheet.merge_range(1, 0, 1, 4, report.get("matrix_caption", ""), fmt["text"])
    sheet.set_row(1, 45)
    headers = ["Capability area", "Importance", "Score", "Priority", "Importance (chart)"]
    for col, header in enumerate(headers):
        sheet.write_string(3, col, header, fmt["header"])
    chart = book.add_chart({"type": "scatter"})
    for index, point in enumerate(report["matrix"]):
        row = 4 + index
        write_cell(sheet, row, 0, matrix_label(point), fmt)
        write_cell(sheet, row, 1, point["importance"], fmt)
        write_cell(sheet, row, 2, point["score"], fmt)
        write_cell(sheet, row, 3, point["priority"], fmt)
        write_cell(sheet, row, 4, point["y"], fmt)
        chart.add_series({"name": ["Priority", row, 0], "categories": ["Priority", row, 2, row, 2],
                          "values": ["Priority", row, 4, row, 4],
                          "marker": {"type": "circle", "size": 8, "fill": {"color": "#1F4E8C"},
                                     "border": {"color": "#1F4E8C"}},
                          "data_labels": {"series_name": True, "position": "right" if point["score"] < 4 else "left"}})
    chart.set_title({"name": "Importance against maturity"})
    chart.set_x_axis({"name": "Maturity score (1–5)", "min": 1, "max": 5, "major_unit": 1,
                      "major_gridlines": {"visible": True, "line": {"color": "#D0D7DE"}}})
    # Importance: low 1, normal 2, high 3; the gridlines at the half steps divide the bands.
    chart.set_y_axis({"name": "Importance (low → high)", "min": 0.5, "max": 3.5, "major_unit": 1,
                      "num_font": {"color": "#FFFFFF"}, "major_gridlines": {"visible": True,
                                                                            "line": {"color": "#D0D7DE"}}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 560, "height": 400})
    sheet.fit_to_pages(1, 0)
    sheet.insert_chart(xl_rowcol_to_cell(4 + len(report["matrix"]) + 1, 0), chart)


def _rollup_summary_sheet(book, report: Mapping[str, Any], fmt: Mapping[str, Any]) -> None:
    """The first sheet of an organisation assessed unit by unit: its mean and minimum, then the
    federated advice; the units side by side are on the next sheet."""
    sheet = book.add_worksheet("Summary")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 2, 14)
    subject, rollup = report["subject"], report["rollup"]
    sheet.write_string(0, 0, guard_formula(report["title"]), fmt["title"])
    sheet.write_string(1, 0, guard_formula(
        f"The whole organisation, from the latest results of its {subject['units']} units · period "
        f"{subject['period']} · prepared {day(subject['prepared_on'])}"), fmt["subtitle"])
    row = 3
    for col, header in enumerate(["Capability area", "Organisation mean", "Minimum"]):
        sheet.write_string(row, col, header, fmt["header"])
    for dim, title in [*rollup["areas"].items(), ("overall", "Overall")]:
        row += 1
        write_cell(sheet, row, 0, title, fmt)
        write_cell(sheet, row, 1, rollup["mean"][dim], fmt)
        write_cell(sheet, row, 2, rollup["minimum"][dim], fmt)
    if rollup["federated"]["text"]:
        row += 2
        sheet.merge_range(row, 0, row, 5, guard_formula(rollup["federated"]["text"]), fmt["text"])
        sheet.set_row(row, 48)
    if report.get("benchmark"):
        row += 2
        sheet.write_string(row, 0, "Pooled benchmark", fmt["section"])
        write_cell(sheet, row + 1, 0, report["benchmark"]["text"], fmt)


def table_xlsx(table: Table, title: str) -> bytes:
    """A workbook of one table (a sheet to fill in and import back), with the report's formats."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, SHEET_OPTIONS)
    book.set_properties({"title": title, "author": "PMO Advisor"})
    _table_sheet(book, table, _formats(book))
    book.close()
    return out.getvalue()


def render_xlsx(report: Mapping[str, Any]) -> bytes:
    """The report as XLSX bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, SHEET_OPTIONS)
    book.set_properties({"title": report["title"], "author": "PMO Advisor", "comments": "PMO maturity report"})
    fmt = _formats(book)
    if report["kind"] == "rollup":
        _rollup_summary_sheet(book, report, fmt)
    else:
        _summary_sheet(book, report, fmt)
        if report.get("matrix"):
            _matrix_sheet(book, report, fmt)
    tables = report_tables(report)
    for name in ("units", "unit_pitfalls", "unit_progress", "answers", "pitfalls", "roadmap", "workshop", "rounds",
                 "history", "benchmark"):
        if name in tables:
            _table_sheet(book, tables[name], fmt)
    book.close()
    return out.getvalue()
