"""``nytte import_proposals SLUG FILE [--dry-run] [--user NAME]``: add new proposals from a
sheet, all or nothing (exit codes: see ``nytte.benefits.excel.command``)."""

from __future__ import annotations

from pathlib import Path

from nytte.benefits.excel.command import ImportCommand
from nytte.core.models import Programme, User
from nytte.proposals.excel import ImportResult, import_proposals


class Command(ImportCommand):
    help = (
        "Add new proposals from an Excel sheet (Forslag: title, need, idea, source, affected "
        "organisations, life events, proposer). Rows with the number of a proposal already in "
        "the programme are passed over; nothing is changed or deleted. If any row is wrong, "
        "nothing is saved."
    )
    rights = "the facilitator's rights"

    def run(
        self, programme: Programme, path: Path, acting_user: User | None, dry_run: bool
    ) -> ImportResult:
        return import_proposals(programme, path, acting_user=acting_user, dry_run=dry_run)
