"""Retention (issue 18): outside proposers' personal data is erased once their proposal has
been closed longer than the retention period; the job says what it did, in the log, the
change log and the proposal's events. ``nytte retention`` and the task do the same."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone

from nytte.core.actors import PublicProposer
from nytte.core.models import ChangeLogEntry
from nytte.proposals import services
from nytte.proposals.choices import Channel, EventKind
from nytte.proposals.models import Proposal
from nytte.proposals.retention import anonymise_expired
from nytte.proposals.tasks import retention

pytestmark = pytest.mark.django_db
LATER = timezone.now() + dt.timedelta(days=25 * 31)  # a little over 25 months on


def public(programme, name: str) -> Proposal:
    proposal, _token = services.proposal_submit(
        programme=programme,
        data={
            "title": f"Forslag fra {name}",
            "need": "Behov",
            "idea": "Idé",
            "proposer_name": name,
            "proposer_email": f"{name.lower()}@example.no",
        },
        channel=Channel.PUBLIC,
        consent=True,
        acting_user=PublicProposer(programme.pk),
    )
    return proposal


@pytest.fixture
def proposals(programme, facilitator, contributor):
    closed = public(programme, "Kari")
    services.proposal_move(
        proposal=closed, to="rejected", reason="Utenfor", acting_user=facilitator
    )
    still_open = public(programme, "Ola")
    staff, _ = services.proposal_submit(
        programme=programme,
        data={"title": "Internt", "need": "Behov", "idea": "Idé"},
        acting_user=contributor,
    )
    services.proposal_move(proposal=staff, to="rejected", reason="Nei", acting_user=facilitator)
    return {"closed": closed, "open": still_open, "staff": staff}


def fresh(proposal: Proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


def test_nothing_is_erased_before_the_period_has_passed(proposals):
    assert anonymise_expired() == []
    assert fresh(proposals["closed"]).proposer_email == "kari@example.no"


def test_closed_outside_proposals_are_anonymised_and_it_is_logged(proposals, caplog):
    with caplog.at_level(logging.INFO, logger="nytte.retention"):
        done = anonymise_expired(now=LATER)
    closed = fresh(proposals["closed"])
    assert done == [f"{closed.programme.slug}/{closed.reference}"]
    assert closed.proposer_name == closed.proposer_email == closed.status_token_hash == ""
    assert closed.erased_at is not None
    # The open proposal and the colleague's are left alone.
    assert fresh(proposals["open"]).proposer_email == "ola@example.no"
    assert fresh(proposals["staff"]).proposer_id is not None
    # Said in the log, the change log (values never kept) and the proposal's events.
    assert "Retention: 1 outside proposers' personal data erased" in caplog.text
    assert "kari" not in caplog.text.lower()
    entry = ChangeLogEntry.objects.filter(object_id=str(closed.pk), action="update").latest("id")
    assert entry.actor_label == "system:retention"
    assert entry.changes["proposer_email"] == {"before": "•••", "after": ""}
    assert closed.events.filter(kind=EventKind.ERASED).exists()
    # Running again finds nothing more.
    assert anonymise_expired(now=LATER) == []


def test_the_period_is_a_setting(proposals, settings):
    settings.PROPOSER_RETENTION_MONTHS = 0
    assert len(anonymise_expired(dry_run=True)) == 1
    assert fresh(proposals["closed"]).proposer_email  # a dry run changes nothing


def test_command_and_task(proposals, settings):
    out = io.StringIO()
    call_command("retention", "--dry-run", "--months", "1", stdout=out)
    assert "Would erase the outside proposer's data of 0 proposal(s)." in out.getvalue()
    settings.PROPOSER_RETENTION_MONTHS = 0
    assert retention.call() == 1
    assert fresh(proposals["closed"]).erased_at is not None
