"""Claims that hold, over 2,000 random uneven organisations (issue 22's invariants 4, 6 and 9).

Each organisation's advice (pitfalls, what to own, check first) is rendered, then every rendered
claim is re-checked against the answers by rule-engine itself, every "practice level N" it cites is
compared with the answer, and every word of the terms table it uses is checked against its
condition. A seeded generator keeps the run the same every time.
"""

from __future__ import annotations

import random
import re

import pytest
from rule_engine import errors as re_errors

from app.engine.assessment import choice_labels
from app.engine.facts import build_facts, nest
from app.engine.rules import (choose_design, choose_ownership, find_checks, find_pitfalls, rank_models,
                              set_model_facts)
from app.engine.scoring import score_answers
from app.engine.summary import rank_pitfalls
from tests.uneven import assessed_organisations, uneven_organisation

ORGANISATIONS = 2000


def advice_for(content, questionnaire, answers, context, labels=None):
    """The advice's words for one organisation: pitfalls, ownership and check first (no roadmap)."""
    rulebook = content.rulebook
    facts = build_facts(questionnaire, score_answers(questionnaire, answers), answers, context)
    labels = labels or choice_labels(questionnaire)
    recommendation, _outcome = rank_models(rulebook, facts, labels)
    set_model_facts(facts, recommendation)
    choose_design(rulebook, facts, labels)  # the design given, as the advice reads it (facts["design"])
    ownership = choose_ownership(rulebook, facts, labels)
    pitfalls = find_pitfalls(rulebook, facts, labels)
    return facts, ownership, pitfalls, find_checks(rulebook, facts, labels)


def claim_conditions(rulebook):
    """Every claim's condition in the rulebook, by its text."""
    texts = [t for p in rulebook.pitfalls for _path, t, _conds in p.texts()]
    texts += [item.why for item in rulebook.own_first + rulebook.dont_own]
    texts += [t for pain in rulebook.pain_texts.values() for t in (pain.probe, pain.would_change) if t]
    texts += [t for check in rulebook.checks for t in (check.text, check.ask, check.would_change)]
    return {part.condition.text: part.condition for text in texts for part in text.claims}


class Reference:
    """rule-engine's own verdict on a condition for these facts, remembered by the values it reads
    (thousands of organisations share most of them)."""

    def __init__(self):
        self.seen: dict[tuple, bool] = {}

    def holds(self, condition, facts) -> bool:
        key = (condition.text,) + tuple(facts.get(path) for path in condition.reads)
        if key not in self.seen:
            try:
                self.seen[key] = bool(condition.rule.matches(nest(facts)))
            except re_errors.EvaluationError:
                self.seen[key] = False
        return self.seen[key]


@pytest.fixture(scope="module")
def organisations(content, questionnaire):
    rng, labels = random.Random(22), choice_labels(questionnaire)
    out = []
    for _ in range(ORGANISATIONS):
        answers, context = uneven_organisation(rng, questionnaire)
        out.append((answers, context, *advice_for(content, questionnaire, answers, context, labels)))
    return out


def rendered(ownership, pitfalls, checks):
    """Every sentence shown, with the claims it stood on."""
    for p in pitfalls:
        yield f"pitfall {p['id']}", [p["title"], p["why"], p["mitigation"]], p["claims"]
    for item in ownership["own_first"] + ownership["dont_own"]:
        yield f"own {item['id']}", [item["why"]], item["claims"]
    for c in checks:
        yield f"check {c['id']}", [c["text"], c["ask"], c["would_change"]], c["claims"]


def every_text(organisations):
    """Every sentence group shown to every organisation: (where, text, facts, context)."""
    for _answers, context, facts, ownership, pitfalls, checks in organisations:
        for where, texts, _claims in rendered(ownership, pitfalls, checks):
            for text in texts:
                yield where, text, facts, context


def test_no_rendered_claim_contradicts_the_answers(content, organisations):
    conditions, reference = claim_conditions(content.rulebook), Reference()
    wrong = []
    for answers, context, facts, ownership, pitfalls, checks in organisations:
        for where, _texts, claims in rendered(ownership, pitfalls, checks):
            for claim in claims:
                if reference.holds(conditions[claim["when"]], facts) != claim["holds"]:
                    wrong.append((where, claim["template"][:60], context))
    assert not wrong, f"{len(wrong)} claims contradict the answers, e.g. {wrong[:3]}"


def test_every_level_a_sentence_cites_is_the_answer_given(content, questionnaire, organisations):
    names = {name: path[len("answers."):] for path, name in choice_labels(questionnaire)["names"].items()}
    cites = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r") level (\d)\b")
    wrong = []
    for answers, _context, _facts, ownership, pitfalls, checks in organisations:
        for where, texts, _claims in rendered(ownership, pitfalls, checks):
            for text in texts:
                for name, cited in cites.findall(text):
                    if answers.get(names[name]) != int(cited):
                        wrong.append((where, names[name], cited, answers.get(names[name])))
    assert not wrong, f"{len(wrong)} cited levels differ from the answers, e.g. {wrong[:3]}"


def misfits(terms, reference, facts) -> list:
    """The terms whose condition does not hold for this organisation: words it must never read."""
    return [term for term in terms if not reference.holds(term.condition, facts)]


def test_every_word_fits_the_organisation(content, organisations):
    wrong, reference = [], Reference()
    for _answers, context, facts, ownership, pitfalls, checks in organisations:
        unfit = misfits(content.rulebook.terms, reference, facts)
        for where, texts, _claims in rendered(ownership, pitfalls, checks):
            text = " | ".join(texts)
            wrong += [(where, found.group(0), term.needs, context)
                      for term in unfit for found in [term.pattern.search(text)] if found]
    assert not wrong, f"{len(wrong)} words do not fit their organisation, e.g. {wrong[:3]}"


def test_an_organisation_with_a_stated_pain_never_gets_an_empty_pitfall_list(organisations):
    empty = [context for _a, context, _f, _o, pitfalls, _c in organisations if context["primary_pain"] and not pitfalls]
    assert not empty, f"{len(empty)} organisations get no pitfall, e.g. {empty[:2]}"


def test_the_pains_pitfall_is_present_high_and_among_the_three(content, organisations):
    """Invariant 4 (round 205): the stated pain always has its pitfall, high, among the three that matter
    most, also where the answers do not show it; then check first says why they disagree."""
    missing = []
    for answers, context, _facts, _own, pitfalls, checks in organisations:
        pain_id = context["primary_pain"]
        pain = content.rulebook.pains[pain_id]
        stands = [p for p in pitfalls if p["pain_pitfall"]]
        three = [p["id"] for p in rank_pitfalls(pitfalls, pain_id) if p["severity"] != "low"][:3]
        explained = [c for c in checks if c["id"] == "pain-disagrees" and c.get("pain") == pain_id]
        ok = (len(stands) == 1 and stands[0]["severity"] == "high" and stands[0]["on_pain"]
              and (stands[0]["id"] in pain.pitfalls or stands[0]["for_pain"]) and three[:1] == [stands[0]["id"]]
              and (not stands[0]["for_pain"] or explained))
        if not ok:
            missing.append((pain_id, [(p["id"], p["severity"]) for p in pitfalls][:4]))
        if explained:
            assert all(answers.get(q) is not None and answers[q] <= 2 for q in explained[0]["cause_questions"])
    assert not missing, f"{len(missing)} organisations lack their pain's pitfall at the top, e.g. {missing[:2]}"


def test_a_mature_organisation_gets_the_pitfalls_of_maturity(organisations):
    mature = [(facts, pitfalls) for _a, _c, facts, _o, pitfalls, _c2 in organisations
              if (facts.get("overall") or 0) >= 4.0]
    assert mature, "the sample holds mature organisations"
    for facts, pitfalls in mature:
        assert "gold-plating" in {p["id"] for p in pitfalls}, facts["overall"]


def test_every_word_of_the_plan_fits_the_organisation(content, questionnaire):
    """The roadmap's items (titles, descriptions, deliverables, reasons) on a smaller sample: a plan is
    slower to build than the advice."""
    wrong, reference = [], Reference()
    for _answers, context, result, facts in assessed_organisations(content, questionnaire, 2201, 150):
        for phase in result["roadmap"]["phases"]:
            for item in phase["items"]:
                text = " | ".join([item["title"], item["description"], item["reason"], *item["deliverables"]])
                wrong += [(item["id"], found.group(0), term.needs, context)
                          for term in misfits(content.rulebook.terms, reference, facts)
                          for found in [term.pattern.search(text)] if found]
    assert not wrong, f"{len(wrong)} plan items use words that do not fit, e.g. {wrong[:3]}"


# ---- Strength claims (round 203): a sentence that says a practice is in place, formal or ahead holds
# only where the answers reach the level the words promise. Each row: the words, and what they need.

def _answer(facts, question, default=0):
    value = facts.get(f"answers.{question}")
    return default if value is None else value


def _score(facts, area):
    value = facts.get(f"scores.{area}")
    return None if value is None else float(value)


STRENGTH_CLAIMS = [
    # "The tooling is in place": the shared tool itself or its dashboards, not a resource planner alone.
    ("The tooling is in place",
     lambda f: max(_answer(f, "tools.tool_fit"), _answer(f, "tools.dashboards")) >= 3),
    # "Formal": the cited controls at 3 or more (checked below), never an area score standing in for them.
    ("Governance is formal (governance", lambda f: False),
    # "Well ahead": a gap of a level or more, with the tools themselves at 3 or more.
    ("well ahead",
     lambda f: (_score(f, "tools") or 0) >= 3.0 and (_score(f, "tools") or 0) >= (_score(f, "governance") or 0) + 1.0),
    # "Each budget holder": more than one budget, i.e. several units or a large organisation.
    ("Each budget holder",
     lambda f: (f.get("context.business_units") or 1) >= 2 or f.get("context.org_size") in ("large", "enterprise")),
    # Good tools and capacity are not "too much too soon", and neither is an established PMO at level 3.
    ("Advanced controls built before the basics",
     lambda f: not (f.get("context.existing_pmo") == "established" and (f.get("overall") or 0) >= 3.0)),
    # "Regularly" is the reporting calendar's word (round 207: said beside reports on request).
    ("go out regularly", lambda f: _answer(f, "analytics.reporting_cadence") >= 3),
    # "Follow one written standard": status reporting at 3 or more.
    ("follow one written standard", lambda f: _answer(f, "governance.status_reporting") >= 3),
]
# Words that claim a strength for the practices cited in the brackets right after them.
STRENGTH_WORDS = re.compile(r"\b(?:in place|formal|go out regularly|are running|already score well)"
                            r"[^.()]*\(([^)]*)\)")
CITED_LEVEL = re.compile(r"level (\d)")


def test_a_strength_is_claimed_only_where_the_answers_reach_it(organisations):
    wrong = []
    for where, text, facts, context in every_text(organisations):
        for words, holds in STRENGTH_CLAIMS:
            if words in text and not holds(facts):
                wrong.append((where, words, context))
        for cited in STRENGTH_WORDS.findall(text):
            if [int(n) for n in CITED_LEVEL.findall(cited) if int(n) < 3]:
                wrong.append((where, cited, context))
    assert not wrong, f"{len(wrong)} strengths claimed beyond the answers, e.g. {wrong[:3]}"


# Words that claim a weakness for the practices cited in the brackets right after them (round 204:
# "shared standards are not measured unit by unit (consistency level 5)"; round 210: "closeness to delivery is at
# level 4" among the practices "your answers show weakest"). An answer at 4 or 5 is never the evidence of a weakness.
WEAKNESS_WORDS = re.compile(r"\b(?:weakest|are not|is not|not agreed|not integrated|not measured|unwritten|thin|missing|"
                            r"vague|by hand|no longer|never checked)[^.()]*\(([^)]*)\)")


def test_no_weakness_is_claimed_from_an_answer_at_4_or_5(organisations):
    wrong = []
    for _answers, context, _facts, ownership, pitfalls, checks in organisations:
        for where, texts, _claims in rendered(ownership, pitfalls, checks):
            for text in texts:
                for found in WEAKNESS_WORDS.finditer(text):
                    if any(int(n) >= 4 for n in CITED_LEVEL.findall(found.group(1))):
                        wrong.append((where, found.group(0)[:120]))
    assert not wrong, f"{len(wrong)} weaknesses cited from answers at 4 or 5, e.g. {sorted(set(wrong))[:6]}"


def test_a_pitfall_citing_the_pains_own_weak_practice_is_high(content, organisations):
    """A pitfall whose evidence is only the stated pain's own practices at level 1-2 is how that pain
    shows: it is never left at medium or low, unless a high pitfall on the pain already names those
    practices (round 204: unchecked benefits under misaligned work were "medium"), or the portfolio's
    scale holds it down (round 207: unchecked benefits "high" for a law firm's 7 projects)."""
    wrong = []
    for _answers, context, _facts, _own, pitfalls, _checks in organisations:
        pain = content.rulebook.pains[context["primary_pain"]]
        # The pain's weak practices a high pitfall on the pain already names need no second high.
        named = {path for p in pitfalls if p["id"] in pain.pitfalls and p["severity"] == "high"
                 for path in p["evidence"]}
        for p in pitfalls:
            cited = [(path[len("answers."):], level) for path, level in p["evidence"].items()
                     if path.startswith("answers.")]
            symptom = cited and all(q in pain.questions and isinstance(level, int) and level <= 2
                                    for q, level in cited)
            held_down = p["capped"]  # by the portfolio's scale
            if symptom and p["severity"] != "high" and not held_down and not {"answers." + q for q, _ in cited} <= named:
                wrong.append((context["primary_pain"], p["id"], p["severity"]))
    assert not wrong, f"{len(wrong)} pitfalls on the pain are not high, e.g. {sorted(set(wrong))[:4]}"


# A strength claimed for a whole capability area ("Facilitation is answered as strong") needs the
# area's score, not one practice (round 205: said where facilitation scored 1.70).
AREA_STRENGTH = re.compile(r"\b(Governance|Analytics|Facilitation|Tools|Leadership) (?:is|are) (?:answered as )?"
                           r"(?:strong|in place|mature|well established)\b")


def test_no_strength_claim_about_an_area_whose_score_is_below_3(questionnaire, organisations):
    areas = {d.title: d.id for d in questionnaire.dimensions}
    wrong = []
    for _answers, context, facts, ownership, pitfalls, checks in organisations:
        for where, texts, _claims in rendered(ownership, pitfalls, checks):
            for text in texts:
                for title in AREA_STRENGTH.findall(text):
                    score = _score(facts, areas[title])
                    if score is None or score < 3:
                        wrong.append((where, title, score))
    assert not wrong, f"{len(wrong)} areas called strong below level 3, e.g. {sorted(set(wrong))[:4]}"


def test_a_pitfall_that_points_to_check_first_finds_it_there(organisations):
    """"See Check first" names a question Check first asks (at most three are shown, one per doubt)."""
    wrong = []
    for _answers, context, _facts, _own, pitfalls, checks in organisations:
        pointing = [p["id"] for p in pitfalls if "see Check first" in p["why"]]
        if pointing and "tools-without-their-ground" not in {c["id"] for c in checks}:
            wrong.append((pointing, [c["id"] for c in checks]))
    assert not wrong, f"{len(wrong)} pitfalls point to a check that is not shown, e.g. {wrong[:3]}"


def test_dashboards_tied_to_decisions_are_no_evidence_that_leaders_do_not_decide(organisations):
    """Round 207: "leaders rarely decide from them" cited "Dashboards: Tied to decisions" (4) as its evidence.
    Dashboards at 4 or 5 are cited only as the answers' claim ("said to be")."""
    wrong = []
    for _answers, context, facts, _own, pitfalls, _checks in organisations:
        for p in pitfalls:
            cited = p["evidence"].get("answers.tools.dashboards")
            if isinstance(cited, int) and cited >= 4 and "decide" in p["why"] and "said to be" not in p["why"]:
                wrong.append((p["id"], cited))
    assert not wrong, f"{len(wrong)} pitfalls cite dashboards tied to decisions as evidence, e.g. {wrong[:3]}"


def test_check_first_asks_at_most_three_questions_one_per_doubt(content, organisations):
    groups = {c.id: c.group for c in content.rulebook.checks}
    wrong = []
    for _answers, context, _facts, _own, _pitfalls, checks in organisations:
        asked = [groups.get(c["id"]) for c in checks if groups.get(c["id"])]
        if len(checks) > 3 or len(asked) != len(set(asked)):
            wrong.append([c["id"] for c in checks])
    assert not wrong, f"{len(wrong)} organisations get too many or duplicate checks, e.g. {wrong[:3]}"


# A pitfall's title never says a practice is missing where the answers put it in place (round 211: "lacks a
# senior owner or written terms" citing "PMO mandate: Level 3: Written, agreed mandate"). Each row: words in a
# title, and the answers they need.
TITLE_NEEDS = [
    ("written terms", lambda f: _answer(f, "leadership.mandate", 1) <= 2),
    ("no written mandate", lambda f: _answer(f, "leadership.mandate", 1) <= 2),
    ("senior owner", lambda f: _answer(f, "leadership.executive_sponsor", 1) <= 2),
    ("No active executive sponsor", lambda f: _answer(f, "leadership.executive_sponsor", 1) <= 2),
    ("No clear mandate or executive sponsor",
     lambda f: min(_answer(f, "leadership.mandate", 1), _answer(f, "leadership.executive_sponsor", 1)) <= 2),
]


def test_a_pitfall_title_never_contradicts_the_answers(organisations):
    wrong = []
    for _answers, context, facts, _own, pitfalls, _checks in organisations:
        for p in pitfalls:
            wrong += [(p["id"], words) for words, holds in TITLE_NEEDS if words in p["title"] and not holds(facts)]
    assert not wrong, f"{len(wrong)} pitfall titles contradict the answers, e.g. {sorted(set(wrong))[:4]}"


# "The answers show where it comes from" names a practice that can cause the pain, never only the PMO's distance
# from the teams (round 211: "weak delivery discipline ... comes from: closeness to delivery level 1").
CAUSE_CLAIM = re.compile(r"the answers show where it comes from: ([^.]*)\.")


def test_a_cause_named_for_the_pain_is_more_than_the_pmos_distance(organisations):
    wrong = []
    for where, text, _facts, _context in every_text(organisations):
        for cited in CAUSE_CLAIM.findall(text):
            if not re.search(r"level [12]\b", re.sub(r"closeness to delivery level \d", "", cited)):
                wrong.append((where, cited[:80]))
    assert not wrong, f"{len(wrong)} causes named from the PMO's distance alone, e.g. {sorted(set(wrong))[:4]}"
