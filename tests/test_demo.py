from __future__ import annotations

import os
import shlex
import subprocess

import pytest
from django.apps import apps

from nytte.cli import DEMO_HELP
from nytte.cli import main as cli_main
from nytte.core.demo import DEMO_PASSWORD, DEMO_USERS, ORGANISATIONS
from nytte.core.models import Organisation, Programme, User
from nytte.core.validators import is_valid_orgnr
from nytte.demo import main as run_demo


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label.startswith("core") or model.__module__.startswith("nytte.")
    }


@pytest.mark.django_db
def test_demo_twice_changes_nothing_the_second_time(capsys, monkeypatch):
    # No venv on PATH, as in a fresh shell: the serve command it prints must still run.
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    cli_main(["demo"])  # the command itself, as people run it
    printed = capsys.readouterr().out
    first = row_counts()
    password_hashes = dict(User.objects.values_list("username", "password"))
    cli_main(["demo"])
    out = capsys.readouterr().out

    line = next(x for x in printed.splitlines() if x.startswith("Start the app with: "))
    command = shlex.split(line.removeprefix("Start the app with: "))
    assert command[-1] == "serve" and command[0] != "nytte"
    # Production doesn't allow the sync ORM calls that the browser tests allow.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    check = subprocess.run(
        [*command[:-1], "help", "serve"], env=env, capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, check.stderr
    assert "--workers" in check.stdout

    assert row_counts() == first
    assert dict(User.objects.values_list("username", "password")) == password_hashes
    assert "nothing changed" in out
    assert "fasilitator" in out


@pytest.mark.django_db
def test_demo_has_both_programmes_agencies_and_a_user_per_role():
    run_demo()
    framtidens = Programme.objects.get(slug="framtidens-innkreving")
    assert framtidens.name == "Framtidens innkreving"
    assert {"Skatteetaten", "Arbeids- og velferdsetaten", "Brønnøysundregistrene"} <= set(
        framtidens.participants.values_list("name", flat=True)
    )
    assert Programme.objects.filter(slug="starte-og-drive-bedrift").exists()
    skatteetaten = Organisation.objects.get(short_name="SKE")
    assert skatteetaten.parent.name == "Finansdepartementet"
    roles = set(framtidens.memberships.values_list("role", flat=True))
    assert {"facilitator", "owner", "forum_member", "viewer"} <= roles
    for spec in DEMO_USERS:
        assert User.objects.get(username=spec.username).check_password(DEMO_PASSWORD)


def test_every_demo_organisation_number_passes_the_check_digit():
    assert all(is_valid_orgnr(orgnr) for orgnr, *_ in ORGANISATIONS)


def test_demo_help_needs_no_database(capsys):
    cli_main(["demo", "--help"])
    assert capsys.readouterr().out == DEMO_HELP
