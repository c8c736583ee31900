"""API authentication: bearer tokens for machines, the session for the browser."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from nytte.core.models import ApiToken, hash_token

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    """A bearer token: refused once expired or its user disabled; a read-only token may
    only read (403 on any other method)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            api_token = ApiToken.objects.select_related("user").get(key_hash=hash_token(token))
        except ApiToken.DoesNotExist:
            return None
        now = timezone.now()
        if api_token.expires_at and api_token.expires_at <= now:
            return None
        if not api_token.user.is_active:
            return None
        if api_token.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied  # a 403 problem: the token is good, the write is not
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class BrowserSessionAuth(SessionAuth):
    """Session auth with CSRF protection on unsafe methods."""

    csrf = True
