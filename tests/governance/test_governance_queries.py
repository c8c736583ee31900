"""No query per option, per link, per meeting or per case: the case page, the cases list and
the API's case list read in a fixed number of queries, pinned in query_counts.json."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nytte.governance import selectors, services
from nytte.governance.models import DecisionCase
from nytte.proposals.choices import LinkKind
from nytte.proposals.services import link_create
from tests.api.test_api_core import bearer
from tests.factories import (
    AssessmentFactory,
    CriterionFactory,
    InitiativeFactory,
    OrganisationFactory,
    ProposalFactory,
)

from .factories import (
    DecisionCaseFactory,
    DecisionFactory,
    ForumFactory,
    FundingShareFactory,
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
    # Submitted scores: the page shows the matrix position, from the programme's criteria.
    submitted = AssessmentFactory(
        proposal=ready_proposal, submitted_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    )
    submitted.scores.create(criterion=CriterionFactory(programme=programme), value=3)
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


def test_the_options_and_scores_read_along_with_the_case_are_those_read_apart(
    ready_proposal, facilitator, programme
):
    """``case_get`` reads each option's costs, benefits and funding shares, and the
    submitted scores, as JSON in the case's and the options' queries: the same objects,
    values, organisations and order as the prefetches, and the same assessment summary."""
    case = services.prepare_case_from_proposal(ready_proposal, facilitator, freeze_snapshot=False)
    orgs = [OrganisationFactory(name=name, short_name=name[:2]) for name in ("Ås", "Aa", "b")]
    option = services.option_create(case=case, data={"title": "Variant"}, acting_user=facilitator)
    for org, year in ((orgs[0], 2028), (orgs[1], 2028), (orgs[2], 2027), (orgs[0], 2027)):
        OptionCostFactory(option=option, organisation=org, year=year, amount=year * 10)
    OptionBenefitFactory(option=option, organisation=None, annual_amount=70, gained=False)
    OptionBenefitFactory(option=option, organisation=orgs[1], annual_amount=30)
    for org, basis in zip(orgs, ("0.35", "1.5", "12"), strict=True):
        FundingShareFactory(option=option, organisation=org, basis=Decimal(basis))
    criterion = CriterionFactory(programme=programme)
    hard = CriterionFactory(programme=programme, dimension="complexity", weight=Decimal("2.5"))
    for value in (3, 4):
        assessment = AssessmentFactory(
            proposal=ready_proposal, submitted_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
        )
        assessment.scores.create(criterion=criterion, value=value)
        assessment.scores.create(criterion=hard, value=value - 2)
    AssessmentFactory(proposal=ready_proposal).scores.create(criterion=criterion, value=1)

    read = selectors.case_get(user=facilitator, programme=programme, number=case.number)
    plain = DecisionCase.objects.prefetch_related(
        Prefetch("options", queryset=selectors._options_queryset())
    ).get(pk=case.pk)

    def lines(case: DecisionCase) -> list:
        org = ("pk", "name", "short_name", "orgnr", "kind", "parent_id")
        fields = {
            "costs": ("pk", "option_id", "year", "category", "amount"),
            "benefits": ("pk", "option_id", "description", "annual_amount", "gained"),
            "funding_shares": ("pk", "option_id", "basis"),
        }
        return [
            [
                (
                    tuple(getattr(child, f) for f in names),
                    child.organisation and tuple(getattr(child.organisation, f) for f in org),
                )
                for child in getattr(o, relation).all()
            ]
            for o in case.options.all()
            for relation, names in fields.items()
        ]

    with CaptureQueriesContext(connection) as queries:
        read_lines = lines(read)
    assert not queries.captured_queries
    assert read_lines == lines(plain)
    benefits = read.options.get(pk=option.pk).benefits.all()
    assert [type(b.gained) for b in benefits] == [bool, bool]  # the API shows true/false
    shares = [str(s.basis) for s in read.options.get(pk=option.pk).funding_shares.all()]
    assert shares == [str(s.basis) for s in plain.options.get(pk=option.pk).funding_shares.all()]
    assert sorted(shares) == ["0.35", "1.50", "12.00"]  # as the field's two places show them
    assert [selectors.option_view(o) for o in read.options.all()] == [
        selectors.option_view(o) for o in plain.options.all()
    ]
    with CaptureQueriesContext(connection) as queries:
        summary = selectors.assessment_summary(read)  # the criteria came with the case
    assert not queries.captured_queries
    assert summary is not None and summary["n_submitted"] == 2
    assert summary["potential"] is not None and summary["complexity"] is not None
    assert summary == selectors.assessment_summary(plain)
