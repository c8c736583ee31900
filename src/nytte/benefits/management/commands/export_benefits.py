"""``nytte export_benefits SLUG FILE``: a programme's benefits register as an Excel workbook."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nytte.benefits.excel import export_benefits
from nytte.core.models import Programme


class Command(BaseCommand):
    help = (
        "Export a programme's benefits register (benefits, initiatives' shares, yearly "
        "amounts, indicators, targets, measurements) to an Excel file (.xlsx)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="the programme's short name, e.g. framtidens-innkreving")
        parser.add_argument("file", help="where to write the .xlsx file ('-' for stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            programme = Programme.objects.get(slug=options["slug"])
        except Programme.DoesNotExist as exc:
            raise CommandError(f"No programme is called {options['slug']!r}.") from exc
        started = time.perf_counter()
        data = export_benefits(programme)
        if options["file"] == "-":
            self.stdout._out.buffer.write(data)  # binary, not text
            return
        Path(options["file"]).write_bytes(data)
        elapsed = time.perf_counter() - started
        self.stderr.write(f"Wrote {options['file']} ({len(data):,} bytes) in {elapsed:.1f} s.")
