"""Units side by side, the unit scope of the dashboard, and each assessment's period, date and unit."""

from __future__ import annotations

import re
from statistics import mean
from types import SimpleNamespace

import pytest

from app.engine.vocabulary import DIMENSIONS
from tests.helpers import query, visible_text
from tests.history_helpers import (ALL_TWO, FIRST, Member, SECOND, drawn_categories, drawn_series, figure, fmt, score,
                                    section, tables)


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def units_world(make_app, tmp_path_factory):
    """Retail with two quarters, Platforms with one, Shared services with none; another organisation's unit."""
    app = make_app(tmp_path_factory.mktemp("units") / "db.sqlite3")
    person = Member(app, "units@example.org")
    org = person.create_org()
    units = {name: person.add_unit(org, name) for name in ("Retail", "Platforms", "Shared services")}
    assessments = {
        "retail-q1": person.assess(org, "2025-Q1", "2025-02-14", FIRST, unit=units["Retail"]),
        "platforms-q1": person.assess(org, "2025-Q1", "2025-02-20", ALL_TWO, unit=units["Platforms"]),
        "retail-q2": person.assess(org, "2025-Q2", "2025-05-14", SECOND, unit=units["Retail"]),
    }
    other = person.create_org("Elsewhere")
    other_unit = person.add_unit(other, "Elsewhere unit")
    person.get("/orgs")  # shows the flash messages once
    return SimpleNamespace(app=app, member=person, org=org, units=units, a=assessments, other=other,
                           other_unit=other_unit)


def test_units_side_by_side_with_mean_and_minimum(units_world):
    a = units_world.a
    page = units_world.member.get(f"/orgs/{units_world.org}").text
    (rows,) = tables(page, "data-units-table")
    labels = a["retail-q2"].result["questionnaire"]["dimensions"]
    assert rows[0] == ["Unit", "Period", *[labels[d] for d in DIMENSIONS], "Overall", "Recommended design"]
    latest = {"Retail": a["retail-q2"], "Platforms": a["platforms-q1"]}
    keys = [*DIMENSIONS, "overall"]
    body = {row[0]: row[1:] for row in rows[1:]}
    assert len(rows) == 6, "one row per unit with a submitted assessment, then the mean, minimum and spread"
    for name, assessment in latest.items():
        assert body[name][:-1] == [assessment.period, *[fmt(score(assessment.result, k)) for k in keys]]
        assert body[name][-1] == assessment.result["summary"]["design"]["label"]  # the design, as everywhere
    assert body["Organisation mean"] == ["", *[fmt(round(mean(score(x.result, k) for x in latest.values()), 2))
                                               for k in keys], ""]
    assert body["Organisation minimum"] == ["", *[fmt(min(score(x.result, k) for x in latest.values()))
                                                  for k in keys], ""]
    spread = [round(max(score(x.result, d) for x in latest.values()) - min(score(x.result, d) for x in latest.values()),
                    2) for d in DIMENSIONS]
    assert body["Spread between units"] == ["", *[fmt(v) for v in spread], "", ""]
    bars = {t["name"]: t["y"] for t in figure(page, "units")["data"]}
    assert bars["Retail"] == [score(latest["Retail"].result, d) for d in DIMENSIONS]
    assert bars["Minimum"] == [min(score(x.result, d) for x in latest.values()) for d in DIMENSIONS]


def test_whole_organisation_shows_pitfalls_across_units_and_their_combined_progress(units_world):
    a = units_world.a
    page = units_world.member.get(f"/orgs/{units_world.org}").text
    latest = {"Retail": a["retail-q2"], "Platforms": a["platforms-q1"]}
    affected: dict[str, list[str]] = {}
    for name, assessment in latest.items():
        for pitfall in assessment.result["pitfalls"]:
            affected.setdefault(pitfall["title"], []).append(name)
    shown = re.search(r"<ul[^>]*data-unit-pitfalls[^>]*>(.*?)</ul>", page, flags=re.S).group(1)
    items = [visible_text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", shown, flags=re.S)]
    assert len(items) == len(affected) > 0
    for title, names in affected.items():
        assert any(f"{title} · {len(names)} of 2 units ({', '.join(names)})" in item for item in items), title
    rank = {"high": 0, "medium": 1, "low": 2}
    severity = {}
    for assessment in latest.values():
        for pitfall in assessment.result["pitfalls"]:
            severity[pitfall["title"]] = min(severity.get(pitfall["title"], 3), rank[pitfall["severity"]])
    order = [next((severity[t], -len(n)) for t, n in affected.items() if item.split(" ", 1)[1].startswith(t + " ·"))
             for item in items]
    assert order == sorted(order), "the most severe first (never medium above high), then the most widespread"
    assert [item.split(" ", 1)[0] for item in items] == [["high", "medium", "low"][s] for s, _n in order]
    (rows,) = tables(page, "data-units-progress")
    totals = {name: sum(len(p["items"]) for p in x.result["roadmap"]["phases"]) for name, x in latest.items()}
    body = {row[0].split(" (")[0]: row[1:] for row in rows[1:]}
    assert body["Retail"][0] == f"0 of {totals['Retail']}" and body["Platforms"][0] == f"0 of {totals['Platforms']}"
    assert body["Whole organisation"][0] == f"0 of {totals['Retail'] + totals['Platforms']}"


def test_the_unit_tab_lists_only_its_own_assessments(units_world):
    org, units = units_world.org, units_world.units
    page = units_world.member.get(f"/orgs/{org}?unit={units['Retail']}").text
    titles = re.findall(r'<td[^>]*><a href="/orgs/\d+/assessments/(\d+)"', page)
    assert sorted(map(int, titles)) == sorted([units_world.a["retail-q1"].id, units_world.a["retail-q2"].id])
    whole = units_world.member.get(f"/orgs/{org}").text
    assert sorted(map(int, re.findall(r'<td[^>]*><a href="/orgs/\d+/assessments/(\d+)"', whole))) == sorted(
        x.id for x in units_world.a.values())


def test_whole_organisation_trend_is_the_mean_of_its_units(units_world):
    a = units_world.a
    page = units_world.member.get(f"/orgs/{units_world.org}").text
    assert "Organisation trend (mean of the units)" in visible_text(page)
    assert drawn_categories(page, "trend") == ["2025-Q1", "2025-Q2"]
    assert drawn_series(page, "trend")["Overall"] == [round(mean([score(a["retail-q1"].result, "overall"),
                                        score(a["platforms-q1"].result, "overall")]), 2),
                            score(a["retail-q2"].result, "overall")]


def test_unit_scope_shows_only_that_units_history(units_world):
    a, units, org = units_world.a, units_world.units, units_world.org
    page = units_world.member.get(f"/orgs/{org}?unit={units['Retail']}").text
    text = visible_text(page)
    assert "Acme IT · Retail" in text
    assert "Latest result · 2025-Q2" in text and "Change since 2025-Q1" in text
    (rows,) = tables(page, "data-delta-table")
    assert [r[1:3] for r in rows[1:]] == [[fmt(score(a["retail-q1"].result, k)), fmt(score(a["retail-q2"].result, k))]
                                          for k in (*DIMENSIONS, "overall")]
    assert "data-units-table" not in page

    platforms = visible_text(units_world.member.get(f"/orgs/{org}?unit={units['Platforms']}").text)
    assert "Latest result · 2025-Q1" in platforms and "Scores (first assessment)" in platforms


def test_empty_dashboard_of_a_unit_names_the_unit(units_world):
    url = f"/orgs/{units_world.org}?unit={units_world.units['Shared services']}"
    page = units_world.member.get(url).text
    assert "data-empty-dashboard" in page
    assert "No submitted assessment for Shared services yet" in visible_text(page)


@pytest.mark.parametrize("unit", ["other-org", "999", "abc"])
def test_unit_scope_of_a_unit_not_in_the_organisation_is_404(units_world, unit):
    value = str(units_world.other_unit) if unit == "other-org" else unit
    assert units_world.member.get(f"/orgs/{units_world.org}?unit={value}").status_code == 404


def test_assessment_for_another_organisations_unit_is_refused_as_unknown_and_creates_nothing(units_world):
    before = query(units_world.app, "SELECT count(*) FROM assessments")
    response = units_world.member.post(f"/orgs/{units_world.org}/assessments",
                                       {"period": "2025-Q3", "assessed_on": "2025-08-14",
                                        "unit": str(units_world.other_unit)})
    # The same answer as for a unit that does not exist: the form again, nothing said of the other one.
    assert response.status_code == 400
    assert "That unit is not one of this organisation's" in visible_text(response.text)
    assert query(units_world.app, "SELECT count(*) FROM assessments") == before


def test_a_member_who_is_not_an_owner_cannot_add_a_unit(units_world):
    org, owner = units_world.org, units_world.member
    colleague = Member(units_world.app, "colleague@example.org", role="member")
    assert owner.post(f"/orgs/{org}/members", {"email": colleague.email, "role": "member"}).status_code == 302
    assert colleague.get(f"/orgs/{org}").status_code == 200
    before = query(units_world.app, "SELECT id, name FROM units ORDER BY id")
    assert colleague.post(f"/orgs/{org}/units", {"name": "Shadow IT"}).status_code == 403
    assert query(units_world.app, "SELECT id, name FROM units ORDER BY id") == before
    assert f'action="/orgs/{org}/units"' not in colleague.get(f"/orgs/{org}").text


def test_unit_names_are_unique_per_organisation(units_world):
    before = query(units_world.app, "SELECT id, name FROM units ORDER BY id")
    response = units_world.member.post(f"/orgs/{units_world.org}/units", {"name": "  Retail "})
    assert response.status_code == 400 and "Nothing was changed" in visible_text(response.text)
    assert query(units_world.app, "SELECT id, name FROM units ORDER BY id") == before



# --------------------------------------------------------------------------
# Assessment details
# --------------------------------------------------------------------------


def details_of(app, assessment_id):
    return query(app, "SELECT period, assessed_on, unit_id FROM assessments WHERE id = ?", [assessment_id])[0]


def test_details_change_the_period_label_and_unit(app, member):
    org = member.create_org()
    unit = member.add_unit(org, "Retail")
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    assert "Latest result · 2025-Q1" in visible_text(member.get(f"/orgs/{org}").text)
    response = member.post(f"/orgs/{org}/assessments/{a.id}/details",
                           {"period": "FY25 H1", "assessed_on": "2025-03-31", "unit": str(unit)})
    assert response.status_code == 302
    assert details_of(app, a.id) == ("FY25 H1", "2025-03-31", unit)
    assert "Latest result · FY25 H1" in visible_text(member.get(f"/orgs/{org}?unit={unit}").text)
    whole = member.get(f"/orgs/{org}").text
    assert "Latest result" not in visible_text(whole)  # the organisation itself has no assessment now
    assert "FY25 H1 31 Mar 2025" in visible_text(section(whole, "assessments-heading"))
    (row,) = tables(whole, "data-units-table")[0][1:2]
    assert row[:2] == ["Retail", "FY25 H1"]


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"assessed_on": "2025-13-01"}, 400),
        ({"assessed_on": "14/02/2025"}, 400),
        ({"assessed_on": ""}, 400),
        ({"period": "   "}, 400),
        ({"unit": "abc"}, 400),
        ({"unit": "other-org"}, 404),
    ],
)
def test_bad_details_change_nothing(history_world, form, status):
    if form.get("unit") == "other-org":
        form = {"unit": str(history_world.other_unit)}
    a = history_world.closed
    before = details_of(history_world.app, a.id)
    response = history_world.member.post(f"/orgs/{history_world.acme}/assessments/{a.id}/details",
                                 {"period": "2025-H1", "assessed_on": "2025-03-01", "unit": "", **form})
    assert response.status_code == status
    assert details_of(history_world.app, a.id) == before == ("2025-Q1", "2025-02-14", None)


def test_details_of_another_organisations_assessment_is_404(history_world):
    a = history_world.other_closed
    response = history_world.member.post(f"/orgs/{history_world.acme}/assessments/{a.id}/details",
                                 {"period": "Stolen", "assessed_on": "2025-03-01", "unit": ""})
    assert response.status_code == 404
    assert details_of(history_world.app, a.id) == ("2025-Q1", "2025-02-14", None)


def test_moving_an_assessment_to_another_period_updates_the_dashboard(member):
    org = member.create_org()
    first = member.assess(org, "2025-Q1", "2025-02-14", FIRST)
    member.assess(org, "2025-Q2", "2025-05-14", SECOND)
    assert "Latest result · 2025-Q2" in visible_text(member.get(f"/orgs/{org}").text)
    response = member.post(f"/orgs/{org}/assessments/{first.id}/details",
                           {"period": "2025-Q3", "assessed_on": "2025-08-14", "unit": ""})
    assert response.status_code == 302
    text = visible_text(member.get(f"/orgs/{org}").text)
    assert f"Latest result · 2025-Q3 {fmt(score(first.result, 'overall'))}" in text
    assert "Change since 2025-Q2" in text


def test_correcting_a_date_reorders_the_dashboard(member):
    org = member.create_org()
    first = member.assess(org, "2025-Q1", "2025-01-20", FIRST)
    second = member.assess(org, "2025-Q1", "2025-03-20", SECOND)  # a re-run in the same quarter
    assert f"Latest result · 2025-Q1 {fmt(score(second.result, 'overall'))}" in visible_text(
        member.get(f"/orgs/{org}").text)
    response = member.post(f"/orgs/{org}/assessments/{first.id}/details",
                           {"period": "2025-Q1", "assessed_on": "2025-03-28", "unit": ""})
    assert response.status_code == 302
    assert f"Latest result · 2025-Q1 {fmt(score(first.result, 'overall'))}" in visible_text(
        member.get(f"/orgs/{org}").text)


def test_dashboards_of_two_databases_do_not_share_cached_data(make_app, member, tmp_path):
    other = Member(make_app(tmp_path / "other.sqlite3"), member.email)
    org, other_org = member.create_org(), other.create_org()
    assert org == other_org
    mine = member.assess(org, "2025-Q1", "2025-02-14", FIRST)
    theirs = other.assess(other_org, "2025-Q1", "2025-02-14", SECOND)
    assert mine.result["overall"]["score"] != theirs.result["overall"]["score"]
    member.get(f"/orgs/{org}")
    text = visible_text(other.get(f"/orgs/{other_org}").text)
    assert f"Latest result · 2025-Q1 {fmt(theirs.result['overall']['score'])} / 5" in text


def test_a_unit_in_the_trash_leaves_the_roll_up_the_units_chart_and_compare(make_app, tmp_path):
    app = make_app(tmp_path / "db.sqlite3")
    person = Member(app, "trash-units@example.org")
    org = person.create_org()
    retail, platforms = person.add_unit(org, "Retail"), person.add_unit(org, "Platforms")
    kept = person.assess(org, "2025-Q1", "2025-02-14", FIRST, unit=retail)
    binned = person.assess(org, "2025-Q1", "2025-02-20", ALL_TWO, unit=platforms)

    def whole() -> tuple[list[str], set[str], str]:
        page = person.get(f"/orgs/{org}").text
        (rows,) = tables(page, "data-units-table")
        return [row[0] for row in rows[1:]], {t["name"] for t in figure(page, "units")["data"]}, page

    names, bars, _page = whole()
    assert {"Retail", "Platforms"} <= set(names) and {"Retail", "Platforms"} <= bars
    person.post(f"/orgs/{org}/units/{platforms}/delete")
    names, bars, page = whole()
    assert "Platforms" not in names and "Platforms" not in bars and "Retail" in bars
    assert "of 2 units" not in visible_text(page)  # pitfalls count the live units only
    compared = person.get(f"/orgs/{org}/compare?a={kept.id}&a={binned.id}")
    assert compared.status_code in (400, 404) or "Platforms" not in visible_text(compared.text)
    (trash_id,), = query(app, "SELECT id FROM trash WHERE kind = 'unit' AND object_id = ?", [platforms])
    person.post(f"/orgs/{org}/trash/{trash_id}/restore")
    names, bars, _page = whole()
    assert {"Retail", "Platforms"} <= set(names) and "Platforms" in bars


# --------------------------------------------------------------------------
# The organisation's report is the roll-up, not one unit's result
# --------------------------------------------------------------------------


def test_the_whole_organisation_tab_offers_every_report_of_the_roll_up(units_world):
    page = units_world.member.get(f"/orgs/{units_world.org}").text
    for fmt in ("html", "pdf", "xlsx", "pptx"):
        assert f'href="/orgs/{units_world.org}/report.{fmt}"' in page, fmt


def test_the_organisation_report_puts_its_units_side_by_side_with_mean_and_minimum(units_world):
    a = units_world.a
    latest = {"Retail": a["retail-q2"], "Platforms": a["platforms-q1"]}
    response = units_world.member.get(f"/orgs/{units_world.org}/report.html")
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "PMO maturity report: Acme IT" in text and "latest results of its 2 units" in text
    # Page 1 is no unit's result: no single recommendation, profile or roadmap of one unit.
    assert "Recommended PMO model" not in text and "Who was assessed" not in text
    (rows,) = tables(response.text, "data-rollup-units")
    labels = a["retail-q2"].result["questionnaire"]["dimensions"]
    names = [row[0] for row in rows[1:]]
    assert names[:5] == [labels[d] for d in DIMENSIONS] and names[5] == "Overall"
    header = rows[0]
    for dim_row in rows[1:6]:
        d = DIMENSIONS[names.index(dim_row[0])]
        cells = dict(zip(header, dim_row))
        for name, assessment in latest.items():
            assert cells[f"{name} {assessment.period}"] == fmt(score(assessment.result, d))
        assert cells["Mean"] == fmt(round(mean(score(x.result, d) for x in latest.values()), 2))
        assert cells["Minimum"] == fmt(min(score(x.result, d) for x in latest.values()))
    pitfalls = {p["title"] for x in latest.values() for p in x.result["pitfalls"]}
    for title in pitfalls:
        assert title in text
    assert "Roadmap progress per unit" in text


def test_the_organisation_report_files_are_the_roll_up(units_world):
    import io

    from openpyxl import load_workbook
    from pptx import Presentation

    base = f"/orgs/{units_world.org}/report"
    book = load_workbook(io.BytesIO(units_world.member.get(base + ".xlsx").data))
    assert book.sheetnames[:4] == ["Summary", "Units", "Pitfalls across units", "Progress per unit"]
    assert [row[0].value for row in book["Units"].iter_rows(min_row=2)] == [
        "Retail", "Platforms", "Organisation mean", "Organisation minimum"]
    deck = Presentation(io.BytesIO(units_world.member.get(base + ".pptx").data))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert "The units side by side" in titles and "Pitfalls across the units" in titles
    assert not any(t.startswith("Recommended design") for t in titles)
    # Each unit's recommendation is named by its design on the units' slide, as on the page and in the PDF.
    side = next(s for s in deck.slides if s.shapes.title is not None and s.shapes.title.text == "The units side by side")
    table = next(shape.table for shape in side.shapes if shape.has_table)
    designs = next([c.text for c in r.cells] for r in table.rows if r.cells[0].text == "Recommended design")
    latest = {"Retail": units_world.a["retail-q2"], "Platforms": units_world.a["platforms-q1"]}
    headers = [c.text for c in table.rows[0].cells]
    for name, assessment in latest.items():
        assert designs[headers.index(name)] == assessment.result["summary"]["design"]["label"]
    csv_text = units_world.member.get(base + ".csv?table=units").text
    assert "Organisation mean" in csv_text
    pdf = units_world.member.get(base + ".pdf")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"


def test_page_one_of_the_organisation_pdf_carries_the_roll_up(units_world, tmp_path):
    """Page 1 was the title and the score box, about 85% blank (issue 24, D): the units side by side and the
    pitfalls across them follow the score on the same page."""
    import subprocess

    path = tmp_path / "org.pdf"
    path.write_bytes(units_world.member.get(f"/orgs/{units_world.org}/report.pdf").data)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    first = " ".join(first.split()).lower()  # the score box's label prints in capitals
    assert "overall maturity across the units" in first
    assert "the units side by side" in first and "mean" in first and "minimum" in first
    assert "pitfalls across the units" in first
