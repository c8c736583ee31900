"""``nytte import_proposals SLUG FILE [--dry-run] [--user NAME]``: add new proposals from a
sheet, all or nothing (exit codes: see ``nytte.core.excel.command``)."""

from __future__ import annotations

from nytte.core.excel.command import ImportCommand
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
