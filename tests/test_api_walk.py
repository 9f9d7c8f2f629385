"""The web's access walk, over the JSON API with tokens: every API route and method, generated from
the URL map, with Bob's ids. Alice's token gets 404 everywhere (as her browser does on the web), even
with her own organisation in the URL; no token gets 401; nothing answers 5xx; Bob's data is the same
afterwards; and Bob's own token reaches every one of his resources, so the 404s are refusals."""

from __future__ import annotations

import pytest

from tests.api_helpers import ApiClient, make_token
from tests.world import FALLBACK_ID, attack_json, diff_dumps, dump_data, route_cases, world_ids, world_strings

API = "/api/v1/"


def api_cases(world, ids):
    return [c for c in route_cases(world.app, ids, world_strings(world)) if c.rule.startswith(API)]


@pytest.fixture(scope="module")
def api_walk(module_world):
    w = module_world
    alice = ApiClient(w.app, make_token(w.app, w.a.id, "alice"))
    bob = ApiClient(w.app, make_token(w.app, w.b.id, "bob"))
    nobody = ApiClient(w.app, None)
    bobs = [c for c in api_cases(w, world_ids(w)) if "<" in c.rule]
    # Alice's own organisation in the URL with Bob's other ids, and with ids that do not exist.
    mixed = [c for c in api_cases(w, {**world_ids(w), "org_id": [w.org_a]}) if c.rule.count("<int:") > 1]
    absent = [c for c in api_cases(w, {**{k: [FALLBACK_ID] for k in world_ids(w)}, "org_id": [w.org_a]})
              if c.rule.count("<int:") > 1]

    def run(client, cases):
        out = []
        for case in cases:
            url = case.url + ("?format=xlsx" if case.rule.endswith("/export") else "")
            body = {} if case.method == "GET" else {"json": attack_json(w)}
            response = client.open(url, case.method, **body)
            out.append((case, response.status_code, response.get_data()))
        return out

    before = dump_data(w.app.config["DATABASE"])
    walked = {"alice": run(alice, bobs + mixed + absent), "nobody": run(nobody, bobs)}
    after = dump_data(w.app.config["DATABASE"])
    walked["bob"] = run(bob, [c for c in bobs if c.method == "GET" and not c.fallback])
    return w, bobs, walked, before, after


def _report(rows):
    return "\n".join(f"{case.method} {case.url} ({case.variant}) answered {status}" for case, status, _ in rows[:40])


def test_every_api_route_with_arguments_is_walked(api_walk):
    w, bobs, _walked, _before, _after = api_walk
    rules = {(m, rule.rule) for rule in w.app.url_map.iter_rules() if rule.rule.startswith(API) and rule.arguments
             for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert {(c.method, c.rule) for c in bobs} == rules
    assert len(rules) >= 15


def test_alices_token_gets_404_for_everything_of_bobs(api_walk):
    _w, _bobs, walked, _before, _after = api_walk
    wrong = [row for row in walked["alice"] if row[1] != 404]
    assert not wrong, "Alice's token reached Bob's things:\n" + _report(wrong)


def test_no_token_gets_401_everywhere(api_walk):
    _w, _bobs, walked, _before, _after = api_walk
    wrong = [row for row in walked["nobody"] if row[1] != 401]
    assert not wrong, _report(wrong)


def test_refusals_show_nothing_of_bobs(api_walk):
    w, _bobs, walked, _before, _after = api_walk
    leaks = [(case, status, body) for case, status, body in walked["alice"] + walked["nobody"]
             if any(secret.encode() in body for secret in w.b_secrets() if secret not in case.url)]
    assert not leaks, _report(leaks)


def test_bobs_data_is_unchanged_after_the_walk(api_walk):
    _w, _bobs, _walked, before, after = api_walk
    assert diff_dumps(before, after) == []


def test_bobs_token_reaches_his_things(api_walk):
    """The walk's URLs are real: Bob's token opens each GET (a workshop's live summary too: he facilitates)."""
    _w, _bobs, walked, _before, _after = api_walk
    refused = [row for row in walked["bob"] if row[1] >= 400 and row[1] != 409]
    assert not refused, _report(refused)
    assert len(walked["bob"]) >= 10
