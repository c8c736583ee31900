"""Measurements: one path for one and for many. Agencies feed real data in bulk, from a
spreadsheet or the API, all or nothing; a single measurement is a batch of one, so every
face refuses the same rows with the same message on the same field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nytte.core import history
from nytte.core.actors import Actor, actor_user
from nytte.core.permissions import Action, can, check

from ..models import (
    Benefit,
    Indicator,
    Measurement,
)
from .lines import line_delete, line_update


@transaction.atomic
def measurement_create(
    *,
    indicator: Indicator,
    date: dt.date,
    value: Decimal | int | float | str,
    source: str = "",
    comment: str = "",
    acting_user: Actor,
) -> Measurement:
    """Record one measurement: :func:`measurements_append` with one row, whose refusal comes
    back as a ``ValidationError`` on the field it concerns."""
    row = MeasurementRow(
        indicator=indicator,
        date=date,
        value=value if isinstance(value, Decimal) else Decimal(str(value)),
        source=source or "",
        comment=comment or "",
    )
    check(acting_user, Action.EDIT, indicator)  # 403/404 as for the other lines
    try:
        # Already atomic here: the batch needs no savepoint of its own.
        return _append([row], acting_user=acting_user)[0]
    except BulkError as exc:
        errors: dict[str, list[str]] = {}
        for refusal in exc.refusals:
            errors.setdefault(refusal.field or NON_FIELD_ERRORS, []).append(refusal.message)
        raise ValidationError(errors) from exc


@transaction.atomic
def measurement_update(
    *, measurement: Measurement, data: Mapping[str, Any], acting_user: Actor
) -> Measurement:
    check(acting_user, Action.EDIT, measurement)
    date = data.get("date", measurement.date)
    taken = Measurement.objects.filter(indicator_id=measurement.indicator_id, date=date)
    if date != measurement.date and taken.exclude(pk=measurement.pk).exists():
        # The same refusal, on the same field, as an append on a date already measured.
        raise ValidationError({"date": _taken(measurement.indicator, date)}, code="unique")
    updated = line_update(measurement, data, acting_user, parent="indicator")
    _revisit_behind({measurement.indicator.benefit_id})
    return updated


def _taken(indicator: Indicator, date: dt.date) -> str:
    return _("%(indicator)s already has a measurement on %(date)s.") % {
        "indicator": indicator.name,
        "date": date.isoformat(),
    }


@transaction.atomic
def measurement_delete(*, measurement: Measurement, acting_user: Actor) -> None:
    line_delete(measurement, acting_user)


# ---------------------------------------------------------------------------------------------
# Measurements in bulk: how agencies feed real data, from a spreadsheet or the API


@dataclass(frozen=True)
class MeasurementRow:
    """One measurement to append; ``where`` says where it came from, for error messages
    (e.g. "Measurements, row 14")."""

    indicator: Indicator
    date: dt.date
    value: Decimal
    source: str = ""
    comment: str = ""
    where: Hashable = ""


@dataclass(frozen=True)
class Refusal:
    """Why a row was refused; ``field`` is the one it concerns (benefit, indicator, date,
    value, source, comment) or "" for the row as a whole."""

    where: Hashable
    field: str
    message: str


class BulkError(ValidationError):
    """Every refused row, so the sender can fix them all at once; nothing was saved."""

    def __init__(self, refusals: list[Refusal]):
        self.refusals = refusals
        super().__init__([f"{r.where}: {r.message}" if r.where else r.message for r in refusals])


@transaction.atomic
def measurements_append(rows: Sequence[MeasurementRow], *, acting_user: Actor) -> list[Measurement]:
    """Append measurements all or nothing: one bad row (no right to the benefit, a date that
    already has a measurement, a duplicate in the batch, a value out of range) and none is
    saved. The one path for measurements: a single one is a batch of one."""
    return _append(rows, acting_user=acting_user)


def _append(rows: Sequence[MeasurementRow], *, acting_user: Actor) -> list[Measurement]:
    """``measurements_append`` within a transaction the caller holds."""
    refusals: list[Refusal] = []
    seen: set[tuple[int, dt.date]] = set()
    existing = _measured(row.indicator for row in rows)
    checked: dict[int, str | None] = {}
    for row in rows:
        benefit = row.indicator.benefit
        if benefit.pk not in checked:
            checked[benefit.pk] = _may_record(acting_user, benefit)
        refusal = checked[benefit.pk]
        key = (row.indicator.pk, row.date)
        if refusal:
            refusals.append(Refusal(row.where, "benefit", refusal))
        elif key in existing:
            refusals.append(
                Refusal(
                    row.where,
                    "date",
                    _taken(row.indicator, row.date),
                )
            )
        elif key in seen:
            refusals.append(
                Refusal(
                    row.where,
                    "date",
                    _("%(indicator)s has two measurements on %(date)s in this batch.")
                    % {"indicator": row.indicator.name, "date": row.date.isoformat()},
                )
            )
        seen.add(key)
    if refusals:
        raise BulkError(refusals)
    recorded_by = actor_user(acting_user)
    created = []
    for row in rows:
        measurement = Measurement(
            indicator=row.indicator,
            date=row.date,
            value=row.value,
            source=row.source,
            comment=row.comment,
            recorded_by=recorded_by,
        )
        try:
            # Dates and rights are checked above; skip the per-row unique and foreign-key
            # queries so that a thousand rows cost a handful of queries, not thousands.
            measurement.full_clean(
                exclude=["indicator", "recorded_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                field = "" if name == NON_FIELD_ERRORS else name
                refusals.extend(Refusal(row.where, field, message) for message in messages)
            continue
        created.append(measurement)
    if refusals:
        raise BulkError(refusals)
    Measurement.objects.bulk_create(created)
    history.log_create_many(created, acting_user=acting_user)
    _revisit_behind({row.indicator.benefit_id for row in rows})
    return created


def _measured(indicators: Iterable[Indicator]) -> set[tuple[int, dt.date]]:
    """(indicator, date) of the measurements the indicators have: those read along with an
    indicator (``selectors.indicator_for_change`` sets ``measured_on``) as read, the
    others in one query."""
    known: dict[int, set[dt.date]] = {}
    asked: set[int] = set()
    for indicator in indicators:
        dates = getattr(indicator, "measured_on", None)
        if dates is None:
            asked.add(indicator.pk)
        else:
            known[indicator.pk] = dates
    existing = {(pk, date) for pk, dates in known.items() for date in dates}
    if asked:
        existing.update(
            Measurement.objects.filter(indicator__in=asked).values_list("indicator_id", "date")
        )
    return existing


def _revisit_behind(benefit_ids: set[int]) -> None:
    """A decided initiative's benefit now behind plan asks for the decision to be revisited."""
    from nytte.governance.learning.revisits import check_benefits

    check_benefits(benefit_ids)


def _may_record(acting_user: Actor, benefit: Benefit) -> str | None:
    if can(acting_user, Action.EDIT, benefit):
        return None
    # No role, or a role without the right: the same answer either way, say nothing more.
    return _("You may not record measurements for %(code)s.") % {"code": benefit.code}
