from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from nytte.cli import command_as_typed
from nytte.core.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = (
        "Create the data directory and database, load the demo programmes and print the "
        "demo logins. Safe to run again: existing demo data is left as it is."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        created = load_demo()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({created} objects)."))
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<13} {user.description}")
        self.stdout.write(f"\nStart the app with: {command_as_typed()} serve")
