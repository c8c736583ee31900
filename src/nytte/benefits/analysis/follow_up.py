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
from typing import Any, NamedTuple

from django.db.models import FloatField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from nytte.core import registercache
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


class IndicatorState(NamedTuple):
    """An indicator as the dashboard shows it: plain values, so that a programme's whole
    follow-up (tens of thousands of them) pickles small and fast."""

    pk: int
    name: str
    has_baseline: bool
    behind: bool
    overdue: bool
    gap: float | None
    realised_share: float | None
    planned_share: float | None
    next_due: dt.date | None

    @property
    def realised_percent(self) -> float | None:
        return None if self.realised_share is None else self.realised_share * 100

    @property
    def planned_percent(self) -> float | None:
        return None if self.planned_share is None else self.planned_share * 100


class Followed(NamedTuple):
    """One benefit's follow-up, computed before any model object is read. ``indicators``
    are plain tuples of ``IndicatorState``'s fields (``IndicatorState._make`` reads one)."""

    pk: int
    status: str
    has_owner: bool
    confirmed: bool
    indicators: tuple[tuple[Any, ...], ...]
    behind: bool
    overdue: bool
    worst_gap: float
    first_due: dt.date | None
    has_baselines: bool  # it has indicators, each with a baseline


@dataclass
class Summary:
    """Every followed benefit of a programme for a day and a tolerance, in code order, as of
    ``realisation_version``. A recorded measurement changes one benefit: the next summary
    recomputes only the benefits stamped since (``Benefit.realisation_version``).

    Kept in a worker's memory all day, so it is held as plain tuples of ``Followed``'s
    fields: the garbage collector stops tracking a plain tuple of plain values (not a named
    tuple), so tens of thousands of benefits add nothing to the worker's full collections,
    which otherwise scan every one of them every few requests."""

    realisation_version: int
    rows: dict[int, tuple[Any, ...]]  # in the benefits' code order

    def get(self, pk: int) -> Followed:
        return Followed._make(self.rows[pk])

    def followed(self) -> list[Followed]:
        return [Followed._make(row) for row in self.rows.values()]


def _point(date: dt.date | None, value: float | None) -> realisation.Point | None:
    if date is None or value is None:
        return None
    return realisation.Point(date, value)


def _floats(queryset: QuerySet, *names: str) -> QuerySet:
    """Read decimal columns as floats: the progress is computed in floats anyway, and a
    Decimal per value was a third of the time at 40 000 indicators."""
    return queryset.annotate(**{f"{name}_f": Cast(name, FloatField()) for name in names})


def _indicator_states(
    scope: QuerySet, *, today: dt.date, tolerance: float
) -> dict[int, list[IndicatorState]]:
    """Each benefit's indicators with their progress (three queries of plain rows: the
    indicators, their targets, and their latest measurements)."""
    targets: dict[int, list[realisation.Point]] = defaultdict(list)
    for indicator_id, date, value in (
        _floats(Target.objects.filter(indicator__benefit__in=scope), "value")
        .order_by("indicator_id", "date")
        .values_list("indicator_id", "date", "value_f")
    ):
        targets[indicator_id].append(realisation.Point(date, value))
    newest = (
        Measurement.objects.filter(indicator=OuterRef("indicator"))
        .order_by("-date")
        .values("date")[:1]
    )
    latest: dict[int, list[realisation.Point]] = defaultdict(list)
    for indicator_id, date, value in (
        _floats(
            Measurement.objects.filter(indicator__benefit__in=scope, date=Subquery(newest)), "value"
        )
        .order_by("indicator_id", "date", "pk")
        .values_list("indicator_id", "date", "value_f")
    ):
        latest[indicator_id].append(realisation.Point(date, value))
    states: dict[int, list[IndicatorState]] = defaultdict(list)
    for pk, benefit_id, name, base_date, base_value, frequency in (
        _floats(Indicator.objects.filter(benefit__in=scope), "baseline_value")
        .order_by("benefit_id", "name")
        .values_list("pk", "benefit_id", "name", "baseline_date", "baseline_value_f", "frequency")
    ):
        progress = realisation.progress(
            baseline=_point(base_date, base_value),
            targets=targets.get(pk, ()),
            measurements=latest.get(pk, ()),
            frequency_months=FREQUENCY_MONTHS[frequency],
            today=today,
            tolerance=tolerance,
        )
        states[benefit_id].append(
            IndicatorState(
                pk,
                name,
                base_date is not None and base_value is not None,
                progress.behind,
                progress.overdue,
                progress.gap,
                progress.realised_share,
                progress.planned_share,
                progress.next_due,
            )
        )
    return states


def _scope(programme: Programme, user: Actor) -> QuerySet:
    """The benefits followed up: lost ones no longer are."""
    return Benefit.objects.for_user(user).in_programme(programme).exclude(status=BenefitStatus.LOST)


def summarise(
    *,
    programme: Programme,
    user: Actor,
    tolerance: Decimal,
    today: dt.date,
    previous: Summary | None = None,
) -> Summary:
    """Every followed benefit's state. From ``previous`` (the same programme version, day and
    tolerance: what else it read has not changed) only the benefits whose realisation data
    changed since are computed again, in four queries."""
    scope = _scope(programme, user)
    version = programme.realisation_version
    if previous is not None:
        if previous.realisation_version >= version:
            return previous
        changed = set(
            scope.filter(realisation_version__gt=previous.realisation_version).values_list(
                "pk", flat=True
            )
        )
        if not changed <= previous.rows.keys():
            previous = None  # cannot happen without a portfolio change; compute it all
    if previous is not None:
        states = _indicator_states(
            scope.filter(pk__in=changed).order_by().values("pk"),
            today=today,
            tolerance=float(tolerance),
        )
        rows = dict(previous.rows)
        for pk in changed:
            f = previous.get(pk)
            rows[pk] = _followed(pk, f.status, f.has_owner, f.confirmed, states.get(pk, []))
        return Summary(version, rows)
    states = _indicator_states(
        scope.order_by().values("pk"), today=today, tolerance=float(tolerance)
    )
    # In code order, sorted here: SQLite's natural collation calls Python per comparison.
    benefits = sorted(
        scope.order_by().values_list("code", "pk", "status", "owner_id", "confirmed_on"),
        key=lambda row: natural_key(row[0]),
    )
    return Summary(
        version,
        {
            pk: _followed(
                pk, status, owner_id is not None, confirmed_on is not None, states.get(pk, [])
            )
            for _code, pk, status, owner_id, confirmed_on in benefits
        },
    )


def follow_up(
    *,
    programme: Programme,
    user: Actor,
    tolerance: Decimal | None = None,
    today: dt.date | None = None,
    limit: int | None = None,
    summary: Summary | None = None,
) -> FollowUp:
    """The dashboard's lists, with the programme's tolerance unless another is given; lost
    benefits are no longer followed up. With ``limit`` each list holds its first ``limit``
    benefits (and still counts all): only those are read as model objects. ``summary``:
    the states already computed for this day and tolerance (``summarise``)."""
    chosen = programme.behind_plan_tolerance if tolerance is None else tolerance
    today = today or timezone.localdate()
    if summary is None:
        summary = summarise(programme=programme, user=user, tolerance=chosen, today=today)
    followed = summary.followed()
    lists = {
        "behind": sorted((f for f in followed if f.behind), key=lambda f: -f.worst_gap),
        "overdue": sorted((f for f in followed if f.overdue), key=lambda f: f.first_due),
        "unconfirmed": [f for f in followed if not f.confirmed],
        "no_baseline": [f for f in followed if not f.has_baselines],
        "no_owner": [f for f in followed if not f.has_owner],
    }
    shown = {f.pk for rows in lists.values() for f in (rows if limit is None else rows[:limit])}
    objects = {
        b.pk: b
        for b in Benefit.objects.filter(pk__in=shown).select_related(
            "programme", "owner", "owner_organisation"
        )
    }
    for pk, benefit in objects.items():
        _dress(benefit, summary.get(pk))

    def benefits(rows: list[Followed]) -> list[Benefit]:
        if limit is None:
            return [objects[f.pk] for f in rows]
        return Head.of([objects[f.pk] for f in rows[:limit]], len(rows))

    return FollowUp(
        Decimal(chosen),
        count=len(followed),
        **{name: benefits(rows) for name, rows in lists.items()},
    )


def cached_follow_up(
    *, programme: Programme, user: Actor, tolerance: Decimal | None = None, limit: int
) -> FollowUp:
    """``follow_up`` for today, cached for the day and the tolerance under the versions of
    the portfolio and of the realisation data (``core.registercache``). After a recorded
    measurement the every-benefit summary of the last computation is brought up to date
    (the changed benefits only) instead of computing every indicator's progress again."""
    chosen = programme.behind_plan_tolerance if tolerance is None else tolerance
    today = timezone.localdate()
    parts = (today, Decimal(chosen).normalize())

    def compute() -> FollowUp:
        name, reads = "follow-up-summary", registercache.PORTFOLIO
        # The summary holds no text: one for every language.
        previous = registercache.stored(programme, name, *parts, reads=reads, by_language=False)
        summary = summarise(
            programme=programme, user=user, tolerance=chosen, today=today, previous=previous
        )
        if summary is not previous:
            # Shared when computed anew (a second or more at national size); brought up to
            # date, it is kept in this process only (pickling it costs more than that).
            registercache.store(
                programme,
                name,
                *parts,
                value=summary,
                reads=reads,
                by_language=False,
                share=previous is None,
            )
        return follow_up(
            programme=programme,
            user=user,
            tolerance=chosen,
            today=today,
            limit=limit,
            summary=summary,
        )

    return registercache.cached_for_register(
        programme, "follow-up", *parts, compute=compute, reads=registercache.REALISATION
    )


def _followed(
    pk: int, status: str, has_owner: bool, confirmed: bool, indicators: list[IndicatorState]
) -> tuple[Any, ...]:
    """A ``Followed``'s fields as a plain tuple (see ``Summary``)."""
    behind = any(i.behind for i in indicators)
    overdue = status in MEASURED_STATUSES and any(i.overdue for i in indicators)
    return (
        pk,
        status,
        has_owner,
        confirmed,
        tuple(tuple(i) for i in indicators),
        behind,
        overdue,
        max(i.gap for i in indicators if i.behind) if behind else 0.0,
        min(i.next_due for i in indicators if i.overdue) if overdue else None,
        bool(indicators) and all(i.has_baseline for i in indicators),
    )


def _dress(benefit: Benefit, f: Followed) -> None:
    """Set on a shown benefit what the dashboard's lists say about it."""
    indicators = [IndicatorState._make(i) for i in f.indicators]
    shares = [i.realised_share for i in indicators if i.realised_share is not None]
    benefit.behind, benefit.overdue = f.behind, f.overdue
    benefit.has_baseline = f.has_baselines
    benefit.realised_percent = sum(shares) / len(shares) * 100 if shares else None
    benefit.behind_indicators = [i for i in indicators if i.behind]
    benefit.worst_gap = f.worst_gap if f.behind else None
    benefit.overdue_indicators = [i for i in indicators if i.overdue]
    benefit.first_due = f.first_due
    benefit.missing_baseline = [i for i in indicators if not i.has_baseline]
