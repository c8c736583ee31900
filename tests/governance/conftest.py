"""A proposal ready for governance with a small cost-benefit analysis, and a programme board
where the forum-member persona sits."""

from __future__ import annotations

import datetime

import pytest

from nytte.costbenefit.models import AnalysisSettings, ExtraLine
from nytte.governance.models import ForumMember
from tests.factories import OrganisationFactory, ProposalFactory
from tests.governance.factories import ForumFactory, MeetingFactory


def line(proposal, org, kind, amount, first, last, category=None, group=""):
    return ExtraLine.objects.create(
        proposal=proposal,
        name=f"{kind} {org.short_name if org else group} {first}",
        kind=kind,
        category=category or ("investment" if kind == "cost" else "efficiency"),
        organisation=org,
        group=group,
        public_budget=kind == "cost",
        first_year=first,
        last_year=last,
        low=amount,
        likely=amount,
        high=amount,
    )


@pytest.fixture
def orgs(db):
    return {
        "nav": OrganisationFactory(name="Arbeids- og velferdsetaten", short_name="NAV"),
        "skatt": OrganisationFactory(name="Skatteetaten", short_name="SKE"),
    }


@pytest.fixture
def ready_proposal(programme, orgs):
    """F-1: NAV pays 3 m in 2027 and 2 m in 2028 (SKE 1 m in 2027); gains 600 k a year in
    NAV, 200 k in SKE and 100 k with citizens (outside the organisations)."""
    proposal = ProposalFactory(
        programme=programme, number=1, stage="ready", title="Felles varsling"
    )
    proposal.affected_organisations.set([orgs["nav"], orgs["skatt"]])
    AnalysisSettings.objects.create(proposal=proposal, iterations=1000)
    line(proposal, orgs["nav"], "cost", 3_000_000, 2027, 2027)
    line(proposal, orgs["nav"], "cost", 2_000_000, 2028, 2028)
    line(proposal, orgs["skatt"], "cost", 1_000_000, 2027, 2027)
    line(proposal, orgs["nav"], "benefit", 600_000, 2028, 2037)
    line(proposal, orgs["skatt"], "benefit", 200_000, 2028, 2037)
    line(proposal, None, "benefit", 100_000, 2028, 2037, category="external", group="citizens")
    return proposal


@pytest.fixture
def board(programme, forum_member):
    forum = ForumFactory(programme=programme, name="Programstyret")
    ForumMember.objects.create(forum=forum, user=forum_member, chair=True)
    return forum


@pytest.fixture
def meeting(board):
    return MeetingFactory(forum=board, date=datetime.date(2026, 10, 1))
