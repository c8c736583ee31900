"""``nytte export_proposals SLUG FILE``: a programme's proposals and evidence as an Excel
workbook."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nytte.core.models import Programme
from nytte.proposals.excel import export_proposals


class Command(BaseCommand):
    help = (
        "Export a programme's proposals (stage, source, track, supporters, links) and their "
        "evidence to an Excel file (.xlsx). Outside proposers' names and e-mail addresses are "
        "left out unless --personal-data is given."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="the programme's short name, e.g. framtidens-innkreving")
        parser.add_argument("file", help="where to write the .xlsx file ('-' for stdout)")
        parser.add_argument(
            "--personal-data",
            action="store_true",
            help="include the names and e-mail addresses of proposers without an account",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            programme = Programme.objects.get(slug=options["slug"])
        except Programme.DoesNotExist as exc:
            raise CommandError(f"No programme is called {options['slug']!r}.") from exc
        started = time.perf_counter()
        data = export_proposals(programme, personal_data=options["personal_data"])
        if options["file"] == "-":
            self.stdout._out.buffer.write(data)  # binary, not text
            return
        Path(options["file"]).write_bytes(data)
        elapsed = time.perf_counter() - started
        self.stderr.write(f"Wrote {options['file']} ({len(data):,} bytes) in {elapsed:.1f} s.")
