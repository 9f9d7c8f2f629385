"""The pooled benchmark on the dashboard: opted-in peers with different owners only, each by its latest
result as of the last refresh, by quarter, never a group below five."""

from __future__ import annotations

import csv
import io
import random

import pytest
from openpyxl import load_workbook

from app import store
from app.demo import demo_answers
from app.engine.benchmark import MIN_GROUP
from app.service import submit_response
from tests.helpers import FULL_CONTEXT, add_user, opened, query, visible_text
from tests.history_helpers import Member, tables

BAND = "Large (250 to 1,000 IT staff)"


def pooled_org(app, owner_id: int | None, name: str, level: float, opt_in: bool = True, size: str = "large",
               mix: str = "hybrid", units: tuple[float, ...] = (), period: str = "2026-Q3") -> int:
    """An organisation answered at about ``level`` as a whole, or (``units``) only per unit at those levels;
    owned by ``owner_id``, or (None) by an account of its own."""
    if owner_id is None:
        owner_id = add_user(app, f"owner-of-{name.lower().replace(' ', '-')}@example.org", role="facilitator")
    with opened(app) as db:
        org = store.create_org(db, name, owner_id)
        scopes = [(store.create_unit(db, org, f"Unit {i}"), unit_level) for i, unit_level in enumerate(units)]
        for unit_id, at in scopes or [(None, level)]:
            assess(app, db, org, owner_id, at, size=size, mix=mix, unit_id=unit_id, period=period)
        store.set_benchmark_opt_in(db, org, opt_in)
    return org


def assess(app, db, org: int, owner_id: int, level: float, *, size: str = "large", mix: str = "hybrid",
           unit_id: int | None = None, period: str = "2026-Q3", assessed_on: str = "2026-08-15") -> None:
    """One submitted assessment of the organisation (or a unit), every area answered at about ``level``."""
    content = app.extensions["pmo_content"]
    questionnaire = content.default_questionnaire
    response = store.create_org_assessment(db, org, owner_id, questionnaire.id, questionnaire.version,
                                           period=period, assessed_on=assessed_on, unit_id=unit_id)
    store.save_context(db, response, {**FULL_CONTEXT, "org_size": size, "delivery_mix": mix})
    store.save_answers(db, response, demo_answers(questionnaire, {d.id: level for d in questionnaire.dimensions},
                                                  random.Random(1)))
    submit_response(db, content, response, questionnaire)


def owner_of(app, email: str = "bench@example.org") -> tuple[Member, int]:
    owner = Member(app, email)
    (owner_id,), = query(app, "SELECT id FROM users WHERE email = ?", [email])
    return owner, owner_id


def peers(app, count: int, **kwargs) -> list[int]:
    """Opted-in peers at 1.5, 2.0, 2.5, ..., each with its own owner: against 3.0, the fifth one up is level with it."""
    return [pooled_org(app, None, f"Peer {i}", 1.5 + i * 0.5, **kwargs) for i in range(count)]


def refresh(app) -> None:
    """The nightly refresh of the pooled population."""
    with opened(app) as db:
        store.refresh_benchmark(db)


def overall_quarter(page: str) -> str:
    (rows,) = tables(page, "data-benchmark-table")
    return {r[0]: r[1] for r in rows[1:]}["Overall"]


@pytest.mark.parametrize(("count", "opted_out", "other_size", "shown"), [
    (5, 0, 0, True),
    (4, 3, 0, False),   # opted-out organisations are never counted
    (4, 0, 3, False),   # nor organisations of another size band
    (2, 0, 0, False),
])
def test_the_benchmark_shows_percentiles_only_with_five_opted_in_peers(app, count, opted_out, other_size, shown):
    owner, owner_id = owner_of(app)
    own = pooled_org(app, owner_id, "Own", 3.0)
    peers(app, count)
    for i in range(opted_out):
        pooled_org(app, None, f"Private {i}", 1.0, opt_in=False)
    for i in range(other_size):
        pooled_org(app, None, f"Small {i}", 1.0, size="small")
    page = owner.get(f"/orgs/{own}").text
    text = visible_text(page)
    if shown:
        # Peers at 1.5, 2.0, 2.5, 3.0 and 3.5: three below 3.0, one level with it (counted half): the
        # 70th percentile, shown only as its quarter, the upper middle one.
        assert overall_quarter(page) == "3" and "upper middle quarter" in text and "70" not in text
        assert f"Against {count} other organisations" in text
        assert "the latest result of the organisation as a whole" in text
    else:
        assert "data-benchmark-table" not in page
        needed = MIN_GROUP - count
        assert (f"Not shown yet: {needed} more organisation{'s' if needed != 1 else ''} in the size band {BAND} "
                f"need{'s' if needed == 1 else ''} to take part") in text
    assert not any(f"{prefix} {i}" in text for prefix in ("Peer", "Private", "Small") for i in range(5))


def test_taking_part_is_off_by_default_and_an_off_organisation_is_not_pooled(app):
    owner, owner_id = owner_of(app)
    created = owner.create_org("Brand new")
    with opened(app) as db:
        assess(app, db, created, owner_id, 3.0)
        assert store.benchmark_opt_in(db, created) is False
        assert created not in {p["org_id"] for p in store.benchmark_population(db)}
    page = owner.get(f"/orgs/{created}").text
    assert "Not taking part" in visible_text(page) and "data-benchmark-table" not in page
    assert "Take part in the pooled benchmark" in page


def test_only_an_owner_can_turn_taking_part_on_or_off(app):
    owner, owner_id = owner_of(app)
    own = pooled_org(app, owner_id, "Own", 3.0, opt_in=False)
    peers(app, 5)
    member = Member(app, "member@example.org", role="member")
    assert owner.post(f"/orgs/{own}/members", {"email": "member@example.org", "role": "member"}).status_code == 302
    page = member.get(f"/orgs/{own}").text
    assert "Not taking part" in visible_text(page) and "data-benchmark-toggle" not in page
    assert member.post(f"/orgs/{own}/benchmark", {"opt_in": "1"}).status_code == 403
    refused = owner.post(f"/orgs/{own}/benchmark", {"opt_in": "yes"})
    assert refused.status_code == 400 and "Nothing was changed" in refused.text
    assert query(app, "SELECT benchmark_opt_in FROM organisations WHERE id = ?", [own]) == [(0,)]

    refresh(app)  # last night's, before it took part
    assert owner.post(f"/orgs/{own}/benchmark", {"opt_in": "1"}).status_code == 302
    assert query(app, "SELECT benchmark_opt_in FROM organisations WHERE id = ?", [own]) == [(1,)]
    assert "counted from the benchmark's next refresh" in visible_text(member.get(f"/orgs/{own}").text)
    refresh(app)
    assert overall_quarter(member.get(f"/orgs/{own}").text) == "3"  # the member sees it, once on

    assert owner.post(f"/orgs/{own}/benchmark", {"opt_in": "0"}).status_code == 302
    assert "data-benchmark-table" not in owner.get(f"/orgs/{own}").text
    assert query(app, "SELECT benchmark_opt_in FROM organisations WHERE id = ?", [own]) == [(0,)]
    # An organisation that stopped taking part no longer counts for the others.
    with opened(app) as db:
        assert own not in {p["org_id"] for p in store.benchmark_population(db)}
        assert own not in {p["org_id"] for p in store.pooled_benchmark(db)["population"]}  # at once
        # The owner's two changes are in the audit log; the refused ones left nothing.
        logged = [(e["action"], e["actor_id"]) for e in store.audit_entries(db, own) if "benchmark" in e["action"]]
    assert logged == [("benchmark_left", owner_id), ("benchmark_joined", owner_id)]


def test_an_organisation_with_only_unit_results_is_compared_by_its_combined_picture(app):
    owner, owner_id = owner_of(app)
    # Units at 2.0 and 4.0: their mean, 3.0, is what counts (as the organisation mean on the page).
    own = pooled_org(app, owner_id, "Own", 0, units=(2.0, 4.0))
    peers(app, MIN_GROUP - 1)
    text = visible_text(owner.get(f"/orgs/{own}").text)
    assert "Not shown yet: 1 more organisation" in text
    assert "the combined picture of its 2 units' latest results" in text
    pooled_org(app, None, "Fifth", 3.5)  # the page follows a new peer from the next refresh
    assert "Not shown yet: 1 more organisation" in visible_text(owner.get(f"/orgs/{own}").text)
    refresh(app)
    page = owner.get(f"/orgs/{own}").text
    assert overall_quarter(page) == "3"
    (rollup,) = tables(page, "data-units-table")
    assert {r[0]: r[-2] for r in rollup[1:]}["Organisation mean"] == "3.00"


def test_a_peer_counts_only_by_its_latest_result(app):
    _owner, owner_id = owner_of(app)
    peer = pooled_org(app, owner_id, "Peer", 4.5, period="2026-Q2")
    with opened(app) as db:
        assess(app, db, peer, owner_id, 1.5, period="2026-Q3", assessed_on="2026-09-20")
        (pooled,) = store.benchmark_population(db)
        first, latest = (r["summary"]["overall"] for r in store.history(db, peer, None))
    assert pooled["org_id"] == peer and pooled["overall"] == latest < 2 < 4 < first


def test_the_delivery_mix_filter_is_refused_when_it_would_leave_out_fewer_than_five(app):
    owner, owner_id = owner_of(app)
    own = pooled_org(app, owner_id, "Own", 3.0)
    peers(app, 6)
    pooled_org(app, None, "Agile", 2.0, mix="agile")
    page = owner.get(f"/orgs/{own}").text
    assert "Against 7 other organisations" in visible_text(page) and "data-benchmark-filter" not in page
    narrowed = owner.get(f"/orgs/{own}?mix=1").text
    assert "data-benchmark-table" not in narrowed
    assert "narrowing to the same delivery mix would describe fewer than 5 organisations" in visible_text(narrowed)


def test_the_delivery_mix_filter_is_offered_when_both_sides_have_five(app):
    owner, owner_id = owner_of(app)
    own = pooled_org(app, owner_id, "Own", 3.0)
    peers(app, 5)
    for i in range(5):
        pooled_org(app, None, f"Agile {i}", 1.0, mix="agile")
    page = owner.get(f"/orgs/{own}").text
    assert "Against 10 other organisations" in visible_text(page) and "data-benchmark-filter" in page
    assert overall_quarter(page) == "4"  # five agile ones below too: 85th percentile
    narrowed = owner.get(f"/orgs/{own}?mix=1").text
    assert overall_quarter(narrowed) == "3" and "Compare with every delivery mix" in narrowed


def test_the_population_is_read_through_indexes(app):
    with opened(app) as db:
        db.execute("ANALYZE")
        plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + store.benchmark.POPULATION_SQL)]
    scans = [step for step in plan if step.startswith("SCAN") and "USING" not in step and step != "SCAN scopes"]
    assert scans == [], plan
    assert any("assessments_org_closed" in step for step in plan), plan


def slide_titles(data: bytes) -> list[str]:
    from pptx import Presentation
    titles = []
    for slide in Presentation(io.BytesIO(data)).slides:
        shapes = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text]
        titles.append(shapes[0].text_frame.text if shapes else "")
    return titles


def test_the_whole_organisations_report_has_the_benchmark_in_every_format(app):
    owner, owner_id = owner_of(app)
    own = pooled_org(app, owner_id, "Own", 0, units=(2.0, 4.0))
    peers(app, MIN_GROUP)
    html = owner.get(f"/orgs/{own}/report.html").text
    start = html.index('id="benchmark-title"')
    section = html[start:html.index("</section>", start)]
    assert "combined picture of its 2 units' latest results" in visible_text(section)
    (rows,) = tables(section, "benchmark")
    assert rows[-1][:3] == ["Overall", "3", "upper middle quarter"]
    assert not any(f"Peer {i}" in html for i in range(MIN_GROUP))
    book = load_workbook(io.BytesIO(owner.get(f"/orgs/{own}/report.xlsx").data))
    sheet = list(book["Benchmark"].iter_rows(values_only=True))
    assert sheet[0] == ("Capability area", "Quarter (1-4)", "Standing") and sheet[-1][:2] == ("Overall", 3)
    csv_rows = list(csv.reader(io.StringIO(owner.get(f"/orgs/{own}/report.csv?table=benchmark").text)))
    assert csv_rows[-1][:2] == ["Overall", "3"]
    assert "Where it stands among its peers" in slide_titles(owner.get(f"/orgs/{own}/report.pptx").data)
    # A unit's report is about the unit: no benchmark.
    (unit_id,), = query(app, "SELECT id FROM units WHERE org_id = ? LIMIT 1", [own])
    assert 'id="benchmark-title"' not in owner.get(f"/orgs/{own}/report.html?unit={unit_id}").text


@pytest.mark.parametrize(("opt_in", "words"), [(True, "Not shown yet: 3 more organisations"), (False, None)])
def test_the_report_says_how_many_more_are_needed_or_nothing_when_not_taking_part(app, opt_in, words):
    owner, owner_id = owner_of(app)
    own = pooled_org(app, owner_id, "Own", 3.0, opt_in=opt_in)
    peers(app, 2)
    html = owner.get(f"/orgs/{own}/report.html").text
    if words:
        assert words in visible_text(html) and "Benchmark" not in load_workbook(
            io.BytesIO(owner.get(f"/orgs/{own}/report.xlsx").data)).sheetnames
    else:
        assert 'id="benchmark-title"' not in html
    assert owner.get(f"/orgs/{own}/report.csv?table=benchmark").status_code == 404


@pytest.mark.parametrize("kind", ["organisation", "unit", "assessment"])
def test_what_is_in_the_trash_never_counts(app, kind):
    owner, owner_id = owner_of(app)
    own = pooled_org(app, owner_id, "Own", 3.0)
    peers(app, MIN_GROUP - 1)
    # The fifth peer, at 3.5, goes to the trash: as a whole, its only unit, or its latest assessment
    # (then its earlier one, at 1.0, counts instead).
    fifth = pooled_org(app, None, "Fifth", 3.5, units=(3.5,) if kind == "unit" else ())
    with opened(app) as db:
        if kind == "organisation":
            target = fifth
        elif kind == "unit":
            (target,), = db.execute("SELECT id FROM units WHERE org_id = ?", [fifth]).fetchall()
        else:
            assess(app, db, fifth, owner_id, 1.0, period="2026-Q2", assessed_on="2026-05-15")
            (target,), = db.execute("SELECT id FROM assessments WHERE org_id = ? AND period = '2026-Q3'",
                                    [fifth]).fetchall()
    assert overall_quarter(owner.get(f"/orgs/{own}").text) == "3"
    with opened(app) as db:
        trash_id = store.delete(db, fifth, kind, target, owner_id)
        population = {p["org_id"]: p for p in store.benchmark_population(db)}
    if kind == "organisation":  # an organisation in the trash leaves at once
        assert "Not shown yet: 1 more organisation" in visible_text(owner.get(f"/orgs/{own}").text)
    refresh(app)
    page = owner.get(f"/orgs/{own}").text
    if kind == "assessment":  # four below 3.0 now, one level with it
        assert population[fifth]["overall"] < 2 and overall_quarter(page) == "4"
    else:
        assert fifth not in population
        assert "Not shown yet: 1 more organisation" in visible_text(page) and "data-benchmark-table" not in page
    with opened(app) as db:
        store.restore(db, trash_id, owner_id)
    refresh(app)
    assert overall_quarter(owner.get(f"/orgs/{own}").text) == "3"


def probe_attack(app, victim_level: float, genuine: tuple[float, ...] = (), nightly: bool = True) -> list[tuple]:
    """The tester's attack: a facilitator makes 5 enterprise organisations through the API, opts them in,
    sets 4 at level 1 and binary-searches the fifth against the only other enterprise organisation (a
    victim at ``victim_level``; ``genuine``: other owners' enterprise organisations too), reading
    report.csv?table=benchmark after each submit (and, ``nightly``, the refresh after it). What the attacker saw."""
    from tests.api_helpers import ApiClient, make_token
    pooled_org(app, None, "Victim", victim_level, size="enterprise")
    for i, level in enumerate(genuine):
        pooled_org(app, None, f"Genuine {i}", level, size="enterprise")
    attacker, attacker_id = owner_of(app, "attacker@example.org")
    api = ApiClient(app, make_token(app, attacker_id))
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    context = {**FULL_CONTEXT, "org_size": "enterprise", "delivery_mix": "hybrid"}

    def submit(org: int, level: float, period: str) -> None:
        answers = demo_answers(questionnaire, {d.id: level for d in questionnaire.dimensions}, random.Random(1))
        created = api.post(f"/api/v1/orgs/{org}/assessments", json={"answers": answers, "context": context,
                                                                    "period": period})
        assert created.status_code == 201, created.get_json()
        assert api.post(f"/api/v1/orgs/{org}/assessments/{created.get_json()['id']}/submit").status_code == 200

    orgs = [api.post("/api/v1/orgs", json={"name": f"Probe {i}"}).get_json()["id"] for i in range(5)]
    for i, org in enumerate(orgs):
        assert attacker.post(f"/orgs/{org}/benchmark", {"opt_in": "1"}).status_code == 302
        submit(org, 1.0 if i < 4 else 3.0, "2026-Q1")
    low, high, seen = 1.0, 5.0, []
    for step in range(6):
        probe = (low + high) / 2
        submit(orgs[4], probe, f"2026-Q{step % 4 + 1}/{step}")
        if nightly:  # the attacker waits for each night's refresh
            refresh(app)
        answer = attacker.get(f"/orgs/{orgs[4]}/report.csv?table=benchmark")
        rows = list(csv.reader(io.StringIO(answer.text))) if answer.status_code == 200 else []
        seen.append((probe, answer.status_code, rows))
        overall = {r[0]: r[1] for r in rows[1:]}.get("Overall")
        # Above the victim, the probe's standing rises: search lower, as the tester did.
        if overall is not None and int(overall) >= 4:
            high = probe
        else:
            low = probe
    return seen


def test_probing_a_peer_with_organisations_one_owns_recovers_nothing(make_app, tmp_path):
    # The same attack against a victim at 1.8 and at 4.2: the attacker sees exactly the same.
    seen = [probe_attack(make_app(tmp_path / f"victim-{level}.sqlite3"), level) for level in (1.8, 4.2)]
    assert seen[0] == seen[1]
    assert all(status == 404 for _probe, status, _rows in seen[0])  # its own four never make a group


def test_with_genuine_peers_probes_within_a_day_see_one_unchanging_quarter(make_app, tmp_path):
    # Four other owners' organisations too: the group is shown, by quarter only, and it stays as the
    # last refresh left it however often the attacker moves its probe in between: at most one
    # comparison per night, never the binary search's 26 calls.
    seen = probe_attack(make_app(tmp_path / "victim.sqlite3"), 3.0, (1.5, 2.5, 3.5, 4.5), nightly=False)
    assert [rows for _probe, _status, rows in seen] == [seen[0][2]] * len(seen)
    assert seen[0][1] == 200
    assert [row[1:] for row in seen[0][2][1:]] == [["3", "upper middle quarter"]] * 6


def test_the_population_is_refreshed_by_the_nightly_command_or_once_a_day_old(app):
    owner, owner_id = owner_of(app)
    own = pooled_org(app, owner_id, "Own", 3.0)
    peers(app, MIN_GROUP - 1)
    page = visible_text(owner.get(f"/orgs/{own}").text)  # the first use builds it
    assert "Not shown yet: 1 more organisation" in page
    pooled_org(app, None, "Fifth", 3.5)
    assert "Not shown yet: 1 more organisation" in visible_text(owner.get(f"/orgs/{own}").text)
    done = app.test_cli_runner().invoke(args=["benchmark", "refresh"])
    assert done.exit_code == 0 and f"{MIN_GROUP + 1} organisations take part" in done.output
    assert overall_quarter(owner.get(f"/orgs/{own}").text) == "3"
    # A sixth one waits for the next refresh, which a read makes itself once the last is a day old.
    pooled_org(app, None, "Sixth", 1.0)
    assert "Against 5 other organisations" in visible_text(owner.get(f"/orgs/{own}").text)
    with opened(app) as db:
        db.execute("UPDATE benchmark_snapshot SET taken_at = ?", ["2026-01-01T00:00:00+00:00"])
        db.conn.commit()
    assert "Against 6 other organisations" in visible_text(owner.get(f"/orgs/{own}").text)
