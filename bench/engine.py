"""Run generated answer sets through the whole engine; print where the time goes and
assessments per second.

Usage: python bench/engine.py [--n 2000] [--seed 1]
Last line: assessments_per_s=N assessments_per_cpu_s=M (the second is not moved by other load on the machine)
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/<name>.py`: put the project root first, not bench/ (whose http.py
# would otherwise shadow the standard library's http package).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402

from bench.common import ROOT, random_answers, random_context  # noqa: E402

from app.engine import load_content, run_assessment  # noqa: E402
from app.engine.assessment import (  # noqa: E402
    Advice, answered_weights, change_wording, choice_labels, choose_target, plan_roadmap,
)
from app.engine.facts import build_facts  # noqa: E402
from app.engine.profile import validate_context  # noqa: E402
from app.engine.rules import (  # noqa: E402
    choose_oversight, choose_ownership, compute_fit, find_pitfalls, rank_models,
)
from app.engine.scoring import describe_highlights, score_answers, validate_answers  # noqa: E402
from app.engine.vocabulary import DIMENSIONS  # noqa: E402
from app.engine.whatif import ChangeSearch, what_would_change  # noqa: E402


def prepared(content, answers, context):
    """Validated inputs, their scores and facts: what every stage below starts from."""
    q = content.default_questionnaire
    clean = validate_answers(q, answers)
    ctx, _ = validate_context(q, context)
    scored = score_answers(q, clean)
    return q, clean, ctx, scored, build_facts(q, scored, clean, ctx)


def stages(content, inputs):
    """Time each stage of the engine (as assess_valid runs them) separately over the same inputs."""
    rulebook = content.rulebook
    spent = {"validate, score, facts": 0.0, "rules: models, oversight, pitfalls, ownership": 0.0,
             "what would change": 0.0, "roadmap": 0.0}
    evaluations = candidates = naive_evaluations = 0
    clock = time.perf_counter
    for answers, context in inputs:
        t0 = clock()
        q, clean, ctx, scored, facts = prepared(content, answers, context)
        describe_highlights(q, scored["scores"], clean)
        t1 = clock()
        labels = choice_labels(q)
        recommendation, outcome = rank_models(rulebook, facts, labels)
        facts["model"] = recommendation["model"]
        recommendation["oversight"] = choose_oversight(rulebook, facts, labels)
        ownership = choose_ownership(rulebook, facts, labels)
        pitfalls = find_pitfalls(rulebook, facts, labels)
        del facts["model"]
        t2 = clock()
        weights = {d.id: d.weight for d in q.dimensions}
        answered = answered_weights(q, clean)
        question_weights = {x.id: x.weight for x in q.questions()}
        changes, n = what_would_change(rulebook, facts, outcome, weights, answered,
                                       change_wording(q, rulebook, clean), question_weights=question_weights)
        recommendation["what_would_change"] = changes
        t3 = clock()
        facts["model"] = recommendation["model"]
        advice = Advice(recommendation, ownership, pitfalls, facts)
        target, *_ = choose_target(content, recommendation["model"], {}, scored["scores"], pitfalls,
                                   (recommendation.get("design") or {}).get("id"))
        plan_roadmap(content, q, clean, scored["scores"], target, advice, ctx, {})
        t4 = clock()
        for name, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            spent[name] += seconds
        evaluations += n
        del facts["model"]
        search = ChangeSearch(rulebook, facts, outcome, weights, answered, question_weights)
        tried = sum(len(search.score_candidates(d)) for d in DIMENSIONS if search.scores[d] is not None)
        tried += sum(len(search.context_candidates(k)) for k in context)
        candidates += tried
        naive_evaluations += tried * (len(rulebook.model_rules) + len(rulebook.gates))
    return spent, evaluations, candidates, naive_evaluations


def naive_search_ms(content, inputs):
    """What re-running every model rule and gate for every score candidate would cost, per assessment."""
    rulebook = content.rulebook
    total = 0.0
    for answers, context in inputs:
        q, clean, _ctx, _scored, facts = prepared(content, answers, context)
        weights = {d.id: d.weight for d in q.dimensions}
        search = ChangeSearch(rulebook, facts, compute_fit(rulebook, facts), weights, answered_weights(q, clean))
        start = time.perf_counter()
        for dim in DIMENSIONS:
            if search.scores[dim] is None:
                continue
            for value in search.score_candidates(dim):
                compute_fit(rulebook, {**facts, **search.score_change(dim, value)})
        total += time.perf_counter() - start
    return 1000 * total / len(inputs)


def reference_evaluation_ms(content, inputs):
    """Evaluating every model rule once compiled and with rule-engine's own tree walk, per assessment."""
    rules = content.rulebook.model_rules
    fast = slow = 0.0
    for answers, context in inputs:
        facts = prepared(content, answers, context)[-1]
        start = time.perf_counter()
        for rule in rules:
            rule.condition.matches(facts)
        middle = time.perf_counter()
        for rule in rules:
            rule.condition.matches_reference(facts)
        slow += time.perf_counter() - middle
        fast += middle - start
    return 1000 * fast / len(inputs), 1000 * slow / len(inputs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    content = load_content(ROOT)
    questionnaire = content.default_questionnaire
    rng = random.Random(args.seed)
    inputs = [(random_answers(rng, questionnaire), random_context(rng)) for _ in range(args.n)]
    run_assessment(content, *inputs[0])  # warm up

    spent, evaluations, candidates, naive = stages(content, inputs)
    total = sum(spent.values())
    print(f"engine stages, ms per assessment (share), over {args.n} generated assessments:")
    for name, seconds in spent.items():
        print(f"  {name:<48} {1000 * seconds / args.n:6.3f} ms  {100 * seconds / total:5.1f}%")
    print(f"what-would-change search: {candidates / args.n:.1f} candidate changes and "
          f"{evaluations / args.n:.1f} rule evaluations per assessment "
          f"(a naive search would evaluate {naive / args.n:.0f}); "
          f"naive full re-evaluation of the score candidates alone: "
          f"{naive_search_ms(content, inputs[:300]):.2f} ms per assessment")

    fast, slow = reference_evaluation_ms(content, inputs[:300])
    print(f"all {len(content.rulebook.model_rules)} model rules once: compiled {fast:.3f} ms, "
          f"rule-engine tree walk {slow:.3f} ms per assessment ({slow / fast:.0f}x)")

    start, cpu = time.perf_counter(), time.process_time()
    for answers, context in inputs:
        run_assessment(content, answers, context)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"whole engine: assessments={args.n} seconds={elapsed:.3f} ms_per_assessment={1000 * elapsed / args.n:.3f} "
          f"cpu_seconds={cpu:.3f}")
    # Per second of wall time, and per second of this process's CPU (what a loaded machine does not change).
    print(f"assessments_per_s={args.n / elapsed:.0f} assessments_per_cpu_s={args.n / cpu:.0f}")


if __name__ == "__main__":
    main()
