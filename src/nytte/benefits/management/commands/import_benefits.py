"""``nytte import_benefits SLUG FILE [--dry-run] [--user NAME]``: import an edited export of
the benefits register (exit codes: see ``nytte.core.excel.command``)."""

from __future__ import annotations

from pathlib import Path

from nytte.benefits.excel import import_benefits
from nytte.core.actors import System
from nytte.core.excel.command import ImportCommand
from nytte.core.excel.result import ImportResult
from nytte.core.models import Programme, User


class Command(ImportCommand):
    help = (
        "Import a benefits register from an Excel file in the export's format. Rows are "
        "matched by their natural keys (benefit codes, indicator names, dates): new ones are "
        "created, changed ones updated, nothing deleted. If any row is wrong, nothing is saved."
    )
    importer = staticmethod(import_benefits)

    def run(
        self, programme: Programme, path: Path, acting_user: User | None, dry_run: bool
    ) -> ImportResult:
        """Without ``--user`` the command acts as the system, named as the command line."""
        return import_benefits(
            programme, path, acting_user=acting_user or System("cli"), dry_run=dry_run
        )
