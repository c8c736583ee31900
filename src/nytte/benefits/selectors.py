"""Reads from the benefits register, in a fixed number of queries whatever its size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    CharField,
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast
from django.utils import timezone

from nytte.core import history
from nytte.core.actors import Actor
from nytte.core.choices import ChangeAction, Role
from nytte.core.jsonrows import json_rows, prefetched, restore
from nytte.core.models import ChangeLogEntry, OrganisationMembership, Programme
from nytte.core.permissions import Action
from nytte.core.selectors import timeline
from nytte.portfolio.models import Risk

from . import realisation
from .choices import FREQUENCY_MONTHS, BenefitStatus
from .models import Benefit, BenefitAmount, Contribution, Indicator, Measurement, Target

# Benefits whose measurements are due: those on their way, not those identified or closed.
MEASURED_STATUSES = frozenset({BenefitStatus.PLANNED, BenefitStatus.REALISING})


def benefit_list(
    *, programme: Programme, user: Actor, action: Action = Action.VIEW
) -> QuerySet[Benefit]:
    """A programme's benefits that ``user`` may ``action`` (the queryset gate), with what a
    list row shows, contributions included. In code order: the model's (programme name,
    code) made PostgreSQL join and sort every benefit of the programme to show the first
    page; by code alone it reads them in order from the (programme, code) index. Read
    through ``programme.benefits``, each benefit is handed ``programme`` instead of joining
    its row: PostgreSQL's time to plan a query grows steeply with its joins (some 10 ms at
    six against 1 at four, more than running it)."""
    return (
        programme.benefits.for_user(user, action)
        .order_by("code")
        .select_related("impact_goal", "arises_in_organisation", "owner_organisation", "owner")
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related(
                    "initiative__owner_organisation"
                ).order_by("initiative__code"),
            )
        )
    )


# The lines ``benefit_get`` can read with a benefit: what each tab of its page shows.
LINES = frozenset({"contributions", "amounts", "risks", "indicators"})


def benefit_get(
    *,
    programme: Programme,
    code: str,
    user: Actor,
    lines: Collection[str] = LINES,
    for_change: bool = False,
    indicator: int | None = None,
) -> Benefit:
    """One benefit with the ``lines`` asked for (its contributions, yearly amounts, risks,
    indicators with their targets and measurements) and whether ``user`` has the owner role
    in its owning organisation; raises ``Benefit.DoesNotExist``. ``for_change``: with the
    organisation ``user`` acts for, which the change log of a write reads. ``indicator``:
    with that one of its indicators (``benefit.chosen_indicator``, None if it has no such
    indicator) and the dates it has measurements on (``indicator.measured_on``, which the
    measurement services check a new date against instead of asking), to add a line to."""
    benefits = benefit_list(programme=programme, user=user)
    if "contributions" not in lines:
        benefits = benefits.prefetch_related(None)
    if "amounts" in lines:
        benefits = benefits.prefetch_related(
            Prefetch("amounts", queryset=BenefitAmount.objects.order_by("year"))
        )
    if "risks" in lines:
        benefits = benefits.prefetch_related(
            Prefetch("risks", queryset=Risk.objects.select_related("initiative"))
        )
    if "indicators" in lines:
        benefits = benefits.prefetch_related(
            Prefetch("indicators", queryset=_indicators_with_lines())
        )
    acting = for_change and getattr(user, "is_authenticated", False)
    if acting:
        benefits = benefits.annotate(
            acting_organisation_id=Subquery(history.acting_organisation(user))
        )
    if indicator is not None:
        benefits = benefits.annotate(**_chosen_indicator(indicator))
    benefit = with_owner_role(benefits, user).get(code=code)
    if indicator is not None:
        _remember_chosen_indicator(benefit)
    remember_owner_role([benefit], user)
    if acting:
        history.remember_acting_organisation(user, benefit.acting_organisation_id)
    if "indicators" in lines:
        for shown in benefit.indicators.all():
            _remember_lines(shown)
    return benefit


def with_owner_role(benefits: QuerySet[Benefit], user: Actor) -> QuerySet[Benefit]:
    """Read with each benefit whether ``user`` has the owner role in its owning organisation
    (``remember_owner_role`` hands it to ``Benefit.is_owned_by``): the permission checks of a
    page then ask nothing more."""
    if not getattr(user, "is_authenticated", False):
        return benefits
    return benefits.annotate(
        user_has_owner_role=Exists(
            OrganisationMembership.objects.filter(
                user=user, organisation=OuterRef("owner_organisation_id"), role=Role.OWNER
            )
        )
    )


def remember_owner_role(benefits: Iterable[Benefit], user: Actor) -> None:
    """Hand the role read by ``with_owner_role`` to each benefit's ``is_owned_by``."""
    for benefit in benefits:
        if hasattr(benefit, "user_has_owner_role"):
            benefit.remember_owner_role(user, benefit.user_has_owner_role)


def benefit_for_change(
    *,
    programme: Programme,
    code: str,
    user: Actor,
    lines: Collection[str] = ("contributions",),
    indicator: int | None = None,
) -> Benefit:
    """One benefit with the user's owner role, for permission checks and writes, with its
    contributions (which a change of the benefit's shares reads) unless other ``lines`` are
    asked for; raises ``Benefit.DoesNotExist``. The organisation the user acts for comes
    along, for the change log of the write that follows."""
    return benefit_get(
        programme=programme,
        code=code,
        user=user,
        lines=lines,
        for_change=True,
        indicator=indicator,
    )


def _chosen_indicator(pk: int) -> dict[str, Subquery]:
    """The benefit's indicator ``pk`` and the dates it has measurements on, as JSON rows
    read along with the benefit."""
    fields = {
        field.attname: Cast(field.attname, CharField())
        if isinstance(field, DecimalField)
        else field.attname
        for field in Indicator._meta.concrete_fields
    }
    return {
        "indicator_rows": json_rows(
            Indicator.objects.filter(benefit=OuterRef("pk"), pk=pk), "benefit", **fields
        ),
        "measured_rows": json_rows(
            Measurement.objects.filter(indicator__benefit=OuterRef("pk"), indicator=pk),
            "indicator",
            date="date",
        ),
    }


def _remember_chosen_indicator(benefit: Benefit) -> None:
    found = restore(Indicator, benefit.indicator_rows)
    indicator = found[0] if found else None
    if indicator is not None:
        indicator.benefit = benefit
        indicator.measured_on = {
            dt.date.fromisoformat(row["date"][:10]) for row in benefit.measured_rows or ()
        }
    benefit.chosen_indicator = indicator


def read_indicators(benefit: Benefit) -> None:
    """Read (again) a benefit's indicators with their targets and measurements, in one
    query, into ``benefit.indicators.all()``: after one of these lines changed, the benefit
    itself, read before the change, is still as it was."""
    indicators = list(_indicators_with_lines().filter(benefit=benefit))
    for indicator in indicators:
        indicator.benefit = benefit
        _remember_lines(indicator)
    prefetched(benefit, "indicators", indicators)


def _line_rows(model: type[Target] | type[Measurement], **fields: Any) -> Subquery:
    """An indicator's targets or measurements as JSON rows; values as text, to keep their
    digits."""
    return json_rows(
        model.objects.filter(indicator=OuterRef("pk")),
        "indicator",
        ["date"],
        id="id",
        indicator_id="indicator",
        date="date",
        value=Cast("value", CharField()),
        **fields,
    )


# Who recorded a measurement, read along with it: what ``User.display_name`` shows.
RECORDER_FIELDS = ("username", "full_name", "first_name", "last_name")


def _indicators_with_lines() -> QuerySet[Indicator]:
    """Indicators with their targets and measurements (and who recorded them) read along
    as JSON rows: one query for all three, which ``_remember_lines`` hands to the
    relations' ``.all()``."""
    return Indicator.objects.annotate(
        target_rows=_line_rows(Target),
        measurement_rows=_line_rows(
            Measurement,
            source="source",
            comment="comment",
            created_at="created_at",
            recorded_by_id="recorded_by",
            **{f"by_{name}": f"recorded_by__{name}" for name in RECORDER_FIELDS},
        ),
    )


def _remember_lines(indicator: Indicator) -> None:
    """``indicator.targets.all()`` and ``.measurements.all()`` (with ``recorded_by``) from
    the rows ``_indicators_with_lines`` read."""
    prefetched(indicator, "targets", restore(Target, indicator.target_rows, ["date"]))
    rows = indicator.measurement_rows or []
    people: dict[int, Any] = {}
    for row in rows:
        person = {name: row.pop(f"by_{name}") for name in RECORDER_FIELDS}
        if row["recorded_by_id"] is not None and row["recorded_by_id"] not in people:
            people[row["recorded_by_id"]] = restore(
                Measurement._meta.get_field("recorded_by").related_model,
                [{"id": row["recorded_by_id"], **person}],
            )[0]
    measurements = restore(Measurement, rows, ["date"])
    for measurement in measurements:
        measurement.recorded_by = people.get(measurement.recorded_by_id)
    prefetched(indicator, "measurements", measurements)


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


def amount_rows(benefit: str = "pk") -> Subquery:
    """The yearly amounts of the benefit at ``OuterRef(benefit)`` as JSON, to read along with
    the rows that name it; ``remember_amounts`` hands them to ``benefit.amounts.all()``."""
    return json_rows(
        BenefitAmount.objects.filter(benefit=OuterRef(benefit)),
        "benefit",
        ["year"],
        id="id",
        benefit_id="benefit",
        year="year",
        low="low",
        likely="likely",
        high="high",
    )


def remember_amounts(benefit: Benefit, rows: list[dict[str, Any]] | None) -> None:
    """``benefit.amounts.all()`` from ``amount_rows`` rows, by year, without a query."""
    prefetched(benefit, "amounts", restore(BenefitAmount, rows, ["year"]))


def with_indicators(benefits: QuerySet[Benefit]) -> QuerySet[Benefit]:
    """Add indicators with their targets and measurements (three queries in all)."""
    return benefits.prefetch_related(_indicators_prefetch())


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
        limit = _tolerance(benefit, tolerance)
        indicators = list(benefit.indicators.all())
        for indicator in indicators:
            indicator.progress = indicator_progress(indicator, today=today, tolerance=limit)
        _sum_up(benefit, [(i.progress, i.has_baseline) for i in indicators])
        result.append(benefit)
    return result


def attach_progress_summary(
    benefits: Iterable[Benefit], *, today: dt.date | None = None, tolerance: float | None = None
) -> list[Benefit]:
    """What ``attach_progress`` sets on each benefit (behind, overdue, has_baseline,
    realised_percent), for pages that show these but not the indicators: from one query of
    plain rows, each indicator joined to its targets and with its latest measurement (all
    that progress reads), instead of three queries of objects."""
    benefits = list(benefits)
    today = today or timezone.localdate()
    newest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-date")
    rows = (
        Indicator.objects.filter(benefit__in=[b.pk for b in benefits])
        .annotate(
            latest_date=Subquery(newest.values("date")[:1]),
            latest_value=Subquery(newest.values("value")[:1]),
        )
        .order_by("benefit_id", "name")  # each benefit's indicators as attach_progress has them
        .values_list(
            "pk",
            "benefit_id",
            "baseline_date",
            "baseline_value",
            "frequency",
            "latest_date",
            "latest_value",
            "targets__date",
            "targets__value",
        )
    )
    indicators: dict[int, dict[str, Any]] = {}
    for pk, benefit_id, base_date, base_value, frequency, date, value, t_date, t_value in rows:
        indicator = indicators.setdefault(
            pk,
            {
                "benefit_id": benefit_id,
                "baseline": _point(base_date, base_value),
                "latest": [] if date is None else [realisation.Point(date, float(value))],
                "frequency": frequency,
                "targets": [],
            },
        )
        if t_date is not None:
            indicator["targets"].append(realisation.Point(t_date, float(t_value)))
    by_benefit: dict[int, list[dict[str, Any]]] = {}
    for indicator in indicators.values():
        by_benefit.setdefault(indicator["benefit_id"], []).append(indicator)
    for benefit in benefits:
        limit = _tolerance(benefit, tolerance)
        states = [
            (
                realisation.progress(
                    baseline=i["baseline"],
                    targets=i["targets"],
                    measurements=i["latest"],
                    frequency_months=FREQUENCY_MONTHS[i["frequency"]],
                    today=today,
                    tolerance=limit,
                ),
                i["baseline"] is not None,
            )
            for i in by_benefit.get(benefit.pk, [])
        ]
        _sum_up(benefit, states)
    return benefits


def _tolerance(benefit: Benefit, tolerance: float | None) -> float:
    return float(benefit.programme.behind_plan_tolerance if tolerance is None else tolerance)


def _sum_up(benefit: Benefit, states: list[tuple[realisation.Progress, bool]]) -> None:
    """A benefit's flags from its indicators' (progress, has a baseline)."""
    shares = [p.realised_share for p, _base in states if p.realised_share is not None]
    benefit.behind = any(p.behind for p, _base in states)
    benefit.overdue = benefit.status in MEASURED_STATUSES and any(p.overdue for p, _ in states)
    benefit.has_baseline = bool(states) and all(base for _p, base in states)
    benefit.realised_percent = sum(shares) / len(shares) * 100 if shares else None


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
