"""The report CLI: `assess --format pdf|xlsx|pptx|json|markdown --output`, the answers template,
and importing a filled template (round trip and every bad-input message)."""

from __future__ import annotations

import io
import json

import pytest
import yaml
from openpyxl import load_workbook

from tests.helpers import FULL_CONTEXT
from tests.reports_fixtures import answers_for


@pytest.fixture(scope="session")
def cli_app(make_app, tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("cli") / "cli.sqlite3")


@pytest.fixture
def cli(cli_app):
    return cli_app.test_cli_runner()


@pytest.fixture(scope="session")
def template_bytes(cli_app, tmp_path_factory):
    out = tmp_path_factory.mktemp("template") / "answers.xlsx"
    result = cli_app.test_cli_runner().invoke(args=["questionnaire", "template", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def profile_label(questionnaire, key, value):
    field = questionnaire.context_field(key)
    if field.type == "choice":
        return next(c.label for c in field.choices if c.value == value)
    if field.type == "boolean":
        return "yes" if value else "no"
    return value


def fill_template(template: bytes, questionnaire, answers: dict, context: dict, target=None, notes=None,
                  edit=None) -> bytes:
    """Fill the template as a person would in Excel: levels, profile answers, targets and notes."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["Answers"]
    for row in sheet.iter_rows(min_row=2):
        qid = row[0].value
        if qid in answers:
            row[2].value = "don't know" if answers[qid] is None else answers[qid]
    for row in book["Profile"].iter_rows(min_row=2):
        if row[0].value in context:
            row[2].value = profile_label(questionnaire, row[0].value, context[row[0].value])
    for row in book["Areas"].iter_rows(min_row=2):
        if target and row[0].value in target:
            row[2].value = target[row[0].value]
        if notes and row[0].value in notes:
            row[3].value = notes[row[0].value]
    if edit:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_json(cli, path) -> dict:
    result = cli.invoke(args=["assess", "--answers", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- the template

def test_template_has_a_level_drop_down_for_every_question_and_the_profile(template_bytes, questionnaire):
    book = load_workbook(io.BytesIO(template_bytes))
    assert {"About", "Answers", "Profile", "Areas"} <= set(book.sheetnames)
    answers = book["Answers"]
    ids = [row[0].value for row in answers.iter_rows(min_row=2)]
    assert ids == [q.id for q in questionnaire.questions()]
    rules = answers.data_validations.dataValidation
    level_rule = next(r for r in rules if "C2" in str(r.sqref))
    assert level_rule.type == "list" and "don't know" in level_rule.formula1
    assert str(level_rule.sqref) == f"C2:C{len(ids) + 1}"
    first = questionnaire.questions()[0]
    # Level, confidence, evidence, reference and the capability area, then the level texts.
    assert [answers.cell(2, col).value for col in range(8, 13)] == [first.options[k] for k in sorted(first.options)]
    profile = book["Profile"]
    keys = [row[0].value for row in profile.iter_rows(min_row=2)]
    assert keys == [f.key for f in questionnaire.context]
    validated = {str(r.sqref) for r in profile.data_validations.dataValidation}
    assert validated == {f"C{row}" for row in range(2, len(keys) + 2)}


def test_filled_template_gives_the_same_result_as_the_yaml_file(cli, tmp_path, template_bytes, questionnaire):
    answers = answers_for(questionnaire)
    areas = [d.id for d in questionnaire.dimensions]
    target = {areas[0]: 4}
    notes = {areas[1]: "Our portfolio board meets monthly."}
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill_template(template_bytes, questionnaire, answers, FULL_CONTEXT, target, notes))
    plain = tmp_path / "answers.yaml"
    plain.write_text(yaml.safe_dump({"answers": answers, "context": FULL_CONTEXT, "target": target, "notes": notes}))
    from_template, from_yaml = run_json(cli, filled), run_json(cli, plain)
    assert from_template["answers"] == answers
    assert from_template["scores"] == from_yaml["scores"]
    assert from_template["overall"] == from_yaml["overall"]
    assert from_template["recommendation"] == from_yaml["recommendation"]
    assert from_template["roadmap"] == from_yaml["roadmap"]
    assert from_template["notes"] == notes == from_yaml["notes"]
    assert from_template["context"] == FULL_CONTEXT



def set_cell(sheet, ref, value):
    def edit(book):
        book[sheet][ref].value = value
    return edit


BAD_TEMPLATES = [
    ("level out of range", set_cell("Answers", "C14", 7), 'Answers!C14: level must be 1–5 or "don\'t know", not 7'),
    ("level as text", set_cell("Answers", "C3", "high"), 'Answers!C3: level must be 1–5 or "don\'t know", not high'),
    ("unknown question", set_cell("Answers", "A5", "governance.no_such_question"),
     "Answers!A5: unknown question id 'governance.no_such_question'"),
    ("bad profile choice", None, "Profile!C2: org_size must be one of: "),
    ("bad profile number", None, "Profile!C3: active_projects must be a whole number, not many"),
    ("profile number out of range", None, "Profile!C4: context.business_units is 0; it cannot be below 1"),
    ("bad target", set_cell("Areas", "C2", 9), "Areas!C2: target must be a level from 1 to 5, not 9"),
    ("wrong sheet", None, "the workbook has no sheet named 'Answers' (it has: About, Lists, Responses, Profile, Areas)"),
    ("wrong headings", set_cell("Answers", "C1", "Score"), "Answers!C1: expected the heading 'Level', not 'Score'"),
]


def bad_edit(case: str, questionnaire):
    keys = [f.key for f in questionnaire.context]
    if case == "bad profile choice":
        return set_cell("Profile", f"C{keys.index('org_size') + 2}", "huge")
    if case == "bad profile number":
        return set_cell("Profile", f"C{keys.index('active_projects') + 2}", "many")
    if case == "profile number out of range":
        return set_cell("Profile", f"C{keys.index('business_units') + 2}", 0)
    if case == "wrong sheet":
        def rename(book):
            book["Answers"].title = "Responses"
        return rename
    raise KeyError(case)


@pytest.mark.parametrize("case, edit, message", BAD_TEMPLATES, ids=[c[0] for c in BAD_TEMPLATES])
def test_bad_template_names_the_cell_exits_2_and_writes_nothing(cli, tmp_path, template_bytes, questionnaire, case,
                                                                edit, message):
    keys = [f.key for f in questionnaire.context]
    if "Profile!C" in message:  # the row of a profile field comes from the questionnaire, not a fixed number
        key = {"bad profile choice": "org_size", "bad profile number": "active_projects",
               "profile number out of range": "business_units"}[case]
        message = message.replace(message.split(":")[0], f"Profile!C{keys.index(key) + 2}")
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill_template(template_bytes, questionnaire, answers_for(questionnaire), FULL_CONTEXT,
                                     edit=edit or bad_edit(case, questionnaire)))
    out = tmp_path / "report.pdf"
    result = cli.invoke(args=["assess", "--answers", str(filled), "--format", "pdf", "--output", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not out.exists()


@pytest.mark.parametrize("case, payload, message", [
    ("not a spreadsheet", b"question,level\ngovernance,3\n", "is not an XLSX spreadsheet"),
    ("a damaged spreadsheet", b"PK\x03\x04" + b"\0" * 200, "is not an XLSX spreadsheet that can be read"),
    ("an oversized file", b"PK\x03\x04" + b"\0" * (600 * 1024), "an answers file may be at most 512 KB"),
])
def test_a_file_that_is_not_a_template_is_refused_in_one_line(cli, tmp_path, case, payload, message):
    path = tmp_path / "answers.xlsx"
    path.write_bytes(payload)
    result = cli.invoke(args=["assess", "--answers", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


# --------------------------------------------------------------------------- formats and --output

@pytest.fixture
def answers_file(tmp_path, questionnaire):
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({"answers": answers_for(questionnaire), "context": FULL_CONTEXT}))
    return path


@pytest.mark.parametrize("fmt, magic", [("pdf", b"%PDF-"), ("xlsx", b"PK\x03\x04"), ("pptx", b"PK\x03\x04"),
                                        ("json", b"{"), ("markdown", b"# PMO maturity result")])
def test_assess_writes_each_format_to_output(cli, tmp_path, answers_file, fmt, magic):
    out = tmp_path / f"report.{fmt}"
    result = cli.invoke(args=["assess", "--answers", str(answers_file), "--format", fmt, "--output", str(out),
                              "--start", "2027-01-04"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)
    assert result.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["--format", "pdf"], "--output is required for --format pdf"),
    (["--format", "xlsx", "--output", "/no/such/folder/r.xlsx"], "the folder /no/such/folder does not exist"),
    (["--format", "pptx", "--output", "{tmp}/deck.pptx", "--template", "{tmp}/missing.pptx"], "no such file"),
    (["--format", "pdf", "--output", "{tmp}/r.pdf", "--template", "{tmp}/answers.yaml"],
     "--template applies to --format pptx only"),
    (["--format", "pdf", "--output", "{tmp}/r.pdf", "--start", "next monday"], "--start must be a date"),
    (["--format", "pptx", "--output", "{tmp}/deck.pptx", "--template", "{tmp}/answers.yaml"],
     "is not a PowerPoint (.pptx) file"),
])
def test_bad_report_options_exit_2_in_one_line_and_write_nothing(cli, tmp_path, answers_file, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = cli.invoke(args=["assess", "--answers", str(answers_file), *args])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml"]
