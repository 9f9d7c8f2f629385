"""The guard against spreadsheet formulas, for every cell a person could have typed.

CSV, XLSX and PPTX writers all pass text through ``guard_formula``: a cell that starts
with a formula character would otherwise run as a formula when the file is opened in a
spreadsheet program (CSV injection).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(value: Any) -> Any:
    """Stop spreadsheet programs from reading a cell as a formula: prefix it with a quote."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
