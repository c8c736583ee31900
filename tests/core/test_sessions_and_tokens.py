"""Sessions end after an idle time and an absolute time (both configurable); API tokens
expire and can be read-only, set from the CLI (issue 18, "Found by probing")."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from nytte.core.models import ApiToken
from nytte.core.session_timeout import SEEN, STARTED

pytestmark = pytest.mark.django_db


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/me").status_code == 200  # stamps the session
    return client


def shift(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_a_session_idle_past_the_limit_ends(settings, viewer):
    settings.SESSION_IDLE_MINUTES = 30
    client = logged_in_client(viewer)
    shift(client, SEEN, 29 * 60)
    assert client.get("/api/v1/me").status_code == 200
    shift(client, SEEN, 31 * 60)
    assert client.get("/api/v1/me").status_code == 401
    assert "_auth_user_id" not in client.session


def test_a_busy_session_ends_at_the_absolute_limit(settings, viewer):
    settings.SESSION_MAX_HOURS = 8
    client = logged_in_client(viewer)
    shift(client, STARTED, 8 * 3600 + 1)
    assert client.get("/api/v1/me").status_code == 401


def test_an_expired_session_sends_pages_to_the_login(settings, viewer, programme):
    settings.SESSION_IDLE_MINUTES = 5
    client = logged_in_client(viewer)
    shift(client, SEEN, 6 * 60)
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 302 and "/login/" in response.url


def create_token(*args: str) -> tuple[str, ApiToken]:
    out = io.StringIO()
    call_command("token", "create", *args, stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    return key, ApiToken.objects.get(prefix=key[:10])


def test_the_cli_creates_expiring_and_read_only_tokens(settings, viewer):
    settings.API_TOKEN_DAYS = 90
    _, default = create_token(viewer.username, "default")
    assert not default.read_only
    assert abs(default.expires_at - (timezone.now() + dt.timedelta(days=90))) < dt.timedelta(
        minutes=1
    )
    _, short = create_token(viewer.username, "short", "--expires-days", "7", "--read-only")
    assert short.read_only
    assert short.expires_at < timezone.now() + dt.timedelta(days=8)
    _, forever = create_token(viewer.username, "forever", "--expires-days", "0")
    assert forever.expires_at is None
    out = io.StringIO()
    call_command("token", "list", stdout=out)
    assert "read-only" in out.getvalue() and "no expiry" in out.getvalue()


def test_a_read_only_token_reads_but_gets_403_on_writes(facilitator, programme):
    key, _ = create_token(facilitator.username, "reader", "--read-only")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(f"/api/v1/programmes/{programme.slug}/benefits").status_code == 200
    response = client.post(
        f"/api/v1/programmes/{programme.slug}/benefits",
        {"code": "G-1", "title": "Ny"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_an_expired_token_is_refused(viewer):
    key, token = create_token(viewer.username, "old", "--expires-days", "1")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert client.get("/api/v1/me").status_code == 401
