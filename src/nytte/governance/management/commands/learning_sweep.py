from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from nytte.core.actors import System
from nytte.governance.learning.actions import remind_overdue
from nytte.governance.learning.revisits import sweep
from nytte.governance.learning.status_report import half_yearly


class Command(BaseCommand):
    help = (
        "The learning loop's daily sweep: e-mail owners of overdue follow-up actions "
        "(at most once per FOLLOW_UP_REMINDER_DAYS), open revisit items, and make the "
        "half-yearly portfolio status reports that are due."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--only", choices=("reminders", "revisits", "reports"), help="run only one part"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the work for 'nytte worker' instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = options["only"]
        if options["enqueue"]:
            from nytte.governance.tasks import (
                half_yearly_status_reports,
                remind_follow_ups,
                sweep_revisits,
            )

            for part, task in (
                ("reminders", remind_follow_ups),
                ("revisits", sweep_revisits),
                ("reports", half_yearly_status_reports),
            ):
                if only in (None, part):
                    task.enqueue()
            self.stdout.write("queued")
            return
        if only in (None, "reminders"):
            n = remind_overdue(acting_user=System("cli"))
            self.stdout.write(f"reminded: {n} overdue follow-up actions")
        if only in (None, "revisits"):
            self.stdout.write(f"revisit items opened: {sweep()}")
        if only in (None, "reports"):
            self.stdout.write(f"status reports made: {half_yearly(acting_user=System('cli'))}")
