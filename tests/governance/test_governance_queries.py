"""No query per option, per link, per meeting or per case: the case page, the cases list and
the API's case list read in a fixed number of queries, pinned in query_counts.json."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nytte.governance import services
from nytte.proposals.choices import LinkKind
from nytte.proposals.services import link_create
from tests.api.test_api_core import bearer
from tests.factories import InitiativeFactory, ProposalFactory

from .factories import (
    DecisionCaseFactory,
    DecisionFactory,
    ForumFactory,
    MeetingFactory,
    OptionBenefitFactory,
    OptionCostFactory,
)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def _more_options_and_links(case, facilitator, orgs):
    for n in range(2):
        option = services.option_create(
            case=case, data={"title": f"Variant {n}"}, acting_user=facilitator
        )
        OptionCostFactory(option=option, organisation=orgs["nav"], amount=100)
        OptionBenefitFactory(option=option, organisation=orgs["skatt"], annual_amount=50)
        # The case page links each meeting it is on the agenda of, and each of its
        # proposal's links to their targets.
        meeting = MeetingFactory(forum=ForumFactory(programme=case.programme))
        services.agenda_add(meeting=meeting, case=case, acting_user=facilitator)
        for target in (
            {"target_proposal": ProposalFactory(programme=case.programme)},
            {"target_initiative": InitiativeFactory(programme=case.programme)},
        ):
            link_create(
                proposal=case.proposal, kind=LinkKind.OVERLAP, acting_user=facilitator, **target
            )


def _decided_case(programme, number: int) -> None:
    DecisionFactory(case=DecisionCaseFactory(programme=programme, number=number))


def test_the_case_pages_and_api_read_in_fixed_queries(
    client_for, pinned_queries, ready_proposal, facilitator, viewer, orgs, programme
):
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    _decided_case(programme, 10)
    client, api = client_for(viewer), Client(**bearer(viewer))
    page = case.get_absolute_url()
    cases = reverse("governance:cases", args=[programme.slug])
    api_cases = f"/api/v1/programmes/{programme.slug}/cases"
    few = {url: _count(c, url) for c, url in ((client, page), (client, cases), (api, api_cases))}
    _more_options_and_links(case, facilitator, orgs)
    for number in (11, 12):  # the lists link each case, its proposal and its decision
        _decided_case(programme, number)
    with pinned_queries("case page (viewer)"):
        assert _count(client, page) == few[page]
    with pinned_queries("cases list (viewer)"):
        assert _count(client, cases) == few[cases]
    with pinned_queries("API cases list (viewer)"):
        assert _count(api, api_cases) == few[api_cases]


def _decided_at(meeting, facilitator, number: int) -> None:
    case = DecisionCaseFactory(programme=meeting.forum.programme, number=number)
    services.agenda_add(meeting=meeting, case=case, acting_user=facilitator)
    DecisionFactory(case=case, forum=meeting.forum, meeting=meeting)


def test_the_forum_and_meeting_pages_read_in_fixed_queries(
    client_for, pinned_queries, facilitator, viewer, programme
):
    """They link every case on the agenda and every decision: no query per row."""
    meeting = MeetingFactory(forum=ForumFactory(programme=programme))
    _decided_at(meeting, facilitator, 20)
    client = client_for(viewer)
    pages = {
        "forum page (viewer)": meeting.forum.get_absolute_url(),
        "meeting page (viewer)": meeting.get_absolute_url(),
    }
    few = {name: _count(client, url) for name, url in pages.items()}
    for number in (21, 22):
        _decided_at(meeting, facilitator, number)
    for name, url in pages.items():
        with pinned_queries(name):
            assert _count(client, url) == few[name]
