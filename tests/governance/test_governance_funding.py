"""The funding split: each key's arithmetic, rounding that adds up exactly, and refusals."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from nytte.governance import services
from nytte.governance.funding import funding_split, largest_remainder
from tests.factories import OrganisationFactory

from .factories import CaseOptionFactory, OptionBenefitFactory, OptionCostFactory


def test_largest_remainder_adds_up_exactly_and_favours_the_largest_remainders():
    assert largest_remainder(100, [Fraction(1)] * 3) == [34, 33, 33]
    assert largest_remainder(10, [Fraction(1), Fraction(2), Fraction(2)]) == [2, 4, 4]
    assert largest_remainder(1_000_001, [Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)]) == [
        333_334,
        333_334,
        333_333,
    ]
    assert largest_remainder(7, [Fraction(0), Fraction(5)]) == [0, 7]


@pytest.fixture
def option(programme):
    return CaseOptionFactory(case__programme=programme)


@pytest.fixture
def three(db):
    return [OrganisationFactory(short_name=name) for name in ("A", "B", "C")]


def test_by_benefits_shares_follow_the_gained_benefits_in_organisations(option, three):
    a, b, c = three
    OptionCostFactory(option=option, organisation=a, year=2027, amount=1_000_000)
    OptionCostFactory(option=option, organisation=a, year=2028, amount=1)
    OptionBenefitFactory(option=option, organisation=a, annual_amount=100)
    OptionBenefitFactory(option=option, organisation=b, annual_amount=100)
    OptionBenefitFactory(option=option, organisation=c, annual_amount=100)
    OptionBenefitFactory(option=option, organisation=None, annual_amount=900)  # outside: left out
    OptionBenefitFactory(option=option, organisation=c, annual_amount=500, gained=False)
    rows = funding_split(option)
    assert [r.organisation.short_name for r in rows] == ["A", "B", "C"]
    assert [r.amount for r in rows] == [333_334, 333_334, 333_333]
    assert sum(r.amount for r in rows) == 1_000_001
    assert all(r.share == Fraction(1, 3) for r in rows)
    assert [r.benefit for r in rows] == [100, 100, 100]


def test_by_benefits_without_benefits_in_organisations_is_refused(option, three, english):
    OptionCostFactory(option=option, organisation=three[0], amount=10)
    OptionBenefitFactory(option=option, organisation=None, annual_amount=900)
    with pytest.raises(ValidationError, match="No gained benefit"):
        funding_split(option)


def test_by_size_follows_the_basis_and_shows_benefits_beside_it(
    option, three, facilitator, english
):
    a, b, c = three
    OptionCostFactory(option=option, organisation=a, amount=900)
    OptionBenefitFactory(option=option, organisation=c, annual_amount=50)
    services.funding_set(
        option=option, key="size", bases={a: Decimal("2"), b: Decimal("1")}, acting_user=facilitator
    )
    rows = {r.organisation.short_name: r for r in funding_split(option)}
    assert {k: r.amount for k, r in rows.items()} == {"A": 600, "B": 300, "C": 0}
    assert rows["C"].benefit_share == 1 and rows["A"].benefit == 0
    with pytest.raises(ValidationError, match="reason"):
        services.funding_set(option=option, key="judgement", bases={a: 1}, acting_user=facilitator)
    services.funding_set(
        option=option,
        key="judgement",
        reason="Avtalt i styret",
        bases={b: 1},
        acting_user=facilitator,
    )
    assert [(r.organisation.short_name, r.amount) for r in funding_split(option)] == [
        ("B", 900),
        ("C", 0),
    ]
    assert option.funding_shares.count() == 1


def test_a_key_without_any_basis_is_refused(option, three, english):
    option.funding_key = "use"
    option.save()
    with pytest.raises(ValidationError, match="basis"):
        funding_split(option)


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.fractions(min_value=0, max_value=10**6), min_size=1, max_size=12),
)
def test_largest_remainder_always_adds_up_and_stays_within_a_krone(total, weights):
    amounts = largest_remainder(total, weights)
    if sum(weights) == 0:
        assert amounts == [0] * len(weights)
        return
    assert sum(amounts) == total
    for amount, weight in zip(amounts, weights, strict=True):
        exact = Fraction(total) * weight / sum(weights)
        assert exact - 1 < amount < exact + 1
