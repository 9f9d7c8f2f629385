"""The roadmap's steps always end: a user's target far above a practice never makes the planner loop."""

from __future__ import annotations

import pytest

from app.engine import run_assessment
import app.engine.roadmap as roadmap_module

# Round 291 of a random sweep: governance's target 5 puts risk-based gates (minimum artefacts 1 -> 5) in
# the plan; the next step on minimum artefacts is core templates (to 2), which leaves a jump of three.
ANSWERS = {
    'governance.intake_criteria': 2, 'governance.prioritisation_model': 1, 'governance.decision_rights': None,
    'governance.stage_gates': 2, 'governance.status_reporting': 1, 'governance.escalation_thresholds': 2,
    'governance.minimum_artefacts': 1, 'governance.tailored_methodology': 3, 'governance.sponsor_accountability': 3,
    'governance.standards_consistency': 1, 'governance.scope_change_control': 1, 'governance.vendor_management': 2,
    'analytics.portfolio_view': 1, 'analytics.decision_kpis': 1, 'analytics.forecast_accuracy': 2,
    'analytics.financial_control': 2, 'analytics.capacity_model': 1, 'analytics.benefits_realisation': 1,
    'analytics.portfolio_risk': 1, 'analytics.reporting_cadence': 2, 'analytics.duplicate_detection': 1,
    'analytics.dependency_tracking': 2, 'analytics.pmo_performance': 1, 'facilitation.portfolio_reviews': 2,
    'facilitation.workshops': 1, 'facilitation.conflict_resolution': 3, 'facilitation.lessons_learned': 1,
    'facilitation.stakeholder_involvement': 1, 'facilitation.pilots_quick_wins': 2,
    'facilitation.service_orientation': 3, 'facilitation.communication': 1, 'facilitation.delivery_proximity': 1,
    'facilitation.transition_to_service': 3, 'tools.tool_fit': 1, 'tools.integration': 1, 'tools.data_quality': 1,
    'tools.adoption': 2, 'tools.process_first': 2, 'tools.resource_planning': 2, 'tools.dashboards': 2,
    'tools.automation': 1, 'leadership.executive_sponsor': 1, 'leadership.mandate': 1,
    'leadership.prioritisation_influence': 1, 'leadership.data_driven_decisions': 1, 'leadership.pmo_roles': None,
    'leadership.capability_building': 1, 'leadership.business_outcomes': 3, 'leadership.role_clarity': 3,
    'leadership.stakeholder_satisfaction': 2,
}
CONTEXT = {'org_size': 'large', 'active_projects': 150, 'business_units': 8, 'regulated': True,
           'risk_profile': 'high', 'delivery_mix': 'hybrid', 'primary_pain': 'strategic_misalignment',
           'existing_pmo': 'informal'}
# Far more than any plan asks (a plan has a few dozen items): only a loop reaches it.
MAX_STEP_QUESTIONS = 5000


class Looping(Exception):
    pass


@pytest.fixture
def counted_steps(monkeypatch):
    """Count the planner's questions for a practice's next step; raise once a loop is certain."""
    asked = {"n": 0}
    original = roadmap_module._Planner.next_step

    def next_step(self, question):
        asked["n"] += 1
        if asked["n"] > MAX_STEP_QUESTIONS:
            raise Looping(question)
        return original(self, question)

    monkeypatch.setattr(roadmap_module._Planner, "next_step", next_step)
    return asked


def test_a_target_far_above_a_practice_with_one_short_step_ends_and_jumps_at_most_two_levels(content,
                                                                                             counted_steps):
    result = run_assessment(content, ANSWERS, CONTEXT, target={"governance": 5, "analytics": 4, "facilitation": 1})
    for phase in result["roadmap"]["phases"]:
        for item in phase["items"]:
            for practice in item["raises"]:
                if practice["from"] is not None:
                    assert practice["to"] - practice["from"] <= 2, (item["id"], practice)
