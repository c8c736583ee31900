"""Reference cases worked out by hand (arithmetic in the comments).

Default parameters R-109:2021: 4 % for steps 1-40, 3 % for 41-75, 2 % after,
tax financing cost (TFC) 20 % of the PV of the net public budget outlay.
"""

import pytest

from nytte.economics import Estimate, compute
from tests.economics.economics_helpers import analysis, line


def test_one_year_cost_with_ten_years_of_benefits() -> None:
    # Cost 1 000 000 in 2025 (= base year, DF 1) paid from public budgets.
    # Benefit 200 000 a year 2026-2035 to citizens (not public budgets).
    # PV benefits = 200 000 * (1 - 1.04^-10) / 0.04 = 200 000 * 8.1108958 = 1 622 179.16
    # TFC = 0.2 * 1 000 000 = 200 000
    # NNV = 1 622 179.16 - 1 000 000 - 200 000 = 422 179.16 -> 422 179
    # NNB = 422 179.16 / 1 000 000 = 0.42218
    a = analysis(
        line("Build", "cost", {2025: 1_000_000}, public=True),
        line(
            "Time saved",
            "benefit",
            {y: 200_000 for y in range(2026, 2036)},
            organisation="Citizens",
            category="external",
        ),
    )
    alt = compute(a).alternative("Project")
    assert alt.exact.pv_benefits == pytest.approx(1_622_179.1559, abs=0.01)
    assert alt.pv_benefits == 1_622_179
    assert alt.pv_benefits_by_organisation == {"Citizens": 1_622_179}
    assert alt.pv_costs == alt.pv_costs_investment == 1_000_000
    assert alt.tax_financing_cost == 200_000
    assert alt.nnv == 422_179
    assert alt.nnb == pytest.approx(0.4221792, abs=1e-6)
    # Cumulative discounted net: -1 200 000 in 2025, then + 200 000 * 1.04^-t.
    # After 2031: 1 048 427 < 1 200 000; after 2032: 1 200 411 >= 1 200 000 -> payback 2032.
    assert alt.payback_year == 2032
    assert alt.rank == 1


def test_flows_across_the_40_and_75_year_boundaries() -> None:
    # Base year 2000; period 2038-2077 (t = 38 .. 77). Benefits of 1 000 000 at
    # t = 40: DF = 1.04^-40                       = 0.2082890447
    # t = 41: DF = 1.04^-40 * 1.03^-1            = 0.2022223735
    # t = 75: DF = 1.04^-40 * 1.03^-35           = 0.0740224684
    # t = 76: DF = 1.04^-40 * 1.03^-35 * 1.02^-1 = 0.0725710475
    # PV = 1 000 000 * (0.2082890447 + 0.2022223735 + 0.0740224684 + 0.0725710475)
    #    = 557 104.93
    years = {2040: 1e6, 2041: 1e6, 2075: 1e6, 2076: 1e6}
    a = analysis(
        line("Benefit", "benefit", years, organisation="Users", category="external"),
        base_year=2000,
        first_year=2038,
        period=40,
    )
    alt = compute(a).alternative("Project")
    assert alt.exact.pv_benefits == pytest.approx(557_104.94, abs=0.02)
    assert alt.nnv == 557_105


def test_tax_financing_cost_is_a_gain_when_the_project_saves_public_money() -> None:
    # Public investment 1 000 000 in 2025; public budget savings 300 000 a year 2026-2030.
    # PV savings = 300 000 * (1 - 1.04^-5) / 0.04 = 300 000 * 4.4518223 = 1 335 546.70
    # Net public outlay = 1 000 000 - 1 335 546.70 = -335 546.70 (the state saves money)
    # TFC = 0.2 * -335 546.70 = -67 109.34 (a gain)
    # NNV = 1 335 546.70 - 1 000 000 - (-67 109.34) = 402 656.04
    a = analysis(
        line("Build", "cost", {2025: 1_000_000}, public=True),
        line(
            "Fewer case officers", "benefit", {y: 300_000 for y in range(2026, 2031)}, public=True
        ),
    )
    alt = compute(a).alternative("Project")
    assert alt.exact.pv_public_budget == pytest.approx(-335_546.70, abs=0.01)
    assert alt.tax_financing_cost == -67_109
    assert alt.nnv == 402_656
    assert alt.nnb is None
    assert "no net public budget outlay" in (alt.nnb_note or "")


def test_residual_value_is_a_benefit_in_the_final_year() -> None:
    # Period 2025-2034 (10 years). Public investment 5 000 000 in 2025 with a residual
    # value of 2 000 000 at the end, i.e. in 2034 (t = 9): 2 000 000 * 1.04^-9 = 1 405 173.47.
    # The residual value is not a budget flow, so TFC = 0.2 * 5 000 000 = 1 000 000.
    # NNV = 1 405 173.47 - 5 000 000 - 1 000 000 = -4 594 826.53
    a = analysis(
        line(
            "Servers",
            "cost",
            {2025: 5_000_000},
            public=True,
            residual_value=Estimate.point(2_000_000),
        ),
        period=10,
    )
    alt = compute(a).alternative("Project")
    assert alt.pv_benefits == 1_405_173
    assert alt.pv_benefits_by_category == {"residual value": 1_405_173}
    assert alt.tax_financing_cost == 1_000_000
    assert alt.nnv == -4_594_827
    assert alt.payback_year is None


def test_real_price_growth_compounds_from_the_price_year() -> None:
    # 100 000 a year in 2026-2028 with 2 % real growth, price year = base year = 2025:
    # PV = 100 000 * [(1.02/1.04)^1 + (1.02/1.04)^2 + (1.02/1.04)^3]
    #    = 100 000 * (0.9807692 + 0.9619083 + 0.9434101) = 288 608.76
    growing = line("Value of time", "benefit", {2026: 1e5, 2027: 1e5, 2028: 1e5}, real_growth=0.02)
    assert compute(analysis(growing)).alternative("Project").nnv == 288_609
    # Price year 2024, base year 2025: each amount grows one more year (x 1.02):
    # PV = 288 608.76 * 1.02 = 294 380.93
    result = compute(analysis(growing, price_year=2024))
    assert result.alternative("Project").nnv == 294_381


def test_default_growth_comes_from_the_parameter_set() -> None:
    # "default" growth in R-109:2021 is 0.8 %: 100 000 * 1.008 / 1.04 = 96 923.08
    a = analysis(line("B", "benefit", {2026: 1e5}, real_growth="default"))
    assert compute(a).alternative("Project").nnv == 96_923


def test_expected_value_of_pert_and_triangular_lines() -> None:
    # PERT mean (80 + 4*100 + 150) / 6 = 105; triangular mean (80 + 100 + 150) / 3 = 110.
    est = Estimate(80, 100, 150)
    pert = analysis(line("B", "benefit", {2025: est}))
    tri = analysis(line("B", "benefit", {2025: est}, distribution="triangular"))
    assert compute(pert).alternative("Project").nnv == 105
    assert compute(tri).alternative("Project").nnv == 110
    assert compute(pert, point="likely").alternative("Project").nnv == 100


def test_zero_alternative_is_zero_and_ranking_follows_nnv() -> None:
    # Project NNV = 100 - 120 = -20 (non-public) < 0 = zero alternative.
    a = analysis(line("C", "cost", {2025: 120}), line("B", "benefit", {2025: 100}))
    result = compute(a)
    zero = result.alternative("Zero")
    assert (zero.nnv, zero.pv_benefits, zero.pv_costs, zero.rank) == (0, 0, 0, 1)
    assert result.alternative("Project").rank == 2
    assert result.ranking == ["Zero", "Project"]


def test_costs_are_split_into_investment_and_operation() -> None:
    # Investment 1 000 in 2025 (DF 1); operation 104 in 2026 (DF 1/1.04 -> PV 100).
    a = analysis(
        line("Build", "cost", {2025: 1000}, category="investment"),
        line("Run", "cost", {2026: 104}, category="operation", organisation="NAV"),
    )
    alt = compute(a).alternative("Project")
    assert (alt.pv_costs_investment, alt.pv_costs_operation, alt.pv_costs) == (1000, 100, 1100)
    assert alt.pv_costs_by_organisation == {"NAV": 100, "Skatteetaten": 1000}


def test_results_round_half_away_from_zero_and_serialise() -> None:
    a = analysis(line("B", "benefit", {2025: 0.5}), line("C", "cost", {2025: 2.5}))
    alt = compute(a).alternative("Project")
    assert (alt.pv_benefits, alt.pv_costs, alt.nnv) == (1, 3, -2)
    data = compute(a).to_dict()
    assert data["parameter_set"] == "R-109:2021"
    assert data["parameters"]["discount_bands"][0] == {
        "first_step": 1,
        "last_step": 40,
        "rate": 0.04,
    }
    assert data["alternatives"][1]["nnv"] == -2


def test_an_analysis_is_empty_until_an_alternative_has_a_line() -> None:
    assert analysis().is_empty
    assert not analysis(line("Drift", "cost", {2025: 100})).is_empty
