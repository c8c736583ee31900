"""``nytte createadmin``: the first site administrator, who then runs everything in pages."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from nytte.administration.services import site_admin_create
from nytte.core.actors import System

PASSWORD_ENV = "NYTTE_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a site administrator: may create programmes and organisations in the pages "
        "(Site administration) and act in every programme. Asks for the password, or reads "
        f"it from ${PASSWORD_ENV} with --no-input."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default=None, help="user name (asked if left out)")
        parser.add_argument("--email", default=None, help="e-mail address (optional)")
        parser.add_argument(
            "--no-input",
            action="store_true",
            dest="no_input",
            help=f"ask nothing: --username is required and the password comes from ${PASSWORD_ENV}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        email = options["email"]
        if options["no_input"]:
            password = os.environ.get(PASSWORD_ENV, "")
            if not username or not password:
                raise CommandError(f"--no-input needs --username and ${PASSWORD_ENV}.")
        else:
            username = username or input("User name [admin]: ").strip() or "admin"
            if email is None:
                email = input("E-mail address (optional): ").strip()
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise CommandError("The two passwords differ.")
        try:
            user = site_admin_create(
                username=username,
                email=email or "",
                password=password,
                acting_user=System("cli"),
            )
        except ValidationError as exc:
            problems = (
                [f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            raise CommandError("\n".join(problems)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Site administrator {user.username!r} created.")
            + " Log in and open Site administration to create programmes and organisations."
        )
