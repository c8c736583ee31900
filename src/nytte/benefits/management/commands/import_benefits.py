"""``nytte import_benefits SLUG FILE [--dry-run] [--user NAME]``: import an edited export of
the benefits register (exit codes: see ``nytte.core.excel.command``)."""

from __future__ import annotations

from nytte.benefits.excel import import_benefits
from nytte.core.excel.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a benefits register from an Excel file in the export's format. Rows are "
        "matched by their natural keys (benefit codes, indicator names, dates): new ones are "
        "created, changed ones updated, nothing deleted. If any row is wrong, nothing is saved."
    )
    importer = staticmethod(import_benefits)
