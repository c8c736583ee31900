"""R-109: a measure that outlives 75 years is analysed over its lifetime.

The flows after year 75 form a residual value discounted at 2 % from year 75, and each
flow keeps its budget nature, so public running costs after year 75 carry the tax
financing cost. A residual value entered by hand states its budget nature too.
The expected numbers are computed here by explicit formula, not by the engine.
"""

from __future__ import annotations

import pytest

from nytte.economics import Analysis, Estimate, compute, simulate
from nytte.economics.io import load_analysis, write_excel
from tests.economics.economics_helpers import analysis, line

TFC = 0.2


def df(t: int) -> float:
    """R-109's banded discount factor, written out: 4 % to 40, 3 % to 75, 2 % after."""
    if t <= 40:
        return 1.04**-t
    if t <= 75:
        return 1.04**-40 * 1.03 ** -(t - 40)
    return 1.04**-40 * 1.03**-35 * 1.02 ** -(t - 75)


def eighty_five_year_case() -> Analysis:
    # Base year 2025 = t 0; lifetime 85 years: t 0..84. Build 100 m in year 0, public
    # running costs of 1 m a year from t 1 to t 84, user benefits of 6 m a year.
    return analysis(
        line("Build", "cost", {2025: 100e6}, public=True),
        line("Run", "cost", {2025 + t: 1e6 for t in range(1, 85)}, public=True,
             category="operation"),
        line("Time saved", "benefit", {2025 + t: 6e6 for t in range(1, 85)}),
        period=85,
    )  # fmt: skip


def test_an_85_year_lifetime_is_analysed_with_a_residual_value_that_keeps_the_tfc():
    result = compute(eighty_five_year_case())
    project = result.alternative("Project")

    pv_build = 100e6
    pv_run = sum(1e6 * df(t) for t in range(1, 85))
    pv_time = sum(6e6 * df(t) for t in range(1, 85))
    public_outlay = pv_build + pv_run
    expected_nnv = pv_time - pv_build - pv_run - TFC * public_outlay

    assert project.exact.pv_costs == pytest.approx(pv_build + pv_run, rel=1e-12)
    assert project.exact.pv_public_budget == pytest.approx(public_outlay, rel=1e-12)
    assert project.exact.tax_financing_cost == pytest.approx(TFC * public_outlay, rel=1e-12)
    assert project.exact.nnv == pytest.approx(expected_nnv, rel=1e-12)

    # The residual value: flows after year 75 (t 76..84), at 2 % from year 75.
    assert result.residual_from_year == 2025 + 76
    rv_at_75 = sum((6e6 - 1e6) / 1.02 ** (t - 75) for t in range(76, 85))
    assert project.residual_value == round(rv_at_75)
    assert project.pv_residual_value == round(rv_at_75 * df(75))
    # The running costs after year 75 are public: their TFC is kept, not lost.
    tfc_after_75 = TFC * sum(1e6 * df(t) for t in range(76, 85))
    assert project.residual_tax_financing_cost == round(tfc_after_75)
    assert tfc_after_75 > 0

    # The old workaround (75 years + the later net flows as a hand-entered residual
    # value that is not public) loses exactly that TFC.
    folded = analysis(
        line("Build", "cost", {2025: 100e6}, public=True),
        line("Run", "cost", {2025 + t: 1e6 for t in range(1, 75)}, public=True,
             category="operation"),
        line("Time saved", "benefit", {2025 + t: 6e6 for t in range(1, 75)},
             residual_value=Estimate.point(
                 sum((6e6 - 1e6) * df(t) for t in range(75, 85)) / df(74))),
        period=75,
    )  # fmt: skip
    lost = compute(folded).alternative("Project").exact.nnv - expected_nnv
    assert lost == pytest.approx(TFC * sum(1e6 * df(t) for t in range(75, 85)), rel=1e-9)


def test_a_period_that_ends_by_year_75_has_no_computed_residual_value():
    result = compute(
        analysis(line("Run", "cost", {2025 + t: 1e6 for t in range(76)}, public=True), period=76)
    )
    assert result.residual_from_year is None
    project = result.alternative("Project")
    assert (project.residual_value, project.pv_residual_value) == (0, 0)
    assert project.residual_tax_financing_cost == 0


@pytest.mark.parametrize("public", [False, True])
def test_a_residual_value_entered_by_hand_states_its_budget_nature(public):
    # A public building with resale value 10 m in the last year (t 10).
    data = analysis(
        line("Build", "cost", {2025: 50e6}, public=True,
             residual_value=Estimate.point(10e6), residual_public_budget=public),
    )  # fmt: skip
    project = compute(data).alternative("Project")
    pv_residual = 10e6 * df(10)
    outlay = 50e6 - (pv_residual if public else 0.0)
    assert project.exact.pv_public_budget == pytest.approx(outlay, rel=1e-12)
    assert project.exact.nnv == pytest.approx(-50e6 + pv_residual - TFC * outlay, rel=1e-12)
    # The budget nature survives JSON.
    again = Analysis.from_dict(data.to_dict())
    assert again.alternatives[1].lines[0].residual_public_budget is public


def test_the_residual_budget_nature_defaults_to_not_public_and_round_trips_excel(tmp_path):
    data = {
        "name": "T", "base_year": 2025, "price_year": 2025, "period_years": 3,
        "alternatives": [
            {"name": "Zero", "zero": True},
            {"name": "P", "lines": [
                {"name": "Asset", "kind": "cost", "organisation": "Statsbygg",
                 "public_budget": True, "amounts": {"2025": 5}, "residual_value": 2},
                {"name": "Depot", "kind": "cost", "organisation": "Statsbygg",
                 "public_budget": True, "amounts": {"2025": 5}, "residual_value": 2,
                 "residual_public_budget": True},
            ]},
        ],
    }  # fmt: skip
    parsed = Analysis.from_dict(data)
    assert [ln.residual_public_budget for ln in parsed.alternatives[1].lines] == [False, True]
    path = tmp_path / "a.xlsx"
    write_excel(parsed, path)
    assert load_analysis(path).to_dict() == parsed.to_dict()


def test_monte_carlo_agrees_with_the_deterministic_result_beyond_year_75():
    base = eighty_five_year_case()
    # Make the running costs after year 75 uncertain (symmetric, so the mean is the point).
    lines = list(base.alternatives[1].lines)
    lines[1] = line(
        "Run", "cost",
        {2025 + t: (1e6 if t <= 75 else Estimate(0.5e6, 1e6, 1.5e6)) for t in range(1, 85)},
        public=True, category="operation",
    )  # fmt: skip
    uncertain = analysis(*lines, period=85)
    expected = compute(uncertain).alternative("Project").exact.nnv
    summary = simulate(uncertain, iterations=20_000, seed=3).alternative("Project")
    assert summary.mean == pytest.approx(expected, abs=0.01 * abs(expected) + 50_000)
    # Spread of the later public costs, TFC included: (1 + TFC) * PV of the swing.
    swing = (1 + TFC) * sum(0.5e6 * df(t) for t in range(76, 85))
    assert summary.p90 - summary.p10 < 2 * swing
    assert summary.p90 - summary.p10 > 0.2 * swing


def test_monte_carlo_carries_the_tfc_of_a_public_residual_value_entered_by_hand():
    # Only the residual value is uncertain, so every draw's NNV is exact by formula:
    # NNV = -50 m * 1.2 + 1.2 * RV * DF(10), with RV in [0, 20 m] (mean 10 m).
    data = analysis(
        line("Build", "cost", {2025: 50e6}, public=True,
             residual_value=Estimate(0, 10e6, 20e6), residual_public_budget=True),
    )  # fmt: skip
    deterministic = compute(data).alternative("Project").exact.nnv
    assert deterministic == pytest.approx(-50e6 * 1.2 + 1.2 * 10e6 * df(10), rel=1e-12)
    summary = simulate(data, iterations=20_000, seed=5).alternative("Project")
    assert summary.mean == pytest.approx(deterministic, abs=0.01 * 1.2 * 10e6 * df(10))
    lowest, highest = -50e6 * 1.2, -50e6 * 1.2 + 1.2 * 20e6 * df(10)
    assert lowest - 1 <= summary.p10 < summary.p90 <= highest + 1


def test_the_result_table_shows_the_residual_value_after_year_75():
    from nytte.economics.table import render_table

    result = compute(eighty_five_year_case())
    text = render_table(result)
    project = result.alternative("Project")
    assert "Of which after year 75 (2101-2109)" in text
    assert f"{project.residual_value:,}".replace(",", " ") in text
    assert "Residual value" not in render_table(
        compute(analysis(line("Run", "cost", {2025: 1e6}), period=10))
    )
