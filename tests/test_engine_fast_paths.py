"""The engine's fast paths give exactly what the slow ones give (issue 25: speed without changing a result).

The what-would-change search re-evaluates only the rules and gates that read a changed fact, and
keeps per-rulebook indexes; the planner and the rules keep caches on the content. Over 200
generated organisations: the incremental search equals evaluating every rule and gate afresh, and a
result does not depend on what the same content assessed before it.
"""

from __future__ import annotations

import json
import random

import pytest

from app.engine import load_content, run_assessment
from app.engine.assessment import answered_weights
from app.engine.facts import build_facts
from app.engine.profile import validate_context
from app.engine.rules import compute_fit
from app.engine.scoring import score_answers, validate_answers
from app.engine.vocabulary import CONTEXT_KEYS, DIMENSIONS
from app.engine.whatif import FIXED_CONTEXT, ChangeSearch
from bench.common import ROOT, random_answers, random_context

ORGANISATIONS = 200


def organisations(questionnaire, n: int = ORGANISATIONS, seed: int = 25):
    rng = random.Random(seed)
    return [(random_answers(rng, questionnaire), random_context(rng)) for _ in range(n)]


def search_for(content, answers, context):
    questionnaire = content.default_questionnaire
    clean = validate_answers(questionnaire, answers)
    ctx, _ = validate_context(questionnaire, context)
    facts = build_facts(questionnaire, score_answers(questionnaire, clean), clean, ctx)
    rulebook = content.rulebook
    weights = {d.id: d.weight for d in questionnaire.dimensions}
    search = ChangeSearch(rulebook, facts, compute_fit(rulebook, facts), weights,
                          answered_weights(questionnaire, clean), {q.id: q.weight for q in questionnaire.questions()})
    return search, facts


def candidate_changes(search):
    """Every change the search tries: each area's scores, each lever, each profile answer it may change."""
    for dim in DIMENSIONS:
        if search.scores[dim] is not None:
            for value in search.score_candidates(dim):
                yield search.score_change(dim, value)
    for _question, _now, changed in search.answer_levers():
        yield changed
    for key in CONTEXT_KEYS:
        if key not in FIXED_CONTEXT:
            for value in search.context_candidates(key):
                yield search.context_change(key, value)


def test_the_incremental_what_if_search_equals_evaluating_every_rule_and_gate_afresh(content, questionnaire):
    tried = 0
    for answers, context in organisations(questionnaire):
        search, facts = search_for(content, answers, context)
        for changed in candidate_changes(search):
            fast = search.outcome_after(changed)
            full = compute_fit(content.rulebook, {**facts, **changed})
            assert (fast.fired, fast.gates_held, dict(fast.totals), dict(fast.eligible), fast.order) == \
                   (full.fired, full.gates_held, dict(full.totals), dict(full.eligible), full.order), changed
            tried += 1
    assert tried > 20 * ORGANISATIONS  # the table really tries the candidates


@pytest.mark.slow
def test_a_result_does_not_depend_on_what_the_content_assessed_before(content, questionnaire):
    """The same organisations, assessed in one order on warm caches and in the other on a fresh load."""
    table = organisations(questionnaire)
    warm = [json.dumps(run_assessment(content, a, c), sort_keys=True) for a, c in table]
    fresh = load_content(ROOT)
    cold = [json.dumps(run_assessment(fresh, a, c), sort_keys=True) for a, c in reversed(table)]
    assert warm == cold[::-1]
