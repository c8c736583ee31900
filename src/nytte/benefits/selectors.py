"""Reads from the benefits register, in a fixed number of queries whatever its size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from nytte.core.actors import Actor
from nytte.core.choices import ChangeAction
from nytte.core.models import ChangeLogEntry, Programme
from nytte.core.permissions import Action
from nytte.core.selectors import timeline

from . import realisation
from .choices import FREQUENCY_MONTHS, BenefitStatus
from .models import Benefit, BenefitAmount, Contribution, Indicator, Measurement, Target

# Benefits whose measurements are due: those on their way, not those identified or closed.
MEASURED_STATUSES = frozenset({BenefitStatus.PLANNED, BenefitStatus.REALISING})


def benefit_list(
    *, programme: Programme, user: Actor, action: Action = Action.VIEW
) -> QuerySet[Benefit]:
    """A programme's benefits that ``user`` may ``action`` (the queryset gate), with what a
    list row shows, contributions included."""
    return (
        Benefit.objects.for_user(user, action)
        .in_programme(programme)
        .select_related(
            "programme", "impact_goal", "arises_in_organisation", "owner_organisation", "owner"
        )
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related(
                    "initiative__owner_organisation"
                ).order_by("initiative__code"),
            )
        )
    )


def benefit_get(*, programme: Programme, code: str, user: Actor) -> Benefit:
    """One benefit with its lines; raises ``Benefit.DoesNotExist``."""
    return (
        benefit_list(programme=programme, user=user)
        .prefetch_related("amounts", "risks__initiative", _indicators_prefetch())
        .get(code=code)
    )


def _indicators_prefetch() -> Prefetch:
    return Prefetch(
        "indicators",
        queryset=Indicator.objects.prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("date")),
            Prefetch(
                "measurements",
                queryset=Measurement.objects.select_related("recorded_by").order_by("date"),
            ),
        ),
    )


def with_indicators(benefits: QuerySet[Benefit]) -> QuerySet[Benefit]:
    """Add indicators with their targets and measurements (three queries in all)."""
    return benefits.prefetch_related(_indicators_prefetch())


def with_latest_measurements(benefits: QuerySet[Benefit]) -> QuerySet[Benefit]:
    """Add indicators with their targets and only their latest measurement (three queries):
    all that ``attach_progress`` reads, a tenth of the rows or less on a measured register."""
    latest = (
        Measurement.objects.filter(indicator=OuterRef("indicator"))
        .order_by("-date")
        .values("date")[:1]
    )
    return benefits.prefetch_related(
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related(
                Prefetch("targets", queryset=Target.objects.order_by("date")),
                Prefetch(
                    "measurements",
                    queryset=Measurement.objects.filter(date=Subquery(latest)).order_by("date"),
                ),
            ),
        )
    )


def _point(date: dt.date | None, value: Decimal | None) -> realisation.Point | None:
    if date is None or value is None:
        return None
    return realisation.Point(date, float(value))


def indicator_progress(
    indicator: Indicator, *, today: dt.date, tolerance: float
) -> realisation.Progress:
    """Progress of an indicator whose targets and measurements are prefetched."""
    return realisation.progress(
        baseline=_point(indicator.baseline_date, indicator.baseline_value),
        targets=[realisation.Point(t.date, float(t.value)) for t in indicator.targets.all()],
        measurements=[
            realisation.Point(m.date, float(m.value)) for m in indicator.measurements.all()
        ],
        frequency_months=FREQUENCY_MONTHS[indicator.frequency],
        today=today,
        tolerance=tolerance,
    )


def indicator_series(indicator: Indicator) -> list[dict[str, Any]]:
    return realisation.series(
        _point(indicator.baseline_date, indicator.baseline_value),
        [realisation.Point(t.date, float(t.value)) for t in indicator.targets.all()],
        [realisation.Point(m.date, float(m.value)) for m in indicator.measurements.all()],
    )


def attach_progress(
    benefits: Iterable[Benefit], *, today: dt.date | None = None, tolerance: float | None = None
) -> list[Benefit]:
    """Set on each benefit (indicators prefetched) and each of its indicators:

    - ``indicator.progress``: a ``realisation.Progress``;
    - ``benefit.behind``: some indicator is behind plan by more than the tolerance;
    - ``benefit.overdue``: a measurement is overdue (only for planned or ongoing benefits);
    - ``benefit.has_baseline``: it has an indicator and every indicator has a baseline;
    - ``benefit.realised_percent``: the mean realisation of its indicators that have one.
    """
    today = today or timezone.localdate()
    result = []
    for benefit in benefits:
        limit = float(benefit.programme.behind_plan_tolerance if tolerance is None else tolerance)
        indicators = list(benefit.indicators.all())
        shares = []
        benefit.behind = benefit.overdue = False
        for indicator in indicators:
            indicator.progress = indicator_progress(indicator, today=today, tolerance=limit)
            benefit.behind |= indicator.progress.behind
            benefit.overdue |= indicator.progress.overdue and benefit.status in MEASURED_STATUSES
            if indicator.progress.realised_share is not None:
                shares.append(indicator.progress.realised_share)
        benefit.has_baseline = bool(indicators) and all(i.has_baseline for i in indicators)
        benefit.realised_percent = sum(shares) / len(shares) * 100 if shares else None
        result.append(benefit)
    return result


def attributed_share(benefit: Benefit, initiative_ids: Sequence[int] | None = None) -> Decimal:
    """The part of a benefit attributed to some initiatives (all of its initiatives when
    ``initiative_ids`` is None), as a fraction 0–1; contributions must be prefetched."""
    return sum(
        (
            c.share / 100
            for c in benefit.contributions.all()
            if initiative_ids is None or c.initiative_id in initiative_ids
        ),
        Decimal(0),
    )


def benefit_history(benefit: Benefit, *, limit: int = 100) -> list[dict[str, Any]]:
    """The change timeline of a benefit and of its lines (shares, yearly amounts, indicators,
    targets, measurements), newest first. Lines deleted since are found by the benefit their
    deletion names (targets and measurements name it through ``history_context``); those
    deleted with their indicator show as that indicator's deletion."""
    types = ContentType.objects.get_for_models(
        Benefit, Contribution, BenefitAmount, Indicator, Target, Measurement
    )

    def ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.annotate(key=Cast("pk", CharField())).values("key")

    lines = {
        Contribution: Contribution.objects.filter(benefit=benefit),
        BenefitAmount: BenefitAmount.objects.filter(benefit=benefit),
        Indicator: Indicator.objects.filter(benefit=benefit),
        Target: Target.objects.filter(indicator__benefit=benefit),
        Measurement: Measurement.objects.filter(indicator__benefit=benefit),
    }
    query = Q(content_type=types[Benefit], object_id=str(benefit.pk))
    for model, queryset in lines.items():
        query |= Q(content_type=types[model], object_id__in=ids(queryset))
    # The change log keeps a line's benefit as "<code> <title>"; codes have no spaces.
    query |= Q(
        action=ChangeAction.DELETE,
        programme_id=benefit.programme_id,
        content_type__in=[types[m] for m in lines],
        changes__benefit__before__startswith=f"{benefit.code} ",
    )
    entries = (
        ChangeLogEntry.objects.filter(query)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
    return timeline(entries)
