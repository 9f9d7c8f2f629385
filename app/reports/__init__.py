"""Reports: writers that turn a frozen result into something to hand over. Pure adapters over
the result dict (no Flask, no database): the CLI and the web call them alike.

- ``model.build_report``: the one plain dict every writer reads;
- ``html`` (with ``svg`` charts) and ``pdf``: the executive report;
- ``xlsx`` and ``csv_export``: the tables (``tables``), the workbook with a native radar;
- ``deck``: the PowerPoint deck with native charts;
- ``template``: the offline answers template and reading it back;
- ``markdown``: the result as Markdown; ``guard``: the formula guard for typed cells.

Heavy libraries (WeasyPrint, matplotlib, python-pptx) are imported only when a file is made,
so starting the app or the CLI stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
BINARY_FORMATS = ("pdf", "xlsx", "pptx")


def render_file(report: Mapping[str, Any], fmt: str, *, template: str | Path | None = None) -> bytes:
    """The report as a PDF, XLSX or PPTX file's bytes."""
    from ..engine.names import clean_text

    # Names stored before the app refused non-characters (U+FFFE) would break the XML writers for good.
    report = clean_text(report)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(report)
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(report)
    if fmt == "pptx":
        from .deck import render_pptx

        return render_pptx(report, template)
    raise ValueError(f"not a file format: {fmt}")
