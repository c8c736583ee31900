"""``nytte export_register SLUG FILE``: a programme's register as an Excel workbook."""

from __future__ import annotations

from typing import Any

from nytte.core.excel.command import ExportCommand
from nytte.core.models import Programme
from nytte.portfolio.excel import export_register


class Command(ExportCommand):
    help = "Export a programme's portfolio register to an Excel file (.xlsx)."

    def workbook(self, programme: Programme, options: dict[str, Any]) -> bytes:
        return export_register(programme)
