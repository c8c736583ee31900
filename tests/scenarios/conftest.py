"""A small register: one organisation's running and planned work and a proposal."""

import datetime

import pytest

from nytte.costbenefit.models import ExtraLine
from tests.factories import CostLineFactory, InitiativeFactory, OrganisationFactory, ProposalFactory


def benefit(subject, org, amount, first=2027, last=2036):
    key = "initiative" if subject.__class__.__name__ == "Initiative" else "proposal"
    return ExtraLine.objects.create(
        **{key: subject},
        name="Gevinst",
        kind="benefit",
        category="efficiency",
        organisation=org,
        first_year=first,
        last_year=last,
        low=amount,
        likely=amount,
        high=amount,
    )


def cost(proposal, org, amount, first, last):
    return ExtraLine.objects.create(
        proposal=proposal,
        name="Utvikling",
        kind="cost",
        category="investment",
        organisation=org,
        public_budget=True,
        first_year=first,
        last_year=last,
        low=amount,
        likely=amount,
        high=amount,
    )


@pytest.fixture
def register(programme):
    """NAV runs R (2026–2028) and plans A (2027) and B (requires A, 2028); proposal F-1
    would cost 20 m in its first year; budgets default to the planned costs."""
    return make_register(programme)


def make_register(programme):
    """The ``register`` fixture's rows (the browser test builds them too)."""
    nav = OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV")
    running = InitiativeFactory(
        programme=programme,
        code="R",
        owner_organisation=nav,
        phase="execute",
        planned_start=datetime.date(2026, 1, 1),
    )
    a = InitiativeFactory(
        programme=programme,
        code="A",
        owner_organisation=nav,
        phase="plan",
        planned_start=datetime.date(2027, 1, 1),
    )
    b = InitiativeFactory(
        programme=programme,
        code="B",
        owner_organisation=nav,
        phase="concept",
        planned_start=datetime.date(2028, 1, 1),
    )
    for year in (2026, 2027, 2028):
        CostLineFactory(
            initiative=running,
            organisation=nav,
            year=year,
            low=10_000_000,
            likely=10_000_000,
            high=10_000_000,
        )
    CostLineFactory(
        initiative=a,
        organisation=nav,
        year=2027,
        low=20_000_000,
        likely=20_000_000,
        high=20_000_000,
    )
    CostLineFactory(
        initiative=b,
        organisation=nav,
        year=2028,
        low=20_000_000,
        likely=20_000_000,
        high=20_000_000,
    )
    from nytte.portfolio.models import Dependency

    Dependency.objects.create(source=b, target=a, kind="requires")
    benefit(running, nav, 5_000_000)
    benefit(a, nav, 5_000_000)
    benefit(b, nav, 4_000_000)
    proposal = ProposalFactory(programme=programme, number=1, stage="ready")
    cost(proposal, nav, 20_000_000, 2027, 2027)
    benefit(proposal, nav, 9_000_000)
    return {"nav": nav, "running": running, "a": a, "b": b, "proposal": proposal}
