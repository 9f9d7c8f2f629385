"""The guard against spreadsheet formulas, for every cell a person could have typed.

CSV, XLSX and PPTX writers all pass text through ``guard_formula``: a cell that starts
with a formula character would otherwise run as a formula when the file is opened in a
spreadsheet program (CSV injection).
"""

from __future__ import annotations

from typing import Any

# What a spreadsheet may read as the start of a formula: = + - @ and their full-width forms
# (some spreadsheet programs in East Asian locales accept those too).
FORMULA_CHARACTERS = frozenset("=+-@＝＋－＠")
# Tab and carriage return start a formula in some programs on their own (OWASP's list).
FORMULA_STARTS = ("\t", "\r")
# Space, tab and line breaks that programs skip before looking for a formula character.
SKIPPED_BEFORE_FORMULA = " \t\r\n"


def guard_formula(value: Any) -> Any:
    """Stop spreadsheet programs from reading a cell as a formula: prefix it with a quote.

    A cell is guarded when it starts with a formula character, with a tab or carriage
    return, or with spaces, tabs or line breaks followed by a formula character.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip(SKIPPED_BEFORE_FORMULA)[:1] in FORMULA_CHARACTERS:
        return "'" + value
    return value
