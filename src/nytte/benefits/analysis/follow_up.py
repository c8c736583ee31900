"""The follow-up dashboard: benefits behind plan, overdue measurements, unconfirmed
estimates, missing baselines and owners.

A national register has tens of thousands of indicators: their progress is computed from
plain rows (the indicators, their targets and their latest measurement: three queries), and
model objects are read only for the benefits a page shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from nytte.core.actors import Actor
from nytte.core.models import Programme
from nytte.core.naturalsort import natural_key
from nytte.core.registercache import Head

from .. import realisation
from ..choices import FREQUENCY_MONTHS, BenefitStatus
from ..models import Benefit, Indicator, Measurement, Target
from ..selectors import MEASURED_STATUSES

# ---------------------------------------------------------------------------------------------
# The follow-up dashboard


@dataclass
class FollowUp:
    tolerance: Decimal
    behind: list[Benefit]  # each with .behind_indicators and .worst_gap
    overdue: list[Benefit]  # each with .overdue_indicators and .first_due
    unconfirmed: list[Benefit]
    no_baseline: list[Benefit]  # each with .missing_baseline (indicators), empty = no indicator
    no_owner: list[Benefit]
    count: int  # benefits followed up (all but the lost ones)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "behind": len(self.behind),
            "overdue": len(self.overdue),
            "unconfirmed": len(self.unconfirmed),
            "no_baseline": len(self.no_baseline),
            "no_owner": len(self.no_owner),
        }


@dataclass
class IndicatorState:
    """An indicator as the dashboard reads it, without a model object."""

    pk: int
    name: str
    has_baseline: bool
    progress: realisation.Progress
    planned_percent: float | None = None


@dataclass
class _Followed:
    """One benefit's follow-up, computed before any model object is read."""

    pk: int
    status: str
    has_owner: bool
    confirmed: bool
    indicators: list[IndicatorState]
    behind: bool = False
    overdue: bool = False
    worst_gap: float = 0.0
    first_due: dt.date | None = None


def _point(date: dt.date | None, value: Decimal | None) -> realisation.Point | None:
    if date is None or value is None:
        return None
    return realisation.Point(date, float(value))


def _indicator_states(
    scope: QuerySet, *, today: dt.date, tolerance: float
) -> dict[int, list[IndicatorState]]:
    """Each benefit's indicators with their progress (three queries of plain rows: the
    indicators, their targets, and their latest measurements)."""
    targets: dict[int, list[realisation.Point]] = defaultdict(list)
    for indicator_id, date, value in (
        Target.objects.filter(indicator__benefit__in=scope)
        .order_by("indicator_id", "date")
        .values_list("indicator_id", "date", "value")
    ):
        targets[indicator_id].append(realisation.Point(date, float(value)))
    newest = (
        Measurement.objects.filter(indicator=OuterRef("indicator"))
        .order_by("-date")
        .values("date")[:1]
    )
    latest: dict[int, list[realisation.Point]] = defaultdict(list)
    for indicator_id, date, value in (
        Measurement.objects.filter(indicator__benefit__in=scope, date=Subquery(newest))
        .order_by("indicator_id", "date", "pk")
        .values_list("indicator_id", "date", "value")
    ):
        latest[indicator_id].append(realisation.Point(date, float(value)))
    states: dict[int, list[IndicatorState]] = defaultdict(list)
    for pk, benefit_id, name, base_date, base_value, frequency in (
        Indicator.objects.filter(benefit__in=scope)
        .order_by("benefit_id", "name")
        .values_list("pk", "benefit_id", "name", "baseline_date", "baseline_value", "frequency")
    ):
        progress = realisation.progress(
            baseline=_point(base_date, base_value),
            targets=targets.get(pk, ()),
            measurements=latest.get(pk, ()),
            frequency_months=FREQUENCY_MONTHS[frequency],
            today=today,
            tolerance=tolerance,
        )
        has_baseline = base_date is not None and base_value is not None
        states[benefit_id].append(IndicatorState(pk, name, has_baseline, progress))
    return states


def follow_up(
    *,
    programme: Programme,
    user: Actor,
    tolerance: Decimal | None = None,
    today: dt.date | None = None,
    limit: int | None = None,
) -> FollowUp:
    """The dashboard's lists, with the programme's tolerance unless another is given; lost
    benefits are no longer followed up. With ``limit`` each list holds its first ``limit``
    benefits (and still counts all): only those are read as model objects."""
    chosen = programme.behind_plan_tolerance if tolerance is None else tolerance
    today = today or timezone.localdate()
    scope = (
        Benefit.objects.for_user(user).in_programme(programme).exclude(status=BenefitStatus.LOST)
    )
    states = _indicator_states(scope.order_by().values("pk"), today=today, tolerance=float(chosen))
    # In code order, sorted here: SQLite's natural collation calls Python per comparison.
    rows = sorted(
        scope.order_by().values_list("code", "pk", "status", "owner_id", "confirmed_on"),
        key=lambda row: natural_key(row[0]),
    )
    followed = [
        _followed(pk, status, owner_id, confirmed_on, states.get(pk, []))
        for _code, pk, status, owner_id, confirmed_on in rows
    ]
    lists = {
        "behind": sorted((f for f in followed if f.behind), key=lambda f: -f.worst_gap),
        "overdue": sorted((f for f in followed if f.overdue), key=lambda f: f.first_due),
        "unconfirmed": [f for f in followed if not f.confirmed],
        "no_baseline": [
            f for f in followed if not (f.indicators and all(i.has_baseline for i in f.indicators))
        ],
        "no_owner": [f for f in followed if not f.has_owner],
    }
    shown = {f.pk for rows in lists.values() for f in (rows if limit is None else rows[:limit])}
    objects = {
        b.pk: b
        for b in Benefit.objects.filter(pk__in=shown).select_related(
            "programme", "owner", "owner_organisation"
        )
    }
    by_pk = {f.pk: f for f in followed}
    for pk, benefit in objects.items():
        _dress(benefit, by_pk[pk])

    def benefits(rows: list[_Followed]) -> list[Benefit]:
        if limit is None:
            return [objects[f.pk] for f in rows]
        return Head.of([objects[f.pk] for f in rows[:limit]], len(rows))

    return FollowUp(
        Decimal(chosen),
        count=len(followed),
        **{name: benefits(rows) for name, rows in lists.items()},
    )


def _followed(
    pk: int, status: str, owner_id: int | None, confirmed_on: object, indicators: list
) -> _Followed:
    f = _Followed(pk, status, owner_id is not None, confirmed_on is not None, indicators)
    for indicator in indicators:
        f.behind |= indicator.progress.behind
        f.overdue |= indicator.progress.overdue and status in MEASURED_STATUSES
    if f.behind:
        f.worst_gap = max(i.progress.gap for i in indicators if i.progress.behind)
    if f.overdue:
        f.first_due = min(i.progress.next_due for i in indicators if i.progress.overdue)
    return f


def _dress(benefit: Benefit, f: _Followed) -> None:
    """Set on a shown benefit what the dashboard's lists say about it."""
    indicators = f.indicators
    shares = [
        i.progress.realised_share for i in indicators if i.progress.realised_share is not None
    ]
    benefit.behind, benefit.overdue = f.behind, f.overdue
    benefit.has_baseline = bool(indicators) and all(i.has_baseline for i in indicators)
    benefit.realised_percent = sum(shares) / len(shares) * 100 if shares else None
    benefit.behind_indicators = [i for i in indicators if i.progress.behind]
    for indicator in benefit.behind_indicators:
        indicator.planned_percent = indicator.progress.planned_share * 100
    benefit.worst_gap = f.worst_gap if f.behind else None
    benefit.overdue_indicators = [i for i in indicators if i.progress.overdue]
    benefit.first_due = f.first_due
    benefit.missing_baseline = [i for i in indicators if not i.has_baseline]
