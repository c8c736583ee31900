"""Records (issue 18): the change log and the proposals' domain events are append-only in
the database (a trigger refuses UPDATE and DELETE, on SQLite and PostgreSQL alike); each
change-log row has actor, organisation, UTC time, before/after and the request id; deleting a
programme still works and keeps its records; failed logins and denials are logged without
secrets."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from nytte.core.actors import SYSTEM
from nytte.core.models import ChangeLogEntry, OrganisationMembership, Programme
from nytte.core.records import purge_allowed
from nytte.portfolio import services as portfolio_services
from nytte.proposals import services as proposal_services
from nytte.proposals.models import Proposal, ProposalEvent
from tests.factories import InitiativeFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def refused(block) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        block()


@pytest.fixture
def logged(programme, facilitator):
    initiative = InitiativeFactory(programme=programme, code="FI-1")
    portfolio_services.initiative_update(
        initiative=initiative, data={"title": "Ny tittel"}, acting_user=facilitator
    )
    proposal, _token = proposal_services.proposal_submit(
        programme=programme,
        data={"title": "Forslag", "need": "Behov", "idea": "Idé"},
        acting_user=facilitator,
    )
    entry = ChangeLogEntry.objects.get(object_id=str(initiative.pk), action="update")
    return {"entry": entry, "event": proposal.events.get(), "proposal": proposal}


def test_change_log_rows_cannot_be_changed_or_deleted(logged):
    entry = logged["entry"]
    entry.changes = {"title": {"before": "x", "after": "forged"}}
    refused(entry.save)
    refused(lambda: ChangeLogEntry.objects.filter(pk=entry.pk).update(object_repr="forged"))
    refused(lambda: ChangeLogEntry.objects.filter(pk=entry.pk).delete())
    table = ChangeLogEntry._meta.db_table

    def raw_delete():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])

    refused(raw_delete)
    # Pointing a row at another programme or user is a change too.
    other = Programme.objects.exclude(pk=entry.programme_id).first() or entry.programme
    if other.pk != entry.programme_id:
        refused(lambda: ChangeLogEntry.objects.filter(pk=entry.pk).update(programme=other))
    refused(
        lambda: ChangeLogEntry.objects.filter(pk=entry.pk).update(actor=UserFactory(username="x"))
    )
    stored = ChangeLogEntry.objects.get(pk=entry.pk)
    assert stored.changes["title"]["after"] == "Ny tittel"
    assert stored.object_repr != "forged"


def test_proposal_events_cannot_be_changed_or_deleted(logged):
    event = logged["event"]
    event.note = "forged"
    refused(event.save)
    refused(lambda: ProposalEvent.objects.filter(pk=event.pk).update(kind="rejected"))
    refused(lambda: ProposalEvent.objects.filter(pk=event.pk).delete())
    assert ProposalEvent.objects.get(pk=event.pk).note == ""


def test_deleting_a_programme_keeps_its_records_detached(logged, programme, facilitator):
    """Decided: references are SET_NULL (the only update the triggers allow), so a
    programme can still be deleted, and its history stays, no longer tied to it."""
    entries = ChangeLogEntry.objects.filter(programme=programme).count()
    events = ProposalEvent.objects.filter(proposal=logged["proposal"]).count()
    assert entries and events
    programme.delete()
    assert not Proposal.objects.exists()
    assert ChangeLogEntry.objects.filter(pk=logged["entry"].pk, programme=None).exists()
    assert ChangeLogEntry.objects.filter(programme=None).count() >= entries
    assert ProposalEvent.objects.filter(pk=logged["event"].pk, proposal=None).exists()


def test_deleting_a_user_keeps_their_rows(logged, facilitator):
    entry = logged["entry"]
    facilitator.delete()
    entry = ChangeLogEntry.objects.get(pk=entry.pk)
    assert entry.actor is None
    assert entry.changes["title"]["after"] == "Ny tittel"


def test_a_purge_is_only_for_emptying_a_test_database(logged):
    with purge_allowed():
        ChangeLogEntry.objects.filter(pk=logged["entry"].pk).delete()
    assert not ChangeLogEntry.objects.filter(pk=logged["entry"].pk).exists()
    refused(lambda: ChangeLogEntry.objects.all().delete())


def test_each_row_says_who_for_whom_when_and_in_which_request(programme, facilitator, client_for):
    organisation = OrganisationFactory(name="Skatteetaten")
    OrganisationMembership.objects.create(user=facilitator, organisation=organisation, role="owner")
    initiative = InitiativeFactory(programme=programme, code="FI-1")
    url = reverse("portfolio:initiative_edit", args=[programme.slug, "FI-1"])
    from tests.formdata import form_data

    client = client_for(facilitator)
    data = form_data(client.get(url).content, "version")
    data["title"] = ["Endret på siden"]
    response = client.post(url, data)
    assert response.status_code == 302
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32

    entry = ChangeLogEntry.objects.get(object_id=str(initiative.pk), action="update")
    assert entry.actor == facilitator
    assert entry.organisation == organisation
    assert entry.request_id == request_id
    assert entry.timestamp.utcoffset() == dt.timedelta(0)  # stored and read in UTC
    assert entry.changes["title"]["after"] == "Endret på siden"
    assert "before" in entry.changes["title"]


def test_events_carry_the_request_id(programme, contributor, client_for):
    client = client_for(contributor)
    response = client.post(
        reverse("proposals:proposal_create", args=[programme.slug]),
        {"title": "Et forslag", "need": "Et behov", "idea": "En idé", "source": "staff"},
    )
    assert response.status_code == 302
    event = ProposalEvent.objects.latest("id")
    assert event.request_id == response.headers["X-Request-ID"]


def test_a_client_cannot_choose_its_request_id_unless_from_a_trusted_proxy(
    client_for, facilitator, settings
):
    client = client_for(facilitator)
    chosen = "abcdef12-3456"
    assert client.get("/", HTTP_X_REQUEST_ID=chosen).headers["X-Request-ID"] != chosen
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/", HTTP_X_REQUEST_ID=chosen).headers["X-Request-ID"] == chosen
    assert client.get("/", HTTP_X_REQUEST_ID="bad id!").headers["X-Request-ID"] != "bad id!"


def test_commands_and_tasks_log_without_a_request(programme):
    initiative = InitiativeFactory(programme=programme, code="FI-2")
    portfolio_services.initiative_update(
        initiative=initiative, data={"title": "Av systemet"}, acting_user=SYSTEM
    )
    entry = ChangeLogEntry.objects.latest("id")
    assert entry.request_id == "" and entry.actor_label == "system:system"


def test_failed_logins_and_denials_are_logged_without_secrets(
    programme, viewer, client_for, caplog
):
    secret = "not-the-password-42"
    user = UserFactory(username="kari")
    with caplog.at_level(logging.INFO, logger="nytte.security"):
        Client().post(reverse("login"), {"username": user.username, "password": secret})
        InitiativeFactory(programme=programme, code="FI-3")
        denied = client_for(viewer).get(
            reverse("portfolio:initiative_edit", args=[programme.slug, "FI-3"])
        )
    assert denied.status_code == 403
    security = [r for r in caplog.records if r.name == "nytte.security"]
    messages = [r.getMessage() for r in security]
    assert any("fail" in m.lower() for m in messages), messages
    assert any("Permission denied (403)" in m and f"user:{viewer.pk}" in m for m in messages)
    text = " ".join(messages)
    assert secret not in text and "kari" not in text and viewer.username not in text


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_database_can_still_be_emptied(programme, facilitator):
    """Between transactional tests (and browser tests) the database is flushed: the one
    purge the triggers let through (tests/conftest.py). Without it this test's teardown
    fails."""
    InitiativeFactory(programme=programme, code="FI-9")
    portfolio_services.initiative_update(
        initiative=programme.initiatives.get(), data={"title": "T"}, acting_user=facilitator
    )
    assert ChangeLogEntry.objects.exists()


def test_the_triggers_come_back_after_every_migrate(logged):
    """SQLite drops a table's triggers when a migration rebuilds the table: ``migrate``
    installs them again (post_migrate)."""
    from django.core.management import call_command

    from nytte.core.records import uninstall

    uninstall(connection)
    ChangeLogEntry.objects.filter(pk=logged["entry"].pk).update(object_repr="unguarded")
    call_command("migrate", verbosity=0)
    refused(lambda: ChangeLogEntry.objects.filter(pk=logged["entry"].pk).delete())
    refused(lambda: ProposalEvent.objects.filter(pk=logged["event"].pk).delete())
