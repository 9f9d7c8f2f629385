"""The offline answers template (XLSX with drop-downs) and reading a filled one back.

``write_template`` lays out every question with a level drop-down, the level texts, a
"don't know" choice, the organisation profile and an optional target and note per area.
``read_template`` turns a filled template into the answers-file shape the CLI reads
(questionnaire, answers, context, target, notes), or raises ``TemplateProblem`` naming
the cell: ``Answers!C14: level must be 1–5 or "don't know", not 7``. It stores nothing, and
reads only the blocks ``write_template`` fills (``sheet_blocks``), within app/reports/workbook.py's bounds.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from ..engine.errors import InvalidContext
from ..engine.evidence import CONFIDENCE_LABELS, CONFIDENCES, MAX_EVIDENCE, MAX_REFERENCE, clean_detail
from ..engine.profile import validate_context_value
from ..engine.vocabulary import IMPORTANCE_LEVELS
from .workbook import MAX_BYTES, TemplateProblem, UploadedWorkbook, looks_like_xlsx  # noqa: F401 (re-exported)

DONT_KNOW = "don't know"
ANSWER_HEADINGS = ("Question id", "Question", "Level", "Confidence", "Evidence", "Reference", "Capability area")
# Templates made before answers carried evidence: read as before.
EARLIER_ANSWER_HEADINGS = ("Question id", "Question", "Level", "Capability area")
PROFILE_HEADINGS = ("Profile field", "Question", "Answer", "Allowed answers")
AREA_HEADINGS = ("Capability area id", "Capability area", "Target level", "Note")
# Added later, so a template filled before it reads as before.
IMPORTANCE_HEADING = "Importance"
IMPORTANCE_COL = len(AREA_HEADINGS)
SHEETS = ("Answers", "Profile", "Areas")
ABOUT_FIRST_LEVEL_ROW = 10  # the About sheet's level texts start on this row (from 0)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def write_template(questionnaire) -> bytes:
    """An answers template for ``questionnaire`` (a content model), as XLSX bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"{questionnaire.title}: answers template", "author": "PMO Advisor"})
    header = book.add_format({"bold": True, "bg_color": "#E9EEF5", "bottom": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    muted = book.add_format({"text_wrap": True, "valign": "top", "font_color": "#6C757D"})
    entry = book.add_format({"bg_color": "#FFF8E1", "border": 1, "border_color": "#D9C27A", "valign": "top",
                             "align": "center"})
    title = book.add_format({"bold": True, "font_size": 14, "font_color": "#15325C"})

    about = book.add_worksheet("About")
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 90)
    about.write_string(0, 0, f"{questionnaire.title}: answers template", title)
    about.write_string(1, 0, "Questionnaire id", header)
    about.write_string(1, 1, questionnaire.id)
    about.write_string(2, 0, "Version", header)
    about.write_string(2, 1, questionnaire.version)
    steps = [
        "1. On the Answers sheet, choose a level from 1 to 5 for each question in column C, or \"don't know\". "
        "The level texts are in the columns to the right; pick the one that describes what actually happens today.",
        "   Optionally say how sure you are in column D (shown by evidence, our judgement, a guess; empty is our "
        "judgement), what shows it in column E and where to find it (a document name or a link) in column F.",
        "2. On the Profile sheet, answer every profile question in column C (the drop-down lists the answers).",
        "3. On the Areas sheet you may set a target level per capability area, write a note and say how much "
        "the area matters (low, normal or high; left empty, the areas where your main pain shows are high).",
        "4. Leave the ids in column A and the sheet names as they are. Import the file in PMO Advisor "
        "(Import answers) or run: flask --app app assess --answers this-file.xlsx",
    ]
    for index, step in enumerate(steps):
        about.write_string(4 + index, 1, step, wrap)
        about.set_row(4 + index, 32)
    for index, level in enumerate(questionnaire.levels):
        about.write_string(ABOUT_FIRST_LEVEL_ROW + index, 0, f"Level {level.level}: {level.name}", header)
        about.write_string(ABOUT_FIRST_LEVEL_ROW + index, 1, level.description, wrap)
        about.set_row(ABOUT_FIRST_LEVEL_ROW + index, 30)

    lists = book.add_worksheet("Lists")
    lists.hide()

    answers = book.add_worksheet("Answers")
    widths = (30, 60, 11, 18, 30, 24, 16) + (42,) * 5
    for col, width in enumerate(widths):
        answers.set_column(col, col, width)
    for col, heading in enumerate(ANSWER_HEADINGS):
        answers.write_string(0, col, heading, header)
    for offset, level in enumerate(questionnaire.levels):
        answers.write_string(0, len(ANSWER_HEADINGS) + offset, f"Level {level.level}: {level.name}", header)
    row = 0
    for dim in questionnaire.dimensions:
        for question in dim.questions:
            row += 1
            answers.write_string(row, 0, question.id, muted)
            answers.write_string(row, 1, question.text, wrap)
            answers.write_blank(row, 2, None, entry)
            answers.write_blank(row, 3, None, entry)
            answers.write_blank(row, 4, None, wrap)
            answers.write_blank(row, 5, None, wrap)
            answers.write_string(row, 6, dim.title, muted)
            for offset, level in enumerate(sorted(question.options)):
                answers.write_string(row, len(ANSWER_HEADINGS) + offset, question.options[level], muted)
            answers.set_row(row, 75)
    answers.data_validation(1, 2, row, 2, {
        "validate": "list", "source": ["1", "2", "3", "4", "5", DONT_KNOW],
        "input_title": "Level", "input_message": "1 (ad hoc) to 5 (optimising), or don't know",
        "error_title": "Not a level", "error_message": "Choose a level from 1 to 5, or don't know.",
    })
    answers.data_validation(1, 3, row, 3, {
        "validate": "list", "source": list(CONFIDENCE_LABELS.values()),
        "input_title": "Confidence", "input_message": "Empty means our judgement.",
        "error_title": "Not a confidence", "error_message": "Choose shown by evidence, our judgement or a guess.",
    })
    answers.data_validation(1, 4, row, 4, {"validate": "length", "criteria": "<=", "value": MAX_EVIDENCE,
                                           "error_message": f"At most {MAX_EVIDENCE} characters."})
    answers.freeze_panes(1, 3)

    profile = book.add_worksheet("Profile")
    for col, width in enumerate((18, 58, 40, 60)):
        profile.set_column(col, col, width)
    for col, heading in enumerate(PROFILE_HEADINGS):
        profile.write_string(0, col, heading, header)
    list_col = 0
    for row, field in enumerate(questionnaire.context, start=1):
        profile.write_string(row, 0, field.key, muted)
        profile.write_string(row, 1, field.label, wrap)
        profile.write_blank(row, 2, None, entry)
        profile.set_row(row, 30)
        if field.type == "choice":
            labels = [c.label for c in field.choices or ()]
            for index, label in enumerate(labels):
                lists.write_string(index, list_col, label)
            source = f"=Lists!{xl_rowcol_to_cell(0, list_col, True, True)}:{xl_rowcol_to_cell(len(labels) - 1, list_col, True, True)}"
            list_col += 1
            profile.write_string(row, 3, "; ".join(labels), muted)
            profile.data_validation(row, 2, row, 2, {"validate": "list", "source": source,
                                                     "error_message": "Choose one of the answers in the list."})
        elif field.type == "boolean":
            profile.write_string(row, 3, "yes or no", muted)
            profile.data_validation(row, 2, row, 2, {"validate": "list", "source": ["yes", "no"]})
        else:
            low = field.min if field.min is not None else 0
            bounds = f"a whole number from {low}" + (f" to {field.max}" if field.max is not None else "")
            profile.write_string(row, 3, bounds, muted)
            rule = {"validate": "integer", "criteria": ">=", "value": low,
                    "error_message": f"Enter {bounds}."}
            if field.max is not None:
                rule = {"validate": "integer", "criteria": "between", "minimum": low, "maximum": field.max,
                        "error_message": f"Enter {bounds}."}
            profile.data_validation(row, 2, row, 2, rule)
    profile.freeze_panes(1, 0)

    areas = book.add_worksheet("Areas")
    for col, width in enumerate((20, 24, 13, 70, 13)):
        areas.set_column(col, col, width)
    for col, heading in enumerate(AREA_HEADINGS + (IMPORTANCE_HEADING,)):
        areas.write_string(0, col, heading, header)
    for row, dim in enumerate(questionnaire.dimensions, start=1):
        areas.write_string(row, 0, dim.id, muted)
        areas.write_string(row, 1, dim.title, wrap)
        areas.write_blank(row, 2, None, entry)
        areas.write_blank(row, 3, None, wrap)
        areas.write_blank(row, IMPORTANCE_COL, None, entry)
    areas.data_validation(1, 2, len(questionnaire.dimensions), 2, {
        "validate": "list", "source": ["1", "2", "3", "4", "5"],
        "input_message": "Leave empty to follow the recommended model's profile."})
    areas.data_validation(1, IMPORTANCE_COL, len(questionnaire.dimensions), IMPORTANCE_COL, {
        "validate": "list", "source": list(IMPORTANCE_LEVELS),
        "input_message": "Leave empty: high where your main pain shows, else normal."})
    answers.activate()
    book.close()
    return out.getvalue()


# --------------------------------------------------------------------------
# Reading a filled template
# --------------------------------------------------------------------------

def _cell(sheet: str, row: int, col: int) -> str:
    return f"{sheet}!{xl_rowcol_to_cell(row, col)}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _shown(value: Any) -> str:
    text = _text(value)
    return text if len(text) <= 40 else text[:39] + "…"


def sheet_blocks(questionnaire) -> dict[str, tuple[int, int]]:
    """The rows and columns ``write_template`` fills on each sheet it reads back (both from 1)."""
    return {
        "About": (ABOUT_FIRST_LEVEL_ROW + len(questionnaire.levels), 2),
        "Answers": (1 + sum(len(d.questions) for d in questionnaire.dimensions),
                    len(ANSWER_HEADINGS) + len(questionnaire.levels)),
        "Profile": (1 + len(questionnaire.context), len(PROFILE_HEADINGS)),
        "Areas": (1 + len(questionnaire.dimensions), len(AREA_HEADINGS) + 1),
    }


def _has_headings(first: tuple, headings: tuple[str, ...]) -> bool:
    return tuple(_text(v) for v in first[:len(headings)]) == headings


def _rows(book: UploadedWorkbook, sheet: str, headings: tuple[str, ...],
          block: tuple[int, int]) -> list[tuple[int, tuple]]:
    return _laid_out_rows(book, sheet, headings, block)[1]


def _laid_out_rows(book: UploadedWorkbook, sheet: str, headings: tuple[str, ...], block: tuple[int, int],
                   earlier: tuple[str, ...] | None = None) -> tuple[tuple[str, ...], list[tuple[int, tuple]]]:
    """The headings the sheet has (``headings``, or the ``earlier`` layout's) and its non-empty rows."""
    if sheet not in book.sheetnames:
        raise TemplateProblem(f"the workbook has no sheet named {sheet!r} (it has: {', '.join(book.sheetnames)}); "
                              "use the answers template")
    rows = book.rows(sheet, *block)
    first = rows[0] if rows else ()
    if earlier is not None and _has_headings(first, earlier):
        headings = earlier
    for col, heading in enumerate(headings):
        found = _text(first[col]) if col < len(first) else ""
        if found != heading:
            raise TemplateProblem(f"{_cell(sheet, 0, col)}: expected the heading {heading!r}, not {found!r}; "
                                  "use the answers template")
    return headings, [(index, row) for index, row in enumerate(rows[1:], start=1)
                      if any(v not in (None, "") for v in row)]


def _level(value: Any, where: str) -> int | None:
    """A level cell: 1–5 (a number or its text), or "don't know" (None)."""
    text = _text(value).lower().replace("’", "'")
    if text in (DONT_KNOW, "dont know", "dk"):
        return None
    if text in ("1", "2", "3", "4", "5"):
        return int(text)
    raise TemplateProblem(f'{where}: level must be 1–5 or "don\'t know", not {_shown(value)}')


def _profile_value(field, value: Any, where: str) -> Any:
    text = _text(value)
    if field.type == "choice":
        for choice in field.choices or ():
            if text.lower() in (choice.value.lower(), " ".join(choice.label.split()).lower()):
                return choice.value
        allowed = "; ".join(c.label for c in field.choices or ())
        raise TemplateProblem(f"{where}: {field.key} must be one of: {allowed}; not {_shown(value)}")
    if field.type == "boolean":
        if text.lower() in ("yes", "true", "y", "1"):
            return True
        if text.lower() in ("no", "false", "n", "0"):
            return False
        raise TemplateProblem(f"{where}: {field.key} must be yes or no, not {_shown(value)}")
    try:
        number = int(text)
    except ValueError:
        raise TemplateProblem(f"{where}: {field.key} must be a whole number, not {_shown(value)}") from None
    return number


def read_template(data: bytes, content, name: str = "the file") -> dict[str, Any]:
    """The answers of a filled template, in the answers-file shape; TemplateProblem names the bad cell."""
    # Which questionnaire the file answers is not known before its About sheet is read: until
    # then each sheet may be as large as that sheet of the largest questionnaire.
    each = [sheet_blocks(q) for q in content.questionnaires.values()]
    largest = {sheet: (max(b[sheet][0] for b in each), max(b[sheet][1] for b in each)) for sheet in each[0]}
    book = UploadedWorkbook(data, name, largest)
    try:
        questionnaire_id = None
        if "About" in book.sheetnames:
            about = {_text(r[0]): r[1] for r in book.rows("About", *largest["About"])}
            questionnaire_id = _text(about.get("Questionnaire id")) or None
        questionnaire = content.questionnaires.get(questionnaire_id) if questionnaire_id else \
            content.default_questionnaire
        if questionnaire is None:
            raise TemplateProblem(f"About!B2: unknown questionnaire {questionnaire_id!r}")
        blocks = sheet_blocks(questionnaire)

        answers: dict[str, Any] = {}
        seen: dict[str, int] = {}
        layout, rows = _laid_out_rows(book, "Answers", ANSWER_HEADINGS, blocks["Answers"], EARLIER_ANSWER_HEADINGS)
        for row, values in rows:
            qid = _text(values[0])
            if questionnaire.question(qid) is None:
                raise TemplateProblem(f"{_cell('Answers', row, 0)}: unknown question id {_shown(values[0])!r}")
            if qid in seen:
                raise TemplateProblem(f"{_cell('Answers', row, 0)}: question {qid} appears twice "
                                      f"(also on row {seen[qid] + 1})")
            seen[qid] = row
            level = values[2] if len(values) > 2 else None
            if level in (None, ""):
                continue  # not answered
            answers[qid] = _level(level, _cell("Answers", row, 2))
            if layout == ANSWER_HEADINGS:
                detail = _evidence((tuple(values) + (None,) * 6)[3:6], row)
                if detail is not None:  # the answers file's mapping: the level with its evidence
                    answers[qid] = {"level": answers[qid], **detail}

        context: dict[str, Any] = {}
        fields = {f.key: f for f in questionnaire.context}
        for row, values in _rows(book, "Profile", PROFILE_HEADINGS, blocks["Profile"]):
            key = _text(values[0])
            if key not in fields:
                raise TemplateProblem(f"{_cell('Profile', row, 0)}: unknown profile field {_shown(values[0])!r}")
            value = values[2] if len(values) > 2 else None
            if value in (None, ""):
                continue  # left out: the engine assumes a stated default and says so
            where = _cell("Profile", row, 2)
            try:
                context[key] = validate_context_value(questionnaire, key,
                                                      _profile_value(fields[key], value, where))
            except InvalidContext as err:
                raise TemplateProblem(f"{where}: {err}") from None

        target: dict[str, int] = {}
        notes: dict[str, str] = {}
        importance: dict[str, str] = {}
        if "Areas" in book.sheetnames:
            areas = {d.id for d in questionnaire.dimensions}
            headings = book.rows("Areas", *blocks["Areas"])[:1] or [()]
            rated = len(headings[0]) > IMPORTANCE_COL and _text(headings[0][IMPORTANCE_COL]) == IMPORTANCE_HEADING
            for row, values in _rows(book, "Areas", AREA_HEADINGS, blocks["Areas"]):
                dim = _text(values[0])
                if dim not in areas:
                    raise TemplateProblem(f"{_cell('Areas', row, 0)}: unknown capability area {_shown(values[0])!r}")
                if len(values) > 2 and values[2] not in (None, ""):
                    if _text(values[2]) not in ("1", "2", "3", "4", "5"):
                        raise TemplateProblem(f"{_cell('Areas', row, 2)}: target must be a level from 1 to 5, "
                                              f"not {_shown(values[2])}")
                    target[dim] = int(_text(values[2]))
                note = values[3] if len(values) > 3 else None
                if note not in (None, ""):
                    notes[dim] = str(note).strip()[:2000]
                level = _text(values[IMPORTANCE_COL]).lower() if rated and len(values) > IMPORTANCE_COL else ""
                if level and level not in IMPORTANCE_LEVELS:
                    raise TemplateProblem(f"{_cell('Areas', row, IMPORTANCE_COL)}: importance must be low, normal "
                                          f"or high, not {_shown(values[IMPORTANCE_COL])}")
                if level:
                    importance[dim] = level
    finally:
        book.close()
    return {"questionnaire": questionnaire.id, "answers": answers, "context": context,
            "target": target or None, "notes": notes, **({"plan": {"importance": importance}} if importance else {})}


def _evidence(values: tuple, row: int) -> dict[str, str] | None:
    """An answer's confidence, evidence and reference cells (columns D-F); None when all are empty."""
    confidence, text, reference = (_text(v) for v in values)
    if not (confidence or text or reference):
        return None
    chosen = None
    if confidence:
        by_name = {**{c: c for c in CONFIDENCES}, **{label: c for c, label in CONFIDENCE_LABELS.items()}}
        chosen = by_name.get(confidence.lower())
        if chosen is None:
            raise TemplateProblem(f"{_cell('Answers', row, 3)}: confidence must be one of: "
                                  f"{'; '.join(CONFIDENCE_LABELS.values())}; not {_shown(confidence)}")
    for column, value, limit in ((4, text, MAX_EVIDENCE), (5, reference, MAX_REFERENCE)):
        if len(value) > limit:
            raise TemplateProblem(f"{_cell('Answers', row, column)}: at most {limit} characters, not {len(value)}")
    return clean_detail({"confidence": chosen, "evidence": text, "reference": reference})
