from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nytte.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write the database (SQLite's online backup, or pg_dump) and every attachment "
        "(MEDIA_ROOT) to one archive file (.tar.gz). The app may keep running."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the archive to write, e.g. nytte-2026-12-06.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Wrote {path}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['media'])} files."
        )
