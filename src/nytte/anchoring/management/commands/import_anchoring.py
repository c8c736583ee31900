"""``nytte import_anchoring SLUG FILE [--dry-run] [--user NAME]``: stakeholders and
checklist answers from an edited export, all or nothing (exit codes: see
``nytte.core.excel.command``)."""

from __future__ import annotations

from nytte.anchoring.excel import import_anchoring
from nytte.core.excel.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import stakeholders (Interessenter) and anchoring answers (Svar) from an Excel "
        "workbook exported by Nytte. Rows are matched by their keys; nothing is deleted. If "
        "any row is wrong, nothing is saved."
    )
    importer = staticmethod(import_anchoring)
