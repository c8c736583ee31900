"""Appending measurements in bulk: how agencies feed real data, from the API, the upload page
and the command line alike.

Rows name their benefit by code and their indicator by name (or id); this module turns those
natural keys into indicators with a fixed number of queries, hands the rows to
``services.measurements_append`` (which checks rights and dates and saves all or nothing) and
reports every refused row with where it came from and which field is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from nytte.core.choices import Role
from nytte.core.excel.rollback import Rollback, trial_write
from nytte.core.models import Programme
from nytte.core.permissions import Action, can, roles_in

from .. import services
from ..models import Benefit, Indicator, Measurement


@dataclass(frozen=True)
class RawMeasurement:
    """One measurement as sent; ``where`` is the caller's handle on it (list index, row)."""

    where: Hashable
    benefit: str
    indicator: str | int
    date: dt.date
    value: Decimal
    source: str = ""
    comment: str = ""


@dataclass(frozen=True)
class Refusal:
    """Why a row was refused; ``field`` is benefit, indicator, date, value or ""."""

    where: Hashable
    field: str
    message: str


@dataclass
class BulkResult:
    created: list[Measurement] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.refusals


def may_record_some(user: Any, programme: Programme) -> bool:
    """Whether the user could record any measurement here: editors of the programme, and
    people with the owner role, who may own benefits (each row is checked by the service)."""
    if user is None:
        return True
    return can(user, Action.EDIT, programme) or Role.OWNER in roles_in(user, programme)


def _indicators(
    programme: Programme, rows: Sequence[RawMeasurement]
) -> tuple[dict[str, Benefit], dict[tuple[int, str], Indicator], dict[int, Indicator]]:
    """The benefits and indicators the rows name, read in two queries."""
    codes = {row.benefit for row in rows}
    benefits = {
        b.code: b
        for b in Benefit.objects.filter(programme=programme, code__in=codes).select_related(
            "programme"
        )
    }
    by_name: dict[tuple[int, str], Indicator] = {}
    by_id: dict[int, Indicator] = {}
    for indicator in Indicator.objects.filter(benefit__in=benefits.values()):
        by_name[(indicator.benefit_id, indicator.name.casefold())] = indicator
        by_id[indicator.pk] = indicator
    by_pk = {b.pk: b for b in benefits.values()}
    for indicator in by_id.values():  # share the benefit objects: no query per row
        indicator.benefit = by_pk[indicator.benefit_id]
    return benefits, by_name, by_id


def _find(
    row: RawMeasurement,
    benefit: Benefit,
    by_name: dict[tuple[int, str], Indicator],
    by_id: dict[int, Indicator],
) -> Indicator | None:
    key = row.indicator
    if isinstance(key, str) and key.strip().isdigit():
        key = int(key.strip())
    if isinstance(key, int):
        found = by_id.get(key)
        if found is not None and found.benefit_id == benefit.pk:
            return found
        key = str(key)  # an indicator may be called "2030"
    return by_name.get((benefit.pk, key.strip().casefold()))


def append(
    programme: Programme,
    rows: Sequence[RawMeasurement],
    *,
    acting_user: Any,
    dry_run: bool = False,
    skip_unchanged: bool = False,
) -> BulkResult:
    """Append the rows all or nothing, listing every refused row.

    ``skip_unchanged`` leaves out rows equal to a stored measurement (same indicator, date,
    value, source and comment), so a sheet that repeats earlier rows can be uploaded again.
    """
    result = BulkResult(dry_run=dry_run)
    benefits, by_name, by_id = _indicators(programme, rows)
    stored = {
        (m.indicator_id, m.date): m
        for m in Measurement.objects.filter(
            indicator__in=list(by_id.values()), date__in={r.date for r in rows}
        )
    }
    to_append: list[services.MeasurementRow] = []
    origin: dict[str, RawMeasurement] = {}
    for index, row in enumerate(rows):
        benefit = benefits.get(row.benefit)
        if benefit is None:
            result.refusals.append(
                Refusal(
                    row.where,
                    "benefit",
                    _("No benefit has the code “%(code)s” in this programme.")
                    % {"code": row.benefit},
                )
            )
            continue
        indicator = _find(row, benefit, by_name, by_id)
        if indicator is None:
            result.refusals.append(
                Refusal(
                    row.where,
                    "indicator",
                    _("%(code)s has no indicator “%(name)s”.")
                    % {"code": benefit.code, "name": row.indicator},
                )
            )
            continue
        same = stored.get((indicator.pk, row.date))
        if (
            skip_unchanged
            and same is not None
            and (same.value, same.source, same.comment) == (row.value, row.source, row.comment)
        ):
            result.unchanged += 1
            continue
        origin[str(index)] = row
        to_append.append(
            services.MeasurementRow(
                indicator=indicator,
                date=row.date,
                value=row.value,
                source=row.source,
                comment=row.comment,
                where=str(index),
            )
        )
    with trial_write():
        try:
            result.created = services.measurements_append(to_append, acting_user=acting_user)
        except services.BulkError as exc:
            result.refusals.extend(_refusals(exc, origin, to_append, stored, acting_user))
        if result.refusals or dry_run:
            raise Rollback
    if result.refusals:
        result.created = []
    order = {row.where: n for n, row in enumerate(rows)}
    result.refusals.sort(key=lambda r: order.get(r.where, 0))
    return result


def _refusals(
    exc: services.BulkError,
    origin: dict[str, RawMeasurement],
    rows: list[services.MeasurementRow],
    stored: dict[tuple[int, dt.date], Measurement],
    acting_user: Any,
) -> list[Refusal]:
    """The service's refusals, each with the field it concerns (for the sheet's column)."""
    by_where = {row.where: row for row in rows}
    repeated = {
        key for key, n in Counter((row.indicator.pk, row.date) for row in rows).items() if n > 1
    }
    allowed: dict[int, bool] = {}
    refusals = []
    for where, message in exc.rows:
        row = by_where[where]
        key = (row.indicator.pk, row.date)
        benefit = row.indicator.benefit
        if benefit.pk not in allowed:
            allowed[benefit.pk] = acting_user is None or can(acting_user, Action.EDIT, benefit)
        if not allowed[benefit.pk]:
            name = "benefit"
        elif key in stored or key in repeated:
            name = "date"
        else:
            name = "value"
        refusals.append(Refusal(origin[where].where, name, message))
    return refusals
