"""CSV exports of the report's tables: UTF-8 with a BOM (so Excel reads the accents), every
text cell through the formula guard."""

from __future__ import annotations

import csv
import io
from typing import Any, Mapping

from .guard import guard_formula
from .tables import Table, report_tables

BOM = "\ufeff"


def render_csv(report: Mapping[str, Any], table: str) -> str:
    """One table of the report as CSV text, BOM first; KeyError for a table it does not have."""
    return table_csv(report_tables(report)[table])


def table_csv(chosen: Table) -> str:
    """A table as CSV text, BOM first, every text cell through the formula guard."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(chosen.keys)
    for row in chosen.values():
        writer.writerow(["" if v is None else guard_formula(v) for v in row])
    return out.getvalue()


def csv_tables(report: Mapping[str, Any]) -> list[str]:
    """The names of the tables this report has (workshop, history and benchmark only where they apply)."""
    return list(report_tables(report))
