"""Organisations over time, through the test client: the dashboard (latest result, deltas,
percent to target, model and pitfall history), comparisons, frozen snapshots and re-scoring,
roadmap progress, units, assessment details and the demo command.

Every assessment here is answered like a person would: a signed-in member starts it from the
organisation page and walks the /r/<member link> pages. Expected values are read from each
result's JSON at /r/<token>/result.json, never written down by hand.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
from dataclasses import dataclass
from datetime import date
from statistics import mean
from types import SimpleNamespace
from typing import Any, Callable

import pytest

from app import PROJECT_ROOT, create_app, store
from app.engine.vocabulary import DIMENSIONS
from app.service import compute_result
from tests.conftest import FULL_CONTEXT, Respondent, csrf_token, visible_text

PASSWORD = "a perfectly long test passphrase"
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')

# Answer profiles: the level every question of a capability area is answered with.
FIRST = {"governance": 1, "analytics": 3, "facilitation": 2, "tools": 3, "leadership": 2}
SECOND = {"governance": 3, "analytics": 2, "facilitation": 2, "tools": 4, "leadership": 3}
ALL_TWO = dict.fromkeys(DIMENSIONS, 2)


@pytest.fixture(autouse=True)
def empty_dashboard_cache():
    """The dashboard cache lives in the module, shared by every app of the process (see
    test_dashboards_of_two_databases_do_not_share_cached_data): start each test without it."""
    from app.web.dashboard_data import clear_cache

    clear_cache()
    yield
    clear_cache()


# --------------------------------------------------------------------------
# People and assessments
# --------------------------------------------------------------------------


def query(app, sql: str, params=()) -> list[tuple]:
    db = store.open_db(app.config["DATABASE"])
    try:
        return db.execute(sql, list(params)).fetchall()
    finally:
        db.close()


def levels_for(levels: dict[str, int], overrides: dict[str, int] | None = None) -> Callable:
    """A Respondent level_for: each question at its area's level, some questions overridden."""
    overrides = overrides or {}
    return lambda q: overrides.get(q.id, levels[q.id.split(".")[0]])


class OrgRespondent(Respondent):
    """The conftest Respondent, on an organisation's member link instead of a private token."""

    def __init__(self, client, questionnaire, token: str, csrf: str):
        self.client, self.questionnaire, self.token, self.csrf = client, questionnaire, token, csrf


@dataclass
class Assessment:
    id: int
    response_id: int
    token: str
    period: str
    result: dict[str, Any]


class Member:
    """A user signed in through /login on a client of their own (create=False: the account exists)."""

    def __init__(self, app, email: str, role: str = "facilitator", *, create: bool = True):
        if create:
            db = store.open_db(app.config["DATABASE"])
            try:
                store.create_user(db, email, PASSWORD, role=role)
            finally:
                db.close()
        self.app, self.email = app, email
        self.questionnaire = app.extensions["pmo_content"].default_questionnaire
        self.client = app.test_client()
        self.login()

    def login(self):
        token = CSRF_META.search(self.client.get("/login").text).group(1)
        response = self.client.post("/login", data={"csrf_token": token, "email": self.email, "password": PASSWORD})
        assert response.status_code == 302, response.text
        self.csrf = csrf_token(self.client)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def create_org(self, name: str = "Acme IT") -> int:
        response = self.post("/orgs/new", {"name": name})
        assert response.status_code == 302, response.text
        return int(response.location.rsplit("/", 1)[1])

    def add_unit(self, org_id: int, name: str) -> int:
        response = self.post(f"/orgs/{org_id}/units", {"name": name})
        assert response.status_code == 302, response.text
        return query(self.app, "SELECT id FROM units WHERE org_id = ? AND name = ?", [org_id, name])[0][0]

    def start(self, org_id: int, period: str, assessed_on: str, unit: int | None = None) -> OrgRespondent:
        response = self.post(f"/orgs/{org_id}/assessments",
                             {"period": period, "assessed_on": assessed_on, "unit": "" if unit is None else str(unit)})
        assert response.status_code == 302, response.text
        token = response.location.split("/r/")[1].split("?")[0]
        assert re.fullmatch(r"m\d+\.[0-9a-f]{32}", token), token
        return OrgRespondent(self.client, self.questionnaire, token, self.csrf)

    def assess(self, org_id: int, period: str, assessed_on: str, level_for, unit: int | None = None) -> Assessment:
        """Start, answer and submit an assessment of the organisation; return it with its result."""
        if isinstance(level_for, dict):
            level_for = levels_for(level_for)
        respondent = self.start(org_id, period, assessed_on, unit)
        assert respondent.fill_context(FULL_CONTEXT).status_code == 302
        respondent.answer_all(level_for)
        assert respondent.submit().status_code == 302
        response_id = int(respondent.token[1:].split(".")[0])
        (assessment_id,), = query(self.app, "SELECT assessment_id FROM responses WHERE id = ?", [response_id])
        return Assessment(assessment_id, response_id, respondent.token, period, respondent.result())


def new_app(path):
    return create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test-secret"})


@pytest.fixture
def member(app):
    return Member(app, "owner@example.org")


# --------------------------------------------------------------------------
# Reading pages
# --------------------------------------------------------------------------


def tables(html: str, marker: str) -> list[list[list[str]]]:
    """Every table carrying the marker attribute, as rows of visible cell texts."""
    found = re.findall(rf"<table[^>]*\b{marker}\b[^>]*>(.*?)</table>", html, flags=re.S)
    assert found, f"no table with {marker}"
    return [[[visible_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
             for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)] for table in found]


def figure(html: str, figure_id: str) -> dict:
    """The plotly JSON embedded in the page for a chart."""
    found = re.search(rf'<script type="application/json" id="{figure_id}-data">(.*?)</script>', html, flags=re.S)
    assert found, f"no {figure_id} chart data"
    return json.loads(found.group(1))


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]


def pitfall_steps(html: str) -> dict[str, dict[str, list[str]]]:
    """The pitfall history as {'Q1 → Q2': {'new': [titles], 'resolved': [...], 'persisting': [...]}}."""
    steps = {}
    for label, items in re.findall(r'<p class="mb-1 fw-semibold small">(.*?)</p>\s*<ul[^>]*>(.*?)</ul>',
                                   section(html, "pitfall-history-heading"), flags=re.S):
        kinds: dict[str, list[str]] = {"new": [], "resolved": [], "persisting": []}
        for kind, title in re.findall(r'<li><span class="badge[^"]*">(new|resolved|persisting)</span>(.*?)</li>',
                                      items, flags=re.S):
            kinds[kind].append(visible_text(title))
        steps[visible_text(label)] = kinds
    return steps


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def arrow(before: float, now: float) -> str:
    delta = round(now - before, 2)
    return f"▲ {delta:+.2f}" if delta > 0 else f"▼ {delta:+.2f}" if delta < 0 else "= 0.00"


def to_target(score: float, target: int) -> int:
    return 100 if target <= 1 else max(0, min(100, round(100 * (score - 1) / (target - 1))))


def score(result: dict, key: str) -> float:
    return result["overall"]["score"] if key == "overall" else result["scores"][key]["score"]


def pitfall_titles(result: dict) -> dict[str, str]:
    return {p["id"]: p["title"] for p in result["pitfalls"]}


def expected_pitfall_step(before: dict, after: dict) -> dict[str, list[str]]:
    old, new = pitfall_titles(before), pitfall_titles(after)
    return {"new": [new[i] for i in new if i not in old], "resolved": [old[i] for i in old if i not in new],
            "persisting": [new[i] for i in new if i in old]}


def roadmap_items(result: dict) -> dict[str, dict]:
    return {i["id"]: {**i, "phase": p["id"]} for p in result["roadmap"]["phases"] for i in p["items"]}


# --------------------------------------------------------------------------
# The dashboard
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_quarters(tmp_path_factory):
    """An organisation with two submitted quarters whose answers move areas up, down and not at all."""
    app = new_app(tmp_path_factory.mktemp("two-quarters") / "db.sqlite3")
    person = Member(app, "two@example.org")
    org = person.create_org()
    first = person.assess(org, "2025-Q1", "2025-02-14", FIRST)
    second = person.assess(org, "2025-Q2", "2025-05-14", SECOND)
    person.get(f"/orgs/{org}")  # shows the creation's flash message once
    return SimpleNamespace(app=app, member=person, org=org, first=first, second=second)


def test_dashboard_shows_the_latest_period_and_deltas_against_the_previous(two_quarters):
    first, second = two_quarters.first.result, two_quarters.second.result
    page = two_quarters.member.get(f"/orgs/{two_quarters.org}").text
    text = visible_text(page)
    assert f"Latest result · 2025-Q2 {fmt(second['overall']['score'])} / 5" in text
    assert "Change since 2025-Q1" in text

    (rows,) = tables(page, "data-delta-table")
    assert rows[0] == ["Capability area", "2025-Q1", "2025-Q2", "Change", "Target", "To target"]
    labels, target = second["questionnaire"]["dimensions"], second["roadmap"]["target"]
    expected = [[labels[d], fmt(score(first, d)), fmt(score(second, d)), arrow(score(first, d), score(second, d)),
                 str(target[d]), f"{to_target(score(second, d), target[d])}%"] for d in DIMENSIONS]
    expected.append(["Overall", fmt(score(first, "overall")), fmt(score(second, "overall")),
                     arrow(score(first, "overall"), score(second, "overall")), "", ""])
    assert rows[1:] == expected
    # The profiles move areas both ways, so every marker is exercised.
    assert {row[3][0] for row in rows[1:]} == {"▲", "▼", "="}


def test_dashboard_trend_and_radar_carry_every_period(two_quarters):
    first, second = two_quarters.first.result, two_quarters.second.result
    page = two_quarters.member.get(f"/orgs/{two_quarters.org}").text
    trend = {t["name"]: t for t in figure(page, "trend")["data"]}
    labels = second["questionnaire"]["dimensions"]
    for d in DIMENSIONS:
        assert trend[labels[d]]["x"] == ["2025-Q1", "2025-Q2"]
        assert trend[labels[d]]["y"] == [score(first, d), score(second, d)]
    assert trend["Overall"]["y"] == [score(first, "overall"), score(second, "overall")]
    radar = figure(page, "radar")["data"]
    assert [t["name"] for t in radar] == ["2025-Q1", "2025-Q2", "Target"]
    assert radar[1]["r"][:5] == [score(second, d) for d in DIMENSIONS]
    assert radar[-1]["r"][:5] == [second["roadmap"]["target"][d] for d in DIMENSIONS]


def test_dashboard_shows_model_and_pitfall_history_of_two_assessments(two_quarters):
    first, second = two_quarters.first, two_quarters.second
    page = two_quarters.member.get(f"/orgs/{two_quarters.org}").text
    models = [visible_text(li) for li in re.findall(r"<li>(.*?)</li>", section(page, "models-heading"), flags=re.S)]
    expected = []
    for a, before in ((first, None), (second, first)):
        rec = a.result["recommendation"]
        line = f"{a.period} · {rec['model'].capitalize()}"
        line += f" (with {rec['hybrid_with']})" if rec["hybrid_with"] else ""
        changed = before is not None and before.result["recommendation"]["model"] != rec["model"]
        expected.append(line + (" changed" if changed else ""))
    assert models == expected
    step = expected_pitfall_step(first.result, second.result)
    assert step["new"] and step["resolved"] and step["persisting"], "profiles should move pitfalls every way"
    assert pitfall_steps(page) == {"2025-Q1 → 2025-Q2": step}


def test_third_assessment_lists_new_resolved_and_persisting_pitfalls(member):
    org = member.create_org()
    results = [
        member.assess(org, "2025-Q1", "2025-02-14", {**dict.fromkeys(DIMENSIONS, 3), "governance": 1}),
        member.assess(org, "2025-Q2", "2025-05-14", {**dict.fromkeys(DIMENSIONS, 3), "governance": 2, "leadership": 2}),
        member.assess(org, "2025-Q3", "2025-08-14", {**dict.fromkeys(DIMENSIONS, 3), "leadership": 1}),
    ]
    page = member.get(f"/orgs/{org}").text
    last_step = expected_pitfall_step(results[1].result, results[2].result)
    assert all(last_step.values()), "the last step should have new, resolved and persisting pitfalls"
    assert pitfall_steps(page) == {
        "2025-Q1 → 2025-Q2": expected_pitfall_step(results[0].result, results[1].result),
        "2025-Q2 → 2025-Q3": last_step,
    }
    # Newest step first.
    assert page.index("2025-Q2 → 2025-Q3") < page.index("2025-Q1 → 2025-Q2")
    # The delta table compares the latest with the one just before it, not with the first.
    assert "Change since 2025-Q2" in visible_text(page)
    (rows,) = tables(page, "data-delta-table")
    assert rows[0][1:3] == ["2025-Q2", "2025-Q3"]
    assert [r[1] for r in rows[1:]] == [fmt(score(results[1].result, k)) for k in (*DIMENSIONS, "overall")]
    models = [a.result["recommendation"]["model"] for a in results]
    changed = [li for li in re.findall(r"<li>(.*?)</li>", section(page, "models-heading"), flags=re.S)
               if "changed" in li]
    assert len(changed) == sum(1 for a, b in zip(models, models[1:]) if a != b) >= 1


# --------------------------------------------------------------------------
# A shared organisation for requests that must be refused and change nothing
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Acme with one submitted assessment; an empty organisation; one with an assessment in progress;
    and another organisation with a unit and a submitted assessment."""
    app = new_app(tmp_path_factory.mktemp("world") / "db.sqlite3")
    person = Member(app, "world@example.org")
    acme = person.create_org("Acme IT")
    closed = person.assess(acme, "2025-Q1", "2025-02-14", ALL_TWO)
    empty = person.create_org("Empty")
    started = person.create_org("Started")
    person.start(started, "2025-Q1", "2025-02-14").fill_context()
    (open_id,), = query(app, "SELECT id FROM assessments WHERE org_id = ?", [started])
    other = person.create_org("Elsewhere")
    other_unit = person.add_unit(other, "Their unit")
    other_closed = person.assess(other, "2025-Q1", "2025-02-14", ALL_TWO)
    person.get("/orgs")  # shows the flash messages once
    return SimpleNamespace(app=app, member=person, acme=acme, closed=closed, empty=empty, started=started,
                           open_id=open_id, other=other, other_unit=other_unit, other_closed=other_closed)


@pytest.mark.parametrize("org", ["empty", "started"])
def test_empty_dashboard_says_what_to_do_next(world, org):
    page = world.member.get(f"/orgs/{getattr(world, org)}")
    assert page.status_code == 200
    assert "data-empty-dashboard" in page.text
    text = visible_text(page.text)
    assert "No submitted assessment yet" in text
    assert "Start an assessment below and submit it" in text
    assert "Latest result" not in text and "data-delta-table" not in page.text
    assert 'id="start-heading"' in page.text


# --------------------------------------------------------------------------
# Comparisons
# --------------------------------------------------------------------------

SEVEN_PERIODS = [("2024-Q1", "2024-02-15"), ("2024-Q2", "2024-05-15"), ("2024-Q3", "2024-08-15"),
                 ("2024-Q4", "2024-11-15"), ("2025-Q1", "2025-02-15"), ("2025-Q2", "2025-05-15"),
                 ("2025-Q3", "2025-08-15")]


@pytest.fixture(scope="module")
def seven(tmp_path_factory):
    """One organisation with seven closed assessments, and another organisation with one."""
    app = new_app(tmp_path_factory.mktemp("seven") / "db.sqlite3")
    person = Member(app, "seven@example.org")
    org = person.create_org("Seven Quarters")
    done = []
    for i, (period, day) in enumerate(SEVEN_PERIODS):
        levels = {d: 1 + (i + j) % 4 for j, d in enumerate(DIMENSIONS)}
        done.append(person.assess(org, period, day, levels))
    other_org = person.create_org("Elsewhere")
    other = person.assess(other_org, "2025-Q1", "2025-02-15", ALL_TWO)
    return SimpleNamespace(app=app, member=person, org=org, assessments=done, other=other)


def compare_url(org: int, ids) -> str:
    return f"/orgs/{org}/compare?" + "&".join(f"a={i}" for i in ids)


@pytest.mark.parametrize("count", [2, 3, 4, 5, 6])
def test_compare_overlays_two_to_six_assessments_and_the_target(seven, count):
    chosen = seven.assessments[-count:]
    # Asked for in any order, shown oldest first.
    response = seven.member.get(compare_url(seven.org, [a.id for a in reversed(chosen)]))
    assert response.status_code == 200
    radar = figure(response.text, "overlay")["data"]
    assert [t["name"] for t in radar] == [a.period for a in chosen] + ["Target"]
    for trace, a in zip(radar, chosen):
        assert trace["r"][:5] == [score(a.result, d) for d in DIMENSIONS]
    assert radar[-1]["r"][:5] == [chosen[-1].result["roadmap"]["target"][d] for d in DIMENSIONS]
    assert "Comparing " + ", ".join(a.period for a in chosen) in visible_text(response.text)
    deltas = tables(response.text, "data-delta-table")
    assert len(deltas) == count - 1
    assert deltas[-1][-1] == ["Overall", fmt(score(chosen[-2].result, "overall")),
                              fmt(score(chosen[-1].result, "overall")),
                              arrow(score(chosen[-2].result, "overall"), score(chosen[-1].result, "overall"))]
    assert "data-version-note" not in response.text


@pytest.mark.parametrize("pick", [[], [0], [0, 1, 2, 3, 4, 5, 6]], ids=["none", "one", "seven"])
def test_compare_needs_two_to_six_assessments(seven, pick):
    response = seven.member.get(compare_url(seven.org, [seven.assessments[i].id for i in pick]))
    assert response.status_code == 400
    assert "Choose between 2 and 6 assessments" in visible_text(response.text)


def test_compare_with_a_non_numeric_id_is_400(seven):
    assert seven.member.get(compare_url(seven.org, [seven.assessments[0].id, "x"])).status_code == 400


def test_compare_with_an_assessment_of_another_organisation_is_404(seven):
    assert seven.member.get(compare_url(seven.org, [seven.assessments[0].id, seven.other.id])).status_code == 404


def test_compare_of_one_assessment_given_twice_is_400(seven):
    first = seven.assessments[0].id
    assert seven.member.get(compare_url(seven.org, [first, first])).status_code == 400


def set_summary_fields(app, snapshot_id: int, **changes) -> None:
    """Edit a frozen summary directly in SQLite, as an older questionnaire version would have left it.
    A key like questionnaire__version reaches into nested mappings."""
    (raw,), = query(app, "SELECT summary_json FROM snapshots WHERE id = ?", [snapshot_id])
    summary = json.loads(raw)
    for path, value in changes.items():
        target = summary
        *parents, last = path.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    db = store.open_db(app.config["DATABASE"])
    try:
        with store.transaction(db):
            db.execute("UPDATE snapshots SET summary_json = ? WHERE id = ?", [json.dumps(summary), snapshot_id])
    finally:
        db.close()
    from app.web.dashboard_data import clear_cache

    # The edit bypasses the app, so the dashboard generation cannot see it.
    clear_cache()


def snapshot_id_of(app, assessment_id: int) -> int:
    return query(app, "SELECT snapshot_id FROM assessments WHERE id = ?", [assessment_id])[0][0]


def test_different_questionnaire_versions_are_noted_on_compare_and_dashboard(app, member):
    org = member.create_org()
    first = member.assess(org, "2025-Q1", "2025-02-14", FIRST)
    second = member.assess(org, "2025-Q2", "2025-05-14", SECOND)
    url = compare_url(org, [first.id, second.id])
    assert "data-version-note" not in member.get(url).text
    assert "data-version-note" not in member.get(f"/orgs/{org}").text

    version = second.result["questionnaire"]["version"]
    set_summary_fields(app, snapshot_id_of(app, first.id), questionnaire__version="0.9")
    compare = member.get(url)
    assert compare.status_code == 200 and "data-version-note" in compare.text
    assert f"different questionnaire versions (0.9, {version})" in visible_text(compare.text)
    assert "data-version-note" in member.get(f"/orgs/{org}").text
    # Comparison by capability area still works across versions.
    assert len(tables(compare.text, "data-delta-table")) == 1


def test_question_level_changes_only_for_question_ids_both_versions_have(app, member):
    org = member.create_org()
    first = member.assess(org, "2025-Q1", "2025-02-14", FIRST)
    second = member.assess(org, "2025-Q2", "2025-05-14", SECOND)
    # The older version asked one governance question under another id.
    old_answers = dict(first.result["answers"])
    renamed = next(q for q in old_answers if q.startswith("governance."))
    old_answers["governance.retired_question"] = old_answers.pop(renamed)
    set_summary_fields(app, snapshot_id_of(app, first.id), questionnaire__version="0.9", answers=old_answers)

    changes = section(member.get(compare_url(org, [first.id, second.id])).text, "questions-heading")
    questionnaire = member.questionnaire
    shared = [(q, old_answers[q], level) for q, level in second.result["answers"].items()
              if q in old_answers and level is not None and old_answers[q] is not None and old_answers[q] != level]
    shared.sort(key=lambda row: (-abs(row[2] - row[1]), row[0]))
    assert len(shared) > 9, "the profiles should change answers in several areas"
    rows = re.findall(r"<tr><td>(.*?)</td><td>Level (\d)</td><td>Level (\d)", changes, flags=re.S)
    assert [(visible_text(text), int(b), int(a)) for text, b, a in rows] == [
        (questionnaire.question(q).text, before, after) for q, before, after in shared]
    assert questionnaire.question(renamed).text not in visible_text(changes)


# --------------------------------------------------------------------------
# Frozen snapshots and re-scoring
# --------------------------------------------------------------------------

REASON_BEFORE = "teams first need simple templates"
REASON_AFTER = "teams first need a few plain templates (edited)"
QUESTION_BEFORE = "How clear is it who approves new work"
QUESTION_AFTER = "Edited: who approves new work"


def edited_content(tmp_path, *, reason: bool = True, question: bool = True):
    """A copy of the content files with a model rule's reason and, optionally, a question's text edited."""
    root = tmp_path / "content"
    for folder in ("questionnaires", "rules", "roadmaps"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    edits = []
    if reason:
        edits.append(("rules/pmo-models.yaml", REASON_BEFORE, REASON_AFTER))
    if question:
        edits.append(("questionnaires/pmo-maturity.yaml", QUESTION_BEFORE, QUESTION_AFTER))
    for name, before, after in edits:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(before) == 1, f"{name} no longer has {before!r}: choose another edit"
        path.write_text(text.replace(before, after), encoding="utf-8")
    return root


def signed_in_on_content(app, root, email: str) -> Member:
    """The same person, signed in on a second app that shares the database but reads other content files."""
    later = create_app({"TESTING": True, "DATABASE": app.config["DATABASE"], "SECRET_KEY": "test-secret",
                        "CONTENT_ROOT": str(root)})
    assert later.extensions["pmo_content"].hash != app.extensions["pmo_content"].hash
    return Member(later, email, create=False)


def without_csrf(html: bytes) -> bytes:
    """The page with its CSRF tokens masked (they carry a timestamp, so they change every second)."""
    return re.sub(rb'(name="csrf-token" content="|name="csrf_token"[^>]*? value=")[^"]+', rb"\1TOKEN", html)


def result_views(person: Member, token: str) -> tuple[bytes, bytes]:
    return person.get(f"/r/{token}/result.json").data, without_csrf(person.get(f"/r/{token}/result").data)


def submitted_for_editing(person: Member) -> tuple[int, Assessment]:
    """A submitted assessment whose result uses the reason and the question that get edited."""
    org = person.create_org()
    a = person.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    result_text = json.dumps(a.result)
    assert REASON_BEFORE in result_text
    assert "answers.governance.decision_rights" in result_text
    person.get(f"/r/{a.token}/result")  # shows the flash message once
    return org, a


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    app = new_app(tmp_path_factory.mktemp("frozen") / "db.sqlite3")
    person = Member(app, "frozen@example.org")
    org, a = submitted_for_editing(person)
    return SimpleNamespace(app=app, member=person, org=org, assessment=a)


def test_closed_result_json_is_unchanged_when_content_files_change(frozen, tmp_path):
    token = frozen.assessment.token
    json_before, _page = result_views(frozen.member, token)
    later = signed_in_on_content(frozen.app, edited_content(tmp_path), frozen.member.email)
    json_after, _page = result_views(later, token)
    assert json_after == json_before
    assert json.loads(json_after)["content"]["hash"] == frozen.app.extensions["pmo_content"].hash


def test_closed_result_page_is_unchanged_when_a_rule_reason_changes(frozen, tmp_path):
    token = frozen.assessment.token
    _json, page_before = result_views(frozen.member, token)
    later = signed_in_on_content(frozen.app, edited_content(tmp_path, question=False), frozen.member.email)
    _json, page_after = result_views(later, token)
    assert REASON_BEFORE.encode() in page_after
    assert page_after == page_before


def test_closed_result_page_is_unchanged_when_a_question_text_changes(frozen, tmp_path):
    token = frozen.assessment.token
    _json, page_before = result_views(frozen.member, token)
    later = signed_in_on_content(frozen.app, edited_content(tmp_path, reason=False), frozen.member.email)
    _json, page_after = result_views(later, token)
    assert QUESTION_AFTER.encode() not in page_after
    assert page_after == page_before


def test_rescore_creates_a_new_snapshot_under_new_content_and_keeps_the_old(app, member, tmp_path):
    org, a = submitted_for_editing(member)
    old_json = member.get(f"/r/{a.token}/result.json").data
    (old_id, old_hash, old_result), = query(
        app, "SELECT id, content_hash, result_json FROM snapshots WHERE assessment_id = ?", [a.id])
    later = signed_in_on_content(app, edited_content(tmp_path), member.email)

    response = later.post(f"/orgs/{org}/assessments/{a.id}/rescore")
    assert response.status_code == 302
    assert response.location.endswith(f"/orgs/{org}/assessments/{a.id}")
    new = later.get(f"/r/{a.token}/result.json").get_json()
    new_hash = later.app.extensions["pmo_content"].hash
    assert new["content"]["hash"] == new_hash != old_hash
    assert REASON_AFTER in json.dumps(new) and REASON_BEFORE not in json.dumps(new)
    assert new["scores"] == a.result["scores"] and new["answers"] == a.result["answers"]

    rows = query(app, "SELECT id, content_hash, result_json, reason FROM snapshots WHERE assessment_id = ? "
                      "ORDER BY id", [a.id])
    assert len(rows) == 2
    assert rows[0] == (old_id, old_hash, old_result, "submitted") and old_hash == app.extensions["pmo_content"].hash
    assert old_result.encode() == old_json
    assert rows[1][1] == new_hash and rows[1][3] == f"re-scored under content {new_hash[:12]}"
    assert snapshot_id_of(app, a.id) == rows[1][0]
    assert "2 scorings" in visible_text(later.get(f"/orgs/{org}").text)


def test_rescore_of_an_open_assessment_is_400(world):
    before = query(world.app, "SELECT count(*) FROM snapshots")
    assert world.member.post(f"/orgs/{world.started}/assessments/{world.open_id}/rescore").status_code == 400
    assert query(world.app, "SELECT count(*) FROM snapshots") == before


def test_rescore_of_another_organisations_assessment_is_404(world):
    before = query(world.app, "SELECT count(*) FROM snapshots")
    assert world.member.post(f"/orgs/{world.acme}/assessments/{world.other_closed.id}/rescore").status_code == 404
    assert query(world.app, "SELECT count(*) FROM snapshots") == before


def test_rescore_keeps_the_target_set_on_the_result_page(member):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    target = {f"target-{d}": "4" for d in DIMENSIONS}
    assert member.post(f"/r/{a.token}/target", target).status_code == 302
    assert member.get(f"/r/{a.token}/result.json").get_json()["roadmap"]["target"] == dict.fromkeys(DIMENSIONS, 4)
    assert member.post(f"/orgs/{org}/assessments/{a.id}/rescore").status_code == 302
    assert member.get(f"/r/{a.token}/result.json").get_json()["roadmap"]["target"] == dict.fromkeys(DIMENSIONS, 4)


# --------------------------------------------------------------------------
# Roadmap progress
# --------------------------------------------------------------------------


def progress_rows(app, org: int | None = None):
    rows = query(app, "SELECT org_id, unit_key, item_id, status, on_date, owner FROM roadmap_progress "
                      "ORDER BY item_id")
    return [r for r in rows if org is None or r[0] == org]


def item_row(page: str, item_id: str) -> str:
    start = page.index(f'<tr id="progress-{item_id}">')
    return page[start:page.index("</tr>", start)]


def shown_status(page: str, item_id: str) -> str:
    return re.search(r'<option value="(\w+)" selected>', item_row(page, item_id)).group(1)


def mark(person: Member, org: int, item_id: str, status: str, on_date: str = "2025-03-01", owner: str = "Ana Lopes"):
    return person.post(f"/orgs/{org}/progress", {"item_id": item_id, "status": status, "on_date": on_date,
                                                 "owner": owner})


def test_progress_marks_items_done_and_started_with_date_and_owner(app, member):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    items = roadmap_items(a.result)
    phases = a.result["roadmap"]["phases"]
    first_phase = phases[0]
    done_item, started_item = first_phase["items"][0]["id"], first_phase["items"][1]["id"]
    assert mark(member, org, done_item, "done", "2025-03-01", "Ana Lopes").status_code == 302
    response = mark(member, org, started_item, "started", "2025-03-10", "Ben Okafor")
    assert response.status_code == 302 and response.location.endswith(f"/orgs/{org}#progress-heading")

    page = member.get(f"/orgs/{org}").text
    assert shown_status(page, done_item) == "done" and shown_status(page, started_item) == "started"
    assert 'value="2025-03-01"' in item_row(page, done_item) and 'value="Ana Lopes"' in item_row(page, done_item)
    assert 'value="2025-03-10"' in item_row(page, started_item) and 'value="Ben Okafor"' in item_row(page, started_item)
    assert shown_status(page, first_phase["items"][2]["id"]) == "planned"
    text = visible_text(page)
    assert f"The roadmap of 2025-Q1: 1 of {len(items)} improvements done." in text
    assert f"{first_phase['title']} · months {first_phase['start_month']}–{first_phase['end_month']} · " \
           f"1/{len(first_phase['items'])} done" in text
    bars = {t["name"]: t["x"] for t in figure(page, "progress")["data"]}
    assert bars["Done"] == [1] + [0] * (len(phases) - 1)
    assert bars["Started"] == [1] + [0] * (len(phases) - 1)
    assert bars["Planned"] == [len(first_phase["items"]) - 2] + [len(p["items"]) for p in phases[1:]]
    assert progress_rows(app) == sorted([(org, 0, done_item, "done", "2025-03-01", "Ana Lopes"),
                                         (org, 0, started_item, "started", "2025-03-10", "Ben Okafor")],
                                        key=lambda r: r[2])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"item_id": "governance.not-a-real-item"}, "not in the current roadmap"),
        ({"item_id": "governance.gate-analytics"}, "not in the current roadmap"),  # in the catalogue, not planned
        ({"item_id": ""}, "not in the current roadmap"),
        ({"status": "finished"}, "Status must be one of planned, started, done"),
        ({"status": ""}, "Status must be one of planned, started, done"),
        ({"on_date": "next week"}, "The date must look like 2026-11-25"),
    ],
)
def test_bad_progress_is_400_and_changes_nothing(world, change, message):
    planned = world.closed.result["roadmap"]["phases"][0]["items"][0]["id"]
    assert "governance.gate-analytics" not in roadmap_items(world.closed.result)
    before = world.member.get(f"/orgs/{world.acme}").data
    form = {"item_id": planned, "status": "done", "on_date": "2025-03-01", "owner": "Ana", **change}
    response = world.member.post(f"/orgs/{world.acme}/progress", form)
    assert response.status_code == 400
    text = visible_text(response.text)
    assert message in text and "Nothing was changed" in text
    assert progress_rows(world.app) == []
    assert without_csrf(world.member.get(f"/orgs/{world.acme}").data) == without_csrf(before)


@pytest.mark.parametrize("org", ["empty", "started"])
def test_progress_before_any_submitted_assessment_is_400(world, org):
    item_id = world.closed.result["roadmap"]["phases"][0]["items"][0]["id"]
    assert mark(world.member, getattr(world, org), item_id, "done").status_code == 400
    assert progress_rows(world.app) == []


def leadership_questions(questionnaire) -> list[str]:
    return [q.id for q in questionnaire.dimension("leadership").questions]


@pytest.mark.parametrize(("shift", "regressed"), [(-1, True), (+1, False)], ids=["fell", "rose"])
def test_done_item_after_the_next_assessment(member, shift, regressed):
    org = member.create_org()
    first = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    item_id = "leadership.decision-rights"
    assert item_id in roadmap_items(first.result)
    assert mark(member, org, item_id, "done").status_code == 302
    moved = {q: 2 + shift for q in leadership_questions(member.questionnaire)[:3]}
    second = member.assess(org, "2025-Q2", "2025-05-14", levels_for(ALL_TWO, moved))
    before, after = score(first.result, "leadership"), score(second.result, "leadership")
    assert (before - after >= 0.1) if regressed else (after > before)
    assert item_id in roadmap_items(second.result), "the item should still be planned after the second assessment"

    page = member.get(f"/orgs/{org}").text
    title = roadmap_items(second.result)[item_id]["title"]
    if regressed:
        assert shown_status(page, item_id) == "planned"
        assert "regressed" in visible_text(item_row(page, item_id))
        warning = re.search(r"<div[^>]*data-regressions[^>]*>(.*?)</div>", page, flags=re.S)
        assert warning, "the regression should be flagged"
        assert f"{title} was done, but leadership fell from {fmt(before)} to {fmt(after)}" in visible_text(
            warning.group(1))
        assert "The roadmap of 2025-Q2: 0 of" in visible_text(page)
    else:
        assert shown_status(page, item_id) == "done"
        assert "data-regressions" not in page and "regressed" not in visible_text(item_row(page, item_id))
        assert "The roadmap of 2025-Q2: 1 of" in visible_text(page)


def test_item_marked_done_after_the_latest_assessment_shows_done(member):
    org = member.create_org()
    member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    lower = {q: 1 for q in leadership_questions(member.questionnaire)[:3]}
    second = member.assess(org, "2025-Q2", "2025-05-14", levels_for(ALL_TWO, lower))
    item_id = "leadership.decision-rights"
    assert item_id in roadmap_items(second.result)
    assert mark(member, org, item_id, "done", on_date="2025-06-01").status_code == 302
    assert shown_status(member.get(f"/orgs/{org}").text, item_id) == "done"


def test_a_second_progress_change_in_the_same_second_is_shown(member, monkeypatch):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    item_id = a.result["roadmap"]["phases"][0]["items"][0]["id"]
    # app.store.history is also the name of a function in app.store: patch the module itself.
    monkeypatch.setattr(importlib.import_module("app.store.history"), "now_iso",
                        lambda: "2026-01-05T10:00:00+00:00")
    assert mark(member, org, item_id, "started").status_code == 302
    assert shown_status(member.get(f"/orgs/{org}").text, item_id) == "started"
    assert mark(member, org, item_id, "done").status_code == 302
    assert shown_status(member.get(f"/orgs/{org}").text, item_id) == "done"


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def units_world(tmp_path_factory):
    """Retail with two quarters, Platforms with one, Shared services with none; another organisation's unit."""
    app = new_app(tmp_path_factory.mktemp("units") / "db.sqlite3")
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
    assert rows[0] == ["Unit", "Period", *[labels[d] for d in DIMENSIONS], "Overall"]
    latest = {"Retail": a["retail-q2"], "Platforms": a["platforms-q1"]}
    keys = [*DIMENSIONS, "overall"]
    body = {row[0]: row[1:] for row in rows[1:]}
    assert len(rows) == 5, "one row per unit with a submitted assessment, then the mean and the minimum"
    for name, assessment in latest.items():
        assert body[name] == [assessment.period, *[fmt(score(assessment.result, k)) for k in keys]]
    assert body["Organisation mean"] == ["", *[fmt(round(mean(score(x.result, k) for x in latest.values()), 2))
                                               for k in keys]]
    assert body["Organisation minimum"] == ["", *[fmt(min(score(x.result, k) for x in latest.values()))
                                                  for k in keys]]
    bars = {t["name"]: t["y"] for t in figure(page, "units")["data"]}
    assert bars["Retail"] == [score(latest["Retail"].result, d) for d in DIMENSIONS]
    assert bars["Minimum"] == [min(score(x.result, d) for x in latest.values()) for d in DIMENSIONS]


def test_whole_organisation_trend_is_the_mean_of_its_units(units_world):
    a = units_world.a
    page = units_world.member.get(f"/orgs/{units_world.org}").text
    assert "Organisation trend (mean of the units)" in visible_text(page)
    overall = {t["name"]: t for t in figure(page, "trend")["data"]}["Overall"]
    assert overall["x"] == ["2025-Q1", "2025-Q2"]
    assert overall["y"] == [round(mean([score(a["retail-q1"].result, "overall"),
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


def test_assessment_for_another_organisations_unit_is_404_and_creates_nothing(units_world):
    before = query(units_world.app, "SELECT count(*) FROM assessments")
    response = units_world.member.post(f"/orgs/{units_world.org}/assessments",
                                       {"period": "2025-Q3", "assessed_on": "2025-08-14",
                                        "unit": str(units_world.other_unit)})
    assert response.status_code == 404
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
    assert "FY25 H1 2025-03-31" in visible_text(section(whole, "assessments-heading"))
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
def test_bad_details_change_nothing(world, form, status):
    if form.get("unit") == "other-org":
        form = {"unit": str(world.other_unit)}
    a = world.closed
    before = details_of(world.app, a.id)
    response = world.member.post(f"/orgs/{world.acme}/assessments/{a.id}/details",
                                 {"period": "2025-H1", "assessed_on": "2025-03-01", "unit": "", **form})
    assert response.status_code == status
    assert details_of(world.app, a.id) == before == ("2025-Q1", "2025-02-14", None)


def test_details_of_another_organisations_assessment_is_404(world):
    a = world.other_closed
    response = world.member.post(f"/orgs/{world.acme}/assessments/{a.id}/details",
                                 {"period": "Stolen", "assessed_on": "2025-03-01", "unit": ""})
    assert response.status_code == 404
    assert details_of(world.app, a.id) == ("2025-Q1", "2025-02-14", None)


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


def test_dashboards_of_two_databases_do_not_share_cached_data(member, tmp_path):
    other = Member(new_app(tmp_path / "other.sqlite3"), member.email)
    org, other_org = member.create_org(), other.create_org()
    assert org == other_org
    mine = member.assess(org, "2025-Q1", "2025-02-14", FIRST)
    theirs = other.assess(other_org, "2025-Q1", "2025-02-14", SECOND)
    assert mine.result["overall"]["score"] != theirs.result["overall"]["score"]
    member.get(f"/orgs/{org}")
    text = visible_text(other.get(f"/orgs/{other_org}").text)
    assert f"Latest result · 2025-Q1 {fmt(theirs.result['overall']['score'])} / 5" in text


# --------------------------------------------------------------------------
# The demo command
# --------------------------------------------------------------------------

DEMO_TABLES = ("organisations", "units", "assessments", "responses", "answers", "snapshots", "roadmap_progress",
               "users", "memberships")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`flask --app app demo` run once on an empty database."""
    app = new_app(tmp_path_factory.mktemp("demo") / "db.sqlite3")
    assert query(app, "SELECT count(*) FROM organisations") == [(0,)]
    outcome = app.test_cli_runner().invoke(args=["demo"])
    assert outcome.exit_code == 0, outcome.output
    return SimpleNamespace(app=app, output=outcome.output)


def test_demo_creates_an_organisation_with_two_units_and_six_improving_quarters(demo):
    app = demo.app
    assert "with 12 assessments" in demo.output
    (org_id, _name), = query(app, "SELECT id, name FROM organisations")
    units = query(app, "SELECT id, name FROM units WHERE org_id = ? ORDER BY id", [org_id])
    assert len(units) == 2
    assert query(app, "SELECT count(*), count(DISTINCT unit_id) FROM assessments "
                      "WHERE org_id = ? AND status = 'closed' AND snapshot_id IS NOT NULL", [org_id]) == [(12, 2)]
    db = store.open_db(app.config["DATABASE"])
    try:
        for unit_id, _unit_name in units:
            rows = store.history(db, org_id, unit_id)
            assert len(rows) == 6 and len({r["period"] for r in rows}) == 6
            overall = [r["summary"]["overall"] for r in rows]
            assert overall[-1] > overall[0], overall
            assert overall == sorted(overall), f"the history should improve every quarter: {overall}"
    finally:
        db.close()
    assert query(app, "SELECT count(*) FROM roadmap_progress WHERE org_id = ?", [org_id])[0][0] > 0
    assert {s for (s,) in query(app, "SELECT DISTINCT status FROM roadmap_progress")} == {"done", "started"}


def test_demo_snapshots_are_computed_through_the_engine(demo):
    content = demo.app.extensions["pmo_content"]
    db = store.open_db(demo.app.config["DATABASE"])
    try:
        rows = db.execute("SELECT id, snapshot_id FROM assessments WHERE status = 'closed'").fetchall()
        assert len(rows) == 12
        for assessment_id, snapshot_id in rows:
            snapshot = store.load_snapshot(db, snapshot_id)
            result = snapshot["result"]
            assert {"recommendation", "pitfalls", "roadmap"} <= set(result)
            assert result["content"]["hash"] == snapshot["content_hash"] == content.hash
            inputs = store.assessment_inputs(db, assessment_id)
            assert len(inputs["answers"]) == len(content.default_questionnaire.questions())
            recomputed, _figures = compute_result(content, inputs["questionnaire_id"], inputs["answers"],
                                                  inputs["context"], inputs["target"], notes=inputs["notes"])
            assert result == json.loads(json.dumps(recomputed))
    finally:
        db.close()


def test_demo_user_sees_the_units_dashboard(demo):
    email, password = re.search(r"Sign in as (\S+) with the password (\S+) ", demo.output).groups()
    client = demo.app.test_client()
    token = CSRF_META.search(client.get("/login").text).group(1)
    assert client.post("/login", data={"csrf_token": token, "email": email, "password": password}).status_code == 302
    (org_id,), = query(demo.app, "SELECT id FROM organisations")
    page = client.get(f"/orgs/{org_id}")
    assert page.status_code == 200
    (rows,) = tables(page.text, "data-units-table")
    assert {r[0] for r in rows[1:]} == {"Retail technology", "Corporate platforms", "Organisation mean",
                                        "Organisation minimum"}


def test_demo_twice_adds_nothing(demo):
    counts = {t: query(demo.app, f"SELECT count(*) FROM {t}")[0][0] for t in DEMO_TABLES}
    again = demo.app.test_cli_runner().invoke(args=["demo"])
    assert again.exit_code == 0
    assert "exists already" in again.output and "nothing was added" in again.output
    assert {t: query(demo.app, f"SELECT count(*) FROM {t}")[0][0] for t in DEMO_TABLES} == counts


def test_demo_quarters_are_not_dated_in_the_future():
    from app.demo import quarters_back

    today = date(2026, 10, 3)
    quarters = quarters_back(today, 6)
    assert [label for label, _day in quarters] == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert max(day for _label, day in quarters) <= today.isoformat()
