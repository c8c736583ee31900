"""Validation rules of the portfolio register, and the R-108 / size band thresholds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nytte.core.actors import SYSTEM
from nytte.core.choices import Role
from nytte.core.services import organisation_membership_add
from nytte.portfolio import rules
from nytte.portfolio.choices import GoalLevel, Phase, SizeBand
from nytte.portfolio.models import CostLine, Goal, Initiative, InitiativeGoal
from tests.factories import (
    CostLineFactory,
    GoalFactory,
    InitiativeFactory,
    OrganisationFactory,
    RiskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        instance.full_clean()
    return info.value.message_dict


# Cost lines


@pytest.fixture
def initiative(programme) -> Initiative:
    return InitiativeFactory(programme=programme, code="FI-1")


def cost_line(initiative: Initiative, **fields) -> CostLine:
    values = {
        "organisation": initiative.owner_organisation,
        "year": 2027,
        "category": "investment",
        "low": 8_000_000,
        "likely": 10_000_000,
        "high": 14_000_000,
    }
    return CostLine(initiative=initiative, **{**values, **fields})


@pytest.mark.parametrize(
    ("low", "likely", "high"),
    [(0, 0, 0), (10, 10, 10), (1, 2, 3), (0, 5_000_000, 300_000_000)],
)
def test_a_cost_line_in_order_low_likely_high_is_valid(initiative, low, likely, high):
    cost_line(initiative, low=low, likely=likely, high=high).full_clean()


@pytest.mark.parametrize(("low", "likely", "high"), [(2, 1, 3), (1, 3, 2), (3, 2, 1)])
def test_a_cost_line_out_of_order_is_refused(initiative, english, low, likely, high):
    errors = errors_of(cost_line(initiative, low=low, likely=likely, high=high))
    assert any("low ≤ most likely ≤ high" in m for m in errors["__all__"])


def test_the_database_refuses_an_out_of_order_cost_line_too(initiative):
    with pytest.raises(IntegrityError), transaction.atomic():
        cost_line(initiative, low=5, likely=4, high=6).save()


@pytest.mark.parametrize("field", ["low", "likely", "high"])
def test_a_negative_amount_is_refused(initiative, field):
    line = cost_line(initiative, low=-1, likely=-1, high=-1)
    assert field in errors_of(line)


@pytest.mark.parametrize(
    ("year", "valid"), [(1989, False), (1990, True), (2100, True), (2101, False)]
)
def test_the_year_must_be_between_1990_and_2100(initiative, year, valid):
    line = cost_line(initiative, year=year)
    if valid:
        line.full_clean()
    else:
        assert "year" in errors_of(line)


def test_one_cost_line_per_initiative_organisation_year_and_category(initiative):
    CostLineFactory(initiative=initiative, year=2027, category="investment")
    assert errors_of(cost_line(initiative, year=2027, category="investment"))
    cost_line(initiative, year=2027, category="operation").full_clean()
    cost_line(initiative, year=2028, category="investment").full_clean()
    cost_line(initiative, year=2027, organisation=OrganisationFactory()).full_clean()


# Goals


def test_a_societal_goal_has_no_parent(programme, english):
    root = GoalFactory(programme=programme, code="SM-1")
    goal = Goal(programme=programme, level=GoalLevel.SOCIETAL, code="SM-2", title="x", parent=root)
    assert "A societal goal has no parent goal." in errors_of(goal)["parent"]


def test_an_impact_goal_serves_a_societal_goal(programme, english):
    root = GoalFactory(programme=programme, code="SM-1")
    impact = GoalFactory(programme=programme, code="EM-1", level=GoalLevel.IMPACT, parent=root)
    Goal(
        programme=programme, level=GoalLevel.IMPACT, code="EM-2", title="x", parent=root
    ).full_clean()

    orphan = Goal(programme=programme, level=GoalLevel.IMPACT, code="EM-3", title="x")
    under_impact = Goal(
        programme=programme, level=GoalLevel.IMPACT, code="EM-4", title="x", parent=impact
    )
    for goal in (orphan, under_impact):
        assert "An impact goal serves a societal goal." in errors_of(goal)["parent"]


def test_a_goal_cannot_hang_under_another_programmes_goal(programme, other_programme, english):
    foreign = GoalFactory(programme=other_programme, code="SM-1")
    goal = Goal(programme=programme, level=GoalLevel.IMPACT, code="EM-1", title="x", parent=foreign)
    assert "The parent goal belongs to another programme." in errors_of(goal)["parent"]


def test_goal_codes_are_unique_within_a_programme(programme, other_programme):
    GoalFactory(programme=programme, code="SM-1")
    assert errors_of(Goal(programme=programme, level=GoalLevel.SOCIETAL, code="SM-1", title="x"))
    Goal(programme=other_programme, level=GoalLevel.SOCIETAL, code="SM-1", title="x").full_clean()


def test_a_negative_goal_weight_is_refused(programme):
    goal = Goal(programme=programme, level=GoalLevel.SOCIETAL, code="SM-1", title="x", weight=-1)
    assert "weight" in errors_of(goal)


def test_an_initiative_cannot_serve_another_programmes_goal(initiative, other_programme, english):
    link = InitiativeGoal(initiative=initiative, goal=GoalFactory(programme=other_programme))
    assert "The goal belongs to another programme." in errors_of(link)["goal"]


# Initiatives


def test_an_initiative_cannot_end_before_it_starts(initiative, english):
    initiative.planned_start = dt.date(2027, 1, 1)
    initiative.planned_end = dt.date(2026, 12, 31)
    assert "The end cannot come before the start." in errors_of(initiative)["planned_end"]
    initiative.planned_end = dt.date(2027, 1, 1)
    initiative.full_clean()


@pytest.mark.parametrize("status", ["yellow", "red"])
def test_yellow_or_red_needs_a_reason(initiative, english, status):
    initiative.status = status
    initiative.status_reason = "   "
    assert "Give a reason" in errors_of(initiative)["status_reason"][0]
    initiative.status_reason = "Leveransen er forsinket."
    initiative.full_clean()


def test_green_needs_no_reason(initiative):
    initiative.status, initiative.status_reason = "green", ""
    initiative.full_clean()


@pytest.mark.parametrize("code", ["FI-1", "fi.2", "A_b-3", "7", "SDB-12.1"])
def test_codes_of_letters_digits_dot_dash_underscore_are_accepted(programme, code):
    InitiativeFactory.build(
        programme=programme, code=code, owner_organisation=OrganisationFactory()
    ).full_clean()


@pytest.mark.parametrize("code", ["-FI", ".1", "FI 1", "FI/1", "Tiltak-ø", ""])
def test_other_codes_are_refused(programme, code):
    initiative = InitiativeFactory.build(
        programme=programme, code=code, owner_organisation=OrganisationFactory()
    )
    assert "code" in errors_of(initiative)


def test_initiative_codes_are_unique_within_a_programme(initiative, other_programme):
    twin = InitiativeFactory.build(
        programme=initiative.programme, code="FI-1", owner_organisation=OrganisationFactory()
    )
    assert errors_of(twin)
    InitiativeFactory.build(
        programme=other_programme, code="FI-1", owner_organisation=OrganisationFactory()
    ).full_clean()


@pytest.mark.parametrize(
    ("phase", "point"),
    [
        (Phase.IDEA, ""),
        (Phase.CONCEPT, "BP1"),
        (Phase.PLAN, "BP2"),
        (Phase.EXECUTE, "BP3"),
        (Phase.CLOSE, "BP4"),
        (Phase.REALISE, "BP5"),
    ],
)
def test_each_phase_is_entered_through_its_decision_point(phase, point):
    assert Initiative(phase=phase).decision_point == point


def test_the_named_owner_and_the_owning_organisations_owners_own_an_initiative(initiative):
    named, colleague, other = UserFactory(), UserFactory(), UserFactory()
    initiative.owner = named
    organisation_membership_add(
        organisation=initiative.owner_organisation,
        user=colleague,
        role=Role.OWNER,
        acting_user=SYSTEM,
    )
    organisation_membership_add(
        organisation=initiative.owner_organisation,
        user=other,
        role=Role.CONTRIBUTOR,
        acting_user=SYSTEM,
    )
    assert initiative.is_owned_by(named)
    assert initiative.is_owned_by(colleague)
    assert not initiative.is_owned_by(other)


def test_a_risk_scores_probability_times_consequence():
    assert RiskFactory.build(probability=4, consequence=5).score == 20


# R-108 quality assurance and the Digitalisation Council's size bands


@pytest.mark.parametrize(
    ("total", "digitalisation", "expected"),
    [
        (300_000_000, True, False),  # exactly the threshold is not above it
        (300_000_001, True, True),
        (999_999_999, False, False),
        (1_000_000_000, False, False),
        (1_000_000_001, False, True),
        (0, True, False),
    ],
)
def test_quality_assurance_is_needed_above_the_r108_thresholds(total, digitalisation, expected):
    assert rules.needs_quality_assurance(total, digitalisation=digitalisation) is expected


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, SizeBand.SMALL),
        (25_000_000, SizeBand.SMALL),
        (25_000_001, SizeBand.MEDIUM),
        (200_000_000, SizeBand.MEDIUM),
        (200_000_001, SizeBand.LARGE),
        (5_000_000_000, SizeBand.LARGE),
    ],
)
def test_size_bands_follow_the_digitalisation_council(total, band):
    assert rules.size_band(total) == band
