"""Proposal services: receiving, the guarded flow, merging without losing anyone, erasure."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from nytte.core.actors import SYSTEM, PublicProposer
from nytte.core.models import ChangeLogEntry
from nytte.proposals import services
from nytte.proposals.ahp import matrix_from_judgements, weights
from nytte.proposals.choices import TRANSITIONS, Channel, EventKind, Stage
from nytte.proposals.models import Proposal, ProposalEvent, Support
from tests.factories import InitiativeFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = {"title": "Felles gjeldsoversikt", "need": "Folk mister oversikten.", "idea": "Vis alt."}


def test_proposals_are_numbered_in_each_programme_and_get_a_private_link(
    programme, contributor, django_capture_on_commit_callbacks
):
    contributor.email = "kari@example.no"
    contributor.save()
    with django_capture_on_commit_callbacks(execute=True):
        first, token = services.proposal_submit(
            programme=programme, data=TEXT, acting_user=contributor
        )
        second, _ = services.proposal_submit(
            programme=programme, data=TEXT, acting_user=SYSTEM, channel=Channel.API
        )
    assert (first.number, second.number) == (1, 2)
    assert first.proposer == contributor
    assert services.proposal_for_token(token) == first
    assert services.proposal_for_token("wrong") is None
    assert token not in first.status_token_hash  # only the hash is stored
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]
    assert token in mail.outbox[0].body
    assert ProposalEvent.objects.filter(proposal=first, kind=EventKind.SUBMITTED).exists()


def test_an_outside_proposer_must_consent_and_give_an_email_on_the_public_form(programme):
    with pytest.raises(ValidationError) as refused:
        services.proposal_submit(
            programme=programme,
            data=TEXT,
            channel=Channel.PUBLIC,
            acting_user=PublicProposer(programme_id=programme.pk),
        )
    assert "proposer_email" in refused.value.error_dict
    outside = TEXT | {"proposer_name": "Kari", "proposer_email": "kari@example.no"}
    with pytest.raises(ValidationError) as refused:
        services.proposal_submit(
            programme=programme,
            data=outside,
            channel=Channel.PUBLIC,
            acting_user=PublicProposer(programme_id=programme.pk),
        )
    assert "consent" in refused.value.error_dict
    proposal, _ = services.proposal_submit(
        programme=programme,
        data=outside,
        channel=Channel.PUBLIC,
        consent=True,
        acting_user=PublicProposer(programme_id=programme.pk),
    )
    assert proposal.consent_at is not None


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.pdf", b"MZ\x90\x00 not a pdf", "attachment_content"),
        ("script.exe", b"MZ", "attachment_type"),
        ("big.pdf", b"%PDF" + b"0" * (services.MAX_ATTACHMENT_BYTES), "attachment_too_large"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_saved(
    programme, contributor, name, content, code
):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.check_attachment(upload)
    assert refused.value.code == code
    with pytest.raises(ValidationError):
        services.proposal_submit(
            programme=programme, data=TEXT, attachments=[upload], acting_user=contributor
        )
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("start", list(Stage))
@pytest.mark.parametrize("to", [s for s in Stage if s != Stage.MERGED])
def test_the_flow_allows_exactly_its_transitions(programme, facilitator, start, to):
    proposal = ProposalFactory(programme=programme, stage=start)
    if to in TRANSITIONS[start]:
        services.proposal_move(proposal=proposal, to=to, reason="Fordi.", acting_user=facilitator)
        assert Proposal.objects.get(pk=proposal.pk).stage == to
    else:
        with pytest.raises(ValidationError):
            services.proposal_move(
                proposal=proposal, to=to, reason="Fordi.", acting_user=facilitator
            )
        assert Proposal.objects.get(pk=proposal.pk).stage == start


def test_only_the_facilitator_moves_and_parking_needs_a_reason(programme, facilitator, owner):
    proposal = ProposalFactory(programme=programme)
    with pytest.raises(PermissionDenied):
        services.proposal_move(proposal=proposal, to=Stage.HARMONISATION, acting_user=owner)
    with pytest.raises(ValidationError) as refused:
        services.proposal_move(proposal=proposal, to=Stage.PARKED, acting_user=facilitator)
    assert "reason" in refused.value.error_dict


def test_a_merge_keeps_supporters_and_evidence_and_tells_everyone(
    programme, facilitator, django_capture_on_commit_callbacks
):
    proposer = UserFactory(email="ola@example.no")
    fan = UserFactory(email="fan@example.no")
    both = UserFactory(email="both@example.no")
    duplicate = ProposalFactory(programme=programme, proposer=proposer)
    target = ProposalFactory(programme=programme, stage=Stage.HARMONISATION)
    Support.objects.create(proposal=duplicate, user=fan)
    Support.objects.create(proposal=duplicate, user=both)
    Support.objects.create(proposal=target, user=both)
    services.evidence_add(
        proposal=duplicate, kind="quote", text="«Jeg ga opp.»", acting_user=facilitator
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_merge(
            proposal=duplicate, into=target, note="Samme behov.", acting_user=facilitator
        )
    duplicate.refresh_from_db()
    assert (duplicate.stage, duplicate.merged_into) == (Stage.MERGED, target)
    supporters = set(target.supports.values_list("user__username", flat=True))
    assert supporters == {proposer.username, fan.username, both.username}
    assert target.evidence.filter(text="«Jeg ga opp.»").exists()
    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == ["both@example.no", "fan@example.no", "ola@example.no"]
    assert duplicate.links.get().target_proposal == target


def test_merging_is_refused_into_itself_a_closed_proposal_or_from_ready(programme, facilitator):
    proposal = ProposalFactory(programme=programme)
    closed = ProposalFactory(programme=programme, stage=Stage.REJECTED)
    ready = ProposalFactory(programme=programme, stage=Stage.READY)
    for source, into in ((proposal, proposal), (proposal, closed), (ready, proposal)):
        with pytest.raises(ValidationError):
            services.proposal_merge(proposal=source, into=into, acting_user=facilitator)


def test_a_proposal_can_be_attached_to_an_initiative_of_its_programme(programme, facilitator):
    proposal = ProposalFactory(programme=programme)
    services.proposal_attach(
        proposal=proposal,
        initiative=InitiativeFactory(programme=programme),
        acting_user=facilitator,
    )
    assert Proposal.objects.get(pk=proposal.pk).attached_to is not None
    with pytest.raises(ValidationError):
        services.proposal_attach(
            proposal=ProposalFactory(programme=programme),
            initiative=InitiativeFactory(),
            acting_user=facilitator,
        )


def test_erasure_removes_the_outside_proposers_data_but_keeps_the_proposal(programme, facilitator):
    proposal, token = services.proposal_submit(
        programme=programme,
        data=TEXT | {"proposer_name": "Kari Nordmann", "proposer_email": "kari@example.no"},
        channel=Channel.PUBLIC,
        consent=True,
        acting_user=PublicProposer(programme_id=programme.pk),
    )
    services.proposer_erase(proposal=proposal, acting_user=facilitator)
    proposal.refresh_from_db()
    assert (proposal.proposer_name, proposal.proposer_email) == ("", "")
    assert proposal.erased_at is not None
    assert services.proposal_for_token(token) is None
    # The change log never held them: not at creation, not at erasure.
    log = ChangeLogEntry.objects.filter(object_id=str(proposal.pk))
    assert log.count() >= 2
    assert not any("Kari" in str(entry.changes) for entry in log)
    assert not any("kari@example.no" in str(entry.changes) for entry in log)


def test_saatys_example_gives_the_known_weights_and_a_low_consistency_ratio():
    # A = [[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]]: principal eigenvector (0.637, 0.258, 0.105),
    # λmax = 3.0385, CI = (3.0385 − 3)/2 = 0.0193, CR = CI / RI(3) = 0.0193/0.58 = 0.033.
    result = weights(matrix_from_judgements(3, {(0, 1): 3, (0, 2): 5, (1, 2): 3}))
    assert result.weights == pytest.approx((0.637, 0.258, 0.105), abs=0.001)
    assert result.consistency_ratio == pytest.approx(0.033, abs=0.001)
    assert result.consistent
    # Saying A > B, B > C but C much greater than A contradicts itself: CR far above 0.1.
    assert not weights(matrix_from_judgements(3, {(0, 1): 5, (1, 2): 5, (0, 2): 1 / 5})).consistent
