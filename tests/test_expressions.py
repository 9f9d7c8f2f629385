"""Rule conditions: compiled against the typed facts, what they read, and fast evaluation that agrees
with rule-engine's own."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import PROJECT_ROOT
from app.engine.expressions import ConditionError, compile_condition
from app.engine.facts import derive_from_scores, rule_context
from app.engine.vocabulary import CONTEXT_KEYS, DIMENSIONS, MODELS


@pytest.fixture(scope="module")
def contexts(questionnaire):
    return {flag: rule_context(questionnaire, flag) for flag in (False, True)}


# --------------------------------------------------------------------------
# What a condition reads, and the numbers it compares each fact with
# --------------------------------------------------------------------------

READS_AND_THRESHOLDS = [
    # (condition, with_model, reads in order of first use, thresholds)
    ("scores.governance < 2.5 and context.regulated", False,
     ("scores.governance", "context.regulated"), {"scores.governance": {2.5}}),
    ("(answers.tools.adoption ?? 5) <= 2", False, ("answers.tools.adoption",), {"answers.tools.adoption": {2.0}}),
    ("answers.tools.adoption != null and answers.tools.adoption <= 2", False,
     ("answers.tools.adoption",), {"answers.tools.adoption": {2.0}}),
    ("overall >= 2.5 and overall < 3.5", False, ("overall",), {"overall": {2.5, 3.5}}),
    ("overall < 2.5 or overall < 1.8", False, ("overall",), {"overall": {2.5, 1.8}}),
    ("2.5 > overall", False, ("overall",), {"overall": {2.5}}),
    ("level.governance >= 3 or scores.analytics <= 1.5", False,
     ("level.governance", "scores.analytics"), {"level.governance": {3.0}, "scores.analytics": {1.5}}),
    ("context.active_projects >= 20 and context.org_size in ['small', 'medium']", False,
     ("context.active_projects", "context.org_size"), {"context.active_projects": {20.0}}),
    ("context.business_units == 2", False, ("context.business_units",), {"context.business_units": {2.0}}),
    ("context.existing_pmo == 'none'", False, ("context.existing_pmo",), {}),
    ("not context.regulated", False, ("context.regulated",), {}),
    ("scores.tools >= scores.governance + 1.0", False, ("scores.tools", "scores.governance"), {}),
    ("spread > 1.5 and lowest_dimension == 'tools'", False,
     ("spread", "lowest_dimension"), {"spread": {1.5}}),
    ("(answers.governance.decision_rights ?? 0) >= 4 and (answers.leadership.prioritisation_influence ?? 0) >= 4",
     False, ("answers.governance.decision_rights", "answers.leadership.prioritisation_influence"),
     {"answers.governance.decision_rights": {4.0}, "answers.leadership.prioritisation_influence": {4.0}}),
    ("model != 'directive'", True, ("model",), {}),
    ("model == 'supportive' and dont_know > 10", True, ("model", "dont_know"), {"dont_know": {10.0}}),
]


@pytest.mark.parametrize("text, with_model, reads, thresholds", READS_AND_THRESHOLDS,
                         ids=[row[0] for row in READS_AND_THRESHOLDS])
def test_condition_reports_the_facts_it_reads_and_the_numbers_it_compares(contexts, text, with_model, reads,
                                                                          thresholds):
    condition = compile_condition(text, contexts[with_model])
    assert condition.reads == reads
    assert {path: set(values) for path, values in condition.thresholds.items()} == thresholds


# --------------------------------------------------------------------------
# Conditions that must not compile, and what the author is told
# --------------------------------------------------------------------------

BAD_CONDITIONS = [
    ("overal > 2", False, r"^unknown name 'overal' at column 1 \(did you mean 'overall'\?\)$"),
    ("scores.governance < 2.5 and overal > 1", False,
     r"^unknown name 'overal' at column 29 \(did you mean 'overall'\?\)$"),
    ("contxt.regulated", False, r"^unknown name 'contxt' at column 1 \(did you mean 'context'\?\)$"),
    ("scores.governanse < 2", False,
     r"^unknown attribute 'governanse'.* at column \d+ \(did you mean 'governance'\?\)$"),
    ("context.regulated and (answers.tools.adoptio ?? 5) <= 2", False,
     r"^unknown attribute 'adoptio'.* at column \d+ \(did you mean 'adoption'\?\)$"),
    ("answers.tool.adoption > 2", False, r"^unknown attribute 'tool'.* at column \d+ \(did you mean 'tools'\?\)$"),
    ("context.org_size < 3", False, r"^data type mismatch in 'context\.org_size < 3'$"),
    ("overall > 'high'", False, r"^data type mismatch in .overall > 'high'.$"),
    ("scores.governance <", False, r"^syntax error\b"),
    ("scores.governance < 2.5 and", False, r"^syntax error\b"),
    ("overall + 1", False, r"^condition must be true or false, but gives a float$"),
    ("context.org_size", False, r"^condition must be true or false, but gives a string$"),
    ("model == 'x'", False, r"^unknown name 'model' at column 1\b"),
    ("", False, r"^condition is empty$"),
    ("   ", True, r"^condition is empty$"),
]


@pytest.mark.parametrize("text, with_model, message", BAD_CONDITIONS, ids=[row[0] or "empty" for row in BAD_CONDITIONS])
def test_bad_condition_fails_with_a_message_that_says_what_and_where(contexts, text, with_model, message):
    with pytest.raises(ConditionError) as info:
        compile_condition(text, contexts[with_model])
    assert re.search(message, str(info.value)), str(info.value)


def test_model_is_a_known_name_in_pitfall_and_ownership_conditions(contexts):
    assert compile_condition("model == 'directive'", contexts[True]).reads == ("model",)


@pytest.mark.parametrize("text, columns", [
    # The column points at the offending access: the start of `scores.governanse` or of `governanse` itself.
    ("scores.governanse < 2", (1, 8)),
    ("context.regulated and (answers.tools.adoptio ?? 5) <= 2", (24, 38)),
    ("answers.tool.adoption > 2", (1, 9)),
    ("context.regulated and scores.regulated > 2", (23, 30)),
    ("(answers.tools.adoption ?? 5) <= 2 and answers.governance.adoption > 1", (40, 59)),
])
def test_unknown_attribute_column_points_at_the_offending_access_not_an_earlier_valid_one(contexts, text, columns):
    with pytest.raises(ConditionError) as info:
        compile_condition(text, contexts[False])
    column = int(re.search(r"at column (\d+)", str(info.value)).group(1))
    assert column in columns, str(info.value)


@pytest.mark.parametrize("text", ["$pi > 3", "$e > 2", "$foo > 1"])
def test_builtin_symbols_are_refused_or_evaluated_like_rule_engine(contexts, text):
    try:
        condition = compile_condition(text, contexts[False])
    except ConditionError as err:
        assert text.split()[0] in str(err)
        return
    # If a built-in is allowed, the fast closure must agree with rule-engine and it is not a fact read.
    assert condition.matches({}) == condition.matches_reference({}) is True
    assert text.split()[0].lstrip("$") not in condition.reads


# --------------------------------------------------------------------------
# The fast closure agrees with rule-engine on every shipped condition
# --------------------------------------------------------------------------

def shipped_conditions(rulebook):
    """(label, condition) for every compiled condition of the shipped rulebook."""
    items = [(f"model_rules/{r.id}", r.condition) for r in rulebook.model_rules]
    items += [(f"pitfalls/{p.id}", p.condition) for p in rulebook.pitfalls]
    items += [(f"{section}/{o.id}", o.condition)
              for section in ("own_first", "dont_own") for o in getattr(rulebook, section)]
    return [(label, condition) for label, condition in items if condition is not None]


def test_every_condition_in_the_shipped_rule_files_is_compiled(content):
    compiled = {condition.text for _label, condition in shipped_conditions(content.rulebook)}
    files = {"pmo-models.yaml": ("rules",), "pitfalls.yaml": ("pitfalls",), "ownership.yaml": ("own_first", "dont_own")}
    written = [item["when"].strip() for name, sections in files.items()
               for section in sections for item in yaml.safe_load((PROJECT_ROOT / "rules" / name).read_text())[section]
               if item.get("when")]
    assert len(written) >= 50
    assert [text for text in written if text not in compiled] == []


def _thresholds(rulebook) -> list[float]:
    """Every number a shipped condition compares a fact with: boundary values to draw scores from."""
    values = {v for _label, c in shipped_conditions(rulebook) for vs in c.thresholds.values() for v in vs}
    return sorted(v for v in values if 1.0 <= v <= 5.0)


def _score_pairs(rulebook) -> list[tuple[str, str]]:
    """Pairs of dimensions some shipped condition reads together (and may compare with each other)."""
    pairs = set()
    for _label, condition in shipped_conditions(rulebook):
        dims = sorted({p.split(".", 1)[1] for p in condition.reads if p.startswith("scores.")})
        pairs.update((a, b) for i, a in enumerate(dims) for b in dims[i + 1:])
    return sorted(pairs)


GRID = st.integers(100, 500).map(lambda k: k / 100)
# For each difference between areas, the grid values where adding it (or taking it away again) is
# one ulp off in binary floating point: 1.03 + 1.0 != 2.03, 2.6 - 1.0 == 1.6 but 2.57 - 1.0 != 1.57.
NOISY = {
    offset: tuple(k / 100 for k in range(100, 501 - int(offset * 100))
                  if k / 100 + offset != (k + offset * 100) / 100 or (k + offset * 100) / 100 - offset != k / 100)
    for offset in (0.5, 1.0)
}


@st.composite
def flat_facts(draw, questionnaire, boundaries, pairs=()):
    """Random flat facts as build_facts makes them, often with scores exactly on a threshold."""
    boundary = st.sampled_from(boundaries)
    score = st.one_of(GRID, boundary, boundary.map(lambda v: round(v - 0.01, 2)))
    scores = {d: draw(score) for d in DIMENSIONS}
    if pairs and draw(st.integers(0, 3)):
        # Two areas a condition reads together, exactly 0.5 or 1.0 apart (the edge of
        # `scores.x >= scores.y + 1.0`), on values where binary floating point is one ulp off.
        first, second = draw(st.sampled_from(pairs))
        offset = draw(st.sampled_from(sorted(NOISY)))
        low = draw(st.one_of(st.sampled_from(NOISY[offset]), GRID))
        scores[first], scores[second] = draw(st.permutations([low, min(5.0, round(low + offset, 2))]))
    if draw(st.integers(0, 4)) == 0:
        # Every area equal, so the overall score sits exactly on a threshold.
        scores = dict.fromkeys(DIMENSIONS, draw(boundary))
    weights = {d.id: d.weight for d in questionnaire.dimensions}
    # Now and then a capability area has too few answers to be scored: its facts are unknown.
    scores = {d: (None if draw(st.integers(0, 9)) == 0 else s) for d, s in scores.items()}
    facts = {f"scores.{d}": s for d, s in scores.items()}
    facts.update({f"level.{d}": int(s) if s is not None else None for d, s in scores.items()})
    facts.update(derive_from_scores(scores, weights))
    for key, spec in CONTEXT_KEYS.items():
        if spec["type"] == "choice":
            value = draw(st.sampled_from(spec["values"]))
        elif spec["type"] == "boolean":
            value = draw(st.booleans())
        elif key == "active_projects":
            value = draw(st.one_of(st.integers(0, 300), st.sampled_from([9, 10, 19, 20, 49, 50, 59, 60, 79, 80])))
        else:
            value = draw(st.one_of(st.integers(1, 12), st.sampled_from([1, 2, 3])))
        facts[f"context.{key}"] = value
    answer = st.one_of(st.none(), st.integers(1, 5))
    answers = {f"answers.{q.id}": draw(answer) for q in questionnaire.questions()}
    facts.update(answers)
    facts["dont_know"] = sum(1 for v in answers.values() if v is None)
    facts["unanswered"] = draw(st.integers(0, 5))
    facts["model"] = draw(st.sampled_from(MODELS))
    return facts


def test_fast_evaluation_agrees_with_rule_engine_on_every_shipped_condition(content, questionnaire):
    conditions = shipped_conditions(content.rulebook)
    boundaries = _thresholds(content.rulebook)
    pairs = _score_pairs(content.rulebook)

    @settings(max_examples=400, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(facts=flat_facts(questionnaire, boundaries, pairs))
    def check(facts):
        disagree = [label for label, condition in conditions
                    if condition.matches(facts) != condition.matches_reference(facts)]
        assert not disagree, f"fast and rule-engine evaluation disagree for {disagree}"

    check()


@pytest.mark.parametrize("text, facts", [
    # 1.03 + 1.0, 2.57 - 1.0 and 1.53 + 0.5 are each one ulp off the grid value they should equal.
    ("scores.tools >= scores.governance + 1.0", {"scores.tools": 2.03, "scores.governance": 1.03}),
    ("scores.facilitation <= scores.governance - 1.0", {"scores.facilitation": 1.57, "scores.governance": 2.57}),
    ("scores.governance >= scores.facilitation + 0.5", {"scores.governance": 2.03, "scores.facilitation": 1.53}),
    ("(answers.tools.adoption ?? 5) <= 2", {"answers.tools.adoption": None}),
    ("answers.tools.adoption <= 2", {"answers.tools.adoption": None}),
    ("context.business_units == 2", {"context.business_units": 2}),
    ("context.org_size in ['large', 'enterprise']", {"context.org_size": "large"}),
    # The one-call shapes: a fact against a number (with or without a default) or against a text.
    ("overall >= 3.5", {"overall": None}),
    ("overall >= 3.5", {"overall": 3.5}),
    ("(answers.tools.adoption ?? 0) >= 3", {"answers.tools.adoption": 3}),
    ("not ((answers.tools.adoption ?? 5) <= 2)", {"answers.tools.adoption": None}),
    ("not (answers.tools.adoption <= 2)", {"answers.tools.adoption": None}),
    ("context.primary_pain == 'duplicate_work'", {"context.primary_pain": "duplicate_work"}),
    ("context.primary_pain == 'duplicate_work'", {"context.primary_pain": None}),
    ("context.primary_pain != 'duplicate_work'", {"context.primary_pain": None}),
    ("context.delivery_mix != 'waterfall' and context.risk_profile == 'high'",
     {"context.delivery_mix": "agile", "context.risk_profile": "high"}),
    # Runs of and / or are one loop over their parts, stopping where rule-engine stops.
    ("context.regulated and overall >= 3.5 and context.business_units >= 2",
     {"context.regulated": True, "overall": 4.0, "context.business_units": 2}),
    ("context.regulated and overall >= 3.5 and context.business_units >= 2",
     {"context.regulated": False, "overall": None, "context.business_units": 2}),
    ("context.regulated or overall >= 3.5 or context.business_units >= 2",
     {"context.regulated": False, "overall": None, "context.business_units": 3}),
    ("context.regulated or context.business_units >= 2 or overall >= 3.5",
     {"context.regulated": False, "context.business_units": 3, "overall": None}),
    ("context.regulated or context.business_units >= 2 or overall >= 3.5",
     {"context.regulated": False, "context.business_units": 1, "overall": 3.0}),
])
def test_fast_evaluation_agrees_with_rule_engine_on_float_edges_and_nulls(contexts, text, facts):
    condition = compile_condition(text, contexts[False])
    assert condition.matches(facts) == condition.matches_reference(facts)


@pytest.mark.parametrize("text, facts, expected", [
    ("scores.tools >= scores.governance + 1.0", {"scores.tools": 2.03, "scores.governance": 1.03}, True),
    ("(answers.tools.adoption ?? 5) <= 2", {"answers.tools.adoption": None}, False),
    ("(answers.tools.adoption ?? 0) <= 2", {"answers.tools.adoption": None}, True),
    ("answers.tools.adoption <= 2", {"answers.tools.adoption": None}, False),
    ("context.business_units == 2", {"context.business_units": 2}, True),
    ("context.regulated == 1", {"context.regulated": True}, False),
])
def test_condition_matches_as_a_rule_author_expects(contexts, text, facts, expected):
    assert compile_condition(text, contexts[False]).matches(facts) is expected


def test_evidence_is_the_value_of_every_fact_read(contexts):
    condition = compile_condition("scores.governance < 2.5 and (answers.tools.adoption ?? 5) <= 2", contexts[False])
    facts = {"scores.governance": 2.1, "answers.tools.adoption": None, "overall": 3.0}
    assert condition.evidence(facts) == {"scores.governance": 2.1, "answers.tools.adoption": None}


# --------------------------------------------------------------------------
# rule-engine's parser tables, shipped instead of built in every process (app/engine/__init__.py)
# --------------------------------------------------------------------------

def test_the_shipped_parser_tables_are_what_ply_builds_for_rule_engines_grammar(tmp_path):
    """PLY would silently build the tables again (0.8 s of CPU per process) when they no longer match."""
    import sys

    from rule_engine._vendor.ply import yacc
    from rule_engine.parser import Parser

    from app.engine import parser_tables

    assert sys.modules["rule_engine.parser.parsetab"] is parser_tables
    yacc.yacc(module=Parser.__new__(Parser), debug=False, write_tables=True, outputdir=str(tmp_path),
              tabmodule="parser_tables", errorlog=yacc.NullLogger())
    built = tmp_path / "parser_tables.py"
    shipped = PROJECT_ROOT / "app" / "engine" / "parser_tables.py"
    assert built.read_text() == shipped.read_text(), \
        f"rule-engine's grammar changed: cp {built} {shipped.relative_to(PROJECT_ROOT)}"
