"""``nytte export_proposals SLUG FILE``: a programme's proposals and evidence as an Excel
workbook."""

from __future__ import annotations

from typing import Any

from nytte.core.excel.command import ExportCommand
from nytte.core.models import Programme
from nytte.proposals.excel import export_proposals


class Command(ExportCommand):
    help = (
        "Export a programme's proposals (stage, source, track, supporters, links) and their "
        "evidence to an Excel file (.xlsx). Outside proposers' names and e-mail addresses are "
        "left out unless --personal-data is given."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--personal-data",
            action="store_true",
            help="include the names and e-mail addresses of proposers without an account",
        )

    def workbook(self, programme: Programme, options: dict[str, Any]) -> bytes:
        return export_proposals(programme, personal_data=options["personal_data"])
