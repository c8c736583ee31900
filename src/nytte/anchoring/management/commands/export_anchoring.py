"""``nytte export_anchoring SLUG FILE``: a programme's stakeholders and anchoring answers
as an Excel workbook."""

from __future__ import annotations

from typing import Any

from nytte.anchoring.excel import export_anchoring
from nytte.core.actors import System
from nytte.core.excel.command import ExportCommand
from nytte.core.models import Programme


class Command(ExportCommand):
    help = "Export a programme's stakeholders and anchoring answers to an Excel file (.xlsx)."

    def workbook(self, programme: Programme, options: dict[str, Any]) -> bytes:
        return export_anchoring(programme, user=System("cli"))
