from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from nytte.core.actors import System
from nytte.core.models import ApiToken, User
from nytte.core.services import api_token_create, api_token_revoke

CLI = System("cli")


class Command(BaseCommand):
    help = "Create, list or revoke API tokens for machine access to /api/v1."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("name", help="what the token is for")
        create.add_argument(
            "--expires-days",
            type=int,
            default=None,
            help="days until the token expires (default NYTTE_API_TOKEN_DAYS; 0: never)",
        )
        create.add_argument(
            "--read-only", action="store_true", help="the token may only read (GET)"
        )
        sub.add_parser("list", help="list tokens (never the secrets)")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            try:
                user = User.objects.get(username=options["username"])
            except User.DoesNotExist as exc:
                raise CommandError(f"No user named {options['username']!r}.") from exc
            days = options["expires_days"]
            if days is None:
                days = settings.API_TOKEN_DAYS
            if days < 0:
                raise CommandError("--expires-days must be 0 (never) or more.")
            _, key = api_token_create(
                user=user,
                name=options["name"],
                acting_user=CLI,
                expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
                read_only=options["read_only"],
            )
            self.stdout.write(key)
            self.stderr.write("Keep this token now: it is not shown again.")
        elif action == "list":
            for token in ApiToken.objects.select_related("user").order_by("created_at"):
                expires = (
                    f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "no expiry"
                )
                mode = "read-only" if token.read_only else "read-write"
                self.stdout.write(
                    f"{token.prefix}…  {token.user.username:<15} {token.name}  ({mode}, {expires})"
                )
        else:
            tokens = list(ApiToken.objects.select_related("user").filter(prefix=options["prefix"]))
            if not tokens:
                raise CommandError(f"No token with prefix {options['prefix']!r}.")
            for token in tokens:
                api_token_revoke(token=token, acting_user=CLI)
            self.stdout.write("Revoked.")
