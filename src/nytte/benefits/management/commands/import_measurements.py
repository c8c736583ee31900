"""``nytte import_measurements SLUG FILE [--dry-run] [--user NAME]``: append measurements
from a sheet, all or nothing (exit codes: see ``nytte.core.excel.command``)."""

from __future__ import annotations

from nytte.benefits.excel import import_measurements
from nytte.core.excel.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Append measurements from an Excel sheet (Målinger: benefit code, indicator, date, "
        "value, source, comment). Rows equal to stored measurements are passed over; a date "
        "that already has another value is refused. If any row is wrong, nothing is saved."
    )
    rights = "the right to record measurements of those benefits"
    importer = staticmethod(import_measurements)
