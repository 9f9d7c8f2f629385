"""Helpers for the security tests: people, organisations and assessments (the fixtures that use
them, `world` and `module_world`, are in conftest.py).

`world` builds, through the store on the app's database, an admin and two facilitators,
Alice (A) and Bob (B), each owning an organisation with a submitted assessment (submitted
through the web, so the snapshot is the real one), plus a stand-alone self-assessment of
Bob's that he attached to his organisation (its original private link is kept), and, where
the app has them, a unit and two workshops (one open, one closed) of Bob's organisation.
Alice and Bob each get a test client signed in through /login.

"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import FULL_CONTEXT, PASSWORD, AuthActions, page_csrf, signed_in_client

BOB_NOTE = "Bob's private note: the steering board never meets."


def login(client, email: str, password: str = PASSWORD, next_url: str | None = None, **kwargs):
    """Sign in through the login page, like a person (the conftest auth helper)."""
    return AuthActions(client).login(email, password, next_url, **kwargs)


def session_data(app, client) -> dict:
    """The decoded content of the client's signed session cookie ({} without one)."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return {}
    return dict(app.session_interface.get_signing_serializer(app).loads(cookie.value))


def anonymous_client(app):
    """A new anonymous test client with its session's CSRF token as `.csrf`."""
    client = app.test_client()
    client.csrf = page_csrf(client)
    return client


# --------------------------------------------------------------------------
# Data through the store
# --------------------------------------------------------------------------


def member_token_for(app, response_id: int) -> str:
    """The /r/m<id>.<hmac> link token of an organisation's response."""
    from app.web.access import member_token

    with app.app_context():
        return member_token(response_id)


def all_answers(questionnaire, level: int = 3) -> dict[str, int]:
    return {q.id: level for q in questionnaire.questions()}


def submit_through_web(app, client, response_id: int) -> None:
    """Submit a response the way its member does: POST the review page's form on its member link."""
    token = member_token_for(app, response_id)
    response = client.post(f"/r/{token}/submit", data={"csrf_token": page_csrf(client)})
    assert response.status_code == 302 and response.location.endswith("/result"), response.status_code


def org_assessment(app, db, org_id: int, user_id: int, title: str = "", level: int = 3,
                   notes: dict[str, str] | None = None) -> int:
    """An answered (not yet submitted) assessment of an organisation by one member; return the response id."""
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    response_id = store.create_org_assessment(db, org_id, user_id, questionnaire.id, questionnaire.version,
                                              title=title)
    store.save_context(db, response_id, FULL_CONTEXT)
    store.save_answers(db, response_id, all_answers(questionnaire, level))
    for dimension, text in (notes or {}).items():
        store.save_note(db, response_id, dimension, text)
    return response_id


@dataclass
class Person:
    id: int
    email: str
    name: str
    role: str
    password: str = PASSWORD
    client: Any = None

    @property
    def csrf(self) -> str:
        return self.client.csrf


@dataclass
class World:
    """Who and what exists; ids are Bob's unless the name says otherwise."""

    app: Any
    admin: Person
    a: Person
    b: Person
    org_a: int
    org_b: int
    org_a_name: str
    org_b_name: str
    a_response: int  # submitted assessment of Alice's organisation
    a_assessment: int
    b_response: int  # submitted assessment of Bob's organisation
    b_assessment: int
    b_snapshot: int
    b_token: str  # member link of b_response
    b_private_response: int  # Bob's stand-alone self-assessment, attached to his organisation, in progress
    b_private_assessment: int
    b_private_token: str  # its original private link
    b_private_member_token: str  # its member link
    b_assessment2: int  # a second submitted assessment of Bob's organisation (comparisons need two)
    b_unit: int | None = None  # a unit of Bob's organisation, when the app has units
    b_unit_name: str = ""
    b_workshop: int | None = None  # an open workshop of Bob's organisation, when the app has workshops
    b_workshop_code: str = ""
    b_closed_workshop: int | None = None  # and a closed one, with its report

    def db(self):
        return store.open_db(self.app.config["DATABASE"])

    def b_secrets(self) -> list[str]:
        """Strings only members of Bob's organisation may see."""
        found = [self.org_b_name, self.b_token, self.b_private_token, self.b_private_member_token, BOB_NOTE,
                 self.b.email, "Bob Q1", "Bob Q2", "Bob's first self-assessment", "Bob's colleague"]
        found += [self.b_unit_name] if self.b_unit_name else []
        return found + ([BOB_WORKSHOP, self.b_workshop_code] if self.b_workshop_code else [])


ORG_A_NAME, ORG_B_NAME = "Alice Analytics Ltd", "Bobcat Bridges & Co"
BOB_WORKSHOP = "Bob's board workshop"


def build_world(app) -> World:
    """Create the admin, Alice and Bob, their organisations and assessments; sign Alice and Bob in."""
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    db = store.open_db(app.config["DATABASE"])
    try:
        people = {}
        for key, email, name, role in (("admin", "admin@example.org", "Ada Admin", "admin"),
                                       ("a", "alice@example.org", "Alice", "facilitator"),
                                       ("b", "bob@example.org", "Bob", "facilitator")):
            people[key] = Person(store.create_user(db, email, PASSWORD, role=role, name=name,
                                                   password_method=app.config["PASSWORD_HASH_METHOD"]),
                                 email, name, role)
        a, b = people["a"], people["b"]
        org_a = store.create_org(db, ORG_A_NAME, a.id)
        org_b = store.create_org(db, ORG_B_NAME, b.id)
        # The admin is a plain member of Bob's organisation: a removal would succeed if a check failed.
        store.set_member(db, org_b, people["admin"].id, "member")
        unit, unit_name = None, ""
        if hasattr(store, "create_unit"):
            unit_name = "Bob's Northern Unit"
            unit = store.create_unit(db, org_b, unit_name)
        workshop, code, closed_workshop = None, "", None
        if hasattr(store, "create_workshop"):
            workshop, closed_workshop = (
                store.create_workshop(db, org_b, b.id, title=title, mode="named", roles=[], context=FULL_CONTEXT,
                                      questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version)
                for title in (BOB_WORKSHOP, BOB_WORKSHOP + " (closed)"))
            code = store.get_workshop(db, org_b, workshop)["join_code"]
            for each in (workshop, closed_workshop):
                token = store.join_workshop(db, store.get_workshop(db, org_b, each), display_name="Bob's colleague")
                store.save_answers(db, store.response_by_token(db, token)["id"], all_answers(questionnaire, 3))
        a_response = org_assessment(app, db, org_a, a.id, title="Alice Q1", level=2)
        b_response = org_assessment(app, db, org_b, b.id, title="Bob Q1", level=4, notes={"governance": BOB_NOTE})
        b_response2 = org_assessment(app, db, org_b, b.id, title="Bob Q2", level=5)
        private_response, private_token = store.create_self_assessment(db, questionnaire.id, questionnaire.version)
        store.save_context(db, private_response, FULL_CONTEXT)
        store.save_answers(db, private_response, {q.id: 2 for q in questionnaire.dimension(DIMENSIONS[0]).questions})
        store.save_note(db, private_response, DIMENSIONS[0], BOB_NOTE)
        private_assessment = store.response_by_id(db, private_response)["assessment_id"]
        store.attach_assessment(db, private_assessment, org_b, title="Bob's first self-assessment")

        a.client = signed_in_client(app, a.email)
        b.client = signed_in_client(app, b.email)
        submit_through_web(app, a.client, a_response)
        submit_through_web(app, b.client, b_response)
        submit_through_web(app, b.client, b_response2)
        if closed_workshop is not None:
            closed = b.client.post(f"/orgs/{org_b}/workshops/{closed_workshop}/close",
                                   data={"csrf_token": page_csrf(b.client), "confirm": "yes"})
            assert closed.status_code == 302, closed.status_code
        a_row, b_row = store.response_by_id(db, a_response), store.response_by_id(db, b_response)
        return World(
            app=app, admin=people["admin"], a=a, b=b,
            org_a=org_a, org_b=org_b, org_a_name=ORG_A_NAME, org_b_name=ORG_B_NAME,
            a_response=a_response, a_assessment=a_row["assessment_id"],
            b_response=b_response, b_assessment=b_row["assessment_id"], b_snapshot=b_row["snapshot_id"],
            b_token=member_token_for(app, b_response),
            b_assessment2=store.response_by_id(db, b_response2)["assessment_id"],
            b_private_response=private_response, b_private_assessment=private_assessment,
            b_private_token=private_token, b_private_member_token=member_token_for(app, private_response),
            b_unit=unit, b_unit_name=unit_name, b_workshop=workshop, b_workshop_code=code,
            b_closed_workshop=closed_workshop,
        )
    finally:
        db.close()


def sign_in_admin(world: World):
    """Sign the admin in (lazily: most tests do not need them)."""
    if world.admin.client is None:
        world.admin.client = signed_in_client(world.app, world.admin.email)
    return world.admin.client


# --------------------------------------------------------------------------
# Reading the database and pages
# --------------------------------------------------------------------------

# Tables that change on every request or sign-in, and throttling counters: not anybody's data.
VOLATILE_TABLES = {"sessions", "health_probe", "api_token_usage"}


def dump_data(db_path) -> dict[str, list[tuple]]:
    """Every row of every table people's data lives in, to compare before and after."""
    db = store.open_db(db_path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(tuple, db.execute(f'SELECT * FROM "{t}"').fetchall()), key=repr)
                for t in tables
                if t not in VOLATILE_TABLES and not t.endswith("_failures") and not t.startswith(("_", "sqlite_"))}
    finally:
        db.close()


def diff_dumps(before: dict, after: dict) -> list[str]:
    """Human-readable differences between two dumps."""
    problems = []
    for table in sorted(set(before) | set(after)):
        old, new = set(before.get(table, [])), set(after.get(table, []))
        problems += [f"{table}: row gone or changed: {row!r}" for row in sorted(old - new, key=repr)[:5]]
        problems += [f"{table}: row added or changed: {row!r}" for row in sorted(new - old, key=repr)[:5]]
    return problems


@dataclass
class Tag:
    name: str
    attrs: dict[str, str]
    text: str = ""  # for <script>: its content


class PageParser(html.parser.HTMLParser):
    """Collect every start tag with its attributes, and the content of every <script>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[Tag] = []
        self._script: Tag | None = None

    def handle_starttag(self, tag, attrs):
        element = Tag(tag, {k.lower(): (v or "") for k, v in attrs})
        self.tags.append(element)
        if tag == "script":
            self._script = element

    def handle_data(self, data):
        if self._script is not None:
            self._script.text += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def parse_page(text: str) -> list[Tag]:
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return parser.tags


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc")


def script_problems(text: str) -> list[str]:
    """What a strict CSP would refuse, or an injection would use: inline code and script URLs."""
    problems = []
    for tag in parse_page(text):
        if tag.name == "script" and not tag.attrs.get("src") and tag.attrs.get("type") != "application/json":
            problems.append(f"inline <script> without src: {tag.text.strip()[:80]!r}")
        for name, value in tag.attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag.name} {name}=...>: an event handler attribute")
            if name in URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(
                    ("javascript:", "vbscript:", "data:text/html")):
                problems.append(f"<{tag.name} {name}={value!r}>: a script URL")
    return problems


def json_blocks(text: str) -> list[str]:
    """The raw content of every <script type="application/json"> block, as the browser delimits it."""
    return re.findall(r'<script\b[^>]*type="application/json"[^>]*>(.*?)</script', text, flags=re.S | re.I)


# --------------------------------------------------------------------------
# Routes, generated from the app's URL map
# --------------------------------------------------------------------------

# Never walked: files, not views.
SKIPPED_ENDPOINTS = {
    "static": "the app's own CSS, JS and icon files",
    "bootstrap.static": "Bootstrap's CSS and JS, served locally",
}
FALLBACK_ID = 987_654  # for an id the world has no value for: must simply not exist


@dataclass(frozen=True)
class RouteCase:
    method: str
    rule: str
    endpoint: str
    url: str
    variant: str
    fallback: bool  # some part of the URL had no value from the world (a made-up id)

    def __str__(self) -> str:
        return f"{self.method} {self.url}  [{self.rule}; {self.variant}]"


def walked_rules(app):
    """Every rule of the app except static files, with the methods a client can call."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        yield rule, sorted(rule.methods - {"HEAD", "OPTIONS"})


def _values_for(rule, name: str, ids: dict[str, list], strings: dict[str, list]) -> tuple[list, bool]:
    """Candidate values for one URL argument, and whether they are made up."""
    from werkzeug.routing.converters import AnyConverter, IntegerConverter, UUIDConverter

    converter = rule._converters.get(name)
    if isinstance(converter, IntegerConverter):
        if name in ids:
            return list(ids[name]), False
        return [FALLBACK_ID if name.endswith("_id") else 1], True
    if isinstance(converter, AnyConverter):
        return [sorted(converter.items)[0]], False
    if isinstance(converter, UUIDConverter):
        return ["00000000-0000-4000-8000-000000000000"], True
    if name in strings:
        return list(strings[name]), False
    if name in ids:
        return [str(v) for v in ids[name]], False
    return ["x"], True


def route_cases(app, ids: dict[str, list], strings: dict[str, list], methods=None,
                variant: str = "B's ids") -> list[RouteCase]:
    """One case per rule, method and combination of candidate values of its arguments."""
    import itertools

    cases = []
    for rule, rule_methods in walked_rules(app):
        names = sorted(rule.arguments)
        options, fallback = [], False
        for name in names:
            values, made_up = _values_for(rule, name, ids, strings)
            options.append(values)
            fallback = fallback or made_up
        for combo in itertools.product(*options):
            built = rule.build(dict(zip(names, combo)), append_unknown=False)
            if built is None:
                continue
            for method in rule_methods:
                if methods is None or method in methods:
                    cases.append(RouteCase(method, rule.rule, rule.endpoint, built[1], variant, fallback))
    return cases


def world_ids(world: World) -> dict[str, list]:
    """Bob's ids, by the name a URL argument would have."""
    ids = {
        "org_id": [world.org_b],
        "assessment_id": [world.b_assessment, world.b_private_assessment],
        "user_id": [world.b.id, world.admin.id],
        "response_id": [world.b_response, world.b_private_response],
        "snapshot_id": [world.b_snapshot],
    }
    if world.b_unit is not None:
        ids["unit_id"] = [world.b_unit]
    if world.b_workshop is not None:
        ids["workshop_id"] = [world.b_workshop, world.b_closed_workshop]
    return ids


def world_strings(world: World) -> dict[str, list]:
    strings = {
        "token": [world.b_token, world.b_private_member_token, world.b_private_token],
        "dimension": [DIMENSIONS[0]],
        "fmt": ["html", "xlsx"],  # a report as a page and as a file; the other formats share their checks
        "name": ["swagger-ui.css"],  # the API docs page's vendored files
    }
    if world.b_workshop_code:
        strings["code"] = [world.b_workshop_code]
    return strings


def world_query(world: World) -> str:
    """Query parameters naming Bob's things, for pages that take ids from the query string."""
    params = [("a", world.b_assessment), ("a", world.b_assessment2)]
    if world.b_unit is not None:
        params.append(("unit", world.b_unit))
    return urlencode(params)


def attack_form(world: World, csrf: str) -> dict[str, str]:
    """A form that would change Bob's things if a check let it through (valid CSRF token included)."""
    questionnaire = world.app.extensions["pmo_content"].default_questionnaire
    first = questionnaire.dimension(DIMENSIONS[0]).questions[0]
    form = {
        "csrf_token": csrf, "name": "Taken over", "title": "Taken over", "email": world.a.email, "role": "owner",
        "action": "remove", "org_id": str(world.org_a), "note": "written by an intruder",
        f"q-{first.id}": "1", "period": "1999-Q1", "assessed_on": "1999-01-01", "status": "done",
        "owner": "intruder", "unit": str(world.b_unit or ""), "item_id": "x", "current": PASSWORD,
        "password": "another long passphrase", "confirm": "another long passphrase",
        **{f"target-{d}": "5" for d in DIMENSIONS},
        **{k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in FULL_CONTEXT.items()},
    }
    return form


def attack_json(world: World) -> dict:
    questionnaire = world.app.extensions["pmo_content"].default_questionnaire
    first = questionnaire.dimension(DIMENSIONS[0]).questions[0]
    return {"answers": {first.id: 1}, "name": "Taken over", "org_id": world.org_a, "role": "owner"}
