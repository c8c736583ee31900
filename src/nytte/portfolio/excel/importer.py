"""Import: read the whole workbook, check it against the register, then write all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from nytte.core.actors import Actor, require_actor
from nytte.core.excel.read import Row, read_bytes
from nytte.core.excel.result import Errors, ImportResult
from nytte.core.excel.rollback import write_all_or_nothing
from nytte.core.models import Programme
from nytte.core.permissions import Action, check

from . import validate, validate_lines
from .format import SHEETS
from .read import read_workbook
from .write import Writer


def plan_register(
    programme: Programme, sheets: dict[str, list[Row]], errors: Errors
) -> validate.Plan:
    """Check every sheet, in the order the writes must happen; errors go to ``errors``."""
    plan = validate.Plan(programme, sheets, errors)
    validate.plan_programme(plan)
    validate.plan_goals(plan)
    validate.plan_initiatives(plan)
    validate.plan_contributions(plan)
    validate_lines.plan_costs(plan)
    validate_lines.plan_dependencies(plan)
    validate_lines.plan_risks(plan)
    validate_lines.plan_status_reports(plan)
    return plan


def import_register(
    programme: Programme,
    file: bytes | IO[bytes] | str | Path,
    *,
    acting_user: Actor,
    dry_run: bool = False,
) -> ImportResult:
    """Validate the whole workbook, then write all of it or nothing.

    ``acting_user`` is the user (who needs EDIT on the programme; each write is checked
    again by the services) or ``System("cli")`` for the command line without ``--user``. The
    writes run in one transaction that is rolled back on any error, or on a dry run, so the
    rules the services enforce on save are checked too.
    """
    check(require_actor(acting_user), Action.EDIT, programme)
    result = ImportResult(dry_run=dry_run)
    sheets = read_workbook(read_bytes(file), result.errors)
    if result.stop_checking():
        # A wrong shape or a full error list: checking further would only add noise.
        return result
    errors = Errors(result.errors, SHEETS)  # cell errors so far, then the register's
    plan = plan_register(programme, sheets, errors)
    if errors:
        return result
    return write_all_or_nothing(result, plan, Writer(programme, acting_user).run, dry_run)
