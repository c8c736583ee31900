from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nytte.core.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Replace the database and put back the attachments from an archive made by "
        "'nytte backup', then check that every row and file came back. Stop the app first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="an archive made by 'nytte backup'")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="really replace the current database (without it, only show the archive)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            manifest = read_manifest(path)
            rows = sum(manifest["tables"].values())
            summary = (
                f"{path}: a {manifest['vendor']} backup of {manifest['created']}, "
                f"{rows} rows, {len(manifest['media'])} files."
            )
            if not options["yes"]:
                self.stdout.write(summary)
                self.stdout.write("Nothing changed: add --yes to replace the current database.")
                return
            restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Restored " + summary + " Every row and file is back.")
