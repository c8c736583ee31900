"""Imports: the whole benefits workbook (all or nothing), and measurements appended in bulk."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied

from nytte.core.actors import Actor
from nytte.core.excel.format import LEGEND
from nytte.core.excel.read import Row, read_bytes, read_sheets
from nytte.core.excel.result import Errors, ImportResult, RowError, SheetCounts
from nytte.core.excel.rollback import write_all_or_nothing
from nytte.core.models import Programme
from nytte.core.permissions import Action, check

from . import bulk, validate, validate_lines
from .format import MEASUREMENTS, SHEETS
from .write import Writer


def plan_benefits(
    programme: Programme, sheets: dict[str, list[Row]], errors: Errors
) -> validate.Plan:
    """Check every sheet, in the order the writes must happen; errors go to ``errors``."""
    plan = validate.Plan(programme, sheets, errors)
    validate.plan_programme(plan)
    validate.plan_benefits(plan)
    validate.plan_shares(plan)
    validate.plan_amounts(plan)
    validate_lines.plan_indicators(plan)
    validate_lines.plan_targets(plan)
    validate_lines.plan_measurements(plan)
    return plan


def import_benefits(
    programme: Programme,
    file: bytes | IO[bytes] | str | Path,
    *,
    acting_user: Actor,
    dry_run: bool = False,
) -> ImportResult:
    """Validate the whole workbook, then write all of it or nothing.

    As the portfolio import: rows are matched by their natural keys and created or updated,
    never deleted; ``acting_user`` is the user (who needs EDIT on the programme, and each
    write is checked again by the services) or ``System("cli")`` for the command line
    without ``--user``. The writes run in one transaction rolled back on any error or on a
    dry run, so the rules the services enforce on save are checked too.
    """
    check(acting_user, Action.EDIT, programme)
    result = ImportResult(dry_run=dry_run)
    sheets = read_sheets(read_bytes(file), result.errors, SHEETS, ignored=frozenset({LEGEND}))
    if any(error.row in (None, 1) for error in result.errors):
        # The file or a sheet's shape is wrong: checking references would only add noise.
        return result
    errors = Errors(result.errors, SHEETS)
    plan = plan_benefits(programme, sheets, errors)
    if errors:
        return result
    return write_all_or_nothing(result, plan, Writer(programme, acting_user).run, dry_run)


def import_measurements(
    programme: Programme,
    file: bytes | IO[bytes] | str | Path,
    *,
    acting_user: Actor,
    dry_run: bool = False,
) -> ImportResult:
    """Append the measurements of a sheet (the "Målinger" sheet, or the workbook's first).

    For anyone who may record measurements of some benefit here: editors, and benefit owners
    for their own benefits. Each row names its benefit by code and its indicator by name; rows
    equal to a stored measurement are passed over (so a sheet can grow and be sent again),
    and any other row on a date that already has a measurement is refused. All or nothing.
    """
    check(acting_user, Action.VIEW, programme)
    if not bulk.may_record_some(acting_user, programme):
        raise PermissionDenied
    result = ImportResult(dry_run=dry_run)
    sheets = read_sheets(read_bytes(file), result.errors, (MEASUREMENTS,), only=MEASUREMENTS)
    if any(error.row in (None, 1) for error in result.errors):
        return result
    rows = [
        bulk.RawMeasurement(
            where=row.number,
            benefit=row.values["benefit"],
            indicator=row.values["indicator"],
            date=row.values["date"],
            value=row.values["value"],
            source=row.values["source"],
            comment=row.values["comment"],
        )
        for row in sheets.get(MEASUREMENTS.name, [])
        if not row.failed
    ]
    # With cells that could not be read, the other rows are still checked (and not kept).
    appended = bulk.append(
        programme,
        rows,
        acting_user=acting_user,
        dry_run=dry_run or bool(result.errors),
        skip_unchanged=True,
    )
    errors = Errors(result.errors, (MEASUREMENTS,))
    for refusal in appended.refusals:
        errors.add(MEASUREMENTS.name, refusal.where, refusal.field, refusal.message)
    result.errors.sort(key=lambda e: e.row or 0)
    if not errors:
        result.counts = {
            MEASUREMENTS.name: SheetCounts(
                created=len(appended.created), unchanged=appended.unchanged
            )
        }
    return result


__all__ = ["RowError", "import_benefits", "import_measurements", "plan_benefits"]
