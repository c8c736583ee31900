from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nytte.proposals.retention import anonymise_expired


class Command(BaseCommand):
    help = (
        "Erase outside proposers' names and e-mail addresses from proposals closed longer "
        "than NYTTE_PROPOSER_RETENTION_MONTHS ago (default 24). Run it daily."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=f"retention period in months (default {settings.PROPOSER_RETENTION_MONTHS})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be erased, erase nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        months = options["months"]
        if months is not None and months < 1:
            raise CommandError("--months must be 1 or more.")
        done = anonymise_expired(months=months, dry_run=options["dry_run"])
        verb = "Would erase" if options["dry_run"] else "Erased"
        for label in done:
            self.stdout.write(f"{verb}: {label}")
        self.stdout.write(f"{verb} the outside proposer's data of {len(done)} proposal(s).")
