"""API authentication: bearer tokens for machines, the session for the browser."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from nytte.core.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
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
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class BrowserSessionAuth(SessionAuth):
    """Session auth with CSRF protection on unsafe methods."""

    csrf = True
