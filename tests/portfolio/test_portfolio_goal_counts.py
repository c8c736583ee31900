"""Goals with how many initiatives serve each, as the portfolio overview and the goal
administration show them (``selectors.goals_with_counts``), and the index the overview's
roadmap reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from nytte.portfolio import selectors
from nytte.portfolio import services as portfolio_services
from nytte.portfolio.choices import Phase
from nytte.portfolio.models import Initiative, InitiativeGoal
from tests.factories import GoalFactory, InitiativeFactory, OrganisationFactory
from tests.query_plans import assert_reads_index

pytestmark = pytest.mark.django_db


def _link(goal, *initiatives) -> None:
    InitiativeGoal.objects.bulk_create(
        InitiativeGoal(initiative=i, goal=goal, contribution=1) for i in initiatives
    )


@pytest.fixture
def goals(programme, other_programme):
    """S-1 with impact goals E-2 (three initiatives) and E-10 (none); S-1 serves one; a goal
    of another programme with the same initiatives' neighbours does not count here."""
    societal = GoalFactory(programme=programme, code="S-1")
    busy = GoalFactory(programme=programme, code="E-2", level="impact", parent=societal)
    idle = GoalFactory(programme=programme, code="E-10", level="impact", parent=societal)
    initiatives = [InitiativeFactory(programme=programme) for _ in range(3)]
    _link(busy, *initiatives)
    _link(societal, initiatives[0])
    foreign = GoalFactory(programme=other_programme, code="S-1")
    _link(foreign, *(InitiativeFactory(programme=other_programme) for _ in range(2)))
    return {"S-1": societal, "E-2": busy, "E-10": idle}


def test_each_goal_counts_the_initiatives_that_serve_it(programme, goals):
    counted = {g.code: g.n_initiatives for g in selectors.goals_with_counts(programme=programme)}
    assert counted == {"E-2": 3, "E-10": 0, "S-1": 1}


def test_the_goals_come_in_natural_code_order(programme, goals):
    assert [g.code for g in selectors.goals_with_counts(programme=programme)] == [
        "E-2",
        "E-10",
        "S-1",
    ]


def test_the_tree_puts_impact_goals_under_their_societal_goal(programme, goals):
    tree = selectors.goal_tree(programme=programme)
    assert [node["goal"].code for node in tree] == ["S-1"]
    assert [(g.code, g.n_initiatives) for g in tree[0]["children"]] == [("E-2", 3), ("E-10", 0)]


def test_the_goal_administration_shows_the_same_counts(
    programme, programme_admin, goals, client_for
):
    response = client_for(programme_admin).get(
        reverse("administration:goals", args=[programme.slug])
    )
    tree = response.context["tree"]
    assert [(g.code, g.n_initiatives) for g in tree[0]["children"]] == [("E-2", 3), ("E-10", 0)]
    assert tree[0]["goal"].n_initiatives == 1


def _uses_index(sql: str, params, index: str) -> None:
    assert_reads_index(
        sql,
        params,
        index=index,
        table="portfolio_initiative",
        columns=["programme_id", "planned_start"],
    )


def test_the_roadmap_reads_the_earliest_starts_from_an_index(programme):
    for k in range(3):
        InitiativeFactory(programme=programme, planned_start=dt.date(2027, 1, 1 + k))
    sql, params = (
        Initiative.objects.filter(programme=programme, planned_start__isnull=False)
        .order_by("planned_start", "code")[:60]
        .query.sql_with_params()
    )
    _uses_index(sql, params, "initiative_roadmap")


def test_the_roadmap_is_the_earliest_starts_first(programme):
    late = InitiativeFactory(programme=programme, code="T-1", planned_start=dt.date(2029, 1, 1))
    early = InitiativeFactory(programme=programme, code="T-10", planned_start=dt.date(2027, 1, 1))
    tie = InitiativeFactory(programme=programme, code="T-9", planned_start=dt.date(2027, 1, 1))
    InitiativeFactory(programme=programme, code="T-2", planned_start=None)
    assert selectors.roadmap(programme=programme) == [tie, early, late]


def test_the_overview_counts_follow_a_change_at_once(programme, goals, facilitator, client_for):
    """The goal tree and the phase × status table are kept under the portfolio version: the
    next change to an initiative or its goals shows on the next request."""
    client = client_for(facilitator)
    url = reverse("portfolio:overview", args=[programme.slug])

    def shown() -> tuple[int, int, dict[str, int]]:
        context = client.get(url).context
        rows = {row["phase"]: row["total"] for row in context["phase_status"]["rows"]}
        busy = context["goal_tree"][0]["children"][0]
        return busy.n_initiatives, context["phase_status"]["total"], rows

    assert shown() == (3, 3, {**dict.fromkeys(Phase.values, 0), "plan": 3})
    initiative = portfolio_services.initiative_create(
        programme=programme,
        data={
            "code": "T-99",
            "title": "Nytt tiltak",
            "owner_organisation": OrganisationFactory(),
            "phase": "idea",
            "status": "green",
        },
        goals={goals["E-2"]: 1},
        acting_user=facilitator,
    )
    assert shown() == (4, 4, {**dict.fromkeys(Phase.values, 0), "plan": 3, "idea": 1})
    portfolio_services.initiative_update(
        initiative=initiative, data={"phase": "plan"}, goals={}, acting_user=facilitator
    )
    assert shown() == (3, 4, {**dict.fromkeys(Phase.values, 0), "plan": 4})
