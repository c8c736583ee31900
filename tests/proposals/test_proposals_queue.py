"""Each person's work queue at /queue/: the facilitator's proposals to harmonise, overdue
assessments and cases to prepare; the assessor's assessments awaiting scores; the proposer's
own proposals — across every programme they have a role in, never others', in a fixed
number of queries."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from nytte.core.choices import Role
from nytte.proposals.choices import Stage
from nytte.proposals.models import Assessment, Proposal
from nytte.proposals.queue import work_queue
from tests.factories import AssessmentFactory, MembershipFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db
QUEUE = "/queue/"
_numbers = itertools.count(1000)


def today() -> dt.date:
    return timezone.localdate()


def test_the_queue_is_at_queue():
    assert reverse("proposals:queue") == QUEUE


def test_the_facilitator_sees_what_to_harmonise_what_is_overdue_and_what_to_prepare(
    programme, other_programme, facilitator, viewer
):
    old = ProposalFactory(programme=programme)
    new = ProposalFactory(programme=programme)
    Proposal.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    ProposalFactory(programme=programme, stage=Stage.HARMONISATION)
    ready = ProposalFactory(programme=programme, stage=Stage.READY)
    assessed = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    late = AssessmentFactory(proposal=assessed, assessor=viewer, due=today() - dt.timedelta(1))
    AssessmentFactory(proposal=assessed, due=today())  # due today: not overdue yet
    AssessmentFactory(  # submitted: not overdue
        proposal=assessed, due=today() - dt.timedelta(5), submitted_at=timezone.now()
    )
    parked = ProposalFactory(programme=programme, stage=Stage.PARKED)
    AssessmentFactory(proposal=parked, due=today() - dt.timedelta(5))  # left the flow
    # Another programme, where this facilitator has no role: none of it shows.
    ProposalFactory(programme=other_programme)
    ProposalFactory(programme=other_programme, stage=Stage.READY)
    work = work_queue(facilitator)
    assert work.facilitates
    assert list(work.to_harmonise) == [old, new]  # the longest waiting first
    assert list(work.overdue) == [late]
    assert list(work.to_prepare) == [ready]


def test_proposals_to_harmonise_and_to_prepare_are_cut_at_the_limit_each(programme, facilitator):
    """Both lists come from one query, numbered per stage: each keeps its own order and
    its own "more"."""
    now = timezone.now()
    received = [ProposalFactory(programme=programme) for _ in range(3)]
    ready = [ProposalFactory(programme=programme, stage=Stage.READY) for _ in range(2)]
    for days, proposal in enumerate(received):  # the last one made waits longest
        Proposal.objects.filter(pk=proposal.pk).update(created_at=now - dt.timedelta(days=days))
    for days, proposal in enumerate(ready):  # the first ready is the most recently touched
        Proposal.objects.filter(pk=proposal.pk).update(updated_at=now - dt.timedelta(days=days))
    work = work_queue(facilitator, limit=2)
    assert list(work.to_harmonise) == [received[2], received[1]]
    assert work.to_harmonise.more
    assert list(work.to_prepare) == [ready[1], ready[0]]
    assert not work.to_prepare.more


def test_people_who_do_not_facilitate_get_no_facilitator_lists(programme, contributor):
    ProposalFactory(programme=programme)
    ProposalFactory(programme=programme, stage=Stage.READY)
    work = work_queue(contributor)
    assert not work.facilitates
    assert (len(work.to_harmonise), len(work.overdue), len(work.to_prepare)) == (0, 0, 0)


def test_an_assessor_sees_what_awaits_their_scores(programme, other_programme, owner, outsider):
    first = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    second = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    done = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT)
    gone = ProposalFactory(programme=programme, stage=Stage.REJECTED)
    waiting_late = AssessmentFactory(proposal=first, assessor=owner, due=today() - dt.timedelta(2))
    waiting = AssessmentFactory(proposal=second, assessor=owner, due=today() + dt.timedelta(7))
    AssessmentFactory(proposal=done, assessor=owner, submitted_at=timezone.now())
    AssessmentFactory(proposal=gone, assessor=owner)
    AssessmentFactory(proposal=first)  # someone else's
    work = work_queue(owner)
    assert list(work.to_assess) == [waiting_late, waiting]
    assert [a.overdue for a in work.to_assess] == [True, False]
    # Someone asked in a programme where they have no role (any more) sees nothing there.
    lost = ProposalFactory(programme=other_programme, stage=Stage.ASSESSMENT)
    AssessmentFactory(proposal=lost, assessor=owner)
    assert list(work_queue(owner).to_assess) == [waiting_late, waiting]
    assert list(work_queue(outsider).to_assess) == []


def test_a_proposer_sees_their_own_proposals_in_every_programme(
    programme, other_programme, contributor
):
    MembershipFactory(user=contributor, programme=other_programme, role=Role.VIEWER)
    here = ProposalFactory(programme=programme, proposer=contributor, stage=Stage.REJECTED)
    there = ProposalFactory(programme=other_programme, proposer=contributor)
    ProposalFactory(programme=programme)
    assert set(work_queue(contributor).mine) == {here, there}


def test_the_page_shows_each_list_with_links(programme, facilitator, owner, client_for, english):
    received = ProposalFactory(programme=programme, title="Varsel før inkasso")
    assessed = ProposalFactory(programme=programme, stage=Stage.ASSESSMENT, title="eFaktura")
    AssessmentFactory(proposal=assessed, assessor=owner, due=today() - dt.timedelta(3))
    own = ProposalFactory(
        programme=programme,
        proposer=owner,
        stage=Stage.REJECTED,
        stage_reason="Dekkes av FI-2.",
        title="Egen app",
    )
    text = client_for(facilitator, language="en").get(QUEUE).content.decode()
    assert "Waiting for harmonisation" in text
    assert received.get_absolute_url() + "?tab=harmonisation" in text
    assert "Assessments overdue" in text and owner.display_name in text
    assert "Cases to prepare for the governance dialogue" in text
    text = client_for(owner, language="en").get(QUEUE).content.decode()
    assert "Waiting for harmonisation" not in text
    assert "Waiting for your scores" in text and "Overdue" in text
    # The assessor's page, or the assessment tab until that page exists.
    url = assessed.get_absolute_url()
    assert f"{url}assess/" in text or f"{url}?tab=assessment" in text
    assert "Your proposals" in text and own.title in text and "Dekkes av FI-2." in text


def test_the_queue_needs_a_login_and_the_header_links_to_it(programme, viewer, client, client_for):
    assert client.get(QUEUE).status_code == 302
    assert 'href="/queue/"' not in client.get(reverse("login")).content.decode()
    page = client_for(viewer).get(programme.get_absolute_url()).content.decode()
    assert 'href="/queue/"' in page
    empty = UserFactory()
    text = client_for(empty, language="en").get(QUEUE).content.decode()
    assert "Nothing waits for you right now." in text


def _load(programmes, users, n: int) -> None:
    """``n`` proposals per programme in every stage, with assessments for every user."""
    for programme in programmes:
        proposals = Proposal.objects.bulk_create(
            Proposal(
                programme=programme,
                number=next(_numbers),
                title=f"Forslag {i}",
                need="Behov",
                idea="Idé",
                stage=Stage.values[i % 4],
                proposer=users[i % len(users)],
            )
            for i in range(n)
        )
        Assessment.objects.bulk_create(
            Assessment(proposal=p, assessor=u, due=today() - dt.timedelta(days=i % 3))
            for i, p in enumerate(proposals)
            for u in users
        )


@pytest.mark.parametrize("who", ["facilitator", "owner"])
def test_query_count_does_not_grow_with_the_queue(
    programme,
    other_programme,
    facilitator,
    owner,
    client_for,
    django_assert_max_num_queries,
    pinned_queries,
    who,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for user in (facilitator, owner):
        MembershipFactory(user=user, programme=other_programme, role=Role.VIEWER)
    user = {"facilitator": facilitator, "owner": owner}[who]
    client = client_for(user)
    programmes = [programme, other_programme]
    _load(programmes, [facilitator, owner], 2)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    _load(programmes, [facilitator, owner], 30)
    with django_assert_max_num_queries(len(few.captured_queries)), pinned_queries(f"queue ({who})"):
        response = client.get(QUEUE)
    work = response.context["work"]
    assert len(work.mine) > 20 and len(work.to_assess) > 20
