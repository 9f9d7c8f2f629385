"""Access control walked over every route of the app, generated from its URL map.

Every rule and method is requested with Bob's ids and links substituted: as Alice (signed in,
a member of her own organisation only) everything answers 403 or 404; anonymously everything
protected sends the visitor to the sign-in page or refuses; nothing answers 5xx; and Bob's
data is the same afterwards. New routes are walked as soon as they are registered; a new
route that answers anonymous visitors must be added to PUBLIC_ROUTES on purpose.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from app import store
from tests.helpers import page_csrf
from tests.world import (
    FALLBACK_ID,
    SKIPPED_ENDPOINTS,
    RouteCase,
    anonymous_client,
    attack_form,
    attack_json,
    diff_dumps,
    dump_data,
    route_cases,
    script_problems,
    walked_rules,
    world_ids,
    world_query,
    world_strings,
)

# Routes anyone may use without an account, each with the reason. Everything else is protected.
PUBLIC_ROUTES = {
    "/": "the home page, where anyone starts a self-assessment",
    "/healthz": "the health check of load balancers and the benchmarks",
    "/vendor/plotly.min.js": "plotly.js, served by the app itself (no CDN)",
    "/login": "signing in",
    "/setup": "first-run setup of the first admin (404 as soon as an account exists)",
    "/logout": "signing out ends only the caller's own session, and does nothing without one",
    "/start": "starts an anonymous self-assessment reached only by its own private link",
    "/join": "workshop participants type the code shown on the projector; they have no account",
    "/join/<code>": "joining an open workshop by its code (link or QR) needs no account: the code is the key",
    "/questionnaire/answers-template.xlsx": "the blank answers template holds only the questionnaire",
    "/import": "a filled answers template starts a new anonymous self-assessment, like /start",
    "/api/openapi.json": "the API's OpenAPI description: what it accepts, none of anybody's data",
    "/api/docs": "the API's documentation page, rendering /api/openapi.json",
    "/api/docs/vendor/<name>": "Swagger UI's script and style sheet for the docs page, served by the app (no CDN)",
}
# The JSON API authenticates by token, never by cookie: tests/test_api_walk.py walks its routes with
# Alice's and Bob's tokens. Here (cookies), every API route must answer 401 like any stranger.
API_RULES = "/api/v1/"
# Public by design, but closed (404) once the first account exists, as in the walked world.
ONLY_BEFORE_FIRST_ACCOUNT = {"/setup"}
# Stand-alone self-assessments are public by design too, but only for whoever holds the
# random private link (a capability URL); the walk uses links of Bob's *attached* one, which
# must then only work for members. See test_unattached_private_link_opens_only_with_its_exact_token.
# Workshop participant pages (/w/<code>/...) need the participant's cookie besides the code:
# without it, they answer 404 like everything else of Bob's.

REDIRECTS = (301, 302, 303, 307, 308)


def to_sign_in(response) -> bool:
    return response.status_code in REDIRECTS and urlsplit(response.location).path == "/login"


def protected(response) -> bool:
    """Refused, or sent to the sign-in page."""
    return response.status_code in (401, 403, 404) or to_sign_in(response)


@dataclass
class Outcome:
    who: str
    case: RouteCase
    body: str  # "", "form" or "json"
    status: int
    location: str | None
    leaks: list[str] = field(default_factory=list)
    is_protected: bool = False
    script_problems: list[str] = field(default_factory=list)  # of an HTML page that was shown

    def __str__(self) -> str:
        extra = f" -> {self.location}" if self.location else ""
        leaks = f" showing {self.leaks}" if self.leaks else ""
        return f"{self.who}: {self.case.method} {self.case.url} ({self.body or 'no body'}; {self.case.variant}) " \
               f"answered {self.status}{extra}{leaks}"


def request(client, world, case: RouteCase, body: str):
    if case.method == "GET":
        return client.get(case.url)
    headers = {"X-CSRFToken": client.csrf}
    if body == "json":
        return client.open(case.url, method=case.method, json=attack_json(world), headers=headers)
    return client.open(case.url, method=case.method, data=attack_form(world, client.csrf), headers=headers)


def bodies(case: RouteCase) -> list[str]:
    return [""] if case.method == "GET" else ["form", "json"]


def leaked(world, case: RouteCase, response) -> list[str]:
    """Bob's secrets in a response, other than what the request itself carried."""
    text = response.get_data().decode("utf-8", "replace")  # downloads are binary
    return [s for s in world.b_secrets()
            if s not in case.url and (s in text or html.escape(s) in text or html.escape(s, quote=False) in text)]


def has_arguments(case: RouteCase) -> bool:
    return "<" in case.rule


CROSS_ORG = "Alice's org with Bob's ids"
CROSS_ORG_ABSENT = "Alice's org with ids that do not exist"


def cross_org_cases(world) -> list[RouteCase]:
    """Alice's own organisation in the URL with Bob's other ids: the check must tie them together.

    Each comes with a twin naming ids that do not exist, so that an answer other than 403/404
    (a validation error before the lookup) can be shown not to depend on whose id it was.
    """
    cases = []
    for variant, ids in (
        (CROSS_ORG, {**world_ids(world), "org_id": [world.org_a]}),
        (CROSS_ORG_ABSENT, {**{k: [FALLBACK_ID] for k in world_ids(world)}, "org_id": [world.org_a]}),
    ):
        cases += [c for c in route_cases(world.app, ids, world_strings(world), variant=variant)
                  if "<int:org_id>" in c.rule and c.rule.count("<int:") > 1 and not c.rule.startswith(API_RULES)]
    return cases


def query_cases(world, org_id: int, variant: str) -> list[RouteCase]:
    """GET pages of an organisation with Bob's assessment and unit ids in the query string."""
    ids = {**world_ids(world), "org_id": [org_id]}
    query = world_query(world)
    return [RouteCase(c.method, c.rule, c.endpoint, f"{c.url}?{query}", variant, c.fallback)
            for c in route_cases(world.app, ids, world_strings(world), methods={"GET"}, variant=variant)
            if "<int:org_id>" in c.rule]


@dataclass
class Walk:
    world: object
    cases: list[RouteCase]
    alice: list[Outcome]
    alice_own: list[Outcome]
    anonymous: list[Outcome]
    public: list[Outcome]
    bob: list[Outcome]
    before: dict
    after: dict

    def all(self) -> list[Outcome]:
        return self.alice + self.alice_own + self.anonymous + self.public + self.bob


@pytest.fixture(scope="module")
def walk(module_world) -> Walk:
    """Walk every route once as Alice, anonymously and (after the data check) as Bob."""
    w = module_world
    app = w.app
    cases = route_cases(app, world_ids(w), world_strings(w))
    alice_cases = [c for c in cases if has_arguments(c) and c.rule not in PUBLIC_ROUTES
                   and not c.rule.startswith(API_RULES)] + cross_org_cases(w)
    alice_query = query_cases(w, w.org_a, "Alice's org, Bob's ids in the query")
    alice_own = [c for c in cases if not has_arguments(c) and c.rule not in PUBLIC_ROUTES and c.method == "GET"]
    anonymous_cases = [c for c in cases if c.rule not in PUBLIC_ROUTES]
    public_cases = [c for c in cases if c.rule in PUBLIC_ROUTES]
    alice, anon = w.a.client, anonymous_client(app)

    def run(who, client, case_list):
        outcomes = []
        for case in case_list:
            for body in bodies(case):
                response = request(client, w, case, body)
                shown = response.status_code == 200 and response.mimetype == "text/html"
                outcomes.append(Outcome(who, case, body, response.status_code, response.headers.get("Location"),
                                        leaked(w, case, response), protected(response),
                                        script_problems(response.get_data(as_text=True)) if shown else []))
        return outcomes

    before = dump_data(app.config["DATABASE"])
    walked_alice = run("Alice", alice, alice_cases)
    walked_alice_own = run("Alice", alice, alice_own + alice_query)
    walked_anon = run("anonymous", anon, anonymous_cases)
    after = dump_data(app.config["DATABASE"])
    # After the data check: these may change things (a new self-assessment, Bob's current step).
    walked_public = run("anonymous", anonymous_client(app), public_cases)
    # Member pages: those of an organisation or an assessment link (participant pages need a cookie).
    bob_cases = [c for c in cases + query_cases(w, w.org_b, "Bob's org, his ids in the query")
                 if c.method == "GET" and not c.fallback and ("<int:org_id>" in c.rule or "<token>" in c.rule)
                 and not c.rule.startswith(API_RULES)]
    walked_bob = run("Bob", w.b.client, bob_cases)
    return Walk(w, cases, walked_alice, walked_alice_own, walked_anon, walked_public, walked_bob, before, after)


def report(outcomes: list[Outcome], limit: int = 40) -> str:
    lines = [str(o) for o in outcomes[:limit]]
    if len(outcomes) > limit:
        lines.append(f"... and {len(outcomes) - limit} more")
    return "\n".join(lines)


# --------------------------------------------------------------------------


def test_the_walk_covers_every_route_and_method(walk):
    walked = {(c.method, c.rule) for c in walk.cases}
    expected = {(m, rule.rule) for rule, methods in walked_rules(walk.world.app) for m in methods}
    assert walked == expected
    assert set(SKIPPED_ENDPOINTS) == {"static", "bootstrap.static"}
    # The routes that matter most are really in it, with Bob's ids and every kind of link.
    urls = {c.url for c in walk.cases}
    w = walk.world
    assert f"/orgs/{w.org_b}" in urls
    assert f"/orgs/{w.org_b}/members/{w.admin.id}" in urls
    for token in (w.b_token, w.b_private_token, w.b_private_member_token):
        assert f"/r/{token}/answers" in urls and f"/r/{token}/attach" in urls


def test_alice_gets_403_or_404_for_everything_of_bobs(walk):
    wrong = [o for o in walk.alice if o.status not in (403, 404) and o.case.variant != CROSS_ORG_ABSENT]
    # With her own organisation in the URL, a validation error (400) that comes before the
    # lookup is no leak as long as ids that do not exist get the very same answer.
    twins = {(o.case.rule, o.case.method, o.body): o.status for o in walk.alice if o.case.variant == CROSS_ORG_ABSENT}
    wrong = [o for o in wrong if not (o.case.variant == CROSS_ORG and o.status == 400
                                      and twins.get((o.case.rule, o.case.method, o.body)) == 400)]
    assert not wrong, "Alice reached Bob's organisation:\n" + report(wrong)
    assert len(walk.alice) > 50


def test_cookies_open_no_api_route(walk):
    """Alice's session cookie is no token: every API route answers 401, whoever's ids it names."""
    api = [o for o in walk.anonymous + walk.alice_own if o.case.rule.startswith(API_RULES)]
    assert api and all(o.status == 401 for o in api), report([o for o in api if o.status != 401])


def test_alice_sees_nothing_of_bobs_on_her_own_pages(walk):
    """Pages without ids (her list, her account) and her organisation's pages given Bob's ids in the query."""
    wrong = [o for o in walk.alice_own if o.leaks or not (o.is_protected or o.status < 400)]
    assert not wrong, "Alice's own pages showed Bob's things:\n" + report(wrong)
    leaking = [o for o in walk.alice if o.leaks]
    assert not leaking, "refusals that still showed Bob's things:\n" + report(leaking)


def test_anonymous_visitors_are_sent_to_sign_in_or_refused(walk):
    wrong = [o for o in walk.anonymous if not o.is_protected]
    assert not wrong, "anonymous requests that were answered:\n" + report(wrong)
    # Pages (GET) send people to the sign-in page rather than a bare error; JSON answers 401.
    pages = [o for o in walk.anonymous if o.case.method == "GET" and o.status in (401, 403)
             and not o.case.url.endswith(".json") and not o.case.url.startswith("/api/")]
    assert not pages, report(pages)


def test_no_request_answers_5xx(walk):
    broken = [o for o in walk.all() if o.status >= 500]
    assert not broken, "server errors:\n" + report(broken)


def test_bobs_data_is_unchanged_after_the_walk(walk):
    assert diff_dumps(walk.before, walk.after) == []
    w = walk.world
    db = w.db()
    try:
        assert store.get_org(db, w.org_b)["name"] == w.org_b_name
        assert {m["email"]: m["role"] for m in store.members(db, w.org_b)} == {
            w.b.email: "owner", w.admin.email: "member"}
        assert store.membership(db, w.org_b, w.a.id) is None
        snapshots = db.execute("SELECT count(*) FROM snapshots s JOIN assessments a ON a.id = s.assessment_id "
                               "WHERE a.org_id = ?", [w.org_b]).fetchone()[0]
        assert snapshots == len(walk.before["snapshots"]) - 1  # all but Alice's
        private = store.response_by_id(db, w.b_private_response)
        assert private["status"] == "in_progress" and private["org_id"] == w.org_b
        assert set(store.load_answers(db, w.b_private_response).values()) == {2}
        assert store.load_notes(db, w.b_private_response) != {}
        assert store.get_user(db, w.b.id)["active"] == 1
    finally:
        db.close()
    # Bob is still signed in: nothing in the walk ended his session.
    assert w.b.client.get(f"/orgs/{w.org_b}").status_code == 200


def test_public_routes_are_exactly_the_declared_ones(walk):
    rules = {rule.rule for rule, _ in walked_rules(walk.world.app)}
    assert set(PUBLIC_ROUTES) <= rules, f"declared public but gone: {set(PUBLIC_ROUTES) - rules}"
    answered = {o.case.rule for o in walk.public + walk.anonymous if not o.is_protected}
    assert answered == set(PUBLIC_ROUTES) - ONLY_BEFORE_FIRST_ACCOUNT, (
        "a route answers anonymous visitors without being declared public (or a declared one no longer does); "
        "add it to PUBLIC_ROUTES with its reason, or protect it")
    closed = [o for o in walk.public if o.case.rule in ONLY_BEFORE_FIRST_ACCOUNT]
    assert closed and all(o.status == 404 for o in closed)


def test_no_page_of_the_walk_has_inline_script(walk):
    """Every HTML page the walk was shown (Bob's, Alice's own, the public ones) loads scripts by src only."""
    wrong = [f"{o.case.url}: {p}" for o in walk.all() for p in o.script_problems]
    assert not wrong, "\n".join(wrong[:20])
    assert len([o for o in walk.bob if o.status == 200]) >= 20


def test_the_walk_reaches_bobs_pages_as_bob(walk):
    """The walk's URLs are real: each page answers its owner, so Alice's 404s are refusals, not typos."""
    reached = {o.case.rule for o in walk.bob if o.status < 400}
    wanted = {o.case.rule for o in walk.bob}
    assert wanted - reached == set(), "pages Bob could not open with his own ids: " + ", ".join(
        sorted(wanted - reached))
    assert not [o for o in walk.bob if o.status >= 500]


# --------------------------------------------------------------------------
# Ids in the body or the query, and links
# --------------------------------------------------------------------------


def test_alice_cannot_give_her_own_assessment_to_bobs_organisation(module_world):
    world = module_world
    alice = world.a.client
    started = alice.post("/start", data={"csrf_token": alice.csrf})
    token = started.location.split("/r/")[1].split("?")[0]
    refused = alice.post(f"/r/{token}/attach", data={"csrf_token": alice.csrf, "org_id": str(world.org_b),
                                                      "title": "Planted"})
    assert refused.status_code == 404
    db = world.db()
    try:
        assert store.response_by_token(db, token)["org_id"] is None
        assert "Planted" not in [a["title"] for a in store.org_assessments(db, world.org_b)]
    finally:
        db.close()


def _bobs_unit_in_alices_form(world):
    return [
        ("org_assessments.start", f"/orgs/{world.org_a}/assessments", {"title": "x"}),
        ("dashboard.update_progress", f"/orgs/{world.org_a}/progress", {"item_id": "x", "status": "done"}),
        ("org_assessments.details", f"/orgs/{world.org_a}/assessments/{world.a_assessment}/details",
         {"period": "2020-Q1", "assessed_on": "2020-01-01"}),
    ]


@pytest.mark.parametrize("index", range(3), ids=["start-assessment", "roadmap-progress", "assessment-details"])
def test_a_unit_of_another_organisation_is_refused(module_world, index):
    """Alice's own organisation with Bob's unit id in the form: 404, and nothing is created or changed."""
    world = module_world
    endpoint, url, form = _bobs_unit_in_alices_form(world)[index]
    if endpoint not in world.app.view_functions or world.b_unit is None:
        pytest.skip(f"{endpoint} is not part of the app")
    before = dump_data(world.app.config["DATABASE"])
    response = world.a.client.post(url, data={"csrf_token": world.a.csrf, "unit": str(world.b_unit), **form})
    assert response.status_code in (400, 404)
    assert diff_dumps(before, dump_data(world.app.config["DATABASE"])) == []


@pytest.mark.parametrize("forge", [
    lambda w: f"m{w.b_response}.{'0' * 32}",
    lambda w: f"m{w.b_response}",
    lambda w: f"m{w.b_response}." + w.b_token.split(".")[1][:-1] + ("0" if w.b_token[-1] != "0" else "1"),
    lambda w: f"m{w.b_private_response}." + w.b_token.split(".")[1],
    lambda w: w.b_private_token[:-1] + ("A" if w.b_private_token[-1] != "A" else "B"),
], ids=["zero-signature", "no-signature", "one-character-off", "signature-of-another-response", "private-link-off"])
def test_forged_links_are_404_even_for_members(module_world, forge):
    token = forge(module_world)
    assert module_world.b.client.get(f"/r/{token}").status_code == 404
    assert module_world.b.client.get(f"/r/{token}/result.json").status_code == 404


def test_unattached_private_link_opens_only_with_its_exact_token(app, client, questionnaire):
    started = client.post("/start", data={"csrf_token": page_csrf(client)})
    token = started.location.split("/r/")[1].split("?")[0]
    stranger = app.test_client()
    assert stranger.get(f"/r/{token}").status_code == 200
    assert stranger.get(f"/r/{token[:-1]}").status_code == 404
    assert stranger.get(f"/r/{token.swapcase()}").status_code == 404


def test_a_removed_member_loses_access_at_once(world):
    bob, alice = world.b.client, world.a.client
    added = bob.post(f"/orgs/{world.org_b}/members", data={"csrf_token": bob.csrf, "email": world.a.email,
                                                           "role": "member"})
    assert added.status_code == 302
    pages = [f"/orgs/{world.org_b}", f"/r/{world.b_token}/result", f"/r/{world.b_private_token}"]
    assert [alice.get(p).status_code for p in pages] == [200, 200, 200]
    removed = bob.post(f"/orgs/{world.org_b}/members/{world.a.id}", data={"csrf_token": bob.csrf,
                                                                          "action": "remove"})
    assert removed.status_code == 302
    assert [alice.get(p).status_code for p in pages] == [404, 404, 404]


def test_an_attached_private_link_asks_strangers_to_sign_in(module_world):
    w = module_world
    anonymous = w.app.test_client()
    response = anonymous.get(f"/r/{w.b_private_token}")
    assert to_sign_in(response)
    assert w.org_b_name not in response.get_data(as_text=True)
    assert w.a.client.get(f"/r/{w.b_private_token}").status_code == 404
    assert w.b.client.get(f"/r/{w.b_private_token}").status_code == 200


HUGE_ID = 2**63  # one more than SQLite's largest integer


def test_ids_beyond_sqlite_integers_answer_404_not_500(module_world):
    w = module_world
    client = w.a.client
    huge = {name: [HUGE_ID] for name in world_ids(w)}
    cases = route_cases(w.app, huge, world_strings(w), variant="ids beyond 64 bits")
    cases += route_cases(w.app, {**huge, "org_id": [w.org_a]}, world_strings(w),
                         variant="Alice's org, other ids beyond 64 bits")
    broken = []
    for case in cases:
        if "<int:" not in case.rule:
            continue
        for body in bodies(case):
            response = request(client, w, case, body)
            if response.status_code >= 500:
                broken.append(f"{case.method} {case.url} ({body or 'no body'}) answered {response.status_code}")
    # Ids in the query string and the form, on Alice's own organisation.
    for path in (f"/orgs/{w.org_a}?unit={HUGE_ID}",):
        if client.get(path).status_code >= 500:
            broken.append(f"GET {path}")
    for path, form in ((f"/orgs/{w.org_a}/assessments", {"unit": str(HUGE_ID)}),
                       (f"/r/{w.b_private_token}/attach", {"org_id": str(HUGE_ID)})):
        if client.post(path, data={"csrf_token": client.csrf, **form}).status_code >= 500:
            broken.append(f"POST {path} {form}")
    assert not broken, "server errors:\n" + "\n".join(broken[:30])
