"""The same rules on the other paths: ``nytte createadmin`` and the Django admin (the last
programme admin stays there too). There is no membership API."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from nytte.core.choices import Role
from nytte.core.models import ChangeLogEntry, ProgrammeMembership, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_createadmin_without_input(monkeypatch):
    monkeypatch.setenv("NYTTE_ADMIN_PASSWORD", "Sterkt-passord-2026")
    out = io.StringIO()
    call_command("createadmin", "--no-input", "--username", "drift", stdout=out)
    user = User.objects.get(username="drift")
    assert user.is_superuser and user.check_password("Sterkt-passord-2026")
    assert "createadmin" not in out.getvalue() and "drift" in out.getvalue()
    entry = ChangeLogEntry.objects.get(object_id=str(user.pk))
    assert entry.actor_label == "system:cli"


def test_createadmin_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("NYTTE_ADMIN_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="password"):
        call_command("createadmin", "--no-input", "--username", "drift")
    assert not User.objects.filter(username="drift").exists()


def test_createadmin_asks(monkeypatch):
    answers = iter(["drift", "drift@example.no"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Sterkt-passord-2026")
    call_command("createadmin", stdout=io.StringIO())
    assert User.objects.get(username="drift").email == "drift@example.no"


def test_the_django_admin_keeps_the_last_programme_admin(
    programme, programme_admin, client_for, english
):
    site_admin = UserFactory(is_staff=True, is_superuser=True)
    membership = ProgrammeMembership.objects.get(programme=programme, user=programme_admin)
    client = client_for(site_admin, "en")
    base = f"/admin/core/programmemembership/{membership.pk}"
    response = client.post(f"{base}/delete/", {"post": "yes"})
    assert ProgrammeMembership.objects.filter(pk=membership.pk).exists()
    assert "last programme admin" in response.content.decode()
    response = client.post(
        f"{base}/change/",
        {"user": programme_admin.pk, "programme": programme.pk, "role": Role.VIEWER},
    )
    assert response.status_code == 200 and "last programme admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.PROGRAMME_ADMIN
