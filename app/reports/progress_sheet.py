"""The roadmap progress sheet: exported as CSV or XLSX with the report's writers, and read back
after a spreadsheet meeting. Which rows it holds and what an import may change is the engine's
(app/engine/progress.py); this module only turns files into rows and back."""

from __future__ import annotations

import csv
import io
from typing import Any, Mapping

from ..engine.progress import SHEET_COLUMNS, SheetError, sheet_rows
from .csv_export import table_csv
from .tables import Table
from .template import MAX_BYTES, TemplateProblem, looks_like_xlsx, open_workbook
from .xlsx import table_xlsx

SHEET_TITLE = "Progress"


def progress_table(view: Mapping[str, Any]) -> Table:
    return Table("progress", SHEET_TITLE, list(SHEET_COLUMNS), sheet_rows(view))


def render_progress(view: Mapping[str, Any], fmt: str) -> bytes | str:
    """The progress sheet as CSV text or XLSX bytes."""
    table = progress_table(view)
    return table_csv(table) if fmt == "csv" else table_xlsx(table, "Roadmap progress")


def read_progress_file(data: bytes, name: str) -> tuple[list[Any], list[list[Any]]]:
    """The header and rows of an uploaded progress sheet (XLSX or CSV); SheetError when unreadable."""
    if len(data) > MAX_BYTES:
        raise SheetError(f"{name} is {len(data) / 1024:.0f} KB; a progress sheet may be at most "
                         f"{MAX_BYTES // 1024} KB")
    if looks_like_xlsx(data):
        try:
            book = open_workbook(data, name, kind="a progress sheet", source="the progress sheet")
        except TemplateProblem as err:
            raise SheetError(str(err)) from None
        sheet = book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SheetError(f"{name} is neither an XLSX workbook nor a UTF-8 CSV file; export the progress "
                             "sheet and fill that in") from None
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise SheetError(f"{name} is empty")
    return rows[0], rows[1:]
