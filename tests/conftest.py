"""Every fixture of the suite, flaskr-style: `make_app` builds an app on a database file with the
content loaded once per session; `app`, `client`, `runner`, `auth`, `fresh_db`, `respondent` and
the security tests' `world` build on it. Helpers to import are in tests/helpers.py.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from app import PROJECT_ROOT, create_app, store
from app.engine import load_content
from app.web.dashboard_data import clear_cache
from tests.helpers import CONTENT_FIXTURES, FAST_PASSWORD_METHOD, AuthActions, Respondent, build_bad_content, query
from tests.history_helpers import ALL_TWO, Member
from tests.workshop_helpers import Facilitator
from tests.world import World, build_world


# --------------------------------------------------------------------------
# How `make test` shares the suite between its workers (--dist loadfile --no-loadscope-reorder)
# --------------------------------------------------------------------------

# Files whose tests are independent of each other and of order: each test goes to whichever worker
# is free (every bench smoke starts its own processes and takes many seconds).
SPREAD = {"tests/test_bench_smoke.py", "tests/test_bench_smoke_servers.py"}
# Files that go to one worker together: the session fixture they share is built once per run, not
# once per worker (`uneven_results`: 2,000 organisations assessed, about 20 s of CPU; every file that asks
# for it is here, tests/test_suite_layout.py checks).
UNEVEN_FILES = ("tests/test_designs.py", "tests/test_design_plans.py", "tests/test_importance.py",
                "tests/test_roadmap_invariants.py", "tests/test_roadmap_decisive.py",
                "tests/test_roadmap_capacity.py", "tests/test_roadmap_fit.py")
TOGETHER = {path: "uneven-organisations" for path in UNEVEN_FILES}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Run the slow files first: the few that start servers or browsers take most of the run's time,
    yet xdist's own order (files with the most tests first) left them for the end, where one of them
    held up the whole run while the other worker idled."""
    def kind(item) -> int:
        if item.get_closest_marker("slow"):
            return 0
        return 1 if "/browser/" in item.path.as_posix() else 2

    rank: dict[Path, int] = {}
    for item in items:
        rank[item.path] = min(rank.get(item.path, 2), kind(item))
    items.sort(key=lambda item: rank[item.path])  # stable: a file's tests stay together, in order


def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile, with the exceptions above: a file's tests go to one worker, in order, sharing
    its fixtures, except the SPREAD files' tests (one by one) and the TOGETHER files (as one).
    (xdist's loadgroup cannot do this under pytest 9: it renames items by a field pytest no longer reads.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if path in SPREAD else TOGETHER.get(path, path)

    return Scheduling(config, log)


def pytest_terminal_summary(terminalreporter, config):
    """After --durations' slowest tests, the slowest files (setup, call and teardown summed): with whole
    files per worker, a long file is what holds up a run."""
    if not config.getoption("durations", None):
        return
    by_file: Counter[str] = Counter()
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) in ("setup", "call", "teardown"):
                by_file[report.nodeid.split("::", 1)[0]] += report.duration
    if by_file:
        terminalreporter.write_sep("=", "slowest files (setup + call + teardown)")
        for path, seconds in by_file.most_common(20):
            terminalreporter.write_line(f"{seconds:8.2f}s {path}")
    for line in worker_lines(terminalreporter.stats):
        terminalreporter.write_line(line)


def worker_lines(stats: dict) -> list[str]:
    """Per xdist worker: seconds spent in tests, and when its last test ended (seconds after the first test of
    the run began). A worker that ends long after the other is the run's tail; busy time far below the end
    is time spent between tests (collection, start-up, fixtures of the session)."""
    busy: Counter[str] = Counter()
    first, last = float("inf"), {}
    for reports in stats.values():
        for report in reports:
            node = getattr(report, "node", None)
            if getattr(report, "when", None) not in ("setup", "call", "teardown") or node is None:
                continue
            worker = node.gateway.id
            busy[worker] += report.duration
            first = min(first, report.start)
            last[worker] = max(last.get(worker, 0.0), report.stop)
    return [f"worker {worker}: {busy[worker]:.0f} s in tests, its last test ended {last[worker] - first:.0f} s "
            f"after the first began" for worker in sorted(busy)]


def share_url_builders() -> None:
    """Compile each route's URL builders once for the whole run, not once per app.

    Werkzeug compiles two builder functions per route from a generated syntax tree whenever an app
    registers its routes: about 0.1 s of CPU per app, most of what the suite's thousand-odd apps cost
    to make. A builder is a function of the rule's text, its parsed parts and its defaults only (it
    reaches the converters through the rule it is bound to), so every app gets the same one.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    if getattr(compile_builder, "shared", False):
        return
    built: dict[tuple, object] = {}

    def shared(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    shared.shared = True
    Rule._compile_builder = shared


share_url_builders()


def share_rule_parsing() -> None:
    """Parse each route's rule text once for the whole run, not once per app.

    Binding a route to an app's URL map parses its text into parts and regular expressions (Werkzeug's
    `Rule._parse_rule`): about 30 ms of CPU for the app's routes, two thirds of what an app costs to make.
    The parts are a function of the text and the map's converter classes only, so every app gets the same
    ones; each rule still gets converters of its own, made as Werkzeug makes them.
    """
    from werkzeug.routing.rules import Rule

    parse_rule = Rule._parse_rule
    if getattr(parse_rule, "shared", False):
        return
    parsed: dict[tuple, tuple] = {}

    def shared(self, rule):
        key = (rule, tuple(sorted(self.map.converters.items())))
        if key not in parsed:
            made, traced = [], len(self._trace)
            get_converter = self.get_converter

            def recording(variable, name, args, kwargs):
                made.append((variable, name, args, kwargs))
                return get_converter(variable, name, args, kwargs)

            self.get_converter = recording
            try:
                parts = list(parse_rule(self, rule))
            finally:
                del self.get_converter
            parsed[key] = (parts, self._trace[traced:], made)
            yield from parts
            return
        parts, trace, made = parsed[key]
        for variable, name, args, kwargs in made:
            self._converters[variable] = self.get_converter(variable, name, args, kwargs)
            self.arguments.add(variable)
        self._trace.extend(trace)
        yield from parts

    shared.shared = True
    shared.original = parse_rule  # for tests/test_suite_layout.py, which compares the two
    Rule._parse_rule = shared


share_rule_parsing()


def share_compiled_conditions() -> None:
    """Compile each rule condition once per worker, not once per content load.

    Loading the content compiles its 471 conditions with rule-engine: about half of the second or so a
    load costs, and the suite loads it some seventy times (every known-bad content file, and apps on a
    content root of their own). A compiled condition (or the ConditionError it raises) is a function of
    its text and the facts' types only, so a load whose questionnaire gives the same types gets the same
    one; everything else a load checks runs every time. tests/test_suite_layout.py compares the two.
    """
    from app.engine import facts, rulebook
    from app.engine.expressions import ConditionError

    compile_condition, rule_context = rulebook.compile_condition, rulebook.rule_context
    if getattr(compile_condition, "shared", False):
        return
    compiled: dict[tuple[str, str], object] = {}

    def typed_context(questionnaire, with_model):
        context = rule_context(questionnaire, with_model)
        context.fact_types = repr(sorted(facts.fact_types(questionnaire, with_model).items()))
        return context

    def shared(text, context):
        types = getattr(context, "fact_types", None)
        if types is None or not isinstance(text, str):
            return compile_condition(text, context)
        key = (text, types)
        if key not in compiled:
            try:
                compiled[key] = compile_condition(text, context)
            except ConditionError as err:
                compiled[key] = err
        found = compiled[key]
        if isinstance(found, ConditionError):
            raise ConditionError(str(found))
        return found

    shared.shared = True
    shared.original = (compile_condition, rule_context)
    rulebook.compile_condition, rulebook.rule_context = shared, typed_context


share_compiled_conditions()


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates shared by the many apps of a test run (each app would compile them again)."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session")
def content():
    return load_content(PROJECT_ROOT)


@pytest.fixture(scope="session")
def questionnaire(content):
    return content.default_questionnaire


UNEVEN_ORGANISATIONS = 2000


@pytest.fixture(scope="session")
def uneven_results(content, questionnaire):
    """(seed, answers, context, result) for 2,000 random, uneven organisations, assessed once for every
    test file that checks the advice's invariants over them (a seed reproduces one)."""
    import random

    from app.engine import run_assessment
    from tests.uneven import uneven_organisation

    out = []
    for seed in range(UNEVEN_ORGANISATIONS):
        answers, context = uneven_organisation(random.Random(seed), questionnaire)
        out.append((seed, answers, context, run_assessment(content, answers, context)))
    return out


@pytest.fixture(scope="session")
def bad_questionnaires(tmp_path_factory) -> dict[str, Path]:
    """Known-bad questionnaire files by name (tests/content/patches.yaml), built once."""
    return build_bad_content(CONTENT_FIXTURES, tmp_path_factory.mktemp("bad-questionnaires"))


@pytest.fixture(scope="session")
def make_app(content):
    """make_app(database, **config): an app in test mode on this database file.

    It reuses the session's loaded content (unless the config names another CONTENT_ROOT)
    and compiled templates, and hashes passwords cheaply. Config given here wins.
    """
    templates = MemoryBytecodeCache()

    def make(database, **config):
        settings = {"TESTING": True, "DATABASE": str(database), "SECRET_KEY": "test-secret",
                    "PASSWORD_HASH_METHOD": FAST_PASSWORD_METHOD, "LIVE_MIN_AGE": 0,
                    "REPORT_PRERENDER": False,  # seconds of CPU per result page: only where a test asks
                    # Every test client comes from one address: the /start limit per address would count
                    # a whole module's respondents together (tests of that limit set their own).
                    "START_LIMIT_PER_HOUR": 10_000,
                    **config}
        app = create_app(settings, content=None if "CONTENT_ROOT" in config else content)
        app.jinja_env.bytecode_cache = templates
        return app

    return make


@pytest.fixture
def db_path(tmp_path):
    """A fresh database file, on memory-backed /dev/shm where there is one (every commit syncs)."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path / "test.sqlite3"
        return
    folder = Path(tempfile.mkdtemp(prefix="pmo-test-", dir=shm))
    yield folder / "test.sqlite3"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An empty database with every migration applied, made once per run: a test's database starts as
    a copy of it (a file copy and a migration that finds nothing to do cost about 4 ms of CPU, migrating
    a new file about 30 ms). Tests of migrating a new file give make_app a path of their own."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    database = store.open_db(path)
    store.migrate(database)
    database.close()  # the last connection to close folds the write-ahead log into the file
    return path


@pytest.fixture
def app(make_app, db_path, migrated_database):
    shutil.copyfile(migrated_database, db_path)
    return make_app(db_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(client):
    """Sign the `client` in and out through the pages, with CSRF: auth.login(email, password)."""
    return AuthActions(client)


@pytest.fixture
def fresh_db(tmp_path, migrated_database):
    """A migrated database of its own, for store tests (a file: WAL and a second connection need one)."""
    shutil.copyfile(migrated_database, tmp_path / "store.sqlite3")
    database = store.open_db(tmp_path / "store.sqlite3")
    store.migrate(database)  # finds nothing to do, as on a server that restarts
    yield database
    database.close()


@pytest.fixture
def respondent(client, questionnaire):
    return Respondent(client, questionnaire)


@pytest.fixture
def submitted(respondent):
    """A self-assessment answered and submitted through the pages."""
    respondent.fill_context()
    respondent.answer_all(lambda q: 2 if q.id.startswith(("governance", "leadership")) else 3)
    assert respondent.submit().status_code == 302
    return respondent


@pytest.fixture
def world(app) -> World:
    """Alice, Bob, their organisations and assessments, on the function-scoped `app`: tests may change it."""
    return build_world(app)


@pytest.fixture(scope="module")
def module_world(make_app, tmp_path_factory) -> World:
    """The same cast on a module-wide app: only for tests that change nothing."""
    return build_world(make_app(tmp_path_factory.mktemp("world") / "world.sqlite3"))


# --------------------------------------------------------------------------
# Organisations over time
# --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def empty_dashboard_cache():
    """The dashboard cache lives in the worker, shared by every app of the process (see
    test_dashboards_of_two_databases_do_not_share_cached_data): every test starts without it."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def member(app):
    """A facilitator signed in on the function-scoped `app`, who creates organisations and assessments."""
    return Member(app, "owner@example.org")


@pytest.fixture(scope="module")
def history_world(make_app, tmp_path_factory):
    """Acme with one submitted assessment; an empty organisation; one with an assessment in progress;
    and another organisation with a unit and a submitted assessment. Only for tests that change nothing."""
    app = make_app(tmp_path_factory.mktemp("history") / "db.sqlite3")
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


# --------------------------------------------------------------------------
# Workshops
# --------------------------------------------------------------------------


@pytest.fixture
def fay(app):
    """A facilitator signed in on the function-scoped `app`."""
    return Facilitator(app)


@pytest.fixture
def org_id(fay):
    return fay.create_org()


@pytest.fixture
def workshop(fay, org_id):
    """An open anonymous workshop with the roles Exec and Delivery."""
    return fay.create_workshop(org_id)


@pytest.fixture
def named(fay, org_id):
    return fay.create_workshop(org_id, mode="named", title="Named workshop")
