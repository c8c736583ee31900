"""Read queries shared by the portfolio pages, the API and the Excel export.

Each returns a fixed number of queries whatever the size of the portfolio; totals are
computed in the database.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Sum

from nytte.core import registercache
from nytte.core.actors import Actor
from nytte.core.jsonrows import count_rows
from nytte.core.models import Programme
from nytte.core.permissions import Action
from nytte.core.registercache import cached_for_register

from . import rules
from .choices import Phase, StatusColour
from .models import CostLine, Dependency, Goal, Initiative, InitiativeGoal, Risk, StatusReport


def initiatives_for(user: Actor, action: Action = Action.VIEW) -> QuerySet[Initiative]:
    """All initiatives the user may see (or act on), in every programme."""
    return Initiative.objects.for_user(user, action)


def initiative_list(*, programme: Programme, user: Actor) -> QuerySet[Initiative]:
    """A programme's initiatives that ``user`` may see, with cost totals, ready for
    filtering and sorting."""
    return (
        Initiative.objects.for_user(user)
        .in_programme(programme)
        .select_related("owner_organisation", "programme")
        .annotate(total_low=F("cost_low"), total_likely=F("cost_likely"), total_high=F("cost_high"))
        .order_by("code")
    )


def with_flags(initiatives: list[Initiative]) -> list[Initiative]:
    """Attach the size band and the quality-assurance flag to annotated initiatives."""
    for initiative in initiatives:
        total = getattr(initiative, "total_likely", 0) or 0
        initiative.size_band = rules.size_band(total)
        initiative.needs_qa = rules.needs_quality_assurance(
            total, digitalisation=initiative.digitalisation
        )
    return initiatives


def initiative_detail(*, programme: Programme, code: str, user: Actor) -> Initiative:
    initiative = (
        initiative_list(programme=programme, user=user)
        .select_related("owner")
        .prefetch_related(
            "participants",
            "life_events",
            Prefetch(
                "goal_links",
                queryset=InitiativeGoal.objects.select_related("goal").order_by("goal__code"),
            ),
        )
        .get(code=code)
    )
    return with_flags([initiative])[0]


def cost_lines(*, initiative: Initiative) -> QuerySet[CostLine]:
    return initiative.costs.select_related("organisation").order_by(
        "year", "organisation__name", "category"
    )


def _pivot(amounts: list[tuple[str, int, int]]) -> dict[str, Any]:
    """(organisation, year, amount) rows as a table per organisation and year, with totals."""
    years = sorted({year for _, year, _ in amounts})
    by_org: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for org, year, amount in amounts:
        by_org[org][year] += amount
    rows = [
        {
            "organisation": org,
            "cells": [by_org[org].get(year, 0) for year in years],
            "total": sum(by_org[org].values()),
        }
        for org in sorted(by_org)
    ]
    year_totals = [sum(row["cells"][i] for row in rows) for i in range(len(years))]
    return {"years": years, "rows": rows, "year_totals": year_totals, "total": sum(year_totals)}


def cost_table(lines: list[CostLine]) -> dict[str, Any]:
    """Most likely cost per paying organisation and year, with totals both ways."""
    return _pivot([(line.organisation.label, line.year, line.likely) for line in lines])


def programme_cost_table(*, programme: Programme) -> dict[str, Any]:
    """Cost per paying organisation and year for the whole portfolio.

    Summing every cost line is the one costly query of the overview, so the result is cached
    under the programme's portfolio version, which every logged change to the portfolio
    (not the proposal pipeline) moves on; the register cache shares it between the server's
    worker processes, and clearing that cache (as the tests do) drops it.
    """
    return cached_for_register(
        programme,
        "portfolio:cost-table",
        compute=lambda: _programme_cost_table(programme),
        reads=registercache.PORTFOLIO,
    )


def _programme_cost_table(programme: Programme) -> dict[str, Any]:
    rows = (
        CostLine.objects.filter(initiative__programme=programme)
        .values("organisation__short_name", "organisation__name", "year")
        .annotate(total=Sum("likely"))
        .order_by()
    )
    return _pivot(
        [
            (r["organisation__short_name"] or r["organisation__name"], r["year"], r["total"])
            for r in rows
        ]
    )


def phase_status_counts(*, programme: Programme) -> dict[str, Any]:
    """How many initiatives are in each phase, split by status colour (one query)."""
    counts = {
        (r["phase"], r["status"]): r["n"]
        for r in Initiative.objects.filter(programme=programme)
        .values("phase", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = [
        {
            "phase": phase,
            "label": label,
            "counts": [counts.get((phase, status), 0) for status in StatusColour.values],
            "total": sum(counts.get((phase, status), 0) for status in StatusColour.values),
        }
        for phase, label in Phase.choices
    ]
    return {"statuses": StatusColour.choices, "rows": rows, "total": sum(counts.values())}


def goals_with_counts(*, programme: Programme) -> list[Goal]:
    """The programme's goals by code, each with ``n_initiatives``: how many initiatives
    serve it.

    The count is a subquery per goal, which reads the goal index alone; a join grouped by
    every goal column made the database sort all the links (about 20 000 at national size)
    by the naturally collated code, which took most of the overview's and the goal
    administration's time. A link is unique per initiative and goal, so rows are initiatives.
    """
    links = InitiativeGoal.objects.filter(goal=OuterRef("pk"))
    return list(
        Goal.objects.filter(programme=programme)
        .annotate(n_initiatives=count_rows(links, "goal"))
        .order_by("code")
    )


def goal_tree(*, programme: Programme) -> list[dict[str, Any]]:
    """Societal goals with their impact goals and how many initiatives serve each."""
    goals = goals_with_counts(programme=programme)
    children: dict[int | None, list[Goal]] = defaultdict(list)
    for goal in goals:
        children[goal.parent_id].append(goal)
    return [{"goal": root, "children": children[root.pk]} for root in children[None]]


def overview_summary(*, programme: Programme) -> dict[str, Any]:
    """The overview's goal tree and its table of initiatives by phase and status (each row's
    ``cells``: status and count pairs).

    Both count over the whole portfolio (every initiative, every goal link) and read only
    the portfolio register, so they are kept under the programme's portfolio version, like
    the cost table: a logged change to an initiative or a goal moves it on. Shared by every
    request: not to be changed.
    """
    return cached_for_register(
        programme,
        "portfolio:overview-summary",
        compute=lambda: {
            "goal_tree": goal_tree(programme=programme),
            "phase_status": _with_cells(phase_status_counts(programme=programme)),
        },
        reads=registercache.PORTFOLIO,
    )


def warm_overview(programme: Programme) -> None:
    """The overview's cached data (cost table, goal tree and phase table) for the programme's
    current portfolio version: registered as a warmer (``PortfolioConfig.ready``), so that
    ``nytte worker`` computes them after a change instead of the overview's first view."""
    programme_cost_table(programme=programme)
    overview_summary(programme=programme)


def _with_cells(phase_status: dict[str, Any]) -> dict[str, Any]:
    statuses = [value for value, _label in phase_status["statuses"]]
    for row in phase_status["rows"]:
        row["cells"] = list(zip(statuses, row["counts"], strict=True))
    return phase_status


def roadmap(*, programme: Programme, limit: int = 60) -> list[Initiative]:
    """Initiatives with planned dates, earliest first, for the roadmap timeline."""
    return list(
        Initiative.objects.filter(programme=programme, planned_start__isnull=False)
        .select_related("owner_organisation")
        .order_by("planned_start", "code")[:limit]
    )


def dependencies(*, initiative: Initiative) -> dict[str, list[Dependency]]:
    related = Dependency.objects.select_related(
        "source__owner_organisation", "target__owner_organisation"
    )
    return {
        "outgoing": list(related.filter(source=initiative).order_by("kind", "target__code")),
        "incoming": list(related.filter(target=initiative).order_by("kind", "source__code")),
    }


def risks(*, initiative: Initiative) -> list[Risk]:
    return list(initiative.risks.all())


def risk_matrix(risk_list: list[Risk]) -> list[dict[str, Any]]:
    """Rows of the 5×5 matrix, highest probability first, each cell with its risks."""
    cells: dict[tuple[int, int], list[Risk]] = defaultdict(list)
    for risk in risk_list:
        cells[(risk.probability, risk.consequence)].append(risk)
    return [
        {
            "probability": p,
            "cells": [
                {"consequence": c, "score": p * c, "risks": cells[(p, c)]} for c in range(1, 6)
            ],
        }
        for p in range(5, 0, -1)
    ]


def status_reports(*, initiative: Initiative) -> list[StatusReport]:
    return list(initiative.status_reports.select_related("reported_by").order_by("-period"))


def initiative_code_suggestions(
    *, programme: Programme, text: str = "", exclude_pk: int | None = None, limit: int = 20
) -> list[tuple[str, str]]:
    """Codes and titles to suggest while someone types a code: matching code first."""
    queryset = Initiative.objects.filter(programme=programme)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    text = text.strip()
    if text:
        queryset = queryset.filter(Q(code__istartswith=text) | Q(title__icontains=text))
    return list(queryset.order_by("code").values_list("code", "title")[:limit])
