"""Discount factors under R-109's declining rates, checked against hand formulas."""

import itertools

import pytest

from nytte.economics import discount_factor, discount_factors, get_parameter_set
from nytte.economics.errors import CBAInputError

R109 = get_parameter_set("R-109:2021")


def test_base_year_has_factor_one() -> None:
    assert discount_factor(0, R109) == 1.0


def test_first_forty_years_use_four_percent() -> None:
    # DF(10) = 1.04^-10 = 0.675564...
    assert discount_factor(10, R109) == pytest.approx(1.04**-10, rel=1e-15)
    assert discount_factor(40, R109) == pytest.approx(0.20828904466294113, rel=1e-12)


def test_step_41_switches_to_three_percent() -> None:
    # DF(41) = 1.04^-40 * 1.03^-1 = 0.20828904 / 1.03 = 0.20222237
    assert discount_factor(41, R109) == pytest.approx(0.20222237345916613, rel=1e-12)


def test_step_75_is_last_three_percent_step_and_76_uses_two_percent() -> None:
    # DF(75) = 1.04^-40 * 1.03^-35 = 0.074022468; DF(76) = DF(75) / 1.02 = 0.072571047
    assert discount_factor(75, R109) == pytest.approx(0.07402246841857886, rel=1e-12)
    assert discount_factor(76, R109) == pytest.approx(0.07257104746919496, rel=1e-12)
    # DF(80) = DF(75) * 1.02^-5 = 0.067044430
    assert discount_factor(80, R109) == pytest.approx(0.0670444302663688, rel=1e-12)


def test_factor_array_matches_scalar_and_is_decreasing() -> None:
    factors = discount_factors(100, R109)
    assert [discount_factor(t, R109) for t in range(100)] == pytest.approx(list(factors))
    assert all(a > b for a, b in itertools.pairwise(factors))


def test_negative_offset_is_an_input_error() -> None:
    with pytest.raises(CBAInputError, match="before the base year"):
        discount_factor(-1, R109)
