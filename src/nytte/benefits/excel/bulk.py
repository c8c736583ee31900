"""Appending measurements in bulk: how agencies feed real data, from the API, the upload page
and the command line alike.

Rows name their benefit by code and their indicator by name (or id); this module turns those
natural keys into indicators with a fixed number of queries, hands the rows to
``services.measurements_append`` (which checks rights and dates and saves all or nothing) and
reports every refused row with where it came from and which field is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from nytte.core.actors import Actor, is_system
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


# Why a row was refused, with the field it concerns: the service's own refusal.
Refusal = services.Refusal


@dataclass
class BulkResult:
    created: list[Measurement] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.refusals


def may_record_some(user: Actor, programme: Programme) -> bool:
    """Whether the actor could record any measurement here: the system, editors of the
    programme, and people with the owner role, who may own benefits (each row is checked by
    the service)."""
    return (
        is_system(user)
        or can(user, Action.EDIT, programme)
        or Role.OWNER in roles_in(user, programme)
    )


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
    acting_user: Actor,
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
            result.refusals.extend(
                Refusal(origin[str(r.where)].where, r.field, r.message) for r in exc.refusals
            )
        if result.refusals or dry_run:
            raise Rollback
    if result.refusals:
        result.created = []
    order = {row.where: n for n, row in enumerate(rows)}
    result.refusals.sort(key=lambda r: order.get(r.where, 0))
    return result
