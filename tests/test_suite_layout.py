"""How `make test` shares the suite between its workers (tests/conftest.py): the files that ask for an
expensive session fixture go to one worker together, so it is built once per run."""

from __future__ import annotations

import re
import shutil

from app import PROJECT_ROOT
from tests.conftest import TOGETHER

ASKS = re.compile(r"def \w+\([^)]*\buneven_results\b")  # a test or fixture taking it as an argument


def test_every_file_reading_the_uneven_organisations_runs_on_one_worker():
    """`uneven_results` assesses 2,000 organisations; a file asking for it outside the group builds it again."""
    asking = {path.relative_to(PROJECT_ROOT).as_posix() for path in (PROJECT_ROOT / "tests").rglob("test_*.py")
              if ASKS.search(path.read_text(encoding="utf-8"))}
    grouped = {path for path, group in TOGETHER.items() if group == "uneven-organisations"}
    assert asking, "some test files read the uneven organisations"
    assert asking == grouped, f"put these in conftest.TOGETHER: {sorted(asking - grouped)}; " \
                              f"these no longer read them: {sorted(grouped - asking)}"


def routes(app) -> dict[str, tuple]:
    """What each of an app's routes was parsed into: its parts, trace, arguments and converters."""
    return {rule.endpoint + " " + rule.rule: (rule._parts, rule._trace, rule.arguments,
                                            {name: (type(c), c.regex, c.map is app.url_map)
                                             for name, c in rule._converters.items()})
            for rule in app.url_map.iter_rules()}


def test_apps_sharing_parsed_routes_route_as_werkzeug_parses_them(make_app, tmp_path, monkeypatch):
    """conftest parses each route's text once for every app of a run; a later app must get what Werkzeug's own
    parsing gives, with converters bound to its own map."""
    from werkzeug.routing.rules import Rule

    first, second = make_app(tmp_path / "1.sqlite3"), make_app(tmp_path / "2.sqlite3")
    monkeypatch.setattr(Rule, "_parse_rule", Rule._parse_rule.original)
    own = make_app(tmp_path / "3.sqlite3")
    assert routes(first) == routes(second) == routes(own)
    assert all(bound for *_, converters in routes(second).values() for _type, _regex, bound in converters.values())
    assert second.test_client().get("/no/such/page").status_code == 404


def test_content_loaded_with_shared_conditions_is_what_a_load_of_its_own_gives(tmp_path, monkeypatch):
    """conftest compiles each rule condition once per worker; a later load must give the same content, and a
    bad condition the same problems, as a load that compiles everything itself."""
    from app import PROJECT_ROOT
    from app.engine import ContentError, load_content, rulebook

    root = tmp_path / "content"
    for folder in ("questionnaires", "rules", "roadmaps"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    rules = root / "rules" / "pitfalls.yaml"
    when = re.search(r"^\s*when: (.+)$", rules.read_text(), re.M).group(1)
    rules.write_text(rules.read_text().replace(when, when + " and answers.tools.no_such_question >= 2", 1))

    def load(where):
        try:
            return load_content(where)
        except ContentError as err:
            return err.describe()

    shared = [load(PROJECT_ROOT), load(PROJECT_ROOT), load(root), load(root)]
    compile_condition, rule_context = rulebook.compile_condition.original
    monkeypatch.setattr(rulebook, "compile_condition", compile_condition)
    monkeypatch.setattr(rulebook, "rule_context", rule_context)
    own = [load(PROJECT_ROOT), load(root)]
    assert "no_such_question" in own[1]
    assert shared == [own[0], own[0], own[1], own[1]]
