"""Random, uneven organisations for property tests: a base level per area with three to six
practices set apart, and a random profile (DOMAIN.md: real self-assessments are uneven)."""

from __future__ import annotations

import random

from app.engine.vocabulary import DIMENSIONS
from bench.common import random_context


def uneven_organisation(rng: random.Random, questionnaire) -> tuple[dict, dict]:
    """Answers (with a few don't-knows) and a context."""
    base = {d: rng.randint(1, 5) for d in DIMENSIONS}
    answers = {q.id: base[questionnaire.dimension_of(q.id)] for q in questionnaire.questions()}
    for question in rng.sample(sorted(answers), rng.randint(3, 6)):
        answers[question] = rng.choice([level for level in range(1, 6) if level != answers[question]])
    for question in rng.sample(sorted(answers), rng.choice([0, 0, 0, 1, 3])):
        answers[question] = None
    return answers, random_context(rng)


def assessed_organisations(content, questionnaire, seed: int, count: int):
    """(answers, context, result, facts) for ``count`` uneven organisations drawn from ``seed``."""
    from app.engine import run_assessment
    from app.engine.facts import build_facts
    from app.engine.scoring import score_answers

    rng = random.Random(seed)
    for _ in range(count):
        answers, context = uneven_organisation(rng, questionnaire)
        result = run_assessment(content, answers, context)
        yield answers, context, result, build_facts(questionnaire, score_answers(questionnaire, answers), answers,
                                                    result["context"])
