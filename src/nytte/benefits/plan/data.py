"""Reading the register for the plan: the benefits (gated by the reader, in a fixed number
of queries) and each object as plain JSON data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import CharField, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Cast

from nytte.core.actors import Actor
from nytte.core.jsonrows import json_rows, ordered, prefetched
from nytte.core.models import Programme
from nytte.core.naturalsort import natural_key
from nytte.portfolio import selectors as portfolio_selectors
from nytte.portfolio.models import Initiative, InitiativeGoal, Risk

from .. import selectors
from ..models import Benefit, Indicator, Measurement, Target
from .figures import Figures, contribution_rows, contributions_of
from .rules import (
    BUDGET,
    CAPACITY,
    HUNDRED,
    attributed_amount,
    own_agency_ids,
    parts_of,
    plan_fraction,
    sector_of,
    split_amount,
    unplaced_reason,
)

# ---------------------------------------------------------------------------------------------
# Reading the register


def _line_rows(model: type[Target] | type[Measurement], **fields: Any) -> Any:
    """An indicator's targets or measurements; values as text, to keep their digits."""
    return json_rows(
        model.objects.filter(indicator=OuterRef("pk")),
        "indicator",
        order_by=["date"],
        date="date",
        value=Cast("value", CharField()),
        **fields,
    )


@dataclass(frozen=True, slots=True)
class Line:
    """A target or a measurement as the plan reads it: not a model object, as a page of
    the plan reads hundreds of them."""

    date: dt.date
    value: Decimal
    source: str = ""
    comment: str = ""


def _lines(rows: list[dict[str, Any]] | None) -> list[Line]:
    """``_line_rows`` rows as ``Line``s, by date."""
    return [
        Line(
            date=dt.date.fromisoformat(row["date"][:10]),
            value=Decimal(row["value"]),
            source=row.get("source", ""),
            comment=row.get("comment", ""),
        )
        for row in ordered(list(rows or ()), ["date"])
    ]


def plan_benefits(
    programme: Programme,
    initiative: Initiative | None,
    user: Actor,
    *,
    codes: Collection[str] | None = None,
) -> list[Benefit]:
    """The plan's benefits (those of ``codes`` alone when given: a page of them) with what
    the plan shows of each, in three queries however many: the benefits with their yearly
    amounts and shares (as JSON), their risks, their indicators with their targets and
    measurements (as JSON). The lines read along as JSON are handed to the relations'
    ``.all()`` in the order ``prefetch_related`` would give them. Each is handed
    ``programme`` rather than joining it (``selectors.benefit_list``). The plan's totals
    read less, as values (``plan_figures``)."""
    benefits = (
        programme.benefits.for_user(user)
        .select_related(
            "impact_goal__parent",
            "arises_in_organisation",
            "owner_organisation",
            "owner",
            "confirmed_by",
        )
        .annotate(amount_rows=selectors.amount_rows(), contribution_rows=contribution_rows())
        .prefetch_related(
            Prefetch(
                "risks",
                queryset=Risk.objects.select_related("initiative").order_by(
                    "initiative__code", "-probability", "-consequence", "title"
                ),
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.annotate(
                    target_rows=_line_rows(Target),
                    measurement_rows=_line_rows(Measurement, source="source", comment="comment"),
                ),
            ),
        )
        .order_by("code")
    )
    if codes is not None:
        benefits = benefits.filter(code__in=list(codes))
    if initiative is not None:
        # The initiative's handful of benefits, found through its shares (a join, which
        # PostgreSQL starts from the initiative's shares; from an IN over a subquery it
        # joined every benefit of the programme first) and sorted here: ordered by code,
        # SQLite walks every benefit of the programme in code order to spare that sort.
        benefits = benefits.filter(contributions__initiative=initiative).order_by()
    result = list(benefits)
    if initiative is not None:
        result.sort(key=lambda benefit: natural_key(benefit.code))
    for benefit in result:
        selectors.remember_amounts(benefit, benefit.amount_rows)
        prefetched(benefit, "contributions", contributions_of(benefit.contribution_rows))
        for indicator in benefit.indicators.all():
            prefetched(indicator, "targets", _lines(indicator.target_rows))
            prefetched(indicator, "measurements", _lines(indicator.measurement_rows))
    return result


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _number(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _rounded(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def _person(user: Any) -> str:
    return user.display_name if user is not None else ""


def _goal(goal: Any) -> dict[str, Any] | None:
    if goal is None:
        return None
    return {"code": goal.code, "title": goal.title, "level": goal.level}


def _organisation(organisation: Any) -> str:
    return organisation.name if organisation is not None else ""


def programme_data(programme: Programme) -> dict[str, Any]:
    return {
        "name": programme.name,
        "slug": programme.slug,
        "owner": _organisation(programme.owner),
        "vision": programme.vision,
        "target_picture": programme.target_picture,
        "start_year": programme.start_year,
        "end_year": programme.end_year,
    }


def plan_initiatives() -> QuerySet[Initiative]:
    """Initiatives with what an initiative's plan says of them, in one query: their owning
    organisation and owner, their participants' names and the goals they serve."""
    participants = Initiative.participants.through.objects.filter(initiative=OuterRef("pk"))
    goals = InitiativeGoal.objects.filter(initiative=OuterRef("pk"))
    return Initiative.objects.select_related("owner_organisation", "owner").annotate(
        participant_rows=json_rows(participants, "initiative", ["name"], name="organisation__name"),
        goal_rows=json_rows(
            goals,
            "initiative",
            ["code"],
            code="goal__code",
            title="goal__title",
            level="goal__level",
            parent_code="goal__parent__code",
            parent_title="goal__parent__title",
            parent_level="goal__parent__level",
            contribution=Cast("contribution", CharField()),
        ),
    )


def _goal_row(row: dict[str, Any], prefix: str = "") -> dict[str, Any] | None:
    if row[f"{prefix}code"] is None:
        return None
    return {key: row[f"{prefix}{key}"] for key in ("code", "title", "level")}


def initiative_data(initiative: Initiative) -> dict[str, Any]:
    """The initiative as its plan presents it: what it is, who owns it, the goals it serves
    (read by ``plan_initiatives``)."""
    participants = ordered(initiative.participant_rows or [], ["name"])
    goals = ordered(initiative.goal_rows or [], ["code"], codes={"code"})
    return {
        "code": initiative.code,
        "title": initiative.title,
        "description": initiative.description,
        "owner_organisation": _organisation(initiative.owner_organisation),
        "owner": _person(initiative.owner),
        "participants": [row["name"] for row in participants],
        "phase": initiative.phase,
        "status": initiative.status,
        "status_reason": initiative.status_reason,
        "planned_start": iso(initiative.planned_start),
        "planned_end": iso(initiative.planned_end),
        "goals": [
            {
                **_goal_row(row),
                "parent": _goal_row(row, "parent_"),
                "contribution": _number(
                    None if row["contribution"] is None else Decimal(row["contribution"])
                ),
            }
            for row in goals
        ],
    }


def programme_goal_tree(programme: Programme) -> list[dict[str, Any]]:
    return [
        {
            **_goal(node["goal"]),
            "description": node["goal"].description,
            "children": [
                {**_goal(child), "description": child.description} for child in node["children"]
            ],
        }
        for node in portfolio_selectors.goal_tree(programme=programme)
    ]


def _indicator_data(indicator: Any) -> dict[str, Any]:
    progress = indicator.progress
    latest = progress.latest
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "method": indicator.method,
        "data_source": indicator.data_source,
        "measuring_cost": indicator.measuring_cost,
        "direction": indicator.direction,
        "frequency": indicator.frequency,
        "baseline_value": _number(indicator.baseline_value),
        "baseline_date": iso(indicator.baseline_date),
        "targets": [
            {"date": iso(t.date), "value": _number(t.value)} for t in indicator.targets.all()
        ],
        "measurements": [
            {
                "date": iso(m.date),
                "value": _number(m.value),
                "source": m.source,
                "comment": m.comment,
            }
            for m in indicator.measurements.all()
        ],
        "progress": {
            "latest_date": iso(latest.date) if latest else None,
            "latest_value": latest.value if latest else None,
            "planned_value": _rounded(progress.planned_value, 4),
            "realised_percent": _rounded(progress.realised_percent),
            "planned_percent": _rounded(
                None if progress.planned_share is None else progress.planned_share * 100
            ),
            "gap": _rounded(progress.gap),
            "behind": progress.behind,
            "next_due": iso(progress.next_due),
            "overdue": progress.overdue,
        },
    }


def _risk_data(risk: Risk) -> dict[str, Any]:
    return {
        "id": risk.pk,
        "initiative": risk.initiative.code,
        "title": risk.title,
        "description": risk.description,
        "probability": risk.probability,
        "consequence": risk.consequence,
        "score": risk.score,
        "owner": risk.owner,
        "mitigation": risk.mitigation,
        "status": risk.status,
    }


def benefit_figures(
    benefit: Benefit | Figures, initiative: Initiative | None, years: list[int]
) -> dict[str, Any]:
    """What the plan's totals read of one benefit (``tables.summarise``): where it lands,
    who owns it, its shares and its amounts as this plan counts them."""
    fraction = plan_fraction(benefit, initiative)
    own_ids = own_agency_ids(benefit, initiative)
    sector = sector_of(benefit, own_ids)
    rule = {"sector": sector, "kind": benefit.kind, "priced": benefit.priced}
    cut = benefit.budget_cut_share
    contributions = list(benefit.contributions.all())
    profile = []
    by_part: dict[str, dict[int, int]] = defaultdict(dict)
    for line in benefit.amounts.all():
        row = {
            "year": line.year,
            "low": attributed_amount(line.low, fraction),
            "likely": attributed_amount(line.likely, fraction),
            "high": attributed_amount(line.high, fraction),
            "whole_likely": line.likely,
        }
        split = split_amount(row["likely"], budget_cut_share=cut, **rule)
        row["budget_effect"] = split.get(BUDGET, 0)
        row["freed_capacity"] = split.get(CAPACITY, 0)
        for part, amount in split.items():
            by_part[part][line.year] = amount
        profile.append(row)
    if initiative is not None:
        own_names = [initiative.owner_organisation.name]
    else:
        own_names = sorted({c.initiative.owner_organisation.name for c in contributions})
    impact = benefit.impact_goal
    return {
        "code": benefit.code,
        "title": benefit.title,
        "kind": benefit.kind,
        "priced": benefit.priced,
        "status": benefit.status,
        "arises_in_organisation": _organisation(benefit.arises_in_organisation),
        "arises_in_group": benefit.arises_in_group,
        "sector": sector,
        "own_agencies": own_names,
        "parts": parts_of(**rule),
        "unplaced_reason": unplaced_reason(**rule),
        "owner_organisation": _organisation(benefit.owner_organisation),
        "owner": _person(benefit.owner),
        "confirmed_on": iso(benefit.confirmed_on),
        "share": _number(fraction * HUNDRED),
        "contributions": [
            {
                "initiative": c.initiative.code,
                "title": c.initiative.title,
                "owner_organisation": c.initiative.owner_organisation.name,
                "share": _number(c.share),
            }
            for c in contributions
        ],
        "unattributed_share": _number(HUNDRED - sum((c.share for c in contributions), Decimal(0))),
        "budget_cut_share": _number(cut),
        "plus_minus": benefit.plus_minus,
        "impact_goal": _goal(impact),
        "societal_goal": _goal(impact.parent if impact else None),
        "profile": profile,
        "by_part": {part: [amounts.get(y, 0) for y in years] for part, amounts in by_part.items()},
        "total": {
            "low": sum(r["low"] for r in profile),
            "likely": sum(r["likely"] for r in profile),
            "high": sum(r["high"] for r in profile),
            "budget_effect": sum(r["budget_effect"] for r in profile),
            "freed_capacity": sum(r["freed_capacity"] for r in profile),
        },
    }


def benefit_data(
    benefit: Benefit, initiative: Initiative | None, years: list[int]
) -> dict[str, Any]:
    """One benefit with all the plan shows of it (read with its lines by
    ``plan_benefits``): its figures, texts, risks, indicators and progress."""
    return {
        **benefit_figures(benefit, initiative, years),
        "description": benefit.description,
        "confirmed_by": _person(benefit.confirmed_by),
        "plus_minus_reasoning": benefit.plus_minus_reasoning,
        "preconditions": benefit.preconditions,
        "risks": [_risk_data(r) for r in benefit.risks.all()],
        "indicators": [_indicator_data(i) for i in benefit.indicators.all()],
        "realised_percent": _rounded(benefit.realised_percent),
        "behind": benefit.behind,
        "overdue": benefit.overdue,
        "has_baseline": benefit.has_baseline,
    }
