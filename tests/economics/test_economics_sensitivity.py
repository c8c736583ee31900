"""Tornado bars and break-even values, checked by hand."""

import pytest

from nytte.economics import Estimate, break_even, tornado
from tests.economics.economics_helpers import analysis, line


def case():
    # Cost 1 000 (public, TFC 20 %) in 2025: contribution -1 200.
    # Benefit in 2025, PERT(1 000, 1 500, 3 000): mean (1000 + 6000 + 3000) / 6 = 1 666.67.
    # NNV = 1 666.67 - 1 200 = 466.67
    return analysis(
        line("Cost", "cost", {2025: 1000}, public=True),
        line(
            "Benefit",
            "benefit",
            {2025: Estimate(1000, 1500, 3000)},
            organisation="Users",
            category="external",
        ),
    )


def test_tornado_moves_one_line_to_low_and_high() -> None:
    (bar,) = tornado(case())  # only the uncertain line gets a bar
    # Low: 1 000 - 1 200 = -200; high: 3 000 - 1 200 = 1 800.
    assert (bar.line, bar.nnv_at_low, bar.nnv_at_high, bar.swing) == pytest.approx(
        ("Benefit", -200.0, 1800.0, 2000.0)
    )


def test_break_even_multipliers() -> None:
    (result,) = break_even(case())
    values = {v.input: v for v in result.values}
    assert result.nnv == pytest.approx(466.6667, abs=1e-3)
    # Benefits must shrink to 1 200 / 1 666.67 = 0.72 of their estimate.
    assert values["Benefit"].multiplier == pytest.approx(0.72)
    assert values["Benefit"].change_pct == pytest.approx(-28.0)
    # Costs may grow to 1 666.67 / 1 200 = 1.3889 times the estimate.
    assert values["all costs"].multiplier == pytest.approx(1666.6667 / 1200, rel=1e-6)
    # All flows are in the base year, so no discount rate changes the sign of NNV.
    assert result.discount_rate is None


def test_break_even_discount_rate_is_the_internal_rate_of_return() -> None:
    # -1 000 in 2025 and +1 100 in 2026 (non-public): NNV = 0 at a flat rate of 10 %.
    a = analysis(line("C", "cost", {2025: 1000}), line("B", "benefit", {2026: 1100}))
    (result,) = break_even(a)
    assert result.discount_rate == pytest.approx(0.10, abs=1e-8)
