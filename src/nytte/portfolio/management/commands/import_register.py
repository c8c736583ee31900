"""``nytte import_register SLUG FILE [--dry-run] [--user NAME]``: import an edited export
(exit codes: see ``nytte.core.excel.command``)."""

from __future__ import annotations

from nytte.core.excel.command import ImportCommand
from nytte.portfolio.excel import import_register


class Command(ImportCommand):
    help = (
        "Import a portfolio register from an Excel file in the export's format. Rows are "
        "matched by their codes: new ones are created, changed ones updated, nothing deleted. "
        "If any row is wrong, nothing is saved."
    )
    refused = "edit"
    importer = staticmethod(import_register)
