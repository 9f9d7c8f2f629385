"""The roadmap progress sheet: exported as CSV or XLSX with the report's writers, and read back
after a spreadsheet meeting. Which rows it holds and what an import may change is the engine's
(app/engine/progress.py); this module only turns files into rows and back."""

from __future__ import annotations

import csv
import io
from typing import Any, Mapping

from ..engine.names import clean_text
from ..engine.progress import SHEET_COLUMNS, SheetError, sheet_rows
from .csv_export import table_csv
from .tables import Table
from .workbook import MAX_BYTES, TemplateProblem, UploadedWorkbook, looks_like_xlsx
from .xlsx import table_xlsx

SHEET_TITLE = "Progress"


def progress_table(view: Mapping[str, Any]) -> Table:
    return Table("progress", SHEET_TITLE, list(SHEET_COLUMNS), clean_text(sheet_rows(view)))


def render_progress(view: Mapping[str, Any], fmt: str) -> bytes | str:
    """The progress sheet as CSV text or XLSX bytes."""
    table = progress_table(view)
    return table_csv(table) if fmt == "csv" else table_xlsx(table, "Roadmap progress")


# A CSV field may be this long (Python's csv default, 128 KB); a note is far shorter.
MAX_CSV_FIELD = 128 * 1024


def read_progress_file(data: bytes, name: str, items: int) -> tuple[list[Any], list[list[Any]]]:
    """The header and rows of an uploaded progress sheet (XLSX or CSV) of a roadmap with ``items``
    improvements; SheetError when unreadable or larger than the sheet exported for it."""
    if len(data) > MAX_BYTES:
        raise SheetError(f"{name} is {len(data) / 1024:.0f} KB; a progress sheet may be at most "
                         f"{MAX_BYTES // 1024} KB")
    last_row, last_column = 1 + items, len(SHEET_COLUMNS)
    if looks_like_xlsx(data):
        try:
            book = UploadedWorkbook(data, name, {SHEET_TITLE: (last_row, last_column)}, kind="a progress sheet",
                                    source="the progress sheet")
            try:
                rows = [list(r) for r in book.rows(SHEET_TITLE if SHEET_TITLE in book.sheetnames
                                                   else book.sheetnames[0], last_row, last_column)]
            finally:
                book.close()
        except TemplateProblem as err:
            raise SheetError(str(err)) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SheetError(f"{name} is neither an XLSX workbook nor a UTF-8 CSV file; export the progress "
                             "sheet and fill that in") from None
        rows = _csv_rows(text, name, last_row, last_column)
    if not rows:
        raise SheetError(f"{name} is empty")
    return rows[0], rows[1:]


def _csv_rows(text: str, name: str, last_row: int, last_column: int) -> list[list[str]]:
    """At most ``last_row`` rows of ``last_column`` fields (blank lines after them are let go); SheetError
    for more, or for a field over MAX_CSV_FIELD or a quote left open."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            blank = not any(field.strip() for field in row)
            if len(rows) == last_row:
                if blank:
                    continue
                raise SheetError(f"{name}, line {reader.line_num}: the progress sheet of this roadmap has "
                                 f"{last_row} rows (a heading and {last_row - 1} improvements); delete the rows "
                                 "after it")
            if any(field.strip() for field in row[last_column:]):
                raise SheetError(f"{name}, line {reader.line_num}: {len(row)} columns, but the progress sheet has "
                                 f"{last_column}; delete the columns after it")
            rows.append(row[:last_column])
    except csv.Error as err:
        if "field larger than field limit" in str(err):
            raise SheetError(f"{name}, line {reader.line_num}: a field is longer than {MAX_CSV_FIELD // 1024} KB; "
                             "no cell of the progress sheet needs that much") from None
        raise SheetError(f"{name}, line {reader.line_num}: not a CSV file that can be read ({err})") from None
    return rows
