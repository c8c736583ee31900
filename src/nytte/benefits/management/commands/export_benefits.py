"""``nytte export_benefits SLUG FILE``: a programme's benefits register as an Excel workbook."""

from __future__ import annotations

from typing import Any

from nytte.benefits.excel import export_benefits
from nytte.core.actors import System
from nytte.core.excel.command import ExportCommand
from nytte.core.models import Programme


class Command(ExportCommand):
    help = (
        "Export a programme's benefits register (benefits, initiatives' shares, yearly "
        "amounts, indicators, targets, measurements) to an Excel file (.xlsx)."
    )

    def workbook(self, programme: Programme, options: dict[str, Any]) -> bytes:
        return export_benefits(programme, user=System("cli"))
