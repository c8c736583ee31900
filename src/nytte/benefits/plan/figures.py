"""The plan's benefits read as values for its totals (``plan_figures``), and their shares
as the plan's reads hand them out: not model objects, as a programme's plan at national
size reads 20,000 benefits and 40,000 shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.db.models import CharField, OuterRef
from django.db.models.functions import Cast

from nytte.core.actors import Actor
from nytte.core.jsonrows import json_rows, ordered
from nytte.core.models import Programme, User

from .. import selectors
from ..models import Contribution


def contribution_rows() -> Any:
    """A benefit's shares as JSON, each with what the plan reads of its initiative."""
    return json_rows(
        Contribution.objects.filter(benefit=OuterRef("pk")),
        "benefit",
        ["code"],
        id="id",
        benefit_id="benefit",
        initiative_id="initiative",
        share=Cast("share", CharField()),
        code="initiative__code",
        title="initiative__title",
        owner_id="initiative__owner_organisation",
        owner_name="initiative__owner_organisation__name",
    )


def contributions_of(rows: list[dict[str, Any]] | None) -> list[Any]:
    """``contribution_rows`` as shares in initiative code order, each with its initiative
    and the initiative's owner organisation, as far as the plan and its rules read them
    (plain objects: a programme's plan reads some 40,000)."""
    return [
        SimpleNamespace(
            initiative_id=row["initiative_id"],
            share=Decimal(row["share"]),
            initiative=SimpleNamespace(
                pk=row["initiative_id"],
                code=row["code"],
                title=row["title"],
                owner_organisation_id=row["owner_id"],
                owner_organisation=SimpleNamespace(pk=row["owner_id"], name=row["owner_name"]),
            ),
        )
        for row in ordered(list(rows or ()), ["code"], codes={"code"})
    ]


class Related(list):
    """Rows read along, handed out as a prefetched relation's ``.all()`` would."""

    def all(self) -> Related:
        return self


@dataclass(slots=True)
class Figures:
    """A benefit as the plan's totals read it (``plan_figures``): what ``benefit_figures``
    and the rules read of a ``Benefit``, from plain values. A programme's plan at national
    size reads 20,000 of them: as model objects with their related objects they cost four
    times as much."""

    code: str
    title: str
    kind: str
    priced: bool
    status: str
    budget_cut_share: Decimal
    arises_in_group: str
    confirmed_on: dt.date | None
    plus_minus: int | None
    arises_in_organisation_id: int | None
    arises_in_organisation: Any
    owner_organisation: Any
    owner: Any
    impact_goal: Any
    contributions: Related
    amounts: Related


# The benefit's own columns ``Figures`` takes as they are.
FIGURE_FIELDS = (
    "code",
    "title",
    "kind",
    "priced",
    "status",
    "budget_cut_share",
    "arises_in_group",
    "confirmed_on",
    "plus_minus",
    "arises_in_organisation_id",
)


def _goal_of(row: dict[str, Any], prefix: str) -> Any:
    if row[f"{prefix}code"] is None:
        return None
    return SimpleNamespace(
        code=row[f"{prefix}code"], title=row[f"{prefix}title"], level=row[f"{prefix}level"]
    )


def plan_figures(programme: Programme, user: Actor) -> list[Figures]:
    """The programme plan's benefits as its totals read them (``plan_summary``), in code
    order, in one query of
    values, with their yearly amounts and shares as JSON: the portfolio register alone, no
    indicator or measurement, so the summary is kept under the portfolio version and a
    recorded measurement leaves it. Organisations, owners and goals are made once each,
    however many benefits name them."""
    rows = (
        programme.benefits.for_user(user)
        .annotate(
            amount_rows=selectors.amount_rows(),
            contribution_rows=contribution_rows(),
        )
        .order_by("code")
        .values(
            *FIGURE_FIELDS,
            "arises_in_organisation__name",
            "arises_in_organisation__kind",
            "owner_organisation_id",
            "owner_organisation__name",
            "owner_id",
            "owner__full_name",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
            *(f"impact_goal__{f}" for f in ("code", "title", "level")),
            *(f"impact_goal__parent__{f}" for f in ("code", "title", "level")),
            "amount_rows",
            "contribution_rows",
        )
    )
    organisations: dict[int, Any] = {}
    people: dict[int, User] = {}

    def organisation(pk: int | None, name: str | None, kind: str = "") -> Any:
        if pk is None:
            return None
        if pk not in organisations:
            organisations[pk] = SimpleNamespace(pk=pk, id=pk, name=name, kind=kind)
        return organisations[pk]

    result = []
    for row in rows:
        owner = None
        if row["owner_id"] is not None:
            owner = people.get(row["owner_id"])
            if owner is None:
                owner = people[row["owner_id"]] = User(
                    pk=row["owner_id"],
                    full_name=row["owner__full_name"],
                    first_name=row["owner__first_name"],
                    last_name=row["owner__last_name"],
                    username=row["owner__username"],
                )
        impact = _goal_of(row, "impact_goal__")
        if impact is not None:
            impact.parent = _goal_of(row, "impact_goal__parent__")
        result.append(
            Figures(
                **{name: row[name] for name in FIGURE_FIELDS},
                arises_in_organisation=organisation(
                    row["arises_in_organisation_id"],
                    row["arises_in_organisation__name"],
                    row["arises_in_organisation__kind"],
                ),
                owner_organisation=organisation(
                    row["owner_organisation_id"], row["owner_organisation__name"]
                ),
                owner=owner,
                impact_goal=impact,
                contributions=Related(contributions_of(row["contribution_rows"])),
                amounts=Related(
                    SimpleNamespace(
                        year=a["year"], low=a["low"], likely=a["likely"], high=a["high"]
                    )
                    for a in ordered(list(row["amount_rows"] or ()), ["year"])
                ),
            )
        )
    return result
