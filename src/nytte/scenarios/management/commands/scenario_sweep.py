from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from nytte.scenarios.services import STALE_GRACE, run_fail_stale


class Command(BaseCommand):
    help = (
        "Mark scenario runs failed that are still 'running' well after their time limit "
        "(their worker died). Safe to run at any time, e.g. from cron every few minutes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--grace",
            type=float,
            default=STALE_GRACE.total_seconds() / 60,
            help="minutes past a run's time limit before it counts as dead (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from datetime import timedelta

        n = run_fail_stale(grace=timedelta(minutes=options["grace"]))
        self.stdout.write(f"stale runs marked failed: {n}")
