"""An initiative's analysis is built from its registers: costs, its share of priced benefits
(budget cuts lowering the tax financing cost), non-priced benefits and the extra lines."""

from __future__ import annotations

import pytest

from nytte.costbenefit import selectors, services
from nytte.costbenefit.build import build_analysis, effect_scale
from nytte.costbenefit.models import ExtraAlternative, ExtraLine
from nytte.economics import CBAInputError, compute
from nytte.economics.plusminus import consequence
from tests.factories import (
    BenefitAmountFactory,
    BenefitFactory,
    ContributionFactory,
    CostLineFactory,
    InitiativeFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(programme):
    ske = OrganisationFactory(short_name="SKE", kind="agency")
    nav = OrganisationFactory(short_name="NAV", kind="agency")
    initiative = InitiativeFactory(programme=programme, code="FI-1", owner_organisation=ske)
    CostLineFactory(
        initiative=initiative,
        organisation=ske,
        year=2026,
        low=800_000,
        likely=1_000_000,
        high=1_500_000,
    )
    benefit = BenefitFactory(
        programme=programme,
        code="G-1",
        owner_organisation=nav,
        arises_in_organisation=nav,
        budget_cut_share=50,
    )
    BenefitAmountFactory(benefit=benefit, year=2027, low=400_000, likely=500_000, high=600_000)
    ContributionFactory(benefit=benefit, initiative=initiative, share=60)
    # The other 40 % belongs to another initiative and must not reach this analysis.
    ContributionFactory(benefit=benefit, share=40)
    return initiative


def test_a_worked_case_from_the_registers(case):
    # Expected values, PERT mean = (low + 4 × likely + high) / 6:
    # Costs: SKE (a public agency) in 2026 = year 0: (0.8 + 4 + 1.5) m / 6 = 1,050,000, public.
    # Benefit in 2027: (0.4 + 2 + 0.6) m / 6 = 500,000 × the initiative's 60 % = 300,000,
    #   PV 300,000/1.04 = 288,461.54. Half is cut from NAV's budget (a public saving):
    #   150,000/1.04 = 144,230.77.
    # Net public budget: 1,050,000 − 144,230.77 = 905,769.23; TFC 20 % = 181,153.85.
    # NNV = 288,461.54 − 1,050,000 − 181,153.85 = −942,692.31.
    result = compute(build_analysis(case)).alternative("FI-1")
    assert result.exact.pv_benefits == pytest.approx(300_000 / 1.04)
    assert result.exact.pv_costs == pytest.approx(1_050_000)
    assert result.exact.pv_public_budget == pytest.approx(1_050_000 - 150_000 / 1.04)
    assert result.exact.tax_financing_cost == pytest.approx(0.2 * (1_050_000 - 150_000 / 1.04))
    assert result.exact.nnv == pytest.approx(-942_692.31, abs=0.01)
    assert result.pv_benefits_by_organisation == {"NAV": round(300_000 / 1.04)}


def test_a_non_priced_benefit_becomes_a_plus_minus_effect(case, programme):
    quality = BenefitFactory(
        programme=programme,
        kind="quality",
        priced=False,
        plus_minus=-2,
        plus_minus_reasoning="Mer kontroll gir ulempe.",
    )
    ContributionFactory(benefit=quality, initiative=case, share=100)
    result = compute(build_analysis(case)).alternative("FI-1")
    assert [effect.consequence for effect in result.effects] == [-2]


@pytest.mark.parametrize("wanted", range(-4, 5))
def test_every_consequence_has_a_scale_that_gives_it_exactly(wanted):
    assert consequence(*effect_scale(wanted)) == wanted


def test_extra_lines_and_alternatives_join_the_analysis(case, facilitator):
    other = services.line_create(
        ExtraAlternative(initiative=case, name="Manuell løsning"), acting_user=facilitator
    )
    services.line_create(
        ExtraLine(
            initiative=case,
            alternative=other,
            name="Saksbehandlere",
            kind="cost",
            category="operation",
            organisation=case.owner_organisation,
            public_budget=True,
            first_year=2026,
            last_year=2027,
            low=100,
            likely=100,
            high=100,
        ),
        acting_user=facilitator,
    )
    result = compute(build_analysis(case))
    # 100 in 2026 and 100 in 2027: PV 100 + 100/1.04; TFC 20 % of that.
    assert result.alternative("Manuell løsning").exact.pv_costs == pytest.approx(100 + 100 / 1.04)
    assert [a.zero for a in result.alternatives] == [True, False, False]


def test_a_base_year_after_the_first_costs_is_a_clear_error(case, facilitator):
    services.settings_save(subject=case, data={"base_year": 2027}, acting_user=facilitator)
    case.refresh_from_db()
    with pytest.raises(CBAInputError, match="base year"):
        compute(build_analysis(case))


def test_a_snapshot_keeps_its_numbers_when_the_register_changes(case, facilitator):
    first = services.snapshot_freeze(subject=case, note="BP2", acting_user=facilitator)
    CostLineFactory(initiative=case, organisation=case.owner_organisation, year=2027)
    second = services.snapshot_freeze(subject=case, acting_user=facilitator)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    nnv = {a["name"]: a["nnv"] for a in first.results["alternatives"]}
    assert nnv["FI-1"] == -942_692  # the worked case above
    assert first.simulation["iterations"] == 10_000
    assert first.parameter_set == "R-109:2021"
    later = {a["name"]: a["nnv"] for a in second.results["alternatives"]}
    assert later["FI-1"] < nnv["FI-1"]


def test_the_live_evaluation_has_tornado_and_break_even(case):
    evaluation = selectors.evaluate(case)
    assert evaluation["tornado"]
    assert evaluation["simulation"].iterations == 10_000
    simulated = evaluation["simulation"].alternative("FI-1")
    assert simulated.p10 < simulated.p50 < simulated.p90


def test_the_two_parts_of_a_benefit_cut_from_budgets_are_drawn_together(case):
    main = build_analysis(case).alternatives[1]
    factors = {line.name: line.factor for line in main.lines if line.kind == "benefit"}
    assert len(factors) == 2  # the budget cut and the freed capacity
    assert len(set(factors.values())) == 1
    assert None not in factors.values()
