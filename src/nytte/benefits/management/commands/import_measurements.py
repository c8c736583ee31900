"""``nytte import_measurements SLUG FILE [--dry-run] [--user NAME]``: append measurements
from a sheet, all or nothing (exit codes: see ``nytte.core.excel.command``)."""

from __future__ import annotations

from pathlib import Path

from nytte.benefits.excel import import_measurements
from nytte.core.actors import System
from nytte.core.excel.command import ImportCommand
from nytte.core.excel.result import ImportResult
from nytte.core.models import Programme, User


class Command(ImportCommand):
    help = (
        "Append measurements from an Excel sheet (Målinger: benefit code, indicator, date, "
        "value, source, comment). Rows equal to stored measurements are passed over; a date "
        "that already has another value is refused. If any row is wrong, nothing is saved."
    )
    rights = "the right to record measurements of those benefits"
    importer = staticmethod(import_measurements)

    def run(
        self, programme: Programme, path: Path, acting_user: User | None, dry_run: bool
    ) -> ImportResult:
        """Without ``--user`` the command acts as the system, named as the command line."""
        return import_measurements(
            programme, path, acting_user=acting_user or System("cli"), dry_run=dry_run
        )
