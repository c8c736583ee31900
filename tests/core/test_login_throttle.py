"""Brute-force protection (issue 18, "Found by probing"): failed logins are counted per
account and per address in the database (shared by every worker process); past the limit
no password works, the right one included, on /accounts/login/ and /admin/login/, and the
account's owner is e-mailed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from nytte.core.models import ThrottleCounter
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_in_english")]
PASSWORD = "pass-word-123"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 12
    settings.LOGIN_LOCKOUT_MINUTES = 15


def login(client: Client, username: str, password: str, *, admin: bool = False, ip="10.0.0.1"):
    url = "/admin/login/" if admin else reverse("login")
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_works_before_any_failure():
    user = UserFactory(username="kari")
    client = Client()
    assert login(client, user.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_after_five_wrong_passwords_the_account_is_locked_and_its_owner_told():
    user = UserFactory(username="kari", email="kari@example.no")
    for n in range(5):
        # From different addresses: the account's own count locks it.
        assert login(Client(), "kari", "Secret-guess-42", ip=f"10.0.0.{n + 1}").status_code == 200
    client = Client()
    response = login(client, user.username, PASSWORD, ip="10.9.9.9")
    assert response.status_code == 200 and not logged_in(client)
    assert "Too many failed logins" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kari@example.no"]
    assert "Secret-guess-42" not in mail.outbox[0].body  # no secrets
    # The count is in the database, where every worker process sees it.
    assert ThrottleCounter.objects.exists()


def test_the_admin_login_is_throttled_too():
    UserFactory(username="root", is_staff=True, is_superuser=True, email="root@example.no")
    for _ in range(5):
        login(Client(), "root", "wrong", admin=True)
    client = Client()
    response = login(client, "root", PASSWORD, admin=True)
    assert response.status_code == 200 and not logged_in(client)
    assert "Too many failed logins" in response.content.decode()


def test_many_accounts_tried_from_one_address_lock_that_address():
    UserFactory(username="per")
    for n in range(12):
        login(Client(), f"nobody{n}", "wrong", ip="10.6.6.6")
    client = Client()
    assert login(client, "per", PASSWORD, ip="10.6.6.6").status_code == 200
    assert not logged_in(client)
    # Another address still gets in.
    assert login(Client(), "per", PASSWORD, ip="10.7.7.7").status_code == 302


def test_a_success_before_the_limit_resets_the_accounts_count():
    UserFactory(username="ola")
    for _ in range(4):
        login(Client(), "ola", "wrong")
    assert login(Client(), "ola", PASSWORD).status_code == 302
    for _ in range(4):
        login(Client(), "ola", "wrong")
    assert login(Client(), "ola", PASSWORD).status_code == 302
    assert not mail.outbox
