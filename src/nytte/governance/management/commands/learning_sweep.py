from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from nytte.core.actors import System
from nytte.governance.learning.actions import remind_overdue
from nytte.governance.learning.revisits import sweep


class Command(BaseCommand):
    help = (
        "The learning loop's daily sweep: e-mail owners of overdue follow-up actions "
        "(at most once per FOLLOW_UP_REMINDER_DAYS) and open revisit items."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--only", choices=("reminders", "revisits"), help="run only one of the two"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the work for 'nytte worker' instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = options["only"]
        if options["enqueue"]:
            from nytte.governance.tasks import remind_follow_ups, sweep_revisits

            if only != "revisits":
                remind_follow_ups.enqueue()
            if only != "reminders":
                sweep_revisits.enqueue()
            self.stdout.write("queued")
            return
        if only != "revisits":
            n = remind_overdue(acting_user=System("cli"))
            self.stdout.write(f"reminded: {n} overdue follow-up actions")
        if only != "reminders":
            self.stdout.write(f"revisit items opened: {sweep()}")
