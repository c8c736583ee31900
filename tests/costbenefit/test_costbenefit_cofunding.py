"""The co-funding check gathers its facts from the registers and the stored application facts:
project cost and budget years from the cost lines, NNV from the analysis, phase, applicant and
internal gains, and a rule is "not assessed" when a fact is missing."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nytte.core.models import ChangeLogEntry
from nytte.costbenefit import services
from nytte.costbenefit.build import build_analysis
from nytte.costbenefit.cofunding.gather import gather
from nytte.costbenefit.cofunding.services import cofunding_save
from nytte.costbenefit.models import CoFundingFacts
from nytte.economics import compute
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    InitiativeFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db
M = 1_000_000


def cost(initiative, organisation, year, likely, category="investment"):
    """A cost line without uncertainty, so expected value = most likely."""
    return CostLineFactory(
        initiative=initiative,
        organisation=organisation,
        year=year,
        category=category,
        low=likely,
        likely=likely,
        high=likely,
    )


@pytest.fixture
def case(programme):
    """FI-1 by Skatteetaten (an agency), in the Plan phase:
    project cost SKE 30 m in 2026 + NAV 10 m in 2027 = 40 m over two budget years;
    operation SKE 2 m in 2028 and 2029 (not project cost);
    an efficiency gain of 60 m in 2027 arising in SKE, half of it to be cut from budgets."""
    ske = OrganisationFactory(name="Skatteetaten", short_name="SKE", kind="agency")
    nav = OrganisationFactory(name="NAV", short_name="NAV", kind="agency")
    initiative = InitiativeFactory(
        programme=programme, code="FI-1", owner_organisation=ske, phase="plan"
    )
    cost(initiative, ske, 2026, 30 * M)
    cost(initiative, nav, 2027, 10 * M)
    cost(initiative, ske, 2028, 2 * M, "operation")
    cost(initiative, ske, 2029, 2 * M, "operation")
    gain = BenefitFactory(
        programme=programme,
        code="G-1",
        kind="efficiency",
        owner_organisation=ske,
        arises_in_organisation=ske,
        budget_cut_share=50,
    )
    BenefitAmountFactory(benefit=gain, year=2027, low=60 * M, likely=60 * M, high=60 * M)
    ContributionFactory(benefit=gain, initiative=initiative, share=100)
    return initiative


def request(initiative, requested, **extra):
    return CoFundingFacts.objects.create(initiative=initiative, requested=requested, **extra)


def rule(report, name):
    return next(row for row in report.rows if row.rule == name)


def fact(report, key):
    return next(f for f in report.facts if f.key == key)


def test_the_facts_of_a_worked_case(case):
    request(case, 20 * M)
    report = gather(case)
    app = report.application
    # Project cost: investment lines only, 30 + 10 m; the 4 m of operation is left out.
    assert app.total_cost == 40 * M
    assert report.operating_cost == 4 * M
    # Budget years: the years with project costs (with operation it would be four).
    assert app.budget_years == (2026, 2027)
    # Share = requested / project cost = 20 / 40.
    assert fact(report, "requested_share").value == pytest.approx(0.5)
    # NNV, by hand (base year 2026, 4 %; every payer is a public agency, TFC 20 %):
    # benefits 60/1.04; costs 30 + 10/1.04 + 2/1.04² + 2/1.04³; budget saving 30/1.04.
    costs = 30 * M + 10 * M / 1.04 + 2 * M / 1.04**2 + 2 * M / 1.04**3
    nnv = 60 * M / 1.04 - costs - 0.2 * (costs - 30 * M / 1.04)
    assert app.nnv == pytest.approx(nnv, abs=1)
    assert app.nnv > 0
    assert app.nnv == compute(build_analysis(case)).alternative("FI-1").nnv
    assert app.concept_phase_finished is True
    assert app.execution_started is False
    assert app.applicant_is_state_agency is True
    assert (app.internal_net_gains, app.planned_budget_cuts) == (60 * M, 30 * M)
    assert [row.passed for row in report.rows] == [True] * 8
    assert report.eligible


def test_cost_band_and_funded_share(case, english):
    request(case, 25 * M)  # 62.5 % of 40 m
    report = gather(case)
    assert rule(report, "funded share").passed is False
    assert "62.5 %" in rule(report, "funded share").reason
    assert rule(report, "cost band").passed is True
    cost(case, case.owner_organisation, 2027, 70 * M, "other")  # 110 m: above the band
    report = gather(case)
    assert report.application.total_cost == 110 * M
    assert rule(report, "cost band").passed is False
    assert "outside" in rule(report, "cost band").reason
    assert not report.eligible


def test_the_earlier_rules_fund_joined_up_services_up_to_85_percent(case):
    request(case, 30 * M, rules="earlier", category="joined_up_services")  # 75 %
    report = gather(case)
    assert rule(report, "funded share").passed is True
    assert report.rules.name.startswith("Digdir medfinansiering (earlier")


def test_more_than_three_budget_years_fail(case):
    request(case, 20 * M)
    cost(case, case.owner_organisation, 2028, M)
    cost(case, case.owner_organisation, 2029, M)
    report = gather(case)
    assert report.application.budget_years == (2026, 2027, 2028, 2029)
    assert rule(report, "budget years").passed is False


def test_missing_facts_are_not_assessed_and_never_a_pass(programme, english):
    initiative = InitiativeFactory(programme=programme, code="FI-9", phase="plan")
    report = gather(initiative)
    assert report.stored.pk is None  # nothing stored yet: nothing requested
    assert rule(report, "cost band").passed is None
    assert rule(report, "funded share").passed is None
    assert rule(report, "budget years").passed is None
    assert "No project costs" in rule(report, "cost band").reason
    assert not report.eligible
    cost(initiative, initiative.owner_organisation, 2026, 20 * M)
    report = gather(initiative)
    assert rule(report, "cost band").passed is True
    assert rule(report, "funded share").passed is None
    assert "not stated" in rule(report, "funded share").reason


def test_an_analysis_that_cannot_be_computed_leaves_nnv_not_assessed(case, facilitator, english):
    services.settings_save(subject=case, data={"base_year": 2027}, acting_user=facilitator)
    case.refresh_from_db()
    report = gather(case)
    assert report.application.nnv is None
    nnv_rule = rule(report, "profitable (NNV > 0)")
    assert nnv_rule.passed is None
    assert "base year" in report.analysis_error
    assert report.analysis_error in nnv_rule.reason


def test_a_negative_nnv_fails(case):
    request(case, 20 * M)
    case.benefit_contributions.all().delete()
    report = gather(case)
    assert report.application.nnv < 0
    assert rule(report, "profitable (NNV > 0)").passed is False
    # Without internal gains nothing has to be cut: the rule holds trivially.
    assert rule(report, "budget cuts").passed is True


@pytest.mark.parametrize(
    ("phase", "concept_finished", "execution_not_started"),
    [
        ("idea", False, True),
        ("concept", False, True),
        ("plan", True, True),
        ("execute", True, False),
        ("realise", True, False),
    ],
)
def test_the_phase_decides_the_phase_rules(case, phase, concept_finished, execution_not_started):
    case.phase = phase
    case.save()
    report = gather(case)
    assert rule(report, "concept phase finished").passed is concept_finished
    assert rule(report, "execution not started").passed is execution_not_started


@pytest.mark.parametrize(("kind", "state"), [("ministry", True), ("municipality", False)])
def test_only_state_bodies_may_apply(case, kind, state):
    case.owner_organisation.kind = kind
    case.owner_organisation.save()
    assert rule(gather(case), "applicant").passed is state


def test_internal_gains_count_the_share_in_the_own_organisation_only(case, programme):
    request(case, 20 * M)
    ske = case.owner_organisation
    # Half of another gain in SKE with only 20 % to be cut.
    low_cut = BenefitFactory(
        programme=programme, owner_organisation=ske, arises_in_organisation=ske, budget_cut_share=20
    )
    BenefitAmountFactory(benefit=low_cut, year=2028, low=0, likely=40 * M, high=50 * M)
    ContributionFactory(benefit=low_cut, initiative=case, share=50)
    # Not counted: a gain arising in another agency, and a gain for others.
    elsewhere = BenefitFactory(programme=programme)
    BenefitAmountFactory(benefit=elsewhere, year=2027, likely=9 * M, high=9 * M)
    ContributionFactory(benefit=elsewhere, initiative=case, share=100)
    others = BenefitFactory(
        programme=programme, kind="others", owner_organisation=ske, arises_in_organisation=ske
    )
    BenefitAmountFactory(benefit=others, year=2027, likely=9 * M, high=9 * M)
    ContributionFactory(benefit=others, initiative=case, share=100)
    report = gather(case)
    # Gains 60 + 50 % × 40 = 80 m; cuts 30 + 20 % × 20 = 34 m < 40 m: the rule fails.
    assert report.application.internal_net_gains == pytest.approx(80 * M)
    assert report.application.planned_budget_cuts == pytest.approx(34 * M)
    assert [g["code"] for g in report.gains_by_benefit] == ["G-1", low_cut.code]
    assert rule(report, "budget cuts").passed is False


def test_storing_the_facts_needs_edit_rights_and_is_logged(case, viewer, facilitator):
    data = {"requested": 20 * M, "category": "standard", "rules": "current", "note": "BP2"}
    with pytest.raises(PermissionDenied):
        cofunding_save(initiative=case, data=data, acting_user=viewer)
    facts = cofunding_save(initiative=case, data=data, acting_user=facilitator)
    cofunding_save(initiative=case, data={**data, "requested": 18 * M}, acting_user=facilitator)
    facts.refresh_from_db()
    assert facts.requested == 18 * M
    entries = ChangeLogEntry.objects.filter(object_id=str(facts.pk)).order_by("pk")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes["requested"] == {"before": 20 * M, "after": 18 * M}


def test_joined_up_services_exist_under_the_earlier_rules_only(case, facilitator):
    data = {"requested": 20 * M, "category": "joined_up_services", "rules": "current"}
    with pytest.raises(ValidationError) as caught:
        cofunding_save(initiative=case, data=data, acting_user=facilitator)
    assert "category" in caught.value.message_dict
    saved = cofunding_save(
        initiative=case, data={**data, "rules": "earlier"}, acting_user=facilitator
    )
    assert saved.category == "joined_up_services"


def test_the_report_serialises(case):
    request(case, 20 * M)
    data = json.loads(json.dumps(gather(case).to_dict(), default=str))
    assert data["eligible"] is True
    assert {c["state"] for c in data["checks"]} == {"pass"}
    assert {f["key"] for f in data["facts"]} >= {"project_cost", "budget_years", "nnv"}
