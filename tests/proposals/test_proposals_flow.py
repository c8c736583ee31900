"""The stage flow: every transition TRANSITIONS does not allow is refused, by the service and
through the proposal page; the allowed ones record an event and tell the proposer and the
supporters; parking and rejecting need a reason; only facilitators move proposals."""

from __future__ import annotations

import itertools

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from nytte.proposals import services
from nytte.proposals.choices import NEEDS_REASON, TRANSITIONS, EventKind, Stage
from nytte.proposals.models import Proposal, ProposalEvent, Support
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

PAIRS = list(itertools.product(Stage.values, Stage.values))
ILLEGAL = [(a, b) for a, b in PAIRS if b not in TRANSITIONS[a]]
# Moves the move form can make; a merge goes through proposal_merge, which says into what.
LEGAL = [(a, b) for a, b in PAIRS if b in TRANSITIONS[a] and b != Stage.MERGED]


def move_url(proposal: Proposal) -> str:
    return reverse(
        "proposals:move", kwargs={"slug": proposal.programme.slug, "number": proposal.number}
    )


def test_the_flow_has_illegal_and_legal_moves_to_test():
    # Guard against an empty parametrisation passing vacuously.
    assert len(ILLEGAL) > 20 and len(LEGAL) >= 10
    assert all(b != Stage.MERGED for _a, b in LEGAL)


@pytest.mark.parametrize(("start", "to"), ILLEGAL)
def test_the_service_refuses_every_transition_the_flow_does_not_allow(
    programme, facilitator, start, to
):
    proposal = ProposalFactory(programme=programme, stage=start)
    with pytest.raises(ValidationError):
        services.proposal_move(proposal=proposal, to=to, reason="Fordi.", acting_user=facilitator)
    proposal.refresh_from_db()
    assert proposal.stage == start
    assert not ProposalEvent.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize(("start", "to"), [p for p in PAIRS if p[1] == Stage.MERGED])
def test_a_merge_is_never_a_plain_move(programme, facilitator, start, to):
    proposal = ProposalFactory(programme=programme, stage=start)
    with pytest.raises(ValidationError):
        services.proposal_move(proposal=proposal, to=to, reason="x", acting_user=facilitator)
    assert Proposal.objects.get(pk=proposal.pk).stage == start


@pytest.mark.parametrize(("start", "to"), LEGAL)
def test_the_service_makes_every_allowed_move_and_records_it(programme, facilitator, start, to):
    proposal = ProposalFactory(programme=programme, stage=start)
    services.proposal_move(
        proposal=proposal, to=to, reason="Av hensyn til planen.", acting_user=facilitator
    )
    proposal.refresh_from_db()
    assert proposal.stage == to
    event = ProposalEvent.objects.get(proposal=proposal)
    assert (event.kind, event.from_stage, event.to_stage) == (EventKind.STAGE_CHANGED, start, to)
    assert event.actor == facilitator
    assert event.note == "Av hensyn til planen."


@pytest.mark.parametrize("to", sorted(NEEDS_REASON))
def test_parking_and_rejecting_need_a_reason(programme, facilitator, to):
    proposal = ProposalFactory(programme=programme, stage=Stage.HARMONISATION)
    for blank in ("", "   \n"):
        with pytest.raises(ValidationError) as refused:
            services.proposal_move(proposal=proposal, to=to, reason=blank, acting_user=facilitator)
        assert "reason" in refused.value.error_dict
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.HARMONISATION


@pytest.mark.parametrize("who", ["contributor", "owner", "viewer", "forum_member"])
def test_only_facilitators_move_proposals(programme, request, who):
    user = request.getfixturevalue(who)
    proposal = ProposalFactory(programme=programme)
    with pytest.raises(PermissionDenied):
        services.proposal_move(proposal=proposal, to=Stage.HARMONISATION, acting_user=user)


# ---------------------------------------------------------------------------------------------
# Through the page


@pytest.mark.parametrize(("start", "to"), ILLEGAL)
def test_the_page_refuses_every_transition_the_flow_does_not_allow(
    programme, facilitator, client_for, english, start, to
):
    proposal = ProposalFactory(programme=programme, stage=start)
    response = client_for(facilitator, language="en").post(
        move_url(proposal), {"to": to, "reason": "Fordi.", "tab": "history"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    # The service's own message, next to the actions.
    if to == Stage.MERGED:
        assert "Merge a proposal with" in text
    else:
        assert "A proposal cannot go from" in text
        assert str(Stage(start).label) in text
    assert Proposal.objects.get(pk=proposal.pk).stage == start
    assert not ProposalEvent.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize(("start", "to"), LEGAL)
def test_the_page_makes_every_allowed_move(programme, facilitator, client_for, start, to):
    proposal = ProposalFactory(programme=programme, stage=start)
    response = client_for(facilitator).post(
        move_url(proposal), {"to": to, "reason": "Avklart i møtet.", "tab": "history"}
    )
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url() + "?tab=history"
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.stage_reason) == (to, "Avklart i møtet.")
    assert ProposalEvent.objects.filter(
        proposal=proposal, kind=EventKind.STAGE_CHANGED, from_stage=start, to_stage=to
    ).exists()


def test_the_actions_offer_exactly_the_allowed_moves_with_reasons_where_needed(
    programme, facilitator, client_for
):
    client = client_for(facilitator)
    for stage in Stage.values:
        proposal = ProposalFactory(programme=programme, stage=stage)
        text = client.get(proposal.get_absolute_url() + "?tab=history").content.decode()
        offered = {s for s in Stage.values if f'name="to" value="{s}"' in text}
        assert offered == set(TRANSITIONS[stage]) - {Stage.MERGED}, stage
        reasons = {s for s in Stage.values if f'id="move-reason-{s}"' in text}
        assert reasons == {s for s in offered if services.needs_reason(proposal, s)}, stage
        if Stage.READY in offered:  # not assessed: ready needs the facilitator's reason
            assert Stage.READY in reasons
        # Merging is the harmonisation tab's: offered as a link there, never as a move.
        assert ('id="flow-merge"' in text) == (Stage.MERGED in TRANSITIONS[stage])


@pytest.mark.parametrize("who", ["contributor", "viewer"])
def test_people_who_do_not_facilitate_see_no_actions_and_cannot_post(
    programme, client_for, request, who
):
    user = request.getfixturevalue(who)
    proposal = ProposalFactory(programme=programme)
    client = client_for(user)
    text = client.get(proposal.get_absolute_url() + "?tab=history").content.decode()
    assert 'name="to"' not in text
    response = client.post(move_url(proposal), {"to": Stage.HARMONISATION})
    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.RECEIVED


def test_an_outsider_gets_404_and_a_get_is_not_allowed(
    programme, outsider, facilitator, client_for
):
    proposal = ProposalFactory(programme=programme)
    assert client_for(outsider).post(move_url(proposal), {"to": "harmonisation"}).status_code == 404
    assert client_for(facilitator).get(move_url(proposal)).status_code == 405


def test_a_missing_reason_is_shown_at_the_reason_field(programme, facilitator, client_for):
    proposal = ProposalFactory(programme=programme, stage=Stage.HARMONISATION)
    response = client_for(facilitator, language="en").post(
        move_url(proposal), {"to": Stage.PARKED, "reason": "", "tab": "history"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert 'id="move-reason-parked-error"' in text
    assert "Give a reason." in text
    assert 'aria-invalid="true"' in text
    # The disclosure with the failed form is open; the other one is not.
    assert '<details class="ds-details flow-reason" open>' in text
    assert text.count('<details class="ds-details flow-reason" open>') == 1
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.HARMONISATION


def test_what_was_typed_is_kept_when_a_move_is_refused(programme, facilitator, client_for):
    # Someone else moved the proposal on while this page was open: its Reject form is stale.
    proposal = ProposalFactory(programme=programme, stage=Stage.READY)
    response = client_for(facilitator, language="en").post(
        move_url(proposal),
        {"to": Stage.REJECTED, "reason": "Utenfor programmets mandat.", "tab": "history"},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "A proposal cannot go from Ready for governance to Rejected." in text
    assert "Utenfor programmets mandat." in text
    # Whitespace only is no reason, and the field keeps it.
    response = client_for(facilitator, language="en").post(
        move_url(proposal), {"to": Stage.PARKED, "reason": "  ", "tab": "history"}
    )
    text = response.content.decode()
    assert "Give a reason." in text
    assert 'aria-invalid="true">  </textarea>' in text


def test_a_rejection_tells_the_proposer_and_supporters_the_reason(
    programme, facilitator, client_for, django_capture_on_commit_callbacks
):
    proposer = UserFactory(email="ola@example.no")
    fan = UserFactory(email="kari@example.no")
    quiet = UserFactory(email="")
    proposal = ProposalFactory(programme=programme, proposer=proposer)
    Support.objects.create(proposal=proposal, user=fan)
    Support.objects.create(proposal=proposal, user=quiet)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(facilitator).post(
            move_url(proposal), {"to": Stage.REJECTED, "reason": "Dekkes allerede av FI-2."}
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["kari@example.no", "ola@example.no"]
    assert all("Dekkes allerede av FI-2." in m.body for m in mail.outbox)
    assert all(proposal.reference in m.subject for m in mail.outbox)


def test_an_outside_proposer_is_told_of_each_stage_change(
    programme, facilitator, client_for, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(
        programme=programme, proposer_name="Kari Nordmann", proposer_email="kari@example.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(facilitator).post(move_url(proposal), {"to": Stage.HARMONISATION})
        client_for(facilitator).post(move_url(proposal), {"to": Stage.ASSESSMENT})
    assert [m.to for m in mail.outbox] == [["kari@example.com"], ["kari@example.com"]]
    # A refused move tells nobody.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(facilitator).post(move_url(proposal), {"to": Stage.RECEIVED})
    assert len(mail.outbox) == 2


def test_a_move_from_the_board_returns_to_the_board_with_its_filters(
    programme, facilitator, client_for
):
    proposal = ProposalFactory(programme=programme, source="supplier")
    response = client_for(facilitator, language="en").post(
        move_url(proposal),
        {"to": Stage.HARMONISATION, "next": "board", "query": "source=supplier"},
        follow=True,
    )
    board = reverse("proposals:board", kwargs={"slug": programme.slug})
    assert response.redirect_chain[-1][0] == f"{board}?source=supplier"
    assert f"{proposal.reference} is now: harmonisation." in response.content.decode()
    # A refusal from the board comes back as a message there.
    response = client_for(facilitator, language="en").post(
        move_url(proposal), {"to": Stage.READY, "next": "board"}, follow=True
    )
    assert response.redirect_chain[-1][0] == board
    assert "A proposal cannot go from Harmonisation to Ready for governance." in (
        response.content.decode()
    )


def test_the_moved_message_names_the_stage_in_lower_case_mid_sentence_in_bokmal(
    programme, facilitator, client_for
):
    proposal = ProposalFactory(programme=programme)
    response = client_for(facilitator, language="nb").post(
        move_url(proposal), {"to": Stage.HARMONISATION}, follow=True
    )
    assert f"{proposal.reference} har nå status: harmonisering." in response.content.decode()
