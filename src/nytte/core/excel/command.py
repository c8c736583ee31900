"""What the Excel commands share, so they take the same arguments and report alike: the
imports (``import_register``, ``import_benefits``, ``import_measurements``,
``import_proposals``) and the exports (``export_register``, ``export_benefits``,
``export_proposals``).

Exit codes of the imports, which scripts can trust: 0 imported (or valid, with --dry-run),
1 the file has errors (each printed as sheet, row, column and reason on stderr, nothing
saved), 2 bad arguments or no rights.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from nytte.core.actors import Actor, System
from nytte.core.models import Programme, User

from .result import ImportResult


class ImportCommand(BaseCommand):
    """An import of one file into one programme, optionally as a named user."""

    rights = "edit rights"
    # How a refusal reads: "<user> may not <refused> <slug>."
    refused = "import into"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="the programme's short name")
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, save nothing"
        )
        parser.add_argument(
            "--user",
            help=f"record the changes as this user (who needs {self.rights}); default: the system",
        )

    # The import itself, called as ``importer(programme, path, acting_user=..., dry_run=...)``;
    # a subclass sets it with ``staticmethod(...)``.
    importer: Callable[..., ImportResult]

    def run(
        self, programme: Programme, path: Path, acting_user: Actor, dry_run: bool
    ) -> ImportResult:
        return self.importer(programme, path, acting_user=acting_user, dry_run=dry_run)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            programme = Programme.objects.select_related("owner").get(slug=options["slug"])
        except Programme.DoesNotExist as exc:
            raise CommandError(
                f"No programme is called {options['slug']!r}.", returncode=2
            ) from exc
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.", returncode=2)
        acting_user: Actor = System("cli")
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.", returncode=2)
            acting_user = user
        started = time.perf_counter()
        try:
            result = self.run(programme, path, acting_user, options["dry_run"])
        except (PermissionDenied, Http404) as exc:
            raise CommandError(
                f"{options['user']} may not {self.refused} {programme.slug}.", returncode=2
            ) from exc
        elapsed = time.perf_counter() - started
        if not result.ok:
            for e in result.errors:
                where = ", ".join(
                    part for part in (e.sheet, f"row {e.row}" if e.row else "", e.column) if part
                )
                self.stderr.write(f"{where or 'file'}: {e.message}")
            if result.more_errors:
                self.stderr.write(f"... and {result.more_errors} more error(s), not listed.")
            raise CommandError(f"{result.error_count} error(s); nothing was saved.", returncode=1)
        for sheet, counts in result.counts.items():
            self.stdout.write(
                f"{sheet}: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged"
            )
        verb = "Checked (nothing saved)" if result.dry_run else "Imported"
        self.stdout.write(
            f"{verb}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged in {elapsed:.1f} s."
        )


class ExportCommand(BaseCommand):
    """An export of one programme to a workbook file, or to stdout with ``-``."""

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="the programme's short name, e.g. framtidens-innkreving")
        parser.add_argument("file", help="where to write the .xlsx file ('-' for stdout)")

    def workbook(self, programme: Programme, options: dict[str, Any]) -> bytes:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            programme = Programme.objects.select_related("owner").get(slug=options["slug"])
        except Programme.DoesNotExist as exc:
            raise CommandError(f"No programme is called {options['slug']!r}.") from exc
        started = time.perf_counter()
        data = self.workbook(programme, options)
        if options["file"] == "-":
            self.stdout._out.buffer.write(data)  # binary, not text
            return
        Path(options["file"]).write_bytes(data)
        elapsed = time.perf_counter() - started
        self.stderr.write(f"Wrote {options['file']} ({len(data):,} bytes) in {elapsed:.1f} s.")
