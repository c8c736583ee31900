"""Query counts of the portfolio pages stay the same for 10 and 250 initiatives (five pages
of the list; the detail page gets as many cost lines, risks, reports and dependencies).

Each page, the edit form included, also stays within ten queries, counting the session, the
user, the user's roles and the programme switcher in the header.
"""

from __future__ import annotations

import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nytte.portfolio.filtersets import InitiativeFilterSet
from nytte.portfolio.models import (
    CostLine,
    Dependency,
    Goal,
    Initiative,
    InitiativeGoal,
    Risk,
    StatusReport,
)
from tests.factories import GoalFactory, LifeEventFactory, OrganisationFactory

MAX_QUERIES = 10
# Large enough that a query per row or per page shows; 1,000 found nothing more and took four
# times as long (rendering a thousand rows per tab).
LARGE = 250
_codes = itertools.count()


def _portfolio(programme, n: int) -> Initiative:
    """``n`` initiatives with costs, goals, dependencies, risks and reports; returns the one
    whose detail page is measured (it gets ``n`` cost lines)."""
    agencies = [OrganisationFactory() for _ in range(3)]
    programme.participants.add(*agencies)
    societal = GoalFactory(programme=programme)
    impact = GoalFactory(programme=programme, level="impact", parent=societal)
    event = LifeEventFactory()
    batch = next(_codes)
    initiatives = Initiative.objects.bulk_create(
        Initiative(
            programme=programme,
            code=f"Q{batch}-{i:04d}",
            title=f"Tiltak {i}",
            owner_organisation=agencies[i % 3],
            phase=["idea", "plan", "execute"][i % 3],
            status="green",
            planned_start=f"{2025 + i % 4}-01-01" if i % 2 else None,
            planned_end=f"{2027 + i % 4}-06-30" if i % 2 else None,
        )
        for i in range(n)
    )
    main = initiatives[0]
    main.participants.add(*agencies)
    main.life_events.add(event)
    InitiativeGoal.objects.bulk_create(
        InitiativeGoal(initiative=i, goal=impact) for i in initiatives
    )
    CostLine.objects.bulk_create(
        CostLine(
            initiative=i,
            organisation=agencies[k % 3],
            year=2025 + k % 5,
            category="investment",
            low=1,
            likely=2,
            high=3,
        )
        for k, i in enumerate(initiatives)
    )
    CostLine.objects.bulk_create(
        CostLine(
            initiative=main,
            organisation=agencies[k % 3],
            year=2030 + k // 9,
            category=["investment", "operation", "other"][k // 3 % 3],
            low=1,
            likely=2,
            high=3,
        )
        for k in range(n)
    )
    others = initiatives[1:]
    Dependency.objects.bulk_create(
        [Dependency(source=main, target=i, kind="enables") for i in others[: n // 2]]
        + [Dependency(source=i, target=main, kind="requires") for i in others[n // 2 :]]
    )
    Risk.objects.bulk_create(
        Risk(initiative=main, title=f"Risiko {k}", probability=k % 5 + 1, consequence=k % 3 + 1)
        for k in range(n)
    )
    StatusReport.objects.bulk_create(
        StatusReport(
            initiative=main,
            period=f"P{k:04d}",
            overall="green",
            plan="yellow",
            cost="green",
            benefits="red",
            stakeholders="green",
            risk="green",
        )
        for k in range(n)
    )
    return main


def _filter_key(name: str, obj) -> str:
    """The filter's value for ``obj``: its id or the natural key the FilterSet names."""
    return str(
        getattr(obj, InitiativeFilterSet.base_filters[name].extra.get("to_field_name") or "pk")
    )


def _pages(programme, initiative, *, with_form: bool) -> dict[str, str]:
    detail = reverse("portfolio:initiative", args=[programme.slug, initiative.code])
    goal = Goal.objects.filter(programme=programme).latest("pk")
    related = {
        "organisation": initiative.owner_organisation,
        "goal": goal,
        "life_event": initiative.life_events.get(),
    }
    return {
        "overview": reverse("portfolio:overview", args=[programme.slug]),
        "list": reverse("portfolio:initiative_list", args=[programme.slug]),
        "list filtered": reverse("portfolio:initiative_list", args=[programme.slug])
        + "?phase=plan&status=green&q=Tiltak&sort=-cost&page=2",
        "list by relations": reverse("portfolio:initiative_list", args=[programme.slug])
        + "?"
        + "&".join(f"{name}={_filter_key(name, obj)}" for name, obj in related.items())
        + "&sort=phase",
        **{f"detail {tab}": f"{detail}?tab={tab}" for tab in TABS},
    } | (
        {"edit form": reverse("portfolio:initiative_edit", args=[programme.slug, initiative.code])}
        if with_form
        else {}
    )


TABS = ["overview", "costs", "dependencies", "risks", "reports", "history"]


def _count(client, url: str) -> CaptureQueriesContext:
    ContentType.objects.clear_cache()  # count the content-type lookup every time (worst case)
    cache.clear()
    caches["register"].clear()  # and the overview's cost table before it is cached
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return captured


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["facilitator", "owner", "viewer"])
def test_page_queries_do_not_grow_with_the_portfolio(
    request, persona, programme, client_for, pinned_queries
):
    """An owner costs one query more (is this initiative theirs?), so each persona counts, and
    each count is pinned in query_counts.json."""
    user = request.getfixturevalue(persona)
    client = client_for(user)
    may_edit = persona != "viewer"

    def counts(initiative: Initiative) -> dict[str, int]:
        if persona == "owner":
            Initiative.objects.filter(programme=programme).update(owner=user)
        pages = _pages(programme, initiative, with_form=may_edit)
        return {
            name: pinned_queries.check(f"{name} ({persona})", _count(client, url))
            for name, url in pages.items()
        }

    small_counts = counts(_portfolio(programme, 10))
    large_counts = counts(_portfolio(programme, LARGE))

    assert large_counts == small_counts
    over = {name: n for name, n in large_counts.items() if n > MAX_QUERIES}
    assert over == {}, f"pages over {MAX_QUERIES} queries: {over}"


# Measured with 250 initiatives and as many cost lines on the detail page; the counts are in
# query_counts.json. Four of them are the same on every page: session, user, the user's roles,
# the programme switcher in the header.
PINNED = [
    "overview",
    "list",
    "list by relations",
    "detail overview",
    "detail costs",
    "detail dependencies",
    "detail risks",
    "detail reports",
    "detail history",
    "edit form",
]


@pytest.mark.django_db
def test_query_counts_are_pinned(programme, facilitator, client_for, pinned_queries):
    client = client_for(facilitator)
    main = _portfolio(programme, LARGE)
    pages = _pages(programme, main, with_form=True)
    for name in PINNED:
        ContentType.objects.clear_cache()
        with pinned_queries(name):
            assert client.get(pages[name]).status_code == 200
