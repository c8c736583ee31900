"""``nytte import_proposals SLUG FILE [--dry-run] [--user NAME]``: add new proposals from a
sheet, all or nothing (exit codes: see ``nytte.core.excel.command``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nytte.core.actors import System
from nytte.core.excel.command import ImportCommand
from nytte.core.models import Programme, User
from nytte.proposals.excel import import_proposals


class Command(ImportCommand):
    help = (
        "Add new proposals from an Excel sheet (Forslag: title, need, idea, source, affected "
        "organisations, life events, proposer). Rows with the number of a proposal already in "
        "the programme are passed over; nothing is changed or deleted. If any row is wrong, "
        "nothing is saved."
    )
    rights = "the facilitator's rights"
    importer = staticmethod(import_proposals)

    def run(self, programme: Programme, path: Path, acting_user: User | None, dry_run: bool) -> Any:
        # Without --user the command acts as the system, named so in the change log.
        actor = System("cli") if acting_user is None else acting_user
        return import_proposals(programme, path, acting_user=actor, dry_run=dry_run)
